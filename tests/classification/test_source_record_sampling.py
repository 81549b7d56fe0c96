"""Sampling that keeps a record's answers together in a large attribute/value table (R15h-7 at
scale): a row sample of 1,000 of 6,000 answers holds about one answer a person, so the pivot
never saw a person's name beside their ID number and the table was 3级, not 4级."""

from __future__ import annotations

import random
import sqlite3
from collections import Counter
from contextlib import closing
from pathlib import Path

import pytest

from govsoc.classification.checksums import resident_id_check_char
from govsoc.classification.grading import load_scheme
from govsoc.classification.inventory import Inventory, build_inventory
from govsoc.classification.sources import open_source
from govsoc.classification.sources.record_sampling import record_reservoir

PEOPLE = 2000
SURNAMES = "王李张刘陈杨黄赵吴周"
GIVEN = ["伟", "芳", "娜", "秀英", "敏", "静", "丽", "强"]


def person(i: int) -> tuple[str, str, str]:
    body = f"1101051980{i % 12 + 1:02d}{i % 28 + 1:02d}{i % 1000:03d}"
    return SURNAMES[i % 10] + GIVEN[i % 8], body + resident_id_check_char(body), f"139{i:08d}"


def answers(order: str, key: str) -> list[tuple[str, str, str]]:
    """person_id,attr,value rows of PEOPLE people, by person or shuffled, every seventh phone empty."""
    rows = [(key.format(n), attr, value) for n in range(PEOPLE)
            for attr, value in zip(("姓名", "身份证号", "手机号"), person(n), strict=True)]
    rows = [(k, a, "" if a == "手机号" and int(k.strip("P")) % 7 == 0 else v) for k, a, v in rows]
    if order == "shuffled":
        random.Random(7).shuffle(rows)
    return rows


def written(path: Path, heading: tuple[str, ...], rows: list[tuple[str, str, str]]) -> Path:
    if path.suffix == ".csv":
        path.write_text("\n".join(",".join(r) for r in [heading, *rows]) + "\n", encoding="utf-8")
        return path
    if path.suffix == ".xlsx":
        import openpyxl

        book = openpyxl.Workbook()
        sheet = book.active
        assert sheet is not None
        for row in [heading, *rows]:
            sheet.append(row)
        book.save(path)
        return path
    with closing(sqlite3.connect(path)) as db:
        db.execute(f"CREATE TABLE t ({', '.join(heading)})")
        db.executemany("INSERT INTO t VALUES (?, ?, ?)", rows)
        db.commit()
    return path


def scan(path: Path) -> Inventory:
    source = open_source(str(path))
    return build_inventory(source.tables(), source=source.name, scheme=load_scheme("gbt43697"), sample_size=1000)


@pytest.mark.parametrize("suffix", [".csv", ".db", ".xlsx"])
@pytest.mark.parametrize("order, key", [
    # answers by person, as a form platform exports them: 6,000 rows sampled at 1,000 were
    # rows=6000 一般数据（3级）, the record id never repeated in the sample
    ("by person", "{}"),
    # the same answers in any order (an export sorted by time or by attr): the head of the
    # file holds no whole record at all
    ("shuffled", "{}"),
    # text record ids (P0001...), hashed as text, not as numbers
    ("shuffled", "P{:05d}"),
])
def test_a_large_attribute_value_table_is_sampled_by_whole_records(
        tmp_path: Path, suffix: str, order: str, key: str) -> None:
    path = written(tmp_path / f"eav{suffix}", ("person_id", "attr", "value"), answers(order, key))
    [table] = scan(path).tables
    assert table.rows == PEOPLE and table.level == "G4" and "身份证件号码与姓名同表" in table.basis


@pytest.mark.parametrize("suffix", [".csv", ".db"])
def test_a_large_roster_with_id_kinds_is_not_sampled_by_records(tmp_path: Path, suffix: str) -> None:
    # 证件类型 (居民身份证, 护照) names kinds as an attribute column does, but each row is a
    # person: neither 姓名 (2,000 of 40 names repeat, never once per kind) nor 证件号码 keys records
    rows = [(name, "护照" if i % 3 else "居民身份证", ident)
            for i, (name, ident, _) in enumerate(map(person, range(3 * PEOPLE)))]
    path = written(tmp_path / f"roster{suffix}", ("姓名", "证件类型", "证件号码"), rows)
    inventory = scan(path)
    [table] = inventory.tables
    assert table.rows == 3 * PEOPLE and [f.field for f in table.fields] == ["姓名", "证件类型", "证件号码"]
    assert not [s for s in inventory.skipped if "attribute/value" in s.reason]


