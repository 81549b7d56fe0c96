"""An anonymous-only FTP server (vsftpd local_enable=NO: named users get "530 This FTP server is
anonymous only.") declared ``kind: admin``: its channel is cleartext (8.3 b ✗), but no password
crosses it, so it is not "含登录口令" and 8.3 a says why it fails: nobody is authenticated at all."""

from __future__ import annotations

from pathlib import Path

from govsoc.crypto_eval.evaluate import evaluate_inventory
from tests.crypto_eval.test_review_declared import KM, PRODUCT, _systems
from tests.servers.cleartext import vsftpd


def test_anonymous_only_ftp_declared_admin(tmp_path: Path, vsftpd_binary: Path) -> None:
    with vsftpd(tmp_path, anonymous=True) as anonymous, vsftpd(tmp_path, anonymous=False) as named:
        endpoints = [{"host": "127.0.0.1", "port": port, "protocol": "ftp", "kind": "admin"}
                     for port in (anonymous, named)]
        (e,) = evaluate_inventory(_systems({"name": "ftp-admin", "level": 3, "endpoints": endpoints, "crypto": {
            "products": [PRODUCT], "key_management": KM}}), question_timeout=2.0)
    by = {(f.item, f.object): f for f in e.findings if f.factor == "D"}
    anon_b = by["gbt39786.l3.8.3.b", f"127.0.0.1:{anonymous}"]
    anon_a = by["gbt39786.l3.8.3.a", f"127.0.0.1:{anonymous}"]
    assert not anon_b.satisfied and anon_b.why == "ftp 明文传输（仅允许匿名登录，不含登录口令）"
    assert "530 This FTP server is anonymous only." in anon_b.observed and "，含登录口令" not in anon_b.observed
    assert not anon_a.satisfied and anon_a.why.startswith("管理端点仅允许匿名登录，未对登录用户进行身份鉴别")
    # the control: a server taking named logins in the clear does carry passwords
    named_b, named_a = by["gbt39786.l3.8.3.b", f"127.0.0.1:{named}"], by["gbt39786.l3.8.3.a", f"127.0.0.1:{named}"]
    assert named_b.why == "ftp 明文传输，含登录口令" and named_a.why.startswith("设备登录以明文口令进行")
