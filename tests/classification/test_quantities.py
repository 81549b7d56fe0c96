"""A number standing where a log gives a size or a count is a figure, not a mobile number (review
R18f F1): an 11-digit byte count of 13-19.99 GB keeps its digits in masked text, while the same
digits in a phone number's place (a label, a ``tel=`` key, alone) are still masked (PIPL art. 51)."""

from __future__ import annotations

import pytest

from govsoc.classification.free_text import mask_free_text
from govsoc.classification.masking import mask
from govsoc.classification.quantities import is_quantity

NUMBER = "13912345678"  # an allocated 139 mobile segment, and 13.9 GB as a byte count
MASKED = mask("mobile", NUMBER)

COUNTED = [
    # the review's repro: the size field of a Combined Log Format line (after the status code)
    f'203.0.113.77 - - [29/Nov/2026:11:00:00 +0800] "GET /download/../../../root/.ssh/id_rsa HTTP/1.1" 200 {NUMBER}'
    ' "-" "curl/8.0"',
    # Common Log Format, the line ending with the size
    f'10.0.0.1 - - [29/Nov/2026:11:00:00 +0800] "GET /backup.tar HTTP/1.0" 206 {NUMBER}',
    # the report's own flow evidence line (reports.situation._flow_text): a unit after the number
    f"tcp 10.200.5.21:49822 -> 123.9.239.215:443 {NUMBER} bytes 380000 packets",
    f"flow {NUMBER}B", f"传输 {NUMBER} 字节", f"{NUMBER} 包", f"{NUMBER} octets",
    # a key naming a size or a count: generic, FortiOS, nginx's variable, ECS in JSON, Chinese
    f"size={NUMBER}", f"len={NUMBER}", f"count={NUMBER}", f"bytes: {NUMBER}",
    f"sentbyte={NUMBER} rcvdpkt=5", f"body_bytes_sent={NUMBER}", f"bytesOut={NUMBER}",
    f'{{"source": {{"bytes": {NUMBER}}}}}', f'{{"http.response.body.bytes":{NUMBER}}}',
    f"文件大小：{NUMBER}", f"字节数={NUMBER}",
]

PHONES = [
    f"联系电话 {NUMBER}",  # a label
    f"tel={NUMBER}",  # a key naming a phone
    f"account={NUMBER}",  # "account" ends in "count" but names a person's account
    f'{{"phone": {NUMBER}}}',  # a JSON member named for a phone
    f"{NUMBER}",  # a number alone
    f'GET /q?tel={NUMBER} HTTP/1.1" 200 512',  # the same line, the phone in the query
    f'"GET / HTTP/1.1" 200 512 "-" "{NUMBER}"',  # and in the user agent, after the size
    f"user {NUMBER} logged in",  # an account that is a phone number
    f"{NUMBER} bytesless",  # not a unit: a word that begins like one
    f"size=+86{NUMBER}",  # a country code: written as a phone number, whatever the key
    f"count=张三{NUMBER}",  # a name between the key and the number
    # verifier V1/V2: what follows is an address, a class or a parcel, not a unit; a personal label
    # before the number wins over anything after it; a status code after quoted text that is no
    # request line; a key naming a phone that also names a count
    f"tel={NUMBER} B", f"联系电话：{NUMBER} B座1201", f"{NUMBER}B-2-301", f"手机 {NUMBER} B类客户",
    f'sms to="张三" 200 {NUMBER}', f"phone_count={NUMBER}", f"mobileLen={NUMBER}",
]


def test_a_card_number_before_a_class_letter_is_still_masked() -> None:
    text = "银行卡号 6222020200112233446 B类"
    assert "6222020200112233446" not in mask_free_text(text)


@pytest.mark.parametrize("text", COUNTED)
def test_a_size_or_count_keeps_its_digits(text: str) -> None:
    assert mask_free_text(text) == text


@pytest.mark.parametrize("text", PHONES)
def test_a_phone_number_elsewhere_is_still_masked(text: str) -> None:
    out = mask_free_text(text)
    assert NUMBER not in out and MASKED in out, out


def test_the_position_alone_decides() -> None:
    # the rule alone, on spans: the second number of one line is a size, the first a phone
    text = f'"GET /?tel={NUMBER} HTTP/1.1" 200 {NUMBER}'
    first, second = text.index(NUMBER), text.rindex(NUMBER)
    assert not is_quantity(text, first, first + 11)
    assert is_quantity(text, second, second + 11)
    assert mask_free_text(text) == f'"GET /?tel={MASKED} HTTP/1.1" 200 {NUMBER}'
