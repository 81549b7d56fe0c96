"""A household register split in two under a key no heading list held (review R15n-7): 家庭成员.csv
(KEY, 姓名[, relation]) and 户主信息.csv (KEY, 户主身份证号码, 联系电话) stayed 2级 / 3级 under 户编码,
户口簿编号, 家庭档案号, 户代码, 户主编号, 家庭ID, and under a 户籍 export's 与户主关系 written in GB/T 4761-2008
家庭关系代码 (02 户主, 10 配偶, 20 子) or as 户主本人, or headed 称谓. Every member's name is linked to the
head's ID number and phone (GB/T 43697-2024 §6.6): 4级 both. Keys of accounts, customers and
enterprises stay a group's (tests/classification/test_linked_tables_households.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.classification.test_linked_tables import person, scan, table
from tests.classification.test_linked_tables_keys import written

#: three members a household, the head first
PLAIN = ("户主", "配偶", "子女")


def _levels(path: Path, key: str, relation: str | None, relations: tuple[str, ...]) -> tuple[str, str]:
    """The levels of 家庭成员.csv and 户主信息.csv over 300 households of 3, keyed by ``key``."""
    codes = [f"HH330802{h:04d}" for h in range(1, 301)]
    members = [[code, person(3 * h + k)[0], *([rel] if relation else [])]
               for h, code in enumerate(codes) for k, rel in enumerate(relations)]
    folder = written(path, {
        "家庭成员.csv": [[key, "姓名", *([relation] if relation else [])], *members],
        "户主信息.csv": [[key, "户主身份证号码", "联系电话"],
                     *([code, person(3 * h)[1], person(3 * h)[2]] for h, code in enumerate(codes))]})
    inventory = scan(folder)
    return table(inventory, "家庭成员.csv").level, table(inventory, "户主信息.csv").level


@pytest.mark.parametrize(("key", "relation", "relations"), [
    # household numbers under headings HOUSEHOLD_KEYS did not list, no relation column
    ("户编码", None, PLAIN),
    ("户口簿编号", None, PLAIN),
    ("家庭档案号", None, PLAIN),
    ("户代码", None, PLAIN),
    ("户主编号", None, PLAIN),
    ("家庭ID", None, PLAIN),
    ("农户编号", None, PLAIN),
    # a 户籍 export: 与户主关系 in GB/T 4761-2008 codes, 02 户主, 10 配偶, 20 子
    ("低保证号", "与户主关系", ("02", "10", "20")),
    # the same codes under 家庭关系代码, a 30 女 and a 51 父亲 among them
    ("低保证号", "家庭关系代码", ("02", "30", "51")),
    # the census form's one-digit codes: 0 户主, 1 配偶, 2 子女
    ("低保证号", "与户主关系", ("0", "1", "2")),
    # the head written 户主本人
    ("低保证号", "与户主关系", ("户主本人", "妻", "子")),
    # a relation column headed 称谓
    ("低保证号", "称谓", PLAIN),
    # household categories no list holds (R15r-1)
    ("建档立卡户编号", None, PLAIN),
    ("受灾户编号", None, PLAIN),
    ("独生子女户编号", None, PLAIN),
    # GB/T 4761 codes under other relation headings (R15r-2)
    ("低保证号", "关系代码", ("02", "10", "20")),
    ("低保证号", "成员关系", ("02", "10", "20")),
    ("低保证号", "与本人关系", ("02", "10", "20")),
    # 本人 under a member heading
    ("低保证号", "成员类型", ("本人", "配偶", "子女")),
    # a relation to a person, or a cadre form's 社会关系, holding family words (R15s-5)
    ("低保证号", "与服务对象关系", ("本人", "配偶", "子女")),
    ("低保证号", "与委托人关系", ("本人", "配偶", "子女")),
    ("低保证号", "社会关系", ("本人", "配偶", "子女")),
])
def test_a_household_key_under_any_heading_links_the_members_to_the_head(tmp_path: Path, key: str,
                                                                         relation: str | None,
                                                                         relations: tuple[str, ...]) -> None:
    assert _levels(tmp_path / "hh", key, relation, relations) == ("G4", "G4")


@pytest.mark.parametrize(("key", "relation", "relations"), [
    # an account's, a customer's number over 3 people: no household's (账户号, 客户代码)
    ("账户号", None, PLAIN),
    ("客户代码", None, PLAIN),
    # codes in a column no heading calls a relation (a 职级 of 3 codes): no head
    ("小组编号", "职级", ("02", "10", "20")),
    # two-digit codes under a relation heading with no head code (10 配偶, 20 子, 30 女)
    ("小组编号", "关系", ("10", "20", "30")),
    # accounts, customers, businesses and loans end in 户 too (R15p-2)
    ("对公账户号", None, PLAIN),
    ("电力用户编号", None, PLAIN),
    ("大客户编号", None, PLAIN),
    ("个体工商户编号", None, PLAIN),
    ("贷款户编号", None, PLAIN),
    ("用水户号", None, PLAIN),
    # 本人 says who collected or signed, under no relation heading
    ("单位编号", "领取方式", ("本人", "代领", "代领")),
    ("合同编号", "签字人", ("本人", "委托人", "委托人")),
    # digits under a heading of 关系 that is no household's: a flag, another code set
    ("单位编号", "劳动关系", ("0", "1", "1")),
    ("单位编号", "隶属关系代码", ("02", "40", "50")),
])
def test_a_key_no_household_names_links_none(tmp_path: Path, key: str, relation: str | None,
                                             relations: tuple[str, ...]) -> None:
    assert _levels(tmp_path / "g", key, relation, relations) == ("G2", "G3")
