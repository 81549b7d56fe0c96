"""Decomposed text (NFD: macOS file names, some exports) is read as its composed form is: an ASCII
letter followed by a combining mark is the precomposed letter, which ends a number as 'á' does
(F15i left '13800138000a' + U+0301 glued to 'a', while '13800138000á' was a mobile). Spans stay
in the value's own coordinates, and the one-value scan and the chunked scan_many agree."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govsoc.classification import Scanner
from govsoc.classification.recognizer import Match, normalize

SCANNER = Scanner()


def _both(value: str) -> list[Match]:
    one = SCANNER.scan(value)
    many = dict(Scanner().scan_many([value, *(f"备注{i}" for i in range(70))]))
    assert many.get(0, []) == one
    return one


def _found(value: str) -> list[tuple[str, str, str]]:
    return [(m.recognizer, value[m.start:m.end], m.masked) for m in _both(value)]


@pytest.mark.parametrize("composed", [
    "13800138000á",                 # the issue's: a mobile, then a letter with its accent
    "13800138000é 11010519491231002X",
    "11010519491231002Xé",          # the check character X, then é
    "6222021234567890128ü",         # a card
    "ñ13800138000",                 # the letter before
    "联系人Renée 13800138000",
])
def test_a_decomposed_letter_ends_a_number_as_the_composed_one(composed: str) -> None:
    decomposed = unicodedata.normalize("NFD", composed)
    assert decomposed != composed
    assert normalize(decomposed).__len__() == len(decomposed)
    found = _found(composed)
    assert found and _found(decomposed) == found


def test_a_letter_no_mark_composes_with_stays_a_letter() -> None:
    # q + U+0301 has no precomposed form: still the letter q, glued to the number
    assert _found("13800138000q\u0301") == _found("13800138000q") == []


_LETTERS = st.sampled_from("aeiouncAEIOUNCyzq")
_MARKS = st.sampled_from(["\u0301", "\u0300", "\u0308", "\u0303", "\u0327", "\u030c", "\u0323"])
_NUMBERS = st.sampled_from(["13800138000", "11010519491231002X", "6222021234567890128", "10.1.2.3"])


@settings(max_examples=300, deadline=None)
@given(before=st.lists(st.tuples(_LETTERS, _MARKS), max_size=2), number=_NUMBERS,
       after=st.lists(st.tuples(_LETTERS, _MARKS), max_size=2))
def test_nfd_and_nfc_give_the_same_hits(before: list[tuple[str, str]], number: str,
                                        after: list[tuple[str, str]]) -> None:
    decomposed = "".join(a + b for a, b in before) + number + "".join(a + b for a, b in after)
    composed = unicodedata.normalize("NFC", decomposed)
    assert _found(unicodedata.normalize("NFD", decomposed)) == _found(composed)
