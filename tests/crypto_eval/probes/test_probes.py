"""Probes against real servers on loopback: Python ssl and `openssl s_server` (TLS 1.0-1.3, RSA and
ECDSA), the TLCP / TLS 1.3-SM test server, Debian's sshd with weak and strong configurations,
vsftpd, a telnet listener and plain-HTTP login pages; and the concurrent runner."""

from __future__ import annotations

import asyncio
import dataclasses
import ssl
from pathlib import Path

import pytest

from govsoc.crypto_eval.probes.cleartext import probe_cleartext
from govsoc.crypto_eval.probes.runner import Target, run_probes
from govsoc.crypto_eval.probes.ssh import probe_ssh
from govsoc.crypto_eval.probes.tlcp import probe_tlcp, probe_tls13_sm
from govsoc.crypto_eval.probes.tls import hostname_matches, probe_tls
from tests.servers.ca import TestCA
from tests.servers.certs import CertFiles, make_cert
from tests.servers.cleartext import http_server, silent_listener, telnet_listener, vsftpd
from tests.servers.sshd import running_sshd
from tests.servers.tlcp_server import SmServerConfig, sm_server
from tests.servers.tls import openssl_s_server, python_tls_server


def test_python_tls12_13_server_one_suite(rsa_cert: CertFiles) -> None:
    # the server allows one TLS 1.2 suite: the probe must name it as RFC 5289 does
    with python_tls_server(rsa_cert, ciphers="ECDHE-RSA-AES128-GCM-SHA256") as port:
        result = asyncio.run(probe_tls("127.0.0.1", port, server_name="localhost"))
    accepted = {v.version: v for v in result.accepted()}
    assert set(accepted) == {"TLSv13", "TLSv12"}
    assert accepted["TLSv12"].suite == "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"
    assert accepted["TLSv13"].suite in ("TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256",
                                        "TLS_CHACHA20_POLY1305_SHA256")
    assert {v.version: v.refusal for v in result.versions if not v.accepted} == {
        "TLSv11": "protocol_version", "TLSv10": "protocol_version", "SSLv3": "handshake_failure"}
    (leaf,) = result.chain
    assert leaf.sha256 == __import__("hashlib").sha256(rsa_cert.der).hexdigest()
    assert result.hostname_ok and result.chain_valid_now and result.secure_renegotiation
    assert result.compression is False and not result.weak_suites and not result.tlcp_hint


def test_client_certificate_request(rsa_cert: CertFiles) -> None:
    with python_tls_server(rsa_cert, maximum=ssl.TLSVersion.TLSv1_2, client_ca=rsa_cert) as port:
        asking = asyncio.run(probe_tls("127.0.0.1", port))
    with python_tls_server(rsa_cert, maximum=ssl.TLSVersion.TLSv1_2) as port:
        plain = asyncio.run(probe_tls("127.0.0.1", port))
    assert asking.client_certificate_requested and not plain.client_certificate_requested


def test_openssl_tls10_only_with_weak_suites(ecdsa_cert: CertFiles, openssl: str) -> None:
    with openssl_s_server(ecdsa_cert, ["-tls1", "-cipher", "ALL:@SECLEVEL=0"]) as port:
        result = asyncio.run(probe_tls("127.0.0.1", port, server_name="localhost"))
    accepted = result.accepted()
    assert [v.version for v in accepted] == ["TLSv10"]
    assert accepted[0].suite is not None and accepted[0].suite.startswith("TLS_ECDHE_ECDSA_WITH_AES")
    assert accepted[0].group == "x25519"
    assert "TLS_DH_anon_WITH_AES_128_CBC_SHA" in result.weak_suites["TLSv10"]  # SECLEVEL=0 lets anon DH in
    assert result.chain[0].key_type == "ec" and result.chain[0].curve == "secp256r1"


