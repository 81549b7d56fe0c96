"""Regression tests for the second 密评 review (issue 16, findings 2, 3, 4 and 8): what a person
declares and what a probe of a real loopback server sees, put together.

- A declared D ✗ (or 不符合) for an item the 高风险判定指引 (2021) lists is that item's high risk
  (reference §3: "no crypto used" / "ineffective" is the guide's condition itself).
- A person's admission of a problem is never dropped because a probed endpoint looked fine.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from govsoc.core.inventory import InventoryModel, System
from govsoc.crypto_eval.assess import SystemEvaluation
from govsoc.crypto_eval.evaluate import evaluate_inventory
from tests.servers.certs import CertFiles
from tests.servers.tls import python_tls_server

PRODUCT = {"name": "SSL VPN 网关", "certificate_no": "GM0033122202300001", "module_level": 2,
           "used_for": ["network", "device", "application"]}
KM = {"storage": "服务器密码机", "keys_in_plaintext": False}


def _systems(*systems: dict[str, Any]) -> list[System]:
    return list(InventoryModel.model_validate({"systems": list(systems)}).systems)


def _item(e: SystemEvaluation, item_id: str) -> Any:
    return next(r for layer in e.layers for r in layer.items if r.item.id == item_id)


def _high(e: SystemEvaluation) -> list[str]:
    return sorted({f.item for f in e.high_risk})


# Each row: the item declared D ✗ and the high-risk item it must raise (catalogue high_risk, reference §3).
@pytest.mark.parametrize("item", [
    "gbt39786.l3.8.4.e",  # important data (鉴别数据, 个人敏感信息) stored in plaintext
    "gbt39786.l3.8.3.a",  # device login by static password only
    "gbt39786.l3.8.1.a",  # no cryptography for entry to important areas
    "gbt39786.l3.8.4.a",  # application login without cryptographic authentication
])
def test_declared_failure_of_a_high_risk_item_is_high_risk(item: str) -> None:
    declared = {item: {"d": False, "evidence": "明文存储 / 仅静态口令"}}
    (good, bad) = _systems(*({"name": name, "level": 3, "crypto": {
        "products": [PRODUCT], "key_management": KM, "declarations": d}} for name, d in (("good", {}),
                                                                                         ("bad", declared))))
    e_good, e_bad = evaluate_inventory([good, bad], probe=False)
    assert item not in _high(e_good)
    assert _high(e_bad) == [item] and e_bad.verdict == "不符合"
    (finding,) = [f for f in e_bad.high_risk if f.item == item]
    assert finding.provenance == "declared" and finding.risk == "高" and "高风险" in finding.why
    assert _item(e_bad, item).score == Decimal("0.0000")


def test_declared_not_compliant_judgement_is_high_risk_only_where_the_guide_lists_it() -> None:
    (system,) = _systems({"name": "s", "level": 3, "crypto": {"declarations": {
        "gbt39786.l3.8.4.e": {"judgement": "不符合", "evidence": "身份证号明文存储"},  # listed: high risk
        "gbt39786.l3.8.4.g": {"judgement": "不符合", "evidence": "无完整性保护"},      # not listed: 中
    }}})
    (e,) = evaluate_inventory([system], probe=False)
    assert _high(e) == ["gbt39786.l3.8.4.e"]


def test_declared_failure_with_an_accepted_mitigation_is_listed_not_vetoed() -> None:
    (system,) = _systems({"name": "s", "level": 3, "crypto": {"declarations": {"gbt39786.l3.8.3.a": {
        "d": False, "evidence": "仅静态口令", "mitigation": "仅经堡垒机（SM2数字证书登录）访问设备"}}}})
    (e,) = evaluate_inventory([system], probe=False)
    assert not e.high_risk and [f.item for f, _ in e.mitigated] == ["gbt39786.l3.8.3.a"]


def test_admitted_problem_stands_beside_a_good_probed_endpoint(rsa_cert: CertFiles) -> None:
    declared = {"gbt39786.l3.8.2.c": {"d": False, "evidence": "另有一条专线明文传输重要数据"},
                "gbt39786.l3.8.4.d": {"d": False, "evidence": "身份证号明文传输"}}
    with python_tls_server(rsa_cert) as port:  # a good TLS 1.2/1.3 endpoint, certificate for localhost
        web = {"host": "127.0.0.1", "port": port, "protocol": "https", "kind": "web", "server_name": "localhost"}
        baseline, admitted = _systems(*({"name": name, "level": 3, "endpoints": [web], "crypto": {
            "products": [PRODUCT], "key_management": KM, "important_data": ["个人信息"], "declarations": d}}
            for name, d in (("baseline", {}), ("admitted", declared))))
        e_base, e_adm = evaluate_inventory([baseline, admitted], question_timeout=1.0)
    obj = f"127.0.0.1:{port}"
    # the probe alone: TLS with international algorithms (A ✗, Ra 1): 0.5, no high risk
    assert _item(e_base, "gbt39786.l3.8.2.c").score == Decimal("0.5000") and not e_base.high_risk
    for item, text in (("gbt39786.l3.8.2.c", "专线明文"), ("gbt39786.l3.8.4.d", "身份证号明文传输")):
        result = _item(e_adm, item)
        assert result.score == Decimal("0.0000")  # the worse stands
        # both pieces of evidence are kept: the probe's D ✓ and the person's D ✗
        d = [(f.provenance, f.satisfied) for f in result.findings if f.factor == "D"]
        assert ("auto", True) in d and ("declared", False) in d
        assert any(text in f.why and f.provenance == "declared" for f in result.findings)
        assert item in _high(e_adm)
    assert any(f.object == obj for f in _item(e_adm, "gbt39786.l3.8.2.c").findings if f.provenance == "declared")
    assert e_adm.verdict == "不符合" and e_adm.total is not None and e_base.total is not None
    assert e_adm.total < e_base.total
