"""A copy of a table adds no people to a 重要数据 sum (R15i-7): a roster and its backup (名册.csv and
名册_备份.csv, or data2/名册.csv and data2/backup/名册.csv saved scan by scan) of 300 people were
flagged as 600 >= a scale of 500. GB/T 43697 Annex G's scale is of the people concerned."""

from __future__ import annotations

from pathlib import Path

import pytest

from govsoc.classification.checksums import resident_id_check_char
from govsoc.classification.grading import load_scheme
from govsoc.classification.inventory import RESULTS_SUBDIR, build_inventory, load_inventories, save_inventory
from govsoc.classification.sources import open_source
from govsoc.classification.table_copies import counted_rows
from tests.classification.test_saved_sums import _scheme

SURNAMES = "王李张刘陈杨赵黄周吴"
GIVEN = "伟芳娜敏静丽强磊军洋"


def roster(first: int, n: int, *, reverse: bool = False) -> str:
    """A CSV of people ``first`` .. ``first + n - 1``: 姓名, a valid 身份证号码, 联系电话."""
    rows = []
    for i in range(first, first + n):
        body = f"330802{1950 + i % 50}{i % 12 + 1:02d}{i % 28 + 1:02d}{i % 1000:03d}"
        name = SURNAMES[i % 10] + GIVEN[i // 10 % 10] + GIVEN[i // 100 % 10]
        rows.append(f"{name},{body}{resident_id_check_char(body)},139{i:08d}\n")
    return "姓名,身份证号码,联系电话\n" + "".join(reversed(rows) if reverse else rows)


def _folder_flags(tmp_path: Path, files: dict[str, str], sample: int) -> dict[str, bool]:
    folder = tmp_path / "data"
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    source = open_source(str(folder), sample=sample)
    inventory = build_inventory(source.tables(), source=source.name, scheme=load_scheme(str(_scheme(tmp_path, 500))),
                                sample_size=sample)
    return {Path(t.table).name: t.important_candidate for t in inventory.tables}


@pytest.mark.parametrize("sample", [
    100,   # 300 rows over the sample: the reader's sketch of every row tells the copy
    1000,  # the sample holds every row
])
@pytest.mark.parametrize("files, flagged", [
    # the finding's folder: a roster and its backup, byte for byte: 300 people (600 before)
    ({"名册.csv": roster(0, 300), "名册_备份.csv": roster(0, 300)}, set()),
    # the same people in another order (an export sorted otherwise) are no more people
    ({"名册.csv": roster(0, 300), "名册_排序.csv": roster(0, 300, reverse=True)}, set()),
    # guard: two halves of 300 different people each are 600 people, flagged as before
    ({"名册一.csv": roster(0, 300), "名册二.csv": roster(300, 300)}, {"名册一.csv", "名册二.csv"}),
    # guard: a copy beside two halves: 600 people, every file of the dataset flagged, the copy too
    ({"名册一.csv": roster(0, 300), "名册一_备份.csv": roster(0, 300), "名册二.csv": roster(300, 300)},
     {"名册一.csv", "名册一_备份.csv", "名册二.csv"}),
    # guard: one person more is another table (rows differ), summed as before: 601 people
    ({"名册.csv": roster(0, 300), "名册_新.csv": roster(0, 301)}, {"名册.csv", "名册_新.csv"}),
])
def test_a_copy_of_a_table_is_counted_once_in_a_folders_sum(tmp_path: Path, files: dict[str, str],
                                                            flagged: set[str], sample: int) -> None:
    flags = _folder_flags(tmp_path, files, sample)
    assert {name for name, flag in flags.items() if flag} == flagged


def test_a_backup_saved_by_a_scan_of_its_own_is_counted_once(tmp_path: Path) -> None:
    # the finding's data2/名册.csv and data2/backup/名册.csv, each classified alone, loaded as a report does
    scheme = load_scheme(str(_scheme(tmp_path, 500)))
    for name in ("data2/名册.csv", "data2/backup/名册.csv", "data3/名册一.csv", "data3/h2/名册二.csv"):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(roster(300 if name.endswith("二.csv") else 0, 300), encoding="utf-8")
        source = open_source(str(path), sample=100)
        save_inventory(build_inventory(source.tables(), source=source.name, scheme=scheme, sample_size=100), tmp_path)
    flags = {str(i["source"]).split(str(tmp_path))[-1]: bool(i["summary"]["important_candidates"])
             for i in load_inventories(tmp_path / RESULTS_SUBDIR)}
    # 300 people twice: not flagged; a split of 600 different people (bff3a26's case): flagged
    assert flags == {"/data2/名册.csv": False, "/data2/backup/名册.csv": False,
                     "/data3/名册一.csv": True, "/data3/h2/名册二.csv": True}


@pytest.mark.parametrize("rows, keys, counted", [
    # a copy after its original counts nothing
    ([300, 300], ["a", "a"], [300, 0]),
    # tables without a key (rows unseen) count their rows whatever their neighbours
    ([300, 300], ["", ""], [300, 300]),
    # rows unknown count nothing, as the sum counted them before
    ([None, 300], ["a", "b"], [0, 300]),
])
def test_counted_rows(rows: list[int | None], keys: list[str], counted: list[int]) -> None:
    assert counted_rows(rows, keys) == counted
