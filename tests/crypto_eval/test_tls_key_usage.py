"""An international TLS server certificate whose keyUsage forbids signing, used where the server's
key signs the handshake (issue 16 fifth review, finding 3): RFC 8446 4.4.2.2 ("the digitalSignature
bit MUST be set if the Key Usage extension is present") for TLS 1.3's CertificateVerify, and RFC
5246 7.4.3 / RFC 4492 for the ServerKeyExchange of the ECDHE_/DHE_ suites. The key then proves the
server with a signature it is not certified to make: ✗ "unsuitable purpose", as the SM2 paths
already judge. RSA key transport (keyEncipherment, TLS 1.2 without ECDHE) signs nothing: the
control row is not ✗ for its usage (it is missing evidence: no signature by the key proves it)."""

from __future__ import annotations

import ssl
from pathlib import Path

import pytest
from cryptography import x509

from govsoc.crypto_eval.evaluate import evaluate_inventory
from tests.crypto_eval.test_review_declared import KM, PRODUCT, _item, _systems
from tests.servers.ca import TestCA, issue
from tests.servers.tls import python_tls_server

KEY_AGREEMENT = x509.KeyUsage(False, False, False, False, True, False, False, False, False)
KEY_ENCIPHERMENT = x509.KeyUsage(False, False, True, False, False, False, False, False, False)


@pytest.mark.parametrize(("kind", "usage", "maximum", "ciphers", "d"), [
    ("ec", KEY_AGREEMENT, ssl.TLSVersion.TLSv1_3, None, False),        # TLS 1.3: CertificateVerify
    ("rsa", KEY_ENCIPHERMENT, ssl.TLSVersion.TLSv1_3, None, False),    # TLS 1.3 with an RSA key for transport only
    ("rsa", KEY_ENCIPHERMENT, ssl.TLSVersion.TLSv1_2, "ECDHE-RSA-AES128-GCM-SHA256", False),  # signed ECDHE
    ("rsa", KEY_ENCIPHERMENT, ssl.TLSVersion.TLSv1_2, "AES128-GCM-SHA256", True),  # RSA key transport: no signature
])
def test_leaf_key_usage_must_allow_the_signature_it_makes(tmp_path: Path, test_root: TestCA, kind: str,
                                                          usage: x509.KeyUsage, maximum: ssl.TLSVersion,
                                                          ciphers: str | None, d: bool) -> None:
    leaf = issue(tmp_path, f"ku-{kind}", test_root, kind=kind, key_usage=usage)
    with python_tls_server(leaf, maximum=maximum, ciphers=ciphers) as port:
        (e,) = evaluate_inventory(_systems({"name": "ku", "level": 3, "endpoints": [
            {"host": "127.0.0.1", "port": port, "protocol": "https", "kind": "web", "server_name": "localhost"}],
            "crypto": {"products": [PRODUCT], "key_management": KM, "trust_anchors": [str(test_root.cert)]}}),
            question_timeout=2.0)
    (obj,) = _item(e, "gbt39786.l3.8.2.a").objects
    assert (obj.d is False) is (not d), e.findings
    assert any("证书用途不符" in f.why for f in e.findings) is (not d)
    if not d:
        (finding,) = [f for f in e.high_risk if f.item == "gbt39786.l3.8.2.a"]
        assert "证书用途不符" in finding.why and "digitalSignature" in finding.why
