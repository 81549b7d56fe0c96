"""Children named 孙子轩, 孙子涵, 孙子墨, 孙子怡 (issue 15 review R15n-14): 孙 is a top-20 surname and
子轩, 子涵, 子墨, 子怡, 子萱 are among the commonest given names of children in today's 民政 and 教育
registers, but a token opening with a kin word (孙子, R15h-17) was no name whatever followed it:
孙子轩.csv, 低保户孙子轩, 困境儿童孙子墨档案 were listed, saved and reported in clear (a minor's name:
PIPL art. 28, 31). 孙子 + a given-name character is a name where no name follows the kin word (孙子王小明
is 孙子 + 王小明) and the character is no word after 孙子 (孙子的作业, 孙子们, 孙子兵法)."""

from __future__ import annotations

import pytest

from govsoc.classification.identifier_names import is_person_name, mask_person_names


@pytest.mark.parametrize("path, shown", [
    ("孙子轩.csv", "孙**.csv"),  # a child's file, the name alone
    ("孙子涵申请表.csv", "孙**申请表.csv"),  # before a document word
    ("低保户孙子轩.csv", "低保户孙**.csv"),  # after a 低保 household
    ("困境儿童孙子墨档案.csv", "困境儿童孙**档案.csv"),  # a child in 民政's care
    ("留守儿童孙子怡.csv", "留守儿童孙**.csv"),  # a left-behind child
    ("户主孙子豪.csv", "户主孙**.csv"),  # after a heading (before, masked only by the inventory's heading pattern)
    ("孙子轩孙子涵.csv", "孙**孙**.csv"),  # two children
    ("出纳孙子轩报销单.csv", "出纳孙**报销单.csv"),  # after a role word whatever follows
    ("低保户孙子琰.csv", "低保户孙**.csv"),  # a given name not listed, at the run's end
])
def test_a_child_named_sun_zi_x_is_masked(path: str, shown: str) -> None:
    assert mask_person_names(f"/data/{path}") == f"/data/{shown}"


@pytest.mark.parametrize("path", [
    "孙子兵法.pdf",  # the book
    "孙子兵法读后感.docx",  # and an essay on it
    "孙子的作业.docx",  # 的 after the kin word: a grandson's homework
    "孙子们.csv",  # grandsons
    "孙子女.csv",  # 民法典's 孙子女, a kin word
    "孙子.csv",  # the kin word alone
    "外孙子.csv",  # a longer kin word
    "户主孙子上学.csv",  # the grandson's schooling after a role word: 上 is no given name
    "低保户孙子落户申请.csv",  # his 落户
    "孙子疫苗接种.csv",  # his vaccination
])
def test_words_opening_with_the_kin_word_stay(path: str) -> None:
    assert mask_person_names(f"/data/{path}") == f"/data/{path}"


def test_a_name_after_the_kin_word_is_still_the_name() -> None:
    # 孙子王小明 is the grandson 王小明 (R15h-17), not a 孙子王 beside 小明
    assert mask_person_names("/data/孙子王小明.csv") == "/data/孙子王**.csv"
    assert mask_person_names("/data/孙女王芳.csv") == "/data/孙女王**.csv"


@pytest.mark.parametrize("token", ["孙子", "孙女", "孙子女", "孙子们", "孙子的"])
def test_kin_words_are_no_names(token: str) -> None:
    assert not is_person_name(token)
