"""Column headings that are people's names, and headings that are a recognizer's own word
(issue 15 review R15f-10, R15f-28). A 排班表 or 工资汇总 pivot has a column per person (日期,黄伟芳,
李娜,王芳 ...): those headings were in clear in the inventory and the report, while the same names
in a column were masked. A 罪名 heading over crimes was shown as ***, a column no one could find."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import pytest

from govsoc.classification.columns import ColumnClassifier, ColumnSample
from tests.classification.test_source_json import _scan

SHIFTS = ["白班", "夜班", "休"] * 10
PEOPLE = ["黄伟芳", "李娜", "王芳", "张伟", "刘洋", "欧阳娜娜", "孙芳军"]
#: headings of registers, pay sheets and rosters that open with a surname character: words
HEADINGS = ["单价", "方向", "方式", "海拔", "高程", "成绩", "来源", "支行", "白班", "时长", "周次", "应发", "应扣",
            "公积金", "平时", "计量", "车架号", "日期", "金额", "余额", "单元", "门牌", "宿舍", "项目", "备注",
            "曾用名"]


def _field(heading: str, values: list[str]) -> str:
    return ColumnClassifier().decide(ColumnSample(dataset="t.csv", field=heading, values=values)).field


@pytest.mark.parametrize("name", PEOPLE)
def test_a_name_heading_is_masked_whatever_its_column_holds(name: str) -> None:
    assert _field(name, SHIFTS) == f"{name[0]}**"
    assert _field(name, [f"{1000 + i}.00" for i in range(30)]) == f"{name[0]}**"  # a 工资汇总 pivot's pay


@pytest.mark.parametrize("heading", HEADINGS)
def test_a_heading_word_is_shown_as_it_is(heading: str) -> None:
    assert _field(heading, SHIFTS) == heading


def test_a_rota_keeps_no_name_in_clear(tmp_path: Path) -> None:
    # R15f-10: p/排班表.csv; out_p.json held "黄伟芳", "李娜", "王芳" as field names
    rows = ["日期," + ",".join(PEOPLE[:5])] + [f"2024-03-{d:02d}," + ",".join(SHIFTS[d:d + 5]) for d in range(1, 21)]
    (tmp_path / "排班表.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    text = json.dumps(asdict(_scan(tmp_path / "排班表.csv")), ensure_ascii=False)
    assert not [name for name in PEOPLE[:5] if name in text]
    assert '"日期"' in text


@pytest.mark.parametrize("heading", ["罪名", "涉嫌罪名", "罪行"])
def test_a_crime_heading_is_shown_as_it_is(heading: str) -> None:
    # R15f-28: the criminal-record recognizer found its value shape (…罪…) in the heading: ***
    crimes = ["盗窃罪", "诈骗罪", "故意伤害罪", "危险驾驶罪"] * 15
    sample = ColumnSample(dataset="xyr.csv", field=heading, values=crimes)
    decision = ColumnClassifier().decide(sample)
    assert decision.field == heading and decision.recognizer == "cn_criminal_record"
