"""The chunked fast path of Scanner.scan_many (govsoc.classification.batch) gives exactly the
findings of the plain path: every pattern of every recognizer tried on every value, one value at
a time. Checked on the evaluation set and on hostile values (the separator inside a value, line
breaks, very long cells, full-width and other folded digits, GBK text, composing accents)."""

from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Iterator
from functools import cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govsoc.classification.batch import SEP, ShapeGate, chunk_text, signatures, starts
from govsoc.classification.cn_codes import CARD_ISSUERS
from govsoc.classification.evaluation import labelled_columns, labelled_values
from govsoc.classification.recognizer import Match, normalize
from govsoc.classification.repeats import CHUNK
from govsoc.classification.scanner import CLASSES, Scanner, _resolve
from govsoc.classification.tagging import AT_INGEST

COMMON = ("cn_resident_id", "cn_mobile", "cn_bank_card", "email", "ipv4", "cn_uscc")
SETS = {"common": COMMON, "ingest": AT_INGEST, "all": None}


def plain(scanner: Scanner, values: list[str], context: frozenset[str]) -> list[tuple[int, list[Match]]]:
    """The naive path: every recognizer's find() on every value, overlaps resolved as scan() does;
    context words inside a Chinese value (联系人, 护照 ...) add to the column's context as in scan()."""
    out = []
    for index, value in enumerate(values):
        named = context | scanner._inline_context(value)
        found = [m for r in scanner.recognizers.values() for m in r.find(value, context=r.id in named)]
        hits = _resolve(found, named) if len(found) > 1 else found
        if hits:
            out.append((index, hits))
    return out


@cache
def evaluation_values() -> list[str]:
    values = [item.value for item in labelled_values(seed=5, per_type=12)]
    values += [v for sample, _ in labelled_columns(seed=5, rows=12) for v in sample.values]
    return values


@pytest.mark.parametrize("name", sorted(SETS))
def test_same_findings_as_the_plain_path_on_the_evaluation_set(name: str) -> None:
    scanner = Scanner(SETS[name])
    values = evaluation_values()
    contexts = [frozenset(), frozenset(scanner.recognizers),  # no column context; every kind named
                frozenset({"cn_person_name", "cn_landline", "cn_passport"})]  # context-only kinds named
    for context in contexts:
        expected = plain(scanner, values, context)
        assert len(values) >= 64 and 0 < len(expected) < len(values)  # the chunked path runs; hits and misses
        assert list(scanner.scan_many(values, context)) == expected


#: Hostile values, each put between ordinary positives and negatives; why each is there.
HOSTILE = [
    f"身份证{SEP}11010519491231002X",                  # the separator inside a value: the chunk is not joined
    f"13800138000{SEP}",                               # the separator right after a number
    "13800138000\n11010519491231002X",                 # a line break between two hits
    "电话：\r\n13912345678\r\n",                        # CR LF around a number
    "x" * 40_000 + " 11010519491231002X " + "y" * 2000,  # a very long cell: hit deep inside
    "a b " * 10_000 + "zhang.san@example.com",         # long, many words: its class string is not kept
    "１３８００１３８０００",                            # full-width digits (NFKC folds them)
    "138００138０00",                                  # mixed-width digits in one number
    "１１０１０５１９４９１２３１００２Ｘ",              # full-width ID number with full-width X
    "ｚｈａｎｇ＠ｅｘａｍｐｌｅ．ｃｏｍ",                 # full-width e-mail address
    "138–0013–8000",                                   # en dashes between groups (folded to '-')
    "110105‐19491231‐002X",                            # Unicode hyphens in 6-8-4 groups
    "13800138000 a\u0301 ™",                           # NFKC would compose á and widen ™: folded per character
    "¹³⁸⁰⁰¹³⁸⁰⁰⁰",                                     # superscript digits fold to a mobile number
    "①③⑧００１３８０００",                                # circled digits fold to digits too
    "١٣٨٠٠١٣٨٠٠٠",                                     # Arabic-Indic digits: not folded, no hit
    "??13800138000??",                                 # '?' is what stands for non-ASCII in signatures
    "身份证11010519491231002X".encode().decode("gbk", errors="replace"),  # UTF-8 read as GBK (mojibake)
    "联系人：王小明，电话１３９１２３４５６７８".encode("gbk").decode("gbk"),  # GBK round trip, full-width phone
    "\uf900 13800138000",                             # CJK compatibility ideograph U+F900 (NFKC changes it)
    "护照 E12345678",                                  # an inline context word makes a passport count
    "浙江省杭州市西湖区文三路100号",                    # an address (Chinese-text recognizers)
    "10.0.0.1\x1f192.168.1.1",                         # the old separator between two addresses
    "",                                                # empty
]


