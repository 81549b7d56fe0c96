"""Households F15a's evidence rule left unlinked and strangers it linked (review R15v-1..-4): 成员.csv
(KEY, 姓名[, relation]) and 名录.csv (KEY, 身份证号码, 联系电话), 120 keys whose members differ from key to
key as in real registers. A household links every member's name to the head's ID number and phone
(GB/T 43697-2024 §6.6: 4级 both); strangers under one key stay a group's (2级 / 3级)."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.classification.test_linked_tables import person, scan, table
from tests.classification.test_linked_tables_keys import written

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红"
TIBETAN = ("罗布", "白玛", "边巴", "索朗", "卓玛", "平措", "普布", "强巴", "巴桑", "欧珠", "米玛", "阿旺", "桑吉",
           "曲珍")
#: one key's members: (surname pattern, relations); H the head's surname, S the spouse's, O another's
Shape = tuple[str, tuple[str, ...]]


def _members(rnd: random.Random, pattern: str) -> list[str]:
    if pattern == "T":  # a Tibetan family: names without surnames
        return rnd.sample(TIBETAN, rnd.choice((3, 4)))
    h, s, o, m = rnd.sample(SURNAMES, 4)
    surname = {"H": h, "S": s, "O": o, "M": m, "R": ""}
    return [(surname[p] or rnd.choice(SURNAMES)) + rnd.choice(GIVEN) + rnd.choice(GIVEN) for p in pattern]


def _levels(path: Path, key: str, relation: str | None,
            shapes: Callable[[int, random.Random], Shape]) -> tuple[str, str]:
    rnd = random.Random(15)
    codes = [f"HH330802{h:04d}" for h in range(1, 121)]
    members = []
    for h, code in enumerate(codes):
        pattern, relations = shapes(h, rnd)
        names = _members(rnd, pattern)
        members += [[code, name, *([relations[k]] if relation else [])] for k, name in enumerate(names)]
    folder = written(path, {
        "成员.csv": [[key, "姓名", *([relation] if relation else [])], *members],
        "名录.csv": [[key, "身份证号码", "联系电话"],
                   *([code, person(3 * h)[1], person(3 * h)[2]] for h, code in enumerate(codes))]})
    inventory = scan(folder)
    return table(inventory, "成员.csv").level, table(inventory, "名录.csv").level


def _cycle(*shapes: Shape) -> Callable[[int, random.Random], Shape]:
    return lambda h, rnd: shapes[h % len(shapes)]


def _stray(stray: str) -> Callable[[int, random.Random], Shape]:
    """GB/T 4761 codes, one member of 300 coded ``stray`` (00 未知, 98: a local extension)."""
    shapes = (("HSH", ("02", "10", "20")), ("HSH", ("02", "10", "30")), ("HS", ("02", "10")))
    return lambda h, rnd: ("HSH", ("02", "10", stray)) if h == 7 else shapes[h % 3]


def _own_kin(words: tuple[str, ...], n: int) -> Callable[[int, random.Random], Shape]:
    """Strangers, each row naming that person's own kin or role (no repeat under a key)."""
    return lambda h, rnd: ("R" * n, tuple(rnd.sample(words, n)))


FAMILIES = [
    # R15v-1: one stray code among 120 households must not turn the code route off
    ("低保证号", "与户主关系", _stray("00")),
    ("低保证号", "与户主关系", _stray("98")),
    # R15v-2: 本人 heads a couple (老婆/老公), English enum values, colloquial kin words
    ("救助编号", "与户主关系", _cycle(("HS", ("本人", "老婆")), ("HS", ("本人", "老公")))),
    ("低保证号", "与户主关系", _cycle(("HSH", ("本人", "spouse", "son")), ("HSH", ("本人", "spouse", "daughter")),
                                 ("HS", ("本人", "spouse")))),
    ("宅基地证号", "与户主关系", _cycle(("HO", ("本人", "其它亲属")), ("HH", ("本人", "侄儿")),
                                   ("HH", ("本人", "重孙")), ("HO", ("本人", "舅妈")))),
    # R15v-3: open …户 keys without a relation column: a daughter's line (张 2 of 5, 赵 2 of 5),
    # head/spouse/head's mother or a stepchild (3 surnames), Tibetan families (no surnames)
    ("住户编号", None, _cycle(*[("HSHOO", ("",) * 5)] * 3, ("HSH", ("",) * 3))),
    ("宅基地户编号", None, _cycle(("HSM", ("",) * 3), ("HSO", ("",) * 3), ("HSM", ("",) * 3), ("HSHH", ("",) * 4))),
    ("参保户编号", None, lambda h, rnd: ("T", ("",) * 4)),
]


@pytest.mark.parametrize(("key", "relation", "shapes"), FAMILIES)
def test_a_real_household_links_its_members(tmp_path: Path, key: str, relation: str | None,
                                            shapes: Callable[[int, random.Random], Shape]) -> None:
    assert _levels(tmp_path / "t", key, relation, shapes) == ("G4", "G4")


STRANGERS = [
    # R15v-4: a relation column naming each person's own kin or role is no family
    ("兴趣小组编号", "与学生关系", _own_kin(("父亲", "母亲", "爷爷", "奶奶", "外婆", "外公"), 4)),
    ("班组编号", "紧急联系人关系", _own_kin(("配偶", "父亲", "母亲", "子女", "兄弟", "姐妹"), 3)),
    ("案件编号", "涉案人员身份", _cycle(("RRR", ("嫌疑人", "被害人", "家属")))),
    ("信访件编号", "身份", _cycle(("RRR", ("当事人", "家属", "代理人")))),
    ("车辆编号", "驾驶员身份", _own_kin(("车主", "家属", "司机", "配偶"), 3)),
]


@pytest.mark.parametrize(("key", "relation", "shapes"), STRANGERS)
def test_strangers_with_their_own_kin_link_none(tmp_path: Path, key: str, relation: str | None,
                                                shapes: Callable[[int, random.Random], Shape]) -> None:
    assert _levels(tmp_path / "t", key, relation, shapes) == ("G2", "G3")
