"""Regression tests for the second 密评 review (issue 16, findings 2, 3, 4 and 8): what a person
declares and what a probe of a real loopback server sees, put together.

- A declared D ✗ (or 不符合) for an item the 高风险判定指引 (2021) lists is that item's high risk
  (reference §3: "no crypto used" / "ineffective" is the guide's condition itself).
- A person's admission of a problem is never dropped because a probed endpoint looked fine.
- Telnet without IAC (a Cisco line-password prompt, a bare banner on a port declared telnet) is
  telnet in the clear; an endpoint that answered but could not be read is not scored from the
  declaration (the declaration is what is in doubt), while an endpoint that did not answer is.
- A plain-HTTP port that only redirects to https carries no data: no cleartext channel, no veto;
  and 8.4 d)/f) judge each important-data class on the channels the inventory says carry it.
"""

from __future__ import annotations

import http.server
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import pytest

from govsoc.core.inventory_model import InventoryModel, System
from govsoc.crypto_eval.assess import SystemEvaluation
from govsoc.crypto_eval.evaluate import evaluate_inventory
from govsoc.crypto_eval.probes.cleartext import classify_greeting
from tests.servers.certs import CertFiles
from tests.servers.cleartext import greeter, http_server
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
        "d": False, "evidence": "仅静态口令", "mitigation": {
            "measure": "仅经堡垒机（SM2数字证书登录）访问设备", "accepted_by": "李测评", "accepted_on": "2026-11-02",
            "objects": ["声明"]}}}}})
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
    # the probe alone: TLS with international algorithms (A ✗, Ra 1; K ✗: not the declared SM product's
    # algorithms, so not its keys): 0.25 (Table 1), no high risk
    assert _item(e_base, "gbt39786.l3.8.2.c").score == Decimal("0.2500") and not e_base.high_risk
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


# --- telnet without IAC ---------------------------------------------------------------------------------

CISCO = b"\r\n\r\nUser Access Verification\r\n\r\nPassword: "  # IOS line password, no option negotiation


@pytest.mark.parametrize(("greeting", "service"), [
    (CISCO, "telnet"),                                          # Cisco IOS line password
    (b"\r\nLogin authentication\r\n\r\nUsername:", "telnet"),   # H3C Comware
    (b"Ubuntu 22.04 LTS\r\nhost login: ", "telnet"),             # telnetd after negotiation was refused
    ("请输入用户名：".encode(), "telnet"),                         # a Chinese-language device prompt
    (b"Welcome to H3C switch\r\n", None),                        # a bare banner: unknown unless declared telnet
    (bytes(range(256)) + b"Password:", None),                    # binary noise ending in a prompt: not text
])
def test_cleartext_prompts_without_iac(greeting: bytes, service: str | None) -> None:
    assert classify_greeting(greeting)[0] == service


DECLARED_OK = {"gbt39786.l3.8.3.b": {"d": True, "a": True, "k": True, "evidence": "SSH 管理"}}


def test_telnet_without_iac_is_cleartext_administration() -> None:
    with greeter(CISCO, wait=2) as cisco, greeter(b"Welcome to H3C switch\r\n", wait=2) as banner:
        systems = _systems(*({"name": name, "level": 3, "endpoints": [ep], "crypto": {
            "products": [PRODUCT], "key_management": KM, "declarations": DECLARED_OK}} for name, ep in (
            ("cisco-telnet", {"host": "127.0.0.1", "port": cisco, "protocol": "telnet", "kind": "admin"}),
            ("cisco-sniffed", {"host": "127.0.0.1", "port": cisco, "kind": "admin"}),  # protocol tcp: sniffed
            ("banner-telnet", {"host": "127.0.0.1", "port": banner, "protocol": "telnet", "kind": "admin"}))))
        evaluations = evaluate_inventory(systems, question_timeout=1.0)
    for e in evaluations:
        result = _item(e, "gbt39786.l3.8.3.b")
        assert result.score == Decimal("0.0000"), e.system  # the declaration's full marks do not stand
        # 8.3 a too where the greeting asked for a password (a device login seen in the clear)
        assert "gbt39786.l3.8.3.b" in _high(e) and set(_high(e)) <= {"gbt39786.l3.8.3.a", "gbt39786.l3.8.3.b"}
        assert e.verdict == "不符合"
        assert any("telnet 明文传输" in f.why for f in e.high_risk)
        assert any(f.factor == "INFO" and "矛盾" in f.why for f in result.findings)


def test_unread_endpoint_is_not_scored_from_the_declaration() -> None:
    dead = socket.socket()
    dead.bind(("127.0.0.1", 0))  # bound, never listening: connection refused
    closed = dead.getsockname()[1]
    try:
        with greeter(bytes(range(1, 9)) * 16, wait=2) as noise:  # answers, but in nothing a probe can read
            unread, unseen = _systems(*({"name": name, "level": 3, "endpoints": [
                {"host": "127.0.0.1", "port": port, "protocol": "telnet", "kind": "admin"}], "crypto": {
                "products": [PRODUCT], "key_management": KM, "declarations": DECLARED_OK}}
                for name, port in (("unread", noise), ("unseen", closed))))
            e_unread, e_unseen = evaluate_inventory([unread, unseen], question_timeout=1.0)
    finally:
        dead.close()
    # it answered, unreadably: missing evidence (0, counted missing), the declaration a note only
    result = _item(e_unread, "gbt39786.l3.8.3.b")
    assert result.score == Decimal("0.0000") and result.missing
    assert any("人工声明未获证实" in f.why for f in result.findings)
    # it did not answer at all: no evidence either (fourth review, finding 1), the refusal named
    result = _item(e_unseen, "gbt39786.l3.8.3.b")
    assert result.score == Decimal("0.0000") and result.missing
    assert any(f.factor == "MISSING" and "连接被拒绝" in f.why for f in result.findings)


