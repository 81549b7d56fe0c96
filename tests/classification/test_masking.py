"""Masking rules (shared/reference/classification.md §8): what each shows, and that no rule tells
the length of what it hides."""

from __future__ import annotations

import sys
from types import FrameType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govsoc.classification.masking import MASK_RULES, mask, mask_account, mask_many


@pytest.mark.parametrize("rule, value, shown", [
    ("id_card", "11010519491231002X", "110105********002X"),   # the 110101********1234 style
    ("id_card", "110105491231002", "110105******002"),         # 15-digit legacy form hides the birth date too
    ("mobile", "13812345678", "138****5678"),                  # the example
    ("mobile", "+86 138-1234-5678", "138****5678"),            # country code and separators do not shift it
    ("mobile", "0086 138 1234 5678", "138****5678"),           # 0086 as dialled from abroad (was '***')
    ("id_card", "110105 19491231 002X", "110105********002X"),  # 6-8-4 groups: the digits, not the spaces
    ("landline", "0571-88123434", "0571****34"),               # 4-digit area code kept
    ("landline", "010-62345678", "010****78"),                 # 3-digit area code kept
    ("bank_card", "6222021234567890128", "6222 **** **** 0128"),
    ("name", "张三", "张**"),                                   # two and three characters look alike
    ("name", "张三丰", "张**"),
    ("address", "北京市朝阳区建国路88号院3号楼", "北京市朝阳区****"),  # down to the district
    ("email", "dave@126.com", "d***@126.com"),
    ("plate", "苏D12340", "苏D1***0"),
    ("ipv4", "10.2.3.4", "10.2.3.*"),
    ("mac", "00:1a:2b:3c:4d:5e", "00:1A:2B:**:**:**"),
    ("gps", "39.904211,116.407395", "39.90,116.41"),           # about 1 km
    ("date", "1990-05-17", "1990-**-**"),
    ("public", "91350100M000100Y43", "91350100M000100Y43"),    # public register codes stay readable
    ("nonexistent", "secret", "***"),                          # an unknown rule hides everything
])
def test_rule_shows_what_the_reference_says(rule: str, value: str, shown: str) -> None:
    assert mask(rule, value) == shown


def test_accounts_do_not_reveal_their_length() -> None:
    # the issue: `root` used to show as `r***`, four characters, its length
    assert mask_account("root") == "r***"
    assert len({len(mask_account(n)) for n in ("ab", "root", "administrator")}) == 1
    assert mask_account("a") == "***"


@pytest.mark.parametrize("rule", sorted(set(MASK_RULES) - {"public"}))
def test_no_rule_gives_away_a_short_value(rule: str) -> None:
    for value in ("", "a", "7", "张"):  # a one-character value: any character kept would be all of it
        assert mask(rule, value) == "***"


@pytest.mark.parametrize("rule, short, long", [
    ("name", "王五", "欧阳娜娜"), ("bank_card", "6222021234567890", "6222021234567890128"),
    ("document", "E1234567", "E12345678"), ("plate", "京A12345", "京AD12345"), ("account", "ab", "abcdefgh"),
])
def test_masked_length_is_fixed(rule: str, short: str, long: str) -> None:
    assert len(mask(rule, short)) == len(mask(rule, long))


#: Pieces of the texts mask_many is given: the forms its bulk paths take (digits of the usual
#: lengths, a user and a domain) and what sends it back to one rule call a text.
_PIECES = st.sampled_from(["1", "38", "0", "9", "X", "x", "@", "a", ".", "com", " ", "-", "+86", "\uff11", "\u4e2d",
                           "13812345678", "11010519491231002X", "110105491231002", "6222021234567890128"])


@settings(max_examples=300, deadline=None)
@given(rule=st.sampled_from(sorted(MASK_RULES) + ["no_such_rule"]),
       texts=st.lists(st.lists(_PIECES, max_size=4).map("".join), max_size=6),
       same=st.booleans())
def test_mask_many_masks_each_text_as_mask_does(rule: str, texts: list[str], same: bool) -> None:
    """The bulk rules (ID numbers, mobiles, cards, e-mail, public codes) give what the rule gives
    each text; a batch of one form (``same``: one text repeated) takes the bulk path."""
    batch = texts[:1] * 5 if same else texts
    assert mask_many(rule, batch) == [mask(rule, text) for text in batch]


@pytest.mark.parametrize("rule, texts", [
    ("id_card", ["11010519491231002X", "110105194912310027"]),  # 18 characters, X or digit last
    ("id_card", ["110105491231002"] * 3),                        # the 15-digit form
    ("mobile", ["13812345678", "19912345678"]),
    ("bank_card", ["6222021234567890128", "6222021234567"]),      # 19 and 13 digits
    ("email", ["dave@126.com", "a.b@c.d.cn"]),
    ("public", ["91350100M000100Y43"]),
])
def test_mask_many_calls_no_rule_for_texts_of_the_common_form(rule: str, texts: list[str]) -> None:
    """A batch of the form the bulk rule takes runs no Python function a text (counted by a
    profile hook: the old per-text path called the rule, and _digits, once a text)."""
    calls: list[str] = []

    def count(frame: FrameType, event: str, _: object) -> None:
        if event == "call":
            calls.append(frame.f_code.co_name)

    batch = texts * 50
    sys.setprofile(count)
    try:
        shown = mask_many(rule, batch)
    finally:
        sys.setprofile(None)
    assert shown == [mask(rule, text) for text in batch]
    assert len(calls) <= 8, calls[:10]


def test_mask_many_asks_a_rule_put_in_place_of_a_built_in_one(monkeypatch: pytest.MonkeyPatch) -> None:
    """A rule replaced in MASK_RULES (a deployment's own display rule) is what mask_many uses,
    as mask does; the bulk form stands only for the built-in rule."""
    monkeypatch.setitem(MASK_RULES, "mobile", lambda text: "hidden")
    assert mask_many("mobile", ["13812345678"] * 3) == ["hidden"] * 3 == [mask("mobile", "13812345678")] * 3
