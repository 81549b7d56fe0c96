"""An ID or phone number written with a character no one sees inside it (R15b-16): a zero-width
space, joiner or non-joiner, a word joiner, a BOM, a soft hyphen. A reader sees the number; the
scanner, the column decision and the masks treat it as the number."""

from __future__ import annotations

import pytest

from govsoc.classification.columns import ColumnClassifier, ColumnSample
from govsoc.classification.free_text import mask_free_text
from govsoc.classification.masking import mask
from govsoc.classification.recognizer import masked_text
from govsoc.classification.scanner import Scanner
from tests.classification.test_sources import ids

NUMBER = ids(1)[0]
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u200e"]


def _spread(number: str, mark: str) -> str:
    """``number`` with ``mark`` after every 4th character (as a chat app's line breaking, or a filter's evasion)."""
    return mark.join(number[i:i + 4] for i in range(0, len(number), 4))


@pytest.mark.parametrize("mark", INVISIBLE)
@pytest.mark.parametrize(("number", "recognizer", "rule"), [
    (NUMBER, "cn_resident_id", "id_card"),
    ("13800138000", "cn_mobile", "mobile"),
])
def test_a_number_with_an_invisible_character_is_the_number(mark: str, number: str, recognizer: str,
                                                            rule: str) -> None:
    text = "身份证 " + _spread(number, mark) + " 已登记"
    hits = Scanner().scan(text)
    assert [(h.recognizer, h.masked) for h in hits] == [(recognizer, mask(rule, number))]
    shown = masked_text(text, hits)
    assert shown == "身份证 " + mask(rule, number) + " 已登记"  # the marks inside masked away with the digits
    assert mask_free_text(text) == shown


@pytest.mark.parametrize("mark", INVISIBLE)
def test_a_column_of_such_numbers_is_tagged(mark: str) -> None:
    values = [_spread(n, mark) for n in ids(80)]  # over 64: the batch path of scan_many
    decision = ColumnClassifier().decide(ColumnSample(dataset="d", field="备注", values=values))
    assert (decision.status, decision.recognizer) == ("tagged", "cn_resident_id")
    assert list(Scanner().scan_many(values)) == [(i, Scanner().scan(v)) for i, v in enumerate(values)]


#: R15d-1: what Excel, WPS and web pages put between digit groups (no-break and full-width spaces)
#: and what Word's autocorrect makes of '-' (en dash, full-width hyphen-minus, minus sign). Between
#: the groups they are read as the ASCII space and '-' are (a guard: these held before R15d; the
#: review's files put them at other places, where an ASCII space ends the number as well).
WIDE = ["\u00a0", "\u3000", "\u202f", "\u2013", "\uff0d", "\u2212"]


@pytest.mark.parametrize("mark", WIDE)
def test_a_number_grouped_with_a_wide_space_or_dash_is_the_number(mark: str) -> None:
    number = ids(1)[0]
    grouped = mark.join((number[:6], number[6:14], number[14:]))  # 110105 19900101 1237, as typed
    text = "身份证 " + grouped + " 已登记"
    hits = Scanner().scan(text)
    assert [(h.recognizer, h.masked) for h in hits] == [("cn_resident_id", mask("id_card", number))]
    assert mask_free_text(text) == masked_text(text, hits) == "身份证 " + mask("id_card", number) + " 已登记"
    values = [mark.join((n[:6], n[6:14], n[14:])) for n in ids(80)]
    decision = ColumnClassifier().decide(ColumnSample(dataset="d", field="身份证号", values=values))
    assert (decision.status, decision.recognizer) == ("tagged", "cn_resident_id")
    assert list(Scanner().scan_many(values)) == [(i, Scanner().scan(v)) for i, v in enumerate(values)]


def test_a_wide_space_between_two_numbers_keeps_them_apart() -> None:
    # removing the space would make one 29-digit run of a phone and an ID, neither found
    text = "13800138000\u3000" + ids(1)[0]
    assert sorted(h.recognizer for h in Scanner().scan(text)) == ["cn_mobile", "cn_resident_id"]
