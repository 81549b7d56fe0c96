"""F15r: scan_many reads for invisible characters only the values that hold a character outside
ASCII and the CJK unified ideographs (batch.foldable, by numpy over the code points), not every
character of the values joined by the regular expression's class test (8-10 % of a scan of the
benchmark's Chinese tables). No invisible character may lie in the ranges passed over, and the
scan's hits must be those of scan() of each value."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from govsoc.classification import invisible, scanner
from govsoc.classification.batch import _KEPT_RANGES
from govsoc.classification.invisible import INVISIBLE
from govsoc.classification.scanner import Scanner


def test_no_invisible_character_lies_in_the_ranges_passed_over_unread() -> None:
    for low, high in _KEPT_RANGES:
        text = "".join(map(chr, range(low, high + 1)))
        assert INVISIBLE.search(text) is None, (hex(low), hex(high))


class _Counting:
    """INVISIBLE with the characters its search() is given counted."""

    def __init__(self) -> None:
        self.read = 0

    def search(self, text: str) -> re.Match[str] | None:
        self.read += len(text)
        return INVISIBLE.search(text)

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        self.read += len(text)
        return INVISIBLE.finditer(text)

    def fullmatch(self, text: str) -> re.Match[str] | None:
        self.read += len(text)
        return INVISIBLE.fullmatch(text)


def test_a_chinese_table_is_not_read_character_by_character_by_the_regular_expression(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # before F15r scan_many searched INVISIBLE in the whole column joined: 200 characters a value
    # here, 2,000,000 for the column; now only the values that hold one are read (by visible())
    counting = _Counting()
    monkeypatch.setattr(scanner, "INVISIBLE", counting)
    monkeypatch.setattr(invisible, "INVISIBLE", counting)
    values = ["浙江省杭州市西湖区文三路" * 16 + f"{i:08d}" for i in range(10_000)]
    values[77] = "手机138\u200b12345678"
    # the benchmark's common set: no recognizer of Chinese text, which scan() reads value by value
    hits = dict(Scanner(("cn_resident_id", "cn_mobile", "cn_bank_card", "email", "ipv4", "cn_uscc")).scan_many(values))
    assert counting.read < 1_000, counting.read
    assert [(m.recognizer, m.start, m.end, m.masked) for m in hits[77]] == [("cn_mobile", 2, 14, "138****5678")]


def test_values_with_invisible_characters_get_scans_hits() -> None:
    marks = ["\u200b", "\u2800", "\ufeff", "\U000e0020", "\u3000", "\u00ad"]
    values = [f"张伟{i}，手机138{marks[i % len(marks)]}{i:08d}，身份证110105199{marks[i % 5]}001011237"
              for i in range(300)]
    values += ["普通文本"] * 300
    s = Scanner()
    assert dict(s.scan_many(values)) == {i: h for i, v in enumerate(values) if (h := s.scan(v))}
