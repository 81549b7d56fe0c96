"""Attribute/value (EAV) layouts read as records (R15g-13): a form builder's answers
({"field": "姓名", "value": …}) and 记录编号,字段名,字段值 tables put every answer in one value
column; pivoted, each attribute is a field judged by its own name and the records are counted,
not the answers."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest

from govsoc.classification.attribute_values import pivoted
from govsoc.classification.checksums import luhn_ok, resident_id_check_char
from govsoc.classification.columns import ColumnClassifier, ColumnSample
from govsoc.classification.grading import load_scheme
from govsoc.classification.inventory import Inventory, TableRecord, build_inventory
from govsoc.classification.sources import open_source
from govsoc.classification.sources.base import TableSample

SURNAMES = "王李张刘陈杨黄赵吴周"
GIVEN = ["伟", "芳", "娜", "秀英", "敏", "静", "丽", "强"]
PEOPLE = 60


def people() -> list[tuple[str, str, str, str]]:
    """(name, ID number, mobile, bank card) of PEOPLE people, every one valid."""
    out = []
    for i in range(PEOPLE):
        body = f"1101051980{i % 12 + 1:02d}{i % 28 + 1:02d}{i:03d}"
        card = next(f"622202{i:012d}{d}" for d in "0123456789" if luhn_ok(f"622202{i:012d}{d}"))
        out.append((SURNAMES[i % 10] + GIVEN[i % 8], body + resident_id_check_char(body), f"139{i:08d}", card))
    return out


def scan(path: Path) -> Inventory:
    source = open_source(str(path))
    return build_inventory(source.tables(), source=source.name, scheme=load_scheme("gbt43697"), sample_size=1000)


def only(inventory: Inventory, suffix: str) -> TableRecord:
    return next(t for t in inventory.tables if t.table.endswith(suffix))


def eav_csv(path: Path) -> Path:
    lines = ["记录编号,字段名,字段值"]
    for n, (name, ident, mobile, _) in enumerate(people()):
        lines += [f"{n},姓名,{name}", f"{n},身份证号,{ident}", f"{n},联系电话,{mobile}"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_record_id_attribute_value_table_is_read_as_records(tmp_path: Path) -> None:
    # t/eav.csv of the finding: 180 rows, 60 people; before, one field 字段值 "居民身份证号、手机号",
    # rows=180 and 3级: the names never judged
    table = only(scan(eav_csv(tmp_path / "eav.csv")), "eav.csv")
    assert table.rows == PEOPLE
    kinds = {f.field: f.recognizer for f in table.fields}
    assert kinds["姓名"] == "cn_person_name" and kinds["身份证号"] == "cn_resident_id"
    assert kinds["联系电话"] == "cn_mobile"
    assert table.level == "G4" and "身份证件号码与姓名同表" in table.basis


def test_the_reading_is_said_once_as_a_note(tmp_path: Path) -> None:
    inventory = scan(eav_csv(tmp_path / "eav.csv"))
    notes = [s for s in inventory.skipped if "attribute/value" in s.reason]
    assert len(notes) == 1 and notes[0].note
    assert "180 rows of answers read as 60 records" in notes[0].reason and "'记录编号'" in notes[0].reason
    assert inventory.skipped_count == 0  # a note, nothing left out


def test_form_builder_answers_in_json_are_pivoted(tmp_path: Path) -> None:
    # j/eav_answers.json of the finding: answers[] rows=240, 'value' "居民身份证号、银行卡号", names unjudged
    data = [{"id": n, "submitted": "2024-03-01", "answers": [
        {"field": "姓名", "value": name}, {"field": "身份证号", "value": ident},
        {"field": "联系电话", "value": mobile}, {"field": "银行卡号", "value": card}]}
        for n, (name, ident, mobile, card) in enumerate(people())]
    path = tmp_path / "answers.json"
    path.write_text(json.dumps({"code": 0, "data": data}, ensure_ascii=False), encoding="utf-8")
    table = only(scan(path), "answers[]")
    assert table.rows == PEOPLE  # no record id: each record answers 姓名 once
    fields = {f.field: f for f in table.fields}
    assert fields["姓名"].recognizer == "cn_person_name" and fields["银行卡号"].recognizer == "cn_bank_card"
    # the ID numbers beside the names they belong to: 个人身份信息, sensitive (GB/T 35273-2020 Annex B)
    assert fields["身份证号"].recognizer == "cn_resident_id" and fields["身份证号"].pipl_sensitive


def test_a_sparse_column_beside_answers_without_a_record_id_does_not_undo_the_pivot(tmp_path: Path) -> None:
    # a few answers carry a note (已核实): a column short of the others, not aligned, and not mostly
    # distinct: no record of its own, so the answers are still pivoted (99e2785 took any column it
    # could not align for a record id's rival)
    data = [{"id": n, "answers": [{"field": "姓名", "value": name}, {"field": "身份证号", "value": ident},
                                  {"field": "联系电话", "value": mobile, **({"note": "已核实"} if n % 6 == 0 else {})}]}
            for n, (name, ident, mobile, _) in enumerate(people())]
    path = tmp_path / "answers.json"
    path.write_text(json.dumps({"code": 0, "data": data}, ensure_ascii=False), encoding="utf-8")
    table = only(scan(path), "answers[]")
    assert table.rows == PEOPLE and "身份证件号码与姓名同表" in table.basis


def test_rows_of_record_attribute_value_objects_are_pivoted(tmp_path: Path) -> None:
    rows = [{"record_id": n, "attr": attr, "val": value} for n, person in enumerate(people())
            for attr, value in zip(("姓名", "身份证号", "联系电话"), person, strict=False)]
    path = tmp_path / "eav_rows.json"
    path.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    table = only(scan(path), "eav_rows.json")
    assert table.rows == PEOPLE and "身份证件号码与姓名同表" in table.basis


@pytest.mark.parametrize("header, rows", [
    # a metrics table: few repeated names, but none names a kind of personal data
    ("host,metric,value", [f"h{i % 7},{m},{i * 3}" for i in range(60) for m in ("cpu", "mem", "disk")]),
    # a roster with a 性别 column: few distinct values, yet they are values, not headings
    ("姓名,性别,身份证号", [f"{p[0]},{'男' if i % 2 else '女'},{p[1]}" for i, p in enumerate(people())]),
    # a roster's 证件类型: 居民身份证 and 护照 name kinds as headings do, yet each row is a person
    ("姓名,证件类型,证件号码", [f"{p[0]},{'护照' if i % 3 else '居民身份证'},{p[1]}" for i, p in enumerate(people())]),
    # households: 户号 repeats, (户号, 称谓) once each, and 户主/联系人 name kinds; but the names are one kind
    ("户号,称谓,姓名", [f"H{i // 2},{'户主' if i % 2 else '联系人'},{p[0]}" for i, p in enumerate(people())]),
])
def test_tables_that_are_not_attribute_value_layouts_are_left_as_they_are(
        tmp_path: Path, header: str, rows: list[str]) -> None:
    path = tmp_path / "plain.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    inventory = scan(path)
    table = only(inventory, "plain.csv")
    assert [f.field for f in table.fields] == header.split(",") and table.rows == len(rows)
    assert not [s for s in inventory.skipped if "attribute/value" in s.reason]


def answers(extra: str, empty: bool) -> tuple[list[str], list[tuple[object, ...]]]:
    """The heading and rows of a person_id,attr,value table of PEOPLE people, a column ``extra``
    after them (one value per answer), every fifth person's 手机号 empty when ``empty``."""
    heading = ["person_id", "attr", "value", *([extra] if extra else [])]
    rows: list[tuple[object, ...]] = []
    for n, (name, ident, mobile, _) in enumerate(people()):
        for attr, value in (("姓名", name), ("身份证号", ident), ("手机号", "" if empty and n % 5 == 0 else mobile)):
            more = {"updated_at": f"2024-03-{n % 28 + 1:02d} {len(rows) // 3600:02d}:{len(rows) // 60 % 60:02d}:"
                                  f"{len(rows) % 60:02d}", "answer_id": str(100000 + len(rows)),
                    "operator": f"{'王李张'[len(rows) % 3]}经办",
                    "source": ("窗口", "网办", "自助机")[n % 3], "": ""}[extra]
            rows.append((n, attr, value, *([more] if extra else [])))
    return heading, rows


