"""digit_runs._Codes (issue 15): the word around a digit run is judged as bench.free_text's
NaiveCodes (the code before, walking the word) judges it, and only words holding a digit are
kept (R15aa-3: a list of every word of 5 MB of tiny words took 183 MB)."""

from __future__ import annotations

import random
import re
import tracemalloc

import pytest

from bench.free_text import NaiveCodes
from govsoc.classification import digit_runs

_PIECES = ("a", "x1", "13812345678", "91310000631093180A", "0123456789abcdef", "ab", " ", "-", "张", ".", "9")


@pytest.mark.parametrize("seed", range(30))
def test_codes_answer_as_the_word_walk(seed: int) -> None:
    rng = random.Random(seed)
    text = "".join(rng.choice(_PIECES) for _ in range(200))
    codes, naive = digit_runs._Codes(text), NaiveCodes(text)
    for m in re.finditer(r"[0-9]+(?:[ -][0-9]+)?", text):
        assert codes.inside(m.start(), m.end()) == naive.inside(m.start(), m.end()), (text, m.span())


def test_tiny_words_keep_no_list() -> None:
    text = "x13812345678 " + "a " * 200_000  # one glued mobile makes _Codes find the text's words
    tracemalloc.start()
    try:
        assert not digit_runs._Codes(text).inside(1, 12)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < len(text), f"{peak / len(text):.1f} bytes a character kept for the words (R15aa-3: 36)"