@pytest.mark.parametrize("hostile", HOSTILE, ids=[f"row{i}" for i in range(len(HOSTILE))])
def test_same_findings_as_the_plain_path_on_hostile_values(hostile: str) -> None:
    ordinary = ["11010519491231002X", "13800138000", "6222020200112233445", "李四", "2024-01-02", "订单 202401021234",
                "zhang@example.com", "192.168.0.1", "91110000100000000T", "0.00"]
    values = [hostile, *ordinary * 4, hostile, *ordinary * 3, hostile]  # first, inside and last; >= 64 values
    for name, ids in SETS.items():
        scanner = Scanner(ids)
        for context in (frozenset(), frozenset({"cn_mobile", "cn_passport"})):
            assert list(scanner.scan_many(values, context)) == plain(scanner, values, context), (name, context)


def test_hostile_rows_are_meaningful() -> None:
    """Rows above that the plain path finds something in (else they could not catch a loss)."""
    scanner = Scanner(COMMON)
    found = {v: {m.recognizer for m in scanner.scan(v)} for v in HOSTILE}
    assert "cn_mobile" in found["13800138000 a\u0301 ™"]  # found with its span in the value's coordinates
    assert "cn_mobile" in found["¹³⁸⁰⁰¹³⁸⁰⁰⁰"] and "cn_mobile" in found["138–0013–8000"]
    assert "cn_resident_id" in found[HOSTILE[4]] and "email" in found[HOSTILE[5]]
    assert not found["١٣٨٠٠١٣٨٠٠٠"]


def test_chunks_longer_than_one_and_every_value_accounted() -> None:
    scanner = Scanner(COMMON)
    values = (evaluation_values() + HOSTILE[2:4]) * 20
    values = values[:CHUNK + 300]
    assert list(scanner.scan_many(values)) == plain(scanner, values, frozenset())


def test_chunk_text_keeps_offsets_and_folds_like_normalize() -> None:
    values = ["１３８", "abc", "豈", "138–0013", "", "x\ny"]
    joined = chunk_text(values)
    assert joined is not None
    blob, text = joined.blob, joined.text
    assert blob == SEP.join(values) and len(text) == len(blob)
    assert text.split(SEP) == [normalize(v) for v in values]
    assert [blob[s:s + len(v)] for s, v in zip(starts(values), values, strict=True)] == values
    assert chunk_text(["a", f"b{SEP}c"]) is None  # a value holds the separator


def test_values_with_one_hit_are_paired_by_c_code_beside_a_value_with_two() -> None:
    """A log line with two addresses does not send the whole chunk's values through a Python
    loop: the values with one hit are still listed by C code, only the one with two is grouped
    (no Python step in the scanner per value: counted as calls of built-ins from its frames)."""
    values = [f"accepted from 10.0.{n // 250}.{n % 250 + 1}" for n in range(3000)]
    values[1500] = "from 10.9.9.9 to 10.8.8.8"
    scanner = Scanner(COMMON)
    steps = []

    def count(frame: object, event: str, arg: object) -> None:
        if event == "c_call" and frame.f_code.co_filename.endswith("scanner.py"):  # type: ignore[attr-defined]
            steps.append(getattr(arg, "__name__", "?"))

    sys.setprofile(count)
    try:
        found = list(scanner.scan_many(values))
    finally:
        sys.setprofile(None)
    assert len(steps) < 300, sorted(set(steps))  # per chunk and per value with two hits, not per value
    assert found == plain(scanner, values, frozenset()) and len(found[1500][1]) == 2


