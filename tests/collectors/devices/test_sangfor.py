"""Sangfor AF lines (real, see tests/data/collectors/devices/README.md), in UTF-8 and in GBK as
many units send them; fields derived from the Chinese keys' meaning (log-formats.md 5.1)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

Sample = Callable[[str, str], list[dict[str, Any]]]


@pytest.mark.parametrize(("line", "expected"), [
    # WAF: 拒绝 (deny), 严重级别 高 (high), the URL kept
    (0, {"event.kind": "alert", "event.category": ["network", "intrusion_detection"], "event.type": ["denied"],
         "event.outcome": "failure", "event.severity": 3, "rule.category": "信息泄漏攻击",
         "url.original": "192.200.41.126", "source.port": 1084}),
    # IPS: the vulnerability name is the rule, 协议 the transport
    (1, {"rule.name": "WebCalendar本地文件包含和PHP代码注入漏洞", "network.transport": "tcp",
         "event.action": "intrusion-detected"}),
    # DoS: no ports, 中 (medium)
    (2, {"event.action": "dos-attack-detected", "event.severity": 2, "source.port": None,
         "sangfor.attack_direction": "外网"}),
    # anti-virus: 被记录 (logged only) gives no verdict; a URL with "//"
    (3, {"event.category": ["network", "malware"], "event.type": ["info"], "event.outcome": None,
         "rule.name": "Heuristics.PDF.ObfuscatedNameObject", "user.name": None,
         "url.original": "http://192.200.41.126/repro/adobe_pdf_embedded_exe_nojs.pdf"}),
    # web access
    (4, {"event.category": ["web"], "event.type": ["access"], "url.original": "http://www.shenxinfu.com/simple.php"}),
    # an administrator's system operation that succeeded (描述 ... 成功)
    (5, {"event.category": ["configuration"], "user.name": "admin", "source.ip": "200.200.88.121",
         "event.outcome": "success"}),
    # user authentication: 注销 is a logout
    (6, {"event.category": ["authentication"], "event.type": ["end"], "source.ip": "192.168.200.199"}),
    # NAT: protocol by number, the translated address
    (7, {"event.action": "nat", "network.iana_number": "17", "network.transport": "udp",
         "source.nat.ip": "192.168.155.246", "log.syslog.appname": "nat"}),
    # SSL VPN login that succeeded
    (8, {"event.type": ["start"], "event.outcome": "success", "user.name": "wjj"}),
    # newer firmware: fwlog[pid], 所属系统 first, an empty 应用名称, 允许 (allow)
    (9, {"sangfor.vsys": "public", "rule.name": "应用控制策略", "event.type": ["connection", "allowed"],
         "observer.name": "sfos-x86_64", "network.application": None}),
    # a line without PRI
    (10, {"log.syslog.priority": None, "network.application": "HTTP_GET", "event.outcome": "success"}),
    # traffic audit: KB counters in bytes; 用户名/主机 an address
    (11, {"source.bytes": 14450 * 1024, "destination.bytes": 38055 * 1024, "network.bytes": 52505 * 1024,
          "source.ip": "192.168.100.26"}),
])
@pytest.mark.parametrize("name", ["sangfor.log", "sangfor_gbk.log"])
def test_sangfor_lines(sample: Sample, name: str, line: int, expected: dict[str, Any]) -> None:
    event = sample("sangfor.af", name)[line]
    assert {k: event.get(k) for k in expected} == expected
