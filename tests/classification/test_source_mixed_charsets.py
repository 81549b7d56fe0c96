"""A CSV of two exports joined (issue 15 review R15g-10): `cat` of a GBK export and a UTF-8 one, in
either order, was refused whole ("629 of 3,476 characters read as utf-8 are undecodable bytes …
not text in this charset; not classified"): 60 people, none classified. Each line is text in one of
the two charsets: each is read in the one it decodes in, and the file is classified, said."""

from __future__ import annotations

from pathlib import Path

import pytest

from govsoc.classification.sources.mixed_charsets import MIXED, mixed_lines
from tests.classification.test_source_charsets import _inventory
from tests.classification.test_sources import PHONES, ids

PEOPLE = [s + g for s in "黄胡朱马陈" for g in ("伟芳", "刚勇", "丽艳", "娜", "秀英", "明")]
HEADER = "姓名,身份证号,联系电话,家庭住址\r\n"


def _lines(first: int, count: int) -> str:
    return "".join(f"{PEOPLE[i % 30]},{ids(60)[i]},{PHONES[i % 40]},浙江省杭州市西湖区文三路{i}号\r\n"
                   for i in range(first, first + count))


@pytest.mark.parametrize("first, then, utf8_lines", [
    ("gbk", "utf-8", "lines 32-61"),  # a GBK export (header and 30 people), a UTF-8 one appended
    ("utf-8", "gbk", "lines 1-31"),  # the reverse
])
def test_two_exports_in_two_charsets_joined_are_read_line_by_line(first: str, then: str, utf8_lines: str,
                                                                   tmp_path: Path) -> None:
    path = tmp_path / "joined.csv"
    path.write_bytes((HEADER + _lines(0, 30)).encode(first) + _lines(30, 30).encode(then))
    inventory = _inventory(path)  # was: ConfigError "not text in this charset … not classified"
    (table,) = inventory.tables
    assert table.rows == 60
    assert {f.field: f.recognizer for f in table.fields if f.status == "tagged"} == {
        "姓名": "cn_person_name", "身份证号": "cn_resident_id", "联系电话": "cn_mobile", "家庭住址": "cn_address"}
    (note,) = inventory.skipped
    assert note.note and f"{utf8_lines} read as UTF-8" in note.reason


def test_the_mixed_codec_reads_each_line_in_its_charset() -> None:
    text = HEADER + _lines(0, 3)
    joined = text.encode("gbk") + text.encode("utf-8")
    assert joined.decode(MIXED) == text + text


def test_a_file_of_one_charset_with_bad_lines_is_not_mixed(tmp_path: Path) -> None:
    # a line that is neither UTF-8 nor GB18030 (binary) makes the file no join of two exports
    path = tmp_path / "bad.csv"
    path.write_bytes((HEADER + _lines(0, 3)).encode("gbk") + _lines(3, 3).encode("utf-8") + b"\x81\x0a")
    assert mixed_lines(path) is None
