"""Identity authentication (GB/T 39786 8.2 a) is ✓ only when a signature by the certificate's key
was verified: a certificate is public, so an impostor can send the real one (issue 16, second
review, finding 1: "None => ✓"). A signature that fails, is missing where the protocol requires
it, uses a scheme the client never offered or TLS 1.3 forbids, or cannot fit the key is ✗; what
cannot be checked is missing evidence, never ✓. Real loopback servers: the impostors of
tests/servers/tls13_impostor.py, the TLCP / TLS 1.3-SM test server, `openssl s_server`."""

from __future__ import annotations

import asyncio
import dataclasses
from pathlib import Path

import pytest

from govsoc.crypto_eval.chain import TrustStore
from govsoc.crypto_eval.checks.channel_view import NO_PROOF, view_of
from govsoc.crypto_eval.probes.runner import Target, probe_endpoint
from govsoc.crypto_eval.probes.tls import build_hello
from tests.servers.certs import CertFiles, make_sm2_cert, sm2_private_scalar
from tests.servers.replay import record_flight, replaying
from tests.servers.tlcp_server import SmServerConfig, sm_server
from tests.servers.tls import openssl_s_server
from tests.servers.tls13_impostor import tls13_impostor


def _probe(port: int, server_name: str | None = None):  # type: ignore[no-untyped-def]
    return asyncio.run(probe_endpoint(Target(host="127.0.0.1", port=port, protocol="https",
                                             server_name=server_name), question_timeout=3))


@pytest.mark.parametrize("mode,why", [
    ("forged", "验证失败"),                # the right scheme, random bytes
    ("pkcs1", "禁止TLS 1.3 CertificateVerify使用PKCS#1"),  # 0x0401: RFC 8446 4.4.3 forbids PKCS#1 v1.5 here
    ("unknown", "未知签名方案"),            # 0xFFFF: never offered, a client aborts
    ("mismatch", "不匹配"),                 # ECDSA scheme under an RSA certificate
    ("none", "而无CertificateVerify"),      # the certificate, then Finished, no proof at all
])
def test_tls13_impostor_is_not_authenticated(rsa_cert: CertFiles, mode: str, why: str) -> None:
    with tls13_impostor(mode, rsa_cert) as port:
        report = _probe(port, "localhost")
    assert report.tls is not None and report.tls.chain and report.tls.tls13_finished_ok is True
    assert report.tls.signature_verified is False and why in (report.tls.signature_note or "")
    auth = view_of(report).authentication
    assert auth is not None and auth[0] is False and "未证明持有证书私钥" in auth[1]


def test_tls13_genuine_control_is_authenticated(rsa_cert: CertFiles, trust: TrustStore) -> None:
    # the same server holding the key: the impostor tests fail for the signature, not the server
    with tls13_impostor("genuine", rsa_cert) as port:
        report = _probe(port, "localhost")
    assert report.tls is not None and report.tls.signature_verified is True
    auth = view_of(report, trust=trust).authentication
    assert auth is not None and auth[0] is True


@pytest.mark.parametrize("which,args,version", [
    ("rsa", ["-tls1_2"], "TLSv12"),                                           # ECDHE, RSA-PSS or PKCS#1
    ("ecdsa", ["-tls1_2"], "TLSv12"),                                         # ECDHE, ECDSA
    ("rsa", ["-tls1_2", "-cipher", "DHE-RSA-AES128-GCM-SHA256"], "TLSv12"),   # finite-field DHE params
    ("rsa", ["-tls1", "-cipher", "ALL:@SECLEVEL=0"], "TLSv10"),               # MD5 ‖ SHA-1, no DigestInfo
    ("ecdsa", ["-tls1", "-cipher", "ALL:@SECLEVEL=0"], "TLSv10"),             # ECDSA over SHA-1
])
def test_tls12_key_exchange_signature_verified(rsa_cert: CertFiles, ecdsa_cert: CertFiles, openssl: str,
                                               which: str, args: list[str], version: str, trust: TrustStore) -> None:
    # TLS <= 1.2 only: the (EC)DHE ServerKeyExchange signature under the leaf's key is the proof
    cert = rsa_cert if which == "rsa" else ecdsa_cert
    with openssl_s_server(cert, args) as port:
        report = _probe(port)
    assert report.tls is not None and [v.version for v in report.tls.accepted()] == [version]
    assert report.tls.signature_verified is True, report.tls.signature_note
    auth = view_of(report, trust=trust).authentication
    assert auth is not None and auth[0] is True


