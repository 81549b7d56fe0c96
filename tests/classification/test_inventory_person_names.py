"""A person's name in the name of a folder, file or table (issue 15 review R15e-11). Per-person
folders and files (个人档案/张三丰/, 王五.csv, 赵六家庭成员.csv) and a SQLite table 王小明 were shown in
clear (listing, inventory, saved result) while the same name heading a column was masked. One rule
now (classification.identifier_names): a person's name in such a name is masked, a word never."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from govsoc.classification.inventory import RESULTS_SUBDIR
from govsoc.cli import main
from tests.classification.test_source_json import NUMBERS
from tests.classification.test_sources import PHONES

PEOPLE = ["黄伟芳", "胡刚勇", "朱丽艳", "马娜", "陈秀英", "杨明", "徐杰", "张磊杰"]


def _roster(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("姓名,身份证号\n" + "".join(f"{PEOPLE[i % 8]},{NUMBERS[i]}\n" for i in range(10)),
                    encoding="utf-8")


def test_names_in_folders_files_and_tables_are_masked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "p"
    _roster(folder / "张三丰" / "花名册.csv")
    _roster(folder / "王五.csv")
    _roster(folder / "赵六家庭成员.csv")
    with sqlite3.connect(folder / "people.sqlite") as db:
        db.execute("CREATE TABLE 王小明 (xm TEXT, sjh TEXT)")
        db.executemany("INSERT INTO 王小明 VALUES (?, ?)", [(PEOPLE[i % 8], PHONES[i]) for i in range(10)])
    db.close()
    home = tmp_path / "home"
    monkeypatch.setenv("GOVSOC_HOME", str(home))
    output = tmp_path / "out.json"
    assert main(["classify", str(folder), "-o", str(output)]) == 0
    captured = capsys.readouterr()
    (saved,) = (home / RESULTS_SUBDIR).iterdir()
    for text in (captured.out, captured.err, output.read_text(encoding="utf-8"), saved.read_text(encoding="utf-8")):
        assert not [name for name in ("张三丰", "王五", "赵六", "王小明") if name in text]
    for shown in ("花名册.csv  rows=10", "王**.csv  rows=10", "赵**家庭成员.csv  rows=10", "王**  rows=10"):
        assert shown in captured.out  # masked by the name rule; 花名册 and 家庭成员 are words, kept
    assert "张**/花名册.csv" in output.read_text(encoding="utf-8")
