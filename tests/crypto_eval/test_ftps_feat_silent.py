"""vsftpd that requires TLS for logins but does not list AUTH TLS in FEAT (ssl_tlsv1=NO, review R16
HIGH 13): RFC 4217 does not require FEAT to name AUTH TLS, so the probe asks AUTH TLS itself and the
channel is judged on the TLS it negotiates, never "ftp 明文传输，含登录口令". Real vsftpd on loopback."""

from __future__ import annotations

import asyncio
from pathlib import Path

from govsoc.core.inventory import InventoryModel
from govsoc.crypto_eval.evaluate import evaluate_inventory
from govsoc.crypto_eval.probes.cleartext import probe_ftp_security
from tests.servers.certs import CertFiles
from tests.servers.cleartext import vsftpd


def test_auth_tls_answered_although_feat_is_silent(tmp_path: Path, rsa_cert: CertFiles, vsftpd_binary: Path,
                                                   anchor_files: list[str]) -> None:
    with vsftpd(tmp_path, tls=rsa_cert, force_tls=True, tls_v1=False) as port:
        security = asyncio.run(probe_ftp_security("127.0.0.1", port, timeout=2.0))
        (system,) = InventoryModel.model_validate({"systems": [{"name": "FTP", "level": 3, "endpoints": [
            {"host": "127.0.0.1", "port": port, "protocol": "ftp", "kind": "admin", "server_name": "localhost"}]}]}
        ).systems
        (e,) = evaluate_inventory([system], question_timeout=2.0, trust_anchors=[Path(p) for p in anchor_files])
    assert security is not None and security.auth_tls and security.required, security
    obj = f"127.0.0.1:{port}"
    assert not any("明文传输" in f.why for f in e.findings), [f.why for f in e.findings if "明文" in f.why]
    assert not any(f.object == obj for f in e.high_risk), e.high_risk
    # judged as the FEAT-listing server is: TLS required before login, data connections unproven
    assert not [f for f in e.findings if f.item == "gbt39786.l3.8.3.b" and f.factor == "D" and f.object == obj]
    (missing,) = [f for f in e.findings if f.item == "gbt39786.l3.8.3.b" and f.factor == "MISSING"
                  and f.object == obj]
    assert "AUTH TLS" in missing.observed and "数据连接缺少证据" in missing.why, missing
