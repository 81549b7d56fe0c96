"""Two-character names spaced for alignment in a 姓名 column (R15j-12): rosters typed in Word or WPS
write 王  芳 and 李　明 (ASCII or ideographic blanks) as wide as 张三丰. Before, no pattern of the
name recognizer took a blank inside a name, so the column was not tagged 姓名 and a roster of names
beside ID numbers was graded 一般数据（3级）, not 4级."""

from __future__ import annotations

from pathlib import Path

import pytest

from govsoc.classification.grading import load_scheme
from govsoc.classification.inventory import TableRecord, build_inventory
from govsoc.classification.recognizers.person import PersonNameRecognizer
from govsoc.classification.sources import open_source
from tests.classification.test_source_footers import _csv, _xlsx
from tests.classification.test_sources import ids

SPACED = ["王  芳", "李\u3000明", "张  伟", "刘\u3000洋", "陈 静", "杨\u3000\u3000军", "黄\u00a0磊", "赵  敏"]


@pytest.mark.parametrize("value, masked", [
    ("王  芳", "王**"),  # two ASCII blanks, the commonest alignment
    ("王 芳", "王**"),  # one blank
    ("李\u3000明", "李**"),  # an ideographic space (U+3000), as a full-width input method types it
    ("杨\u3000\u3000军", "杨**"),  # two of them
    ("黄\u00a0磊", "黄**"),  # a no-break space, as a Word table pastes it
])
def test_a_spaced_two_character_name_is_a_name(value: str, masked: str) -> None:
    (hit,) = PersonNameRecognizer().find(value, context=True)
    assert (hit.start, hit.end) == (0, len(value)) and hit.masked == masked


@pytest.mark.parametrize("value", [
    "张 三 丰",  # three characters apart: no alignment of a two-character name (a guard)
    "高  度",  # 高度 is a word, not a name, spaced or not (NOT_NAMES)
    "的  是",  # no surname
])
def test_spaced_characters_that_are_no_two_character_name_are_not_names(value: str) -> None:
    assert not list(PersonNameRecognizer().find(value, context=True))


def test_a_spaced_name_needs_its_column() -> None:
    # as any name, only under a name heading: 王 芳 in running text is not taken alone
    assert not list(PersonNameRecognizer().find("王  芳", context=False))


def scan(path: Path) -> TableRecord:
    source = open_source(str(path))
    (table,) = build_inventory(source.tables(), source=source.name, scheme=load_scheme("gbt43697"),
                               sample_size=1000).tables
    return table


@pytest.mark.parametrize("name, write", [("r.csv", _csv), ("r.xlsx", _xlsx)])
def test_a_roster_of_spaced_names_beside_id_numbers_is_graded_4(tmp_path: Path, name: str, write: object) -> None:
    people = ids(len(SPACED))
    write(tmp_path / name, [["序号", "姓名", "身份证号码"],  # type: ignore[operator]
                            *([str(i + 1), n, p] for i, (n, p) in enumerate(zip(SPACED, people, strict=True)))])
    table = scan(tmp_path / name)
    kinds = {f.field: f.recognizer for f in table.fields}
    assert kinds.get("姓名") == "cn_person_name"
    assert table.level == "G4" and "身份证件号码与姓名同表" in table.basis
