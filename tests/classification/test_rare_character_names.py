"""Names written as registers write them (issue 15 review R15n-11): a name with a 生僻字 of CJK
Extension A (王䶮: 䶮 U+4DAE) or of a supplementary plane (马𬌗: 𬌗 U+2C317, Extension E), and a
two-character name padded to three in a file name (护林员彭 丽巡护日志, a blank, a no-break space or a
zero-width space between surname and given name). Names were read in [\\u4e00-\\u9fa5] only, so 王䶮
was a run of one character and no name: a 姓名 column of such names was untagged (a roster of them
beside ID numbers 3级, not 4级), and 户主王䶮.csv, 王䶮.csv were listed, saved and reported in clear."""

from __future__ import annotations

from pathlib import Path

import pytest

from govsoc.classification.identifier_names import mask_person_names
from govsoc.classification.recognizers.person import PersonNameRecognizer
from tests.classification.test_source_footers import _csv
from tests.classification.test_sources import ids
from tests.classification.test_spaced_names import scan

#: names with a 生僻字, each a listed surname and a given name (GB 18030-2022 holds every character)
RARE = ["王䶮", "马𬌗", "刘䶮", "张𬌗", "李䶮", "赵𬌗", "陈䶮", "杨𬌗",
        "王𠇔",  # 𠇔 U+201D4: Extension B
        "周龑",  # 龑 U+9F91: in the Unified block, but past U+9FA5 (Unicode 4.1)
        "吴䶮䶮", "孙𬌗华"]


@pytest.mark.parametrize("value", RARE)
def test_a_name_with_a_rare_character_is_a_name(value: str) -> None:
    (hit,) = PersonNameRecognizer().find(value, context=True)
    assert (hit.start, hit.end) == (0, len(value)) and hit.masked == value[0] + "**"


def test_a_roster_of_rare_character_names_beside_id_numbers_is_graded_4(tmp_path: Path) -> None:
    people = ids(len(RARE) * 3)
    _csv(tmp_path / "r.csv", [["序号", "姓名", "身份证号码"],
                              *([str(i + 1), RARE[i % len(RARE)], p] for i, p in enumerate(people))])
    table = scan(tmp_path / "r.csv")
    assert {f.field: f.recognizer for f in table.fields}.get("姓名") == "cn_person_name"
    assert table.level == "G4" and "身份证件号码与姓名同表" in table.basis


@pytest.mark.parametrize("path, shown", [
    ("王䶮.csv", "王**.csv"),  # a bare name: a per-person export
    ("户主王䶮.csv", "户主王**.csv"),  # after a register's heading
    ("户主王䶮申请表.csv", "户主王**申请表.csv"),  # and before a document word
    ("户主马𬌗.csv", "户主马**.csv"),  # a supplementary-plane character (Extension E)
    ("低保户王𠇔.csv", "低保户王**.csv"),  # Extension B
    ("护林员彭 丽巡护日志.csv", "护林员彭**巡护日志.csv"),  # a blank padding 彭丽 to three
    ("护林员彭\u3000丽巡护日志.csv", "护林员彭**巡护日志.csv"),  # an ideographic space, as WPS pads
    ("护林员彭\u00a0丽巡护日志.csv", "护林员彭**巡护日志.csv"),  # a no-break space, as Word pastes it
    ("护林员彭\u200b丽巡护日志.csv", "护林员彭**巡护日志.csv"),  # a zero-width space
    ("户主王\u3000芳.csv", "户主王**.csv"),  # a padded name at the end
    ("王　芳.csv", "王**.csv"),  # a padded name alone
])
def test_a_rare_character_or_padded_name_in_a_file_name_is_masked(path: str, shown: str) -> None:
    assert mask_person_names(f"/data/{path}") == f"/data/{shown}"


@pytest.mark.parametrize("path", [
    "2024年 工作总结.csv",  # a blank between words: no name spans it
    "安全 生产 检查.csv",  # the same
    "会议纪要 王芳.csv",  # a name after the blank is masked where it stands (below), the blank kept
    "王芳 会议纪要.csv",
    "低保 名单.csv",
])
def test_a_blank_no_name_spans_is_kept(path: str) -> None:
    shown = mask_person_names(f"/data/{path}")
    assert shown.count(" ") == path.count(" ") and "王芳" not in shown
    assert shown == f"/data/{path}".replace("王芳", "王**")


@pytest.mark.parametrize("path, shown", [
    # words apart, each read alone: a name read across a blank that pads no name is words run together
    ("王芳 安全 安全.csv", "王** 安全 安全.csv"),  # 全 安全 read as a name after the name 王芳
    ("村长 安全 会议.csv", "村长 安全 会议.csv"),  # 村长安 ends in the place 长安: no lead of 全 in 安全
    ("李建国 属实.csv", "李** 属实.csv"),  # the name read alone is never cut by one read across the blank
    ("王 芳 李 强.csv", "王** 李**.csv"),  # two padded names in a row
])
def test_a_blank_between_words_reads_each_word_alone(path: str, shown: str) -> None:
    assert mask_person_names(f"/data/{path}") == f"/data/{shown}"
