"""Regression tests for the 密评 review findings (issue 16), each against real servers on loopback:
a duplicated endpoint, vsftpd forcing TLS, an unreachable endpoint beside declarations, a system
not at level 3, result file names, SSH sm4-cbc, and the TLCP certificates' key usage."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from govsoc.cli import main
from govsoc.cli.commands.crypto_eval import EXIT_INCOMPLETE
from govsoc.core.inventory_model import InventoryModel, System
from govsoc.crypto_eval.assess import SystemEvaluation
from govsoc.crypto_eval.checks.channel_view import view_of
from govsoc.crypto_eval.evaluate import evaluate_inventory, systems_in_scope, unique_targets
from govsoc.crypto_eval.probes.runner import EndpointReport, Target, run_probes
from govsoc.crypto_eval.report import load_results, result_file_name
from tests.servers.ca import TestCA, issue_sm2
from tests.servers.certs import CertFiles, sm2_private_scalar
from tests.servers.cleartext import vsftpd
from tests.servers.ssh_kexinit import kexinit_server
from tests.servers.sshd import free_port, running_sshd
from tests.servers.tlcp_server import SmServerConfig, sm_server
from tests.servers.tls import python_tls_server

PRODUCT = {"name": "SSL VPN 网关", "certificate_no": "GM0033122202300001", "module_level": 2,
           "used_for": ["network", "device", "application"]}
KM = {"storage": "服务器密码机", "keys_in_plaintext": False}


def _systems(*systems: dict[str, Any]) -> list[System]:
    return list(InventoryModel.model_validate({"systems": list(systems)}).systems)


def _item(e: SystemEvaluation, item_id: str) -> Any:
    return next(r for layer in e.layers for r in layer.items if r.item.id == item_id)


def _d(e: SystemEvaluation, item_id: str, obj: str) -> list[bool]:
    return [f.satisfied for f in e.findings if f.item == item_id and f.object == obj and f.factor == "D"]


# --- the same host:port listed twice ---------------------------------------------------------------

def test_duplicate_endpoint_is_probed_once_and_every_listing_gets_the_evidence(rsa_cert: CertFiles,
                                                                              anchor_files: list[str]) -> None:
    with python_tls_server(rsa_cert) as port:  # certificate for "localhost"
        web = {"host": "127.0.0.1", "port": port, "protocol": "https", "kind": "web", "server_name": "localhost"}
        a, b = _systems({"name": "A", "level": 3, "endpoints": [web]},
                        # B lists the same endpoint twice, and the same address under another host name
                        {"name": "B", "level": 3, "endpoints": [web, dict(web, protocol="HTTPS"),
                                                                dict(web, server_name="other.test")]})
        assert len(unique_targets([a, b])) == 2  # (localhost) once for three listings, (other.test) once
        done: list[EndpointReport] = []
        ea, eb = evaluate_inventory([a, b], question_timeout=1.0, on_done=done.append,
                                    trust_anchors=[Path(p) for p in anchor_files])
    assert sorted(r.target.server_name or "" for r in done) == ["localhost", "other.test"]
    assert _d(ea, "gbt39786.l3.8.2.a", f"127.0.0.1:{port}") == [True]
    # each listing of B is its own object with its own probe: the other host name fails authentication
    assert _d(eb, "gbt39786.l3.8.2.a", f"127.0.0.1:{port} (localhost, https)") == [True]
    assert _d(eb, "gbt39786.l3.8.2.a", f"127.0.0.1:{port} (other.test, https)") == [False]
    assert any("other.test" in f.why for f in eb.high_risk)


# --- vsftpd forcing TLS --------------------------------------------------------------------------------

@pytest.mark.parametrize(("forced", "anonymous"), [
    (True, False),   # local users must start TLS, no anonymous access: TLS required
    (False, False),  # AUTH TLS offered, logins in the clear accepted
    (True, True),    # named users refused ("anonymous only"), anonymous served in the clear
])
def test_vsftpd_with_auth_tls(tmp_path: Path, rsa_cert: CertFiles, vsftpd_binary: Path, forced: bool,
                              anonymous: bool) -> None:
    with vsftpd(tmp_path, tls=rsa_cert, force_tls=forced, anonymous=anonymous) as port:
        (system,) = _systems({"name": "FTP", "level": 3, "endpoints": [
            {"host": "127.0.0.1", "port": port, "protocol": "ftp", "kind": "admin", "server_name": "localhost"}]})
        (e,) = evaluate_inventory([system], question_timeout=2.0)
    admin = [f for f in e.findings if f.item == "gbt39786.l3.8.3.b" and f.factor == "D"]
    if forced and not anonymous:  # 530 to USER before AUTH TLS: logins need TLS, judged on that TLS ...
        assert not any("明文传输" in f.why for f in e.findings)
        # ... whose data connections a probe without an account cannot show encrypted (fifth review,
        # finding 8): the channel is missing evidence until an evaluator confirms it, not ✓
        assert admin == []
        (missing,) = [f for f in e.findings if f.item == "gbt39786.l3.8.3.b" and f.factor == "MISSING"
                      and f.object == f"127.0.0.1:{port}"]
        assert "AUTH TLS" in missing.observed and "数据连接缺少证据" in missing.why and "PROT P" in missing.why
    else:  # AUTH TLS offered but a USER is taken in the clear (331): cleartext, high risk
        assert [f.satisfied for f in admin] == [False]
        assert any(f.item == "gbt39786.l3.8.3.b" and "ftp 明文传输" in f.why for f in e.high_risk)
        assert "支持AUTH TLS但不强制" in admin[0].observed and "331" in admin[0].observed


# --- a public anonymous FTP area beside TLS-only password logins (fourth review, finding 3) ------------------

@pytest.mark.parametrize("kind", ["service", "admin"])
def test_public_anonymous_ftp_beside_tls_only_logins(tmp_path: Path, rsa_cert: CertFiles, vsftpd_binary: Path,
                                                     anchor_files: list[str], kind: str) -> None:
    # vsftpd force_local_logins_ssl + an anonymous area not forced to TLS: "530 Non-anonymous sessions
    # must use encryption" says password logins are refused in the clear; the anonymous one has no
    # secret. It gave two false high risks (8.3 b "含登录口令", 8.3 a) on an endpoint not declared admin.
    with vsftpd(tmp_path, tls=rsa_cert, force_tls=True, anonymous_tls="none") as port:
        (system,) = _systems({"name": "FTP", "level": 3, "endpoints": [
            {"host": "127.0.0.1", "port": port, "protocol": "ftp", "kind": kind, "server_name": "localhost"}]})
        (e,) = evaluate_inventory([system], question_timeout=2.0, trust_anchors=[Path(p) for p in anchor_files])
    obj = f"127.0.0.1:{port}"
    assert not any(f.object == obj for f in e.high_risk), e.high_risk
    assert not any("口令" in f.why and f.factor == "D" and not f.satisfied for f in e.findings)
    item = "gbt39786.l3.8.3.b" if kind == "admin" else "gbt39786.l3.8.2.c"
    # the anonymous session's PROT P says nothing of the named users' data connections: missing
    # evidence for the channel's confidentiality (fifth review, finding 8), not ✓
    assert not [f for f in e.findings if f.item == item and f.factor == "D" and f.object == obj]
    (missing,) = [f for f in e.findings if f.item == item and f.factor == "MISSING" and f.object == obj]
    assert "AUTH TLS" in missing.observed and "命名账户的数据连接" in missing.why and "缺少证据" in missing.why
    assert any("匿名" in f.why and "530" in f.why for f in e.findings if f.factor == "INFO" and f.object == obj)
    # an FTP endpoint is device administration (8.3) only when the inventory says so
    assert bool([f for f in e.findings if f.item.startswith("gbt39786.l3.8.3.") and f.object == obj]) == (
        kind == "admin")


# --- an unreachable endpoint beside declarations ---------------------------------------------------------

def test_unreachable_endpoint_is_missing_evidence_not_the_declaration(rsa_cert: CertFiles,
                                                                       anchor_files: list[str]) -> None:
    # issue 16 fourth review, finding 1: a closed port or a name that does not resolve showed no
    # certificate, chain nor signature: the declared ✓ does not stand in for it (it scored 100 符合),
    # and dead endpoints listed beside a real one never raise the system's score
    closed = free_port()  # nothing listens there
    declared = {f"gbt39786.l3.8.2.{x}": {"d": True, "a": True, "k": True, "evidence": "国密VPN方案"} for x in "abc"}
    crypto = {"products": [PRODUCT], "key_management": KM, "declarations": declared}
    with python_tls_server(rsa_cert) as port:
        live = {"host": "127.0.0.1", "port": port, "protocol": "https", "kind": "web", "server_name": "localhost"}
        systems = _systems(
            {"name": "closed", "level": 3, "endpoints": [{"host": "127.0.0.1", "port": closed, "kind": "web"}],
             "crypto": crypto},
            # RFC 6761 6.4: .invalid never resolves
            {"name": "no-name", "level": 3, "endpoints": [{"host": "portal.invalid", "port": 443, "protocol": "https",
                                                           "kind": "web"}], "crypto": crypto},
            {"name": "live", "level": 3, "endpoints": [live], "crypto": crypto},
            {"name": "padded", "level": 3, "endpoints": [live, {"host": "127.0.0.1", "port": closed, "kind": "web"}],
             "crypto": crypto})
        dead, nameless, alone, padded = evaluate_inventory(systems, question_timeout=1.0,
                                                           trust_anchors=[Path(p) for p in anchor_files])
    cases = ((dead, f"127.0.0.1:{closed}", "连接被拒绝"), (nameless, "portal.invalid:443", "主机名无法解析"))
    for e, obj, why in cases:
        assert e.verdict != "符合" and e.missing >= 3
        for item in ("gbt39786.l3.8.2.a", "gbt39786.l3.8.2.c"):
            result = _item(e, item)
            assert result.score == Decimal("0.0000") and result.missing
            (missing,) = [f for f in result.findings if f.factor == "MISSING"]
            assert missing.object == obj and obj in missing.why and why in missing.why
            # the declaration is kept as a note, not scored
            assert any(f.factor == "INFO" and "人工声明未获证实" in f.why for f in result.findings)
    # listing a dead endpoint beside the real one does not raise the item's score
    for item in ("gbt39786.l3.8.2.a", "gbt39786.l3.8.2.b", "gbt39786.l3.8.2.c"):
        assert _item(padded, item).score <= _item(alone, item).score
    assert padded.total is not None and alone.total is not None and padded.total <= alone.total


def test_a_declared_admission_still_stands_for_an_unreachable_endpoint() -> None:
    closed = free_port()
    (system,) = _systems({"name": "admits", "level": 3, "endpoints": [{"host": "127.0.0.1", "port": closed}],
                          "crypto": {"declarations": {"gbt39786.l3.8.2.c": {"d": False, "evidence": "明文传输"}}}})
    (e,) = evaluate_inventory([system], question_timeout=1.0)
    assert [(o.name, o.d) for o in _item(e, "gbt39786.l3.8.2.c").objects] == [(f"127.0.0.1:{closed}", False)]


# --- a system not at level 3 -----------------------------------------------------------------------

def _write_inventory(tmp_path: Path, systems: list[dict[str, Any]]) -> Path:
    path = tmp_path / "inventory.yaml"
    path.write_text(yaml.safe_dump({"systems": systems}, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize(("level", "chapter"), [(2, "第7章"), (4, "第9章"), (5, "第五级")])
def test_system_at_another_level_is_flagged(tmp_path: Path, govsoc_home: Path, capsys: pytest.CaptureFixture[str],
                                            level: int, chapter: str) -> None:
    inventory = _write_inventory(tmp_path, [{"name": "其他级别系统", "level": level}])
    capsys.readouterr()
    code = main(["crypto-eval", "--inventory", str(inventory), "--system", "其他级别系统", "--no-probe",
                 "--no-passive", "--format", "json"])
    out, err = capsys.readouterr()
    assert code == EXIT_INCOMPLETE, err  # no endpoint listed: 证据不足
    (doc,) = json.loads(out)
    evaluation = doc["evaluation"]
    assert evaluation["level"] == level and evaluation["catalogue_level"] == 3
    assert chapter in evaluation["level_note"] and "第8章" in evaluation["level_note"]
    assert doc["section"]["摘要"].startswith("注意：") and doc["section"]["定级不符"] == evaluation["level_note"]
    assert f"level {level} system scored against GB/T 39786-2021 level 3" in err
    capsys.readouterr()
    assert main(["crypto-eval", "--inventory", str(inventory), "--system", "其他级别系统", "--no-probe",
                 "--no-passive"]) == EXIT_INCOMPLETE
    assert "仅供参考" in capsys.readouterr().out


def test_level_3_system_has_no_level_note(tmp_path: Path, govsoc_home: Path) -> None:
    (system,) = _systems({"name": "三级", "level": 3})
    (e,) = evaluate_inventory([system], probe=False)
    assert e.level_note is None and not e.level_mismatch


# --- -o and saved result names -------------------------------------------------------------------------

def test_result_file_names_never_collide(tmp_path: Path, govsoc_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spoof = "a_b-" + hashlib.sha256(b"a b").hexdigest()[:16]  # a plain name shaped like another's hashed one
    names = ["a/b", "a b", "a_b", "a?b", spoof, "../etc", "门户", ".hidden"]
    inventory = _write_inventory(tmp_path, [{"name": n, "level": 3} for n in names])
    out = tmp_path / "out"
    assert main(["crypto-eval", "--inventory", str(inventory), "--no-probe", "--no-passive", "-o",
                 str(out)]) == EXIT_INCOMPLETE
    files = sorted(p.name for p in out.iterdir())
    assert len(files) == len(names) == len({result_file_name(n) for n in names})
    assert all("/" not in f and not f.startswith(".") for f in files)
    assert "a_b.json" in files and "门户.json" in files
    # saved results: the same names under <data dir>/results/crypto_eval, read back one per system
    saved = govsoc_home / "results" / "crypto_eval"
    assert sorted(p.name for p in saved.iterdir()) == files
    assert [r["system"] for r in load_results(saved)] == sorted(names)
    assert [r["system"] for r in load_results(out)] == sorted(names)  # -o files load too


def test_two_systems_with_one_name_are_refused(tmp_path: Path, govsoc_home: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    inventory = _write_inventory(tmp_path, [{"name": "门户", "level": 3}, {"name": "门户", "level": 3}])
    assert main(["crypto-eval", "--inventory", str(inventory), "--no-probe", "--no-passive"]) == 2
    assert "more than one system '门户'" in capsys.readouterr().err
    with pytest.raises(Exception, match="unique"):
        systems_in_scope(InventoryModel.model_validate({"systems": [{"name": "x", "level": 3}] * 2}))


# --- SSH sm4-cbc ---------------------------------------------------------------------------------------------

def test_ssh_sm4_cbc_is_compliant_with_advice(tmp_path: Path, sshd_binary: Path) -> None:
    # the SM server is a replayed banner and KEXINIT (no SM SSH stack on Debian): its algorithms are
    # judged, but without a host-key signature its channel is missing evidence, never 1.0 (R16d F7)
    sm = {"kex": ["sm2-sm3"], "host_key": ["sm2"], "ciphers": ["sm4-cbc", "sm4-ctr"], "macs": ["hmac-sm3"]}
    aes = ("KexAlgorithms curve25519-sha256", "Ciphers aes128-cbc", "MACs hmac-sha2-256")
    with kexinit_server(**sm) as sm_port, running_sshd(tmp_path, aes) as sshd:
        systems = _systems(*({"name": name, "level": 3, "endpoints": [
            {"host": "127.0.0.1", "port": port, "protocol": "ssh", "kind": "admin"}],
            "crypto": {"products": [PRODUCT], "key_management": KM}} for name, port in (("sm", sm_port),
                                                                                        ("aes", sshd.port))))
        reports = run_probes([Target(host="127.0.0.1", port=sm_port, protocol="ssh")], question_timeout=1.0)
        e_sm, e_aes = evaluate_inventory(systems, question_timeout=3.0)
    assert reports[0].ssh is not None and reports[0].ssh.weak == ()  # SM4 in CBC mode is no weak algorithm
    assert [a.klass for a in view_of(reports[0]).algorithms if a.name == "sm4-cbc"] == ["compliant"]
    assert _item(e_sm, "gbt39786.l3.8.3.b").missing
    assert any("CVE-2008-5161" in f.why for f in e_sm.findings if f.factor == "INFO")
    # a non-SM CBC cipher stays what it was: non-compliant, Ra 0.5 from the CBC attack (80 bits), and
    # K ✗ (not the declared SM product's algorithms): 0.25 × 0.5 = 0.125
    assert _item(e_aes, "gbt39786.l3.8.3.b").score == Decimal("0.1250")


# --- TLCP certificates' key usage ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def odd_certs(cert_dir: Path, sm2_root: TestCA) -> dict[str, CertFiles]:
    return {"sign_as_enc": issue_sm2(cert_dir, "ku-sign-enc", sm2_root, usage="keyEncipherment"),
            "enc_as_sign": issue_sm2(cert_dir, "ku-enc-sign", sm2_root, usage="digitalSignature")}


@pytest.fixture(scope="module")
def sm2_anchor(sm2_root: TestCA) -> str:
    return str(sm2_root.cert)


def _tlcp_eval(config: SmServerConfig, anchor: str) -> SystemEvaluation:
    with sm_server(config) as port:
        (system,) = _systems({"name": "tlcp", "level": 3, "endpoints": [
            {"host": "127.0.0.1", "port": port, "protocol": "tlcp", "kind": "web"}],
            "crypto": {"products": [PRODUCT], "key_management": KM, "trust_anchors": [anchor]}})
        (e,) = evaluate_inventory([system], question_timeout=1.0)
    return e


def test_tlcp_certificates_swapped(sm_config: SmServerConfig, odd_certs: dict[str, CertFiles],
                                             sm2_anchor: str) -> None:
    # the signing certificate (first) is certified for key encipherment only: authentication fails
    sign, enc = odd_certs["sign_as_enc"], odd_certs["enc_as_sign"]
    e = _tlcp_eval(dataclasses.replace(sm_config, sign_cert=sign.der, enc_cert=enc.der,
                                       sign_key=sm2_private_scalar(sign.key)), sm2_anchor)
    auth = [f for f in e.findings if f.item == "gbt39786.l3.8.2.a" and f.factor == "D"]
    assert [f.satisfied for f in auth] == [False] and "digitalSignature" in auth[0].why
    assert any(f.item == "gbt39786.l3.8.2.a" for f in e.high_risk)


def test_tlcp_encryption_certificate_without_key_encipherment(sm_config: SmServerConfig,
                                                              odd_certs: dict[str, CertFiles],
                                             sm2_anchor: str) -> None:
    e = _tlcp_eval(dataclasses.replace(sm_config, enc_cert=odd_certs["enc_as_sign"].der), sm2_anchor)
    auth = [f for f in e.findings if f.item == "gbt39786.l3.8.2.a" and f.factor == "D"]
    assert [f.satisfied for f in auth] == [True]  # the signing certificate is right
    a = [f for f in e.findings if f.item == "gbt39786.l3.8.2.c" and f.factor == "A"]
    assert [f.satisfied for f in a] == [False] and "keyEncipherment" in a[0].why
    assert _item(e, "gbt39786.l3.8.2.c").score == Decimal("0.5000")  # A ✗ with Ra 1 (the key is still SM2)


def test_tlcp_one_key_for_both_certificates(sm_config: SmServerConfig, cert_dir: Path, sm2_root: TestCA,
                                           sm2_anchor: str) -> None:
    both = issue_sm2(cert_dir, "ku-both", sm2_root, usage="digitalSignature,keyEncipherment")
    e = _tlcp_eval(dataclasses.replace(sm_config, sign_cert=both.der, enc_cert=both.der,
                                       sign_key=sm2_private_scalar(both.key)), sm2_anchor)
    a = [f for f in e.findings if f.item == "gbt39786.l3.8.2.c" and f.factor == "A"]
    assert [f.satisfied for f in a] == [False] and "同一密钥" in a[0].why


def test_tlcp_well_formed_certificates_pass(sm_config: SmServerConfig, sm2_anchor: str) -> None:
    e = _tlcp_eval(sm_config, sm2_anchor)
    assert _item(e, "gbt39786.l3.8.2.c").score == Decimal("1.0000")
    assert _item(e, "gbt39786.l3.8.2.a").score == Decimal("1.0000")


def test_tls13_sm_certificate_not_for_signing(sm_config: SmServerConfig, odd_certs: dict[str, CertFiles],
                                             sm2_anchor: str) -> None:
    # the TLS 1.3-SM leaf signs CertificateVerify: a key-encipherment-only certificate fails
    # authentication although the signature itself verifies
    sign = odd_certs["sign_as_enc"]
    e = _tlcp_eval(dataclasses.replace(sm_config, mode="tls13sm", sign_cert=sign.der,
                                       sign_key=sm2_private_scalar(sign.key)), sm2_anchor)
    auth = [f for f in e.findings if f.item == "gbt39786.l3.8.2.a" and f.factor == "D"]
    assert [f.satisfied for f in auth] == [False] and "TLS 1.3国密服务端证书" in auth[0].why
    assert "digitalSignature" in auth[0].why and "TLS 1.3" in auth[0].observed


def test_k_follows_what_the_probe_saw_not_the_declaration(tmp_path: Path, sshd_binary: Path) -> None:
    # note 4: K was ✓ from a declared SM product while the probe saw AES/SHA-2 on the channel; a
    # product that declares those algorithms does cover it
    aes = ("KexAlgorithms curve25519-sha256", "Ciphers aes128-ctr", "MACs hmac-sha2-256")
    with running_sshd(tmp_path, aes) as sshd:  # a real server: its host key proves the channel (R16d F7)
        endpoint = {"host": "127.0.0.1", "port": sshd.port, "protocol": "ssh", "kind": "admin"}
        sm_only, declares_aes = _systems(*({"name": name, "level": 3, "endpoints": [endpoint],
                                            "crypto": {"products": [product], "key_management": KM}}
                                           for name, product in (("sm", PRODUCT), ("aes", dict(
                                               PRODUCT, algorithms=["curve25519", "ed25519", "aes128", "hmac-sha2"])))))
        e_sm, e_aes = evaluate_inventory([sm_only, declares_aes], question_timeout=3.0)

    def k(e: SystemEvaluation) -> list[bool]:
        return [f.satisfied for f in e.findings if f.item == "gbt39786.l3.8.3.b" and f.factor == "K"]
    assert k(e_sm) == [False] and k(e_aes) == [True]