def test_openssl_tls13_only(rsa_cert: CertFiles, openssl: str) -> None:
    with openssl_s_server(rsa_cert, ["-tls1_3", "-ciphersuites", "TLS_CHACHA20_POLY1305_SHA256"]) as port:
        result = asyncio.run(probe_tls("127.0.0.1", port))
    assert [(v.version, v.suite) for v in result.accepted()] == [("TLSv13", "TLS_CHACHA20_POLY1305_SHA256")]
    # TLS 1.3 certificates are encrypted: read with the probe's own x25519 share and ChaCha20-Poly1305
    assert [c.sha256 for c in result.chain] == [__import__("hashlib").sha256(rsa_cert.der).hexdigest()]


def test_weak_expired_mismatched_certificate(cert_dir: Path, openssl: str) -> None:
    weak = make_cert(cert_dir, "weak", bits=1024, hash_name="sha1", host="other.example")
    expired = make_cert(cert_dir, "expired", host="localhost", days=-1, not_before_days=-10)
    with python_tls_server(weak, ciphers="ALL:@SECLEVEL=0") as port:
        result = asyncio.run(probe_tls("127.0.0.1", port, server_name="localhost"))
    leaf = result.chain[0]
    assert (leaf.key_bits, leaf.signature_algorithm) == (1024, "sha1WithRSAEncryption")
    assert result.hostname_ok is False
    with python_tls_server(expired) as port:
        result = asyncio.run(probe_tls("127.0.0.1", port, server_name="localhost"))
    assert result.hostname_ok is True and result.chain_valid_now is False


@pytest.mark.parametrize("host,names,ok", [
    ("www.gov.cn", ["*.gov.cn"], True),     # one wildcard label
    ("a.b.gov.cn", ["*.gov.cn"], False),    # a wildcard covers one label only
    ("gov.cn", ["*.gov.cn"], False),
    ("WWW.Gov.CN.", ["www.gov.cn"], True),  # case and trailing dot
])
def test_hostname_matching(host: str, names: list[str], ok: bool) -> None:
    assert hostname_matches(host, names) is ok


@pytest.mark.parametrize("mode,tlcp,sm", [("tlcp", True, False), ("tls13sm", False, True), ("dual", True, True)])
def test_tlcp_and_tls13_sm_recognised(sm_config: SmServerConfig, mode: str, tlcp: bool, sm: bool) -> None:
    with sm_server(dataclasses.replace(sm_config, mode=mode)) as port:
        t = asyncio.run(probe_tlcp("127.0.0.1", port))
        s = asyncio.run(probe_tls13_sm("127.0.0.1", port))
        plain = asyncio.run(probe_tls("127.0.0.1", port, timeout=1))
    assert t.supported is tlcp and s.supported is sm
    if tlcp:
        assert t.suite == "TLCP_ECC_SM4_GCM_SM3"  # the server's preference, not the probe's order
        assert t.signing_certificate is not None and t.encryption_certificate is not None
        assert t.signing_certificate.signature_algorithm == "SM2-with-SM3"
        assert t.signing_certificate.key_usage == ("digital_signature",)
        assert t.encryption_certificate.key_usage == ("key_encipherment",)
    if sm:
        assert (s.suite, s.key_share_group, s.answer) == ("TLS_SM4_GCM_SM3", "curveSM2", "server_hello")
        # the encrypted flight, decrypted with the probe's SM2 share: certificate, Finished, CertificateVerify
        assert [c.signature_algorithm for c in s.chain] == ["SM2-with-SM3"] and s.chain[0].key_type == "sm2"
        assert s.finished_ok is True and s.signature_verified is True and s.signature_scheme == "sm2sig_sm3"
    if mode == "tlcp":
        # a TLS hello to a TLCP-only server: protocol_version in a 0x0101 record
        assert plain.tlcp_hint and not plain.accepted() and s.answer == "protocol_version"
    else:
        assert not plain.speaks_tls and {v.refusal for v in plain.versions} == {"closed"}
    if mode == "tls13sm":
        assert t.answer == "closed" and t.with_extensions  # retried with the accepted extensions


