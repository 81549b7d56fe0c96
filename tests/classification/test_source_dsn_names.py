"""A database's name shown decoded, as a file path is (R15i-20): SQLAlchemy percent-encodes the
database of a URL, so a SQLite file /tmp/老伴张秀英.db was shown ``sqlite:////tmp/%E8%80%81%E4%BC%B4张**.db``
in the inventory and its saved result named with the hex bytes (…E8_80_81_E4_BC_B4张_db-….json): hex is
no masking (上访户黄国平.db was saved as F_E6_88_B7_E9_BB_84_E5_9B_BD_E5_B9_B3_db, 户黄国平 readable in one line)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from govsoc.classification.grading import load_scheme
from govsoc.classification.inventory import build_inventory, save_inventory
from govsoc.classification.sources import open_source
from govsoc.classification.sources.dsn_names import shown_dsn
from govsoc.cli import main


@pytest.mark.parametrize("dsn, shown", [
    # Chinese in a SQLite path: decoded, for the path masking to judge
    ("sqlite:////data/民政/名册.db", "sqlite:////data/民政/名册.db"),
    ("sqlite:///rel/名册.db", "sqlite:///rel/名册.db"),
    # a PostgreSQL database named in Chinese, its password hidden and its query kept
    ("postgresql://user:pw@host:5432/数据库?sslmode=require", "postgresql://user:***@host:5432/数据库?sslmode=require"),
    # what would read as a query or a literal percent stays encoded: the DSN means the same file
    ("sqlite:////tmp/a%3Fb.db", "sqlite:////tmp/a%3Fb.db"),
    ("sqlite:////tmp/a%25b.db", "sqlite:////tmp/a%25b.db"),
    # the in-memory database, as saved.py recognises it
    ("sqlite:///:memory:", "sqlite:///:memory:"),
    # no database: as SQLAlchemy renders it
    ("postgresql://u@h", "postgresql://u@h"),
])
def test_a_database_is_shown_decoded(dsn: str, shown: str) -> None:
    url = make_url(dsn)
    assert shown_dsn(url, url.get_backend_name()) == shown


@pytest.mark.parametrize("stem, masked", [
    # a kin word before the name: 老伴 shown, the name masked (R15i-20's 老伴张秀英.db)
    ("老伴张秀英", "老伴张**"),
    # a role word before the name
    ("特困人员王小明", "特困人员王**"),
    ("上访户黄国平", "上访户黄**"),
])
def test_a_sqlite_file_is_shown_and_saved_as_a_file_path_is(tmp_path: Path, stem: str, masked: str) -> None:
    db = sqlite3.connect(tmp_path / f"{stem}.db")
    db.execute("CREATE TABLE person (id INTEGER PRIMARY KEY, 姓名 TEXT, 身份证号码 TEXT)")
    db.execute("INSERT INTO person VALUES (1, '张三', '11010519491231002X')")
    db.commit()
    db.close()
    source = open_source(f"sqlite:///{tmp_path}/{stem}.db")
    inventory = build_inventory(source.tables(), source=source.name, scheme=load_scheme("gbt43697"), sample_size=100)
    assert inventory.source == f"sqlite:///{tmp_path}/{masked}.db"
    saved = save_inventory(inventory, tmp_path / "home").name
    # the saved result's name: the masked name's characters, no hex of what was masked
    assert masked.rstrip("*") in saved and stem[len(masked.rstrip("*")):] not in saved
    given = stem[len(masked.rstrip("*")):].encode("utf-8").hex("_").upper()
    assert given[:8] not in saved and "%" not in inventory.source


@pytest.mark.parametrize("stem, masked", [
    # R15k-17: the error line of a file that is no database showed the decoded name in clear
    ("低保户李建国", "低保户李**"),
    ("老伴张秀英", "老伴张**"),  # a kin word before the name
])
def test_an_unreadable_sqlite_file_is_named_masked_in_its_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], stem: str,
        masked: str) -> None:
    monkeypatch.setenv("GOVSOC_HOME", str(tmp_path / "home"))
    (tmp_path / f"{stem}.db").write_bytes(b"not a database, only text")
    assert main(["classify", f"sqlite:///{tmp_path}/{stem}.db"]) != 0
    error = capsys.readouterr().err
    assert f"sqlite:///{tmp_path}/{masked}.db: " in error and stem not in error
