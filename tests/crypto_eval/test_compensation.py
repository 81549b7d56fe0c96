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
from tests.servers.certs import CertFiles
from tests.servers.cleartext import http_server
from tests.servers.tls import python_tls_server

APP_LAYER = {"gbt39786.l3.8.4.d": {"d": True, "a": True, "k": True, "evidence": "应用层 SM4 加密个人信息字段"}}


def _system(name: str, ports: tuple[int, int], compensations: list[dict[str, Any]]) -> dict[str, Any]:
    plain, tls = ports
    return {"name": name, "level": 3, "endpoints": [
        {"host": "127.0.0.1", "port": plain, "protocol": "http", "kind": "web"},
        {"host": "127.0.0.1", "port": tls, "protocol": "https", "kind": "web", "server_name": "localhost"}],
            "crypto": {"products": [PRODUCT], "key_management": KM, "declarations": APP_LAYER,
                       "compensations": compensations}}


def test_a_confirmed_compensation_raises_the_object_by_the_rule(rsa_cert: CertFiles) -> None:
    # a probed technical object (the TLS channel, 8.2 c: D ✓, A ✗ international algorithms, K ✗
    # -> 0.25, Table 1) covers the plain-HTTP channel (0): max(0.5 × 0.25, 0) = 0.1250 (reference §2.4)
    with http_server() as plain_port, python_tls_server(rsa_cert) as tls_port:
        plain_obj, tls_obj = f"127.0.0.1:{plain_port}", f"127.0.0.1:{tls_port}"
        confirmed = {"item": "gbt39786.l3.8.2.c", "object": plain_obj, "by_item": "gbt39786.l3.8.2.c",
                     "by_object": tls_obj, "justification": "明文端口仅供内网回源，经TLS网关转发",
                     "confirmed_by": "测评师 张三"}
        typo = dict(confirmed, object="127.0.0.1:1")  # names no object of the system
        ports = (plain_port, tls_port)
        plain, compensated, wrong = evaluate_inventory(_systems(
            _system("plain", ports, []), _system("compensated", ports, [confirmed]),
            _system("wrong", ports, [typo])), question_timeout=1.0)
    objects = {o.name: o for o in _item(compensated, "gbt39786.l3.8.2.c").objects}
    before = {o.name: o for o in _item(plain, "gbt39786.l3.8.2.c").objects}
    assert before[plain_obj].score == Decimal("0.0000") and before[tls_obj].score == Decimal("0.2500")
    assert objects[plain_obj].score == Decimal("0.1250")  # max(0.5 × 0.25, 0)
    result = _item(compensated, "gbt39786.l3.8.2.c")
    assert any(f.factor == "INFO" and "max(0.5 × 0.2500" in f.why and "测评师 张三" in f.why for f in result.findings)
    assert compensated.total is not None and plain.total is not None and compensated.total > plain.total
    assert compensated.high_risk  # the cleartext channel's high risk still needs the guide's mitigation
    assert {o.name: o.score for o in _item(wrong, "gbt39786.l3.8.2.c").objects}[plain_obj] == Decimal("0.0000")
    assert any("弥补关系无法适用" in f.why for f in _item(wrong, "gbt39786.l3.8.2.c").findings)


def test_a_compensation_without_justification_or_evaluator_is_refused() -> None:
    with pytest.raises(ValidationError):
        _systems(_system("s", (80, 443), [{"item": "gbt39786.l3.8.2.c", "object": "x", "by_item": "gbt39786.l3.8.4.d",
                                    "by_object": "声明", "justification": "", "confirmed_by": "测评师"}]))
