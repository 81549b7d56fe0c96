"""`govsoc classify` then the reports: a table saved by two scans counts once in what the reports
read (R15e-25): a file scanned by itself, as part of its folder, and by a path with '..' was three
sources in the compliance report."""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

import pytest

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
    folder = _two_files(tmp_path)
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


def _totals(results: Path) -> tuple[int, int]:
    """(inventories, tables) that the reports count from the saved results in ``results``."""
    inventories = load_inventories(results)
    return len(inventories), sum(i["summary"]["tables"] for i in inventories)


def _folder_of(tmp_path: Path, name: str, files: tuple[str, str]) -> Path:
    """A folder ``name`` of the two ``files``, 30 people each (others in each)."""
    folder = tmp_path / name
    folder.mkdir()
    for first, file in zip((0, 100), files, strict=True):
        _people(folder / file, first)
    return folder


def _two_files(tmp_path: Path) -> Path:
    """A folder dd/ of a.csv and b.csv."""
    return _folder_of(tmp_path, "dd", ("a.csv", "b.csv"))


def _two_people(tmp_path: Path) -> Path:
    """A folder q/ of 王芳.csv and 王刚.csv (both shown as 王**.csv)."""
    return _folder_of(tmp_path, "q", ("王芳.csv", "王刚.csv"))


def test_two_files_whose_masked_names_agree_are_two_sources(govsoc: Run, tmp_path: Path, home: Path) -> None:
    # R15f-11: 王芳.csv and 王刚.csv both show as 王**.csv; the second scan replaced the first's saved
    # result (same file name, same hash) and the report counted 60 people for 120
    folder = _two_people(tmp_path)
    for name in ("王芳.csv", "王刚.csv"):
        assert govsoc("classify", str(folder / name))[0] == 0
    results = home / RESULTS_SUBDIR
    assert len(list(results.glob("*.json"))) == 2
    assert _totals(results) == (2, 2)
    saved = "".join(p.name + p.read_text(encoding="utf-8") for p in results.glob("*.json"))
    assert "王芳" not in saved and "王刚" not in saved  # the real names are neither shown nor saved


def test_a_file_scanned_after_its_folder_takes_only_its_own_table(govsoc: Run, tmp_path: Path, home: Path) -> None:
    # R15f-11: the folder's 王刚.csv was dropped as "inside" the newer scan of 王芳.csv (both 王**.csv)
    folder = _two_people(tmp_path)
    assert govsoc("classify", str(folder))[0] == 0
    assert govsoc("classify", str(folder / "王芳.csv"))[0] == 0
    results = home / RESULTS_SUBDIR
    _dated(results, "/q", "2026-12-02T10:00:00+00:00")
    _dated(results, ".csv", "2026-12-02T11:00:00+00:00")
    assert _totals(results) == (2, 2)
    folder_inv = next(i for i in load_inventories(results) if i["source"].endswith("/q"))
    assert folder_inv["summary"]["tables"] == 1


def test_sub_folders_whose_masked_names_agree_are_two_sources(govsoc: Run, tmp_path: Path, home: Path) -> None:
    # R15f-11: per-person (or per-village) sub-folders 王芳/ and 王刚/ scanned one by one
    for name, first in (("王芳", 0), ("王刚", 100)):
        (tmp_path / "towns" / name).mkdir(parents=True)
        _people(tmp_path / "towns" / name / "低保名册.csv", first)
        assert govsoc("classify", str(tmp_path / "towns" / name))[0] == 0
    assert _totals(home / RESULTS_SUBDIR) == (2, 2)


def test_a_relative_sqlite_dsn_is_the_file_its_folder_scan_read(govsoc: Run, tmp_path: Path, home: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    # R15f-35: `classify sq ; classify sqlite:///sq/db.sqlite` counted the database's tables twice
    folder = tmp_path / "sq"
    folder.mkdir()
    _people(folder / "a.csv", 0)
    with sqlite3.connect(folder / "db.sqlite") as db:
        db.execute("CREATE TABLE t_people (xm TEXT, sfzh TEXT)")
        db.executemany("INSERT INTO t_people VALUES (?, ?)", [("张伟", "110105198001011234")] * 5)
    db.close()
    monkeypatch.chdir(tmp_path)
    assert govsoc("classify", str(folder))[0] == 0
    assert govsoc("classify", "sqlite:///sq/db.sqlite")[0] == 0
    results = home / RESULTS_SUBDIR
    _dated(results, "/sq", "2026-12-02T10:00:00+00:00")
    _dated(results, "db.sqlite", "2026-12-02T11:00:00+00:00")
    assert _totals(results) == (2, 2)  # a.csv from the folder, t_people from the DSN
    # the folder scanned last holds both: the DSN's scan is inside it
    _dated(results, "/sq", "2026-12-02T12:00:00+00:00")
    assert _totals(results) == (1, 2)


def test_the_compliance_report_lists_both_sources(govsoc: Run, tmp_path: Path) -> None:
    # R15f-11: the report's 数据分类分级清单 had one row for 王芳.csv and 王刚.csv, and one section
    folder = _two_people(tmp_path)
    for name in ("王芳.csv", "王刚.csv"):
        assert govsoc("classify", str(folder / name))[0] == 0
    target = tmp_path / "c.json"
    code, _, err = govsoc("report", "compliance", "--unsigned", "--format", "json", "-o", str(target))
    assert code == 0, err
    data = json.loads(target.read_text(encoding="utf-8"))
    assert [i["tables"] for i in data["data"]["inventories"]] == [1, 1]
    ids = [s["id"] for s in _sections(data["sections"]) if str(s["id"]).startswith("inventory.")]
    assert len(ids) == 2 and len(set(ids)) == 2
    assert "王芳" not in target.read_text(encoding="utf-8")


def _sections(sections: list[dict[str, object]]) -> list[dict[str, object]]:
    """Every section in ``sections``, nested ones too."""
    found: list[dict[str, object]] = []
    for section in sections:
        found.append(section)
        found.extend(_sections([b for b in section.get("blocks") or () if isinstance(b, dict) and "id" in b]))
    return found
