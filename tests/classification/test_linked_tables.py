"""Tables of one source joined by a key graded together for the combination rules (R15g-3): a
person's name in one table and the person's ID number in another (two sheets by 编号, person and
cert tables by person_id) are 身份证件号码与姓名同表 (4级), not "an ID number alone" (3级)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import openpyxl  # extra `classify`, which dev pulls in

from govsoc.classification.checksums import resident_id_check_char
from govsoc.classification.columns import ColumnSample
from govsoc.classification.grading import load_scheme
from govsoc.classification.inventory import Inventory, TableRecord, build_inventory
from govsoc.classification.linked_tables import SKETCH, Keys, keys_of, links
from govsoc.classification.sources import open_source
from govsoc.classification.sources.base import TableSample

SURNAMES = "王李张刘陈杨黄赵吴周"
GIVEN = ["伟", "芳", "娜", "秀英", "敏", "静", "丽", "强"]


def person(i: int) -> tuple[str, str, str]:
    """(name, ID number, mobile) of person ``i``."""
    body = f"1101051980{i % 12 + 1:02d}{i % 28 + 1:02d}{i:03d}"
    return SURNAMES[i % 10] + GIVEN[i % 8], body + resident_id_check_char(body), f"139{i:08d}"


def scan(path: Path) -> Inventory:
    source = open_source(str(path))
    return build_inventory(source.tables(), source=source.name, scheme=load_scheme("gbt43697"), sample_size=1000)


def table(inventory: Inventory, suffix: str) -> TableRecord:
    return next(t for t in inventory.tables if t.table.endswith(suffix))


def workbook(path: Path, second_key: str = "编号", first_key: str = "编号") -> Path:
    book = openpyxl.Workbook()
    basic = book.active
    assert basic is not None
    basic.title = "基本信息"
    basic.append([first_key, "姓名", "性别"])
    certs = book.create_sheet("证件信息")
    certs.append([second_key, "身份证号", "联系电话"])
    for i in range(60):
        name, ident, mobile = person(i)
        basic.append([f"A{i:04d}", name, "男" if i % 2 else "女"])
        certs.append([f"A{i:04d}", ident, mobile])
    book.save(path)
    return path


def test_sheets_joined_by_a_key_are_graded_together(tmp_path: Path) -> None:
    # x/split_sheets.xlsx of the finding: 证件信息 was 3级, the workbook's highest 3级
    inventory = scan(workbook(tmp_path / "split.xlsx"))
    certs, basic = table(inventory, "证件信息"), table(inventory, "基本信息")
    assert certs.level == "G4" and basic.level == "G4"
    assert "身份证件号码与姓名同表" in certs.basis and "基本信息 by 编号 = 编号" in certs.basis
    assert "汇聚融合" in certs.basis and "60 sampled values shared" in certs.basis
    ident = next(f for f in certs.fields if f.recognizer == "cn_resident_id")
    assert ident.pipl_sensitive and "linked to a person's name" in ident.grade_basis


def test_sheets_without_a_shared_key_are_not_joined(tmp_path: Path) -> None:
    # headings differ (编号 / 证件编号): two tables that merely sit in one workbook stay apart
    inventory = scan(workbook(tmp_path / "apart.xlsx", second_key="证件编号"))
    assert table(inventory, "证件信息").level == "G3"


def test_sheets_numbered_from_one_by_a_shared_heading_are_joined(tmp_path: Path) -> None:
    # R15i-5: one list spread over two sheets of a workbook by 编号 1..n (shuffled in the second) is the
    # README's own example: 1d3ff33 took the running number for a row number (2级 / 3级 for 4级 / 4级);
    # between two files it still links nothing (test_linked_tables_keys: unrelated rosters)
    path = tmp_path / "from_one.xlsx"
    book = openpyxl.Workbook()
    basic = book.active
    assert basic is not None
    basic.title = "基本信息"
    basic.append(["编号", "姓名", "性别"])
    certs = book.create_sheet("证件信息")
    certs.append(["编号", "身份证号码"])
    for i in range(60):
        basic.append([i + 1, person(i)[0], "男" if i % 2 else "女"])
    for i in sorted(range(60), key=lambda i: (i * 37) % 60):
        certs.append([i + 1, person(i)[1]])
    book.save(path)
    inventory = scan(path)
    assert (table(inventory, "证件信息").level, table(inventory, "基本信息").level) == ("G4", "G4")


def test_a_row_number_column_is_no_key(tmp_path: Path) -> None:
    # every sheet numbers its rows 1..n: 序号 links nothing
    path = tmp_path / "numbered.xlsx"
    book = openpyxl.Workbook()
    first = book.active
    assert first is not None
    first.append(["序号", "姓名"])
    second = book.create_sheet("证件")
    second.append(["序号", "身份证号"])
    for i in range(60):
        first.append([i + 1, person(i)[0]])
        second.append([i + 1, person(i + 100)[1]])
    book.save(path)
    assert table(scan(path), "证件").level == "G3"


def test_database_tables_joined_by_a_foreign_key_are_graded_together(tmp_path: Path) -> None:
    # s/normalized.sqlite of the finding: person(id, xm, xb), cert(person_id, zjlx, zjhm); cert was 3级
    path = tmp_path / "normalized.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("create table person (id integer primary key, xm text, xb text)")
        db.execute("create table cert (person_id integer references person(id), zjlx text, zjhm text)")
        for i in range(200):
            name, ident, _ = person(i)
            db.execute("insert into person values (?, ?, ?)", (i + 1, name, "男"))
            db.execute("insert into cert values (?, ?, ?)", (i + 1, "居民身份证", ident))
    db.close()
    inventory = scan(path)
    cert = table(inventory, "cert")
    assert cert.level == "G4" and "table person by person_id = id" in cert.basis
    assert table(inventory, "person").level == "G4"


def keys(name: str, field: str, values: list[str]) -> Keys:
    column = ColumnSample(dataset="db", table=name, field=field, values=values)
    return keys_of(TableSample(dataset="db", table=name, rows=len(values), columns=(column,)))


def test_keys_past_the_sketch_are_estimated() -> None:
    # 2,000 keys each side, 1,500 shared: the sketches (SKETCH values) tell the overlap without the values
    first = keys("a", "编号", [f"K{i}" for i in range(2000)])
    second = keys("b", "编号", [f"K{i}" for i in range(500, 2500)])
    kinds = [frozenset({"cn_person_name"}), frozenset({"cn_resident_id"})]
    found = links([first, second], kinds)
    assert len(found) == 1 and 1_200 <= found[0].shared <= 1_800
    assert all(len(h) <= SKETCH for _, h, _ in first.sketches)
    # no overlap, or tables holding the same kinds: no link
    third = keys("c", "编号", [f"Z{i}" for i in range(2000)])
    assert links([first, third], kinds) == []
    assert links([first, second], [kinds[0], kinds[0]]) == []


def test_a_surrogate_id_in_every_table_is_no_key() -> None:
    # users.id 1..n and orders.id 1..n are two numberings, not a join
    numbers = [str(i) for i in range(100)]
    users, orders = keys("users", "id", numbers), keys("orders", "id", numbers)
    assert links([users, orders], [frozenset({"cn_person_name"}), frozenset({"cn_resident_id"})]) == []


def test_an_id_table_at_the_scale_linked_to_names_is_flagged_for_review() -> None:
    # 1,200,000 ID numbers in a cert table, the names in person: sensitive once linked, so 重要数据 review
    rows = 1_200_000
    keys = [str(100_000 + i) for i in range(200)]
    person_table = TableSample(dataset="db", table="person", rows=rows, columns=(
        ColumnSample(dataset="db", table="person", field="id", values=keys, rows=rows),
        ColumnSample(dataset="db", table="person", field="xm", values=[person(i)[0] for i in range(200)], rows=rows)))
    cert_table = TableSample(dataset="db", table="cert", rows=rows, columns=(
        ColumnSample(dataset="db", table="cert", field="person_id", values=keys, rows=rows),
        ColumnSample(dataset="db", table="cert", field="zjhm", values=[person(i)[1] for i in range(200)], rows=rows)))
    inventory = build_inventory([person_table, cert_table], source="db", scheme=load_scheme("gbt43697"),
                                sample_size=1000)
    cert = table(inventory, "cert")
    assert cert.important_candidate and "1,200,000 rows" in cert.important_reason and "zjhm" in cert.important_reason
