"""An organisation's accounts are no one's property (issue 15 review R15f-26): 工资总额, 银行存款 and
应付工资 of a 单位 table (会计科目, 统计 figures) were 个人财产, sensitive, 4级. The 个人财产 words
(存款, 余额, 收入, 工资) tag amounts only in a table about people: one with a column naming a person
(a name, an ID number, a phone) or whose name says its rows are people."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from govsoc.classification.grading import load_scheme
from govsoc.classification.inventory import build_inventory
from govsoc.classification.sources import open_source
from tests.classification.test_sources import NAMES, ids

UNITS = ["县财政局", "县教育局", "县卫健委", "县民政局", "县公安局", "县审计局"]


def _inventory(path: Path, header: list[str], rows: list[list[str]]) -> tuple[dict[str, str | None], str]:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    source = open_source(str(path))
    inventory = build_inventory(source.tables(), source=source.name, scheme=load_scheme("gbt43697"), sample_size=1000)
    (table,) = inventory.tables
    return {f.field: f.recognizer for f in table.fields if f.status != "none"}, table.level


def _amount(i: int, times: int) -> str:
    return f"{(i * times) % 900 * 100 + 10000}.00"


def test_a_units_accounts_are_no_personal_property(tmp_path: Path) -> None:
    # R15f-26's b/unit_finance.csv: 60 rows of units' figures, no person in it (was 4级, two 个人财产 columns)
    header = ["单位名称", "年度", "在职人数", "工资总额", "银行存款", "应付工资", "存款余额", "收入"]
    rows = [[UNITS[i % 6], str(2015 + i // 6), str(20 + i), *(_amount(i, k) for k in (7, 11, 13, 17, 19))]
            for i in range(60)]
    fields, level = _inventory(tmp_path / "unit_finance.csv", header, rows)
    assert fields == {} and level == "G1"


def test_the_same_amounts_beside_a_persons_name_and_id_are_property(tmp_path: Path) -> None:
    # the contrast: a 低保 家庭财产 table (names and ID numbers) keeps 银行存款 and 收入 as 个人财产
    numbers = ids(40)
    rows = [[NAMES[i % 8], numbers[i], _amount(i, 7), _amount(i, 11)] for i in range(40)]
    fields, level = _inventory(tmp_path / "family_assets.csv", ["姓名", "身份证号", "银行存款", "收入"], rows)
    assert (fields["银行存款"], fields["收入"], level) == ("cn_property", "cn_property", "G4")


@pytest.mark.parametrize("name", ["职工工资明细.csv", "人员收入.csv"])
def test_a_table_whose_rows_are_people_keeps_their_pay(tmp_path: Path, name: str) -> None:
    # no name column (工号 only), but the file says its rows are people
    rows = [[f"GH{1000 + i}", _amount(i, 7)] for i in range(40)]
    fields, _ = _inventory(tmp_path / name, ["工号", "应发工资"], rows)
    assert fields["应发工资"] == "cn_property"
