"""Free-text masking for display (classification.free_text, classification.percent): what a report
quotes of a log line or a file path shows no personal data, whether percent-encoded (UTF-8 or GBK),
named by a key, or a name beside an ID or phone number (review r18c finding 6)."""

from __future__ import annotations

import pytest

from govsoc.classification.free_text import mask_free_text
from govsoc.classification.masking import mask
from govsoc.classification.percent import percent_decoded

RESIDENT_ID = "11010519491231002X"  # GB 11643 check character X is right
BAD_CHECK = "110105194912310021"  # the same number with a wrong check character
MOBILE = "13812345678"
NAME = "张三"


def _pct(text: str, encoding: str) -> str:
    return "".join(f"%{b:02X}" for b in text.encode(encoding))


@pytest.mark.parametrize(("text", "hidden", "shown"), [
    # a name percent-encoded in UTF-8 after a key that names it
    (f"GET /q?name={_pct(NAME, 'utf-8')} HTTP/1.1", [_pct(NAME, "utf-8"), NAME], [mask("name", NAME)]),
    # the same in GBK (a GB2312 page's form), after the pinyin abbreviation of 姓名 (weak context)
    (f"GET /q?xm={_pct(NAME, 'gbk')} HTTP/1.1", [_pct(NAME, "gbk"), NAME], [mask("name", NAME)]),
    # a +86 mobile number with its '+' encoded
    (f"GET /q?p86=%2B86{MOBILE}", [MOBILE], ["p86="]),
    # an ID number encoded digit by digit
    (f"GET /q?sfzh={_pct(RESIDENT_ID, 'utf-8')}", [RESIDENT_ID, _pct(RESIDENT_ID, "utf-8")],
     [mask("id_card", RESIDENT_ID)]),
    # a Chinese key for the name, decoded at ingest
    (f"名字={NAME}&a=1", [NAME], [mask("name", NAME)]),
    # an ID-shaped number whose check character is wrong is still somebody's number
    (f"sfz={BAD_CHECK}", [BAD_CHECK], [mask("id_card", BAD_CHECK)]),
    # a file named by its person, ID and phone number
    (f"/data/{NAME}_{RESIDENT_ID}_{MOBILE}.csv", [NAME, RESIDENT_ID, MOBILE],
     [f"/data/{mask('name', NAME)}_{mask('id_card', RESIDENT_ID)}_{mask('mobile', MOBILE)}.csv"]),
    # a name written against a phone number
    (f"联系人电话 {NAME}{MOBILE}", [NAME, MOBILE], [mask("name", NAME)]),
])
def test_personal_data_in_free_text_is_masked(text: str, hidden: list[str], shown: list[str]) -> None:
    out = mask_free_text(text)
    for value in hidden:
        assert value not in out, out
    for value in shown:
        assert value in out, out


@pytest.mark.parametrize("text", [
    # Chinese words next to a number that is no identifier, and a word that is no name next to one
    "中华人民共和国 2026-11-29 处理 1024 条",
    f"高度 {MOBILE[:3]}",
    # an SQL injection's escapes decode to no personal data and stay as they are
    "GET /q?id=1%27%20OR%201=1-- HTTP/1.1",
    # a key that names no person: a host name
    "host=web-01 user=root",
])
def test_text_without_personal_data_is_left_alone(text: str) -> None:
    assert mask_free_text(text) == text


def test_a_word_that_is_no_name_beside_a_phone_number_stays() -> None:
    # 高度 starts with the surname 高 but is a common word (cn_codes.NOT_NAMES)
    out = mask_free_text(f"高度{MOBILE}")
    assert out.startswith("高度") and MOBILE not in out


@pytest.mark.parametrize(("encoding", "text"), [("utf-8", "张三 x"), ("gbk", "张三 x")])
def test_percent_decoded_maps_every_character_back(encoding: str, text: str) -> None:
    encoded = "a=" + _pct(text, encoding) + "&b"
    decoded, offsets = percent_decoded(encoded)
    assert decoded == "a=" + text + "&b"
    assert len(offsets) == len(decoded) + 1 and offsets[-1] == len(encoded)
    # each decoded character starts where its escapes start
    at = 2
    for i, c in enumerate(text):
        assert offsets[2 + i] == at
        at += 3 * len(c.encode(encoding))
