"""The chunked fast path of Scanner.scan_many (issue 15, P15f) finds what the per-value path
finds: folding only the values that may fold, and every later shortcut, checked against every
recognizer's find() on every value, on generated hostile values (hypothesis)."""

from __future__ import annotations

import sys
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govsoc.classification import batch
from govsoc.classification.batch import _KEPT_RANGES, SEP, ShapeGate, chunk_text, foldable
from govsoc.classification.recognizer import Match, normalize
from govsoc.classification.scanner import Scanner, _resolve
from govsoc.classification.tagging import AT_INGEST

COMMON = ("cn_resident_id", "cn_mobile", "cn_bank_card", "email", "ipv4", "cn_uscc")


def plain(scanner: Scanner, values: list[str], context: frozenset[str]) -> list[tuple[int, list[Match]]]:
    """Every recognizer's find() on every value, overlaps resolved as scan() resolves them."""
    out = []
    for index, value in enumerate(values):
        named = context | scanner._inline_context(value)
        found = [m for r in scanner.recognizers.values() for m in r.find(value, context=r.id in named)]
        hits = _resolve(found, named) if len(found) > 1 else found
        if hits:
            out.append((index, hits))
    return out


def _second_characters_of_compositions() -> set[str]:
    """Characters that canonical composition may join to the character before them."""
    seconds = {chr(c) for c in (*range(0x1161, 0x1176), *range(0x11A8, 0x11C3))}  # Hangul V and T jamo
    for code in range(sys.maxunicode + 1):
        parts = unicodedata.decomposition(chr(code)).split()
        if len(parts) == 2 and not parts[0].startswith("<"):
            seconds.add(chr(int(parts[1], 16)))
    return seconds


def test_the_kept_characters_are_left_alone_by_normalize_wherever_they_stand() -> None:
    """The ground for folding only the values with another character: each kept character is
    its own NFKC form, has combining class 0 (nothing reorders around it), is the second
    character of no canonical composition (nothing composes it with the character before) and
    is no dash that normalize() folds; so a value of kept characters alone is its own
    normalize(). Checked for every kept character with this Python's Unicode database."""
    seconds = _second_characters_of_compositions()
    kept = [chr(c) for low, high in _KEPT_RANGES for c in range(low, high + 1)]
    assert len(kept) == 128 + 0x5200
    for c in kept:
        assert unicodedata.normalize("NFKC", c) == c and unicodedata.combining(c) == 0, hex(ord(c))
        assert c not in seconds and normalize(c) == c, hex(ord(c))


#: Characters that NFKC or normalize() change, alone or after another: full-width and
#: superscript digits, dashes, combining marks, compatibility ideographs, Hangul jamo, ligatures,
#: mathematical digits beyond the BMP (offsets in UTF-16 differ from the text's), emoji.
_ODD = ["１", "３", "８", "０", "Ｘ", "＠", "．", "：", "（", "）", "–", "‐", "—", "−", "\u0301", "\u0323", "\u0338",
        "™", "¹", "³", "\uf900", "\u1100", "\u1161", "\u11a8", "가", "ﬁ", "…", "½", "𝟏", "𝟑", "𝟖", "😀", "·", "Å", "é"]
_PLAIN = ["13800138000", "11010519491231002X", "6222020200112233445", "zhang@example.com", "10.1.2.3",
          "91110000100000000T", "138", "0013", "8000", "-", " ", "张三", "电话", "号", "<", ".", "@", "0", "1", "e",
          "a", "A", "\n"]
_VALUES = st.lists(st.sampled_from(_ODD + _PLAIN), max_size=6).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.lists(_VALUES | st.text(max_size=8).filter(lambda v: SEP not in v), min_size=1, max_size=40))
def test_a_chunk_is_folded_as_normalize_folds_each_value(values: list[str]) -> None:
    joined = chunk_text(values)
    assert joined is not None
    blob, text, parts = joined.blob, joined.text, joined.folded
    assert blob == SEP.join(values)
    assert text == SEP.join(map(normalize, values)) and len(text) == len(blob)
    assert (parts if parts is not None else values) == list(map(normalize, values))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_VALUES, min_size=64, max_size=120), st.sampled_from(["common", "ingest"]))
def test_same_hits_as_the_per_value_path_on_generated_hostile_values(values: list[str], kind: str) -> None:
    scanner = Scanner(COMMON if kind == "common" else AT_INGEST)
    for context in (frozenset(), frozenset({"cn_mobile", "cn_passport"})):
        assert list(scanner.scan_many(values, context)) == plain(scanner, values, context)


def test_folding_asks_nfkc_of_the_values_that_may_change_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """A chunk of Chinese names and addresses with one full-width colon in it: NFKC is asked of
    that value, not of each of the 8,192 (before P15f: of every value, once one changed). Since
    F15i normalize() asks whether NFKC changes a value (is_normalized) and folds it per character."""
    asked: list[str] = []
    real = unicodedata.is_normalized

    def counted(form: str, text: str) -> bool:
        asked.append(text)
        return real(form, text)

    values = ["张三", "浙江省杭州市西湖区文三路100号", "13800138000", "办结"] * 2048
    values[777] = "手机：13800138000"
    monkeypatch.setattr(unicodedata, "is_normalized", counted)
    joined = chunk_text(values)
    monkeypatch.undo()
    assert joined is not None and joined.folded is not None
    assert joined.text == SEP.join(map(normalize, values)) and joined.folded[777] == "手机:13800138000"
    assert asked == ["手机：13800138000"]


