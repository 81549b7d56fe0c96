"""A name after a role word before a contact or record word (issue 15 review R15n-1).

护林员范杰手机号, 教师梁磊住址, 会计刘敏联系方式: the name and the first characters of the word after it
(范杰手机, 秦玲住址, 刘敏联) were read as one heading, since a heading is known by its tail or last
character (手机, 址, 联), and the name was shown whole; before 处方 or 录音 a three-character name left its
last character in clear (村长韩金花处方 -> 村长韩**花**). Ordinary words after a role word stay shown."""

from __future__ import annotations

import pytest

from govsoc.classification.identifier_names import mask_person_names

#: (file name, as shown): the name masked, the contact or record word shown
MASKED = [
    ("护林员范杰手机号.csv", "护林员范**手机号.csv"),  # a ranger's mobile number: 范杰手机 read as a heading
    ("教师梁磊住址", "教师梁**住址"),  # an address: 梁磊住址 ends in 址
    ("会计刘敏联系方式.csv", "会计刘**联系方式.csv"),  # 刘敏联 ends in 联
    ("户主王芳联系电话", "户主王**联系电话"),  # a head of household's phone
    ("低保户李秀英联系电话", "低保户李**联系电话"),  # a three-character name before 联系电话
    ("医生曹婷处方", "医生曹**处方"),  # a prescription: 曹婷处 ends in 处
    ("村长韩金花处方", "村长韩**处方"),  # was 村长韩**花**: 花 shown
    ("村长潘欣怡录音", "村长潘**录音"),  # a recording: 潘欣怡录 ends in 录
    ("护士潘芳任期审计", "护士潘**任期审计"),  # a term-of-office audit, not 潘芳任 + 期审计
    ("村长钱劳动手机号", "村长钱**手机号"),  # 劳动, an era given name, is no word after 钱 here
]
#: ordinary words after a role word: no name, shown as they are
KEPT = [
    "村长孔子学院",  # 孔子 + 学院: 学院 is no contact or record word
    "司机车辆登记表",  # 车辆 is no name
    "网格员周报",  # a weekly report
    "讲解员周考核",  # a weekly 考核
]


@pytest.mark.parametrize(("name", "shown"), MASKED)
def test_name_before_contact_word_masked(name: str, shown: str) -> None:
    assert mask_person_names(name) == shown


@pytest.mark.parametrize("name", KEPT)
def test_ordinary_words_after_role_kept(name: str) -> None:
    assert mask_person_names(name) == name
