"""Tibetan, Uyghur and Mongolian names: no Han surname (issue 15 review R15g-6). A 西藏 or 新疆
roster (扎西次仁, 次仁卓玛; 买买提艾力 and 阿不都热合曼 written without the middle dot, as most
databases store them) had no name column: "no recognizer reached its threshold" under 姓名, so the
ID numbers beside the names were 3级, not 4级 (身份证件号码与姓名同表, schemes/gbt43697.yaml), and
the same names in file names and keys were shown in clear. Names made wholly of common name words
(classification.minority_names) are names now; the surnames 禤, 宓, 綦, 钮 are listed."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from govsoc.classification.checksums import resident_id_check_char
from govsoc.classification.identifier_names import is_person_name, mask_person_names
from govsoc.classification.minority_names import is_minority_name
from govsoc.classification.recognizers.person import PersonNameRecognizer
from tests.classification.test_source_json import _scan
from tests.classification.test_sources import PHONES

NAMES = [
    "扎西次仁",  # Tibetan: two name words (Tashi Tsering)
    "次仁卓玛",  # Tibetan, a woman's (Tsering Drolma)
    "格桑",  # Tibetan: one name word alone
    "洛桑丹增",  # Tibetan, four characters of no surname
    "买买提艾力",  # Uyghur: own name + father's, without the middle dot, five characters
    "阿不都热合曼",  # Uyghur: six characters
    "阿依古丽",  # Uyghur, a woman's (Ayigul)
    "热依汗迪丽拉",  # Uyghur, a woman's and her father's
    "其其格",  # Mongolian, one word (Chichig)
    "斯琴高娃",  # Mongolian, two words
]
#: (name, why it is one): surnames missing from the list before
SURNAMES = ["禤小明", "宓芳", "綦建国", "钮大伟"]
#: runs of name-word characters that are no one's name: a place, a flower, a city
NOT_NAMES = ["呼和浩特", "乌兰察布", "格桑花", "拉萨市"]


@pytest.mark.parametrize("name", NAMES + SURNAMES)
def test_a_name_without_a_han_surname_is_a_name(name: str) -> None:
    assert is_person_name(name)
    assert [(m.start, m.end) for m in PersonNameRecognizer().find(name, context=True)] == [(0, len(name))]
    shown = mask_person_names(f"/data/{name}/{name}.csv")
    assert shown == f"/data/{name[0]}**/{name[0]}**.csv"


@pytest.mark.parametrize("word", NOT_NAMES)
def test_words_of_name_word_characters_are_none(word: str) -> None:
    assert not is_minority_name(word) or not is_person_name(word)
    assert mask_person_names(f"/data/{word}.csv") == f"/data/{word}.csv"


#: (region of the ID numbers, first name words, second name words): a 拉萨 and an 乌鲁木齐 roster
ROSTERS = [("540102", ["扎西", "次仁", "格桑", "洛桑", "达瓦", "尼玛"], ["次仁", "卓玛", "丹增", "平措", "央金"]),
           ("650102", ["买买提", "阿不都", "阿依", "热依汗", "努尔"], ["艾力", "热合曼", "古丽", "迪丽拉", "吐尔逊"])]


@pytest.mark.parametrize(("region", "firsts", "seconds"), ROSTERS)
def test_a_roster_of_such_names_beside_id_numbers_is_level_4(tmp_path: Path, region: str, firsts: list[str],
                                                             seconds: list[str]) -> None:
    bodies = [f"{region}1990{(i % 12) + 1:02d}{(i % 28) + 1:02d}{i:03d}" for i in range(60)]
    path = tmp_path / "roster.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["姓名", "身份证号", "联系电话"])
        writer.writerows([firsts[i % len(firsts)] + seconds[i // len(firsts) % len(seconds)],
                          b + resident_id_check_char(b), PHONES[i % 40]] for i, b in enumerate(bodies))
    (table,) = _scan(path).tables
    fields = {f.field: f for f in table.fields}
    assert fields["姓名"].status == "tagged" and fields["姓名"].recognizer == "cn_person_name"
    assert table.level == "G4"  # was G3: the names not seen beside the ID numbers


#: Uyghur and Kazakh names no name word or ending made a name (R15h-18): shown in clear in file
#: names, a 姓名 column of them not a name column (3级 beside ID numbers)
TURKIC = [
    "买买提江",  # Uyghur Memetjan: a name word and the -jan ending
    "艾尼瓦尔江",  # Enwerjan: a name word missing before, and -jan
    "帕尔哈提江",  # Perhatjan
    "吐尔逊江",  # Tursunjan
    "买买提江艾力",  # an own name with -jan, then the father's
    "玛玛提艾力",  # 玛玛提: a spelling of Memet (买买提/麦麦提)
    "阿卜杜热依木",  # Abdurehim with 热依木 ...
    "热衣木",  # ... and its spelling 热衣木
    "努尔兰",  # Kazakh Nurlan
    "努尔别克",  # Kazakh Nurbek: a name word and the -bek ending
    "吐尔逊拜克",  # the -bek ending spelt 拜克
    "阿斯哈尔",  # Kazakh Askhar (was 阿**哈**: two surname names)
    "加娜尔",  # Kazakh Zhanar, a woman's
]
#: runs ending in 江 (or 别克) after no Uyghur or Kazakh name word: rivers, places, a car's make
NOT_TURKIC = ["长江", "浙江", "丽江", "九江", "牡丹江", "扎西江", "别克"]


@pytest.mark.parametrize("name", TURKIC)
def test_a_uyghur_or_kazakh_name_is_a_name(name: str) -> None:
    assert is_minority_name(name) and is_person_name(name)
    assert mask_person_names(f"/data/{name}档案.csv") == f"/data/{name[0]}**档案.csv"


@pytest.mark.parametrize("word", NOT_TURKIC)
def test_an_ending_needs_a_uyghur_or_kazakh_name_word_before_it(word: str) -> None:
    assert not is_minority_name(word)
    assert mask_person_names(f"/data/{word}档案.csv") == f"/data/{word}档案.csv"


def test_a_roster_of_uyghur_and_kazakh_names_beside_id_numbers_is_level_4(tmp_path: Path) -> None:
    bodies = [f"6540021990{(i % 12) + 1:02d}{(i % 28) + 1:02d}{i:03d}" for i in range(60)]
    path = tmp_path / "roster.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["姓名", "身份证号", "联系电话"])
        writer.writerows([TURKIC[i % len(TURKIC)], b + resident_id_check_char(b), PHONES[i % 40]]
                         for i, b in enumerate(bodies))
    (table,) = _scan(path).tables
    fields = {f.field: f for f in table.fields}
    assert fields["姓名"].status == "tagged" and fields["姓名"].recognizer == "cn_person_name"
    assert table.level == "G4"  # was G3: the names not seen beside the ID numbers
