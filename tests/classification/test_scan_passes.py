"""F15u (issue 15, speed): work scan_many did more than once a call. A new Scanner parsed every
pattern of its recognizers again with the standard library's parser to tell whether it may run
over joined values (batch.joinable), and the values' code points were read twice, once over the
whole call to find invisible characters and once per chunk to find the values to fold."""

from __future__ import annotations

from typing import Any

import pytest

from govsoc.classification import batch, invisible
from govsoc.classification.scanner import Scanner

COMMON = ("cn_resident_id", "cn_mobile", "cn_bank_card", "email", "ipv4", "cn_uscc")


def test_a_new_scanner_parses_no_pattern_parsed_before(monkeypatch: pytest.MonkeyPatch) -> None:
    values = ["13800138000", "11010519491231002X", "zhang@example.com", "办结"] * 50
    list(Scanner(COMMON).scan_many(values))
    parsed: list[str] = []
    real = batch._PARSER.parse

    def counted(regex: str, flags: int = 0) -> Any:
        parsed.append(regex)
        return real(regex, flags)

    monkeypatch.setattr(batch._PARSER, "parse", counted)
    second = Scanner(COMMON)
    assert dict(second.scan_many(values)) == {i: h for i, v in enumerate(values) if (h := second.scan(v))}
    assert parsed == []


def test_a_chunks_code_points_are_read_once(monkeypatch: pytest.MonkeyPatch) -> None:
    read = [0]

    def counted(text: str) -> Any:
        read[0] += len(text)
        return real(text)

    real = invisible.code_points
    monkeypatch.setattr(invisible, "code_points", counted)
    monkeypatch.setattr(batch, "code_points", counted)
    values = [f"浙江省杭州市西湖区文三路{i}号" for i in range(5_000)]
    values[77] = "手机138\u200b12345678"
    values[78] = "电话：13800138000"
    hits = dict(Scanner(COMMON).scan_many(values))
    assert read[0] <= sum(map(len, values)) + len(values), read[0]
    assert [(m.recognizer, m.start, m.end, m.masked) for m in hits[77]] == [("cn_mobile", 2, 14, "138****5678")]
    assert [(m.recognizer, m.start, m.end) for m in hits[78]] == [("cn_mobile", 3, 14)]


@pytest.mark.parametrize("mark", ["\u200b", "\u2800", "\ufeff", "\U000e0020", "\u00ad", "\u3164"])
def test_values_with_invisible_characters_in_a_chunk_get_scans_hits(mark: str) -> None:
    # the common set's chunk path (no trigger gate): repeated values, folded values and values
    # holding an invisible character side by side, each with scan()'s hits
    values = [value for i in range(300) for value in (
        f"手机138{mark}{i % 40:08d}", f"身份证110105199{mark}001011237", "１３８００１３８０００",
        f"zhang{mark}@example.com", "13800138000", "普通文本", f"6222020200112233445{mark}", f"{i:011d}")]
    s = Scanner(COMMON)
    assert dict(s.scan_many(values)) == {i: h for i, v in enumerate(values) if (h := s.scan(v))}


def test_every_invisible_character_is_one_a_chunk_folds() -> None:
    # batch.chunk_text looks for invisible characters only in the values foldable names (those
    # holding a character outside _KEPT_RANGES): no invisible character may lie inside them
    kept = [(low, high) for low, high in batch._KEPT_RANGES]
    inside = [hex(p) for p in invisible._POINTS if any(low <= p <= high for low, high in kept)]
    assert inside == []
    assert all(invisible.INVISIBLE.fullmatch(chr(p)) for p in invisible._POINTS)
