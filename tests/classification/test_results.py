"""Saved inventories (issue 18 contract): one file per source under <data dir>/results/classification,
safe file names, the newest run winning; load_inventories reads the folder back."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from govsoc.classification.columns import ColumnSample
from govsoc.classification.grading import load_scheme
from govsoc.classification.inventory import RESULTS_SUBDIR, Inventory, build_inventory, load_inventories, save_inventory
from govsoc.classification.sources.base import TableSample
from govsoc.core.results import result_file_name
from tests.classification.test_sources import PHONES, ids


def _inventory(source: str, phones: bool = True) -> Inventory:
    columns = (ColumnSample(dataset=source, field="sfzh", values=ids(40)),
               ColumnSample(dataset=source, field="sjhm", values=PHONES if phones else ["无"] * 40))
    table = TableSample(dataset=source, table="people", rows=40, columns=columns)
    return build_inventory([table], source=source, scheme=load_scheme("gbt43697"), sample_size=1000)


@pytest.mark.parametrize("name, plain", [
    ("人口库", True),                        # a plain name (any script) is its own file name
    ("egov_db-01", True),
    ("/data/exports", False),               # a path never reaches the file system as a path
    ("../../etc/passwd", False),            # nor does a way out of the folder
    ("postgresql://auditor@db:5432/egov", False),
    ("es://govsoc-* on https://es:9200", False),
    ("a\x1b[2Jb", False),                   # nor a control character
    ("", False),
    ("x" * 200, False),                     # long names are cut and hashed
    ("name-0123456789abcdef", False),       # a plain name that looks hashed is hashed too
])
def test_result_file_names_are_safe(name: str, plain: bool) -> None:
    file_name = result_file_name(name)
    assert file_name.endswith(".json") and "/" not in file_name and not file_name.startswith(".")
    assert all(c.isalnum() or c in "-_." for c in file_name) and len(file_name.encode()) <= 200
    assert (file_name == f"{name}.json") == plain


def test_names_that_clean_alike_get_different_files() -> None:
    names = ["/data/a b", "/data/a_b", "data_a_b", "/data/a/b"]
    assert len({result_file_name(n) for n in names}) == len(names)


def test_saved_per_source_newest_wins(tmp_path: Path) -> None:
    first = save_inventory(_inventory("/data/exports"), tmp_path)
    assert first.parent == tmp_path / RESULTS_SUBDIR
    second = save_inventory(_inventory("postgresql://auditor@db/egov"), tmp_path)
    again = save_inventory(_inventory("/data/exports", phones=False), tmp_path)  # a later run replaces the file
    assert again == first and sorted(p.name for p in first.parent.iterdir()) == sorted(
        [first.name, second.name])  # no temp files left
    loaded = load_inventories(tmp_path / RESULTS_SUBDIR)
    assert [i["source"] for i in loaded] == ["/data/exports", "postgresql://auditor@db/egov"]
    assert loaded[0]["summary"]["tagged"] == 1  # the second run's (no phones), not the first's


def test_a_copy_of_an_older_run_loses_and_junk_is_skipped(tmp_path: Path) -> None:
    folder = tmp_path / RESULTS_SUBDIR
    save_inventory(_inventory("/data/exports"), tmp_path)
    older = _inventory("/data/exports", phones=False).to_dict() | {"generated": "2020-01-01T00:00:00+00:00"}
    (folder / "zz-copy.json").write_text(json.dumps(older), encoding="utf-8")  # sorts after the real file
    (folder / "broken.json").write_text("{not json", encoding="utf-8")
    (folder / "other.json").write_text(json.dumps({"system": "OA", "layers": []}), encoding="utf-8")
    (loaded,) = load_inventories(folder)
    assert loaded["summary"]["tagged"] == 2 and loaded["generated"] != older["generated"]
    assert load_inventories(tmp_path / "nowhere") == []


def test_the_saved_file_is_replaced_whole(tmp_path: Path) -> None:
    path = save_inventory(_inventory("/data/exports"), tmp_path)
    inode = os.stat(path).st_ino
    save_inventory(_inventory("/data/exports"), tmp_path)
    assert os.stat(path).st_ino != inode  # renamed into place, never rewritten in place
