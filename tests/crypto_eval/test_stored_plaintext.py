"""Plaintext sensitive data that ``govsoc classify`` found in a database is 8.4 e) evidence for the
system whose endpoint is that database (review R16 HIGH 10): a real PostgreSQL on loopback holding
resident ID and mobile numbers in the clear, classified by the command, then ``govsoc crypto-eval``
over an inventory that lists the database's address and port and declares 8.4 e ✓. The observed
plaintext outranks the declaration: D ✗, high risk, naming the source, table and fields."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from govsoc.cli import main
from tests.classification.test_sources import ROWS
from tests.servers.postgres import PASSWORD, postgres_server

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


def test_classified_plaintext_columns_fail_8_4_e(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sqlalchemy import create_engine, text

    monkeypatch.setenv("GOVSOC_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("GOVSOC_DB_PASSWORD", PASSWORD)
    with postgres_server() as port:
        admin = create_engine(f"postgresql+psycopg://postgres:{PASSWORD}@127.0.0.1:{port}/postgres")
        with admin.begin() as conn:
            conn.execute(text("create table residents (xm text, sfzh text, sjhm text, sku text)"))
            conn.execute(text("insert into residents values (:a, :b, :c, :d)"),
                         [{"a": a, "b": b, "c": c, "d": d} for a, b, c, d in ROWS])
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
