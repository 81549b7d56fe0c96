"""A TLS server limited to RSA key transport (TLS_RSA_WITH_*: no ServerKeyExchange, nothing
signed) proves it holds its certificate's key only by finishing the handshake (RFC 5246 7.4.9):
the probe finishes it, so 8.2 a) D is decided instead of missing evidence on every run (review
R16 finding 4). Real servers: Python's ssl module and `openssl s_server` on loopback."""

from __future__ import annotations

import asyncio
import ssl
from pathlib import Path

import pytest

from govsoc.crypto_eval.evaluate import evaluate_inventory
from govsoc.crypto_eval.probes.tls import probe_tls
from tests.crypto_eval.test_review_declared import KM, PRODUCT, _item, _systems
from tests.servers.ca import TestCA
from tests.servers.certs import CertFiles
from tests.servers.tls import openssl_s_server, python_tls_server


def test_rsa_key_transport_server_proves_its_key_by_finishing_the_handshake(rsa_cert: CertFiles,
                                                                          test_root: TestCA) -> None:
    with python_tls_server(rsa_cert, maximum=ssl.TLSVersion.TLSv1_2, ciphers="AES128-GCM-SHA256") as port:
        result = asyncio.run(probe_tls("127.0.0.1", port, server_name="localhost", timeout=2.0))
        (e,) = evaluate_inventory(_systems({"name": "rsa-kt", "level": 3, "endpoints": [
            {"host": "127.0.0.1", "port": port, "protocol": "https", "kind": "web", "server_name": "localhost"}],
            "crypto": {"products": [PRODUCT], "key_management": KM, "trust_anchors": [str(test_root.cert)]}}),
            question_timeout=2.0)
    assert [v.suite for v in result.versions if v.accepted] == ["TLS_RSA_WITH_AES_128_GCM_SHA256"]
    assert result.signature_verified is True, result.signature_note
    assert "Finished" in (result.signature_note or "")
    (obj,) = _item(e, "gbt39786.l3.8.2.a").objects
    assert obj.d is True, e.findings
    assert not any("探测不完成握手" in f.why for f in e.findings)


@pytest.mark.parametrize("args", [
    ["-tls1", "-cipher", "AES128-SHA:@SECLEVEL=0"],           # TLS 1.0, RSA key transport, CBC
    ["-no_tls1_3", "-cipher", "AES256-SHA256"],                 # TLS 1.2, RSA key transport, CBC-SHA256
])
def test_rsa_key_transport_proved_on_openssl_servers(rsa_cert: CertFiles, args: list[str], tmp_path: Path) -> None:
    with openssl_s_server(rsa_cert, args) as port:
        result = asyncio.run(probe_tls("127.0.0.1", port, server_name="localhost", timeout=2.0))
    assert any(v.accepted for v in result.versions), result
    assert result.signature_verified is True, result.signature_note
