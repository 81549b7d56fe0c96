"""F15x (issue 15, speed; review R15al, RR15al-1): a value that ``scan`` reads on its own (one
holding an invisible character, one a Chinese-text recognizer is triggered by) must not take its
whole chunk off the joined path. F15u's c206f214 sent such a chunk's every value with a hit
through the per-value loop: one ZWSP phone in 8,192 made the column 1.8x slower. The work is
counted, not timed: the hits the joined path hands out (scanner._by_value) and ``examined``."""

from __future__ import annotations

from typing import Any

import pytest

from govsoc.classification import scanner as scanner_module
from govsoc.classification.scanner import Scanner

COMMON = ("cn_resident_id", "cn_mobile", "cn_bank_card", "email", "ipv4", "cn_uscc")
CHUNK = 8192


def _phones() -> list[str]:
    """One chunk of distinct mobile numbers (scanned as it is, one hit each)."""
    return [f"138{n:08d}" for n in range(CHUNK)]


@pytest.mark.parametrize(("odd", "ids", "joined"), [
    # a zero-width space pasted into one phone number (R15al's cost.py row: 1.8x slower); read
    # without it, as scan() reads it, it is a phone number like the others: all 8,192 joined
    ("138\u200b00000005", COMMON, CHUNK),
    # a byte-order mark before one number (a CSV's first cell)
    ("\ufeff13800000005", COMMON, CHUNK),
    # a soft hyphen inside one number
    ("1380000\u00ad0005", COMMON, CHUNK),
    # one address among phones, every recognizer: read alone by scan() (Chinese-text recognizers),
    # the 8,191 phones joined
    ("浙江省杭州市西湖区文三路90号", None, CHUNK - 1),
])
def test_one_odd_value_leaves_the_rest_of_its_chunk_on_the_joined_path(
        monkeypatch: pytest.MonkeyPatch, odd: str, ids: tuple[str, ...] | None, joined: int) -> None:
    values = _phones()
    values[5] = odd
    handed: list[int] = []
    real = scanner_module._by_value

    def counted(pairs: list[Any], context: frozenset[str], first: int) -> Any:
        handed.append(len(pairs))
        return real(pairs, context, first)

    monkeypatch.setattr(scanner_module, "_by_value", counted)
    scanner = Scanner(ids)
    found = list(scanner.scan_many(values))
    # the ordinary phones' hits go out by the joined path; each value is examined once
    assert (sum(handed), scanner.examined) == (joined, CHUNK)
    assert found == [(i, h) for i, v in enumerate(values) if (h := scanner.scan(v))]
