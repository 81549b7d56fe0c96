"""Compensation (弥补, 量化评估规则 2023; reference crypto-eval.md §Compensation): an object A that an
evaluator confirms covers object B's deficiency raises B to max(0.5 × P_A, P_B); never inferred,
so the inventory names both objects, the justification and who confirmed it (note 4 of issue 16:
scoring.compensate existed but assess never used it). A plain-HTTP login channel (8.2 c, P_B = 0)
compensated by the declared application-layer encryption of 8.4 d (P_A = 1) scores 0.5."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from govsoc.crypto_eval.evaluate import evaluate_inventory
from tests.crypto_eval.test_review_declared import KM, PRODUCT, _item, _systems
from tests.servers.cleartext import http_server

APP_LAYER = {"gbt39786.l3.8.4.d": {"d": True, "a": True, "k": True, "evidence": "应用层 SM4 加密个人信息字段"}}


def _system(name: str, port: int, compensations: list[dict[str, Any]]) -> dict[str, Any]:
    return {"name": name, "level": 3, "endpoints": [{"host": "127.0.0.1", "port": port, "protocol": "http",
                                                      "kind": "web"}],
            "crypto": {"products": [PRODUCT], "key_management": KM, "declarations": APP_LAYER,
                       "compensations": compensations}}


def test_a_confirmed_compensation_raises_the_object_by_the_rule() -> None:
    with http_server() as port:
        obj = f"127.0.0.1:{port}"
        confirmed = {"item": "gbt39786.l3.8.2.c", "object": obj, "by_item": "gbt39786.l3.8.4.d", "by_object": "声明",
                     "justification": "登录口令在浏览器端以SM2加密后提交", "confirmed_by": "测评师 张三"}
        typo = dict(confirmed, object="127.0.0.1:1")  # names no object of the system
        plain, compensated, wrong = evaluate_inventory(_systems(
            _system("plain", port, []), _system("compensated", port, [confirmed]), _system("wrong", port, [typo])),
            question_timeout=1.0)
    assert _item(plain, "gbt39786.l3.8.2.c").score == Decimal("0.0000")
    assert _item(compensated, "gbt39786.l3.8.4.d").score == Decimal("1.0000")  # P_A
    result = _item(compensated, "gbt39786.l3.8.2.c")
    assert result.score == Decimal("0.5000")  # max(0.5 × 1, 0)
    assert any(f.factor == "INFO" and "max(0.5 × 1" in f.why and "测评师 张三" in f.why for f in result.findings)
    assert compensated.total is not None and plain.total is not None and compensated.total > plain.total
    assert compensated.high_risk  # the cleartext channel's high risk still needs the guide's mitigation
    assert _item(wrong, "gbt39786.l3.8.2.c").score == Decimal("0.0000")
    assert any("弥补关系无法适用" in f.why for f in _item(wrong, "gbt39786.l3.8.2.c").findings)


def test_a_compensation_without_justification_or_evaluator_is_refused() -> None:
    with pytest.raises(ValidationError):
        _systems(_system("s", 80, [{"item": "gbt39786.l3.8.2.c", "object": "x", "by_item": "gbt39786.l3.8.4.d",
                                    "by_object": "声明", "justification": "", "confirmed_by": "测评师"}]))
