"""The 密评 section masks the personal data that servers put in their evidence (review r18e
finding 6): a certificate subject naming its holder (CN, O, emailAddress) and banners in GBK and
UTF-8 naming an administrator and a phone number, probed on loopback. The banners are read as
Chinese (UTF-8, then GB18030; not Latin-1 mojibake, which no recognizer can read), then masked
in every format (HTML, Markdown, JSON) unless the report is unmasked."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.x509.oid import NameOID

from govsoc.classification.masking import mask
from govsoc.core.inventory import InventoryModel
from govsoc.crypto_eval.evaluate import evaluate_inventory
from govsoc.crypto_eval.probes.received_text import received_text
from govsoc.crypto_eval.report import load_results, save_results
from govsoc.reports.document import Document
from govsoc.reports.mipin import mipin_section
from govsoc.reports.renderers import HtmlRenderer, JsonRenderer, document_text
from govsoc.reports.renderers_md import MarkdownRenderer
from tests.servers.certs import CertFiles, subject_cert
from tests.servers.cleartext import greeter
from tests.servers.tls import python_tls_server

HOLDER, ADMIN, OTHER, MOBILE, MAIL = "张三", "王五", "李四", "13812345678", "zhangsan@example.com"
#: A device's telnet greeting in GBK and another in UTF-8, each ending in a login prompt.
GBK_BANNER = f"欢迎登录 管理员：{ADMIN} 联系电话{MOBILE}\r\n用户名：".encode("gbk")
UTF8_BANNER = f"运维人员：{OTHER} 电话 0755-88881234\r\nlogin: ".encode()


def _personal_cert(folder: Path) -> CertFiles:
    """A self-signed server certificate whose subject names a person (a personal certificate
    put on a server: CN and O the holder, emailAddress theirs)."""
    return subject_cert(folder, "personal", [x509.NameAttribute(NameOID.COMMON_NAME, HOLDER),
                                             x509.NameAttribute(NameOID.ORGANIZATION_NAME, HOLDER),
                                             x509.NameAttribute(NameOID.EMAIL_ADDRESS, MAIL)])


@pytest.fixture(scope="module")
def evaluation(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    folder = tmp_path_factory.mktemp("mipin_masked")
    with (python_tls_server(_personal_cert(folder)) as tls_port, greeter(GBK_BANNER) as gbk_port,
          greeter(UTF8_BANNER) as utf8_port):
        systems = InventoryModel.model_validate({"systems": [{"name": "政务外网门户", "level": 3, "endpoints": [
            {"host": "127.0.0.1", "port": tls_port, "protocol": "https", "kind": "web", "server_name": "localhost"},
            {"host": "127.0.0.1", "port": gbk_port, "protocol": "telnet", "kind": "admin"},
            {"host": "127.0.0.1", "port": utf8_port, "protocol": "telnet", "kind": "admin"}]}]}).systems
        evaluations = evaluate_inventory(systems, question_timeout=1.0)
    save_results(evaluations, folder / "results")
    [saved] = load_results(folder / "results")
    yield saved


def _rendered(section: Any, masked: bool) -> dict[str, str]:
    document = Document(kind="compliance", title="t", lang="zh", generated="2026-11-30T00:00:00Z", timezone="UTC",
                        masked=masked, sections=(section,))
    return {"html": HtmlRenderer().render(document).decode(), "md": MarkdownRenderer().render(document).decode(),
            "json": JsonRenderer().render(document).decode(), "text": "\n".join(document_text(document))}


def test_evidence_names_the_people_as_the_servers_wrote_them(evaluation: dict[str, Any]) -> None:
    # unmasked, the section quotes the banners and the subject in Chinese: decoded, not mojibake
    text = "\n".join(document_text(Document(kind="compliance", title="t", lang="zh", generated="x", timezone="UTC",
                                            masked=False, sections=(mipin_section(evaluation, masked=False),))))
    for value in (ADMIN, MOBILE, OTHER, "88881234", f"CN={HOLDER}", MAIL, "用户名："):
        assert value in text, value


@pytest.mark.parametrize("compact", [False, True])
def test_masked_section_hides_them_in_every_format(evaluation: dict[str, Any], compact: bool) -> None:
    shown = _rendered(mipin_section(evaluation, compact=compact), masked=True)
    for fmt, out in shown.items():
        for value in (ADMIN, MOBILE, OTHER, "88881234", HOLDER, "zhangsan"):
            assert value not in out, (fmt, value)
    text = shown["text"]
    # masked by their own rules, so the reader still sees that a person and a number were there
    for value in (mask("name", ADMIN), mask("name", OTHER), mask("mobile", MOBILE), mask("landline", "0755-88881234"),
                  f"CN={mask('name', HOLDER)}", f"O={mask('name', HOLDER)}", mask("email", MAIL)):
        assert value in text, value


def test_a_banner_after_the_login_finding_is_no_credential(evaluation: dict[str, Any]) -> None:
    # before: crypto_eval wrote "telnet 明文传输，含登录口令: <banner>", the free-text masker read
    # "含登录口令" as a password key and hid the banner's first word whole ("***"): the greeting
    # "欢迎登录" and "运维人员：李四" (a name the name rule masks itself) were lost from the evidence
    text = _rendered(mipin_section(evaluation, compact=False), masked=True)["text"]
    assert "含登录口令" in text
    assert "欢迎登录 管理员：" in text and f"运维人员：{mask('name', OTHER)}" in text


@pytest.mark.parametrize(("data", "text"), [
    ("管理员：王五".encode(), "管理员：王五"),            # UTF-8
    ("管理员：王五".encode("gbk"), "管理员：王五"),       # GBK, read as GB18030
    ("管理员：王五".encode()[:-1], "管理员：王"),         # a character cut by the probe's limit is left out
    ("€𠀀".encode("gb18030"), "€𠀀"),                   # GB18030's four-byte forms
    (b"\xff\xfb\x01login: ", "\\xff\\xfb\x01login: "),  # telnet negotiation: no codec reads 0xFF, kept as \xFF
    (b"\x80abc", "\\x80abc"),                            # neither codec: the byte recoverable, text ASCII
])
def test_received_text_reads_utf8_then_gb18030(data: bytes, text: str) -> None:
    assert received_text(data) == text
