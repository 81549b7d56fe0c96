"""Regression tests for the second 密评 review, finding 11 (SSH): 3DES in SSH scored as the TLS
3DES suites are (three-key TDEA, 112 bits: RFC 4253 6.3, NIST SP 800-57 Part 1 Rev. 5 Table 2; not
on the 2021 high-risk list), and an "SSH-1.99" server read alike by the active probe and from
traffic (SSH-2 with SSH-1 compatibility, RFC 4253 5.1: an SSH-2 channel, D ✓, that still accepts
SSH-1, a technique the 高风险判定指引 lists with TLS 1.0: A ✗, high risk, as TLS 1.0 accepted beside
TLS 1.2 is; review R16 finding 8)."""

from __future__ import annotations

from contextlib import AbstractContextManager
from pathlib import Path

from govsoc.core.inventory import InventoryModel
from govsoc.crypto_eval.algorithms import classify_ssh, classify_suite
from govsoc.crypto_eval.checks.channel_view import view_of
from govsoc.crypto_eval.evaluate import evaluate_inventory, evaluate_system
from govsoc.crypto_eval.passive import PassiveObservation
from govsoc.crypto_eval.probes.runner import Target, run_probes
from tests.servers.ssh_kexinit import kexinit_server
from tests.servers.sshd import running_sshd

ALGOS = {"kex": ("curve25519-sha256",), "host_key": ("ssh-ed25519",), "macs": ("hmac-sha2-256",)}


def _ssh_server(software: str, ciphers: tuple[str, ...], proto_version: str = "2.0") -> AbstractContextManager[int]:
    """Sends ``SSH-<proto_version>-<software>`` and a KEXINIT (RFC 4253 4.2, 7.1), then waits for
    the client to hang up."""
    return kexinit_server(kex=ALGOS["kex"], host_key=ALGOS["host_key"], ciphers=ciphers, macs=ALGOS["macs"],
                          software=software, proto_version=proto_version)


def _system(port: int) -> object:
    return InventoryModel.model_validate({"systems": [{"name": "s", "level": 3, "endpoints": [
        {"host": "127.0.0.1", "port": port, "protocol": "ssh", "kind": "admin"}]}]}).systems[0]


def test_ssh_3des_is_112_bits_like_tls_3des(tmp_path: Path, sshd_binary: Path) -> None:
    tls = classify_suite("TLS_RSA_WITH_3DES_EDE_CBC_SHA")
    ctr = classify_ssh("3des-ctr")
    assert (ctr.bits, ctr.high_risk) == (tls.bits, False) == (112, False)
    cbc = classify_ssh("3des-cbc")  # 112-bit cipher, but SSH's CBC attack rates every non-SM CBC cipher 80
    assert (cbc.bits, cbc.high_risk) == (classify_ssh("aes128-cbc").bits, False) and "112" in cbc.why
    assert classify_ssh("des-cbc").high_risk and classify_ssh("des-cbc").bits == 56  # single DES stays high risk
    # a real sshd: a scripted banner and KEXINIT prove no host key, and its channel is no evidence (R16d F7)
    with running_sshd(tmp_path, ("KexAlgorithms curve25519-sha256", "Ciphers 3des-cbc", "MACs hmac-sha2-256")) as sshd:
        (e,) = evaluate_inventory([_system(sshd.port)], question_timeout=3.0)  # type: ignore[list-item]
    assert not e.high_risk
    (a,) = [f for f in e.findings if f.item == "gbt39786.l3.8.3.b" and f.factor == "A"]
    assert not a.satisfied and a.bits == 80


def test_ssh_1_99_accepting_ssh1_is_a_flawed_technique_active_and_passive() -> None:
    banner = "SSH-1.99-Cisco-1.25"
    with _ssh_server("Cisco-1.25", ("aes128-ctr",), proto_version="1.99") as port:
        (active,) = evaluate_inventory([_system(port)], question_timeout=1.0)  # type: ignore[list-item]
        (active_report,) = run_probes([Target(host="127.0.0.1", port=port, protocol="ssh")], question_timeout=1.0)
    seen = PassiveObservation(endpoint=f"127.0.0.1:{port}", kind="ssh", events=3, details=(
        ("server", banner), ("cipher_alg", "aes128-ctr"), ("mac_alg", "hmac-sha2-256"),
        ("kex_alg", "curve25519-sha256"), ("host_key_alg", "ssh-ed25519")))
    passive = evaluate_system(_system(port), [seen])  # type: ignore[arg-type]
    # the scripted server proves no host key: its 8.3 b object is missing evidence (R16d F7); the
    # technique it announces is still read as flawed from the probe, as from traffic
    assert any(a.name == "SSH-1.99" and a.high_risk and banner in a.why for a in view_of(active_report).algorithms)
    assert [f.factor for f in active.findings if f.item == "gbt39786.l3.8.3.b" and f.factor in "DA"] == []
    for e in (passive,):
        d = [f.satisfied for f in e.findings if f.item == "gbt39786.l3.8.3.b" and f.factor == "D"]
        assert d == [True]
        (a,) = [f for f in e.findings if f.item == "gbt39786.l3.8.3.b" and f.factor == "A"]
        assert not a.satisfied and "SSH-1.99" in a.why and a.bits == 0, a
        assert any(f.item == "gbt39786.l3.8.3.b" and "SSH-1.99" in f.why for f in e.high_risk), e.high_risk
    with _ssh_server("Cisco-1.25", ("aes128-ctr",)) as port:  # the same server announcing SSH-2.0 only
        (plain,) = run_probes([Target(host="127.0.0.1", port=port, protocol="ssh")], question_timeout=1.0)
    # aes128-ctr is not SM (128 bits), but no flawed technique
    assert [(a.bits, a.high_risk) for a in view_of(plain).algorithms if a.name == "aes128-ctr"] == [(128, False)]
    assert not any(a.name == "SSH-1.99" or a.high_risk for a in view_of(plain).algorithms)
