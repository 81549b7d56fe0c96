"""Values a column repeats across chunks are scanned once (classification.repeats, issue 15 speed,
F15y); a column of distinct values keeps and looks up nothing (RR15an-1, RR15an-2). Work is
counted (``Scanner.examined``, the table's calls), never timed; the hits are the plain path's."""

from __future__ import annotations

import random
from collections.abc import Iterable
from typing import Any

import pytest

from govsoc.classification import masking, repeats
from govsoc.classification.repeats import CHUNK
from govsoc.classification.scanner import Scanner
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
    the phones of every value); now the first chunk is scanned, its probe finds the second and
    third chunks repeating (two in a row: RR15as-1), the third is scanned and kept, and the two
    after are looked up."""
    values = column(PERIOD, 5)
    scanner = Scanner(COMMON)
    found = list(scanner.scan_many(values))
    assert found == plain(scanner, values)
    phones_in_three_chunks = sum(1 for v in values[:3 * CHUNK] if v.startswith("139"))
    assert scanner.examined == phones_in_three_chunks


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
    values = column(5 * CHUNK, 1)
    scanner = Scanner(COMMON)
    found = list(scanner.scan_many(values))
    assert calls == []
    assert found == plain(scanner, values)


@pytest.mark.parametrize("period", [
    PERIOD,  # repeats across chunks: the table taken up
    2 * CHUNK + 1,  # repeats only two chunks back: the older probe sees it (F15bc)
    3 * CHUNK + 1,  # repeats only three chunks back: neither probe sees it
    CHUNK // 8,  # repeats within the chunk: the within-chunk path as well
])
def test_hits_are_the_plain_paths_whatever_the_period(period: int) -> None:
    values = column(period, (5 * CHUNK) // period + 1)
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
    before = [next(it) for _ in range(3 * CHUNK // 2)]  # into the looked-up chunks
    rule = scanner.recognizers["cn_mobile"].mask_rule
    monkeypatch.setitem(masking.MASK_RULES, rule, lambda text: "#" * len(text))
    after = [pair for pair in it if pair[0] >= 3 * CHUNK]  # the chunks made after the change
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
    values = [f"139{n:08d}" for n in range(3 * CHUNK)]
    scanner = Scanner(COMMON)
    found = list(scanner.scan_many(values))
    monkeypatch.undo()
    assert len(found) == 3 * CHUNK
    assert sizes and max(sizes) <= CHUNK // 16, sizes


def near(share: float, chunks: int = 6) -> list[str]:
    """Phones, each chunk taking ``share`` of its values from the chunk before (R15ap's near.py)."""
    rng = random.Random(7)
    values = [f"139{rng.randrange(10**8):08d}" for _ in range(CHUNK)]
    for _ in range(chunks - 1):
        before = values[-CHUNK:]
        values += [rng.choice(before) if rng.random() < share else f"139{rng.randrange(10**8):08d}"
                   for _ in range(CHUNK)]
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


def held_after_each_keep(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The Matches the table holds after each of its keeps (filled as scan_many runs)."""
    held: list[int] = []
    keep = repeats.Repeats._keep

    def counted_keep(self: repeats.Repeats, *args: Any) -> Any:
        fresh = keep(self, *args)
        held.append(sum(map(len, self.hits.values())))
        return fresh

    monkeypatch.setattr(repeats.Repeats, "_keep", counted_keep)
    return held


def chunks_looked_up(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The chunks (their numbers in the column) the table looked up (filled as scan_many runs)."""
    calls: list[int] = []
    looked_up = repeats.Repeats._looked_up

    def counted_look(self: repeats.Repeats, chunk: Any, first: int, scan: Any) -> Any:
        calls.append(first // CHUNK)
        return looked_up(self, chunk, first, scan)

    monkeypatch.setattr(repeats.Repeats, "_looked_up", counted_look)
    return calls


def codes_and_new_phones(share: float, phones: int, chunks: int = 6) -> list[str]:
    """R15aq's mixmem.py: ``share`` of each chunk the same codes (no hit), the rest new values of
    ``phones`` phones each, never met again (a remark column of standard texts and free text)."""
    rng = random.Random(5)
    codes = [f"K{i:06d}" for i in range(int(CHUNK * share))]
    values: list[str] = []
    for _ in range(chunks):
        chunk = codes + [" ".join(f"139{rng.randrange(10**8):08d}" for _ in range(phones))
                         for _ in range(CHUNK - len(codes))]
        rng.shuffle(chunk)
        values += chunk
    return values


def test_new_values_with_hits_beside_repeated_codes_hold_no_hits(monkeypatch: pytest.MonkeyPatch) -> None:
    """RR15aq-1: the repeated codes take the table up; on 1d3ec0b2 it held the hits of every new
    value (up to LIMIT values: mixmem.py, 30 phones a value, 2.5x main's memory). A value's hits
    are held from its second meeting only, so none of these."""
    held = held_after_each_keep(monkeypatch)
    values = codes_and_new_phones(0.55, 4)
    scanner = Scanner(COMMON)
    found = list(scanner.scan_many(values))
    assert max(held, default=0) == 0, held
    assert found == plain(scanner, values)


def test_the_matches_held_are_at_most_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """Values of many hits each, all repeating: the table holds at most LIMIT Matches (on
    1d3ec0b2 LIMIT values, here 7,000 x 6 = 42,000 Matches), then starts again."""
    held = held_after_each_keep(monkeypatch)
    one = [" ".join(f"139{n:06d}{k:02d}" for k in range(6)) for n in range(PERIOD)]
    values = one * 5
    scanner = Scanner(COMMON)
    found = list(scanner.scan_many(values))
    assert held and max(held) <= repeats.LIMIT, held
    assert found == plain(scanner, values)


def test_repeats_without_hits_take_the_table_up_and_keep_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """A column of 7 order numbers (no hit) to 1 phone, repeating across chunks (the table bench's
    kind): its repeats pay though they have no hits (1d3ec0b2); a probe of the values with hits
    only, or a count of the values met with hits only (F15y), would scan every chunk's phones."""
    values = [f"139{n:08d}" if n % 8 == 0 else f"DD{n:014d}" for n in range(PERIOD)] * 5
    scanner = Scanner(COMMON)
    found = list(scanner.scan_many(values))
    assert found == plain(scanner, values)
    assert scanner.examined == sum(1 for v in values[:3 * CHUNK] if v.startswith("139"))


def carried(share_in_5: int, chunks: int = 6) -> list[str]:
    """Phones; at positions i % 5 < ``share_in_5`` each chunk holds the chunk before's value, so
    the probe (every 16th) sees share_in_5 / 5 * 1 / 16 of the next chunk's sample exactly."""
    values = [f"139{i:08d}" for i in range(CHUNK)]
    for k in range(1, chunks):
        values += [values[-CHUNK + i] if i % 5 < share_in_5 else f"13{k}{i:08d}" for i in range(CHUNK)]
    return values


@pytest.mark.parametrize(("share_in_5", "kept"), [
    (2, False),  # 0.4 met before: below one in two, not taken up
    (3, True),  # 0.6: taken up (at two in three, as a mutant had it, it was not) and kept
])
def test_the_table_is_taken_up_at_one_value_in_two_met_before(
        monkeypatch: pytest.MonkeyPatch, share_in_5: int, kept: bool) -> None:
    held = held_after_each_keep(monkeypatch)
    values = carried(share_in_5)
    scanner = Scanner(COMMON)
    found = list(scanner.scan_many(values))
    assert bool(held) is kept, held
    assert found == plain(scanner, values)


def test_a_column_that_stops_repeating_drops_the_table(monkeypatch: pytest.MonkeyPatch) -> None:
    """Four chunks repeating, then distinct phones: the first distinct chunk is looked up, finds
    nothing met and drops the table; the chunks after are probed, not looked up."""
    calls = chunks_looked_up(monkeypatch)
    values = column(PERIOD, 5)[:4 * CHUNK] + [f"135{n:08d}" for n in range(3 * CHUNK)]
    scanner = Scanner(COMMON)
    found = list(scanner.scan_many(values))
    assert calls == [3, 4], calls
    assert found == plain(scanner, values)


def test_a_column_repeating_values_without_hits_keeps_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """RR15aq-2: order numbers without hits, repeating across chunks; on 1d3ec0b2 the table was
    taken up (R15aq's cols.py orders 0.5-0.9: 1.25-1.6x main's CPU, the look-up dearer than the
    scanner's prefilter). A chunk without hits does not take it up."""
    held = held_after_each_keep(monkeypatch)
    values = [f"DD{n:06d}-A{n % 99991:05d}" for n in range(PERIOD)] * 5
    scanner = Scanner(COMMON)
    assert list(scanner.scan_many(values)) == []
    assert held == []


def codes_phones(rng: random.Random, fixed: list[str], codes: int, new: int) -> list[str]:
    """A shuffled chunk: ``fixed`` values, ``codes`` no-hit codes (the same each chunk) and
    ``new`` phones never met again."""
    chunk = fixed + [f"K{i:06d}" for i in range(codes)]
    chunk += [f"13{rng.randrange(10**9):09d}" for _ in range(new)]
    rng.shuffle(chunk)
    return chunk


def test_new_values_with_hits_are_held_from_their_second_meeting_where_few_return(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Half the chunk the same codes (no hit), a fifth the same phones, 30 % new phones: two in
    five values with hits come back, fewer than one in two, so the new phones' hits are not held
    (1d3ec0b2 held them all, up to LIMIT values); the table holds the take-up chunk's only."""
    held = held_after_each_keep(monkeypatch)
    rng = random.Random(3)
    fixed = [f"135{i:08d}" for i in range(CHUNK // 5)]
    values = [v for _ in range(6) for v in codes_phones(rng, fixed, CHUNK // 2, CHUNK - CHUNK // 2 - len(fixed))]
    scanner = Scanner(COMMON)
    found = list(scanner.scan_many(values))
    assert len(held) > 2 and max(held) == held[0], held
    assert found == plain(scanner, values)


@pytest.mark.parametrize(("back", "looked"), [
    (0, [3, 4]),  # none of the phones comes back (R15aq's mixmem.py): dropped after chunk 4
    (10, [3, 4]),  # one in ten, fewer than one in _RETURN (8): dropped
    (5, [3, 4, 5, 6]),  # one in five: kept (at one in four, as a mutant had it, it was not)
])
def test_a_table_whose_values_with_hits_stop_coming_back_is_dropped(
        monkeypatch: pytest.MonkeyPatch, back: int, looked: list[int]) -> None:
    """Four chunks of the same codes and phones (the table taken up), then the codes beside the
    phones of which one in ``back`` comes back, the others new: the first such chunk is looked up
    (more than half met: the codes); where too few values with hits were met again it drops the
    table, and the chunks after are not looked up."""
    calls = chunks_looked_up(monkeypatch)
    rng = random.Random(4)
    phones = [f"135{i:08d}" for i in range(CHUNK - 4505)]
    some = phones[::back] if back else []
    values = [v for k in range(7)
              for v in codes_phones(rng, phones if k < 4 else some, 4505, 0 if k < 4 else len(phones) - len(some))]
    scanner = Scanner(COMMON)
    found = list(scanner.scan_many(values))
    assert calls == looked, calls
    assert found == plain(scanner, values)


def test_values_met_once_count_as_met(monkeypatch: pytest.MonkeyPatch) -> None:
    """40 % the same codes, 5 % the same phones, 20 % the phones new in the chunk before, the rest
    new phones: 25 in 60 values with hits come back, so new ones are held from their second
    meeting; the table stays only because the values met once (20 %) count as met (45 % without)."""
    calls = chunks_looked_up(monkeypatch)
    rng = random.Random(6)
    fixed = [f"135{i:08d}" for i in range(410)]
    values: list[str] = []
    new = [f"13{rng.randrange(10**9):09d}" for _ in range(1638)]
    for _ in range(7):
        chunk = codes_phones(rng, fixed + new, 3277, CHUNK - 3277 - 410 - len(new))
        old = set(fixed + new)
        new = [v for v in chunk if v.startswith("13") and v not in old][:1638]
        values += chunk
    scanner = Scanner(COMMON)
    found = list(scanner.scan_many(values))
    assert calls == [3, 4, 5, 6], calls
    assert found == plain(scanner, values)


def test_a_column_flipping_between_repeating_and_new_chunks_takes_nothing_up(monkeypatch: pytest.MonkeyPatch) -> None:
    """RR15as-1: phones whose chunks take 95 % of the chunk before, then none, in turn. On 2af9be61
    each repeating chunk took the table up (kept 8,192 values) and the next, new, looked every
    value up and dropped it: 7-10 % slower than no table. Two chunks in a row must repeat."""
    held = held_after_each_keep(monkeypatch)
    rng = random.Random(9)
    values = [f"139{i:08d}" for i in range(CHUNK)]
    for k in range(1, 8):
        before = values[-CHUNK:]
        values += [before[i] if k % 2 and rng.random() < 0.95 else f"13{k}{i:08d}" for i in range(CHUNK)]
    scanner = Scanner(COMMON)
    found = list(scanner.scan_many(values))
    assert held == [], held
    assert found == plain(scanner, values)


def test_the_matches_held_over_several_chunks_are_at_most_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """Values of three phones, each chunk taking 70 % of the chunk before's: each keep holds fewer
    than LIMIT Matches, their sum more; the table starts again rather than hold them all."""
    held = held_after_each_keep(monkeypatch)
    rng = random.Random(8)
    values = [" ".join(f"139{rng.randrange(10**8):08d}" for _ in range(3)) for _ in range(CHUNK)]
    for _ in range(5):
        before = values[-CHUNK:]
        values += [rng.choice(before) if rng.random() < 0.7 else
                   " ".join(f"139{rng.randrange(10**8):08d}" for _ in range(3)) for _ in range(CHUNK)]
    scanner = Scanner(COMMON)
    found = list(scanner.scan_many(values))
    assert len(held) > 1 and max(held) <= repeats.LIMIT, held
    assert found == plain(scanner, values)


@pytest.mark.parametrize(("period", "looked"), [
    (13_000, [4, 5, 6]),  # the table bench's kind (12,996 values): 41 % from the chunk before, 59 % from the one before
    (2 * CHUNK + 1, [4, 5, 6]),  # every value from two chunks back
    (PERIOD, [3, 4, 5, 6]),  # from the chunk before: as before F15bc
])
def test_a_column_repeating_from_two_chunks_back_is_taken_up(
        monkeypatch: pytest.MonkeyPatch, period: int, looked: list[int]) -> None:
    """On 73b8afd3 the probe was the chunk before's only: a column of 13,000 values repeating
    takes 41 % of a chunk from the chunk before (under one in two: never taken up) and the rest
    from the one before it, so every value was met before yet every chunk was scanned (the table
    bench, 12,996 distinct values: 0.81 M values/s). The probes of the two chunks before are read
    together; the first look-up after such a take-up keeps the table whatever share it met (the
    table holds one chunk, the values met came from two)."""
    calls = chunks_looked_up(monkeypatch)
    values = column(period, 7 * CHUNK // period + 1)[:7 * CHUNK]
    scanner = Scanner(COMMON)
    found = list(scanner.scan_many(values))
    assert calls == looked, calls
    assert found == plain(scanner, values)