class _CountedLength(str):
    """A value that counts how often its length is asked for."""

    asked = 0

    def __len__(self) -> int:
        _CountedLength.asked += 1
        return super().__len__()


def test_folding_compares_lengths_of_the_values_nfkc_changed_only() -> None:
    """chunk_text finds the values NFKC changed by identity (NFKC gives back a value it leaves
    alone) and compares lengths of those only, not of every value of the chunk; the result is
    normalize() of each value all the same ('…' lengthened by NFKC stays as it is)."""
    values = [_CountedLength(v) for v in ["张三", "abc", "１３８", "办结", "x…y", "—", "ok"] * 100]
    _CountedLength.asked = 0
    joined = chunk_text(values)
    asked = _CountedLength.asked
    assert joined is not None
    text, folded = joined.text, joined.folded
    assert text == SEP.join(map(normalize, values)) and folded == list(map(normalize, values))
    assert asked < len(values)  # asked of the two values NFKC changes ('１３８', 'x…y'), not of every value


def test_signatures_are_class_strings() -> None:
    # digits 0, letters a, space and '-' s, '.@:' kept, other ASCII and every non-ASCII character x
    assert signatures(SEP.join(["138 0013-8000", "a.b@c:d", "张3", "(1)"])) == [
        b"000s0000s0000", b"a.a@a:a", b"x0", b"x0x"]


def test_values_without_a_shape_are_not_looked_at() -> None:
    """Counting work, not time: dates, amounts, words and statuses never reach a recognizer."""
    scanner = Scanner(COMMON)
    values = ["2024-01-02", "0.00", "正常", "已办结", "男", "ck015", "市公安局", "5"] * 500
    assert list(scanner.scan_many(values)) == []
    assert scanner.examined == 0
    values[1234] = "13800138000"
    assert [i for i, _ in scanner.scan_many(values)] == [1234] and scanner.examined == 1
    values[99] = "张三 13800138000"  # not ASCII: gated all the same
    assert [i for i, _ in scanner.scan_many(values)] == [99, 1234] and scanner.examined == 3


def test_a_chunks_repeated_values_are_looked_at_once() -> None:
    """A log repeats its messages and a column its values: each distinct value of a chunk is
    searched once and its hits are given to every value equal to it (each its own list)."""
    scanner = Scanner(COMMON)
    values = ["sshd: Failed password from 10.1.2.3", "13800138000", "正常", "zhang@example.com"] * 300
    found = list(scanner.scan_many(values))
    assert found == plain(scanner, values, frozenset())
    assert len(found) == 900 and scanner.examined == 3  # 900 values with hits, 3 distinct ones looked at
    found[0][1].clear()  # a caller may change what it was given
    assert found[3][0] == 4 and found[3][1] == scanner.scan(values[4]) != []


