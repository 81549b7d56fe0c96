"""One cell holding thousands of identifiers (review R15p-4): a 证件号码 text field listing 5,000
resident ID numbers separated by 、 or line breaks took 28.6 s to classify, since cell_names read,
for every identifier, everything before it again (a search ending at the identifier from the cell's
start, a split of the whole text before it). It now reads a bounded window per identifier and splits
the cell once, with the same findings: they are compared here with the code before (bench.cell_names'
before_beside, copied from 7533265) on thousands of generated cells. bench/cell_names.py prints the times."""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from bench.cell_names import before_beside as _old_beside
from govsoc.classification import cell_names as module
from govsoc.classification.cell_names import _beside, cell_names
from govsoc.classification.recognizer import Recognizer, recognizers
from tests.classification.test_sources import ids

NAMES = recognizers.get("cn_person_name")()
IDENTIFIERS = [recognizers.get("cn_resident_id")(), recognizers.get("cn_mobile")()]


# ---- generated cells -------------------------------------------------------------------------------
#: names, and words or places that are none (a name dropped or invented both change the findings)
PEOPLE = ["袁春", "张建雨", "钱红", "欧阳娜", "李秀英", "王桂兰", "赵建军", "次仁卓玛", "阿依古丽·买买提", "刘伟"]
WORDS = ["户籍", "张家港", "已核实", "本人", "备注", "情况说明", "联系人", "身份证"]
#: what a list line puts around and between its name and its number
OPENINGS = ["", "1. ", "12、", "一、", "姓名：", "户主：", "  ", "（", "3）"]
FIELDS = ["女", "男", "汉族", "蒙古族", "45岁", "1950年1月出生", "1950-01-01", "住址：某村三组", "身份证号：",
          "联系电话：", "证号：", "身份证号码为", "手机", "电话", "同志", "先生", "的身份证号：", "已去世", "abc"]
SEPARATORS = ["", " ", "，", "、", "：", "（", "）", "【", "】", ",", "\t", "\u3000", "/", "-", "_", "|", "；", "\n",
              "  ", "，，", "《", "》"]
JOINS = ["、", "\n", "；", " ", "，", "\r\n", "", "。", "|"]


def _piece(rng: random.Random, numbers: Iterator[str]) -> str:
    """One line of a roster, or a fragment of one: a name or word, fields and separators, numbers."""
    parts = [rng.choice(OPENINGS) if rng.random() < 0.3 else ""]
    for _ in range(rng.randint(1, 6)):
        roll = rng.random()
        if roll < 0.3:
            parts.append(rng.choice(PEOPLE))
        elif roll < 0.4:
            parts.append(rng.choice(WORDS))
        elif roll < 0.6:
            parts.append(rng.choice(FIELDS))
        elif roll < 0.85:
            parts.append(next(numbers))
        else:
            parts.append(f"138{rng.randint(0, 99_999_999):08d}")
        parts.append(rng.choice(SEPARATORS))
    return "".join(parts)


def _cells(seed: int, count: int) -> Iterator[str]:
    rng = random.Random(seed)
    numbers = iter(ids(count * 40))
    for _ in range(count):
        pieces = [_piece(rng, numbers) for _ in range(rng.choice([1, 1, 2, 3, 8, 30]))]
        yield rng.choice(JOINS).join(pieces)


@pytest.mark.parametrize("seed", range(8))
def test_the_names_beside_identifiers_are_those_the_code_before_found(seed: int) -> None:
    # 500 cells a seed: rosters, fragments, several numbers a cell, names, words, fields and labels
    cells = list(_cells(seed, 500))
    named = 0
    for cell in cells:
        old = _old_beside(cell, NAMES, IDENTIFIERS)
        assert _beside(cell, NAMES, IDENTIFIERS) == old, cell
        named += bool(old)
    # the cells are no trivial agreement: a fair share of them name someone, a fair share no one
    assert len(cells) // 5 < named < len(cells) * 4 // 5


@pytest.mark.parametrize("cell", [
    # the name after thousands of numbers none of which has one beside it: read at the last number
    "、".join(ids(400)) + "、袁春",
    "\n".join(ids(400)) + "\n李秀英，女，汉族，身份证号：" + ids(401)[-1],
    # list fields that go on far before the number
    "王芳，" + "，".join(["女"] * 2000) + "，" + ids(1)[0],
    "王芳，" + "，".join(["女"] * 2000) + "，户籍，" + ids(1)[0],
    # a number inside a line's opening, and the opening's blanks
    " " * 50 + "1. 姓名：" + ids(1)[0] + "袁春",
    "1." + ids(1)[0] + " 钱红",
    # a roster whose every line opens with its number
    "\n".join(f"{i + 1}. {n}，男，{number}" for i, (n, number) in enumerate(zip(PEOPLE * 40, ids(400), strict=True))),
])
def test_long_cells_find_what_the_code_before_found(cell: str) -> None:
    assert _beside(cell, NAMES, IDENTIFIERS) == _old_beside(cell, NAMES, IDENTIFIERS)


class _Counting:
    """A compiled pattern that adds up the characters each call hands the regular-expression engine:
    the whole window of a search, split or finditer, at most the pattern's longest match for a match
    or fullmatch (a deterministic measure of the work, where a timed test would be flaky)."""

    def __init__(self, pattern: re.Pattern[str], tally: list[int]) -> None:
        self.pattern, self.tally = pattern, tally
        self.width = re._parser.parse(pattern.pattern).getwidth()[1]  # type: ignore[attr-defined]

    def __getattr__(self, name: str) -> Callable[..., Any]:
        method = getattr(self.pattern, name)

        def counted(string: str, pos: int = 0, endpos: int | None = None, *rest: Any) -> Any:
            if name == "split":
                self.tally.append(len(string))
                return method(string, pos, endpos, *rest) if endpos is not None else method(string, pos)
            window = (len(string) if endpos is None else min(endpos, len(string))) - pos
            self.tally.append(min(window, self.width) if name in ("match", "fullmatch") else window)
            return method(string, pos) if endpos is None else method(string, pos, endpos)
        return counted


def _work(monkeypatch: pytest.MonkeyPatch, cell: str) -> int:
    tally: list[int] = []
    for name in ("_BEFORE", "_AFTER", "_LIST_OPENS", "_LIST_SPLIT", "_LIST_NAME", "_LIST_FIELD", "_LIST_LABEL"):
        monkeypatch.setattr(module, name, _Counting(getattr(module, name), tally))
    labelled = module._labelled

    def counted_labelled(rec: Recognizer) -> Any:
        made = labelled(rec)
        if isinstance(made, tuple):
            return (_Counting(made[0], tally), *made[1:])
        return _Counting(made, tally)
    monkeypatch.setattr(module, "_labelled", counted_labelled)
    assert cell_names([cell], NAMES, IDENTIFIERS).values == 0
    monkeypatch.undo()
    return sum(tally)


@pytest.mark.parametrize("join", ["、", "\n", "，"])
def test_a_cell_of_id_numbers_is_read_in_work_proportional_to_its_length(monkeypatch: pytest.MonkeyPatch,
                                                                          join: str) -> None:
    # 4 times the numbers, about 4 times the work (it was 16 times: 28.6 s for 5,000 numbers)
    small, large = (_work(monkeypatch, "证件号码：" + join.join(ids(n))) for n in (500, 2000))
    assert large < 5 * small
    assert large < 40 * len(join.join(ids(2000)))
