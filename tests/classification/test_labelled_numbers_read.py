"""R15af-1: a key's value is read for a glued number (labelled_numbers.after_key) only as far as a
number's word can reach (the 160 characters after_labels reads), and not at all when it starts with
an ASCII character that is neither a digit nor '+': before F15r each key normalized the 512
characters its value was cut to (1.65 of 3.46 s of a text of 手机: keys run together). What it
finds must be what normalizing the whole value found."""

from __future__ import annotations

import pytest

from govsoc.classification import labelled_numbers
from govsoc.classification.free_text import FreeTextMasker
from govsoc.classification.recognizer import Match, normalize

_MOBILE = {"cn_mobile": "strong"}
_CARD = {"cn_bank_card": "strong"}


def test_keys_run_together_normalize_at_most_a_words_reach_each(monkeypatch: pytest.MonkeyPatch) -> None:
    read = [0]
    real = labelled_numbers.normalize

    def counting(text: str) -> str:
        read[0] += len(text)
        return real(text)

    monkeypatch.setattr(labelled_numbers, "normalize", counting)
    text = "".join(f"手机:{'x' if i % 3 else ''}{i:03d}/" for i in range(3000))  # R15af's glued form
    FreeTextMasker().mask(text)
    # 1,000 values start with a digit: 160 characters each at most; 2,000 start with 'x': none
    assert read[0] <= 1000 * 160, read[0]


_LONG = "a" * 159 + "\u0301"  # a letter composed with the mark after it at the cut (normalize's one join)
VALUES = [
    ("13812345678abcde", _MOBILE),  # glued letters: the number (R15aa-1)
    ("13812345678" + "ab" * 300, _MOBILE),  # a word far past the cut
    ("1381234567" + _LONG, _MOBILE),  # the word's end changed by the cut: no number either way
    ("+8613812345678xyz", _MOBILE),  # '+' then the country code
    ("＋８６１３８１２３４５６７８ｘｙｚ", _MOBILE),  # full-width, folded by normalize
    ("¹³⁸¹²³⁴⁵⁶⁷⁸abc", _MOBILE),  # superscript digits: NFKC folds them to digits
    ("x13812345678abc", _MOBILE),  # a letter first: no number
    ("-13812345678abc", _MOBILE),  # ASCII punctuation first
    ("6222021234567890128abc", _CARD),  # a Luhn-valid card glued to letters
    ("6222021234567890128" + "b" * 200, _CARD),  # the same, its word past the cut
    ("13812345678" + "a" * 117, _MOBILE),  # 128 characters of one case, hexadecimal: a digest
    ("13812345678" + "a" * 117 + "g", _MOBILE),  # not a digest: the word goes on
    ("", _MOBILE),  # nothing
]


@pytest.mark.parametrize("value, context", VALUES)
def test_the_hit_is_the_whole_values(value: str, context: dict[str, str]) -> None:
    masker = FreeTextMasker()
    numbers = masker.labelled_numbers
    got = numbers.after_key("tel", value, 4, context)
    named = frozenset(context)
    whole = None if labelled_numbers._digest(value) else numbers.glued.labelled(normalize(value), named)
    expected = None if whole is None else Match(recognizer=whole.recognizer, start=4 + whole.start, end=4 + whole.end,
                                                masked=whole.masked, score=whole.score, reason=whole.reason)
    assert got == expected
