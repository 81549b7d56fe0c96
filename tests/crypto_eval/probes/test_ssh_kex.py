"""The SSH probe completes the standard key exchanges besides X25519 (review R16d F7): a server
without curve25519 (ecdh-sha2-nistp*, RFC 5656; diffie-hellman-group14/16/18, RFC 8268 / RFC 3526)
had its host key never read, its declared fingerprint never compared, and 8.3 b stayed D ✓ for a
server that was not the declared host. A server offering only methods the probe cannot do
(group exchange here, as SM2 key exchange) is missing evidence, with the reason. Real Debian sshd."""

from __future__ import annotations

import asyncio
import re
import subprocess
from pathlib import Path

import pytest

from govsoc.core.inventory import InventoryModel
from govsoc.crypto_eval.evaluate import evaluate_inventory
from govsoc.crypto_eval.probes.ssh import probe_ssh
from govsoc.crypto_eval.probes.ssh_kex import modp_prime
from tests.servers.sshd import running_sshd

ITEM = "gbt39786.l3.8.3.b"
#: the fingerprint of no key made here (an impostor's server is judged against it)
OTHER = "SHA256:d5yHRuJ0uYz4tDqv3rOyTh5G1dK0sm0HJxq4kfWmE1c"


def _fingerprint(folder: Path) -> str:
    shown = subprocess.run(["ssh-keygen", "-lf", str(folder / "host_ed25519.pub")], capture_output=True, text=True,
                           check=True).stdout
    return shown.split()[1]


def _d_and_missing(port: int, declared: str):  # type: ignore[no-untyped-def]
    endpoint = {"host": "127.0.0.1", "port": port, "protocol": "ssh", "kind": "admin",
                "host_key_fingerprints": [declared]}
    (system,) = InventoryModel.model_validate({"systems": [{"name": "s", "level": 3,
                                                           "endpoints": [endpoint]}]}).systems
    (e,) = evaluate_inventory([system], question_timeout=5.0)
    return ([f for f in e.findings if f.item == ITEM and f.factor == "D"],
            [f for f in e.findings if f.item == ITEM and f.factor == "MISSING" and f.provenance == "auto"])


@pytest.mark.parametrize("bits", [2048, 4096, 8192])
def test_modp_primes_are_openssls_rfc3526_groups(bits: int) -> None:
    # the primes are computed from the RFC 3526 formula; OpenSSL ships them as named groups
    pem = subprocess.run(["openssl", "genpkey", "-genparam", "-algorithm", "DH", "-pkeyopt", f"group:modp_{bits}"],
                         capture_output=True, check=True).stdout
    parsed = subprocess.run(["openssl", "asn1parse"], input=pem, capture_output=True, check=True).stdout.decode()
    (p, g) = re.findall(r"INTEGER\s+:([0-9A-F]+)", parsed)
    assert (int(p, 16), int(g, 16)) == (modp_prime(bits), 2)


@pytest.mark.parametrize("kex", ["ecdh-sha2-nistp256", "ecdh-sha2-nistp384", "ecdh-sha2-nistp521",
                                 "diffie-hellman-group14-sha256", "diffie-hellman-group16-sha512",
                                 "diffie-hellman-group18-sha512"])
def test_a_server_without_curve25519_is_authenticated_by_its_host_key(tmp_path: Path, sshd_binary: Path,
                                                                      kex: str) -> None:
    with running_sshd(tmp_path, (f"KexAlgorithms {kex}",)) as sshd:
        probed = asyncio.run(probe_ssh("127.0.0.1", sshd.port, timeout=5.0))
        own, _ = _d_and_missing(sshd.port, _fingerprint(tmp_path))
        impostor, _ = _d_and_missing(sshd.port, OTHER)  # the R16d F7 repro: not the declared host
    assert probed.host_key_verified is True and probed.kex_algorithm == kex, probed.host_key_note
    assert probed.host_key_fingerprint == _fingerprint(tmp_path)
    assert [f.satisfied for f in own] == [True] and _fingerprint(tmp_path) in own[0].why, own
    assert [f.satisfied for f in impostor] == [False] and "均不是声明的指纹" in impostor[0].why, impostor


def test_a_key_exchange_the_probe_cannot_do_is_missing_evidence_saying_why(tmp_path: Path,
                                                                          sshd_binary: Path) -> None:
    # RFC 4419 group exchange (the server picks the group) is not done here, as no SM2 key exchange is
    with running_sshd(tmp_path, ("KexAlgorithms diffie-hellman-group-exchange-sha256",)) as sshd:
        probed = asyncio.run(probe_ssh("127.0.0.1", sshd.port, timeout=5.0))
        d, missing = _d_and_missing(sshd.port, OTHER)
    assert probed.host_key_verified is None and "diffie-hellman-group-exchange-sha256" in (probed.host_key_note or "")
    assert d == [] and missing and all("无法取得并验证服务端主机密钥" in f.why for f in missing), (d, missing)
