"""A person's name in a file, sheet or table name after a word before it (issue 15 review R15g-5).
低保户王小明.csv, 户主王小明家庭.csv, 第三组王小明户.csv, 关于给予王小明同志记过处分的决定.csv (a
disciplinary record), 王小明李四.csv and 张建国家.csv were printed in clear by the listing, the
inventory, the report and the saved result, while 2024年王小明个人档案 was masked: a name was found
only after a few openers and before a listed document word. Now a kin or role word before it
(低保户, 户主, 被执行人), a decision's verb (给予), another name, or 户/家 ending the run after it do too."""

from __future__ import annotations

from pathlib import Path

import pytest

from govsoc.classification.identifier_names import mask_person_names
from tests.classification.test_inventory_person_names import classified
from tests.classification.test_source_json import NUMBERS

#: (file name, the names in it), each a way a 政务 file names its person after a word
NAMED = [
    ("低保户王小明.csv", ["王小明"]),  # a role word (a 低保 household's head) before the name
    ("户主王小明家庭.csv", ["王小明"]),  # the name recognizer's heading 户主 before, a tail after
    ("第三组王小明户.csv", ["王小明"]),  # a group before, 户 (his household) ending the run
    ("关于给予王小明同志记过处分的决定.csv", ["王小明"]),  # a decision's verb 给予 before it
    ("王小明李四.csv", ["王小明", "李四"]),  # two names run together
    ("张建国家.csv", ["张建国"]),  # 家 (his family) ending the run
    ("被执行人王五名下财产.xlsx", ["王五"]),  # a court's role, then the name, then a word: not a run end
    ("五保户张伟.csv", ["张伟"]),  # another household role
    ("其父王大明材料.csv", ["王大明"]),  # kin with 其
    ("长子王小明.csv", ["王小明"]),  # kin by birth order
]
#: words after a role word or before 户/家, which must stay as they are
KEPT = ["低保户花名册.csv", "户主信息.csv", "申请人名单.xlsx", "五保户名册.csv", "户主姓名.csv", "专家库.csv",
        "第三组农户.csv", "低保户家庭成员.csv"]


@pytest.mark.parametrize(("path", "names"), NAMED)
def test_a_name_after_a_word_in_a_file_name_is_masked(path: str, names: list[str]) -> None:
    shown = mask_person_names(f"/data/{path}")
    assert not [n for n in names if n in shown]
    expected = f"/data/{path}"
    for name in names:
        expected = expected.replace(name, f"{name[0]}**", 1)
    assert shown == expected  # the names alone masked, the words kept


@pytest.mark.parametrize("path", KEPT)
def test_words_after_a_role_word_are_kept(path: str) -> None:
    assert mask_person_names(f"/data/{path}") == f"/data/{path}"


def test_the_listing_inventory_and_saved_result_mask_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "p"
    folder.mkdir()
    for path, _names in NAMED[:6]:
        (folder / path).write_text("姓名,身份证号\n" + "".join(f"黄伟芳,{NUMBERS[i]}\n" for i in range(10)),
                                   encoding="utf-8")
    out, texts = classified(folder, tmp_path, monkeypatch, capsys)
    for text in texts:
        assert not [n for n in ("王小明", "李四", "张建国") if n in text]
    assert "低保户王**.csv  rows=10" in out and "王**李**.csv  rows=10" in out
