"""A port declared http or telnet that speaks TLS is probed and judged as TLS (issue 16, third
review, finding 6d): what the port says outranks what the inventory declares, as for SSH banners.
Before, Debian's nginx answering a plain-HTTP request on its HTTPS port ("400 ... The plain HTTP
request was sent to HTTPS port") was a cleartext http channel with a high-risk veto, and
`openssl s_server` declared http or telnet was "unknown"."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import pytest

from govsoc.crypto_eval.checks.channel_view import HTTPS_PORT, view_of
from govsoc.crypto_eval.probes.cleartext import probe_cleartext
from govsoc.crypto_eval.probes.runner import EndpointReport, Target, run_probes
from tests.conftest import need
from tests.servers.certs import CertFiles
from tests.servers.listener import listening
from tests.servers.nginx import nginx_binary, nginx_https
from tests.servers.tls import openssl_s_server


@pytest.fixture(scope="module")
def nginx_cmd() -> str:
    binary = nginx_binary()
    need(binary is not None, "nginx is not installed (apt-get install nginx)")
    assert binary is not None
    return binary


def _one(port: int, protocol: str) -> EndpointReport:
    (report,) = run_probes([Target(host="127.0.0.1", port=port, protocol=protocol, server_name="localhost")],
                           question_timeout=1.0)
    return report


def _is_tls(report: EndpointReport, declared: str) -> None:
    view = view_of(report)
    assert report.cleartext is None and report.tls is not None and report.tls.speaks_tls
    assert view.protocol == "TLS" and view.confidentiality is not None and view.confidentiality[0] is True
    assert f"声明协议为{declared}，探测发现TLS" in view.observed


@pytest.mark.usefixtures("nginx_cmd")
@pytest.mark.parametrize("declared", ["http", "telnet"])
def test_nginx_https_port_declared_plain_is_tls(tmp_path: Path, ecdsa_cert: CertFiles, declared: str) -> None:
    with nginx_https(tmp_path, ecdsa_cert) as port:
        if declared == "http":  # the answer that used to be judged a cleartext channel
            plain = asyncio.run(probe_cleartext("127.0.0.1", port, timeout=2.0))
            assert plain.https_port and plain.service is None and "400" in plain.evidence
        report = _one(port, declared)
    _is_tls(report, declared)


@pytest.mark.parametrize("declared", ["http", "telnet"])
def test_openssl_s_server_declared_plain_is_tls(rsa_cert: CertFiles, openssl: str, declared: str) -> None:
    with openssl_s_server(rsa_cert) as port:
        report = _one(port, declared)
    _is_tls(report, declared)


@pytest.mark.usefixtures("nginx_cmd")
def test_an_https_port_answer_without_tls_is_not_cleartext(tmp_path: Path, ecdsa_cert: CertFiles) -> None:
    """nginx's real answer replayed by a server that then fails every TLS handshake: no protocol
    was recognised (missing evidence), never a cleartext channel with its high-risk veto."""
    request = b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    with nginx_https(tmp_path, ecdsa_cert) as port, socket.create_connection(("127.0.0.1", port)) as conn:
        conn.sendall(request)
        answer = b""
        while chunk := conn.recv(4096):
            answer += chunk
    assert b"The plain HTTP request was sent to HTTPS port" in answer  # nginx's own words

    def replay(conn: socket.socket) -> None:
        conn.settimeout(3)
        if conn.recv(4096).startswith(b"GET "):
            conn.sendall(answer)

    with listening(replay) as port:
        report = _one(port, "http")
    view = view_of(report)
    assert report.cleartext is not None and report.cleartext.https_port
    assert view.protocol == "unknown" and HTTPS_PORT in view.observed and view.confidentiality is None
