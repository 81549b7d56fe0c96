"""Plaintext sensitive data that ``govsoc classify`` found in a database is 8.4 e) evidence for the
system whose endpoint is that database (review R16 HIGH 10): a real PostgreSQL on loopback holding
resident ID and mobile numbers in the clear, classified by the command, then ``govsoc crypto-eval``
over an inventory that lists the database's address and port and declares 8.4 e ✓. The observed
plaintext outranks the declaration: D ✗, high risk, naming the source, table and fields."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import yaml

from govsoc.cli import main
from tests.classification.test_sources import ROWS
from tests.servers.postgres import PASSWORD, postgres_server

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

ITEM = "gbt39786.l3.8.4.e"


def _evaluate(tmp_path: Path, port: int, listed_port: int) -> dict[str, object]:
    inventory = tmp_path / f"inventory-{listed_port}.yaml"
    inventory.write_text(yaml.safe_dump({"systems": [{"name": "户籍库", "level": 3, "endpoints": [
        {"host": "127.0.0.1", "port": listed_port, "protocol": "postgresql", "kind": "database"}],
        "crypto": {"declarations": {ITEM: {"d": True, "a": True, "k": True, "evidence": "声称已加密"}}}}]},
        allow_unicode=True), encoding="utf-8")
    out = tmp_path / f"out-{listed_port}"
    assert main(["crypto-eval", "--inventory", str(inventory), "--no-probe", "--no-passive", "--no-self-test",
                 "-o", str(out)]) in (0, 3)
    (saved,) = out.glob("*.json")
    return json.loads(saved.read_text(encoding="utf-8"))


def _residents(port: int) -> Engine:
    """The PostgreSQL server's residents table (test_sources' rows: names, ID and phone numbers in
    the clear), made through an admin engine that is returned for more statements."""
    from sqlalchemy import create_engine, text

    admin = create_engine(f"postgresql+psycopg://postgres:{PASSWORD}@127.0.0.1:{port}/postgres")
    with admin.begin() as conn:
        conn.execute(text("create table residents (xm text, sfzh text, sjhm text, sku text)"))
        conn.execute(text("insert into residents values (:a, :b, :c, :d)"),
                     [{"a": a, "b": b, "c": c, "d": d} for a, b, c, d in ROWS])
    return admin


def test_classified_plaintext_columns_fail_8_4_e(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:

    monkeypatch.setenv("GOVSOC_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("GOVSOC_DB_PASSWORD", PASSWORD)
    with postgres_server() as port:
        admin = _residents(port)
        admin.dispose()
        assert main(["classify", f"postgresql://postgres@127.0.0.1:{port}/postgres"]) == 0
    result = _evaluate(tmp_path, port, port)
    item = next(i for layer in result["evaluation"]["layers"] for i in layer["items"]  # type: ignore[index]
                if i["id"] == ITEM)
    assert item["score"] == "0.0000", item
    stored = [f for f in result["evaluation"]["high_risk"] if f["item"] == ITEM]  # type: ignore[index]
    assert [f["object"] for f in stored] == [f"127.0.0.1:{port}"], stored
    why = stored[0]["why"]
    assert f"postgresql://127.0.0.1:{port}/postgres" in why and "sfzh" in why and "sjhm" in why, why
    assert PASSWORD not in json.dumps(result, ensure_ascii=False)
    # a store that is no endpoint of the system is not its evidence
    other = _evaluate(tmp_path, port, port + 1)
    assert not [f for f in other["evaluation"]["high_risk"] if f["item"] == ITEM]  # type: ignore[index]


def test_only_a_recent_newest_scan_decides_8_4_e(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # review R16c 3: every saved `govsoc classify` result decided 8.4 e, however old, and a store scanned
    # under two spellings of its URL kept the old plaintext verdict beside a newer scan that found the
    # values encrypted. Now the newest scan of a store decides, and only within crypto-eval --days
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import text

    from govsoc.classification.inventory import RESULTS_SUBDIR

    monkeypatch.setenv("GOVSOC_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("GOVSOC_DB_PASSWORD", PASSWORD)
    results = tmp_path / "data" / RESULTS_SUBDIR
    with postgres_server() as port:
        admin = _residents(port)
        assert main(["classify", f"postgresql://postgres@127.0.0.1:{port}/postgres"]) == 0
        (old,) = results.glob("*.json")
        scan = json.loads(old.read_text(encoding="utf-8"))
        # the same scan dated 60 days back: outside the 30-day window, stated but not deciding
        scan["generated"] = (datetime.now(UTC) - timedelta(days=60)).isoformat(timespec="seconds")
        old.write_text(json.dumps(scan, ensure_ascii=False), encoding="utf-8")
        stale = _evaluate(tmp_path, port, port)
        # a day old, and a newer scan of the same database under another URL (another account: a
        # result of its own) after the columns were encrypted (values no longer recognised): it decides
        scan["generated"] = (datetime.now(UTC) - timedelta(days=1)).isoformat(timespec="seconds")
        old.write_text(json.dumps(scan, ensure_ascii=False), encoding="utf-8")
        fresh = _evaluate(tmp_path, port, port)
        with admin.begin() as conn:
            conn.execute(text("update residents set xm = md5(xm), sfzh = md5(sfzh), sjhm = md5(sjhm)"))
            conn.execute(text(f"create role auditor login password '{PASSWORD}'"))
            conn.execute(text("grant select on residents to auditor"))
        admin.dispose()
        assert main(["classify", f"postgresql://auditor@127.0.0.1:{port}/postgres"]) == 0
        assert len(list(results.glob("*.json"))) == 2
        newer = _evaluate(tmp_path, port, port)

    def stored(result: dict[str, object], factor: str) -> list[dict[str, str]]:
        item = next(i for layer in result["evaluation"]["layers"] for i in layer["items"]  # type: ignore[index]
                    if i["id"] == ITEM)
        return [f for f in item["findings"] if f["factor"] == factor and f["check"] == "stored.plaintext"]

    assert not stored(stale, "D"), stored(stale, "D")
    (note,) = stored(stale, "INFO")
    assert note["why"].startswith("过期的扫描结果") and "sfzh" in note["why"], note
    # the control: the same scan within the window decides (D ✗)
    assert [f["satisfied"] for f in stored(fresh, "D")] == [False]
    assert not stored(newer, "D") and not stored(newer, "INFO"), stored(newer, "D")