def test_after_a_chunk_of_distinct_values_a_set_tells_whether_the_next_repeats(monkeypatch: pytest.MonkeyPatch) -> None:
    """Mapping each value of a chunk to its first equal one costs five times a set of them, and
    is wasted on a chunk of distinct values (most of a table's): after such a chunk the next is
    counted by a set first and mapped only when it repeats. A column that starts repeating is
    then still scanned once per distinct value, and the findings are those of the plain path."""
    import govsoc.classification.repeats as repeats_module

    mapped: list[int] = []
    first_of_each = repeats_module._first_of_each

    def counted(chunk: list[str]) -> tuple[dict[str, int], list[int]]:
        mapped.append(len(chunk))
        return first_of_each(chunk)

    monkeypatch.setattr(repeats_module, "_first_of_each", counted)
    distinct = [f"139{n:08d}" if n % 2 else f"order {n}" for n in range(3 * CHUNK)]
    repeating = ["13800138000", "办结", "zhang@example.com", "order 7"] * (CHUNK // 4)
    values = distinct + repeating + distinct[:CHUNK]
    scanner = Scanner(COMMON)
    found = list(scanner.scan_many(values))
    assert found == plain(scanner, values, frozenset())
    # the first distinct chunk mapped; the next two only counted; the repeating one mapped, and
    # the distinct one after it mapped (the chunk before it repeated)
    assert mapped == [CHUNK, CHUNK, CHUNK]
    assert scanner.examined == 3 * CHUNK // 2 + 2 + CHUNK // 2  # phones of distinct chunks; 2 of 4 repeated


def test_a_chunks_hits_are_handed_out_without_a_python_frame_per_value() -> None:
    """scan_many lists a chunk's (index, hits) at once and hands them out by C code: no Python
    frame of the scanner runs (or resumes) per value with a hit, only per chunk; the hits are
    the plain path's, repeated values (a chunk scanned over its distinct values) included."""
    values = [f"139{n:08d}" for n in range(3 * CHUNK)] + ["13800138000", "正常"] * (CHUNK // 2)
    scanner = Scanner(COMMON)
    resumed = []

    def count(frame: object, event: str, arg: object) -> None:
        code = frame.f_code  # type: ignore[attr-defined]
        if event == "call" and code.co_filename.endswith("scanner.py"):
            resumed.append(code.co_name)

    found = []
    it = scanner.scan_many(values)
    sys.setprofile(count)
    try:
        for pair in it:
            found.append(pair)
    finally:
        sys.setprofile(None)
    assert len(found) == 3 * CHUNK + CHUNK // 2
    assert len(resumed) < 50, sorted(set(resumed))  # a few calls a chunk (4 chunks), not one a value
    assert found == plain(scanner, values, frozenset())


def test_the_shape_table_keeps_short_signatures_only_and_is_bounded() -> None:
    scanner = Scanner(COMMON)
    gate: ShapeGate = scanner._plan(frozenset()).shape_gate
    list(scanner.scan_many(["x" * 100 + str(i) for i in range(100)]))
    assert all(len(k) <= ShapeGate.KEEP for k in gate)
    for i in range(ShapeGate.LIMIT + 10):
        gate[str(i).encode()]
    assert len(gate) <= ShapeGate.LIMIT


def test_card_issuer_ranges_share_their_first_digit() -> None:
    """card_issuer looks rows up by first digit: right only while both ends of a range share it."""
    assert all(low[0] == high[0] for low, high, _, _ in CARD_ISSUERS)


def test_ipv4_validation_accepts_what_ipaddress_accepts() -> None:
    """The dotted-quad check (one regular expression, for speed) against the standard library:
    octets 0-255, no leading zeros (ipaddress rejects them since Python 3.9.5)."""
    import ipaddress
    from itertools import product

    octets = ["0", "1", "9", "10", "99", "100", "199", "200", "249", "250", "255", "256", "299", "300", "999",
              "00", "01", "010", "099", "000"]
    rec = Scanner(["ipv4"]).recognizers["ipv4"]
    for a, b in product(octets, repeat=2):
        for candidate in (f"{a}.{b}.1.2", f"1.{a}.2.{b}", f"{b}.3.{a}.4"):
            try:
                ipaddress.IPv4Address(candidate)
                valid = True
            except ValueError:
                valid = False
            assert (rec.validate(candidate) is not None) == valid, candidate


_PIECES = ["11010519491231002X", "13800138000", "6222020200112233445", "zhang@example.com", "10.1.2.3",
           "91110000100000000T", "138", "0013", "8000", "１３８", "００１３８０００", "–", "‐", "-", " ", "\n", SEP,
           "\x1f", "?", "a", "\u0301", "™", "¹", "张三", "电话", "护照", "E12345678", "号", ".", "@", "0", "1", "9"]
#: Three kinds of chunk: with the separator somewhere (scanned value by value), without it, and
#: without it and without anything NFKC changes (the joined text is used as it is, dashes aside).
_KINDS = {"any": _PIECES, "joined": [p for p in _PIECES if p != SEP],
          "joined, NFKC-stable": [p for p in _PIECES if p != SEP and unicodedata.is_normalized("NFKC", p)]}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(_KINDS)).flatmap(
    lambda kind: st.lists(st.lists(st.sampled_from(_KINDS[kind]), max_size=6).map("".join), min_size=64, max_size=90)))