def test_tls_and_tlcp_on_one_port(sm_config: SmServerConfig, rsa_cert: CertFiles) -> None:
    """A gateway that switches on the hello's version speaks both; the channel is judged on TLCP."""
    from govsoc.crypto_eval.checks.channel_view import view_of
    from govsoc.crypto_eval.probes.runner import probe_endpoint

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(rsa_cert.cert, rsa_cert.key)
    with sm_server(dataclasses.replace(sm_config, mode="tls+tlcp", tls=context)) as port:
        report = asyncio.run(probe_endpoint(Target(host="127.0.0.1", port=port, protocol="https"),
                                            question_timeout=2))
    assert report.tls is not None and {v.version for v in report.tls.accepted()} == {"TLSv13", "TLSv12"}
    assert report.tlcp is not None and report.tlcp.supported
    assert report.tls13_sm is not None and not report.tls13_sm.supported
    view = view_of(report)
    assert view.protocol == "TLCP" and "TLS TLSv13" in view.observed
    assert all(a.klass != "strong" for a in view.algorithms)  # the sound international TLS adds no A gap


def test_tlcp_server_without_common_suite(sm_config: SmServerConfig) -> None:
    from govsoc.crypto_eval.probes import tlcp as tlcp_probe

    with sm_server(dataclasses.replace(sm_config, mode="tlcp")) as port:
        original = tlcp_probe.TLCP_SUITES
        tlcp_probe.TLCP_SUITES = (0xE019,)  # RSA only: this server refuses it
        try:
            result = asyncio.run(probe_tlcp("127.0.0.1", port))
        finally:
            tlcp_probe.TLCP_SUITES = original
    assert not result.supported and result.answer == "insufficient_security (TLCP record)"


@pytest.mark.usefixtures("sshd_binary")
def test_ssh_weak_and_strong(tmp_path: Path) -> None:
    weak_options = ["KexAlgorithms diffie-hellman-group1-sha1,curve25519-sha256", "Ciphers aes128-cbc,aes256-ctr",
                    "MACs hmac-md5,hmac-sha2-256", "HostKeyAlgorithms ssh-ed25519"]
    with running_sshd(tmp_path, weak_options) as server:
        weak = asyncio.run(probe_ssh("127.0.0.1", server.port))
    flagged = {(category, a.name) for category, a in weak.weak}
    assert flagged == {("kex", "diffie-hellman-group1-sha1"), ("cipher", "aes128-cbc"), ("mac", "hmac-md5")}
    assert weak.banner is not None and weak.banner.startswith("SSH-2.0-OpenSSH_9") and not weak.ssh1
    strong_options = ["KexAlgorithms curve25519-sha256", "Ciphers aes256-gcm@openssh.com",
                      "MACs hmac-sha2-256-etm@openssh.com"]
    with running_sshd(tmp_path, strong_options) as server:
        strong = asyncio.run(probe_ssh("127.0.0.1", server.port))
        assert strong.algorithms()["kex"] == tuple(server.effective["kexalgorithms"].split(","))
    assert strong.weak == ()


@pytest.mark.usefixtures("vsftpd_binary")
def test_cleartext_services(tmp_path: Path) -> None:
    with vsftpd(tmp_path) as port:
        ftp = asyncio.run(probe_cleartext("127.0.0.1", port))
    assert (ftp.service, ftp.login) == ("ftp", True) and ftp.evidence.startswith("220 (vsFTPd")
    with telnet_listener() as port:
        telnet = asyncio.run(probe_cleartext("127.0.0.1", port))
    assert (telnet.service, telnet.login) == ("telnet", True)
    with http_server() as port:  # silent until asked: a short wait for a greeting is enough on loopback
        page = asyncio.run(probe_cleartext("127.0.0.1", port, timeout=0.3))
    assert (page.service, page.login) == ("http-login", True)
    with http_server(redirect_to_https=True) as port:
        redirect = asyncio.run(probe_cleartext("127.0.0.1", port, timeout=0.3))
    assert (redirect.service, redirect.login) == ("http", False) and "https://" in redirect.evidence