def test_foldable_names_the_values_and_their_offsets() -> None:
    values = ["abc", "张三", "１２", "", "x…", "𝟏", "\uf900"]  # U+F900: a compatibility ideograph
    suspects, starts_at = foldable(SEP.join(values))
    assert suspects == [2, 4, 5, 6] and starts_at == {2: 7, 4: 11, 5: 14, 6: 16}  # '𝟏' is one character
    assert foldable(SEP.join(["张三", "abc"])) == ([], {})
    assert batch.foldable is foldable and "foldable" in batch.__all__


def _mask_by_definition(gate: ShapeGate, signature: bytes) -> int:
    """ShapeGate.masks[signature] as its docstring says it: the bits of each row one of whose
    shapes the signature holds, of the patterns whose own shapes (if any) the framed signature
    holds and whose layout (if any) it matches."""
    mask = 0
    framed = b"^" + signature + b"$"
    for (_, row_shapes), (base, bits) in zip(gate.shaped, gate.slots, strict=True):
        if any(s in signature for s in row_shapes):
            for bit, (own, layout) in enumerate(bits, base):
                if (own is None or any(s in framed for s in own)) and (layout is None or layout.search(framed)):
                    mask |= 1 << bit
    return mask


#: Class-string pieces that make and break the common recognizers' shapes and layouts.
_SIGNATURE_PIECES = [b"0", b"00", b"0000", b"0" * 7, b"0" * 11, b"0" * 13, b"0" * 17, b"0" * 18, b"0" * 19, b"a",
                     b"aa", b"s", b"x", b".", b"@", b":", b"0.0", b"000s0000", b"000000s00000000s000"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_SIGNATURE_PIECES), max_size=8).map(b"".join))
def test_a_new_signatures_mask_is_the_one_its_definition_gives(signature: bytes) -> None:
    for ids in (COMMON, AT_INGEST, None):
        for context in (frozenset(), frozenset({"cn_passport", "cn_landline"})):
            gate = Scanner(ids)._plan(context).shape_gate
            assert gate.masks[signature] == _mask_by_definition(gate, signature)


def test_a_new_signature_costs_one_python_call() -> None:
    """A table meets hundreds of signatures per scanner (935 in the benchmark's table): each is
    answered by one call of C-level expressions, not by a generator per shape (before P15f:
    six Python frames or more per new signature)."""
    gate = Scanner(COMMON)._plan(frozenset()).shape_gate
    calls: list[str] = []

    def count(frame: object, event: str, arg: object) -> None:
        code = frame.f_code  # type: ignore[attr-defined]
        if event == "call" and code.co_filename.endswith("batch.py"):
            calls.append(code.co_name)

    signatures = [b"0" * 18, b"aaa@aaa.aaa", b"0.0.0.0", b"000s0000s0000", b"xxxx", b"0" * 11]
    sys.setprofile(count)
    try:
        masks = [gate.masks[s] for s in signatures]
    finally:
        sys.setprofile(None)
    assert calls.count("__missing__") == len(signatures) and len(calls) == len(signatures), calls
    assert masks == [_mask_by_definition(gate, s) for s in signatures] and all(masks[:4]) and not masks[4]


def test_after_a_chunk_of_distinct_values_a_sample_tells_whether_the_next_repeats(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The set that tells whether a chunk repeats is made of every fourth value (before P15f: of
    every value, 8,192 a chunk, most of a table's chunks); the hits are the plain path's."""
    import govsoc.classification.repeats as scanner_module  # the set is made in repeats.py
    from govsoc.classification.repeats import CHUNK

    sizes: list[int] = []

    def counted_set(items: object = ()) -> set[object]:
        made = set(items)  # type: ignore[call-overload]
        if any(isinstance(item, str) for item in made):  # a set of values (not of indexes)
            sizes.append(len(made))
        return made

    distinct = [f"139{n:08d}" if n % 2 else f"order {n}" for n in range(3 * CHUNK)]
    repeating = ["13800138000", "办结", "zhang@example.com", "order 7"] * (CHUNK // 4)
    values = distinct + repeating
    scanner = Scanner(COMMON)
    monkeypatch.setattr(scanner_module, "set", counted_set, raising=False)
    found = list(scanner.scan_many(values))
    monkeypatch.undo()
    assert found == plain(scanner, values, frozenset())
    assert max(sizes) <= CHUNK // 4, sorted(sizes)[-3:]
    assert scanner.examined == 3 * CHUNK // 2 + 2  # the repeating chunk still scanned once per distinct value


def test_find_joined_gives_the_labels_it_is_handed() -> None:
    """find_joined(labels=...) names each value by its label (the scanner's chunk indexes), the
    same hits in the same order as without labels, renamed."""
    from govsoc.classification.batch import starts

    values = ["13800138000", "x", "a@b.cn 13800138000 13900139000", "6222020200112233446", "110101199003077715",
              "110101 19900307 7715", "10.0.0.1 and 10.0.0.2", "913201021803406346"] * 12  # numpy places the matches
    text = SEP.join(values)
    labels = [1000 + 7 * n for n in range(len(values))]
    for rec in Scanner(COMMON).recognizers.values():
        plain_hits, plain_matched = rec.find_joined(text, starts(values))
        hits, matched = rec.find_joined(text, starts(values), labels=labels)
        assert hits == [(labels[i], m) for i, m in plain_hits] and matched == {labels[i] for i in plain_matched}
        assert hits, rec.id
