"""SSH server authentication reaches 8.3 b) only as far as the host key proved itself (review R16d
F7, F8). RFC 4253 8: the server proves its host key by signing the exchange hash H, whose input
V_S is the server's identification line as sent (4.2: the line that starts with "SSH-", without
CR LF). The probe took V_S from the last "SSH-" of the banner, so a genuine OpenSSH whose
``VersionAddendum`` holds "SSH-" failed its own signature. Real Debian sshd on loopback."""

from __future__ import annotations

import asyncio
import subprocess
from pathlib import Path

from govsoc.core.inventory import InventoryModel
from govsoc.crypto_eval.evaluate import evaluate_inventory
from govsoc.crypto_eval.probes.ssh import identification_line, probe_ssh
from tests.servers.sshd import running_sshd

ITEM = "gbt39786.l3.8.3.b"


def _fingerprint(folder: Path, kind: str = "ed25519") -> str:
    shown = subprocess.run(["ssh-keygen", "-lf", str(folder / f"host_{kind}.pub")], capture_output=True, text=True,
                           check=True).stdout
    return shown.split()[1]


def _evaluate(port: int, declared: list[str]):  # type: ignore[no-untyped-def]
    endpoint = {"host": "127.0.0.1", "port": port, "protocol": "ssh", "kind": "admin",
                "host_key_fingerprints": declared}
    (system,) = InventoryModel.model_validate({"systems": [{"name": "s", "level": 3,
                                                           "endpoints": [endpoint]}]}).systems
    (e,) = evaluate_inventory([system], question_timeout=3.0)
    return e


def test_v_s_is_the_identification_line_from_its_start() -> None:
    # RFC 4253 4.2: other lines may come first; the comment after the software version may hold "SSH-"
    head = b"Welcome\r\nSSH-2.0-OpenSSH_9.2p1 Debian-2 corp-SSH-gateway\r\n"
    assert identification_line(head) == b"SSH-2.0-OpenSSH_9.2p1 Debian-2 corp-SSH-gateway"


def test_a_banner_comment_holding_ssh_does_not_fail_a_genuine_server(tmp_path: Path, sshd_binary: Path) -> None:
    with running_sshd(tmp_path, ("KexAlgorithms curve25519-sha256", "VersionAddendum corp-SSH-gateway")) as sshd:
        probed = asyncio.run(probe_ssh("127.0.0.1", sshd.port, timeout=3.0))
        e = _evaluate(sshd.port, [_fingerprint(tmp_path)])
    assert probed.banner is not None and "corp-SSH-gateway" in probed.banner
    assert probed.host_key_verified is True, probed.host_key_note
    assert probed.host_key_fingerprint == _fingerprint(tmp_path)
    (d,) = [f for f in e.findings if f.item == ITEM and f.factor == "D"]
    assert d.satisfied, d
