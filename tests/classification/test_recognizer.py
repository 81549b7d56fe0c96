"""Recognizer.find_joined keeps its judgements (HitCache): a candidate that comes back is judged
and masked once, its Match equal to the one a fresh judgement gives, at its own place in its own
value; the judgements start again when the hour changes (an ID number's holder turns 14 on a
date), and a full table starts again rather than growing."""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import CodeType, FrameType, SimpleNamespace

import pytest

from govsoc.classification.batch import starts
from govsoc.classification.recognizer import HitCache, Match, Pattern, Recognizer, masked_text, new_matches
from govsoc.classification.recognizers.contact import MobileRecognizer
from govsoc.classification.scanner import Scanner

#: Enough values for scan_many's chunked path (it scans fewer than 64 one at a time).
FILLER = [f"办结 {n}" for n in range(80)]


def counting(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record every candidate MobileRecognizer.validate is asked about."""
    asked: list[str] = []
    original: Callable[[MobileRecognizer, str], str | None] = MobileRecognizer.validate

    def validate(self: MobileRecognizer, candidate: str) -> str | None:
        asked.append(candidate)
        return original(self, candidate)

    monkeypatch.setattr(MobileRecognizer, "validate", validate)
    return asked


def hits(scanner: Scanner, values: list[str]) -> dict[int, list[Match]]:
    return dict(scanner.scan_many(values))


def test_a_repeated_candidate_is_judged_once(monkeypatch: pytest.MonkeyPatch) -> None:
    asked = counting(monkeypatch)
    values = ["13812345678"] * 100 + ["13912345678"] * 50 + ["14012345678"] * 30 + FILLER
    found = hits(Scanner(["cn_mobile"]), values)
    # judged: each allocated number once, and the unallocated segment 140 refused once
    assert sorted(asked) == ["13812345678", "13912345678", "14012345678"]
    assert sorted(found) == list(range(150))
    assert {m.masked for ms in found.values() for m in ms} == {"138****5678", "139****5678"}


def test_a_cached_hit_keeps_its_place_in_its_own_value(monkeypatch: pytest.MonkeyPatch) -> None:
    """The same number at another place in another value is a Match of its own span."""
    values = ["13812345678", "tel 13812345678", "13812345678"] * 30 + FILLER
    found = hits(Scanner(["cn_mobile"]), values)
    fresh = MobileRecognizer()
    for index in (0, 1, 2, 88, 89):
        assert found[index] == list(fresh.find(values[index]))
    assert (found[0][0].start, found[1][0].start) == (0, 4)


def test_the_judgements_start_again_when_the_hour_changes(monkeypatch: pytest.MonkeyPatch) -> None:
    asked = counting(monkeypatch)
    scanner = Scanner(["cn_mobile"])
    values = ["13812345678"] * 70 + FILLER
    now = 1_790_000_000.0
    # the recognizer module's clock only (pytest keeps its own)
    monkeypatch.setattr("govsoc.classification.recognizer.time", SimpleNamespace(time=lambda: now))
    hits(scanner, values)
    hits(scanner, values)
    assert asked == ["13812345678"]  # the same hour: judged once over both scans
    now += 3600
    hits(scanner, values)
    assert asked == ["13812345678"] * 2


def test_a_full_table_starts_again(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(HitCache, "LIMIT", 100)
    scanner = Scanner(["cn_mobile"])
    values = [f"138{n:08d}" for n in range(150)]
    assert len(hits(scanner, values)) == 150
    (table,) = HitCache.of(scanner.recognizers["cn_mobile"]).tables.values()
    assert len(table) <= 100


def test_a_match_at_its_values_start_is_kept_by_its_text_alone() -> None:
    """The HitCache keys a match that starts its value by the matched text (a string hashed and
    compared as it is), one inside a value by (text, start): no tuple made a match for a
    column's values (the old keys were all tuples: 2 of 2 here). The two places give their own
    Matches."""
    scanner = Scanner(["cn_mobile"])
    values = ["13812345678", "tel 13812345678"] * 40
    found = hits(scanner, values)
    (table,) = HitCache.of(scanner.recognizers["cn_mobile"]).tables.values()
    assert sorted(table, key=str) == [("13812345678", 4), "13812345678"]
    assert (found[0][0].start, found[1][0].start) == (0, 4)
    assert found == {i: list(MobileRecognizer().find(v)) for i, v in enumerate(values)}


def test_new_matches_equals_match_field_by_field() -> None:
    made = new_matches("cn_mobile", [0, 4], [11, 15], iter(["138****5678", "139****5678"]), 0.6, iter(["a", "b"]))
    assert made == [Match(recognizer="cn_mobile", start=0, end=11, masked="138****5678", score=0.6, reason="a"),
                    Match(recognizer="cn_mobile", start=4, end=15, masked="139****5678", score=0.6, reason="b")]
    assert len({hash(m) for m in made}) == 2


def _scan_calling(values: list[str], watched: Callable[[CodeType], bool]) -> tuple[dict[int, list[Match]], list[str]]:
    """A cn_mobile Scanner's scan_many of ``values`` and the Python functions it called that
    ``watched`` picks (by name), seen by a profile hook."""
    calls: list[str] = []

    def count(frame: FrameType, event: str, _: object) -> None:
        if event == "call" and watched(frame.f_code):
            calls.append(frame.f_code.co_name)

    scanner = Scanner(["cn_mobile"])
    sys.setprofile(count)
    try:
        found = dict(scanner.scan_many(values))
    finally:
        sys.setprofile(None)
    return found, calls


def test_the_joined_scan_builds_its_matches_together() -> None:
    """No Python frame per hit builds a Match (Recognizer._match, new_match): they cost more
    than the check of a mobile number itself; the Matches equal find()'s."""
    values = [f"139{n:08d}" for n in range(500)] + [f"tel 138{n:08d} / 139{n:08d}" for n in range(500)]
    found, calls = _scan_calling(values, lambda code: code.co_name in ("_match", "new_match"))
    assert calls == []
    fresh = MobileRecognizer()
    assert found == {i: list(fresh.find(v)) for i, v in enumerate(values)}


def test_the_joined_scan_calls_the_masking_rule_itself() -> None:
    """A recognizer that keeps the base class's mask() has each new hit masked by its rule
    directly (not Recognizer.mask -> masking.mask -> the rule: two Python calls a hit); one
    that has its own mask() is still asked. The masked values equal find()'s."""
    from govsoc.classification import masking

    values = [f"139{n:08d}" for n in range(300)]

    class OwnMask(MobileRecognizer):
        def mask(self, text: str) -> str:
            return "own"

    found, names = _scan_calling(values, lambda code: code.co_name == "mask")
    assert names == []
    assert found == {i: list(MobileRecognizer().find(v)) for i, v in enumerate(values)}
    assert found[0][0].masked == masking.mask("mobile", values[0]) != values[0]
    own = Scanner(["cn_mobile"])
    own.recognizers["cn_mobile"] = OwnMask()
    assert {m.masked for _, hits in own.scan_many(values) for m in hits} == {"own"}


def test_the_joined_scan_masks_a_chunks_new_hits_together() -> None:
    """A chunk's new mobile numbers are masked by the rule's bulk form (masking.mask_many):
    a few Python calls in the masking module for the chunk, not one or two a hit (the old path
    called _mobile and _digits for each: 1,000 calls for these 500). The masked values equal
    find()'s."""
    values = [f"139{n:08d}" for n in range(500)]
    found, calls = _scan_calling(values, lambda code: code.co_filename.endswith("masking.py"))
    assert len(calls) <= 10, calls[:12]
    assert found == {i: list(MobileRecognizer().find(v)) for i, v in enumerate(values)}
    assert found[7][0].masked == "139****0007"


class _TwoPatterns(Recognizer):
    """Not registered: a later pattern that overlaps the first of an earlier pattern's two hits."""

    id = "test_two_patterns"
    entity = "test"
    category = "test"
    TRIGGER = r"\d"
    PATTERNS = (Pattern("three digits", r"(?<![0-9])[0-9]{3}(?![0-9])", 0.5),
                Pattern("one and two digits", r"(?<![0-9])1[0-9]{2}(?![0-9])", 0.5))

    def validate(self, candidate: str) -> str | None:
        return "digits"


def test_a_later_pattern_skips_every_earlier_hit_of_a_value() -> None:
    """find_joined = find_folded per value when a value holds two hits of the first pattern and
    the second pattern matches where the first of them is (it kept only the last span)."""
    rec = _TwoPatterns()
    values = ["123 456", "777", "456 123"]
    hits, _ = rec.find_joined("\x00".join(values), starts(values))
    assert [(i, m) for i, m in hits] == [(i, m) for i, v in enumerate(values) for m in rec.find_folded(v)]
    assert [(m.start, m.end) for i, m in hits if i == 0] == [(0, 3), (4, 7)]


class _ThreePatterns(_TwoPatterns):
    """Not registered: as _TwoPatterns, and a third pattern that never overlaps the first."""

    id = "test_three_patterns"
    PATTERNS = (*_TwoPatterns.PATTERNS, Pattern("two digits", r"(?<![0-9])[0-9]{2}(?![0-9])", 0.5))


def test_a_later_pattern_looks_at_earlier_spans_only_of_values_it_matches_again() -> None:
    """find_joined of a recognizer with several patterns keeps the values an earlier pattern
    hit as a set filled by C code, and looks their spans up only for the values a later pattern
    matches in again: no Python step per earlier hit (counted as calls of built-ins from
    find_joined's frame: two per hit before). The hits equal find_folded's of each value, with
    the later patterns' overlapping hits skipped and their other hits kept."""
    rec = _ThreePatterns()
    values = [f"{n % 900 + 100}" for n in range(3000)]  # first pattern only (and the second, inside)
    values[10:10] = ["123 45", "67", "555 189 22", "x"]  # a value with all three, each pattern alone
    steps: list[str] = []

    def count(frame: FrameType, event: str, arg: object) -> None:
        if event == "c_call" and frame.f_code.co_name == "find_joined":
            steps.append(getattr(arg, "__name__", "?"))

    sys.setprofile(count)
    try:
        hits, _ = rec.find_joined("\x00".join(values), starts(values))
    finally:
        sys.setprofile(None)
    assert hits == [(i, m) for i, v in enumerate(values) for m in rec.find_folded(v)]
    assert [(m.start, m.end) for i, m in hits if i == 12] == [(0, 3), (4, 7), (8, 10)]
    assert [(m.start, m.end) for i, m in hits if i == 10] == [(0, 3), (4, 6)]
    assert len(steps) < 200, sorted(set(steps))


def test_find_joined_places_many_matches_without_a_bisect_each(monkeypatch: pytest.MonkeyPatch) -> None:
    """A pattern's many matches are placed in their values by one vectorised search, not a
    bisect per match; the hits equal find_folded's of each value, at the values' edges, in
    empty values' neighbours and in the last value too."""
    from bisect import bisect_right

    bisected: list[int] = []

    def counted(offsets: list[int], at: int) -> int:
        bisected.append(at)
        return bisect_right(offsets, at)

    monkeypatch.setattr("govsoc.classification.recognizer.bisect_right", counted)
    values = [f"139{n:08d}" if n % 3 else f"tel 138{n:08d}, 139{n:08d}" for n in range(600)]
    values[5:5] = ["", "", "13800138000", ""]
    values.append("13912345678")
    rec = MobileRecognizer()
    hits, matched = rec.find_joined("\x00".join(values), starts(values))
    assert hits == [(i, m) for i, v in enumerate(values) for m in rec.find_folded(v)]
    assert matched == {i for i, v in enumerate(values) if v}
    assert len(hits) > 800 and bisected == []
    few = ["x", "13800138000"]  # a few matches: bisect is cheaper than setting numpy up
    assert rec.find_joined("\x00".join(few), starts(few))[0] == [(1, rec.find_folded(few[1])[0])]


def _with_check(body17: str) -> str:
    from govsoc.classification.checksums import resident_id_check_char

    return body17 + resident_id_check_char(body17)


def _id_rows() -> list[str]:
    """ID-number candidates at every edge validate tests, each as the joined scan hands them over
    (separators removed, upper case)."""
    from datetime import date, timedelta

    today = date.today()
    fourteen_ago = today.replace(year=today.year - 14) if (today.month, today.day) != (2, 29) else date(
        today.year - 14, 3, 1)
    rows = [
        _with_check("11010519491231002"),             # a valid number
        _with_check("81000019900101123"),             # Hong Kong residence permit (reason names it)
        _with_check("83000019900101123"),             # Taiwan residence permit
        _with_check("71000019900101123"),             # Taiwan region code itself: a plain region
        _with_check("99010519491231002"),             # no such region
        _with_check("00010519491231002"),             # no such region
        "11010519491231002" + "0",                    # wrong check character (right is X)
        _with_check("11010520000229002"),             # 29 February of a leap year
        _with_check("11010519000229002"),             # 1900 was not a leap year
        _with_check("11010520010229002"),             # nor was 2001
        _with_check("11010519491331002"),             # month 13
        _with_check("11010519490031002"),             # month 0
        _with_check("11010519490100002"),             # day 0
        _with_check("11010519490132002"),             # 32 January
        _with_check("11010519490431002"),             # 31 April
        _with_check("11010500000101002"),             # year 0: no such date
        _with_check("110105" + fourteen_ago.strftime("%Y%m%d") + "002"),   # 14 today: not a minor
        _with_check("110105" + (fourteen_ago + timedelta(days=1)).strftime("%Y%m%d") + "002"),  # 14 tomorrow
        _with_check("110105" + today.strftime("%Y%m%d") + "002"),          # born today
        _with_check("110105" + (today + timedelta(days=1)).strftime("%Y%m%d") + "002"),  # born tomorrow
        _with_check("11010520120229002"),             # born 29 February 2012: 14th birthday 1 March 2026
        "1101051949123100２X",                         # a non-ASCII digit
        "11010519491231002",                          # 17 characters
        _with_check("11010519491231002") + "1",       # 19 characters
        "1101051949123100A2",                         # a letter in the body
    ]
    return rows


def test_id_numbers_are_judged_with_one_check_computation(monkeypatch: pytest.MonkeyPatch) -> None:
    """F15bc: the joined scan screened a chunk's new ID numbers by MOD 11-2 (numpy) and then
    judged the kept ones by validate_many, which computes MOD 11-2 again: on 73b8afd3 two check
    computations a judgement, one now. The hits are scan()'s, for real numbers (70 %) and wrong
    check characters alike."""
    import random

    from govsoc.classification import check_vectors
    from govsoc.classification.recognizers import identity

    computed: list[int] = []
    real = check_vectors.mod11_2_check_bytes

    def counted(body: object) -> object:
        computed.append(len(body))  # type: ignore[arg-type]
        return real(body)  # type: ignore[arg-type]

    rng = random.Random(16)
    values = []
    for _ in range(2000):
        body = f"{rng.choice(['110105', '330102', '440305'])}{rng.randrange(1950, 2020)}0{rng.randrange(1, 10)}1" \
               f"{rng.randrange(1, 10)}{rng.randrange(1000):03d}"
        values.append(_with_check(body) if rng.random() < 0.7 else body + rng.choice("0123456789X"))
    scanner = Scanner(("cn_resident_id",))
    expected = [(i, scanner.scan(v)) for i, v in enumerate(values) if scanner.scan(v)]
    monkeypatch.setattr(check_vectors, "mod11_2_check_bytes", counted)
    monkeypatch.setattr(identity, "mod11_2_check_bytes", counted)
    found = list(Scanner(("cn_resident_id",)).scan_many(values))
    assert found == expected and len(found) > 1000
    assert computed == [len(set(values))], computed


def test_id_numbers_judged_together_as_validate_judges_each() -> None:
    """ResidentIdRecognizer.validate_many (numpy: region, calendar date, not in the future,
    MOD 11-2, under 14) answers every candidate as validate does, reason included."""
    import random

    from govsoc.classification.recognizers.identity import ResidentIdRecognizer

    rec = ResidentIdRecognizer()
    rows = _id_rows()
    rng = random.Random(15)
    for _ in range(3000):  # random regions, dates (some impossible) and check characters
        region = f"{rng.choice(['11', '33', '65', '81', '82', '83', '71', '99', '10'])}{rng.randrange(10**4):04d}"
        born = f"{rng.randrange(1890, 2040)}{rng.randrange(0, 14):02d}{rng.randrange(0, 33):02d}"
        body = f"{region}{born}{rng.randrange(1000):03d}"
        rows.append(_with_check(body) if rng.random() < 0.7 else body + rng.choice("0123456789X"))
    expected = [rec.validate(r) for r in rows]
    assert rec.validate_many(rows) == expected
    assert sum(w is not None for w in expected) > 1000 and any(w and "under 14" in w for w in expected)
    assert [w is not None for w in expected[:21]] == [True, True, True, True, False, False, False, True, False,
                                                      False, False, False, False, False, False, False, True, True,
                                                      True, False, True]


def test_the_joined_scan_judges_id_numbers_together() -> None:
    """A table's ID numbers are many and distinct: the joined scan judges a chunk's new ones by
    validate_many at once, no Python call of the scalar test per number; hits equal find()'s."""
    from govsoc.classification.recognizers.identity import ResidentIdRecognizer

    values = [_with_check(f"330106{1950 + n % 60}{1 + n % 12:02d}{1 + n % 28:02d}{n % 1000:03d}") for n in range(600)]
    values += [v[:-1] + ("0" if v[-1] != "0" else "1") for v in values[:100]]  # wrong check characters
    calls: list[str] = []

    def count(frame: FrameType, event: str, _: object) -> None:
        if event == "call" and frame.f_code.co_name in ("_why_id18", "validate"):
            calls.append(frame.f_code.co_name)

    scanner = Scanner(["cn_resident_id"])
    sys.setprofile(count)
    try:
        found = dict(scanner.scan_many(values))
    finally:
        sys.setprofile(None)
    assert calls == []
    fresh = ResidentIdRecognizer()
    assert found == {i: hits for i, v in enumerate(values) if (hits := list(fresh.find(v)))}
    assert len(found) == 600


ID_NUMBER = "11010519491231002X"  # GB 11643 check character X is right
PHONE = "13912345678"
JAMO = "\u1100\u1161\u11a8"  # Hangul jamo NFKC composes into one syllable (각): 3 -> 1


@pytest.mark.parametrize("value", [
    # U+FDFA (NFKC: 18 characters) before the ID, 8 jamo syllables and e + U+0301 after it:
    # +17 - 16 - 1, the total length unchanged
    f"\ufdfa {ID_NUMBER} {JAMO * 8}e\u0301",
    # № (-> "No", +1) before the phone, u + U+0308 (-> ü, -1) after it
    f"\u2116 {PHONE} Lu\u0308",
    # a composition before the ID, an expansion (℃ -> °C) between the ID and the phone
    f"e\u0301 {ID_NUMBER} \u2103 {PHONE}",
    # expansions (℃, ㎡, ﬁ: +3) and jamo (-2) before both numbers, u + U+0308 (-1) after them
    f"\u2103\u33a1\ufb01 {JAMO} {ID_NUMBER}, {PHONE} u\u0308",
])
def test_spans_stay_in_the_values_coordinates_when_nfkc_lengthens_and_composes(value: str) -> None:
    """R15-1: an expansion and a composition in one value cancelled out in length, so the whole
    value's NFKC was kept and every span after them shifted: masked_text showed 17 of the ID
    number's 18 digits in clear. Both paths (scan and the chunked scan_many) mask the numbers
    where they stand and leave every other character as it was."""
    scanner = Scanner()
    shown = {text: scanner.scan(text)[0].masked for text in (ID_NUMBER, PHONE)}
    expected = value
    for text, masked in shown.items():
        expected = expected.replace(text, masked)
    assert masked_text(value, scanner.scan(value)) == expected
    values = [*FILLER, value, *FILLER]
    found = hits(scanner, values)
    assert list(found) == [len(FILLER)]
    assert masked_text(value, found[len(FILLER)]) == expected