def written(path: Path, heading: list[str], rows: list[tuple[object, ...]]) -> Path:
    if path.suffix == ".csv":
        path.write_text("\n".join([",".join(heading), *(",".join(map(str, r)) for r in rows)]) + "\n",
                        encoding="utf-8")
        return path
    with closing(sqlite3.connect(path)) as db:
        db.execute(f"CREATE TABLE eav ({', '.join(heading)})")
        db.executemany(f"INSERT INTO eav VALUES ({', '.join('?' * len(heading))})", rows)
        db.commit()
    return path


@pytest.mark.parametrize("suffix", [".csv", ".db"])
@pytest.mark.parametrize("extra, empty", [
    # R15h-7 (a): a per-answer timestamp, more varied than the answers, was taken for the value
    # column (all of one shape: no pivot), rows=180 3级
    ("updated_at", False),
    # R15h-7 (a): the answer's own key (a serial per row), more varied than the answers: as above
    ("answer_id", False),
    # who keyed each answer in, the channel of each submission: few words, none naming a kind,
    # never the attribute nor the value column (guards: pivoted before the fix too)
    ("operator", False),
    ("source", False),
    # R15h-7 (b): a person with no phone: the source leaves the empty value out, the value column
    # was one short per such person and no longer row for row (rows=180 3级)
    ("", True),
    # both at once, as a real EAV table has them
    ("updated_at", True),
])
def test_attribute_value_tables_with_more_columns_or_empty_answers_are_pivoted(
        tmp_path: Path, suffix: str, extra: str, empty: bool) -> None:
    path = written(tmp_path / f"eav{suffix}", *answers(extra, empty))
    table = only(scan(path), "eav" if suffix == ".db" else "eav.csv")
    assert table.rows == PEOPLE
    kinds = {f.field: f.recognizer for f in table.fields}
    assert kinds["姓名"] == "cn_person_name" and kinds["身份证号"] == "cn_resident_id"
    assert kinds["手机号"] == "cn_mobile"
    assert table.level == "G4" and "身份证件号码与姓名同表" in table.basis
    assert not extra or extra in kinds  # a column beside the three is judged as it is


