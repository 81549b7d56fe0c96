"""Columns of people's names that the name recognizer missed (issue 15, review R15e): the account
holder's headings of bank, utility and subsidy tables (户名, 开户名, 账户名称: R15e-13). A name is
个人基本资料 whatever role heads it (GB/T 35273-2020 Annex A), and beside an ID number it makes
the table 4级 (身份证号与姓名同表, schemes/gbt43697.yaml)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from govsoc.classification.columns import ColumnClassifier, ColumnSample
from govsoc.classification.grading import load_scheme
from govsoc.classification.inventory import build_inventory
from govsoc.classification.sources import open_source
from tests.classification.test_sources import NAMES, PHONES, ids

NUMBERS = ids(40)
COLUMN = [NAMES[i % 8] for i in range(40)]


def _decide(field: str, values: list[str]) -> tuple[str, str | None]:
    decision = ColumnClassifier().decide(ColumnSample(dataset="d", field=field, values=values))
    return decision.status, decision.recognizer


@pytest.mark.parametrize("heading", [
    "户名",  # the account holder: bank, water, gas and 一卡通 subsidy tables
    "开户名",  # the same on a bank's account-opening record
    "账户名称",
    "户  名",  # spread over the cell's width, as forms align it
    "开 户 名",
    "收款户名",  # a payment list's payee
])
def test_an_account_holder_heading_names_a_column_of_names(heading: str) -> None:
    assert _decide(heading, COLUMN) == ("tagged", "cn_person_name")


def test_khm_may_name_a_column_of_names() -> None:
    # khm: the pinyin initials of 开户名, a weak word (kh is also 卡号 / 客户) that lets the values decide
    assert _decide("khm", COLUMN) == ("tagged", "cn_person_name")
    assert _decide("khm", [f"KH{i:06d}" for i in range(40)])[0] == "none"


@pytest.mark.parametrize("heading", ["用户名", "商户名称"])
def test_a_login_or_a_shop_is_no_account_holder(heading: str) -> None:
    # 用户名 (a login) and 商户名称 (a shop) hold 户名 in their heading but name no person
    assert ColumnClassifier().name_context(heading).get("cn_person_name") is None


def test_an_account_holder_beside_the_id_number_is_level_4(tmp_path: Path) -> None:
    path = tmp_path / "water.csv"  # a 水费 account table (R15e-13's b_huming.csv shape)
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["户名", "身份证号", "用水地址", "联系电话"])
        writer.writerows([NAMES[i % 8], NUMBERS[i], "浙江省杭州市西湖区文三路100号", PHONES[i]] for i in range(40))
    source = open_source(str(path))
    inventory = build_inventory(source.tables(), source=source.name, scheme=load_scheme("gbt43697"), sample_size=1000)
    (table,) = inventory.tables
    assert {f.field: f.recognizer for f in table.fields}["户名"] == "cn_person_name"
    assert table.level == "G4"