def test_a_replayed_tls12_flight_is_an_impostor(rsa_cert: CertFiles, openssl: str) -> None:
    # a real server's TLS 1.2 flight replayed: its certificate is genuine, its ServerKeyExchange was
    # signed over another client's random, as an impostor without the key must replay it
    with openssl_s_server(rsa_cert, ["-tls1_2"]) as real:
        flight = record_flight(real, build_hello(0x0303, None))
    with replaying(flight) as port:
        report = _probe(port)
    assert report.tls is not None and report.tls.chain and report.tls.signature_verified is False
    auth = view_of(report).authentication
    assert auth is not None and auth[0] is False and "ServerKeyExchange" in auth[1]


def test_tls12_rsa_key_transport_is_proved_by_a_finished_handshake(rsa_cert: CertFiles, openssl: str) -> None:
    # TLS_RSA_WITH_*: nothing is signed; only a finished handshake proves the key, and the probe
    # finishes one (review R16 finding 4): the key is proved, no "no proof" note is left
    with openssl_s_server(rsa_cert, ["-tls1_2", "-cipher", "AES128-GCM-SHA256"]) as port:
        report = _probe(port)
    assert report.tls is not None and report.tls.accepted() and report.tls.signature_verified is True
    assert "Finished" in (report.tls.signature_note or "")
    assert not any(NO_PROOF in n for n in view_of(report).notes)


@pytest.fixture(scope="module")
def impostor_key(cert_dir: Path, openssl: str) -> int:
    return sm2_private_scalar(make_sm2_cert(cert_dir, "sm2-impostor", cn="x").key)


@pytest.mark.parametrize("suite", [0xE051, 0xE011])
def test_tlcp_ecdhe_signature(sm_config: SmServerConfig, impostor_key: int, suite: int, trust: TrustStore) -> None:
    # GB/T 38636 6.4.5.4 ECDHE: randoms ‖ ServerECDHParams; genuine verifies, another key is ✗
    genuine = dataclasses.replace(sm_config, mode="tlcp", suites=(suite,))
    with sm_server(genuine) as port:
        good = _probe(port)
    with sm_server(dataclasses.replace(genuine, sign_key=impostor_key)) as port:
        bad = _probe(port)
    assert good.tlcp is not None and good.tlcp.signature_verified is True
    assert bad.tlcp is not None and bad.tlcp.signature_verified is False
    ok = view_of(good, trust=trust).authentication
    assert ok is not None and ok[0] is True and ok[1].startswith("服务端以数字证书鉴别身份（已验证服务端证书私钥签名；")
    assert "证书链验证到声明的信任根 CN=govsoc-SM2-test-root" in ok[1]
    auth = view_of(bad, trust=trust).authentication
    assert auth is not None and auth[0] is False


def test_tlcp_rsa_suite_with_sm2_certificates(sm_config: SmServerConfig, impostor_key: int) -> None:
    # 0xE059 ECC_SM4_GCM... no: RSA_SM4_GCM_SM3 with SM2 certificates cannot be signed under them
    with sm_server(dataclasses.replace(sm_config, mode="tlcp", suites=(0xE059,), sign_key=impostor_key)) as port:
        report = _probe(port)
    assert report.tlcp is not None and report.tlcp.supported and report.tlcp.signature_verified is False
    auth = view_of(report).authentication
    assert auth is not None and auth[0] is False


def test_tlcp_rsa_signing_certificate(sm_config: SmServerConfig, rsa_cert: CertFiles, impostor_key: int) -> None:
    # an ECC suite with an RSA signing certificate: the SM2 signature cannot be the certificate's
    config = dataclasses.replace(sm_config, mode="tlcp", sign_cert=rsa_cert.der, sign_key=impostor_key)
    with sm_server(config) as port:
        report = _probe(port)
    assert report.tlcp is not None and report.tlcp.supported and report.tlcp.signature_verified is False
    auth = view_of(report).authentication
    assert auth is not None and auth[0] is False


@pytest.mark.parametrize("change", [
    {"certificate_verify_scheme": 0x0804},  # relabelled as rsa_pss_rsae_sha256 (the reviewer's sm13_imp.py)
    {"certificate_verify": False},          # no CertificateVerify before Finished
])
def test_tls13_sm_impostor(sm_config: SmServerConfig, impostor_key: int, change: dict[str, object]) -> None:
    config = dataclasses.replace(sm_config, mode="tls13sm", sign_key=impostor_key, **change)  # type: ignore[arg-type]
    with sm_server(config) as port:
        report = _probe(port)
    assert report.tls13_sm is not None and report.tls13_sm.supported
    assert report.tls13_sm.signature_verified is False
    auth = view_of(report).authentication
    assert auth is not None and auth[0] is False