def test_unaligned_columns_are_not_pivoted() -> None:
    # a source that does not say which row a value came from (a server's sample: no places) and an
    # empty 字段值 left out: the columns are no longer row for row, so no attribute is guessed
    # (before R15h-7 this was a CSV file; a file's rows now pair the columns across the empty cell)
    rows = [(str(n), attr, value) for n, person in enumerate(people())
            for attr, value in zip(("姓名", "身份证号", "联系电话"), person, strict=False)]
    rows[0] = ("0", "姓名", "")
    fields = ("记录编号", "字段名", "字段值")
    columns = tuple(ColumnSample(dataset="db", table="eav", field=field, rows=len(rows),
                                 values=[r[i] for r in rows if r[i]]) for i, field in enumerate(fields))
    table = TableSample(dataset="db", table="eav", rows=len(rows), columns=columns)
    [read] = pivoted([table], ColumnClassifier())
    assert [c.field for c in read.columns] == ["记录编号", "字段名", "字段值"]


@pytest.mark.parametrize("name, empty", [
    # R15h-7 (3): a person with no phone exported as null: flatten leaves it out, the value column was
    # one short and, without places, not row for row (rows=180 一般数据（3级）)
    ("null.json", None),
    # the key left out altogether ({"pid": 0, "attr": "手机号"}): the same
    ("missing.json", ...),
    # JSON lines: the same records, one a line
    ("null.jsonl", None),
    # an empty string is a value (kept as ""): pivoted before too, a guard
    ("blank.json", ""),
])
def test_json_answers_with_no_value_are_paired_by_their_records(tmp_path: Path, name: str, empty: object) -> None:
    rows = []
    for n, (person_name, ident, mobile, _) in enumerate(people()):
        for attr, value in (("姓名", person_name), ("身份证号", ident), ("手机号", empty if n % 5 == 0 else mobile)):
            rows.append({"pid": n, "attr": attr, **({} if value is ... else {"value": value})})
    path = tmp_path / name
    text = [json.dumps(r, ensure_ascii=False) for r in rows]
    path.write_text("\n".join(text) if name.endswith(".jsonl") else f"[{','.join(text)}]", encoding="utf-8")
    table = only(scan(path), name)
    assert table.rows == PEOPLE and "身份证件号码与姓名同表" in table.basis
    assert {f.field: f.recognizer for f in table.fields}["手机号"] == "cn_mobile"


@pytest.mark.parametrize("suffix", [".csv", ".db"])
@pytest.mark.parametrize("beside", [
    # R15h-7 (2): answers in turn (姓名, 身份证号, 手机号, 姓名, ...) with no record id but a time per
    # answer, mostly distinct: the roster guard took them for records (rows=180 一般数据（3级）)
    "updated_at",
    # the answer's own serial beside them: the same
    "answer_id",
])
def test_answers_in_turn_without_a_record_id_are_pivoted_beside_a_distinct_column(
        tmp_path: Path, suffix: str, beside: str) -> None:
    heading, rows = answers(beside, False)
    path = written(tmp_path / f"eav{suffix}", heading[1:], [r[1:] for r in rows])
    table = only(scan(path), "eav" if suffix == ".db" else "eav.csv")
    assert table.rows == PEOPLE and table.level == "G4" and "身份证件号码与姓名同表" in table.basis


@pytest.mark.parametrize("turn", [
    # 证件类型 by person, every third a 居民身份证: no fixed turn of the two kinds
    lambda i: "居民身份证" if i % 3 == 0 else "护照",
    # kinds in runs (a roster sorted by 证件类型): no turn either (a guard: kept by other tests too)
    lambda i: "居民身份证" if i < 25 else "护照",
])
def test_a_roster_of_id_kinds_stays_a_roster(tmp_path: Path, turn: Callable[[int], str]) -> None:
    # each row a person, its 证件类型 naming kinds as attributes do, numbers under one and letters
    # under the other (passports) as answers are, and a mostly distinct 登记时间 beside them
    path = tmp_path / "plain.csv"
    kinds = [turn(i) for i in range(PEOPLE)]
    numbers = [p[1] if k == "居民身份证" else f"E{i:08d}" for i, (p, k) in enumerate(zip(people(), kinds, strict=True))]
    lines = [f"{n},{k},2024-03-01 10:{i:02d}:00" for i, (n, k) in enumerate(zip(numbers, kinds, strict=True))]
    path.write_text("\n".join(["证件号码,证件类型,登记时间", *lines]) + "\n", encoding="utf-8")
    table = only(scan(path), "plain.csv")
    assert table.rows == PEOPLE and [f.field for f in table.fields] == ["证件号码", "证件类型", "登记时间"]
