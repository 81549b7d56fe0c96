"""Values a column repeats across chunks are scanned once (classification.repeats, issue 15 speed,
F15y); a column of distinct values keeps and looks up nothing (RR15an-1, RR15an-2). Work is
counted (``Scanner.examined``, the table's calls), never timed; the hits are the plain path's."""

from __future__ import annotations

import random
from collections.abc import Iterable
from typing import Any

import pytest

from govsoc.classification import masking, repeats
from govsoc.classification.scanner import _CHUNK, Scanner
from govsoc.classification.scanner import _resolve as resolve

COMMON = ("cn_resident_id", "cn_mobile", "cn_bank_card", "email", "ipv4", "cn_uscc")
#: A period longer than 3/4 of a chunk: each chunk is more than three values in four distinct,
#: so the within-chunk path scans it as it is; the column repeats across chunks (table bench).
PERIOD = 7000


def plain(scanner: Scanner, values: list[str]) -> list[tuple[int, list[object]]]:
    """scan() of each value: what scan_many must give."""
    out: list[tuple[int, list[object]]] = []
    for i, v in enumerate(values):
        hits = scanner.scan(v)
        if hits:
            out.append((i, list(resolve(hits, frozenset()) if len(hits) > 1 else hits)))
    return out


def column(period: int, times: int) -> list[str]:
    """Phones and order numbers (no hit), ``period`` distinct values repeated ``times`` times."""
    one = [f"139{n:08d}" if n % 3 else f"DD{n:014d}" for n in range(period)]
    return one * times


def test_a_column_repeating_across_chunks_is_scanned_once_per_value_after_the_probe() -> None:
    """35,000 values, 7,000 distinct: on 63fdf29 every chunk scanned its values (examined 23,330:
    the phones of every value); now the first chunk is scanned, its probe finds the second
    chunk repeating, which is scanned and kept, and the three after are looked up."""
    values = column(PERIOD, 5)
    scanner = Scanner(COMMON)
    found = list(scanner.scan_many(values))
    assert found == plain(scanner, values)
    phones_in_two_chunks = sum(1 for v in values[:2 * _CHUNK] if v.startswith("139"))
    assert scanner.examined == phones_in_two_chunks


def test_a_column_of_distinct_values_keeps_and_looks_up_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """RR15an-1/-2: F15w's table kept every value of every chunk (and looked each up) on a column
    of distinct values, 13 %-2x slower and up to 2.7x the memory; the probe keeps it off."""
    calls: list[str] = []
    keep, looked_up = repeats.Repeats._keep, repeats.Repeats._looked_up

    def counted_keep(self: repeats.Repeats, *args: Any) -> Any:
        calls.append("keep")
        return keep(self, *args)

    def counted_look(self: repeats.Repeats, *args: Any) -> Any:
        calls.append("look")
        return looked_up(self, *args)

    monkeypatch.setattr(repeats.Repeats, "_keep", counted_keep)
    monkeypatch.setattr(repeats.Repeats, "_looked_up", counted_look)
    values = column(5 * _CHUNK, 1)
    scanner = Scanner(COMMON)
    found = list(scanner.scan_many(values))
    assert calls == []
    assert found == plain(scanner, values)


@pytest.mark.parametrize("period", [
    PERIOD,  # repeats across chunks: the table taken up
    2 * _CHUNK + 1,  # repeats only two chunks back: the probe (the chunk before) sees none
    _CHUNK // 8,  # repeats within the chunk: the within-chunk path as well
])
def test_hits_are_the_plain_paths_whatever_the_period(period: int) -> None:
    values = column(period, (5 * _CHUNK) // period + 1)
    scanner = Scanner(COMMON)
    found = list(scanner.scan_many(values))
    assert found == plain(scanner, values)
    found[0][1].clear()  # a list of its own: a caller may change what it was given
    assert [h for i, h in scanner.scan_many(values) if i == found[0][0]] == [scanner.scan(values[found[0][0]])]


def test_a_masking_rule_put_in_force_between_chunks_is_followed(monkeypatch: pytest.MonkeyPatch) -> None:
    """The table starts again when a masking rule in force changes (as recognizer.HitCache)."""
    values = column(PERIOD, 5)
    scanner = Scanner(COMMON)
    it = scanner.scan_many(values)
    before = [next(it) for _ in range(3 * _CHUNK // 2)]  # into the looked-up chunks
    rule = scanner.recognizers["cn_mobile"].mask_rule
    monkeypatch.setitem(masking.MASK_RULES, rule, lambda text: "#" * len(text))
    after = [pair for pair in it if pair[0] >= 3 * _CHUNK]  # the chunks made after the change
    assert before and after
    assert all(h.masked == "#" * (h.end - h.start) for _, hits in after for h in hits)


def test_the_probe_of_a_column_of_distinct_values_is_a_16th_of_its_values_with_hits(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The probe is the one cost a column of distinct values pays: on 2aba371a it held every 4th
    value with hits (2,048 of a chunk of phones, +2.4 % instructions on R15al's phones_plain row
    against main); now every 16th, checked against the next chunk by C code."""
    sizes: list[int] = []

    def counted(items: Iterable[object] = ()) -> frozenset[object]:
        made = frozenset(items)
        sizes.append(len(made))
        return made

    monkeypatch.setattr(repeats, "frozenset", counted, raising=False)
    values = [f"139{n:08d}" for n in range(3 * _CHUNK)]
    scanner = Scanner(COMMON)
    found = list(scanner.scan_many(values))
    monkeypatch.undo()
    assert len(found) == 3 * _CHUNK
    assert sizes and max(sizes) <= _CHUNK // 16, sizes


def near(share: float, chunks: int = 6) -> list[str]:
    """Phones, each chunk taking ``share`` of its values from the chunk before (R15ap's near.py)."""
    rng = random.Random(7)
    values = [f"139{rng.randrange(10**8):08d}" for _ in range(_CHUNK)]
    for _ in range(chunks - 1):
        before = values[-_CHUNK:]
        values += [rng.choice(before) if rng.random() < share else f"139{rng.randrange(10**8):08d}"
                   for _ in range(_CHUNK)]
    return values


@pytest.mark.parametrize(("share", "kept"), [(0.2, False), (0.3, False), (0.8, True)])
def test_a_column_repeating_less_than_half_the_chunk_before_keeps_nothing(
        monkeypatch: pytest.MonkeyPatch, share: float, kept: bool) -> None:
    """RR15ap-2/-1: with one value in eight met with hits, F15y's table was kept for phone columns
    taking 13-30 % of the chunk before (12-24 % slower than without it, up to 1.9x the memory);
    looking up and keeping cost about what scanning a phone does, so it is kept only where half
    the chunk was met before, and then it is (0.8)."""
    calls: list[str] = []
    keep = repeats.Repeats._keep

    def counted_keep(self: repeats.Repeats, *args: Any) -> Any:
        calls.append("keep")
        return keep(self, *args)

    monkeypatch.setattr(repeats.Repeats, "_keep", counted_keep)
    values = near(share)
    scanner = Scanner(COMMON)
    found = list(scanner.scan_many(values))
    assert bool(calls) is kept, calls
    assert found == plain(scanner, values)
