"""R15e-12: what is invisible is decided by Unicode's properties (format characters, Cf; the
Default_Ignorable_Code_Point set of DerivedCoreProperties.txt: variation selectors, tags, the
combining grapheme joiner, the Hangul fillers; line and paragraph separators; the braille blank),
not by a hand-picked list: an ID, a mobile or a card with one inside is the number, masked whole."""

from __future__ import annotations

import pytest

from govsoc.classification.columns import ColumnClassifier, ColumnSample
from govsoc.classification.free_text import mask_free_text
from govsoc.classification.invisible import visible
from tests.classification.test_sources import ids

NUMBERS = ids(40)
# outside the list of R15b-16: each one renders as nothing (or as a blank) inside a number
MARKS = ["\ufe0f", "\ufe00", "\U000e0020", "\U000e0101", "\u034f", "\u2028", "\u2029", "\u3164", "\uffa0",
         "\u115f", "\u1160", "\u2800", "\u17b4", "\u180b", "\u2065", "\U0001d173", "\U000e0001"]


@pytest.mark.parametrize("mark", MARKS)
def test_free_text_masks_numbers_with_any_invisible_character_inside(mark: str) -> None:
    text = f"身份证号110105199{mark}001011237 手机138{mark}12345678 卡号6228{mark}480402564890018"
    shown = mask_free_text(text)
    assert shown == "身份证号110105********1237 手机138****5678 卡号6228 **** **** 0018", repr(shown)


@pytest.mark.parametrize("mark", MARKS)
def test_columns_with_an_invisible_character_inside_are_tagged(mark: str) -> None:
    values = [n[:9] + mark + n[9:] for n in NUMBERS]
    found = ColumnClassifier().decide(ColumnSample(dataset="t", field="身份证号", values=values))
    assert (found.status, found.recognizer) == ("tagged", "cn_resident_id"), found
    phones = ColumnClassifier().decide(ColumnSample(dataset="t", field="手机号",
                                                    values=[f"1391{mark}{i:07d}" for i in range(40)]))
    assert (phones.status, phones.recognizer) == ("tagged", "cn_mobile"), phones


@pytest.mark.parametrize("text", ["身份证\u200b号", "姓\u200c名", "手机\ufe0f号"])
def test_a_heading_with_an_invisible_character_names_its_column(text: str) -> None:
    assert ColumnClassifier().name_context(text), text


@pytest.mark.parametrize("seen", ["张三 ٠١٢", "١٢٣", "\u0600١٢", "a b", "❤", "〇", "\u3000", "\u00a0"])
def test_what_a_reader_sees_is_kept(seen: str) -> None:
    # visible characters, spaces among them, and the Arabic number sign (Cf, but drawn: Unicode
    # leaves the prepended concatenation marks out of Default_Ignorable_Code_Point)
    assert visible(seen) is None
