"""Columns of people's names that the name recognizer missed (issue 15, review R15e): the account
holder's headings of bank, utility and subsidy tables (户名, 开户名, 账户名称: R15e-13). A name is
个人基本资料 whatever role heads it (GB/T 35273-2020 Annex A), and beside an ID number it makes
the table 4级 (身份证号与姓名同表, schemes/gbt43697.yaml); names in traditional characters, as Big5
and 港澳台 records write them (黃偉芳, 歐陽娜: R15e-15)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from govsoc.classification.cn_codes import COMPOUND_SURNAMES, SINGLE_SURNAMES, TRADITIONAL_SURNAMES
from govsoc.classification.columns import ColumnClassifier, ColumnSample
from govsoc.classification.grading import load_scheme
from govsoc.classification.inventory import build_inventory
from govsoc.classification.sources import open_source
from tests.classification.test_sources import NAMES, PHONES, ids

NUMBERS = ids(40)
#: traditional surnames (R15e-15's list) with traditional given names
TRADITIONAL = [s + g for s, g in zip("黃陳劉楊趙吳孫馬羅鄭謝許韓馮鄧蕭葉蘇盧蔣", ["偉芳", "娜", "麗華", "強", "靜"] * 4,
                                     strict=True)] + ["歐陽娜", "司馬強", "諸葛亮", "鍾離靜"]
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


def _inventory_level(path: Path) -> tuple[dict[str, str | None], str]:
    source = open_source(str(path))
    inventory = build_inventory(source.tables(), source=source.name, scheme=load_scheme("gbt43697"), sample_size=1000)
    (table,) = inventory.tables
    return {f.field: f.recognizer for f in table.fields}, table.level


@pytest.mark.parametrize("name", ["黃偉芳", "陳娜", "劉麗華", "歐陽娜", "鍾離靜"])
def test_a_name_in_traditional_characters_is_a_name(name: str) -> None:
    rec = ColumnClassifier().scanner.recognizers["cn_person_name"]
    (hit,) = rec.find(name, context=True)
    assert (hit.start, hit.end) == (0, len(name)) and name not in hit.masked


def test_a_column_of_traditional_names_is_tagged() -> None:
    assert _decide("姓名", TRADITIONAL) == ("tagged", "cn_person_name")
    # the contrast: traditional names count with context only, as simplified ones do (suspected
    # without it, all being names: R15f-15)
    assert _decide("備註", TRADITIONAL)[0] == "suspected"


def test_the_traditional_forms_are_of_listed_surnames_only() -> None:
    # the table folds a traditional character to a listed surname's: it adds no surname of its own
    simplified = SINGLE_SURNAMES | {c for s in COMPOUND_SURNAMES for c in s}
    assert all(chr(t) not in simplified and s in simplified for t, s in TRADITIONAL_SURNAMES.items())


@pytest.mark.parametrize("encoding", ["big5", "utf-8"])
def test_a_traditional_roster_beside_id_numbers_is_level_4(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "roster.csv"  # R15e-15's c/big5.csv shape: 姓名, 身分證號, 聯絡電話, 住址
    with path.open("w", newline="", encoding=encoding) as f:
        writer = csv.writer(f)
        writer.writerow(["姓名", "身分證號", "聯絡電話", "住址"])
        writer.writerows([TRADITIONAL[i % len(TRADITIONAL)], NUMBERS[i], PHONES[i], "臺北市大安區復興南路一段390號"]
                         for i in range(40))
    fields, level = _inventory_level(path)
    assert fields["姓名"] == "cn_person_name"
    assert level == "G4"


#: names as passports, 出入境 and ASCII-only systems write them (R15e-14)
PINYIN = ["ZHANG WEI", "Li Na", "WANG FANG", "Wei Zhang", "OUYANG XIU", "Zhang Xiao Ming", "LIU MINJUN", "chen jing"]
FOREIGN = ["SMITH JOHN", "TANAKA HIROSHI", "John Smith", "Mary Ann Lee", "O'NEIL SEAN", "KIM MIN-JUN"]


@pytest.mark.parametrize("heading", ["姓名", "英文姓名", "护照姓名", "拼音姓名", "full_name", "Name", "name", "xm"])
def test_names_in_pinyin_under_a_name_heading_are_names(heading: str) -> None:
    assert _decide(heading, [PINYIN[i % len(PINYIN)] for i in range(40)]) == ("tagged", "cn_person_name")


@pytest.mark.parametrize("heading", ["英文姓名", "护照姓名", "姓名", "full_name", "english_name"])
def test_foreign_names_under_a_person_heading_are_names(heading: str) -> None:
    values = [(FOREIGN + PINYIN[:2])[i % 8] for i in range(40)]
    assert _decide(heading, values) == ("tagged", "cn_person_name")


@pytest.mark.parametrize(("heading", "values"), [
    ("备注", PINYIN),  # the same names under no name heading: not names (ZHANG SAN alone is not one)
    ("remark", FOREIGN),
    ("name", ["Default Policy", "Core Switch", "Main Gate", "Admin Group", "Guest Network", "Backup Server"]),
    ("name", ["Beijing", "Tianjin", "Shanghai", "Hangzhou", "Nanjing", "Wuhan"]),  # one word: a place, not a name
    ("name", ["nginx", "web-server", "eth0", "zhangsan-pc", "db01", "ZHANG"]),
    ("姓名", ["N/A", "TBD", "NULL", "unknown", "-", "NONE"]),  # placeholders, not names
    ("product_name", PINYIN),  # a product's name: the heading's own word says a thing
    ("英文姓名", ["a b", "1 2", "ZHANG 3", "Zhang_Wei", "zhang.wei", "ZHANG WEI LI NA X"]),
])
def test_latin_words_that_are_no_names(heading: str, values: list[str]) -> None:
    assert _decide(heading, [values[i % len(values)] for i in range(40)])[0] == "none"


def test_a_passport_register_makes_the_passport_sensitive(tmp_path: Path) -> None:
    path = tmp_path / "register.csv"  # R15e-14's b_passport.csv shape: 境外人员住宿登记
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["英文姓名", "护照号码", "国籍", "入住日期"])
        writer.writerows([(PINYIN + FOREIGN)[i % 14], f"E{10000000 + i * 7919}", "USA", "2024-03-23"]
                         for i in range(40))
    source = open_source(str(path))
    inventory = build_inventory(source.tables(), source=source.name, scheme=load_scheme("gbt43697"), sample_size=1000)
    fields = {f.field: f for f in inventory.tables[0].fields}
    assert fields["英文姓名"].recognizer == "cn_person_name"
    # an identity document beside a person's name is sensitive PI (GB/T 35273-2020 Annex B; grading)
    assert (fields["护照号码"].recognizer, fields["护照号码"].pipl_sensitive) == ("cn_passport", True)
