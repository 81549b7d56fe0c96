"""A password seen going over plain HTTP is 8.4 d) evidence (鉴别数据, named by GB/T 39786 8.4
among the important data) whether or not the inventory declares important-data classes, and the
probe follows a same-origin redirect to the login page a portal sends / to (review R16 finding 5).
Real http.server on loopback."""

from __future__ import annotations

import asyncio

import pytest

from govsoc.crypto_eval.evaluate import evaluate_inventory
from govsoc.crypto_eval.probes.cleartext import probe_cleartext
from tests.crypto_eval.test_review_declared import _item, _systems
from tests.servers.cleartext import http_server


@pytest.mark.parametrize(("location", "login_at", "login"), [
    ("/login?from=/", "/login?from=/", True),    # relative, same origin: followed to the form
    ("http://127.0.0.1:{port}/login", "/login", True),  # absolute, same host and port: followed
    ("/a", "/never", False),                      # / -> /a -> /a ...: a loop, bounded, no form reached
    ("http://127.0.0.2:{port}/login", "/login", False),  # another origin (another endpoint): not followed
])
def test_probe_follows_same_origin_redirects_to_the_login_page(location: str, login_at: str, login: bool) -> None:
    with http_server(login_at=login_at, location=location) as port:
        found = asyncio.run(probe_cleartext("127.0.0.1", port, timeout=2.0))
    assert found.reachable and found.login is login, found
    assert (found.service == "http-login") is login
    if login:
        assert "经同源重定向至 /login" in (found.evidence or "")


def test_password_over_plain_http_is_8_4_d_without_declared_important_data() -> None:
    with http_server(login_at="/login", location="/login") as port:
        (e,) = evaluate_inventory(_systems({"name": "portal", "level": 3, "endpoints": [
            {"host": "127.0.0.1", "port": port, "protocol": "http", "kind": "web"}]}), question_timeout=2.0)
    result = _item(e, "gbt39786.l3.8.4.d")
    d = [f for f in result.findings if f.factor == "D"]
    assert d and all(not f.satisfied for f in d), result.findings
    assert any(f.object == "鉴别数据" and "含登录口令" in f.why for f in d), d
    assert ("gbt39786.l3.8.4.d", "鉴别数据") in {(f.item, f.object) for f in e.high_risk}
    assert not any(f.factor == "MISSING" and "未声明" in f.why for f in result.findings), result.findings
