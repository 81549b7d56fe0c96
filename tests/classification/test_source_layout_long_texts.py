"""A header of short headings over records of long free text (issue 15 review R15k-20): a 走访记录
export (序号,走访日期,走访情况,存在问题,处理意见) whose three text columns run past 64 characters lost its
header: the header was read as a title and the first record's texts as the field names (rows=4999 of
5,000, graded 4级 from a name and 收入 in those "headings"). Texts that long name no column."""

from __future__ import annotations

import csv
import random
from pathlib import Path

import pytest

from govsoc.classification.grading import load_scheme
from govsoc.classification.inventory import Inventory, build_inventory
from govsoc.classification.sources import open_source

HEADER = ["序号", "走访日期", "走访情况", "存在问题", "处理意见"]
#: sentences of a 走访 note: role words, a name after two of them, a household's income
SENTENCES = ["2024年3月5日，网格员陈丽上门走访，了解到户主常年在外务工，家中仅有老人和孩子，生活较为困难。",
             "经办人张建国核实，申请人家庭收入低于当地低保标准，房屋为砖木结构，存在安全隐患，建议纳入救助。",
             "村干部陪同入户，与户主交谈，其妻子患有慢性病需长期服药，儿子在县城读高中，费用负担较重。",
             "走访时户主不在家，邻居反映其近期外出打工，电话联系后约定下周再次上门核查家庭情况。",
             "群众反映村道路灯损坏，夜间出行不便，已转交村委会处理，要求一周内回复办理结果。"]


def _scan(target: Path) -> Inventory:
    source = open_source(str(target))
    return build_inventory(source.tables(), source=source.name, scheme=load_scheme("gbt43697"), sample_size=1000)


def _visits(path: Path, records: int, texts: int, per_text: int) -> None:
    """A 走访记录 of ``records`` rows; its first ``texts`` text columns join ``per_text`` sentences
    picked at random (the others a short word)."""
    rng = random.Random(8)
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(HEADER)
        for i in range(records):
            notes = ["".join(rng.sample(SENTENCES, per_text)) if k < texts else "无" for k in range(3)]
            writer.writerow([i + 1, f"2024-03-{1 + i % 28:02d}", *notes])


@pytest.mark.parametrize(("texts", "per_text", "level"), [
    # R15k-20: three text columns of about 140 characters, each record's own mix: the header was a
    # title; names of the 经办人 and 网格员 in most notes (个人基本资料), no ID number, no one's income: 2级
    (3, 3, "G2"),
    # three of one sentence, within a heading's length but sentences (，。): the header was a title too;
    # 2 of the 5 sentences name someone, under half a column's notes: no names, 1级
    (3, 1, "G1"),
    # one long text column: the header was kept (one cell names one column at most), still kept
    (1, 3, "G2"),
])
def test_short_headings_over_long_texts_are_the_header(tmp_path: Path, texts: int, per_text: int,
                                                        level: str) -> None:
    _visits(tmp_path / "visits.csv", 300, texts, per_text)
    inventory = _scan(tmp_path / "visits.csv")
    (table,) = inventory.tables
    assert ([f.field for f in table.fields], table.rows) == (HEADER, 300)
    assert inventory.skipped == ()  # no line read as a title
    assert table.level == level
