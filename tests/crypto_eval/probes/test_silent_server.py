"""A server that accepts and then says nothing is asked once per kind of question it could
answer (the TLS 1.3 and TLS 1.2 hellos, the TLCP hello, an HTTP request), not once per TLS
version and RFC 8998 hello: ~9 time-outs per endpoint before (issue 16 review 10). Counted in
connections, not seconds. A server silent to the TLS 1.3 hello only (TLS 1.3-intolerant) or to
every international hello (a TLCP-only gateway) is still found (second review, finding 2: the
first shortcut stopped after one silent hello and called both "unknown")."""

from __future__ import annotations

import dataclasses
import socket
import ssl
import threading

import pytest

from govsoc.crypto_eval.chain import TrustStore
from govsoc.crypto_eval.checks.channel_view import SILENT, view_of
from govsoc.crypto_eval.evaluate import evaluate_inventory
from govsoc.crypto_eval.probes.runner import Target, run_probes
from tests.servers.certs import CertFiles
from tests.servers.listener import listening
from tests.servers.tlcp_server import SmServerConfig, _read_hello, _relay_tls, _wait_for_close, sm_server


@pytest.mark.parametrize("protocol,expected", [
    ("https", 4),  # TLS 1.3 and TLS 1.2 ClientHellos, a TLCP hello, one HTTP GET
    ("tcp", 5),    # plus the sniffing wait for a greeting
])
def test_a_silent_server_is_asked_once(protocol: str, expected: int) -> None:
    connections: list[bytes] = []
    lock = threading.Lock()

    def silent(conn: socket.socket) -> None:
        with lock:  # counted on accept: the probe waits its time-out before it goes on
            connections.append(b"")
        conn.settimeout(5)
        try:
            while conn.recv(4096):
                pass
        except TimeoutError:
            pass

    with listening(silent) as port:
        (report,) = run_probes([Target(host="127.0.0.1", port=port, protocol=protocol)], question_timeout=0.3,
                               endpoint_timeout=30)
    assert not report.timed_out and report.error is None and report.tls is not None and report.tls.silent
    assert len(connections) == expected, connections
    view = view_of(report)
    assert view.protocol == "unknown" and SILENT in view.observed  # not "answered" (second review, finding 6)


def test_a_silent_admin_port_is_not_called_answered() -> None:
    from tests.crypto_eval.test_review_declared import DECLARED_OK, KM, PRODUCT, _systems

    def silent(conn: socket.socket) -> None:
        _wait_for_close(conn)

    with listening(silent) as port:
        (system,) = _systems({"name": "s", "level": 3, "endpoints": [
            {"host": "127.0.0.1", "port": port, "protocol": "https", "kind": "admin"}],
            "crypto": {"products": [PRODUCT], "key_management": KM, "declarations": DECLARED_OK}})
        (result,) = evaluate_inventory([system], question_timeout=0.3)
    whys = [f.why for f in result.findings if f.item == "gbt39786.l3.8.3.b"]
    assert any("端点可连接但对探测无应答" in why for why in whys) and not any("端点有应答" in why for why in whys)


def test_a_tls13_intolerant_server_is_still_read_as_tls12(rsa_cert: CertFiles) -> None:
    # the reviewer's intolerant.py: TLS 1.3 hellos swallowed, TLS 1.2 ones answered by a real TLS stack
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(rsa_cert.cert, rsa_cert.key)
    context.maximum_version = ssl.TLSVersion.TLSv1_2
    config = SmServerConfig(mode="tls+tlcp", sign_cert=b"", enc_cert=b"", sign_key=1, tls=context)

    def intolerant(conn: socket.socket) -> None:
        got = _read_hello(conn)
        if got is not None and 0x0304 in got[1].supported_versions:
            _wait_for_close(conn)
        elif got is not None:
            _relay_tls(conn, config, got[3])

    with listening(intolerant) as port:
        (report,) = run_probes([Target(host="127.0.0.1", port=port, protocol="https")], question_timeout=0.5)
    assert report.tls is not None and not report.tls.silent
    assert [v.version for v in report.tls.accepted()] == ["TLSv12"]
    assert view_of(report).protocol == "TLS"


def test_a_tlcp_only_server_silent_to_tls_is_found(sm_config: SmServerConfig, trust: TrustStore) -> None:
    # the reviewer's tlcp_silent.py: says nothing to TLS hellos, answers its own
    config = dataclasses.replace(sm_config, mode="tlcp", silent_to_tls=True)
    with sm_server(config) as port:
        (report,) = run_probes([Target(host="127.0.0.1", port=port, protocol="https")], question_timeout=0.5)
    assert report.tls is not None and report.tls.silent
    assert report.tlcp is not None and report.tlcp.supported
    view = view_of(report, trust=trust)
    assert view.protocol == "TLCP" and view.authentication is not None and view.authentication[0] is True
