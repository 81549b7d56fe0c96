"""A person's name after a role word set off as a label, by a colon or blanks, then a word said of the person (issue 15,
review R15aj, RR15aj-4, MEDIUM).

Free text showed 家长：王芳签字, 家长：王建国已签字, 户主：王建国在外务工, 学生：王芳和李明 and 学生 王芳和李明 in clear
and counted none of them; the file-name reader masked them. After a label the value is as often a field's (学生：高一,
学生：公司原因: RR15aj-3, RR15am-2), so a name is read there only before a word no name holds (签字, 在外务工, 等) or
joined by 和/、 to another; everything else after a label is read as before."""

from __future__ import annotations

import pytest

from govsoc.classification import role_names
from govsoc.classification.cell_names import cell_names
from govsoc.classification.common_words import is_common_word
from govsoc.classification.free_text import mask_free_text
from govsoc.classification.recognizers.person import PersonNameRecognizer

_NAMES = PersonNameRecognizer()

#: (text, as shown: names by the name rule, surname kept)
NAMED = [
    ("家长：王芳签字", "家长：王**签字"),  # RR15aj-4: a sign-off after the name
    ("家长：王建国已签字", "家长：王**已签字"),  # … after 已
    ("户主：王建国在外务工", "户主：王**在外务工"),  # a life event of the person
    ("学生：王芳和李明", "学生：王**和李**"),  # two names joined, the second ending the run
    ("学生 王芳和李明", "学生 王**和李**"),  # a blank for the colon
    ("学生：王芳、李明签字", "学生：王**、李**签字"),  # joined by 、, then a sign-off
    ("家长:\u3000王芳同意", "家长:\u3000王**同意"),  # an ASCII colon and an ideographic space
    ("学生  王芳等", "学生  王**等"),  # two blanks, 等 ending the run
    # RR15ao-4: shown in clear on 6f62c05a
    ("家长：王志和签字", "家长：王**签字"),  # a given name ending in 和 (a join), then a sign-off
    ("家长：李国和已签字", "家长：李**已签字"),  # … and a tie before the sign-off
    ("学生：王晓均签字", "学生：王**签字"),  # a given name ending in 均 (a tie): 均 was shown (学生：王**均签字)
    ("家长：王芳 签字", "家长：王** 签字"),  # a blank between the name and the word said of the person
    ("家长：王芳（父亲）签字", "家长：王**（父亲）签字"),  # a bracketed aside after the name
    ("家长：王芳(本人)已签字", "家长：王**(本人)已签字"),  # … in ASCII brackets, then a tie
    ("家长（父亲）：王芳签字", "家长（父亲）：王**签字"),  # an aside in the label, before its colon
    ("家长：：王芳签字", "家长：：王**签字"),  # two colons
    ("家长： 王芳 和 李明", "家长： 王** 和 李**"),  # blanks around the join
    ("户主 王芳 与 李明 签字", "户主 王** 与 李** 签字"),  # blanks for the colon and around the join, then a sign-off
    # RR15ao-7: a 和 right after a name is a join when a name follows it (和晓东), not the first name's last character
    ("学生：王芳和和晓东", "学生：王**和和**"),
    ("户主：王芳未签字", "户主：王**未签字"),  # 未 is a tie, not a given name's last character (no name is 王芳未)
    # RR15ar-1: a name reached through a join from a name counts whatever follows it; 3b4823ab showed the second in
    # clear when blanks and another join followed (its drop rule is for a first name only: 高一和其他)
    ("学生：王芳和李明 和其他同学", "学生：王**和李** 和其他同学"),  # gen.py s0: 和, a blank, 和 + words
    ("学生：王芳、李明 及家属同意", "学生：王**、李** 及家属同意"),  # s1: 、, a blank, 及
    ("监护人：刘建国与陈秀英  与学校签订协议", "监护人：刘**与陈**  与学校签订协议"),  # s2: 与, two blanks, 与
    ("家长：张伟和李娜\u3000和老师沟通", "家长：张**和李**\u3000和老师沟通"),  # s3: an ideographic space
    ("学生：王芳和李明和其他同学", "学生：王**和李**和其他同学"),  # no blank: the second was clear on 6f62c05a too
    ("学生：王芳、李明、张伟 及家属", "学生：王**、李**、张** 及家属"),  # the third of a chain
    # RR15ar-2: an aside or blanks before a join or 等 (R15ar gen2.py); all shown in clear on 3b4823ab
    ("家长：王芳（父亲）和李明签字", "家长：王**（父亲）和李**签字"),  # an aside before the join
    ("家长：王芳（父亲）、李明（母亲）签字", "家长：王**（父亲）、李**（母亲）签字"),  # … before 、
    ("学生：王芳、李明和 张伟签字", "学生：王**、李**和 张**签字"),  # 和, a blank, a name: a join (not 李明和)
    ("学生：王芳 等人签字", "学生：王** 等人签字"),  # a blank before 等人
    ("户主：程海燕和郝冲及 等人签字", "户主：程**和郝** 等人签字"),  # 冲及 stays whole before a blank and 等人
]
#: ordinary values after a label: nothing masked, nothing counted
ORDINARY = [
    "学生：公司原因",  # RR15am-2: no word said of a person after 公司原 (因 alone is none here)
    "学生：高一",  # RR15aj-3: a whole value is not read
    "家长：周一",  # RR15aj-3
    "家长：高风险",  # RR15am-2
    "家长：信审核查",  # 审核 closes over the name's end: 信审 + 核查 is no reading
    "母亲：来自联系",  # 来自 opens remark phrases (remark_words.REMARK_PHRASES), no name of its own
    "户主：全家外出务工",  # 全家: a remark's opening word (REMARK_OPENERS)
    "学生：高一和其他",  # a join with no name after it
    "家长：已签字",  # no name at all
    # words the name recognizer takes (a surname first) before a word said of a person: jieba's dictionary lists them
    "学生：高一和高二",
    "学生：白天上学",
    "家长：周一签字",
    # RR15ao-4's readings on ordinary words: the tie or join is read into a name only when the run before it is one
    "家长：查看均同意",  # 查看 is a remark's word (REMARK_PHRASES), 查看均 no name
    "监护人：项目均同意",  # jieba's word 项目, then a tie
    "学生：高一 签字",  # a blank before the sign-off does not make a word a name
    "学生：高一（3）班签字",  # nor does an aside
    "学生（高一）：白天签字",  # nor an aside in the label
    # RR15ao-7: words jieba does not refuse, kept clear by the hand-written checks
    "户主：乔迁同意",  # _LABEL_WORDS (REMARK_OPENERS): jieba tags 乔迁 nr, so it is no common word
    "户主：和子女同意",  # a remark's words after the role (_REMARK_WORDS: 和子女), not a name 和子女
    "户主：于今日签字",  # … 于今日
    "母亲：来自于联系",  # a remark phrase (REMARK_PHRASES 来自于) opens the run: 来自于 is no name of three
    "学生：成为了同意",  # … 成为了
    # RR15ar-2's readings past an aside or blanks take no word for a name
    "学生：父母（男，45岁）和孩子签字",  # an aside before a join between words
    "学生：高一 等同学",  # a blank before 等 after a word
]
#: ordinary values the hand-written checks keep clear where no word list is there (jieba missing: common_words reads
#: every token as no word, RR15ao-2): 高一, 白天, 阴性 are then taken for names by is_person_name (RR15ao-7)
NO_WORD_LIST = [
    "学生：高一和其他",  # a name before a join counts only with a name after it
    "学生：高一和家长签字",  # … a role word after the join is no name
    "学生：高一等同学",  # 等 ends a name only at the run's end or in 等人
    "家长：白天在外",  # 在外 goes on ordinary words (白天在外): no word said only of a person
    "患者：阴性一级",  # … nor 一级 (阴性一级)
    "商户名：高一签字",  # 商户名 is a heading naming no person (PersonNameRecognizer.CONTEXT_EXCEPT)
    "母亲：来自联系",  # 来自 opens a remark phrase (_LABEL_WORDS)
    "户主：常年外出务工",  # a remark's words after the role (_REMARK_WORDS)
]


