"""Compliance tags of govsoc's rule packs: 等保 2.0 (GB/T 22239-2019, level 3) controls and 密评
(GB/T 39786-2021) items, written as Sigma tags beside the ATT&CK ones (rules/packs/README.md).

- ``djbh.l3.<clause>.<item>``: a GB/T 22239-2019 level-3 requirement item, by the standard's own
  clause number (section 8 is level 3; 8.1 the general requirements) and item letter, e.g.
  ``djbh.l3.8.1.4.1.b`` = 8.1.4.1 身份鉴别 b) 登录失败处理. DJBH_CONTROLS lists the items the packs
  may use; a tag outside it is an error (tests/rules/test_egov_rules.py).
- ``mipin.<item id>``: a GB/T 39786-2021 level-3 item, named exactly as govsoc.crypto_eval's
  catalogue (crypto_eval/catalogue.yml) names it, e.g. ``mipin.gbt39786.l3.8.3.b``.

pySigma splits a tag at its first dot, so the namespace is ``djbh`` / ``mipin`` and the name the
rest; alerts carry the tags as written (govsoc.rules.metadata).

:func:`findings_per_control` counts stored alerts per control for a report (a terms aggregation
over the alerts' tags in the store, one call whatever the number of alerts), leaving out alerts an
analyst closed as false positives (no finding); :func:`control_label`
is how a control is shown (``等保 8.1.4.1 b)``, ``密评 8.3 b)``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from govsoc.core.alert import STATUSES
from govsoc.store.base import Query, Store

__all__ = ["DJBH_CONTROLS", "DJBH_NAMESPACE", "FINDING_STATUSES", "MIPIN_NAMESPACE", "TAG_LIMIT", "ControlFindings",
           "compliance_tags", "control_label", "findings_per_control"]

DJBH_NAMESPACE = "djbh"
MIPIN_NAMESPACE = "mipin"

#: GB/T 22239-2019 level-3 items the packs use: tag name -> clause, control point and item (abridged).
DJBH_CONTROLS: dict[str, str] = {
    "l3.8.1.2.2.a": "8.1.2.2 通信传输 a) 采用校验技术或密码技术保证通信过程中数据的完整性",
    "l3.8.1.2.2.b": "8.1.2.2 通信传输 b) 采用密码技术保证通信过程中数据的保密性",
    "l3.8.1.3.1.a": "8.1.3.1 边界防护 a) 跨越边界的访问和数据流通过边界设备提供的受控接口进行通信",
    "l3.8.1.3.1.c": "8.1.3.1 边界防护 c) 对内部用户非授权联到外部网络的行为进行检查或限制",
    "l3.8.1.3.2.a": "8.1.3.2 访问控制 a) 在网络边界或区域之间根据访问控制策略设置访问控制规则",
    "l3.8.1.3.3.a": "8.1.3.3 入侵防范 a) 在关键网络节点处检测、防止或限制从外部发起的网络攻击行为",
    "l3.8.1.3.3.b": "8.1.3.3 入侵防范 b) 在关键网络节点处检测、防止或限制从内部发起的网络攻击行为",
    "l3.8.1.3.5.a": "8.1.3.5 安全审计 a) 在网络边界、重要网络节点进行安全审计",
    "l3.8.1.4.1.a": "8.1.4.1 身份鉴别 a) 对登录的用户进行身份标识和鉴别",
    "l3.8.1.4.1.b": "8.1.4.1 身份鉴别 b) 具有登录失败处理功能（结束会话、限制非法登录次数、超时退出）",
    "l3.8.1.4.1.c": "8.1.4.1 身份鉴别 c) 远程管理时采取必要措施防止鉴别信息在网络传输过程中被窃听",
    "l3.8.1.4.1.d": "8.1.4.1 身份鉴别 d) 采用两种或两种以上组合的鉴别技术",
    "l3.8.1.4.2.a": "8.1.4.2 访问控制 a) 对登录的用户分配账户和权限",
    "l3.8.1.4.3.a": "8.1.4.3 安全审计 a) 启用安全审计功能，审计覆盖到每个用户",
    "l3.8.1.4.3.c": "8.1.4.3 安全审计 c) 对审计记录进行保护，避免受到未预期的删除、修改或覆盖",
    "l3.8.1.4.3.d": "8.1.4.3 安全审计 d) 对审计进程进行保护，防止未经授权的中断",
    "l3.8.1.4.4.b": "8.1.4.4 入侵防范 b) 关闭不需要的系统服务、默认共享和高危端口",
    "l3.8.1.4.4.d": ("8.1.4.4 入侵防范 d) 提供数据有效性检验功能，保证通过人机接口或通信接口输入的内容"
                     "符合系统设定要求"),
    "l3.8.1.4.4.c": "8.1.4.4 入侵防范 c) 通过设定终端接入方式或网络地址范围对网络管理终端进行限制",
    "l3.8.1.4.8.a": "8.1.4.8 数据保密性 a) 采用密码技术保证重要数据在传输过程中的保密性（含重要个人信息）",
    "l3.8.1.4.11.b": "8.1.4.11 个人信息保护 b) 禁止未授权访问和非法使用用户个人信息",
    "l3.8.1.4.5.a": ("8.1.4.5 恶意代码防范 a) 采用免受恶意代码攻击的技术措施或主动免疫可信验证机制"
                     "及时识别入侵和病毒行为"),
    "l3.8.1.5.1.a": "8.1.5.1 系统管理 a) 对系统管理员进行身份鉴别，通过特定的命令或操作界面进行系统管理操作并审计",
    "l3.8.1.5.4.a": "8.1.5.4 集中管控 a) 划分出特定的管理区域，对分布在网络中的安全设备或安全组件进行管控",
    "l3.8.1.5.4.d": ("8.1.5.4 集中管控 d) 对分散在各个设备上的审计数据进行收集汇总和集中分析，并保证审计记录的"
                     "留存时间符合法律法规要求"),
}

_TAG = re.compile(r"^(djbh|mipin)\.(.+)$")
#: The alert statuses that count as findings: every one but false_positive (an analyst's verdict
#: that nothing happened).
FINDING_STATUSES: tuple[str, ...] = tuple(s for s in STATUSES if s != "false_positive")


def compliance_tags(tags: Iterable[str]) -> dict[str, list[str]]:
    """The 等保 and 密评 tags among ``tags`` (as ``namespace.name`` strings), by namespace."""
    found: dict[str, list[str]] = {DJBH_NAMESPACE: [], MIPIN_NAMESPACE: []}
    for tag in tags:
        match = _TAG.match(tag.lower())
        if match:
            found[match.group(1)].append(match.group(2))
    return found


#: More distinct tags than any pack carries (ATT&CK and compliance tags of every rule): the
#: aggregation's bound, so that no control is cut off.
TAG_LIMIT = 5000
_LABELS = {DJBH_NAMESPACE: "等保", MIPIN_NAMESPACE: "密评"}
_ITEM = re.compile(r"^(?:l3\.|gbt39786\.l3\.)?(?P<clause>.+)\.(?P<item>[a-z])$")


def control_label(tag: str) -> str | None:
    """How a compliance tag is shown: ``djbh.l3.8.1.4.1.b`` -> ``等保 8.1.4.1 b)``,
    ``mipin.gbt39786.l3.8.3.b`` -> ``密评 8.3 b)``; None for a tag of another namespace."""
    match = _TAG.match(tag.lower())
    if match is None:
        return None
    item = _ITEM.match(match.group(2))
    name = f"{item.group('clause')} {item.group('item')})" if item else match.group(2)
    return f"{_LABELS[match.group(1)]} {name}"


@dataclass(frozen=True, slots=True, kw_only=True)
class ControlFindings:
    """How many alerts of a period name one 等保 control or 密评 item, and when the first and the
    last of them started."""

    namespace: str
    control: str
    label: str
    text: str | None
    alerts: int
    first: datetime | None
    last: datetime | None


def findings_per_control(store: Store, start: datetime | None, end: datetime | None, *,
                         include_false_positives: bool = False) -> list[ControlFindings]:
    """The alerts starting in [start, end) counted per 等保 control and 密评 item they are tagged
    with (an alert with two controls counts for each), most alerts first, then by tag. Alerts
    closed as false positives are no findings and are left out, unless ``include_false_positives``.

    Computed in the store (a terms aggregation over the alerts' ``tags``, Store.groups with
    target "alerts"): one store call, whatever the number of alerts. ``text`` is the control's
    wording from DJBH_CONTROLS (None for 密评 items: crypto_eval's catalogue has theirs)."""
    terms = {} if include_false_positives else {"alert.status": FINDING_STATUSES}
    groups = store.groups(Query(start=start, end=end, terms=terms), "tags", size=TAG_LIMIT, span=True,
                          target="alerts")
    found = []
    for group in groups:
        tag = str(group.key)
        match = _TAG.match(tag.lower())
        if match is None:
            continue
        namespace, control = match.group(1), match.group(2)
        found.append(ControlFindings(namespace=namespace, control=control, label=control_label(tag) or tag,
                                     text=DJBH_CONTROLS.get(control) if namespace == DJBH_NAMESPACE else None,
                                     alerts=group.count, first=group.first, last=group.last))
    return sorted(found, key=lambda f: (-f.alerts, f.namespace, f.control))
