"""TLS 1.3 servers against `openssl s_server`: one without X25519 answers our hello with a
HelloRetryRequest, which the probe answers with the group asked for; the certificate of a TLS
1.3-only server is read from the decrypted flight (every RFC 8446 suite) and judged like a TLS 1.2
one; where it cannot be read, authentication is "no evidence", never ✓ (issue 16 review 5, 6)."""

from __future__ import annotations

import asyncio
import hashlib
from pathlib import Path

import pytest

from govsoc.crypto_eval.chain import TrustStore
from govsoc.crypto_eval.checks.channel_view import view_of
from govsoc.crypto_eval.probes.runner import Target, probe_endpoint
from govsoc.crypto_eval.probes.tls import probe_tls
from tests.servers.certs import CertFiles, make_cert
from tests.servers.tls import openssl_s_server


@pytest.mark.parametrize("groups,suite,group_name", [
    ("P-256", "TLS_AES_128_GCM_SHA256", "secp256r1"),   # the reviewer's server: no X25519
    ("P-384", "TLS_AES_256_GCM_SHA384", "secp384r1"),   # SHA-384 key schedule, AES-256
    ("P-521", "TLS_AES_128_CCM_SHA256", "secp521r1"),   # AES-CCM records
    ("X448", "TLS_AES_128_CCM_8_SHA256", "x448"),       # 8-byte tags
])
def test_hello_retry_for_another_group(ecdsa_cert: CertFiles, openssl: str, groups: str, suite: str,
                                       group_name: str) -> None:
    with openssl_s_server(ecdsa_cert, ["-tls1_3", "-groups", groups, "-ciphersuites", suite]) as port:
        result = asyncio.run(probe_tls("127.0.0.1", port, server_name="localhost"))
    assert [(v.version, v.suite, v.group) for v in result.accepted()] == [("TLSv13", suite, group_name)]
    assert [c.sha256 for c in result.chain] == [hashlib.sha256(ecdsa_cert.der).hexdigest()]
    assert result.hostname_ok is True and result.chain_valid_now is True


@pytest.mark.parametrize("group,name", [("ffdhe2048", "ffdhe2048"), ("ffdhe3072", "ffdhe3072")])
def test_hello_retry_for_a_finite_field_group(ecdsa_cert: CertFiles, openssl: str, group: str, name: str,
                                              trust: TrustStore) -> None:
    # RFC 7919 groups only (the reviewer's ffdhe-only server got authentication MISSING): the probe
    # answers the HelloRetryRequest with an ffdhe share, reads the certificate and checks its signature
    with openssl_s_server(ecdsa_cert, ["-tls1_3", "-groups", group]) as port:
        report = asyncio.run(probe_endpoint(Target(host="127.0.0.1", port=port, protocol="https")))
    assert report.tls is not None
    assert [(v.version, v.group) for v in report.tls.accepted()] == [("TLSv13", name)]
    assert [c.sha256 for c in report.tls.chain] == [hashlib.sha256(ecdsa_cert.der).hexdigest()]
    assert report.tls.signature_verified is True and report.tls.tls13_finished_ok is True
    view = view_of(report, trust=trust)
    assert view.authentication is not None and view.authentication[0] is True


@pytest.mark.parametrize("group", [256, 257, 258, 259, 260])
def test_ffdhe_primes_are_openssl_s(openssl: str, group: int) -> None:
    # RFC 7919 appendix A's primes, computed from their definition, against OpenSSL's built-in ones
    import subprocess

    from govsoc.crypto_eval.probes.key_shares import ffdhe_prime
    bits = {256: 2048, 257: 3072, 258: 4096, 259: 6144, 260: 8192}[group]
    pem = subprocess.run([openssl, "genpkey", "-genparam", "-algorithm", "DH", "-pkeyopt", f"group:ffdhe{bits}"],
                         capture_output=True, check=True).stdout
    parsed = subprocess.run([openssl, "asn1parse"], input=pem, capture_output=True, check=True).stdout.decode()
    integers = [line.rsplit(":", 1)[1] for line in parsed.splitlines() if "INTEGER" in line]
    assert int(integers[0], 16) == ffdhe_prime(group) and int(integers[1], 16) == 2  # p, g


