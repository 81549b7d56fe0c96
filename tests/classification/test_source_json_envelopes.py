"""A JSON envelope's arrays of records and the members beside them (issue 15 review R15e-1, R15e-9):
every array of objects is a table of its own, whichever comes first and however small the others
are; the members beside them are one row of a table, classified, and nothing from them is shown
in clear (a key can be an operator's phone or e-mail address)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from govsoc.classification.grading import load_scheme
from govsoc.classification.inventory import Inventory, build_inventory
from govsoc.classification.sources import json_records, open_source
from tests.classification.test_sources import NAMES, PHONES, ids

NUMBERS = ids(40)
ROSTER = {"xm": "cn_person_name", "sfzh": "cn_resident_id", "sjhm": "cn_mobile"}


def _records(n: int) -> list[dict[str, str]]:
    return [{"xm": NAMES[i % 8], "sfzh": NUMBERS[i % 40], "sjhm": PHONES[i % 40]} for i in range(n)]


def _scan(target: Path) -> Inventory:
    source = open_source(str(target))
    return build_inventory(source.tables(), source=source.name, scheme=load_scheme("gbt43697"), sample_size=1000)


def _tables(inventory: Inventory) -> dict[str, tuple[int | None, dict[str, str | None]]]:
    """table -> (rows, tagged fields and their recognizers)."""
    return {t.table: (t.rows, {f.field: f.recognizer for f in t.fields if f.status == "tagged"})
            for t in inventory.tables}


# an API's envelope with a small array of objects (tags) ahead of data.list: R15e-1 read the 2 tags
# as the rows (streamed) or the whole text as one row (read whole)
TAGS_FIRST = {"code": 0, "tags": [{"k": "a"}, {"k": "b"}], "data": {"total": 2000, "list": _records(2000)}}


@pytest.mark.parametrize("limit", [
    json_records.JSON_LIMIT,  # read whole: was rows=1, fields data.list[].xm ...
    1000,                     # over the limit, streamed: was rows=2, the tags
])
def test_a_small_array_before_the_records_does_not_take_their_place(tmp_path: Path, limit: int,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(json_records, "JSON_LIMIT", limit)
    (tmp_path / "api.json").write_text(json.dumps(TAGS_FIRST, ensure_ascii=False, indent=1), encoding="utf-8")
    tables = _tables(_scan(tmp_path / "api.json"))
    assert tables["api.json:data.list"] == (2000, ROSTER)
    assert tables["api.json:tags"] == (2, {})
    assert tables["api.json:(envelope)"][0] == 1  # code, data.total: one row


@pytest.mark.parametrize("limit", [json_records.JSON_LIMIT, 1000])
def test_two_arrays_of_records_side_by_side_are_two_tables(tmp_path: Path, limit: int,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    # R15e-1 (R15d-16's "one table per such array"): persons and accounts were one record, rows=1
    monkeypatch.setattr(json_records, "JSON_LIMIT", limit)
    value = {"data": {"users": _records(30), "accounts": [{"zh": NUMBERS[i], "khm": NAMES[i % 8]} for i in range(35)]}}
    (tmp_path / "two.json").write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
    inventory = _scan(tmp_path / "two.json")
    assert _tables(inventory) == {"two.json:data.users": (30, ROSTER),
                                  "two.json:data.accounts": (35, {"zh": "cn_resident_id", "khm": "cn_person_name"})}
    assert [s.reason for s in inventory.skipped] == [
        f"a JSON envelope: the {n} records of data.{path} read as the rows "
        "(one of its 2 arrays of records, each a table)"
        for n, path in [(30, "users"), (35, "accounts")]]


def test_the_members_beside_the_records_are_classified(tmp_path: Path) -> None:
    # R15e-9: the operator's mobile beside the records was "not classified"; now a row of its own table
    value = {"code": 0, "operator": {"xm": NAMES[0], "sjhm": PHONES[1], "sfzh": NUMBERS[2]}, "list": _records(40)}
    (tmp_path / "log.json").write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
    tables = _tables(_scan(tmp_path / "log.json"))
    assert tables["log.json"] == (40, ROSTER)
    rows, tagged = tables["log.json:(envelope)"]
    assert rows == 1 and tagged["operator.sfzh"] == "cn_resident_id"


@pytest.mark.parametrize("limit", [json_records.JSON_LIMIT, 1000])
def test_keys_of_an_envelope_are_never_shown_in_clear(tmp_path: Path, limit: int,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """R15e-9: an envelope's other keys were listed raw in its note ("code, operator_张三丰,
    wang.wu@example.com, 13812345678 beside them not classified"): in the terminal, the saved
    inventory and the signed report, which mask the same names as field names."""
    monkeypatch.setattr(json_records, "JSON_LIMIT", limit)
    value = {"code": 0, "wang.wu@example.com": 1, "13812345678": "admin", "zhang.san@gov.cn": _records(40)}
    (tmp_path / "keys.json").write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
    inventory = _scan(tmp_path / "keys.json")
    saved = json.dumps(inventory.to_dict(), ensure_ascii=False)
    for clear in ("wang.wu@example.com", "13812345678", "zhang.san@gov.cn"):
        assert clear not in saved
    assert [t.rows for t in inventory.tables] == [40, 1]
