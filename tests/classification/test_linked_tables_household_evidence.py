"""Strangers under a key linked as a household (review R15s-1..-4, -6), and households the relation
column showed left unlinked (R15s-7, members listed apart from their head): 成员.csv (KEY, 姓名[,
relation]) and 名录.csv (KEY, 身份证号码, 联系电话), 300 keys over 3 people (10 for a business's staff).
A household links every member's name to the head's ID number and phone (GB/T 43697-2024 §6.6: 4级
both); strangers under one key stay a group's (2级 / 3级). Whether a key is a household's takes
evidence of a family (classification/households.py): a household category's heading, kin words or
GB/T 4761 kin codes in a relation column, or, under a …户 the heading leaves open (住户, 经营户), names
that do not say strangers (head and children share a surname)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from tests.classification.test_linked_tables import person, scan, table
from tests.classification.test_linked_tables_keys import written

#: common surnames, drawn alike for strangers; a family's head and children share one
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红"
PLAIN = ("户主", "配偶", "子女")


def _names(kind: str, h: int, n: int, rnd: random.Random) -> list[str]:
    """``n`` names of key ``h``: the tests' (a surname each), a family's, strangers', or a family
    every other key (couples and lodgers between)."""
    given = [rnd.choice(GIVEN) + rnd.choice(GIVEN) for _ in range(n)]
    if kind == "tests":
        return [person(n * h + k)[0] for k in range(n)]
    if kind == "family" or kind == "mixed" and h % 2:
        head, spouse = rnd.choice(SURNAMES), rnd.choice(SURNAMES)
        return [(spouse if k == 1 else head) + g for k, g in enumerate(given)]
    return [rnd.choice(SURNAMES) + g for g in given]


def _levels(path: Path, key: str, relation: str | None, relations: tuple[str, ...], names: str) -> tuple[str, str]:
    rnd = random.Random(7)
    codes = [f"HH330802{h:04d}" for h in range(1, 301)]
    members = [[code, name, *([relations[k]] if relation else [])] for h, code in enumerate(codes)
               for k, name in enumerate(_names(names, h, len(relations), rnd))]
    folder = written(path, {
        "成员.csv": [[key, "姓名", *([relation] if relation else [])], *members],
        "名录.csv": [[key, "身份证号码", "联系电话"],
                   *([code, person(3 * h)[1], person(3 * h)[2]] for h, code in enumerate(codes))]})
    inventory = scan(folder)
    return table(inventory, "成员.csv").level, table(inventory, "名录.csv").level


TEN = tuple(f"{i}" for i in range(10))


@pytest.mark.parametrize(("key", "relation", "relations", "names"), [
    # R15s-1: a …户 of businesses, tenants, taxpayers over strangers (a surname each, or drawn alike)
    ("营业户编号", None, PLAIN, "tests"),
    ("经营户编号", None, PLAIN, "strangers"),
    ("租户编号", None, PLAIN, "strangers"),
    ("住户编号", None, PLAIN, "tests"),
    ("纳税大户编号", None, PLAIN, "strangers"),
    ("公司户编号", None, PLAIN, "tests"),
    ("市场经营户编号", None, PLAIN, "strangers"),
    ("重点税源户编号", None, PLAIN, "tests"),
    # a business's ten employees: two of a surname by chance under most keys, no family
    ("营业户编号", None, TEN, "strangers"),
    # R15s-2: 本人 under a heading of 身份 says who acted, beside agents
    ("业务编号", "办理人身份", ("本人", "代理人", "代理人"), "tests"),
    ("案件编号", "当事人身份", ("本人", "委托代理人", "法定代理人"), "tests"),
    # R15s-3: 0/1 flags under relations of work (two "spouses" a key)
    ("单位编号", "劳务关系", ("0", "1", "1"), "tests"),
    ("单位编号", "聘用关系", ("0", "1", "1"), "tests"),
    ("单位编号", "雇佣关系", ("0", "1", "1"), "tests"),
    # R15s-4: 01 under a company's relation codes (03, 05 are no GB/T 4761 codes)
    ("统一社会信用代码", "关系类型", ("01", "03", "05"), "tests"),
    ("统一社会信用代码", "与企业关系", ("01", "03", "05"), "tests"),
    ("统一社会信用代码", "人事关系", ("01", "05", "06"), "tests"),
    # R15s-6: 本人 under a relation to a tenant or a legal representative, beside no kin
    ("合同编号", "与承租人关系", ("本人", "合租人", "合租人"), "tests"),
    ("统一社会信用代码", "与法定代表人关系", ("本人", "股东", "监事"), "tests"),
    # kin words of strangers: two fathers under one key are two pupils' (a class group's parents)
    ("小组编号", "与学生关系", ("父亲", "母亲", "父亲"), "tests"),
])
def test_strangers_under_a_key_link_none(tmp_path: Path, key: str, relation: str | None,
                                         relations: tuple[str, ...], names: str) -> None:
    assert _levels(tmp_path / "s", key, relation, relations, names) == ("G2", "G3")


@pytest.mark.parametrize(("key", "relation", "relations", "names"), [
    # R15s-7: relations to an applicant, the head another member (户主 and 本人 both)
    ("救助编号", "与申请人关系", ("户主", "本人", "配偶"), "tests"),
    # the members listed apart from their head (whose ID number is in 名录.csv)
    ("低保证号", "与户主关系", ("配偶", "长子", "长女"), "tests"),
    # kin words of other shapes, under other relation headings
    ("家庭编号", "亲属关系", ("户主", "妻子", "长子"), "tests"),
    ("低保证号", "家庭成员", ("户主", "儿子", "儿媳"), "tests"),
    ("公租房合同号", "与承租人关系", ("本人", "配偶", "子女"), "tests"),
    ("低保证号", "与户主关系", ("02", "12", "33"), "tests"),
    ("低保证号", "与户主关系", ("户主", "父亲", "母亲"), "tests"),
    # a …户 the heading leaves open, over families (head and children of one surname)
    ("住户编号", None, PLAIN, "family"),
    ("承租户编号", None, PLAIN, "family"),
    ("经营户编号", None, PLAIN, "mixed"),
    # the same over couples: names say nothing, linked as before
    ("住户编号", None, ("户主", "配偶"), "strangers"),
    # household categories the heading names, whatever the names (R15r-1)
    ("脱贫户编号", None, PLAIN, "tests"),
    ("特困供养户编号", None, PLAIN, "tests"),
    ("易地搬迁户编号", None, PLAIN, "tests"),
    ("军烈属户编号", None, PLAIN, "tests"),
    ("两女户编号", None, PLAIN, "tests"),
])
def test_a_family_in_the_data_links_its_members_to_the_head(tmp_path: Path, key: str, relation: str | None,
                                                             relations: tuple[str, ...], names: str) -> None:
    assert _levels(tmp_path / "h", key, relation, relations, names) == ("G4", "G4")