def test_same_findings_as_the_plain_path_on_generated_values(values: list[str]) -> None:
    """Values glued from pieces that meet at every boundary: numbers split by dashes, accents,
    full-width digits, separators, context words."""
    for ids in (COMMON, AT_INGEST):
        scanner = Scanner(ids)
        assert list(scanner.scan_many(values)) == plain(scanner, values, frozenset())


def test_a_recognizer_that_overrides_find_is_asked_through_find() -> None:
    """The chunked path calls find_folded only where find() is the base class's: a plug-in's own
    find() (here: numbers at the start of the value only) is what decides."""
    from govsoc.classification.recognizers.contact import MobileRecognizer

    class LeadingMobile(MobileRecognizer):
        def find(self, value: str, *, context: bool = False) -> Iterator[Match]:
            return (m for m in super().find(value, context=context) if m.start == 0)

    scanner = Scanner(COMMON)
    scanner.recognizers["cn_mobile"] = LeadingMobile()
    values = ["备注 13800138000", "13800138000"] * 40
    found = list(scanner.scan_many(values))
    assert [i for i, _ in found] == list(range(1, 80, 2))
    assert found == [(i, scanner.scan(v)) for i, v in enumerate(values) if scanner.scan(v)]


def test_only_patterns_that_cannot_match_the_separator_run_over_joined_values() -> None:
    """joinable: a pattern that could match SEP (., [^..], \\D, \\S, \\W) or tests a position
    (^, $, \\b) would find across or at the edge of a value what it does not find in the value alone."""
    from govsoc.classification.batch import joinable
    from govsoc.classification.recognizer import Pattern
    from govsoc.classification.recognizers.contact import EmailRecognizer

    scanner = Scanner(COMMON)
    assert all(joinable(r, False) for r in scanner.recognizers.values())
    for regex in (r"\d+.\d+", r"[^@]+@x", r"\D\d{11}", r"\S+@\S+", r"\W\d", r"^\d{11}", r"\d{11}$", r"\b\d{11}\b",
                  r"(?<!\S)\d{11}", r"\d{11}(?!\S)", "[\x00-\x20]1", r"[^\x01-\x7f]1", r"(?s:.)1"):

        class Loose(EmailRecognizer):
            PATTERNS = (Pattern("loose", regex, 0.5),)

        assert not joinable(Loose(), False), regex

    class Tight(EmailRecognizer):
        PATTERNS = (Pattern("tight", r"(?<![0-9A-Za-z])[1-9](?P<s>[ -])?\d{3}(?P=s)\d{4}(?![0-9A-Za-z]|\.\d)", 0.5),)

    assert joinable(Tight(), False)

    class Labelled(EmailRecognizer):  # [^\x00]: every character but the separator
        PATTERNS = (Pattern("labelled", r"\d(?<![a-z][^\x00]\d)\d{10}(?![0-9A-Za-z])", 0.5),)

    assert joinable(Labelled(), False)


