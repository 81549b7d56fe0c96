"""The digests of paths in saved inventories are keyed with the data folder's secret: a plain
SHA-256 of a path let a reader of the results folder (or of an ``-o`` file) test guessed names:
王**.csv's key was sha256("/data/q/王芳.csv") for one guess of a few million."""

from __future__ import annotations

import hashlib
import json
import stat
from pathlib import Path

from govsoc.classification.inventory import RESULTS_SUBDIR
from govsoc.classification.path_secret import SECRET_FILE
from govsoc.classification.saved import path_keys
from tests.cli.conftest import Run
from tests.cli.test_classify_saved import _dated, _totals, _two_files, _two_people


def _saved(results: Path) -> list[dict[str, object]]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(results.glob("*.json"))]


def test_a_guessed_name_cannot_be_tested_against_the_saved_keys(govsoc: Run, tmp_path: Path, home: Path) -> None:
    folder = _two_people(tmp_path)
    out = tmp_path / "inv.json"
    assert govsoc("classify", str(folder / "王芳.csv"), "-o", str(out))[0] == 0
    guesses = {hashlib.sha256(str(p).encode()).hexdigest()[:24]
               for p in (folder.resolve() / "王芳.csv", folder.resolve(), folder.resolve().parent)}
    for document in [*_saved(home / RESULTS_SUBDIR), json.loads(out.read_text(encoding="utf-8"))]:
        keys = set(document["source_keys"]) | {k for t in document["tables"] for k in t["dataset_keys"]}  # type: ignore[attr-defined]
        assert len(keys) >= 3 and not keys & guesses  # before: the first key was the first guess
        assert document["keys"] == "hmac-sha256"
    secret = home / SECRET_FILE
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600 and len(secret.read_text().strip()) == 64


def test_scans_into_one_data_folder_share_the_secret(govsoc: Run, tmp_path: Path, home: Path) -> None:
    # the same secret every run: a second scan of the file is the same source (replaces it), the
    # other file is another; a file scanned after its folder still takes its own table only
    folder = _two_people(tmp_path)
    assert govsoc("classify", str(folder))[0] == 0
    for name in ("王芳.csv", "王芳.csv", "王刚.csv"):
        assert govsoc("classify", str(folder / name))[0] == 0
    results = home / RESULTS_SUBDIR
    assert len(list(results.glob("*.json"))) == 3
    _dated(results, "/q", "2026-12-02T10:00:00+00:00")  # the folder's scan older than the files'
    assert _totals(results) == (2, 2)  # its two tables taken by the newer file scans


def test_a_result_saved_with_plain_keys_is_replaced_by_the_next_scan_of_its_source(govsoc: Run, tmp_path: Path,
                                                                                   home: Path) -> None:
    # results saved before the secret: the next scan of the same source is keyed otherwise; the old
    # result would have stayed beside it, the same people counted twice in the report
    folder = _two_files(tmp_path)
    results = home / RESULTS_SUBDIR
    for target in (folder, folder / "a.csv"):
        assert govsoc("classify", str(target))[0] == 0
    _unkeyed(results)  # as the code before the secret saved them
    (home / SECRET_FILE).unlink()
    assert govsoc("classify", str(folder / "a.csv"))[0] == 0  # replaces the old a.csv, trims the old folder
    assert len(_saved(results)) == 2
    assert _totals(results) == (2, 2)
    _dated(results, "a.csv", "2026-12-02T10:00:00+00:00")  # older than the folder's scan to come
    assert govsoc("classify", str(folder))[0] == 0  # replaces the old folder scan
    assert _totals(results) == (1, 2)
    assert all(d.get("keys") == "hmac-sha256" for d in _saved(results))


def _unkeyed(results: Path) -> None:
    """Rewrite every saved inventory in ``results`` with the plain keys of its real paths."""
    for path in results.glob("*.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        real = _real_paths(data)
        data.pop("keys")
        data["source_keys"] = list(path_keys(real[data["source"]]))
        for table in data["tables"]:
            table["dataset_keys"] = list(path_keys(real[table["dataset"]]))
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def _real_paths(data: dict[str, object]) -> dict[str, str]:
    # the test's names are not masked (dd, a.csv, b.csv): shown as read
    names = [data["source"], *(t["dataset"] for t in data["tables"])]  # type: ignore[attr-defined]
    return {str(n): str(n) for n in names}


def test_a_damaged_secret_is_said_by_its_file_and_never_replaced(govsoc: Run, tmp_path: Path, home: Path) -> None:
    folder = _two_people(tmp_path)
    secret = home / SECRET_FILE
    secret.parent.mkdir(parents=True)
    secret.write_text("not hex\n", encoding="utf-8")
    code, _, stderr = govsoc("classify", str(folder / "王芳.csv"))
    assert code != 0 and str(secret) in stderr and "restore it from a backup" in stderr
    assert secret.read_text(encoding="utf-8") == "not hex\n"
    assert not list((home / RESULTS_SUBDIR).glob("*.json"))
