"""A 人员名单 pasted from a Word 公示 into one column, a line a person: "姓名，性别，(民族，)身份证号：…"
(review R15n-4). A name with its ID number in one cell is 身份证件号码与姓名同表 (GB/T 43697-2024, README
"Names in free text"): 4级. With the sex, the ethnicity, a birth date or an address between the name
and the number, cell_names read no name and the list was 3级, where the same list without 女 was 4级."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from govsoc.classification.cell_names import cell_names
from govsoc.classification.grading import load_scheme
from govsoc.classification.inventory import build_inventory
from govsoc.classification.recognizer import recognizers
from govsoc.classification.sources import open_source
from tests.classification.test_sources import ids

NAMES = ["袁春", "张建雨", "钱红", "欧阳娜", "李秀英", "王桂兰", "赵建军", "周海涛", "孙志强", "罗欣怡", "刘伟",
         "黄国平"]
PHONES = [f"138{(i * 7919) % 100000000:08d}" for i in range(12)]
#: words and places that are no names (the same words beside the number name no one either)
WORDS = ["户籍", "张家港", "已核实", "本人"] * 3
NAMED = ("cn_resident_id", "cn_person_name")
NAMED_PHONES = ("cn_mobile", "cn_person_name")


def _graded(path: Path, lines: list[str]) -> tuple[tuple[str, ...], str]:
    """The kinds of the one column of a headerless list of ``lines`` and the table's level."""
    path.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    source = open_source(str(path))
    inventory = build_inventory(source.tables(), source=source.name, scheme=load_scheme("gbt43697"), sample_size=1000)
    (table,) = inventory.tables
    (field,) = table.fields
    return field.kinds, table.level


@pytest.mark.parametrize(("form", "kinds", "level"), [
    # the commonest form: name, sex, the number's label (was 3级, 居民身份证号 only)
    ("{n}，女，身份证号：{i}", NAMED, "G4"),
    # the sex alone between, no label
    ("{n}，女，{i}", NAMED, "G4"),
    # blanks instead of commas, as a Word table copied as text writes them
    ("{n} 女 {i}", NAMED, "G4"),
    # the sex in brackets
    ("{n}（女）{i}", NAMED, "G4"),
    # sex and number in one bracket
    ("{n}（女，{i}）", NAMED, "G4"),
    # sex and ethnicity
    ("{n}，男，汉族，身份证号：{i}", NAMED, "G4"),
    # a birth date between
    ("{n}，女，1950年1月出生，身份证号：{i}", ("cn_resident_id", "cn_birth_date", "cn_person_name"), "G4"),
    # an address as "label：value" between
    ("{n}，住址：某村，身份证号：{i}", NAMED, "G4"),
    # blanks around the comma
    ("{n} ， {i}", NAMED, "G4"),
    # labels no recognizer lists, closed by a colon or 为
    ("{n}，证号：{i}", NAMED, "G4"),
    ("{n}，身份证号码为{i}", NAMED, "G4"),
    # book-title marks around the number
    ("{n}《{i}》", NAMED, "G4"),
    # numbered lines, 一、
    ("一、{n}，女，汉族，身份证号：{i}", NAMED, "G4"),
    # phones: 联系方式 is no context word of cn_mobile, tel an ASCII one
    ("{n}，联系方式：{p}", NAMED_PHONES, "G3"),
    ("{n}，女，联系电话：{p}", NAMED_PHONES, "G3"),
])
def test_a_name_opening_a_list_line_is_its_id_numbers_holder(tmp_path: Path, form: str, kinds: tuple[str, ...],
                                                             level: str) -> None:
    lines = [form.format(n=n, i=i, p=p) for n, i, p in zip(NAMES, ids(12), PHONES, strict=True)]
    assert _graded(tmp_path / "list.csv", lines) == (kinds, level)


@pytest.mark.parametrize("form", [
    # a word or a place opening the line with the sex and label between: no one's name (3级, as without 女)
    "{w}，女，身份证号：{i}",
    "{w}，男，汉族，{i}",
    "{w}，住址：某村，身份证号：{i}",
    "{w}，证号：{i}",
    # a remark with an ID number: its words are no name
    "备注：{w}，{i}",
])
def test_a_word_opening_a_list_line_names_no_one(tmp_path: Path, form: str) -> None:
    lines = [form.format(w=w, i=i) for w, i in zip(WORDS, ids(12), strict=True)]
    assert _graded(tmp_path / "list.csv", lines) == (("cn_resident_id",), "G3")


def test_a_long_cell_of_list_fields_is_read_in_one_pass() -> None:
    # fields that read two ways ("女：女" a sex or a "label：value") made one regular expression over the
    # line backtrack exponentially: 20 of them took 0.5 s, 40 did not end; field by field, 5,000 end at once
    names, ids_rec = recognizers.get("cn_person_name")(), recognizers.get("cn_resident_id")()
    value = "王芳，" + "女：" * 5000 + "，，#，" + ids(1)[0]
    started = time.monotonic()
    assert cell_names([value], names, [ids_rec]).values == 0
    assert time.monotonic() - started < 5
