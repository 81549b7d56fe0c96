"""Personal data in the certificate names a 密评 section quotes (review r16f, MEDIUM): a server that
presents a person's certificate (CN 张三, his e-mail and ID number in the subject) is evaluated for
real over loopback; the saved evaluation keeps the names whole, the report section masks them
unless an unmasked report is asked for, with classification's masked forms."""

from __future__ import annotations

from pathlib import Path

from cryptography import x509
from cryptography.x509.oid import NameOID

from govsoc.core.inventory import InventoryModel
from govsoc.crypto_eval.evaluate import evaluate_inventory
from govsoc.crypto_eval.report import load_results, save_results
from govsoc.reports.mipin import mipin_section
from tests.servers.ca import make_ca
from tests.servers.certs import CertFiles, subject_cert
from tests.servers.tls import openssl_s_server

NAME, EMAIL, ID = "张三", "zhangsan@example.gov.cn", "110101199003071233"


def _personal_cert(folder: Path) -> CertFiles:
    """A self-signed certificate whose subject is a person: name, e-mail, ID number (GB/T 20518 style)."""
    return subject_cert(folder, "person", [x509.NameAttribute(NameOID.COMMON_NAME, NAME),
                                           x509.NameAttribute(NameOID.EMAIL_ADDRESS, EMAIL),
                                           x509.NameAttribute(NameOID.SERIAL_NUMBER, ID)])


def test_certificate_names_in_a_mipin_section_are_masked_unless_asked(tmp_path: Path) -> None:
    anchor_files = [str(make_ca(tmp_path, "F16 declared root").cert)]  # the person's certificate is not under it
    with openssl_s_server(_personal_cert(tmp_path), ["-tls1_3"]) as port:
        systems = InventoryModel.model_validate({"systems": [{"name": "个人证书门户", "level": 3, "endpoints": [
            {"host": "127.0.0.1", "port": port, "protocol": "https", "kind": "web", "server_name": "localhost"}],
            "crypto": {"trust_anchors": anchor_files}}]}).systems
        evaluations = evaluate_inventory(systems, question_timeout=2.0)
    save_results(evaluations, tmp_path / "results")
    (saved,) = load_results(tmp_path / "results")
    assert NAME in str(saved) and EMAIL in str(saved) and ID in str(saved)  # the evidence names the person
    for lang in ("zh", "en"):
        masked, unmasked = repr(mipin_section(saved, lang)), repr(mipin_section(saved, lang, masked=False))
        assert NAME in unmasked and EMAIL in unmasked and ID in unmasked
        assert NAME not in masked and EMAIL not in masked and ID not in masked, lang
        # classification's masked forms: name, e-mail, ID number
        assert "CN=张**" in masked and "z***@example.gov.cn" in masked and "110101********1233" in masked