@pytest.mark.usefixtures("sshd_binary")
def test_runner_sniffs_and_times_out(tmp_path: Path, rsa_cert: CertFiles, sm_config: SmServerConfig) -> None:
    done: list[str] = []
    with (running_sshd(tmp_path) as sshd, python_tls_server(rsa_cert) as tls_port, telnet_listener() as telnet,
          sm_server(sm_config) as sm_port, silent_listener() as silent):
        targets = [Target(host="127.0.0.1", port=sshd.port), Target(host="127.0.0.1", port=tls_port),
                   Target(host="127.0.0.1", port=telnet), Target(host="127.0.0.1", port=sm_port, protocol="tlcp"),
                   Target(host="127.0.0.1", port=silent), Target(host="127.0.0.1", port=1, protocol="https")]
        reports = run_probes(targets, question_timeout=0.5, endpoint_timeout=1.2,
                             on_done=lambda r: done.append(r.target.endpoint))
    assert sorted(done) == sorted(t.endpoint for t in targets)
    ssh_r, tls_r, telnet_r, sm_r, silent_r, closed_r = reports
    assert ssh_r.ssh is not None and ssh_r.ssh.speaks_ssh
    assert tls_r.tls is not None and tls_r.tls.accepted()
    assert telnet_r.cleartext is not None and telnet_r.cleartext.service == "telnet"
    assert sm_r.tlcp is not None and sm_r.tlcp.supported and sm_r.tls13_sm is not None and sm_r.tls13_sm.supported
    assert silent_r.timed_out
    assert not closed_r.reachable


def test_ssl_module_agrees_on_the_tls13_suite(rsa_cert: CertFiles, test_root: TestCA) -> None:
    """Cross-check with a real client: Python's ssl connects and reports the same TLS 1.3 suite."""
    import socket

    with python_tls_server(rsa_cert, minimum=ssl.TLSVersion.TLSv1_3) as port:
        result = asyncio.run(probe_tls("127.0.0.1", port))
        ctx = ssl.create_default_context(cafile=str(test_root.cert))  # the server's certificate's issuer
        with socket.create_connection(("127.0.0.1", port)) as raw:
            with ctx.wrap_socket(raw, server_hostname="localhost") as conn:
                cipher = conn.cipher()
    assert cipher is not None and result.accepted()[0].suite == cipher[0]


def test_dual_stack_tls_side_authentication_failure_counts(sm_config: SmServerConfig, rsa_cert: CertFiles) -> None:
    # third review (issue 16), finding 5: TLCP for tlcp.test and, on the same port, TLS whose
    # certificate is for localhost. Ordinary clients negotiate the TLS side: its name mismatch
    # (RFC 6125 6) is a defect of the channel, so authentication is ✗, not the TLCP side's ✓.
    from govsoc.crypto_eval.checks.channel_view import view_of
    from govsoc.crypto_eval.probes.runner import probe_endpoint

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(rsa_cert.cert, rsa_cert.key)
    with sm_server(dataclasses.replace(sm_config, mode="tls+tlcp", tls=context)) as port:
        reports = [asyncio.run(probe_endpoint(Target(host="127.0.0.1", port=port, protocol="https", server_name=name),
                                              question_timeout=2)) for name in ("tlcp.test", "localhost")]
    mismatch, matching = (view_of(r) for r in reports)
    assert mismatch.protocol == "TLCP" and mismatch.authentication is not None
    assert mismatch.authentication[0] is False and "同一端口的国际TLS" in mismatch.authentication[1]
    assert "tlcp.test" in mismatch.authentication[1]
    # the control: the TLS side matches localhost, the TLCP side is for tlcp.test: TLCP's own mismatch
    assert matching.authentication is not None and matching.authentication[0] is False
    assert "TLCP证书与域名 localhost 不符" in matching.authentication[1]
