"""A 核查 register's records of short notes, each naming a known column (户主身份证号码过期, 联系电话空号,
户主姓名有误), written as notes are: ending in ； or ！, or with their sentence in brackets (（经核实，…）,
…过期（经核实，已更正）) (review R15o-7). They are records, no headings (R15k-20): a heading's bracketed
instruction or closing ； stands after the column's name (身份证号码（18位，末位X大写）, 联系电话；: R15n-19,
tests/classification/test_source_layout_bracketed_headings.py), a note's after what it says of it (过期,
空号, 有误). Read as the header, the first record replaced the true one and was lost."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pytest

from govsoc.classification.grading import load_scheme
from govsoc.classification.inventory import build_inventory
from govsoc.classification.sources import open_source

HEADER = ["序号", "走访日期", "核查一", "核查二", "核查三"]
#: R15o-7's notes_end.py: three notes a record, each naming a known column
NOTES = [("户主身份证号码过期", "联系电话空号", "户主姓名有误"), ("身份证号码已更正", "联系电话已变更", "姓名无误"),
         ("身份证号码无误", "联系电话无误", "户主姓名无误")]
STYLES: dict[str, Callable[[str], str]] = {
    "semicolon": lambda s: s + "；",
    "exclamation": lambda s: s + "！",
    "bracketed-sentence": lambda s: f"（经核实，{s}）",
    "bracket-after": lambda s: f"{s}（经核实，已更正）",
    "period": lambda s: s + "。",  # held before too
    "inner-semicolon": lambda s: f"经核实；{s}",
}


@pytest.mark.parametrize("style", list(STYLES))
def test_a_record_of_punctuated_short_notes_is_no_header(tmp_path: Path, style: str) -> None:
    path = tmp_path / "核查.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(HEADER)
        writer.writerows([i + 1, f"2024-03-{i % 28 + 1:02d}", *map(STYLES[style], NOTES[i % 3])] for i in range(30))
    source = open_source(str(path))
    inventory = build_inventory(source.tables(), source=source.name, scheme=load_scheme("gbt43697"), sample_size=1000)
    (table,) = inventory.tables
    # was rows=29, fields 1, 2024-03-01, 户主身份证号码过期； ... for ；, ！ and bracketed sentences
    assert ([f.field for f in table.fields], table.rows) == (HEADER, 30)
