"""A household register split by its key (issue 15 review R15k-10): 家庭成员.csv (户号, 姓名, 与户主关系)
and 户主信息.csv (户号, 户主身份证号码, 联系电话) were graded 2级 / 3级 once a key repeated over different
people was taken for a group's (a79b67c, R15i-19). A household is no group of strangers: its 户主 is
one of its members, the person the other file's ID number belongs to, and every member's name is
linked to it (GB/T 43697-2024 §6.6): 4级 both. An enterprise's code over its employees stays a
group's (tests/classification/test_linked_tables_keys.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.classification.test_linked_tables import person, scan, table
from tests.classification.test_linked_tables_keys import written

RELATIONS = ("户主", "配偶", "子女")


@pytest.mark.parametrize(("key", "relation"), [
    # R15k-10: 户号 and 与户主关系 marking each household's 户主, 3 members a household
    ("户号", "与户主关系"),
    # 户号 alone, no relation column: a household's number says what the key is
    ("户号", None),
    # a key no heading calls a household's (a 低保证号), a relation column marking each one's head
    ("低保证号", "与户主关系"),
    # the same, 关系 as a 户籍 export heads it
    ("证号", "关系"),
])
def test_a_household_key_links_the_members_to_the_heads_record(tmp_path: Path, key: str,
                                                                relation: str | None) -> None:
    codes = [f"HH330802{h:04d}" for h in range(1, 301)]
    members = [[code, person(3 * h + k)[0], *([rel] if relation else [])]
               for h, code in enumerate(codes) for k, rel in enumerate(RELATIONS)]
    folder = written(tmp_path / "hh", {
        "家庭成员.csv": [[key, "姓名", *([relation] if relation else [])], *members],
        "户主信息.csv": [[key, "户主身份证号码", "联系电话"],
                     *([code, person(3 * h)[1], person(3 * h)[2]] for h, code in enumerate(codes))]})
    inventory = scan(folder)
    assert (table(inventory, "家庭成员.csv").level, table(inventory, "户主信息.csv").level) == ("G4", "G4")


@pytest.mark.parametrize(("key", "relation"), [
    # an enterprise's code over 3 employees and a 职务 column: no household, no head; a group's key
    ("统一社会信用代码", "职务"),
    # a relation column naming no head (同事, 同学): strangers under one key still
    ("小组编号", "关系"),
])
def test_a_group_key_without_a_head_links_none(tmp_path: Path, key: str, relation: str) -> None:
    codes = [f"91330802{7 * i + 3:010d}" for i in range(300)]
    titles = ("经理", "会计", "出纳") if relation == "职务" else ("组长", "同事", "同学")
    folder = written(tmp_path / "g", {
        "成员.csv": [[key, "姓名", relation],
                   *([code, person(3 * i + k)[0], titles[k]] for i, code in enumerate(codes) for k in range(3))],
        "名录.csv": [[key, "身份证号码", "联系电话"],
                   *([code, person(3 * i)[1], person(3 * i)[2]] for i, code in enumerate(codes))]})
    inventory = scan(folder)
    assert (table(inventory, "成员.csv").level, table(inventory, "名录.csv").level) == ("G2", "G3")
