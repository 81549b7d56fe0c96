"""`govsoc crypto-eval -o DIR` writes each system's evaluation and its Chinese report section (R16d
F6). The section reads as a report, so the personal data its evidence quotes (a person's
certificate: name, resident ID number, mobile number, e-mail in the subject) is masked as reports
show it, unless --unmasked; the evaluation beside it stays the raw evidence."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import yaml
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from govsoc.cli import main
from govsoc.crypto_eval.report import result_file_name
from tests.servers.ca import LOOPBACK, TestCA
from tests.servers.certs import CertFiles
from tests.servers.tls import python_tls_server

ID_NUMBER, PHONE, EMAIL = "110101199003074518", "13812345678", "zhangwei@example.cn"


def _personal_certificate(folder: Path, root: TestCA) -> CertFiles:
    """A leaf for localhost whose subject names a person, as personal certificates do."""
    key = ec.generate_private_key(ec.SECP256R1())
    root_key = serialization.load_pem_private_key(root.key.read_bytes(), None)
    assert isinstance(root_key, ec.EllipticCurvePrivateKey)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost"),
                         x509.NameAttribute(NameOID.SERIAL_NUMBER, ID_NUMBER),
                         x509.NameAttribute(NameOID.EMAIL_ADDRESS, EMAIL),
                         x509.NameAttribute(NameOID.GIVEN_NAME, "张伟"),
                         x509.NameAttribute(NameOID.TITLE, f"手机{PHONE}")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(subject)
            .issuer_name(x509.load_der_x509_certificate(root.der).subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=30))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"), x509.IPAddress(LOOPBACK)]),
                           critical=False)
            .sign(root_key, hashes.SHA256()))
    cert_path, key_path = folder / "personal.crt", folder / "personal.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return CertFiles(cert=cert_path, key=key_path, der=cert.public_bytes(serialization.Encoding.DER))


@pytest.mark.parametrize("unmasked", [False, True])
def test_the_output_section_masks_personal_data(tmp_path: Path, govsoc_home: Path, test_root: TestCA,
                                                unmasked: bool) -> None:
    leaf = _personal_certificate(tmp_path, test_root)
    out = tmp_path / "out"
    with python_tls_server(leaf) as port:
        inventory = tmp_path / "inventory.yaml"
        inventory.write_text(yaml.safe_dump({"systems": [{"name": "标记门户", "level": 3, "endpoints": [
            {"host": "127.0.0.1", "port": port, "protocol": "https", "server_name": "localhost"}],
            "crypto": {"trust_anchors": [str(test_root.cert)]}}]}, allow_unicode=True), encoding="utf-8")
        main(["crypto-eval", "--inventory", str(inventory), "--no-passive", "--no-self-test", "--timeout", "2",
              "-o", str(out), *(["--unmasked"] if unmasked else [])])
    doc = json.loads((out / result_file_name("标记门户")).read_text(encoding="utf-8"))
    section = json.dumps(doc["section"], ensure_ascii=False)
    evaluation = json.dumps(doc["evaluation"], ensure_ascii=False)
    for value in (ID_NUMBER, PHONE, EMAIL):
        assert value in evaluation  # the raw evidence quotes the subject: the section would too
        assert (value in section) is unmasked, value
