"""Records of an attribute/value table larger than the sample, counted exactly (R15j-24). The
records were the sample's distinct record ids scaled by rows / sampled rows: exact only when every
record answers as often as the others. 2,000 people, every third with a 备注 answer and every
seventh without a phone (6,285 answers), were reported as 1,994 records. A file reader sees every
row: it now counts the record ids it sampled by (a CSV, a sheet)."""

from __future__ import annotations

import random
import sqlite3
from contextlib import closing
from pathlib import Path

import openpyxl
import pytest

from govsoc.classification.checksums import resident_id_check_char
from govsoc.classification.grading import load_scheme
from govsoc.classification.inventory import Inventory, build_inventory
from govsoc.classification.sources import open_source

SURNAMES = "王李张刘陈杨黄赵吴周"
GIVEN = ["伟", "芳", "娜", "秀英", "敏", "静", "丽", "强"]


def answers(people: int, *, shuffled: bool) -> list[tuple[str, str, str]]:
    """记录编号,字段名,字段值 rows: 姓名, 身份证号 and 手机号 each, a 备注 for every third person,
    no 手机号 for every seventh (so records answer 2, 3 or 4 times)."""
    rows = []
    for n in range(people):
        body = f"1101051980{n % 12 + 1:02d}{n % 28 + 1:02d}{n % 1000:03d}"
        own = [("姓名", SURNAMES[n % 10] + GIVEN[n % 8]), ("身份证号", body + resident_id_check_char(body))]
        own += [("手机号", f"139{n:08d}")] if n % 7 else []
        own += [("备注", "已核实")] if n % 3 == 0 else []
        rows += [(f"P{n:06d}", attr, value) for attr, value in own]
    if shuffled:
        random.Random(15).shuffle(rows)
    return rows


def written(path: Path, rows: list[tuple[str, str, str]]) -> Path:
    heading = ("记录编号", "字段名", "字段值")
    if path.suffix == ".csv":
        path.write_text("\n".join(",".join(r) for r in [heading, *rows]) + "\n", encoding="utf-8")
    elif path.suffix == ".xlsx":
        book = openpyxl.Workbook()
        for row in [heading, *rows]:
            book.active.append(list(row))
        book.save(path)
    else:
        with closing(sqlite3.connect(path)) as db:
            db.execute("CREATE TABLE eav (记录编号, 字段名, 字段值)")
            db.executemany("INSERT INTO eav VALUES (?, ?, ?)", rows)
            db.commit()
    return path


def scan(path: Path) -> Inventory:
    source = open_source(str(path))
    return build_inventory(source.tables(), source=source.name, scheme=load_scheme("gbt43697"), sample_size=1000)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@pytest.mark.parametrize("people, shuffled", [
    (2000, False),  # the finding: 2,000 people, in record order (1,994 before)
    (2000, True),  # the same answers shuffled (a sampled order of another kind)
    (777, True),  # a count no rounding of a scaled share lands on by chance
])
def test_the_records_of_a_sampled_attribute_value_table_are_counted_exactly(
        tmp_path: Path, suffix: str, people: int, shuffled: bool) -> None:
    rows = answers(people, shuffled=shuffled)
    inventory = scan(written(tmp_path / f"eav{suffix}", rows))
    [table] = inventory.tables
    assert table.rows == people
    [note] = [s for s in inventory.skipped if "attribute/value" in s.reason]
    assert f"{len(rows):,} rows of answers read as {people:,} records" in note.reason
