"""A declaration that the system's own crypto profile contradicts scores as the profile says (review
R16 finding 7): K ✓ declared for an object no certified product (GB/T 37092 level 2 at level 3)
covers is K ✗, as the reference's K rule (§2.1, products per GB/T 37092 and key management) has it;
8.7 b) 密钥安全管理策略 declared 符合 while the profile declares no key management is missing
evidence, and while it declares keys stored in plaintext (Annex A serious hazard) it is 不符合.
A pure-logic seam: declarations as data, no probe."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from govsoc.crypto_eval.evaluate import evaluate_system
from tests.crypto_eval.test_assess import _score, _system

EVIDENCE = "门禁系统CPU卡挑战-应答，见《密码应用方案》第4章"
DOOR = {"gbt39786.l3.8.1.a": {"d": True, "a": True, "k": True, "evidence": EVIDENCE}}
CERTIFIED = {"name": "门禁密码模块", "certificate_no": "GM003312220230001", "module_level": 2, "used_for": ["physical"]}
KM = {"storage": "服务器密码机", "keys_in_plaintext": False}


@pytest.mark.parametrize(("crypto", "score", "why"), [
    ({"declarations": DOOR}, "0.5000", "未声明获得认证的密码产品"),                 # no product at all
    ({"declarations": DOOR, "products": [{**CERTIFIED, "certificate_no": ""}]},
     "0.5000", "无商用密码产品认证证书"),                                             # product without certificate
    ({"declarations": DOOR, "products": [{**CERTIFIED, "used_for": ["network"]}]},
     "0.5000", "未声明获得认证的密码产品"),                                           # the product covers another layer
    ({"declarations": DOOR, "products": [CERTIFIED], "key_management": KM}, "1.0000", None),  # K ✓ stands
])
def test_declared_k_needs_a_certified_product_covering_the_object(crypto: dict[str, Any], score: str,
                                                                  why: str | None) -> None:
    e = evaluate_system(_system(crypto, endpoints=[]), [])
    k = [f for f in e.findings if f.item == "gbt39786.l3.8.1.a" and f.factor == "K"]
    assert len(k) == 1, k
    assert k[0].satisfied is (why is None), k
    if why is not None:
        assert "声明 K ✓" in k[0].why and why in k[0].why, k[0].why
    assert _score(e, "gbt39786.l3.8.1.a") == Decimal(score)


@pytest.mark.parametrize(("key_management", "score", "factor", "why"), [
    (None, "0.0000", "MISSING", "未声明密钥管理"),                                  # nothing declared backs 符合
    ({**KM, "keys_in_plaintext": True}, "0.0000", "J", "密钥明文存储"),              # the profile says the opposite
    (KM, "1.0000", "J", "声明符合"),                                                  # consistent: stands
])
def test_key_policy_declared_compliant_must_match_the_declared_key_management(
        key_management: dict[str, Any] | None, score: str, factor: str, why: str) -> None:
    crypto: dict[str, Any] = {"declarations": {"gbt39786.l3.8.7.b": {"judgement": "符合",
                                                                     "evidence": "《密钥管理策略》v3"}}}
    if key_management is not None:
        crypto["key_management"] = key_management
    e = evaluate_system(_system(crypto, endpoints=[]), [])
    found = [f for f in e.findings if f.item == "gbt39786.l3.8.7.b" and f.factor in ("J", "MISSING")]
    assert [f.factor for f in found] == [factor], found
    assert why in found[0].why, found[0].why
    assert _score(e, "gbt39786.l3.8.7.b") == Decimal(score)
