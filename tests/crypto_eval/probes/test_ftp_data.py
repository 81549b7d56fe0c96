"""FTPS data connections (RFC 4217 §9): after AUTH TLS only the control channel is encrypted;
files travel on data connections protected only under PROT P. Debian's vsftpd forcing TLS for
logins answers 200 to PROT C whatever its data setting, and refuses a transfer afterwards only
with force_*_data_ssl, so the probe logs in anonymously over TLS (when allowed) and asks for a
listing under PROT C: served means files may cross in the clear (8.3 b ✗ with the replies as
evidence), "522 Data connections must be encrypted" means protection is enforced. Without an
anonymous login the question stays a manual check, with the PROT P answer as evidence."""

from __future__ import annotations

from pathlib import Path

import pytest

from govsoc.crypto_eval.checks.channel_view import view_of
from govsoc.crypto_eval.probes.runner import EndpointReport, Target, run_probes
from tests.servers.certs import CertFiles
from tests.servers.cleartext import vsftpd
from tests.servers.ftps_control_only import ftps_control_only


def _probe(port: int) -> EndpointReport:
    # an account declared (login_accounts): TLS before login is shown for it, not for the probe's alone
    # (review R16c 1b), so the view turns on the data connections these tests are about
    (report,) = run_probes([Target(host="127.0.0.1", port=port, protocol="ftp", server_name="localhost",
                                   accounts=("ops",))], question_timeout=2.0)
    return report


@pytest.mark.usefixtures("vsftpd_binary")
@pytest.mark.parametrize(("anonymous_tls", "clear"), [
    ("logins", True),   # anonymous over TLS, force_anon_data_ssl=NO: a listing comes under PROT C
    ("data", False),    # force_anon_data_ssl=YES: "522 Data connections must be encrypted."
    (None, None),       # no anonymous login: the transfer cannot be tried
])
def test_vsftpd_data_connection_protection(tmp_path: Path, rsa_cert: CertFiles, anonymous_tls: str | None,
                                           clear: bool | None) -> None:
    with vsftpd(tmp_path, tls=rsa_cert, force_tls=True, anonymous_tls=anonymous_tls) as port:
        report = _probe(port)
    assert report.starttls == "ftp" and report.ftp_data is not None
    assert report.ftp_data.private and "PROT P -> 200" in report.ftp_data.evidence
    assert report.ftp_data.clear_transfer is clear
    view = view_of(report)
    assert view.protocol == "TLS"
    if clear:
        assert view.confidentiality is not None and view.integrity is not None
        assert view.confidentiality[0] is False and view.integrity[0] is False
        assert "PROT C下完成了数据传输" in view.confidentiality[1] and "LIST → 150" in view.confidentiality[1]
    elif clear is False:
        assert view.confidentiality is not None and view.confidentiality[0] is True
        assert any("数据连接强制加密" in n and "LIST → 522" in n for n in view.notes)
    else:  # no account to try a PROT C transfer with: the data connections are not shown encrypted
        assert view.confidentiality is None and view.integrity is None
        why = dict(view.unproven)["confidentiality"]
        assert "需登录后人工核实" in why and "缺少证据" in why and "PROT P → 200" in why


def test_prot_p_refused_leaves_data_in_the_clear(rsa_cert: CertFiles) -> None:
    with ftps_control_only(rsa_cert) as port:
        report = _probe(port)
    assert report.starttls == "ftp" and report.tls is not None and report.tls.speaks_tls
    assert report.ftp_data is not None and not report.ftp_data.private and report.ftp_data.clear_transfer is None
    view = view_of(report)
    assert view.confidentiality is not None and view.confidentiality[0] is False
    assert "拒绝PROT P" in view.confidentiality[1] and "PROT P → 536" in view.confidentiality[1]
