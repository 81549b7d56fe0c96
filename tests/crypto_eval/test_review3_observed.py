"""Third 密评 review: observations that must outrank the inventory (findings 9 and 13)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from govsoc.crypto_eval.evaluate import evaluate_inventory
from tests.crypto_eval.test_review_declared import KM, PRODUCT, _item, _systems
from tests.servers.cleartext import TELNETD_OPENING, greeter, http_server

DECLARED_OK = {"d": True, "a": True, "k": True, "evidence": "堡垒机 SM2 证书登录"}


def test_a_cleartext_device_login_overrides_a_declared_8_3_a() -> None:
    with greeter(TELNETD_OPENING + b"\r\nrouter1\r\nPassword: ") as port:
        endpoints: list[dict[str, Any]] = [{"host": "127.0.0.1", "port": port, "protocol": "telnet",
                                            "kind": "admin"}]
        crypto = {"products": [PRODUCT], "key_management": KM,
                  "declarations": {"gbt39786.l3.8.3.a": DECLARED_OK}}
        (result,) = evaluate_inventory(_systems({"name": "telnet-admin", "level": 3, "endpoints": endpoints,
                                                 "crypto": crypto}), question_timeout=1.0)
    item = _item(result, "gbt39786.l3.8.3.a")
    d = [f for f in item.findings if f.factor == "D"]
    assert d and not any(f.satisfied for f in d)  # the declared ✓ no longer counts
    assert item.score == Decimal("0")
    assert any(f.factor == "INFO" and "矛盾" in f.why for f in item.findings)
    assert "gbt39786.l3.8.3.a" in {f.item for f in result.high_risk}


def test_a_redirect_to_an_unlisted_https_target_is_missing_evidence_naming_it() -> None:
    target = "https://portal.example/"
    with http_server(redirect_to_https=True, location=target) as port:
        endpoints: list[dict[str, Any]] = [{"host": "127.0.0.1", "port": port, "protocol": "http", "kind": "web"}]
        crypto = {"products": [PRODUCT], "key_management": KM, "important_data": ["个人信息"]}
        (result,) = evaluate_inventory(_systems({"name": "spell", "level": 3, "endpoints": endpoints,
                                                 "crypto": crypto}), question_timeout=1.0)
    item = _item(result, "gbt39786.l3.8.2.c")
    missing = [f for f in item.findings if f.factor == "MISSING" and f.object == f"127.0.0.1:{port}"]
    assert missing and all(target in f.why for f in missing)
    assert item.score < Decimal("1")
    assert result.total is not None and result.total < Decimal("100")
