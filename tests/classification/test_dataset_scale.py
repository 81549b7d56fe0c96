"""重要数据 review of a dataset split over files, sheets or tables (R15d-4): GB/T 43697's scale is
the data set's (点面结合, 汇聚融合, Annex G), so a scan sums the rows of its tables holding one kind
of sensitive personal information."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from govsoc.classification.checksums import luhn_ok, resident_id_check_char
from govsoc.classification.columns import ColumnSample
from govsoc.classification.grading import dataset_candidates, load_scheme
from govsoc.classification.inventory import RESULTS_SUBDIR, build_inventory, load_inventories, save_inventory
from govsoc.classification.sources.base import TableSample

NAMES = ["张伟", "王芳", "李娜", "刘洋", "陈静"] * 8


def ids(n: int) -> list[str]:
    bodies = [f"1101051990{(i % 12) + 1:02d}{(i % 28) + 1:02d}{i % 1000:03d}" for i in range(n)]
    return [b + resident_id_check_char(b) for b in bodies]


def cards(n: int) -> list[str]:
    return [next(f"622848{i:012d}{d}" for d in "0123456789" if luhn_ok(f"622848{i:012d}{d}")) for i in range(n)]


def part(name: str, rows: int) -> TableSample:
    columns = (ColumnSample(dataset="split", field="姓名", values=NAMES, rows=rows),
               ColumnSample(dataset="split", field="身份证号", values=ids(40), rows=rows),
               ColumnSample(dataset="split", field="银行卡号", values=cards(40), rows=rows))
    return TableSample(dataset="split", table=name, columns=columns, rows=rows)


def flagged(*tables: TableSample) -> list[str]:
    inventory = build_inventory(tables, source="split", scheme=load_scheme("gbt43697"), sample_size=1000)
    return list(inventory.summary()["important_candidates"])


def test_a_dataset_split_over_files_is_flagged_as_one() -> None:
    # split/ of the finding: 3 x 400,000 rows of 姓名, 身份证号, 银行卡号 (an export split per month)
    tables = [part(f"part{i}.csv", 400_000) for i in (1, 2, 3)]
    assert flagged(*tables) == ["part1.csv", "part2.csv", "part3.csv"]
    inventory = build_inventory(tables, source="split", scheme=load_scheme("gbt43697"), sample_size=1000)
    reason = inventory.tables[0].important_reason
    assert "1,200,000 rows" in reason and "金融账户" in reason and "part3.csv" in reason and "Annex G" in reason
    assert reason.count("1,200,000 rows") == 1  # the ID numbers and the cards of the same tables: one reason


def test_parts_below_the_scale_together_are_not_flagged() -> None:
    assert flagged(part("a.csv", 400_000), part("b.csv", 400_000)) == []


def test_a_table_without_the_sensitive_kind_does_not_join_the_sum() -> None:
    plain = TableSample(dataset="split", table="log.csv", rows=900_000,
                        columns=(ColumnSample(dataset="split", field="备注", values=["正常"] * 40, rows=900_000),))
    assert flagged(part("a.csv", 400_000), plain) == []


def test_one_table_at_the_scale_keeps_its_own_reason_only() -> None:
    inventory = build_inventory([part("big.csv", 1_500_000), part("small.csv", 10)], source="s",
                                scheme=load_scheme("gbt43697"), sample_size=1000)
    assert [t.important_candidate for t in inventory.tables] == [True, False]
    assert "over 2 tables" not in inventory.tables[0].important_reason


def one_kind(name: str, rows: int, field: str, values: list[str]) -> TableSample:
    columns = (ColumnSample(dataset="split", field="姓名", values=NAMES, rows=rows),
               ColumnSample(dataset="split", field=field, values=values, rows=rows))
    return TableSample(dataset="split", table=name, columns=columns, rows=rows)


def test_halves_beside_a_table_at_the_scale_still_add_up() -> None:
    # R15e-21: 2023.csv alone at the scale hid the sum of 2024h1 and 2024h2 (1.2 M rows together)
    tables = [part("2023.csv", 1_200_000), part("2024h1.csv", 600_000), part("2024h2.csv", 600_000)]
    inventory = build_inventory(tables, source="split", scheme=load_scheme("gbt43697"), sample_size=1000)
    assert [t.important_candidate for t in inventory.tables] == [True, True, True]
    halves = inventory.tables[1].important_reason
    assert "1,200,000 rows" in halves and "over 2 tables" in halves and "2024h2.csv" in halves
    assert "2023.csv" not in halves  # summed with the tables below the scale only
    assert "over 2 tables" not in inventory.tables[0].important_reason


def test_different_sensitive_kinds_of_one_scan_add_up() -> None:
    # R15e-21: a 低保 set split into 发放表 (bank cards) and 名册 (ID numbers), 600,000 rows each
    paid = one_kind("发放表.csv", 600_000, "银行卡号", cards(40))
    roll = one_kind("名册.csv", 600_000, "身份证号", ids(40))
    inventory = build_inventory([paid, roll], source="split", scheme=load_scheme("gbt43697"), sample_size=1000)
    assert [t.important_candidate for t in inventory.tables] == [True, True]
    reason = inventory.tables[0].important_reason
    assert "1,200,000 rows" in reason and "金融账户" in reason and "名册.csv" in reason
    # and below the scale together they are still not flagged
    small = [one_kind("a.csv", 400_000, "银行卡号", cards(40)), one_kind("b.csv", 400_000, "身份证号", ids(40))]
    assert flagged(*small) == []


def test_a_dataset_of_many_files_names_its_group_not_every_member_in_each() -> None:
    # R15f-27: 1,200 batch files of 900 people: each reason listed all 1,200 names (25,414
    # characters each, a 56 MB inventory, 52 MB report): quadratic in the number of files
    tables = [(f"2024年第{i:04d}批发放名单.csv", 900, {"特定身份"}) for i in range(1200)]
    reasons = dataset_candidates(tables, load_scheme("gbt43697"))
    assert sorted(reasons) == list(range(1200)) and len(set(reasons.values())) == 1
    reason = reasons[0]
    assert "1,080,000 rows" in reason and "over 1,200 tables" in reason and "split dataset 1 " in reason
    assert "2024年第0009批发放名单.csv, … and 1,190 more" in reason and "第0010批" not in reason
    assert len(reason) < 1000  # was 25,414


def test_two_datasets_of_one_scan_have_their_own_numbers() -> None:
    tables = [("a1.csv", 600_000, {"特定身份"}), ("a2.csv", 600_000, {"特定身份"}),
              ("b1.csv", 600_000, {"金融账户"}), ("b2.csv", 600_000, {"金融账户"})]
    reasons = dataset_candidates(tables, load_scheme("gbt43697"))
    assert "split dataset 1 (a1.csv, a2.csv)" in reasons[0]
    assert "split dataset 2 (b1.csv, b2.csv)" in reasons[2]


def _saved_alone(data_dir: Path, path: Path, rows: int) -> None:
    # one file scanned by itself, as `govsoc classify split/2024h1.csv` saves it (dataset = the file's path)
    table = part(path.name, rows)
    table = replace(table, dataset=str(path), columns=tuple(replace(c, dataset=str(path)) for c in table.columns))
    save_inventory(build_inventory([table], source=str(path), scheme=load_scheme("gbt43697"), sample_size=1000),
                   data_dir)


def test_halves_of_a_dataset_scanned_one_by_one_are_summed_by_the_report(tmp_path: Path) -> None:
    # R15f-30: split/2024h1.csv and split/2024h2.csv, 600,000 people each, scanned one by one:
    # 重要数据候选 0 for each in the compliance report, where a scan of split/ flags both
    folder = tmp_path / "data" / "split"
    for name in ("2024h1.csv", "2024h2.csv"):
        _saved_alone(tmp_path, folder / name, 600_000)
    _saved_alone(tmp_path, tmp_path / "data" / "other" / "2023.csv", 600_000)  # another folder: not summed in
    inventories = {Path(str(i["source"])).name: i for i in load_inventories(tmp_path / RESULTS_SUBDIR)}
    for name in ("2024h1.csv", "2024h2.csv"):
        (table,) = inventories[name]["tables"]
        assert table["important_candidate"] and "1,200,000 rows" in table["important_reason"]
        assert "over 2 tables of the scans of one folder" in table["important_reason"]
        assert inventories[name]["summary"]["important_candidates"] == [name]
    assert inventories["2023.csv"]["summary"]["important_candidates"] == []
