"""File, folder and table names that are not UTF-8 (issue 15 review R15b-12, R15b-20, R15n-9): a GBK
name from a Windows share or an unzipped archive reaches Python as surrogateescape'd bytes, which no
UTF-8 text holds. `govsoc classify` printed the listing, then died saving it ("surrogates not
allowed") with or without -o. The names were then shown and saved with those bytes as \\xNN, counted,
which hid the person the name is from the masking (R15n-9); now they are read as GB18030, masked
(张**_ids.csv) and noted, not counted: nothing was left out (tests/classification/test_source_gbk_names.py)."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest

from govsoc.classification.inventory import RESULTS_SUBDIR, load_inventories
from govsoc.cli import main
from tests.classification.test_sources import PHONES, ids

GBK_ZHANG_SAN = os.fsdecode("张三".encode("gbk"))  # '\udcd5\udcc5\udcc8\udcfd'
GBK_LI_SI = os.fsdecode("李四".encode("gbk"))


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    top = tmp_path / GBK_LI_SI  # the folder's own name is GBK too
    (top / GBK_ZHANG_SAN).mkdir(parents=True)
    (top / f"{GBK_ZHANG_SAN}_ids.csv").write_text("sfzh\n" + "\n".join(ids(40)) + "\n", encoding="utf-8")
    (top / GBK_ZHANG_SAN / "phones.csv").write_text("sjhm\n" + "\n".join(PHONES) + "\n", encoding="utf-8")
    db = sqlite3.connect(top / f"{GBK_ZHANG_SAN}.db")  # and a SQLite file so named
    db.execute("create table p (sfzh text)")
    db.executemany("insert into p values (?)", [(v,) for v in ids(40)])
    db.commit()
    db.close()
    return top


def test_a_folder_of_gbk_names_is_listed_and_saved(folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    home = tmp_path / "home"
    monkeypatch.setenv("GOVSOC_HOME", str(home))
    output = tmp_path / "out.json"
    code = main(["classify", str(folder), "-o", str(output)])
    out, err = capsys.readouterr()
    assert code == 0, err
    shown = "张**"
    assert f"{shown}_ids.csv  rows=40" in out and "phones.csv  rows=40" in out and "p  rows=40" in out
    assert "3 tables, 3 fields: 3 tagged, 0 suspected, 0 skipped" in out
    saved = json.loads(output.read_text(encoding="utf-8"))
    (stored,) = load_inventories(home / RESULTS_SUBDIR)
    top = str(folder.parent)
    for inventory in (saved, stored):
        assert inventory["source"] == f"{top}/李**"
        assert sorted(t["dataset"].replace(top, "") for t in inventory["tables"]) == [
            f"/李**/{shown}/phones.csv", f"/李**/{shown}_ids.csv", f"sqlite:////李**/{shown}.db"]
        text = json.dumps(inventory, ensure_ascii=False)
        assert not any("\udc80" <= c <= "\udcff" for c in text)
        assert "\\x" not in text and "张三" not in text and "李四" not in text
    # noted once per name read as GB18030: the folder named, and the file (not each file under it); not counted
    assert sorted(s["path"].replace(top, "") for s in saved["skipped"]) == ["/李**", f"/李**/{shown}_ids.csv"]
    assert all(s["reason"].startswith("name is not UTF-8") and "GB18030" in s["reason"] for s in saved["skipped"])
    assert saved["summary"]["skipped"] == 0
