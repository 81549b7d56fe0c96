"""A TLS 1.2 DHE key agreement is as strong as its finite-field group (R16d F3): a 1024-bit prime
is 80 bits (NIST SP 800-57 Part 1 Table 2, as RSA-1024; reference §2.2: Ra 0.5) and, as RSA under
2048 bits, high risk (reference §3). The probe reads dh_p from the ServerKeyExchange (RFC 5246
7.4.3); the control is the same server with a 2048-bit group (112 bits: not weak)."""

from __future__ import annotations

import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

from govsoc.crypto_eval.algorithms import classify_dh_group
from govsoc.crypto_eval.evaluate import evaluate_inventory
from tests.crypto_eval.test_review_declared import KM, PRODUCT, _item, _systems
from tests.servers.ca import TestCA, issue
from tests.servers.tls import openssl_binary, openssl_s_server


@pytest.mark.parametrize(("prime_bits", "make", "ra", "high"), [
    (1024, ["dhparam", "1024"], Decimal("0.5"), True),   # Logjam-class group: 80 bits, high risk
    (1536, ["genpkey", "-genparam", "-algorithm", "DH", "-pkeyopt", "group:modp_1536"],  # RFC 3526 group 5
     Decimal("0.5"), True),
    (2048, ["genpkey", "-genparam", "-algorithm", "DH", "-pkeyopt", "group:ffdhe2048"],  # control: RFC 7919
     Decimal(1), False),                                                                # 112 bits, non-SM only
])
def test_the_dhe_group_size_is_a_key_size(tmp_path: Path, test_root: TestCA, prime_bits: int, make: list[str],
                                          ra: Decimal, high: bool) -> None:
    openssl = openssl_binary()
    assert openssl is not None
    params = tmp_path / "dh.pem"  # PKCS#3 "DH PARAMETERS", the form s_server's -dhparam reads
    subprocess.run([openssl, make[0], "-out", str(params), *make[1:]], check=True, capture_output=True)
    leaf = issue(tmp_path, "dhe", test_root, kind="rsa")
    args = ["-dhparam", str(params), "-cipher", "DHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0", "-no_tls1_3"]
    with openssl_s_server(leaf, args) as port:
        (e,) = evaluate_inventory(_systems({"name": "dhe", "level": 3, "endpoints": [
            {"host": "127.0.0.1", "port": port, "protocol": "https", "kind": "web", "server_name": "localhost"}],
            "crypto": {"products": [PRODUCT], "key_management": KM, "trust_anchors": [str(test_root.cert)]}}),
            question_timeout=2.0)
    (obj,) = _item(e, "gbt39786.l3.8.2.a").objects
    assert (obj.a, obj.ra) == (False, ra)
    named = [f for f in e.high_risk if f.item == "gbt39786.l3.8.2.a" and f"DHE-{prime_bits}" in f.why]
    assert bool(named) is high, e.high_risk


@pytest.mark.parametrize(("prime_bits", "bits", "weak"), [
    (1023, 40, True),    # under 1024: below the SP 800-57 80-bit row
    (1024, 80, True),
    (2047, 80, True),
    (2048, 112, False),
    (3072, 128, False),
])
def test_dh_group_strength_follows_sp800_57(prime_bits: int, bits: int, weak: bool) -> None:
    a = classify_dh_group(prime_bits)
    assert (a.bits, a.klass == "weak", a.high_risk) == (bits, weak, weak)