@pytest.mark.parametrize(("text", "shown"), NAMED)
def test_a_name_after_a_label_before_a_word_said_of_a_person_is_masked_and_counted(text: str, shown: str) -> None:
    assert mask_free_text(text) == shown
    assert cell_names([text], _NAMES).values == 1


@pytest.mark.parametrize("text", ORDINARY)
def test_an_ordinary_value_after_a_label_is_neither_masked_nor_counted(text: str) -> None:
    assert mask_free_text(text) == text
    assert cell_names([text], _NAMES).values == 0


@pytest.mark.parametrize("text", NO_WORD_LIST)
def test_without_a_word_list_the_label_checks_keep_ordinary_values_clear(text: str,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(role_names, "is_common_word", lambda token: False)
    assert mask_free_text(text) == text
    assert cell_names([text], _NAMES).values == 0


@pytest.mark.parametrize(("token", "word"), [
    ("高一", True),  # a grade, tagged b
    ("白天", True),  # a time word, t
    ("时候", True),  # n
    ("王芳", False),  # a name jieba does not list
    ("李娜", False),  # a name it lists as one (nr)
    ("江建国", False),  # a name it lists as a place (ns): proper nouns are no common words
])
def test_common_words_are_jiebas_words_that_are_no_proper_noun(token: str, word: bool) -> None:
    assert is_common_word(token) is word


@pytest.mark.parametrize(("text", "kind"), [
    ("患者：王芳住院", "cn_health"),  # RR15ao-3: 患者王芳住院 is 健康状况 (4级); the label's colon changes nothing
    ("吸毒人员：王芳戒毒", "cn_criminal_record"),  # RR15ao-3: a drug record (GB/T 35273 Annex B)
    ("残疾人 王芳签字", "cn_disability"),  # blanks for the colon
    ("患者 ：\u3000王芳和李明", "cn_health"),  # blanks around the colon, two joined names
    ("患者 王芳 住院", "cn_health"),  # RR15ao-4: blanks for the colon and before the word said of the person
    ("患者：：王芳住院", "cn_health"),  # two colons
])
def test_a_status_word_as_a_label_says_the_category_of_the_name_after_it(text: str, kind: str) -> None:
    glued = text.replace("：", "").replace(" ", "").replace("\u3000", "")
    assert cell_names([glued], _NAMES).sensitive == {kind: 1}  # the same words without the label
    assert cell_names([text], _NAMES).sensitive == {kind: 1}


@pytest.mark.parametrize("aside", [
    "（男）",  # RR15ao-4: the name was not read at all after 患者（男）：; the status word stands before the aside
    "(男)",  # ASCII brackets
    "（男，45岁，本院）",  # RR15ar-6: the longest aside label_ends.ASIDE takes (8 characters)
    "(男，45岁，本院) ",  # … in ASCII brackets, a blank before the colon
    " （男，45岁，本院）",  # … a blank between the role word and the aside
])
def test_a_status_word_before_an_aside_in_the_label_says_the_category(aside: str) -> None:
    assert cell_names([f"患者{aside}：王芳住院"], _NAMES).sensitive == {"cn_health": 1}


def test_a_label_of_no_status_word_says_no_category() -> None:
    # the category comes from the word before the label's colon only: a status word later in the text says nothing
    assert cell_names(["家长：王芳签字，患者"], _NAMES).sensitive == {}
