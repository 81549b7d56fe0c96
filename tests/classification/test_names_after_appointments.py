"""Names in an appointment's file names and a category's (issue 15 reviews R15r-6, R15q-12, R15p-5).

任命书王建国谈话记录 was shown 任命书王**国**记录 (王建 + 国谈话 read as two names, 国 in clear), 任命书王建国备案表,
干部任免审批表王建国, 关于拟任王建国为副县长的通知, 张伟常务副县长讲话 and 脱贫人口王小明档案 in clear. An
appointment's document names its person whatever follows (titled_names.APPOINTMENT_DOCUMENTS), a form
names one at the run's end (FORMS), 拟任 appoints, a qualifier (常务) may stand before a title, and 脱贫人口,
新生儿, 退休职工 are people categories."""

from __future__ import annotations

import pytest

from govsoc.classification.free_text import mask_free_text
from govsoc.classification.identifier_names import mask_person_names

#: (file name, as shown)
NAMED = [
    ("任命书王建国谈话记录.docx", "任命书王**谈话记录.docx"),  # was 任命书王**国**记录: 国 shown
    ("聘书王建国公示.pdf", "聘书王**公示.pdf"),  # was 聘书王**国**
    ("任命书王建国备案表.xlsx", "任命书王**备案表.xlsx"),  # was shown whole
    ("聘书李明述职报告.docx", "聘书李**述职报告.docx"),  # after the document, whatever follows
    ("干部任免审批表王建国.docx", "干部任免审批表王**.docx"),  # a form, then the name
    ("关于拟任王建国同志的通知.docx", "关于拟任王**同志的通知.docx"),  # 拟任 appoints
    ("张伟常务副县长讲话.docx", "张**常务副县长讲话.docx"),  # 常务 before the title
    ("脱贫人口王小明档案.xlsx", "脱贫人口王**档案.xlsx"),  # a category of people
    ("新生儿王小明.csv", "新生儿王**.csv"),
    ("退休职工李秀英.csv", "退休职工李**.csv"),
]
#: file names naming no one after the same words
NAME_FREE = ["任命书模板.docx", "干部任免审批表.xlsx", "脱贫人口统计表.xlsx", "聘书样本.docx"]


@pytest.mark.parametrize(("name", "shown"), NAMED)
def test_name_masked(name: str, shown: str) -> None:
    assert mask_person_names(name) == shown


@pytest.mark.parametrize("name", NAME_FREE)
def test_no_name_shown_as_is(name: str) -> None:
    assert mask_person_names(name) == name


def test_category_word_in_a_remark() -> None:
    assert "王小明" not in mask_free_text("脱贫人口王小明档案")
