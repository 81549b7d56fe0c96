"""FileSource.count is in the unit the progress bar advances in: tables (issue 15 review R15-14:
a workbook of 4 sheets made the bar read 10/7)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import openpyxl

from govsoc.classification.sources.files import FileSource


def test_count_is_the_number_of_tables_yielded(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.append(["xm"])
    for title in ("s1", "s2"):  # three sheets in all
        book.create_sheet(title).append(["xm"])
    book.save(tmp_path / "multi.xlsx")
    db = sqlite3.connect(tmp_path / "two.db")
    db.execute("create table a (x text)")
    db.execute("create table b (y text)")
    db.commit()
    db.close()
    (tmp_path / "p.csv").write_text("xm\n张伟\n", encoding="utf-8")
    (tmp_path / "bad.xlsx").write_bytes(b"not a workbook")  # one unreadable table
    (tmp_path / "bad.db").write_bytes(b"not a database" * 100)
    source = FileSource(tmp_path, sample=10)
    tables = list(source.tables())
    assert len(tables) == 3 + 2 + 1 + 1 + 1
    assert source.count() == len(tables)
