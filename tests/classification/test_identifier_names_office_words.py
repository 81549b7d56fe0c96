"""The record words 11ceece made end a name (工作, 排班, 记录, 日志, 记账, 月报 ...) and the role words it
reads a name after leave an office's ordinary words shown (issue 15 review R15n-3).

国庆排班 -> 国**排班, 纪检工作 -> 纪**工作, 银行日记账 -> 银**记账, 村长田间管理 -> 村长田**理 (216 of
6,944 office names, 2,160 of 48,250 role names newly masked). A worker's name before a record word and a
name after a role word stay masked (test_identifier_names_after_roles.py)."""

from __future__ import annotations

import pytest

from govsoc.classification.identifier_names import mask_person_names

#: an office's ordinary file names: shown as they are
KEPT = [
    "国庆排班.csv",  # the National Day duty roster
    "纪检工作.csv",  # discipline inspection work
    "普法工作.csv",  # law popularisation
    "车间排班表.csv",  # a workshop's roster
    "夏季工作计划.csv",  # a summer work plan: 夏季 a name only after a role word
    "商贸月报.csv",  # a trade monthly
    "高峰排班.csv",  # peak-hour shifts
    "银行日记账.csv",  # the statutory bank journal (会计基础工作规范 §57)
    "出纳银行日记账.csv",  # the same after a role word
    "村长田间管理.csv",  # field management after a title
    "村长任命文件.csv",  # an appointment document
    "会计公章使用.csv",  # use of the official seal
    "公司机房巡检记录.csv",  # a company's machine room (R15n-12's third case)
]
#: names before record words and after role words: masked
MASKED = [
    ("王建国工作总结.csv", "王**工作总结.csv"),  # a person's own work summary
    ("张强排班.csv", "张**排班.csv"),  # a person's roster
    ("网格员夏季巡查.csv", "网格员夏**巡查.csv"),  # 夏季 a name after a role word before a record word
    ("户主国庆.csv", "户主国**.csv"),  # 国庆 a name at the run's end
    ("王国庆排班.csv", "王**排班.csv"),  # 国庆 a given name
]


@pytest.mark.parametrize("path", KEPT)
def test_an_office_word_before_a_record_word_is_shown(path: str) -> None:
    assert mask_person_names(f"/data/{path}") == f"/data/{path}"


@pytest.mark.parametrize(("path", "shown"), MASKED)
def test_a_name_before_a_record_word_stays_masked(path: str, shown: str) -> None:
    assert mask_person_names(f"/data/{path}") == f"/data/{shown}"
