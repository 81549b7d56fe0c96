"""FreeTextMasker.hits on long texts (F15c, issue 15): it was quadratic (87.7 s for 120,000
characters of ID numbers): every new hit was asked against every earlier one and the label before
an identifier was searched from the text's start. Today's hits must be the code before's, and the
time must grow about linearly with the text."""

from __future__ import annotations

import random
import time

import pytest

from bench.free_text import NaiveSpans, as_before, texts
from govsoc.classification.free_text import FreeTextMasker
from govsoc.classification.recognizer import Match
from govsoc.classification.spans import Spans


def _match(start: int, end: int) -> Match:
    return Match(recognizer="x", start=start, end=end, masked="*", score=0.5, reason="test")


@pytest.mark.parametrize("seed", range(40))
def test_spans_answer_as_the_linear_test(seed: int) -> None:
    rng = random.Random(seed)
    fast, slow = Spans(), NaiveSpans()
    for _ in range(300):
        start = rng.randint(0, 200)
        end = start + rng.choice([0, 0, 1, 2, 3, 5, 8, 20])
        assert fast.free(start, end) == slow.free(start, end), (start, end, slow.taken)
        if rng.random() < 0.5:
            fast.add(_match(start, end))
            slow.add(_match(start, end))


@pytest.fixture(scope="module")
def masker() -> FreeTextMasker:
    return FreeTextMasker()


@pytest.mark.parametrize("seed", range(12))
def test_hits_are_the_code_befores(masker: FreeTextMasker, seed: int) -> None:
    for kind, text in texts(1500, seed).items():
        with as_before():
            before = masker.hits(text)
        assert masker.hits(text) == before, kind
        assert before  # the texts hold personal data


def _seconds(masker: FreeTextMasker, text: str) -> float:
    best = float("inf")
    for _ in range(2):
        started = time.perf_counter()
        masker.hits(text)
        best = min(best, time.perf_counter() - started)
    return best


@pytest.mark.parametrize("kind", ["ids", "roster"])
def test_time_grows_about_linearly(masker: FreeTextMasker, kind: str) -> None:
    small, large = texts(3000, 1)[kind], texts(30000, 1)[kind]
    ratio = _seconds(masker, large) / _seconds(masker, small)
    assert ratio < 30, f"10 times the text took {ratio:.0f} times as long (quadratic: ~100)"
