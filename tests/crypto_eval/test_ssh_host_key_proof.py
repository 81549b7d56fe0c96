"""SSH server authentication reaches 8.3 b) only as far as the host key proved itself (review R16d
F7, F8). RFC 4253 8: the server proves its host key by signing the exchange hash H, whose input
V_S is the server's identification line as sent (4.2: the line that starts with "SSH-", without
CR LF). The probe took V_S from the last "SSH-" of the banner, so a genuine OpenSSH whose
``VersionAddendum`` holds "SSH-" failed its own signature. Real Debian sshd on loopback."""

from __future__ import annotations

import asyncio
import re
import socket
import subprocess
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, x25519

from govsoc.collectors.protocols import ssh
from govsoc.core.inventory import InventoryModel
from govsoc.crypto_eval.evaluate import evaluate_inventory
from govsoc.crypto_eval.probes.ssh import identification_line, probe_ssh
from govsoc.reports.mipin_en import english
from tests.servers.listener import listening
from tests.servers.ssh_kexinit import kexinit_server
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


def _sm_replay_inventory(port: int, declared: list[str]) -> object:
    """A level-3 system whose SSH management port is declared a certified SM product."""
    return InventoryModel.model_validate({"systems": [{"name": "s", "level": 3, "endpoints": [
        {"host": "127.0.0.1", "port": port, "protocol": "ssh", "kind": "admin", "host_key_fingerprints": declared}],
        "crypto": {"products": [{"name": "SM SSH 网关", "certificate_no": "GM0033122202300001", "module_level": 2,
                                 "used_for": ["device"]}],
                   "key_management": {"storage": "服务器密码机", "keys_in_plaintext": False}}}]}).systems[0]


def _item(e, factor: str):  # type: ignore[no-untyped-def]
    return [f for f in e.findings if f.item == ITEM and f.factor == factor]


def test_a_replayed_banner_and_kexinit_prove_no_host_key(tmp_path: Path) -> None:
    # ~300 bytes anyone can replay: an SM banner and KEXINIT, never a key (R16d F7: 8.3 b scored 1.0)
    with kexinit_server(kex=("sm2-sm3",), host_key=("sm2",), ciphers=("sm4-ctr",), macs=("hmac-sm3",),
                        software="SM_SSH_1.0") as port:
        (e,) = evaluate_inventory([_sm_replay_inventory(port, ["SHA256:" + "A" * 43])],  # type: ignore[list-item]
                                  question_timeout=2.0)
    assert not [f for f in _item(e, "D") if f.satisfied], _item(e, "D")
    missing = [f for f in _item(e, "MISSING") if f.provenance == "auto"]
    assert missing and all("主机密钥" in f.why and "缺少证据" in f.why for f in missing), missing
    assert not re.search(r"[\u4e00-\u9fff]", english(missing[0].why)), english(missing[0].why)
    (result,) = [r for layer in e.layers for r in layer.items if r.item.id == ITEM]
    assert result.missing and result.score != 1, result


def _bad_signature_server() -> object:
    """Banner, KEXINIT (curve25519 / ssh-ed25519) and, to the client's KEX_ECDH_INIT, a KEX_ECDH_REPLY
    whose Ed25519 host key signs something other than the exchange hash (RFC 8731 / RFC 5656 4)."""
    host = ed25519.Ed25519PrivateKey.generate()
    k_s = _string(b"ssh-ed25519") + _string(host.public_key().public_bytes(serialization.Encoding.Raw,
                                                                          serialization.PublicFormat.Raw))
    q_s = x25519.X25519PrivateKey.generate().public_key().public_bytes(serialization.Encoding.Raw,
                                                                        serialization.PublicFormat.Raw)
    blob = _string(b"ssh-ed25519") + _string(host.sign(b"not the exchange hash"))
    reply = ssh.encode_packet(bytes([31]) + _string(k_s) + _string(q_s) + _string(blob))
    kexinit = ssh.KexInit(cookie=bytes(16), kex_algorithms=("curve25519-sha256",),
                          server_host_key_algorithms=("ssh-ed25519",), encryption_client_to_server=("aes128-ctr",),
                          encryption_server_to_client=("aes128-ctr",), mac_client_to_server=("hmac-sha2-256",),
                          mac_server_to_client=("hmac-sha2-256",), compression_client_to_server=("none",),
                          compression_server_to_client=("none",), languages_client_to_server=(),
                          languages_server_to_client=())

    def handle(conn: socket.socket) -> None:
        conn.settimeout(5)
        conn.sendall(ssh.encode_banner("Impostor_1.0") + ssh.encode_packet(ssh.encode_kexinit(kexinit)) + reply)
        while conn.recv(4096):
            pass

    return listening(handle)


def _string(data: bytes) -> bytes:
    return len(data).to_bytes(4, "big") + data


def test_a_failed_host_key_signature_is_d_fail_of_the_management_channel() -> None:
    with _bad_signature_server() as port:  # type: ignore[attr-defined]
        probed = asyncio.run(probe_ssh("127.0.0.1", port, timeout=2.0))
        e = _evaluate(port, [])
    assert probed.host_key_verified is False, probed
    (d,) = _item(e, "D")
    assert not d.satisfied and "签名验证失败" in d.why and "身份鉴别无效" in d.why, d


def test_a_verified_matching_host_key_is_named_in_the_channel_evidence(tmp_path: Path, sshd_binary: Path) -> None:
    with running_sshd(tmp_path, ("KexAlgorithms curve25519-sha256",)) as sshd:
        e = _evaluate(sshd.port, [_fingerprint(tmp_path)])
    (d,) = _item(e, "D")
    assert d.satisfied and "签名已验证" in d.why and _fingerprint(tmp_path) in d.why and "一致" in d.why, d
    assert not re.search(r"[\u4e00-\u9fff]", english(d.why)), english(d.why)  # the English report says it too
