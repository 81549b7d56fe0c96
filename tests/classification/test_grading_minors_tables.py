"""Grading: only a table that holds a minor's data raises its other PI fields to 4级 and says they
are "in a table holding data of holders under 14 (N of M sampled)" (PIPL art. 28: all PI of a child
under 14 is sensitive; shared/reference/classification.md §4 未成年人 (<14) -> G4). A table of adults
keeps each field at the level its scheme gives it, and no field ranks above its table's roll-up
(GB/T 43697-2024: a table's level is the highest of its fields, RRR15bp-4)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from govsoc.classification.checksums import resident_id_check_char
from govsoc.classification.columns import ColumnDecision
from govsoc.classification.grading import Scheme, grade_table, load_scheme, rank
from govsoc.classification.inventory import Inventory, build_inventory
from govsoc.classification.sources import open_source

NAMES = ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "黄强"]
UNDER_14 = "in a table holding data of holders under 14"


def _luhn(body: str) -> str:
    """``body`` with its Luhn check digit (ISO/IEC 7812) appended."""
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return body + str((10 - total % 10) % 10)


CARDS = [_luhn(f"622202{i:09d}") for i in range(40)]


def _ids(year: int) -> list[str]:
    bodies = [f"110105{year}{i % 12 + 1:02d}{i % 28 + 1:02d}{i % 1000:03d}" for i in range(40)]
    return [b + resident_id_check_char(b) for b in bodies]


def _inventory(tmp_path: Path, name: str, header: str, rows: list[str], scheme: Scheme) -> Inventory:
    path = tmp_path / name
    path.write_text(header + "\n" + "".join(r + "\n" for r in rows), encoding="utf-8")
    source = open_source(str(path))
    return build_inventory(source.tables(), source=source.name, scheme=scheme, sample_size=1000)


def _local3(tmp_path: Path) -> Scheme:
    """A local scheme grading bank cards 三级 (GB/T 43697 lets a sector or region set its own levels)."""
    path = tmp_path / "local3.yaml"
    path.write_text("name: local3\ntitle: 某地\nlabels: {CORE: 核心, IMPORTANT: 重要, G4: 四级, G3: 三级, G2: 二级, "
                    "G1: 一级}\noverrides:\n  cn_bank_card: {level: G3}\n", encoding="utf-8")
    return load_scheme(str(path))


@pytest.mark.parametrize("scheme_name", ["gbt43697", "zhejiang"])
def test_a_table_of_adults_is_no_table_of_holders_under_14(tmp_path: Path, scheme_name: str) -> None:
    # adults born 1949-1980 with their religion and bank card: both are PIPL art. 28 sensitive PI in
    # their own right, but no holder is under 14; the field said "in a table of holders under 14"
    scheme = load_scheme(scheme_name)
    ids = _ids(1975)
    rows = [f"{NAMES[i % 8]},{ids[i]},佛教,{CARDS[i]},1975-{i % 12 + 1:02d}-{i % 28 + 1:02d}" for i in range(40)]
    inventory = _inventory(tmp_path, "adults.csv", "姓名,身份证号,宗教信仰,银行卡号,出生日期", rows, scheme)
    fields = {f.field: f for t in inventory.tables for f in t.fields}
    assert fields["宗教信仰"].recognizer == "cn_religion" and fields["银行卡号"].recognizer == "cn_bank_card", fields
    assert [f.field for f in fields.values() if UNDER_14 in f.grade_basis] == []
    # each sensitive field is sensitive on its own, at its own kind's level (both G4 by default)
    for name in ("宗教信仰", "银行卡号"):
        assert fields[name].pipl_sensitive and fields[name].level == "G4", fields[name]


def test_a_schemes_own_level_is_kept_in_a_table_of_adults(tmp_path: Path) -> None:
    # a local scheme grades bank cards 三级: card holders born 1975 got a 四级 card column inside
    # a 三级 table (the field above its table)
    scheme = _local3(tmp_path)
    rows = [f"{NAMES[i % 8]},{CARDS[i]},1975-{i % 12 + 1:02d}-{i % 28 + 1:02d}" for i in range(40)]
    inventory = _inventory(tmp_path, "cards.csv", "开户人,银行卡号,出生日期", rows, scheme)
    table = inventory.tables[0]
    card = next(f for f in table.fields if f.field == "银行卡号")
    assert card.recognizer == "cn_bank_card" and card.level == "G3" and card.level_label == "三级", card
    assert UNDER_14 not in card.grade_basis
    assert table.level == "G3"
    assert all(rank(f.level) <= rank(table.level) for f in table.fields), [(f.field, f.level) for f in table.fields]


@pytest.mark.parametrize("scheme_name", ["gbt43697", "local3"])
def test_a_table_with_minors_dates_of_birth_still_raises_its_pi_fields(tmp_path: Path, scheme_name: str) -> None:
    # pupils born eight years ago: their card and religion are a child's PI, sensitive and 4级 (PIPL
    # art. 28, reference §4), whatever the scheme's level for a card; the table is 4级 with them
    scheme = _local3(tmp_path) if scheme_name == "local3" else load_scheme(scheme_name)
    young = date.today().year - 8
    rows = [f"{NAMES[i % 8]},{CARDS[i]},佛教,{young}-{i % 12 + 1:02d}-{i % 28 + 1:02d}" for i in range(40)]
    inventory = _inventory(tmp_path, "pupils.csv", "姓名,银行卡号,宗教信仰,出生日期", rows, scheme)
    table = inventory.tables[0]
    fields = {f.field: f for f in table.fields}
    assert fields["出生日期"].recognizer == "cn_birth_date" and "under 14" in fields["出生日期"].grade_basis
    for name in ("姓名", "银行卡号", "宗教信仰"):
        assert UNDER_14 in fields[name].grade_basis and fields[name].level == "G4", fields[name]
        assert fields[name].level_label == scheme.label("G4")
    assert table.level == "G4"
    assert all(rank(f.level) <= rank(table.level) for f in table.fields)


def _children(decision: ColumnDecision) -> ColumnDecision:
    """``decision`` counting 9 holders under 14 among its 20 sampled values."""
    return replace(decision, minors=9, sampled=20)


def _tagged(field: str, recognizer: str) -> ColumnDecision:
    return ColumnDecision(dataset="t", field=field, comment="", status="tagged", recognizer=recognizer, entity="",
                          confidence=1.0, reason="", sampled=20, hits=20, hit_ratio=1.0, name_match="none")


@pytest.mark.parametrize("decisions", [
    # the children's ID numbers are 4级 themselves (the column's minors): the table's highest column
    [_children(_tagged("sfzh", "cn_resident_id")), _tagged("sjhm", "cn_mobile")],
    # a bank card (G4 by default) is the highest column before the minors are looked at
    [_tagged("yhkh", "cn_bank_card"), _children(_tagged("csrq", "cn_birth_date"))],
    # an ID number beside a name: the scheme's combination (就高从严) gives G4 and wrote its own basis
    [_tagged("xm", "cn_person_name"), _children(_tagged("sfzh", "cn_resident_id"))],
])
def test_a_table_already_4_still_says_it_holds_minors_data(decisions: list[ColumnDecision]) -> None:
    # RRR15bp-7: the minors raise nothing (the table is 4级 already), but the table holds children's
    # PI all the same (PIPL art. 28, 31: guardian consent, own rules), and its basis must say so
    minors = next(d.field for d in decisions if d.minors)
    table = grade_table("t", decisions, load_scheme("gbt43697"))
    assert table.level == "G4" and table.minors_fields == (minors,)
    assert f"holders under 14 in {minors}" in table.basis, table.basis
    adults = grade_table("t", [replace(d, minors=0) for d in decisions], load_scheme("gbt43697"))
    assert "under 14" not in adults.basis and adults.minors_fields == ()


def test_a_childrens_id_numbers_table_says_so_in_its_basis(tmp_path: Path) -> None:
    # under14.csv of the audit: ID numbers of children beside names and phones gave the basis
    # "highest column 身份证号: 一般数据（4级）", the minors named only in the field rows
    ids = _ids(date.today().year - 8)
    rows = [f"{NAMES[i % 8]},{ids[i]},139{i:08d}" for i in range(40)]
    table = _inventory(tmp_path, "under14.csv", "姓名,身份证号,手机号", rows, load_scheme("gbt43697")).tables[0]
    assert table.level == "G4" and "holders under 14 in 身份证号" in table.basis, table.basis


def test_one_child_among_adults_is_told_as_a_share_not_a_childrens_table(tmp_path: Path) -> None:
    # household.csv of R15bs (RRR15bs-8): 1 of 40 dates of birth is a child's. The table still holds a
    # child's data and every PI field stays 4级 (就高从严; PIPL art. 28), but the 39 adults' fields said
    # "in a table of holders under 14", as of a children's roster: the note says the share sampled
    young = date.today().year - 8
    births = [f"{young if i == 7 else 1975}-{i % 12 + 1:02d}-{i % 28 + 1:02d}" for i in range(40)]
    rows = [f"{NAMES[i % 8]},{births[i]},139{i:08d}" for i in range(40)]
    table = _inventory(tmp_path, "household.csv", "姓名,出生日期,手机号", rows, load_scheme("gbt43697")).tables[0]
    fields = {f.field: f for f in table.fields}
    assert "1 of 40 sampled holders are under 14" in fields["出生日期"].grade_basis, fields["出生日期"]
    for name in ("姓名", "手机号"):
        assert f"{UNDER_14} (1 of 40 sampled)" in fields[name].grade_basis, fields[name].grade_basis
        assert "in a table of holders under 14" not in fields[name].grade_basis
        assert fields[name].level == "G4" and fields[name].pipl_sensitive
    assert table.level == "G4"