# --- plain HTTP that only redirects; which channels carry which data ----------------------------------------------

@contextmanager
def _redirect_with_form() -> Iterator[int]:
    """A 302 to https whose body is nonetheless a login page (served to clients that ignore Location)."""
    page = b"<html><form method=post><input type=password name=pw></form></html>"

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            self.send_response(302)
            self.send_header("Location", "https://portal.example/")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield int(server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()


def test_http_that_only_redirects_to_https_is_no_cleartext_channel(rsa_cert: CertFiles) -> None:
    with python_tls_server(rsa_cert) as tls, \
            http_server(redirect_to_https=True, location=f"https://localhost:{tls}/") as redirect, \
            _redirect_with_form() as form:
        https = {"host": "127.0.0.1", "port": tls, "protocol": "https", "kind": "web", "server_name": "localhost"}
        systems = _systems(*({"name": name, "level": 3, "endpoints": [https, {
            "host": "127.0.0.1", "port": port, "protocol": "http", "kind": "web"}], "crypto": {
            "products": [PRODUCT], "key_management": KM, "important_data": ["个人信息"]}}
            for name, port in (("redirect", redirect), ("form", form))))
        e_redirect, e_form = evaluate_inventory(systems, question_timeout=1.0)
    assert not e_redirect.high_risk
    notes = [f for f in e_redirect.findings if f.object == f"127.0.0.1:{redirect}"]
    assert notes and all(f.factor == "INFO" for f in notes)
    assert any("重定向到 https://" in f.observed for f in notes)
    # the https endpoint alone decides: TLS with international algorithms (A ✗, K ✗), 0.25
    assert _item(e_redirect, "gbt39786.l3.8.2.c").score == Decimal("0.2500")
    # a redirect that serves a login form anyway is a cleartext login channel
    assert {"gbt39786.l3.8.2.c", "gbt39786.l3.8.4.d"} <= set(_high(e_form))


def test_data_classes_judged_on_the_channels_that_carry_them(rsa_cert: CertFiles) -> None:
    with python_tls_server(rsa_cert) as tls, http_server() as login:  # HTTPS, and a plain-HTTP login form
        https = {"host": "127.0.0.1", "port": tls, "protocol": "https", "kind": "web", "server_name": "localhost"}
        http = {"host": "127.0.0.1", "port": login, "protocol": "http", "kind": "web"}
        crypto = {"products": [PRODUCT], "key_management": KM, "important_data": ["鉴别数据", "个人信息"]}
        unmapped, mapped = _systems(
            {"name": "unmapped", "level": 3, "endpoints": [https, http], "crypto": crypto},
            {"name": "mapped", "level": 3, "crypto": crypto, "endpoints": [
                dict(https, carries=["个人信息"]), dict(http, carries=["鉴别数据"])]})
        e_unmapped, e_mapped = evaluate_inventory([unmapped, mapped], question_timeout=1.0)

    def d(e: SystemEvaluation, data: str) -> list[bool]:
        return sorted(f.satisfied for f in e.findings if f.item == "gbt39786.l3.8.4.d" and f.object == data
                      and f.factor == "D")
    # nothing says which channel carries what: every boundary channel carries every class
    assert d(e_unmapped, "个人信息") == [False, True] and d(e_unmapped, "鉴别数据") == [False, True]
    # the inventory says: 个人信息 only over HTTPS, 鉴别数据 only over the plain-HTTP form
    assert d(e_mapped, "个人信息") == [True] and d(e_mapped, "鉴别数据") == [False]
    assert _item(e_mapped, "gbt39786.l3.8.4.d").score == Decimal("0.1250")  # mean of 0.25 (A ✗ K ✗) and 0


def test_a_greeting_of_unprintable_unicode_is_not_read_as_a_telnet_banner() -> None:
    # before: the readable-text check saw the decoded greeting re-encoded as Latin-1, every character
    # past U+00FF a printable '?', so ideographic spaces, zero-width spaces and line separators (no
    # text a person can read) were judged a telnet banner in the clear; the greeting itself is judged now
    with greeter(("\u3000\u200b\u2028\ufeff" * 16).encode(), wait=2) as noise:
        [unread] = _systems({"name": "unread", "level": 3, "endpoints": [
            {"host": "127.0.0.1", "port": noise, "protocol": "telnet", "kind": "admin"}], "crypto": {
            "products": [PRODUCT], "key_management": KM, "declarations": DECLARED_OK}})
        [e] = evaluate_inventory([unread], question_timeout=1.0)
    result = _item(e, "gbt39786.l3.8.3.b")
    assert result.missing and not any("telnet 明文传输" in f.why for f in e.high_risk)
