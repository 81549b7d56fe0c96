"""A TLS server with two certificates shows each client the one its hello allows (R16d F1): an
ECDSA one to clients that offer ECDSA suites / signature schemes, an RSA one to the rest (nginx
with two ssl_certificate, `openssl s_server -cert/-dcert`). An RSA-1024 key that authenticates the
channel for every RSA client is high risk (reference §3: RSA < 2048 protecting important data) and
80 bits (§2.2: Ra 0.5), however strong the certificate a browser-like hello is shown. The probe
asks again with hellos restricted to the other key types and the evaluation judges every
certificate served; the control is the same server with the ECDSA certificate alone."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from pathlib import Path

import pytest

from govsoc.crypto_eval.evaluate import evaluate_inventory
from govsoc.crypto_eval.probes.tls import probe_tls
from tests.crypto_eval.test_review_declared import KM, PRODUCT, _item, _systems
from tests.servers.ca import TestCA, issue
from tests.servers.tls import openssl_s_server

_CIPHERS = ["-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0"]


@pytest.mark.parametrize(("versions", "second"), [
    (["-min_protocol", "TLSv1.2"], True),                         # TLS 1.3 and 1.2: the RSA one asked at 1.2
    (["-tls1_3"], True),                                          # TLS 1.3 only: asked with RSA-PSS schemes only
    (["-min_protocol", "TLSv1.2"], False),                        # control: the ECDSA certificate alone
])
def test_a_weak_second_certificate_is_judged(tmp_path: Path, test_root: TestCA, versions: list[str],
                                             second: bool) -> None:
    ecdsa = issue(tmp_path, "dual-ec", test_root, kind="ec")
    weak = issue(tmp_path, "dual-rsa1024", test_root, kind="rsa", bits=1024)
    args = [*versions, *_CIPHERS] + (["-dcert", str(weak.cert), "-dkey", str(weak.key)] if second else [])
    with openssl_s_server(ecdsa, args) as port:
        probed = asyncio.run(probe_tls("127.0.0.1", port, server_name="localhost", timeout=2.0))
        (e,) = evaluate_inventory(_systems({"name": "dual", "level": 3, "endpoints": [
            {"host": "127.0.0.1", "port": port, "protocol": "https", "kind": "web", "server_name": "localhost"}],
            "crypto": {"products": [PRODUCT], "key_management": KM, "trust_anchors": [str(test_root.cert)]}}),
            question_timeout=2.0)
    assert probed.chain[0].key_type == "ec"  # the browser-like hello is shown the ECDSA certificate
    (obj,) = _item(e, "gbt39786.l3.8.2.a").objects
    assert (obj.a, obj.ra) == ((False, Decimal("0.5")) if second else (obj.a, Decimal(1)))
    high = [f for f in e.high_risk if f.item == "gbt39786.l3.8.2.a"]
    assert any("RSA-1024" in f.why for f in high) is second, high
    assert [(o.chain[0].key_type, o.chain[0].key_bits) for o in probed.other_certificates] == (
        [("rsa", 1024)] if second else [])
