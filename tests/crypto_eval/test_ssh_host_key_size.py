"""SSH host keys judged by size (review R16d F2): the A factor came from the KEXINIT names only, and
`rsa-sha2-512` names the signature hash, not the key, so an RSA-1024 host key was "128 位安全强度"
with no high risk. The reference (§3 通用 密码算法: RSA < 2048 high risk, no mitigation; §2.2 Ra:
RSA-1024 = 80 bits) judges the key. Every host key the server has is judged, not only the one the
probe negotiated: a client preferring RSA authenticates the server with the RSA key. A real
Debian sshd on loopback."""

from __future__ import annotations

import asyncio
import subprocess
from pathlib import Path

import pytest

from govsoc.core.inventory import InventoryModel
from govsoc.crypto_eval.algorithms import classify_ssh
from govsoc.crypto_eval.evaluate import evaluate_inventory
from govsoc.crypto_eval.probes.ssh import probe_ssh
from tests.servers.sshd import SSH_KEYGEN, running_sshd

ITEM = "gbt39786.l3.8.3.b"
#: nothing weaker than 128 bits but the host key (Debian's default MACs include umac-64)
STRONG = ("KexAlgorithms curve25519-sha256", "Ciphers aes128-gcm@openssh.com", "MACs hmac-sha2-256-etm@openssh.com")


def _evaluate(port: int):  # type: ignore[no-untyped-def]
    endpoint = {"host": "127.0.0.1", "port": port, "protocol": "ssh", "kind": "admin"}
    (system,) = InventoryModel.model_validate({"systems": [{"name": "s", "level": 3,
                                                           "endpoints": [endpoint]}]}).systems
    (e,) = evaluate_inventory([system], question_timeout=3.0)
    return e


@pytest.mark.parametrize("rsa_bits", [1024, 3072])
@pytest.mark.parametrize("alone", [True, False])
def test_an_rsa_host_key_under_2048_bits_is_high_risk(tmp_path: Path, sshd_binary: Path, rsa_bits: int,
                                                      alone: bool) -> None:
    # the RSA key made here before sshd starts (running_sshd keeps a key it finds); beside an Ed25519
    # key (alone=False) the probe negotiates Ed25519 first and must still find and judge the RSA key
    subprocess.run([SSH_KEYGEN, "-q", "-t", "rsa", "-b", str(rsa_bits), "-N", "", "-f", str(tmp_path / "host_rsa")],
                   check=True)
    with running_sshd(tmp_path, STRONG, key_type="rsa", more_key_types=() if alone else ("ed25519",)) as sshd:
        probed = asyncio.run(probe_ssh("127.0.0.1", sshd.port, timeout=3.0))
        e = _evaluate(sshd.port)
    assert probed.host_key_size == (("rsa", rsa_bits) if alone else ("ed25519", 256))
    (a,) = [f for f in e.findings if f.item == ITEM and f.factor == "A"]
    high = [f for f in e.high_risk if f.item == ITEM]
    if rsa_bits < 2048:
        assert f"RSA-{rsa_bits}" in a.why and a.bits == 80 and not a.satisfied, a
        assert high and any(f"RSA-{rsa_bits}" in f.why for f in high), e.high_risk
    else:  # the control: a 3072-bit key is no high risk (A ✗ only because nothing here is SM)
        assert f"RSA-{rsa_bits}" in a.why and a.bits == 128, a
        assert not high, e.high_risk


@pytest.mark.parametrize("name", ["ssh-rsa-cert-v01@openssh.com", "ssh-rsa-cert-v00@openssh.com", "x509v3-sign-rsa",
                                  "x509v3-sign-dss", "gss-group14-sha1-toWM5Slw5Ew8Mqkay+al2g==",
                                  "gss-gex-sha1-toWM5Slw5Ew8Mqkay+al2g==", "gss-group1-sha1-toWM5Slw5Ew8Mqkay+al2g=="])
def test_sha1_under_other_ssh_names_is_high_risk_as_ssh_rsa_is(name: str) -> None:
    # review R16d F4: the certificate form of ssh-rsa (PROTOCOL.certkeys), RFC 6187's X.509 host keys
    # and RFC 4462's GSS-API SHA-1 key exchanges sign or hash with SHA-1 like ssh-rsa
    judged = classify_ssh(name)
    assert (judged.klass, judged.high_risk) == ("weak", True) and judged.bits < 80, judged


@pytest.mark.parametrize("name", ["rsa-sha2-512-cert-v01@openssh.com", "gss-curve25519-sha256-toWM5Slw5Ew8Mqkay+al2g==",
                                  "gss-group14-sha256-toWM5Slw5Ew8Mqkay+al2g=="])
def test_the_sha2_forms_of_those_names_stay_strong(name: str) -> None:
    judged = classify_ssh(name)
    assert (judged.klass, judged.high_risk) == ("strong", False), judged
