"""Roster lines with unlabelled fields between the name and the ID number (issue 15 review R15p-9).

王小明 汉 330802…, 王小明 党员 初中 已婚 330802…, 王小明 45 330802… and 次仁·卓玛 330802… named no one in a
column of pasted roster lines: only 男/女, …族, …岁, dates and "label：value" counted as fields, and a dotted
minority name was found in two parts (次仁, 卓玛), never as the whole run beside the number."""

from __future__ import annotations

import pytest

from govsoc.classification.cell_names import cell_names
from govsoc.classification.free_text import FreeTextMasker
from govsoc.classification.recognizer import Recognizer, recognizers

_ID = "330802200404151139"
#: (line, the name in it)
LINES = [
    (f"王小明 汉 {_ID}", "王小明"),  # the ethnicity without 族
    (f"王小明 党员 {_ID}", "王小明"),  # the political status
    (f"王小明 初中 {_ID}", "王小明"),  # the schooling
    (f"王小明 已婚 {_ID}", "王小明"),  # the marriage
    (f"王小明 45 {_ID}", "王小明"),  # a bare age
    (f"李秀英，女，汉，群众，本科，{_ID}", "李秀英"),  # several, comma-separated
    (f"次仁·卓玛 {_ID}", "次仁·卓玛"),  # a dotted Tibetan name beside the number
]
#: lines whose words between are no roster fields: no one named
NOT_ROSTERS = [f"项目编号 采购 {_ID}", f"银行转账 备注 {_ID}"]


def _ids() -> list[Recognizer]:
    return [recognizers.get(i)() for i in ("cn_resident_id", "cn_mobile")]


@pytest.mark.parametrize(("line", "name"), LINES)
def test_roster_line_names_its_person(line: str, name: str) -> None:
    found = cell_names([line], FreeTextMasker().names, _ids())
    assert found.values == 1
    assert name not in found.examples[0]


@pytest.mark.parametrize("line", NOT_ROSTERS)
def test_other_words_name_no_one(line: str) -> None:
    assert cell_names([line], FreeTextMasker().names, _ids()).values == 0
