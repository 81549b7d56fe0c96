"""8.4 a) 身份鉴别 of application users against what a probe sees (review R16c 6 / 6b): a login form
served over plain HTTP takes the password in the clear, the 2021 high-risk condition "application
login without cryptographic authentication". The item was decided by the declaration alone (a
declared ✓ stood beside a password field on http://); now the observed login is D ✗, high risk,
whether the port serves the form itself or sends / to it by a same-origin redirect."""

from __future__ import annotations

from typing import Any

import pytest

from govsoc.crypto_eval.evaluate import evaluate_inventory
from tests.crypto_eval.test_review_declared import KM, PRODUCT, _item, _systems
from tests.servers.certs import CertFiles
from tests.servers.cleartext import http_server

ITEM = "gbt39786.l3.8.4.a"
DECLARED = {ITEM: {"d": True, "a": True, "k": True, "evidence": "声称采用SM2证书登录"}}


@pytest.mark.parametrize(("server", "hop"), [
    ({}, False),                     # the port serves the login form at /
    ({"login_at": "/login"}, True),  # / answers "302 Location: /login" (a portal sends visitors to its login page)
])
def test_a_login_form_over_plain_http_fails_8_4_a(server: dict[str, Any], hop: bool) -> None:
    with http_server(**server) as port:
        (e,) = evaluate_inventory(_systems({"name": "门户", "level": 3, "endpoints": [
            {"host": "127.0.0.1", "port": port, "protocol": "http", "kind": "web"}],
            "crypto": {"products": [PRODUCT], "key_management": KM, "declarations": DECLARED}}), question_timeout=2.0)
    observed = [f for f in e.findings if f.item == ITEM and f.check == "channel.app_login"]
    assert [(f.factor, f.satisfied, f.high_risk) for f in observed] == [("D", False, True)], observed
    assert "type='password" in observed[0].why and ("经同源重定向至 /login" in observed[0].why) == hop
    assert ITEM in {f.item for f in e.high_risk}
    assert _item(e, ITEM).score == 0, _item(e, ITEM)  # the declared ✓ does not stand beside it


def test_a_plain_http_page_without_a_login_is_no_8_4_a_evidence() -> None:
    # the control: a plain-HTTP redirect to https carries no login, and says nothing of 8.4 a
    with http_server(redirect_to_https=True) as port:
        (e,) = evaluate_inventory(_systems({"name": "门户", "level": 3, "endpoints": [
            {"host": "127.0.0.1", "port": port, "protocol": "http", "kind": "web"}],
            "crypto": {"products": [PRODUCT], "key_management": KM, "declarations": DECLARED}}), question_timeout=2.0)
    assert not [f for f in e.findings if f.item == ITEM and f.check == "channel.app_login"]


@pytest.mark.parametrize(("action", "posts_clear"), [
    ("http://127.0.0.1:{port}/login", True),   # the HTTPS page's form submits to plain HTTP (6b)
    ("https://127.0.0.1:{port}/login", False),  # the control: submitted over TLS
    (None, False),                              # the control: a relative action stays on https
])
def test_an_https_login_form_posting_to_http_fails_8_4_a(rsa_cert: CertFiles, anchor_files: list[str],
                                                         action: str | None, posts_clear: bool) -> None:
    # review R16c 6b: TLS protected the page, so the channel and 8.4 a looked fine, while the browser
    # sends the password where the form's action says: http://
    with http_server(tls=rsa_cert, form_action=action) as port:
        (e,) = evaluate_inventory(_systems({"name": "门户", "level": 3, "endpoints": [
            {"host": "127.0.0.1", "port": port, "protocol": "https", "kind": "web", "server_name": "localhost"}],
            "crypto": {"products": [PRODUCT], "key_management": KM, "declarations": DECLARED,
                       "trust_anchors": anchor_files}}), question_timeout=2.0)
    observed = [f for f in e.findings if f.item == ITEM and f.check == "channel.app_login"]
    if not posts_clear:
        assert not observed, observed
        return
    assert [(f.factor, f.satisfied, f.high_risk) for f in observed] == [("D", False, True)], observed
    assert f"提交至明文地址 http://127.0.0.1:{port}/login" in observed[0].why, observed[0].why
    assert _item(e, ITEM).score == 0
