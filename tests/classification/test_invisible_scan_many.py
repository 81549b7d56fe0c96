"""F15r: scan_many tells whether any value holds an invisible character by numpy over the code
points (invisible.holds_invisible), not by the regular expression's class test of every character
of the values joined (8-10 % of a scan of the benchmark's Chinese tables). The answer must be the
regular expression's for every code point, and the scan's hits those of scan() of each value."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from govsoc.classification import invisible, scanner
from govsoc.classification.invisible import INVISIBLE, holds_invisible
from govsoc.classification.scanner import Scanner

_ALL: str = "".join(map(chr, range(0x110000)))


def test_every_code_point_is_judged_as_the_regular_expression_judges_it() -> None:
    # one text per code point would take minutes; the table is what holds_invisible reads, and
    # every invisible code point must also fall outside the ranges it passes over unread
    table = invisible._invisible_table()
    expected = [INVISIBLE.fullmatch(c) is not None for c in _ALL]
    assert table.tolist() == expected
    for low, high in invisible._PLAIN_RANGES:
        assert not any(expected[low:high + 1]), (low, high)


@pytest.mark.parametrize("text, holds", [
    ("", False),  # nothing
    ("张伟 13812345678", False),  # ASCII and CJK ideographs only
    ("张伟\u3000１３８", False),  # ideographic space and full-width digits: visible, outside both ranges
    ("张伟\u200b138", True),  # zero-width space among ideographs
    ("a" * 5000 + "\U000e0020", True),  # a tag character at the end of a long ASCII run
    ("\u2800", True),  # the braille blank alone
    ("\u4dff\ua000\u0600", False),  # beside the CJK block; the Arabic number sign is drawn (Cf, kept)
])
def test_holds_invisible_is_the_regular_expressions_answer(text: str, holds: bool) -> None:
    assert holds_invisible(text) is holds
    assert (INVISIBLE.search(text) is not None) is holds


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


def test_a_short_column_is_read_without_numpy(monkeypatch: pytest.MonkeyPatch) -> None:
    # R15ag-1 (LOW): numpy's call cost 6.7 us where the regular expression took 0.3 us for 2 values
    def unwanted(text: str) -> object:
        raise AssertionError("numpy read a short column")

    monkeypatch.setattr(invisible, "_invisible_at", unwanted)
    assert invisible.holding_invisible(["王\u200b芳", "李明", "\u2060"]) == [0, 2]
    assert invisible.holding_invisible(["王芳", "李明"]) == []


@pytest.mark.parametrize("size", [1, 2047, 2048, 5000])
def test_short_and_long_columns_give_the_same_indexes(size: int) -> None:
    values = [("王\u200b芳" if i % 7 == 3 else "李明") for i in range(size)]
    assert invisible.holding_invisible(values) == [i for i in range(size) if i % 7 == 3]
