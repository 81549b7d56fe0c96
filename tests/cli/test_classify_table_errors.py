"""`govsoc classify`: one table's fault costs that table, never the scan (R15f-2): a blank JSON key
or SQLite column name is read and named column_N, and an error classifying or reading one table is
a skip line naming its file and table while the folder's other tables are saved."""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from govsoc.classification import columns as columns_module
from govsoc.classification.checksums import resident_id_check_char
from govsoc.classification.identifier_names import is_field_word
from govsoc.classification.sources import files as files_module
from tests.cli.conftest import Run

NAMES = ["张伟", "王芳", "李娜", "刘洋", "陈静"]


def _ids(n: int) -> list[str]:
    bodies = [f"1101051970{(i % 12) + 1:02d}{(i % 28) + 1:02d}{i:03d}" for i in range(n)]
    return [b + resident_id_check_char(b) for b in bodies]


def _roster(path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["姓名", "身份证号"])
        writer.writerows([NAMES[i % 5], number] for i, number in enumerate(_ids(20)))


def _folder(tmp_path: Path, name: str, text: str) -> Path:
    """A folder of a good roster and the file ``name`` holding ``text``."""
    folder = tmp_path / "exports"
    folder.mkdir()
    _roster(folder / "roster.csv")
    (folder / name).write_text(text, encoding="utf-8")
    return folder


def _saved(home: Path) -> dict[str, Any]:
    (saved,) = (home / "results" / "classification").glob("*.json")
    return json.loads(saved.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def test_an_empty_token_is_no_field_word() -> None:
    # a JSON key "" (a PHP array's unnamed element) reached it and raised IndexError
    assert is_field_word("") is False


@pytest.mark.parametrize("suffix", [".json", ".jsonl"])
def test_a_blank_json_key_is_read_and_named_by_its_place(govsoc: Run, tmp_path: Path, home: Path,
                                                          suffix: str) -> None:
    records = [{"xm": NAMES[i % 5], "": number} for i, number in enumerate(_ids(30))]
    path = tmp_path / f"empty_key{suffix}"
    text = json.dumps(records, ensure_ascii=False) if suffix == ".json" else \
        "\n".join(json.dumps(r, ensure_ascii=False) for r in records)
    path.write_text(text, encoding="utf-8")
    code, stdout, stderr = govsoc("classify", str(path))
    assert code == 0, stderr
    (table,) = _saved(home)["tables"]
    fields = {f["field"]: f for f in table["fields"]}
    assert table["rows"] == 30 and fields["column_2"]["recognizer"] == "cn_resident_id"
    assert table["level"] == "G4"  # 身份证号与姓名同表, as any roster


def test_a_sqlite_column_named_blank_is_read(govsoc: Run, tmp_path: Path, home: Path) -> None:
    path = tmp_path / "empty_col.sqlite"
    with sqlite3.connect(path) as db:
        db.execute('CREATE TABLE t (xm text, "" text)')
        db.executemany("INSERT INTO t VALUES (?, ?)", [(NAMES[i % 5], n) for i, n in enumerate(_ids(10))])
    db.close()
    code, _, stderr = govsoc("classify", str(path))
    assert code == 0, stderr
    assert "not classified" not in stderr
    (table,) = _saved(home)["tables"]
    fields = {f["field"]: f for f in table["fields"]}
    assert table["rows"] == 10 and fields["column_2"]["recognizer"] == "cn_resident_id"


def test_a_table_that_fails_to_classify_costs_that_table(govsoc: Run, tmp_path: Path, home: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _folder(tmp_path, "bad.csv", "boom,姓名\n1,王芳\n2,李娜\n")
    decide = columns_module.ColumnClassifier.decide

    def failing(self: columns_module.ColumnClassifier, sample: columns_module.ColumnSample, **kwargs: Any) -> Any:
        if sample.field == "boom":  # a fault of the classifier's own (a bug), on one table's column
            raise IndexError("string index out of range")
        return decide(self, sample, **kwargs)  # said= (F15f: what the table says of its documents)

    monkeypatch.setattr(columns_module.ColumnClassifier, "decide", failing)
    code, stdout, stderr = govsoc("classify", str(folder))
    assert code == 0, stderr
    saved = _saved(home)
    assert [t["table"] for t in saved["tables"]] == ["roster.csv"]
    assert saved["tables"][0]["rows"] == 20 and saved["tables"][0]["level"] == "G4"
    (line,) = [s for s in stderr.splitlines() if "IndexError" in s]
    assert "bad.csv" in line and "table not classified" in line and "string index out of range" in line
    assert saved["summary"]["skipped"] == 1


def test_a_file_whose_reader_fails_costs_that_file(govsoc: Run, tmp_path: Path, home: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _folder(tmp_path, "bad.json", '[{"a": 1}]')

    def failing(path: Path, sample: int) -> Any:
        raise KeyError("a reader's own fault")

    monkeypatch.setattr(files_module, "json_document", failing)
    code, stdout, stderr = govsoc("classify", str(folder))
    assert code == 0, stderr
    saved = _saved(home)
    assert [t["table"] for t in saved["tables"]] == ["roster.csv"]
    (line,) = [s for s in stderr.splitlines() if "KeyError" in s]
    assert "bad.json" in line and "internal error" in line
