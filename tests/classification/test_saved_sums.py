"""重要数据 review summed over scans saved one by one (R15g-16): a dataset split over a folder and its
sub-folders, or scanned under a YAML scheme, was never summed (saved.summed_by_folder took one
folder level and reloaded the scheme by name)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from govsoc.classification.columns import ColumnSample
from govsoc.classification.grading import load_scheme
from govsoc.classification.inventory import RESULTS_SUBDIR, build_inventory, load_inventories, save_inventory
from tests.classification.test_dataset_scale import part

BUILT_IN = Path(__file__).parents[2] / "classification" / "schemes" / "gbt43697.yaml"


def _scheme(tmp_path: Path, scale: int) -> Path:
    """A YAML scheme of the built-in's shape, named ``county``, its 重要数据 scale ``scale``."""
    text = BUILT_IN.read_text(encoding="utf-8").replace("name: gbt43697", "name: county")
    path = tmp_path / "county.yaml"
    path.write_text(text.replace("important_review_rows: 1000000", f"important_review_rows: {scale}"),
                    encoding="utf-8")
    return path


def _flagged(tmp_path: Path, files: list[str], rows: int, scheme: str) -> dict[str, bool]:
    """Each of ``files`` (under tmp_path/data) saved by a scan of its own under ``scheme``, then
    loaded as a report does: file -> flagged for 重要数据 review."""
    for name in files:
        path = tmp_path / "data" / name
        table = part(path.name, rows)
        if name == "说明.csv":  # a note: no personal data
            table = replace(table, columns=(ColumnSample(dataset="", field="说明", values=["见各子目录"], rows=1),))
        table = replace(table, dataset=str(path), columns=tuple(replace(c, dataset=str(path)) for c in table.columns))
        inventory = build_inventory([table], source=str(path), scheme=load_scheme(scheme), sample_size=1000)
        save_inventory(inventory, tmp_path)
    if scheme.endswith(".yaml"):
        Path(scheme).unlink()  # the scheme file gone since: the scale saved with each scan stands
    return {Path(str(i["source"])).name: bool(i["summary"]["important_candidates"])
            for i in load_inventories(tmp_path / RESULTS_SUBDIR)}


@pytest.mark.parametrize("files, rows, scale, summed", [
    # a half in the folder, the other in a sub-folder (as a scan of split/ sums them): 0 flagged before
    (["split/2024h1.csv", "split/h2/2024h2.csv"], 600_000, None, True),
    # months in sub-folders of a folder that holds the year's first part too
    (["split/01.csv", "split/02/02.csv", "split/03/03.csv"], 400_000, None, True),
    # two halves in one folder under a YAML scheme (the built-in's scale): never summed before
    (["split/2024h1.csv", "split/2024h2.csv"], 600_000, 1_000_000, True),
    # a YAML scheme of a lower scale: its own scale, not the built-in's (120,000 < 1,000,000)
    (["split/2024h1.csv", "split/2024h2.csv"], 60_000, 100_000, True),
    # guard: sibling folders under one that holds no file of its own are two datasets (R15f-30)
    (["split/2024h1.csv", "other/2023.csv"], 600_000, None, False),
    # nor does a file without sensitive personal information of its own make a dataset of data/
    (["split/2024h1.csv", "other/2023.csv", "说明.csv"], 600_000, None, False),
    # guard: under the scale together
    (["split/2024h1.csv", "split/h2/2024h2.csv"], 400_000, None, False),
])
def test_a_dataset_saved_scan_by_scan_is_summed(tmp_path: Path, files: list[str], rows: int, scale: int | None,
                                               summed: bool) -> None:
    scheme = str(_scheme(tmp_path, scale)) if scale else "gbt43697"
    flagged = _flagged(tmp_path, files, rows, scheme)
    assert flagged == {Path(name).name: summed and name != "说明.csv" for name in files}
