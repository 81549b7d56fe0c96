"""A person's name in the name of a folder, file or table (issue 15 review R15e-11), and heading
words shaped as names (R15e-19). Per-person folders and files (个人档案/张三丰/, 王五.csv,
赵六家庭成员.csv) and a SQLite table 王小明 were shown in clear (listing, inventory, saved result)
while the same name heading a column was masked; headings that are words opening with a surname
character (修改人, 母亲) were masked as names (修**, 母**), columns no one could find. One rule now
(classification.identifier_names): a person's name in such a name is masked, a word never."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from govsoc.classification.inventory import RESULTS_SUBDIR
from govsoc.cli import main
from tests.classification.test_source_json import NUMBERS, _scan
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
    out, texts = classified(folder, tmp_path, monkeypatch, capsys)
    for text in texts:
        assert not [name for name in ("张三丰", "王五", "赵六", "王小明") if name in text]
    for shown in ("花名册.csv  rows=10", "王**.csv  rows=10", "赵**家庭成员.csv  rows=10", "王**  rows=10"):
        assert shown in out  # masked by the name rule; 花名册 and 家庭成员 are words, kept
    assert "张**/花名册.csv" in texts[2]


def classified(folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
               capsys: pytest.CaptureFixture[str]) -> tuple[str, list[str]]:
    """`govsoc classify folder -o out.json` into a home under ``tmp_path``: its listing, and every
    text a reader sees (listing, stderr, the -o inventory, the one saved result)."""
    home = tmp_path / "home"
    monkeypatch.setenv("GOVSOC_HOME", str(home))
    output = tmp_path / "out.json"
    assert main(["classify", str(folder), "-o", str(output)]) == 0
    captured = capsys.readouterr()
    (saved,) = (home / RESULTS_SUBDIR).iterdir()
    return captured.out, [captured.out, captured.err, output.read_text(encoding="utf-8"),
                          saved.read_text(encoding="utf-8")]


@pytest.mark.parametrize("heading", [
    "修改人",  # a role: 修 is a surname, 修改人 no one's name
    "母亲",  # kin: 母 is a surname
])
def test_a_heading_word_over_names_is_shown_as_it_is(tmp_path: Path, heading: str) -> None:
    # R15e's b_heads.csv: 修改人 -> 修**, 母亲 -> 母** in the listing, the inventory and the report
    (tmp_path / "h.csv").write_text(f"编号,{heading},身份证号\n" + "".join(
        f"{i},{PEOPLE[i % 8]},{NUMBERS[i]}\n" for i in range(40)), encoding="utf-8")
    (table,) = _scan(tmp_path / "h.csv").tables
    fields = {f.field: f for f in table.fields}
    assert heading in fields and fields[heading].recognizer == "cn_person_name"
    assert f"'{heading}'" in fields[heading].reason


def test_a_name_heading_a_column_of_names_is_still_masked(tmp_path: Path) -> None:
    # a file without a header row: its first name is the heading, a value (819eea6's case)
    (tmp_path / "n.csv").write_text("黄伟芳,110105199001011237\n" + "".join(
        f"{PEOPLE[i % 8]},{NUMBERS[i]}\n" for i in range(40)), encoding="utf-8")
    (table,) = _scan(tmp_path / "n.csv").tables
    assert "黄伟芳" not in [f.field for f in table.fields]