def test_joined_find_gives_each_values_hits_in_its_order() -> None:
    """find_joined over joined values = find_folded of each value, hits at the values' edges
    included; a recognizer with two patterns keeps pattern-then-position order per value."""
    scanner = Scanner(None)
    values = ["110101199003077715", "13800138000 6222020200112233445", "a@b.cn", "", "110101 19900307 7715 x",
              "13800138000", "1.2.3.4", "91330106MA2H0BUL8X"]
    text = SEP.join(values)
    for rec in scanner.recognizers.values():
        hits, matched = rec.find_joined(text, starts(values), context=True)
        expected = [(i, m) for i, v in enumerate(values) for m in rec.find_folded(v, context=True)]
        assert hits == expected, rec.id
        assert {i for i, _ in hits} <= matched


_IP_PIECES = ["1", "25", "255", "256", "0", "01", "999", "1234", ".", "..", "a", "Z", "-", " ", ":", SEP, "张", "１",
              "v"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_IP_PIECES), max_size=24).map("".join))
def test_search_forms_find_what_the_patterns_find(text: str) -> None:
    """A pattern's search form (Pattern.search: the look-behind after the first character, so
    that re skips to where a match can start) finds the same spans as the pattern as written."""
    scanner = Scanner(None)
    rows = [(r.id, a, b) for r in scanner.recognizers.values()
            for (_, a), (_, b) in zip(r._compiled, r._searching, strict=True) if a.pattern != b.pattern]
    assert any(i == "ipv4" for i, _, _ in rows)
    for ident, plain_form, search_form in rows:
        assert [m.span() for m in search_form.finditer(text)] == [m.span() for m in plain_form.finditer(text)], ident


def test_search_form_rows_are_meaningful() -> None:
    """Texts where the look-behind decides: an address after a letter, digit or dot is none."""
    rec = Scanner(["ipv4"]).recognizers["ipv4"]
    (_, search_form), = rec._searching
    assert [m.group() for m in search_form.finditer("1.2.3.4 a1.2.3.4 .1.2.3.4 11.2.3.4 x:10.0.0.1")] == [
        "1.2.3.4", "11.2.3.4", "10.0.0.1"]


def test_a_chunk_joins_its_candidate_values_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """scan_many joins a chunk's candidate values once, grouped by which recognizers they are a
    candidate of: every joined recognizer searches that one text, only within the spans of the
    values whose class string holds one of its shapes (before, each recognizer joined and
    offset its own selection again)."""
    scanner = Scanner(COMMON)
    values = ["13800138000", "a@b.cn 13800138000", "办结", "110101199003077715", "10.0.0.1", "6222020200112233445",
              "91330106MA2H0BUL8X", "x"] * 10
    seen: list[tuple[str, str, list[tuple[int, int]]]] = []
    for rec in scanner.recognizers.values():
        def spy(text: str, offsets: list[int], *, rec: object = rec, real: object = rec.find_joined,
                **kwargs: object) -> object:
            seen.append((rec.id, text, kwargs["within"]))  # type: ignore[attr-defined]
            return real(text, offsets, **kwargs)  # type: ignore[operator]

        monkeypatch.setattr(rec, "find_joined", spy)
    found = list(scanner.scan_many(values))
    assert found == plain(scanner, values, frozenset())
    assert len({text for _, text, _ in seen}) == 1  # one joined text for every recognizer
    text = seen[0][1]
    for ident, _, within in seen:
        rec = scanner.recognizers[ident]
        assert len(within) == len(rec.PATTERNS)  # spans per pattern
        for pattern, spans in zip(rec.PATTERNS, within, strict=True):
            searched = sorted(v for start, end in spans for v in text[start:end].split(SEP))
            # (each distinct value once: the ten copies of each are looked at as one)
            expected = sorted(v for v in set(values) if any(s in v.translate(CLASSES) for s in rec.SHAPES or ())
                              and any(s.encode() in framed(v) for s in pattern.shapes or rec.SHAPES or ())
                              and (pattern.layout is None or re.search(pattern.layout.encode(), framed(v))))
            assert searched == expected, (ident, pattern.name)


