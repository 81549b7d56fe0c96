"""Masking of personal data in the distinguished names evidence quotes (review r16f, MEDIUM)."""

from __future__ import annotations

import pytest

from govsoc.classification.distinguished_names import mask_distinguished_names


@pytest.mark.parametrize(("text", "shown"), [
    # a person's certificate: name by its surname, e-mail, ID number and phone by their recognizers
    ("CN=张三,serialNumber=110101199003071233,emailAddress=zhangsan@example.com,telephoneNumber=13812345678",
     "CN=张**,serialNumber=110101********1233,emailAddress=z***@example.com,telephoneNumber=138****5678"),
    # cryptography writes attributes RFC 4514 has no name for as OIDs; evidence goes on after a blank
    ("自签名证书 2.5.4.5=110101199003071233,1.2.840.113549.1.9.1=zs@example.gov.cn,CN=张三 不是声明的信任根",
     "自签名证书 2.5.4.5=110101********1233,1.2.840.113549.1.9.1=***@example.gov.cn,CN=张** 不是声明的信任根"),
    # compound surname, a minority name, and the name attributes only a person has (always masked)
    ("CN=欧阳小明 ← CN=阿依古丽·买买提,GN=Wei,SN=Zhang", "CN=欧** ← CN=阿**,GN=W**,SN=Z**"),
    # a server's or a CA's name is no person's: kept
    ("CN=localhost（签发者 CN=F16 Test root，SHA-256 abcd）", "CN=localhost（签发者 CN=F16 Test root，SHA-256 abcd）"),
    ("CN=portal.example.gov.cn,O=市大数据局", "CN=portal.example.gov.cn,O=市大数据局"),
    ("CN=政务云,O=某市政务局", "CN=政务云,O=某市政务局"),  # Chinese, but no surname: an organisation's
])
def test_mask_distinguished_names(text: str, shown: str) -> None:
    assert mask_distinguished_names(text) == shown
