"""Ordinary words after a ward, category or form word read as names (issue 15 review R15ah-4, MEDIUM).

学生来自全国各地 was shown 学生来**国各地 and counted a name (来自全), 脱贫人口和监测对象 脱贫人口和**对象 (和监测),
and file names 鉴定表范例.docx, 考察表常用语.docx were shown 鉴定表范**, 考察表常**. None names anyone: a remark's
opening words (remark_words), a conjunction joining two role words, a model form's word
(titled_names.TEMPLATE_WORDS). The names these words open (来自强, 鉴定表范文芳) are still masked and counted
(R15ah-1), and so are names opening with a remark's other usual words (时常青) and names before an illness word
(王建国病休: the review R15aj). 新生儿黄疸 (黄 + 疸) and 任前谈话 (任 + 前) are still masked as names, the lesser
error: the rules that read them as words dropped the readings that masked names in gapped file names (R15ak)."""

from __future__ import annotations

import pytest

from govsoc.classification.cell_names import cell_names
from govsoc.classification.free_text import mask_free_text
from govsoc.classification.identifier_names import mask_person_names
from govsoc.classification.recognizers.person import PersonNameRecognizer

#: free text and cells naming no one: shown as written, counted 0
ORDINARY = [
    "学生应该遵守校规",  # 应该, a modal verb (应 a surname)
    "家长应该配合学校",  # the same after 家长
    "学生成为合格公民",  # 成为合格: 成为 opens names (成为民), not with 合格 after it
    "学生来自全国各地",  # 来自全国: 来自 opens names (来自强), not with 全国 after it
    "学生任何时候",  # 任何时候, a phrase (任何平 is a name)
    "脱贫人口和监测对象",  # 和 joins two categories of people (和 a surname)
]
#: file names naming no one: shown as written
ORDINARY_FILES = [
    "鉴定表范例.docx",  # a model of a form (范 a surname); not 范文, a name in use: 鉴定表范文 masked (RR15aj-7)
    "申请表范本.docx",  # the same
    "审批表范例.docx",  # the same
    "考察表常用语.docx",  # a form's usual phrases (常 a surname)
    "学生应该遵守校规.docx",  # a remark's opening after a ward, as in free text
    "学生来自全国各地.docx",  # the same, a phrase
    "学生任何时候.docx",  # the same; was 学生任**候, 任何 + 时候 read as two names
]
#: (text, as shown on free text): names these words open, after a role word, still masked
NAMES = [
    ("户主来自强", "户主来**"),  # 来自强 ends the remark: a name (R15ah-1)
    ("学生来自强成绩优秀", "学生来**成绩优秀"),  # 来自 + 强, then what is said of the pupil
    ("孕妇成为英产检", "孕妇成**产检"),  # 成为英, a name, before a check-up
    ("低保户任何平", "低保户任**"),  # 任何平 (R15ah-1)
    ("新生儿黄芳", "新生儿黄**"),  # a 黄 name after 新生儿
]
#: (file name, as shown): names beside the new document words, still masked
NAMED_FILES = [
    ("鉴定表范文芳.docx", "鉴定表范**.docx"),  # 范文 does not end the run: 范文芳 is the form's person
    ("新生儿黄芳.docx", "新生儿黄**.docx"),  # a 黄 name after 新生儿
    ("户主来自强.csv", "户主来**.csv"),  # 来自 opens a name (R15ah-1): the phrase alone is none
    ("学生来自强成绩单.docx", "学生来**成绩单.docx"),  # and before what the file is
]
_NAMES = PersonNameRecognizer()


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_words_after_a_role_are_shown_and_count_no_one(text: str) -> None:
    assert mask_free_text(text) == text
    assert cell_names([text], _NAMES).values == 0


@pytest.mark.parametrize("name", ORDINARY_FILES)
def test_ordinary_file_names_are_shown(name: str) -> None:
    assert mask_person_names(name) == name


@pytest.mark.parametrize(("text", "shown"), NAMES)
def test_names_these_words_open_are_masked_and_counted(text: str, shown: str) -> None:
    assert mask_free_text(text) == shown
    assert cell_names([text], _NAMES).values == 1


@pytest.mark.parametrize(("name", "shown"), NAMED_FILES)
def test_names_beside_document_words_are_masked(name: str, shown: str) -> None:
    assert mask_person_names(name) == shown


#: names that open with a remark's usual opening word (时常, 全家, 尚有, 原来, 严重): masked in free text and file
#: names, as on 8d23116; reading every such word as no name there showed them (RR15aj-2, HIGH: 0 of 18 masked)
OPENER_NAMES = [("户主时常青申请低保", "常青"), ("学生全家豪", "家豪"), ("户主尚有才", "有才"),
                ("母亲原来福已去世", "来福"), ("户主严重庆", "重庆")]
#: a name before an illness word, in a file name (RR15aj-1, HIGH: 王建国病休.csv shown whole when any illness
#: character dropped the name read with it; 2,580 of 8,400 masked on 8d23116, 600 after)
ILL_FILES = [("王建国病休.csv", "建国"), ("赵丽疫苗接种记录.docx", "丽"), ("王秀兰癌症救助.pdf", "秀兰"),
             ("张伟病假申请.docx", "伟")]


@pytest.mark.parametrize(("text", "given"), OPENER_NAMES)
def test_a_name_opening_with_a_remark_word_is_masked(text: str, given: str) -> None:
    assert given not in mask_free_text(text)
    assert given not in mask_person_names(text + ".csv")


@pytest.mark.parametrize(("name", "given"), ILL_FILES)
def test_a_name_before_an_illness_word_is_masked(name: str, given: str) -> None:
    assert given not in mask_person_names(name)