def test_find_joined_within_spans_looks_at_those_values_only() -> None:
    """find_joined(within=...) = find_folded of each value inside its pattern's spans; values
    outside them give nothing, even where the pattern would match."""
    scanner = Scanner(COMMON)
    values = ["13800138000", "13900139000 x", "13700137000", "", "13600136000"]
    text, offsets = SEP.join(values), starts(values)
    rec = scanner.recognizers["cn_mobile"]
    within = [[(offsets[1], offsets[2] + len(values[2])), (offsets[4], len(text))]]
    hits, matched = rec.find_joined(text, offsets, within=within)
    assert hits == [(i, m) for i in (1, 2, 4) for m in rec.find_folded(values[i])]
    assert matched == {1, 2, 4}


def test_no_value_is_looked_at_alone_without_a_chinese_text_recognizer(monkeypatch: pytest.MonkeyPatch) -> None:
    """With no recognizer of Chinese text and no inline context word (the common set), a chunk
    of Chinese values needs no per-value offsets to find values to scan alone."""
    import govsoc.classification.scanner as scanner_module

    scanner = Scanner(COMMON)
    values = ["联系电话13800138000", "张三", "杭州市西湖区"] * 30

    def no_offsets(_: object) -> list[int]:
        raise AssertionError("offsets of the whole chunk computed")

    monkeypatch.setattr(scanner_module, "starts", no_offsets)
    plan = scanner._plan(frozenset())
    blob = SEP.join(values)
    assert scanner._alone(values, blob, blob, plan) == set()


_NUMBER_PIECES = ["1", "0", "9", "19900307", "110101", "6222", "13800138000", "x", "X", " ", "-", "  ", ".", "a", "张",
                  "１", "—", SEP, "+", "86", "0086", "138", "0013", ":", "@", "91330106MA2H0BUL8X", "MA", "Y", "10.1.2",
                  "255", "256", "．"]


def framed(value: str) -> bytes:
    """A value's class string as the joined scan tests a pattern's own shapes against it."""
    return b"^" + signatures(normalize(value))[0] + b"$"


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_NUMBER_PIECES), max_size=30).map("".join))
def test_a_patterns_own_shapes_hold_every_match_of_it(text: str) -> None:
    """Pattern.shapes and Pattern.layout are promises the joined scan relies on (it searches the
    pattern only in values holding one shape and matching the layout): every value a pattern
    with shapes or a layout matches in (folded, as the scan folds it) holds one of them and
    matches it, its edges marked ^ and $."""
    scanner = Scanner(None)
    rows = [(r.id, p, regex) for r in scanner.recognizers.values()
            for (p, regex) in r._compiled if p.shapes is not None or p.layout is not None]
    assert {i for i, _, _ in rows} >= {"cn_resident_id", "cn_bank_card", "cn_mobile", "cn_uscc", "ipv4"}
    for value in text.split(SEP):  # (a chunk whose value holds SEP is not joined)
        for ident, pattern, regex in rows:
            if regex.search(normalize(value)):
                if pattern.shapes is not None:
                    assert any(s.encode() in framed(value) for s in pattern.shapes), (ident, pattern.name, value)
                if pattern.layout is not None:
                    assert re.search(pattern.layout.encode(), framed(value)), (ident, pattern.name, value)


