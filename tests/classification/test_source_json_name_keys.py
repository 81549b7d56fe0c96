"""JSON objects keyed by people's names in the shapes R15e-8's map test missed (issue 15 review
R15f-13): a name-keyed dict dumped an entry a line (JSON lines), one with a "total" and an
"updated" beside its names, keys that lead with a name (王芳(户主), 王芳_<ID number>), and such a map
inside an API's envelope. Each was one row of a field per person, named by the person in clear
(terminal, inventory, report), the names never judged (身份证号与姓名同表 missed). Each is now a
table of the entries: the keys the values of ``{name}``, masked as names are, a row per person."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.classification.test_source_json import NUMBERS, _scan
from tests.classification.test_source_json_name_maps import PEOPLE, listed
from tests.classification.test_sources import PHONES


def _person(i: int) -> dict[str, str]:
    return {"sfzh": NUMBERS[i], "sjh": PHONES[i]}


def _book(keys: list[str]) -> dict[str, object]:
    return {key: _person(i) for i, key in enumerate(keys)}


def _lines(path: Path) -> Path:
    # a per-line dump of a name-keyed dict: {"<name>": {…}} on each line
    path.write_text("".join(json.dumps({name: _person(i)}, ensure_ascii=False) + "\n"
                            for i, name in enumerate(PEOPLE)), encoding="utf-8")
    return path


def _dump(path: Path, value: object) -> Path:
    path.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
    return path


CASES = {
    "lines": lambda p: _lines(p / "map_lines.jsonl"),
    "a total beside the names": lambda p: _dump(p / "map_plus.json",
                                                {**_book(PEOPLE), "total": 40, "updated": "2024-03-01"}),
    "names with a role": lambda p: _dump(p / "map_role.json", _book([f"{n}(户主)" for n in PEOPLE])),
    "names with their ID": lambda p: _dump(p / "map_nameid.json",
                                           _book([f"{n}_{NUMBERS[i]}" for i, n in enumerate(PEOPLE)])),
    "in an envelope": lambda p: _dump(p / "map_env.json", {"code": 0, "data": _book(PEOPLE)}),
}


@pytest.mark.parametrize("case", CASES)
def test_objects_keyed_by_names_are_rows_of_masked_names(case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    path = CASES[case](tmp_path)
    inventory = _scan(path)
    people = inventory.tables[0]
    tagged = {f.field: f.recognizer for f in people.fields if f.status == "tagged"}
    assert people.rows == 40  # was 1 (a field per person), or 40 rows of a field per person
    assert tagged["{name}"] == "cn_person_name" and tagged["sfzh"] == "cn_resident_id"
    assert people.level == "G4"  # 身份证号与姓名同表
    assert not [name for name in PEOPLE if name in listed(path, tmp_path, monkeypatch, capsys)]  # masked (黄**)


def test_the_members_beside_the_names_are_a_row_of_their_own(tmp_path: Path) -> None:
    path = CASES["a total beside the names"](tmp_path)
    people, beside = _scan(path).tables
    assert beside.table == "map_plus.json:(envelope)" and beside.rows == 1
    assert {f.field for f in beside.fields} == {"total", "updated"}


def test_a_record_with_two_name_like_fields_is_no_map(tmp_path: Path) -> None:
    # fewer than two keys in three are names: a record, read as one (its fields kept)
    path = _dump(tmp_path / "one.json", {"黄伟芳": "x", "xm": "王芳", "sfzh": NUMBERS[0], "sjh": PHONES[0]})
    (table,) = _scan(path).tables
    assert table.rows == 1 and "{name}" not in {f.field for f in table.fields}


def test_a_name_in_a_member_beside_the_records_is_masked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    # R15e-9's env_keys.json: the (envelope) row's field "operator_张三丰" was saved and printed in clear
    path = _dump(tmp_path / "env_keys.json", {"code": 0, "operator_张三丰": "x",
                                              "data": {"list": [_person(i) | {"xm": PEOPLE[i]} for i in range(10)]}})
    out = listed(path, tmp_path, monkeypatch, capsys)
    assert "张三丰" not in out and "operator_张**" in out
