"""Third review of issue 16, finding 3: a telnet or SSH server whose banner comes after more than
a second (telnetd and sshd look the client up in the DNS first) was "unknown", so a cleartext
admin telnet lost its high-risk veto, and the probe's HTTP request lines reached the login prompt
as user names. A server-first protocol's greeting is now waited for as long as a question may
take, and no HTTP request is sent into a port declared telnet. The listener here greets 1.6 s
after the connection opens (the reviewer's srv.py) and records what it was sent."""

from __future__ import annotations

import socket
import time

import pytest

from govsoc.crypto_eval.checks.channel_view import view_of
from govsoc.crypto_eval.probes.runner import Target, run_probes
from tests.servers.listener import listening

TELNET = b"\xff\xfd\x18\xff\xfd\x20\r\nUser Access Verification\r\n\r\nPassword: "


@pytest.mark.parametrize("declared", ["telnet", "ssh", "tcp"])
def test_a_late_telnet_greeting_is_still_cleartext_telnet(declared: str) -> None:
    sent: list[bytes] = []

    def late(conn: socket.socket) -> None:
        conn.settimeout(5)
        time.sleep(1.6)  # the server's behaviour under test (a slow reverse-DNS lookup), not a timing assertion
        try:
            conn.sendall(TELNET)
            while chunk := conn.recv(4096):
                sent.append(chunk)
        except OSError:
            pass

    with listening(late) as port:
        (report,) = run_probes([Target(host="127.0.0.1", port=port, protocol=declared)], question_timeout=3.0)
    assert report.cleartext is not None and report.cleartext.service == "telnet" and report.cleartext.login
    view = view_of(report)
    assert view.protocol == "cleartext" and view.authentication is not None and view.authentication[0] is False
    if declared == "telnet":
        assert not any(b"GET " in chunk or b"HTTP/1.1" in chunk for chunk in sent)


def test_a_late_ssh_banner_on_a_port_declared_telnet_is_ssh() -> None:
    def late(conn: socket.socket) -> None:
        conn.settimeout(5)
        time.sleep(1.6)
        try:
            conn.sendall(b"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n")
            while conn.recv(4096):
                pass
        except OSError:
            pass

    with listening(late) as port:
        (report,) = run_probes([Target(host="127.0.0.1", port=port, protocol="telnet")], question_timeout=3.0)
    assert report.ssh is not None and report.ssh.speaks_ssh
    assert view_of(report).protocol in ("SSH", "incomplete")