def test_a_pattern_is_searched_only_where_its_layout_is() -> None:
    """Pattern.layout: a whole-token pattern is not searched in values whose class string has no
    token of its length (a 20-digit order number holds no card, ID number or USCC, an 18-digit
    run glued to letters no ID number, four dotted groups after a fifth no IPv4 address), and
    still finds its hits."""
    scanner = Scanner(COMMON)
    order, glued, dotted = "20240102123456789012", "ab110101199003077715", "1.10.0.0.1"
    hits = ["110101199003077715", "6222020200112233446", "5141010053640525XQ", "10.0.0.1"]
    values = [order, glued, dotted] * 30 + hits
    calls: dict[str, list[list[str]]] = {}
    for ident in ("cn_resident_id", "cn_bank_card", "cn_uscc", "ipv4"):
        rec = scanner.recognizers[ident]

        def spy(text: str, offsets: list[int], *, ident: str = ident, real: object = rec.find_joined,
                **kwargs: object) -> object:
            within = kwargs["within"]
            calls[ident] = [sorted(v for start, end in spans for v in text[start:end].split(SEP))
                            for spans in within]  # type: ignore[attr-defined]
            return real(text, offsets, **kwargs)  # type: ignore[operator]

        rec.find_joined = spy  # type: ignore[method-assign]
    found = list(scanner.scan_many(values))
    assert found == plain(scanner, values, frozenset())
    assert {i for i, _ in found} == {90, 91, 92, 93}
    assert calls["cn_resident_id"][0] == [hits[0]]
    assert calls["cn_bank_card"][0] == sorted(hits[:2])  # (an ID number is a whole run of 18 digits)
    assert calls["cn_uscc"] == [sorted([hits[0], hits[2]])]
    assert calls["ipv4"] == [[hits[3]]]


def test_a_pattern_is_searched_only_where_its_own_shapes_are() -> None:
    """The 6-8-4 form of an ID number and a card in groups of four are not searched in plain
    digit runs (18 digits hold neither form), nor a mobile number in a run of 16 or 18 digits,
    and still found where they are."""
    scanner = Scanner(COMMON)
    values = ["110101199003077715", "6222020200112230"] * 40 + ["110101 19900307 7715", "6222 0202 0011 2230"]
    calls: list[tuple[str, str, list[list[tuple[int, int]]]]] = []
    for ident in ("cn_resident_id", "cn_bank_card", "cn_mobile"):
        rec = scanner.recognizers[ident]

        def spy(text: str, offsets: list[int], *, ident: str = ident, real: object = rec.find_joined,
                **kwargs: object) -> object:
            calls.append((ident, text, kwargs["within"]))  # type: ignore[arg-type]
            return real(text, offsets, **kwargs)  # type: ignore[operator]

        rec.find_joined = spy  # type: ignore[method-assign]
    found = list(scanner.scan_many(values))
    assert found == plain(scanner, values, frozenset())
    assert {i for i, _ in found} >= {80, 81}
    searched = {ident: [sorted(v for start, end in spans for v in text[start:end].split(SEP)) for spans in within]
                for ident, text, within in calls}
    # (the 40 copies of each plain number are looked at as one)
    assert searched["cn_resident_id"] == [values[:1], values[80:81]]  # 17 digits in a row; 6-8-4
    assert searched["cn_bank_card"] == [sorted(values[:2]), sorted(values[80:])]
    # no run of exactly 11, 13 or 15 digits in the ungrouped ones: only where "000s0000" is
    assert searched["cn_mobile"] == [sorted(values[80:])]


def test_a_few_hits_in_a_chunk_have_plain_int_offsets() -> None:
    # R1115p R1: with a chunk's offsets as a numpy array, the few-matches branch gave numpy.int64
    # starts and ends: equal to ints, but a Match no longer serialised (json.dumps TypeError).
    import dataclasses
    import json

    from govsoc.classification.scanner import Scanner

    scanner = Scanner(("cn_mobile", "email", "ipv4", "cn_resident_id"))
    values = ["ok"] * 100 + ["login from 10.1.2.3", "电话 13800138000", "a@b.com x"]
    hits = [m for _i, found in scanner.scan_many(values) for m in found]
    assert {m.recognizer for m in hits} == {"ipv4", "cn_mobile", "email"}
    for match in hits:
        assert type(match.start) is int and type(match.end) is int
        json.dumps(dataclasses.asdict(match))
