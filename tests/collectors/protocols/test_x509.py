"""Certificate facts from certificates made by `cryptography` and by the real openssl CLI (SM2)."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govsoc.collectors.protocols.x509 import SM2_SM3_OID, parse_certificate
from govsoc.core.errors import ParseError
from tests.conftest import need
from tests.servers.certs import make_cert, make_sm2_cert


@pytest.mark.parametrize("kind,bits,hash_name,key_type,curve,sig", [
    ("rsa", 2048, "sha256", "rsa", None, "sha256WithRSAEncryption"),   # the usual web certificate
    ("rsa", 1024, "sha1", "rsa", None, "sha1WithRSAEncryption"),       # weak: high risk per the guide
    ("ec", 256, "sha256", "ec", "secp256r1", "ecdsa-with-SHA256"),     # ECDSA P-256
    ("ec", 384, "sha256", "ec", "secp384r1", "ecdsa-with-SHA256"),
])
def test_certificate_facts(tmp_path: Path, kind: str, bits: int, hash_name: str, key_type: str,
                           curve: str | None, sig: str) -> None:
    made = make_cert(tmp_path, "c", kind=kind, bits=bits, hash_name=hash_name, host="www.example.gov.cn")
    info = parse_certificate(made.der)
    assert (info.key_type, info.key_bits, info.curve, info.signature_algorithm) == (key_type, bits, curve, sig)
    assert info.subject == info.issuer == "CN=www.example.gov.cn" and info.self_signed
    assert info.dns_names == ("www.example.gov.cn",)
    assert info.sha256 == hashlib.sha256(made.der).hexdigest()
    assert info.valid_at(dt.datetime.now(dt.UTC)) and not info.valid_at(info.not_after + dt.timedelta(seconds=1))


def test_sm2_certificate_from_openssl(tmp_path: Path) -> None:
    need(shutil.which("openssl") is not None, "openssl is not installed")
    made = make_sm2_cert(tmp_path, "sm2", usage="keyEncipherment")
    info = parse_certificate(made.der)
    # cryptography refuses the SM2 public key; the curve comes from the DER walk
    assert info.signature_algorithm_oid == SM2_SM3_OID == "1.2.156.10197.1.501"
    assert info.signature_algorithm == "SM2-with-SM3"
    assert (info.key_type, info.key_bits, info.curve) == ("sm2", 256, "sm2p256v1")
    assert info.key_usage == ("key_encipherment",)
    # the public point, which cryptography will not give for SM2, equals what openssl prints
    text = subprocess.run(["openssl", "pkey", "-in", str(made.key), "-text", "-noout"], check=True,
                          capture_output=True, text=True).stdout
    printed = "".join(text.split("pub:")[1].split("ASN1 OID")[0].split()).replace(":", "")
    assert info.sm2_public_key is not None and info.sm2_public_key.hex() == printed


def test_not_a_certificate() -> None:
    with pytest.raises(ParseError):
        parse_certificate(b"\x30\x03\x02\x01\x01")


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=200))
def test_arbitrary_bytes_raise_only_parse_error(data: bytes) -> None:
    try:
        parse_certificate(data)
    except ParseError:
        pass


def test_dsa_keys_are_named_without_cryptographys_deprecation_warning() -> None:
    # cryptography 51 deprecates DSA and warns at each use of dsa.DSAPublicKey; the tests turn warnings into
    # errors, and the probes' key naming met the name for every key it named (an RSA key's mismatch raised it).
    import warnings

    from cryptography.hazmat.primitives.asymmetric import dsa, ec, rsa
    from cryptography.utils import CryptographyDeprecationWarning

    from govsoc.collectors.protocols.x509 import is_dsa_key

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CryptographyDeprecationWarning)
        dsa_key = dsa.generate_private_key(1024).public_key()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert is_dsa_key(dsa_key)
        assert not is_dsa_key(rsa.generate_private_key(65537, 2048).public_key())
        assert not is_dsa_key(ec.generate_private_key(ec.SECP256R1()).public_key())
        assert not is_dsa_key(object())