@pytest.mark.parametrize("heading, rows, column, place", [
    # an attribute/value export whose one answer is a legacy GBK text (R15j-18: the hashed record
    # order handed the value to a Python function as strict UTF-8: "table not classified", 0 tables)
    (("person_id", "attr", "value"), answers("shuffled", "P{:05d}"), "value", 7),
    # the same with the record id itself in GBK: the key column is the one hashed
    (("person_id", "attr", "value"), answers("shuffled", "P{:05d}"), "person_id", 7),
    # a roster whose 证件类型 reads as an attribute column, one name in GBK (R15j-18's own file)
    (("姓名", "证件类型", "证件号码"),
     [(n, "护照" if i % 3 else "居民身份证", d) for i, (n, d, _) in enumerate(map(person, range(3 * PEOPLE)))],
     "姓名", 100),
])
def test_a_legacy_gbk_cell_does_not_lose_a_large_sqlite_table(
        tmp_path: Path, heading: tuple[str, ...], rows: list[tuple[str, str, str]], column: str, place: int) -> None:
    path = written(tmp_path / "legacy.db", heading, rows)
    with closing(sqlite3.connect(path)) as db:
        db.execute(f"UPDATE t SET {column} = CAST(? AS TEXT) WHERE rowid = ?", ("衢州市柯城区".encode("gbk"), place))
        db.commit()
    inventory = scan(path)
    assert not [s for s in inventory.skipped if not s.note], inventory.skipped
    [table] = inventory.tables
    assert table.level == "G4" and table.rows in (PEOPLE, 3 * PEOPLE)


def test_the_by_record_sample_holds_every_answer_of_each_record_it_holds() -> None:
    rows = [list(r) for r in answers("shuffled", "{}")]
    kept, seen = record_reservoir(iter(rows), 1000)
    whole = Counter(r[0] for r in rows)
    assert seen == len(rows) and 0 < len(kept) <= 1000
    assert all(n == whole[k] for k, n in Counter(r[0] for r in kept).items())
    assert record_reservoir(iter(rows), 1000) == (kept, seen)  # the same file, the same sample


def roster_rows(people: int) -> list[list[str]]:
    """序号,姓名,证件类型,证件号码,联系电话: one person a row, 证件类型 naming kinds as attribute words do."""
    return [[str(i + 1), name, "护照" if i % 3 else "居民身份证", ident, phone]
            for i, (name, ident, phone) in enumerate(map(person, range(people)))]


@pytest.mark.parametrize("rows, hashed", [
    # a roster whose 证件类型 reads as an attribute column (R15j-13): 序号/证件号码/联系电话 never
    # repeat and 姓名 repeats with the same kind, so no column keys records; each row was hashed
    # once per candidate (4 x 6,000), 40x the row sample's own cost at 100,000 rows
    (roster_rows(3 * PEOPLE), False),
    # a true attribute/value export, shuffled: person_id repeats, each time with another attribute
    ([list(r) for r in answers("shuffled", "{}")], True),
])
def test_only_a_column_that_groups_answers_is_sampled_by_key(
        monkeypatch: pytest.MonkeyPatch, rows: list[list[str]], hashed: bool) -> None:
    from govsoc.classification.sources import record_sampling

    calls = Counter[str]()
    real = record_sampling.key_hash

    def counted(key: str) -> int:
        calls["hash"] += 1
        return real(key)

    monkeypatch.setattr(record_sampling, "key_hash", counted)
    kept, seen = record_reservoir(iter(rows), 1000)
    assert seen == len(rows)
    # one sampler at most for the export (person_id: value/attr do not group answers), none for the roster
    assert calls["hash"] == (len(rows) if hashed else 0)


def test_a_large_sqlite_roster_is_not_read_in_hashed_order(tmp_path: Path) -> None:
    # R15j-21: the roster's four unique or name columns were each read ORDER BY govsoc_key_hash
    # (a Python hash per row, a full sort) before the plain sample was kept; a connection without
    # the function shows whether the hashed order is asked for at all
    from sqlalchemy import MetaData, Table, create_engine

    from govsoc.classification.column_sample import ColumnSample
    from govsoc.classification.sources.sql_records import record_order

    path = tmp_path / "roster.db"
    heading = ("序号", "姓名", "证件类型", "证件号码", "联系电话")
    rows = roster_rows(3 * PEOPLE)
    with closing(sqlite3.connect(path)) as db:
        db.execute(f"CREATE TABLE t ({', '.join(heading)})")
        db.executemany("INSERT INTO t VALUES (?, ?, ?, ?, ?)", rows)
        db.commit()
    spread = rows[1::6] + rows[::6]  # both kinds, as the rowid-hash sample holds them
    samples = [ColumnSample(dataset="roster.db", table="t", field=h, values=tuple(r[i] for r in spread))
               for i, h in enumerate(heading)]
    engine = create_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        table = Table("t", MetaData(), autoload_with=conn)
        assert record_order(conn, table, samples, 1000) is None