def test_expired_mismatched_certificate_on_a_tls13_only_server(cert_dir: Path, openssl: str) -> None:
    # the reviewer's: expired, for other.example, TLS 1.3 only, probed as portal.example.gov.cn
    expired = make_cert(cert_dir, "expired13", host="other.example", not_before_days=-30, days=-1)
    with openssl_s_server(expired, ["-tls1_3"]) as port:
        report = asyncio.run(probe_endpoint(Target(host="127.0.0.1", port=port, protocol="https",
                                                   server_name="portal.example.gov.cn")))
    assert report.tls is not None and report.tls.chain_valid_now is False and report.tls.hostname_ok is False
    view = view_of(report)
    assert view.authentication is not None and view.authentication[0] is False
    assert "有效期" in view.authentication[1]
    assert any(a.name.startswith("RSA") or "rsa" in a.name.lower() for a in view.algorithms)


@pytest.mark.parametrize("which", ["rsa", "ecdsa"])
def test_certificate_verify_and_finished_checked(rsa_cert: CertFiles, ecdsa_cert: CertFiles, openssl: str,
                                                which: str) -> None:
    # RSA-PSS and ECDSA CertificateVerify under the leaf's key, the Finished MAC under our keys
    cert = rsa_cert if which == "rsa" else ecdsa_cert
    with openssl_s_server(cert, ["-tls1_3"]) as port:
        result = asyncio.run(probe_tls("127.0.0.1", port))
    assert result.tls13_signature_verified is True and result.tls13_finished_ok is True


def test_a_certificate_verify_under_another_key_fails(rsa_cert: CertFiles, ecdsa_cert: CertFiles) -> None:
    # a real ECDSA signature checked against the wrong certificate, and with one byte changed
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    from govsoc.crypto_eval.probes.certificate_verify import verify_certificate_verify
    key = serialization.load_pem_private_key(ecdsa_cert.key.read_bytes(), None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    content = b" " * 64 + b"TLS 1.3, server CertificateVerify\x00" + bytes(32)
    signature = key.sign(content, ec.ECDSA(hashes.SHA256()))
    assert verify_certificate_verify(ecdsa_cert.der, 0x0403, signature, content)[0] is True
    assert verify_certificate_verify(ecdsa_cert.der, 0x0403, signature, content[:-1] + b"\x01")[0] is False
    other = make_cert(Path(ecdsa_cert.cert).parent, "ecdsa-other", kind="ec", bits=256)
    assert verify_certificate_verify(other.der, 0x0403, signature, content)[0] is False
    # a scheme that does not fit the key is a failed proof (a client aborts), not "cannot tell"
    assert verify_certificate_verify(rsa_cert.der, 0x0403, signature, content)[0] is False
    assert verify_certificate_verify(ecdsa_cert.der, 0x0503, signature, content)[0] is False  # P-256 key, P-384 scheme


def test_a_failed_certificate_verify_is_not_authentication(ecdsa_cert: CertFiles, openssl: str,
                                                           trust: TrustStore) -> None:
    import dataclasses
    with openssl_s_server(ecdsa_cert, ["-tls1_3"]) as port:
        report = asyncio.run(probe_endpoint(Target(host="127.0.0.1", port=port, protocol="https")))
    auth = view_of(report, trust=trust).authentication
    assert report.tls is not None and auth is not None and auth[0] is True
    forged = dataclasses.replace(report, tls=dataclasses.replace(report.tls, tls13_signature_verified=False,
                                                                 signature_verified=False))
    auth = view_of(forged, trust=trust).authentication
    assert auth is not None and auth[0] is False and "CertificateVerify" in auth[1]
