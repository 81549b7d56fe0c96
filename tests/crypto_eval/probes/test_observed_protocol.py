"""What the probe sees outranks the protocol the inventory declares (issue 16, second review,
finding 5): Debian's sshd on a port declared telnet is an SSH channel, not cleartext telnet; a
banner "SSH-2.0-... Password:" on a port declared https is SSH that sent no algorithms (missing
evidence), not a telnet login; a telnet login prompt on a port declared ssh is cleartext telnet.
Each mismatch is noted in the view's observed text."""

from __future__ import annotations

import socket
from pathlib import Path

from govsoc.crypto_eval.checks.channel_view import view_of
from govsoc.crypto_eval.probes.runner import Target, run_probes
from tests.servers.cleartext import telnet_listener
from tests.servers.listener import listening
from tests.servers.sshd import running_sshd


def _one(port: int, protocol: str):  # type: ignore[no-untyped-def]
    (report,) = run_probes([Target(host="127.0.0.1", port=port, protocol=protocol)], question_timeout=1.0)
    return report


def test_sshd_on_a_port_declared_telnet_is_ssh(tmp_path: Path) -> None:
    with running_sshd(tmp_path) as sshd:
        report = _one(sshd.port, "telnet")
    assert report.ssh is not None and report.ssh.speaks_ssh and report.cleartext is None
    view = view_of(report)
    assert view.protocol == "SSH" and view.confidentiality is not None and view.confidentiality[0] is True
    assert "声明协议为telnet，探测发现SSH" in view.observed


def test_an_ssh_banner_with_a_password_prompt_declared_https_is_not_telnet() -> None:
    def banner(conn: socket.socket) -> None:  # the reviewer's hostile3.py 24911
        conn.sendall(b"SSH-2.0-OpenSSH_9.6 Password:\r\n")
        conn.settimeout(3)
        try:
            while conn.recv(4096):
                pass
        except TimeoutError:
            pass

    with listening(banner) as port:
        report = _one(port, "https")
    assert report.ssh is not None and report.ssh.speaks_ssh and report.cleartext is None
    view = view_of(report)
    assert view.protocol == "incomplete" and view.authentication is None  # no KEXINIT: no algorithms seen


def test_a_telnet_prompt_on_a_port_declared_ssh_is_cleartext_telnet() -> None:
    with telnet_listener() as port:
        report = _one(port, "ssh")
    view = view_of(report)
    assert view.protocol == "cleartext" and "telnet" in view.observed
    assert "声明协议为ssh，探测发现telnet" in view.observed
