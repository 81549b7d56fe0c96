"""JSON objects keyed by people's names (issue 15 review R15e-8): ``json.dump({name: phone})``, the
commonest lookup table a script dumps, was one row of a field per person, each field named by its
person in clear (terminal, inventory, signed report), and the names never classified, so name + ID
number (身份证号与姓名同表, 4级) never combined. Such an object is a map: its keys the field
``{name}``, judged and masked as names under 姓名 are, its entries rows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from govsoc.cli import main
from tests.classification.test_source_json import NUMBERS, _scan, _tagged
from tests.classification.test_sources import PHONES

#: 40 distinct people's names (surname + given name), as a phone book's keys are
PEOPLE = [s + g for s in "黄胡朱马陈" for g in ("伟芳", "刚勇", "丽艳", "娜", "秀英", "明", "杰", "磊杰")]


def _dump(path: Path, value: object) -> Path:
    path.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
    return path


def test_a_phone_book_keyed_by_names_is_rows_of_masked_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    # R15e's phonebook_names.json: rows=1, 60 fields 黄伟芳, 胡刚勇 ... in clear
    book = _dump(tmp_path / "book.json", dict(zip(PEOPLE, PHONES, strict=True)))
    inventory = _scan(book)
    assert _tagged(inventory) == {"{name}": "cn_person_name", "{}": "cn_mobile"}
    assert inventory.tables[0].rows == 40
    assert not [name for name in PEOPLE if name in listed(book, tmp_path, monkeypatch, capsys)]  # masked (黄**)


def listed(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> str:
    """What `govsoc classify PATH -o out.json` prints and saves."""
    monkeypatch.setenv("GOVSOC_HOME", str(tmp_path / "home"))
    output = tmp_path / "out.json"
    assert main(["classify", str(path), "-o", str(output)]) == 0
    return capsys.readouterr().out + output.read_text(encoding="utf-8")


def test_records_keyed_by_their_holders_name_join_name_and_id_number(tmp_path: Path) -> None:
    # R15e's by_name.json: rows=1, 120 fields 何娟超.sfzh ..., 3级 (the names never classified)
    by_name = {name: {"sfzh": NUMBERS[i], "sjh": PHONES[i]} for i, name in enumerate(PEOPLE)}
    inventory = _scan(_dump(tmp_path / "by_name.json", by_name))
    assert _tagged(inventory) == {"{name}": "cn_person_name", "sfzh": "cn_resident_id", "sjh": "cn_mobile"}
    (table,) = inventory.tables
    assert table.rows == 40 and table.level == "G4"  # 身份证号与姓名同表


def test_a_family_keyed_by_names_inside_each_record_is_one_field(tmp_path: Path) -> None:
    # R15e's nested_map.json: 117 fields family.徐丽桂 ..., each 'none', 2级 for 120 ID numbers beside names
    lines = [json.dumps({"xm": PEOPLE[i], "family": {PEOPLE[(i + k) % 40]: NUMBERS[(i + k) % 40] for k in (1, 2, 3)}},
                        ensure_ascii=False) for i in range(40)]
    (tmp_path / "f.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    inventory = _scan(tmp_path / "f.jsonl")
    assert _tagged(inventory) == {"xm": "cn_person_name", "family{name}": "cn_person_name",
                                  "family{}": "cn_resident_id"}
    assert inventory.tables[0].level == "G4"


@pytest.mark.parametrize("record", [
    # a record's Chinese headings open with surname characters (修, 母, 车, 房, 明): still a record
    {"修改人": "张伟", "母亲": "王芳", "车牌号": "浙A12345", "房号": "301", "明细": "x"},
    # headings that are no one's name at all
    {"姓名": "张伟", "性别": "男", "联系电话": "13900000001"},
])
def test_records_keyed_by_headings_stay_records(tmp_path: Path, record: dict[str, str]) -> None:
    inventory = _scan(_dump(tmp_path / "r.json", [record] * 3))
    fields = [f.field for f in inventory.tables[0].fields]
    assert len(fields) == len(record) and "{name}" not in fields and inventory.tables[0].rows == 3
