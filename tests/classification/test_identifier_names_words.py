"""Where a person's name in a file name ends and starts (issue 15, review R15i-16, R15i-17): 等 after
the first name of a list (王小明等3人低保审批.csv showed 王**明**3人, a character of the name in clear),
关于 opening no name (关于李建国同志 showed 关****同志), and an ordinary word opening no name run on
into another (公务用车登记.csv showed 公**车**.csv)."""

from __future__ import annotations

import pytest

from govsoc.classification.columns import ColumnClassifier
from govsoc.classification.shown_names import ShownNames


@pytest.mark.parametrize(("name", "shown"), [
    ("王小明等3人低保审批.csv", "王**等3人低保审批.csv"),  # 等 (and others) follows the name
    ("关于李建国同志任职的通知.csv", "关于李**同志任职的通知.csv"),  # 关于 opens no name, even before a masked one
    ("公务用车登记.csv", "公务用车登记.csv"),  # 公务 (a word) opens no name run into 车登记
    # kept: what R15i held
    ("王小明、李建国低保.csv", "王**、李**低保.csv"),
    ("龙游县湖镇镇张三低保.csv", "龙游县湖镇镇张**低保.csv"),
    ("衢州市民政局关于王小明的批复.csv", "衢州市民政局关于王**的批复.csv"),
    ("关于给予王小明同志处分的决定.csv", "关于给予王**同志处分的决定.csv"),
    ("王小明李四.csv", "王**李**.csv"),  # names run together, neither opening with a word
    ("高中华.csv", "高**.csv"),  # a name that opens with a word (高中) is a name when it is the whole run
    ("公务接待登记.csv", "公务接待登记.csv"),
])
def test_a_name_in_a_file_name_is_masked_from_its_start_to_its_end(name: str, shown: str) -> None:
    assert ShownNames(ColumnClassifier()).place(name) == shown
