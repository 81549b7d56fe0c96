"""An FTP server whose TLS policy the probe's own account does not show (review R16c 1 / 1b).

vsftpd with a userlist (userlist_enable, userlist_deny=NO) answers "530 Permission denied." to every
name not on the list, the probe's and anonymous included, while a listed account gets "331 Please
specify the password." and sends its password in the clear (force_local_logins_ssl=NO). The probe
took the two refusals for "TLS required" and scored the channel encrypted. Now a refusal that does
not ask for TLS proves nothing about other accounts (missing evidence), and an account the inventory
declares (login_accounts: USER only, never PASS) that is let in before AUTH TLS is a cleartext login."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from govsoc.crypto_eval.evaluate import evaluate_inventory
from govsoc.crypto_eval.probes.cleartext import probe_ftp_security
from tests.conftest import need
from tests.crypto_eval.test_review_declared import KM, PRODUCT, _systems
from tests.servers.certs import CertFiles
from tests.servers.cleartext import vsftpd

ADMIN_B = "gbt39786.l3.8.3.b"


def _admin_b(port: int, anchor_files: list[str], accounts: list[str]) -> list:  # type: ignore[type-arg]
    endpoint = {"host": "127.0.0.1", "port": port, "protocol": "ftp", "kind": "admin", "server_name": "localhost",
                "login_accounts": accounts}
    (e,) = evaluate_inventory(_systems({"name": "ftp", "level": 3, "endpoints": [endpoint], "crypto": {
        "products": [PRODUCT], "key_management": KM}}), question_timeout=2.0,
        trust_anchors=[Path(p) for p in anchor_files])
    return [f for f in e.findings if f.item == ADMIN_B and f.object == f"127.0.0.1:{port}"]


def test_a_userlist_refusal_of_the_probe_is_no_proof_of_tls(tmp_path: Path, rsa_cert: CertFiles,
                                                            vsftpd_binary: Path, anchor_files: list[str]) -> None:
    need(os.geteuid() == 0, "vsftpd reads its userlist only when it drops privileges: the test must run as root")
    with vsftpd(tmp_path, tls=rsa_cert, userlist=["ops"]) as port:
        security = asyncio.run(probe_ftp_security("127.0.0.1", port, timeout=2.0))
        undeclared = _admin_b(port, anchor_files, [])
        declared = _admin_b(port, anchor_files, ["ops"])
    assert security is not None and "530 Permission denied." in security.evidence and not security.named_need_tls
    assert security.unproven, security
    # no account declared: the probe cannot tell, so the channel is neither ✓ nor scored encrypted
    assert not [f for f in undeclared if f.factor == "D" and f.satisfied], undeclared
    (missing,) = [f for f in undeclared if f.factor == "MISSING"]
    assert "未说明须先启用TLS" in missing.why and "login_accounts" in missing.why
    # the declared account is let in before AUTH TLS: its password crosses in the clear (D ✗, high risk)
    (d,) = [f for f in declared if f.factor == "D"]
    assert not d.satisfied and d.high_risk and d.why == "ftp 明文传输，含登录口令", d
    assert "USER ops → 331" in d.observed


def test_tls_forced_for_the_probe_alone_is_shown_for_declared_accounts(
        tmp_path: Path, rsa_cert: CertFiles, vsftpd_binary: Path, anchor_files: list[str]) -> None:
    # force_local_logins_ssl: "530 Non-anonymous sessions must use encryption" to the probe's account. A
    # server may set TLS per account (1b), so that answer covers the declared accounts only when they were
    # asked too; the data connections stay unproven either way (no login), the login part does not
    with vsftpd(tmp_path, tls=rsa_cert, force_tls=True) as port:
        undeclared = _admin_b(port, anchor_files, [])
        declared = _admin_b(port, anchor_files, ["ops"])
        security = asyncio.run(probe_ftp_security("127.0.0.1", port, timeout=2.0, accounts=["ops"]))
    (missing,) = [f for f in undeclared if f.factor == "MISSING"]
    assert "仅观察到探测账户" in missing.why and "login_accounts" in missing.why
    (missing,) = [f for f in declared if f.factor == "MISSING"]
    assert "仅观察到探测账户" not in missing.why and "数据连接" in missing.why
    assert security is not None and security.named_need_tls and not security.unproven
    assert "USER ops -> 530 Non-anonymous sessions must use encryption." in security.evidence


def test_a_userlist_refusal_beside_anonymous_is_not_anonymous_only(
        tmp_path: Path, rsa_cert: CertFiles, vsftpd_binary: Path, anchor_files: list[str]) -> None:
    # the same userlist with anonymous on it: the probe's account "530 Permission denied.", anonymous
    # 230, "ops" 331. The probe called it anonymous-only ("仅允许匿名登录，不含登录口令"): a claim that no
    # password crosses, which the listed account's 331 belies
    need(os.geteuid() == 0, "vsftpd reads its userlist only when it drops privileges: the test must run as root")
    with vsftpd(tmp_path, tls=rsa_cert, anonymous_tls="none", userlist=["ops", "anonymous"]) as port:
        undeclared = _admin_b(port, anchor_files, [])
        declared = _admin_b(port, anchor_files, ["ops"])
    (d,) = [f for f in undeclared if f.factor == "D"]
    assert not d.satisfied and "仅允许匿名登录" not in d.why and "未能判定" in d.why and "login_accounts" in d.why, d
    (d,) = [f for f in declared if f.factor == "D"]
    assert d.why == "ftp 明文传输，含登录口令" and "USER ops → 331" in d.observed, d
