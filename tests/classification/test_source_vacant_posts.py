"""Vacant posts in a roster (issue 15 review R15h-5): a 花名册 of posts (职务,姓名,身份证号码,联系电话)
lists a post with no one in it as its 职务 with the name, ID number and phone left empty or written
空缺, 暂缺, —. Two such rows running were cut from the roster: the second taken for the header of a
table of another shape (layout.other_shape, R15g-20) because the row below it holds digits where the
vacant row above holds none; the records below it went to a table headed by a post and 空缺 (rows=12
-> 4 + 7, its ID numbers and names under column_3 and 空缺). An empty or placeholder cell says nothing
of its column: only a digit below where the record above holds words tells of another shape."""

from __future__ import annotations

from pathlib import Path

import pytest

from govsoc.classification.grading import load_scheme
from govsoc.classification.inventory import build_inventory
from govsoc.classification.sources import open_source
from tests.classification.test_source_footers import _csv, _xlsx
from tests.classification.test_sources import NAMES, PHONES, ids

POSTS = ["局长", "副局长", "办公室主任", "科长", "副科长", "科员", "科员", "科员", "办事员", "办事员", "司机", "科员"]
PEOPLE = ids(12)


def _roster(vacant: list[str], at: tuple[int, ...], department: bool) -> tuple[list[list[str]], list[str]]:
    """A roster of POSTS (a 部门 column first if ``department``), the posts ``at`` vacant (``vacant``
    in the name, ID number and phone cells); and the ID numbers it holds."""
    header = [*(["部门"] if department else []), "职务", "姓名", "身份证号码", "联系电话"]
    rows, held = [header], []
    for i, post in enumerate(POSTS):
        first = ["办公室"] if department else []
        if i in at:
            rows.append([*first, post, *vacant])
        else:
            rows.append([*first, post, NAMES[i % 8], PEOPLE[i], PHONES[i]])
            held.append(PEOPLE[i])
    return rows, held


@pytest.mark.parametrize("vacant, at, department", [
    (["空缺", "", ""], (3, 4), False),  # 科长, 副科长 vacant: 空缺 in the name cell
    (["暂缺", "", ""], (0, 1), False),  # the first two posts vacant, just under the header
    (["—", "—", "—"], (3, 4), False),  # a dash in every cell of the post
    (["空缺", "空缺", "空缺"], (9, 10), False),  # near the end
    (["", "", ""], (3, 4), True),  # nothing written: 部门 and 职务 are the row's only cells
    (["（暂缺）", "（暂缺）", "（暂缺）"], (3, 4), False),  # the placeholder in brackets, in every cell
])
@pytest.mark.parametrize("name, write", [("r.csv", _csv), ("r.xlsx", _xlsx)])
def test_vacant_posts_keep_the_roster_one_table(tmp_path: Path, vacant: list[str], at: tuple[int, ...],
                                                department: bool, name: str, write: object) -> None:
    rows, held = _roster(vacant, at, department)
    write(tmp_path / name, rows)  # type: ignore[operator]
    source = open_source(str(tmp_path / name))
    (table,) = source.tables()  # was two: the second vacant post a header
    assert table.rows == 12  # the vacant posts are rows of the roster
    columns = {c.field: c.values for c in table.columns}
    assert [v for v in columns["身份证号码"] if v.strip() not in ("", "—", "空缺", "（暂缺）")] == held
    inventory = build_inventory(open_source(str(tmp_path / name)).tables(), source=source.name,
                                scheme=load_scheme("gbt43697"), sample_size=1000)
    assert [t.level for t in inventory.tables] == ["G4"]
