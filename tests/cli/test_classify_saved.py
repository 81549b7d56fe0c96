"""`govsoc classify` then the reports: a table saved by two scans counts once in what the reports
read (R15e-25): a file scanned by itself, as part of its folder, and by a path with '..' was three
sources in the compliance report."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from govsoc.classification.checksums import resident_id_check_char
from govsoc.classification.inventory import RESULTS_SUBDIR, load_inventories
from tests.cli.conftest import Run


def _people(path: Path, first: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["姓名", "身份证号"])
        for i in range(first, first + 30):
            body = f"1101051980{(i % 12) + 1:02d}{(i % 28) + 1:02d}{i % 1000:03d}"
            writer.writerow([["张伟", "王芳", "李娜"][i % 3], body + resident_id_check_char(body)])


def _dated(results: Path, source_end: str, generated: str) -> None:
    """Give the saved inventory whose source ends with ``source_end`` the time ``generated``."""
    for path in results.glob("*.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        if data["source"].endswith(source_end):
            data["generated"] = generated
            path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
            return
    raise AssertionError(source_end)


def test_one_file_typed_three_ways_is_one_source(govsoc: Run, tmp_path: Path, home: Path) -> None:
    folder = tmp_path / "dd"
    folder.mkdir()
    _people(folder / "base.csv", 0)
    for typed in (str(folder / "base.csv"), str(folder / ".." / "dd" / "base.csv"), str(folder) + "/./base.csv"):
        code, _, stderr = govsoc("classify", typed)
        assert code == 0, stderr
    results = home / RESULTS_SUBDIR
    assert len(list(results.glob("*.json"))) == 1
    (inventory,) = load_inventories(results)
    assert inventory["source"] == str(folder.resolve() / "base.csv") and inventory["summary"]["tables"] == 1


def test_the_newer_of_a_folder_scan_and_a_file_scan_counts_each_table_once(govsoc: Run, tmp_path: Path,
                                                                          home: Path) -> None:
    folder = tmp_path / "dd"
    folder.mkdir()
    _people(folder / "a.csv", 0)
    _people(folder / "b.csv", 100)
    assert govsoc("classify", str(folder))[0] == 0
    assert govsoc("classify", str(folder / "a.csv"))[0] == 0
    results = home / RESULTS_SUBDIR
    # the folder scanned after the file: the folder's inventory alone, both tables
    _dated(results, "/dd", "2026-12-02T10:00:00+00:00")
    _dated(results, "/a.csv", "2026-12-02T09:00:00+00:00")
    (folder_inv,) = load_inventories(results)
    assert folder_inv["source"].endswith("/dd") and folder_inv["summary"]["tables"] == 2
    # the file scanned after the folder: the file's inventory, and the folder's with b.csv only
    _dated(results, "/a.csv", "2026-12-02T11:00:00+00:00")
    inventories = {Path(i["source"]).name: i for i in load_inventories(results)}
    assert set(inventories) == {"dd", "a.csv"}
    left = inventories["dd"]
    assert [Path(t["dataset"]).name for t in left["tables"]] == ["b.csv"]
    assert left["summary"]["tables"] == 1 and left["summary"]["fields"] == 2
    assert left["summary"]["level"] == "G4" and left["summary"]["tagged"] == 2
    assert inventories["a.csv"]["summary"]["tables"] == 1
