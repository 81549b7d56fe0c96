"""A padded name after another word and a blank (issue 15: R15q-8, and the review R15ah of its first fix).

体检报告 王 芳.csv was shown whole: a name padded after its surname (王 芳) was found only where it opens the run
read without its gaps or follows a lead word there, and 体检报告王芳 has none. A surname alone between two gaps is
now read with the part after it as a run of its own. The first attempt (b2ea080) read the rest of the run from
every gap: two spans at one start were both written (户主 王** 王** 安全, R15ah-2) and a long gapped run cost its
square (R15ah-3); a list of padded names kept its first in clear (R15ah-6)."""

from __future__ import annotations

import time

import pytest

from govsoc.classification.identifier_names import mask_person_names

#: (file name, as shown)
PADDED = [
    ("体检报告 王 芳.csv", "体检报告 王**.csv"),  # the finding's case
    ("申请表 李 明.xlsx", "申请表 李**.xlsx"),  # another document word
    ("体检报告\u3000王\u3000芳.pdf", "体检报告\u3000王**.pdf"),  # ideographic spaces
    ("体检报告 王 芳 安全.csv", "体检报告 王** 安全.csv"),  # a word after the name: the gap ends the name
    ("2024年 王 芳 安全.csv", "2024年 王** 安全.csv"),  # after a lead of one character (年)
    ("户主 王 小明 安全.csv", "户主 王** 安全.csv"),  # R15ah-2: was 户主 王** 王** 安全.csv
    ("护林员 李 建国 安全.csv", "护林员 李** 安全.csv"),  # R15ah-2's second case
    ("王 芳 李 明 张 伟", "王** 李** 张**"),  # R15ah-6: the first name at the run's start was shown
    ("体检报告 王 芳 李 明.csv", "体检报告 王** 李**.csv"),  # a second padded name after the first
    ("关 于 王 芳 同 志.docx", "关 于 王** 同 志.docx"),  # letter-spaced: 于王 is no name, 王芳 after 关于 is
    ("2024年 欧阳 娜.csv", "2024年 欧**.csv"),  # a compound surname padded after a lead (held before too)
]
#: blanks between words, and letter-spaced words: shown as they are
WORDS = ["2024年 工作 总结.docx", "村长 安全 会议.docx", "安全 生产 月报.xlsx", "会 议 纪 要.docx",
         "常 年 安 全 生 产.docx", "通 知.pdf"]


@pytest.mark.parametrize(("name", "shown"), PADDED)
def test_padded_name_after_a_word_masked(name: str, shown: str) -> None:
    assert mask_person_names(name) == shown


@pytest.mark.parametrize("name", WORDS)
def test_words_between_blanks_shown(name: str) -> None:
    assert mask_person_names(name) == name


@pytest.mark.parametrize("unit", ["王 芳 ", "户主 王 小明 安全 ", "安全 生产 "])
def test_a_long_gapped_run_costs_its_length(unit: str) -> None:
    """16 times the run costs about 16 times as much: a reading from every gap made it ~200 times (R15ah-3:
    1,005 -> 4,005 characters 2.06 -> 36.8 s). Bound 48x: a loaded machine's noise, far under the square."""
    def cost(times: int) -> float:
        text = "体检报告 " + unit * times
        best = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            mask_person_names(text)
            best = min(best, time.perf_counter() - start)
        return best
    small, large = cost(60 // len(unit) * 4), cost(60 // len(unit) * 64)
    assert large < 48 * small + 0.05
