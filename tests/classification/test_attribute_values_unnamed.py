"""An attribute/value table with a row whose attribute name (字段名) is empty (R15j-16): the row is
an odd answer, not a reason to read the table as plain rows (before: 60 people read as 181 rows of
one 字段值 column, 一般数据（3级）, where name beside ID number is 4级)."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from govsoc.classification.checksums import resident_id_check_char
from govsoc.classification.grading import load_scheme
from govsoc.classification.inventory import Inventory, TableRecord, build_inventory
from govsoc.classification.sources import open_source

SURNAMES = "王李张刘陈杨黄赵吴周"
GIVEN = ["伟", "芳", "娜", "秀英", "敏", "静", "丽", "强"]


def answers(people: int, *, record_id: bool, unnamed: int) -> list[tuple[str, ...]]:
    """记录编号,字段名,字段值 rows of ``people`` people (name, ID number, mobile), ``unnamed``
    rows with an empty 字段名 among them (a 备用 answer of an existing record)."""
    rows: list[tuple[str, ...]] = []
    for n in range(people):
        body = f"1101051980{n % 12 + 1:02d}{n % 28 + 1:02d}{n % 1000:03d}"
        name, ident = SURNAMES[n % 10] + GIVEN[n % 8], body + resident_id_check_char(body)
        for attr, value in (("姓名", name), ("身份证号", ident), ("手机号", f"139{n:08d}")):
            rows.append((f"R{n:05d}", attr, value))
    step = len(rows) // (unnamed + 1)
    for k in range(unnamed, 0, -1):
        rows.insert(step * k, (rows[step * k][0], "", "备用"))
    return rows if record_id else [r[1:] for r in rows]


def written(path: Path, rows: list[tuple[str, ...]]) -> Path:
    heading = ("记录编号", "字段名", "字段值")[-len(rows[0]):]
    if path.suffix == ".csv":
        path.write_text("\n".join(",".join(r) for r in [heading, *rows]) + "\n", encoding="utf-8")
        return path
    with closing(sqlite3.connect(path)) as db:
        db.execute(f"CREATE TABLE eav ({', '.join(heading)})")
        # a SQLite export leaves the missing attribute name NULL
        db.executemany(f"INSERT INTO eav VALUES ({', '.join('?' * len(heading))})",
                       [tuple(c or None for c in r) for r in rows])
        db.commit()
    return path


def scan(path: Path) -> TableRecord:
    source = open_source(str(path))
    inventory: Inventory = build_inventory(source.tables(), source=source.name, scheme=load_scheme("gbt43697"),
                                           sample_size=1000)
    return next(t for t in inventory.tables if t.table.endswith(("eav", "eav.csv")))


@pytest.mark.parametrize("suffix", [".csv", ".db"])
@pytest.mark.parametrize("people, record_id, unnamed", [
    # the finding: 60 people, one 字段名 left empty (181 rows, 一般数据（3级） before)
    (60, True, 1),
    # no record id, answers in turn but for the odd row: counted by the most frequent attribute
    (60, False, 1),
    # a few odd rows, one in forty
    (60, True, 4),
])
def test_an_empty_attribute_name_does_not_undo_the_pivot(
        tmp_path: Path, suffix: str, people: int, record_id: bool, unnamed: int) -> None:
    table = scan(written(tmp_path / f"eav{suffix}", answers(people, record_id=record_id, unnamed=unnamed)))
    kinds = {f.field: f.recognizer for f in table.fields}
    assert kinds.get("姓名") == "cn_person_name" and kinds.get("身份证号") == "cn_resident_id"
    assert table.rows == people
    assert table.level == "G4" and "身份证件号码与姓名同表" in table.basis


def test_a_column_mostly_without_attribute_names_is_no_attribute_column(tmp_path: Path) -> None:
    # one row in four unnamed is no odd row: the table is read as it is (a guard on the bound)
    rows = answers(60, record_id=True, unnamed=60)
    table = scan(written(tmp_path / "eav.csv", rows))
    assert table.rows == len(rows) and "字段名" in {f.field for f in table.fields}
