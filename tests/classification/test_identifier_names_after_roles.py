"""A name after a role word in a file name, whatever follows it (issue 15 review R15k-2).

A per-person file names what it is after the name (护林员彭丽巡护日志.csv, 村长王建国讲话.csv), in words
no list holds: the name was masked only before a listed FOLLOWS word or at the run's end, and not at
all after the roles no ROLE_SHAPES word ends (村长, 会计, 司机, 民警 ...). A masked name left its last
character in clear when it ran into the next word (经办人张建国经手 -> 经办人张**国**). And the words
after a role word that are no name stay shown (R15k-1's and the probe's ordinary file names)."""

from __future__ import annotations

from pathlib import Path

import pytest

from govsoc.classification.identifier_names import mask_person_names
from govsoc.classification.inventory import RESULTS_SUBDIR
from govsoc.cli import main
from tests.classification.test_source_json import NUMBERS
from tests.classification.test_sources import PHONES

#: (file name, as shown): the name after a role word masked, what follows shown
MASKED = [
    ("护林员彭丽巡护日志.csv", "护林员彭**巡护日志.csv"),  # a forest ranger's patrol log
    ("村书记周国平讲话稿.csv", "村书记周**讲话稿.csv"),  # a village secretary's speech
    ("网格员王芳工作日志.csv", "网格员王**工作日志.csv"),  # a grid worker's work log
    ("协管员邓静排班.csv", "协管员邓**排班.csv"),  # a warden's roster
    ("调解员韩伟调解记录.csv", "调解员韩**调解记录.csv"),  # a mediator's record
    ("低保户王小明收入核算.csv", "低保户王**收入核算.csv"),  # a listed ROLE_LEADS word, then an income check
    ("司机张强出车记录.csv", "司机张**出车记录.csv"),  # a driver: no ROLE_SHAPES ending
    ("会计刘敏记账凭证.csv", "会计刘**记账凭证.csv"),  # an accountant, then vouchers
    ("网格员张伟负责区域.csv", "网格员张**负责区域.csv"),  # a two-character name before 负责
    ("驻村干部黄晓东走村入户.csv", "驻村干部黄**走村入户.csv"),  # words in no list after the name
    ("村长王建国.csv", "村长王**.csv"),  # a head of a unit (…长), alone
    ("会计刘敏.csv", "会计刘**.csv"),  # a trade, alone
    ("民警陈刚.csv", "民警陈**.csv"),  # a police officer
    ("社工周敏.csv", "社工周**.csv"),  # a social worker: 周 opens no word here
    ("校长赵伟.csv", "校长赵**.csv"),  # a head of a school
    ("村医刘芳.csv", "村医刘**.csv"),  # a village doctor
    ("经办人张建国经手.csv", "经办人张**经手.csv"),  # was 张**国**: 国 left in clear
    ("信访人黄国平诉求.csv", "信访人黄**诉求.csv"),  # was 黄**平**
    ("村长王建国讲话.csv", "村长王**讲话.csv"),  # was in clear, read as 王建 + 国讲 once a name
    ("户主王小明李四.csv", "户主王**李**.csv"),  # names run together after a role stay two names
    ("户主高峰.csv", "户主高**.csv"),  # 高峰 is a word and a common name: a name at the run's end
    ("网格员高峰巡查.csv", "网格员高**巡查.csv"),  # and before a record word
    ("户主杨梅.csv", "户主杨**.csv"),  # 杨梅 the same
    ("老师王芳.csv", "老师王**.csv"),  # a teacher
]
#: ordinary file and heading names after a role word: no name, shown as they are
KEPT = [
    "当事人权利义务告知书.csv",  # 权利 opens with the surname 权
    "人员高峰时段.csv",  # 高峰: a peak
    "讲解员何时上岗.csv",  # 何时: when
    "护林员明年计划.csv",  # 明年: next year
    "村书记高质量发展.csv",  # 高质量: a slogan
    "监督员杨梅采摘.csv",  # 杨梅: bayberries
    "网格员常态化巡查.csv",  # 常态化 before 巡查
    "讲解员周考核.csv",  # a weekly 考核: 周 + a FOLLOWS word is no name
    "护林员管护面积",  # a heading: the area a ranger looks after
    "村长管辖范围",  # a heading after a new title: 管辖 is a word
    "网格员巡查日志.csv",  # 巡查: a record word, no name
    "网格员周报.csv",  # 周报: a weekly report
    "司机花名册.csv",  # a roster after a new title
    "教师满意度调查.csv",  # 满意度 is a word
    "民警工作日志.csv",  # 工作日志: a record word after a title
    "申请人姓名",  # a heading of the recognizer's own
    "户主杨梅种植.csv",  # a crop (R15k-6): 杨梅 before words no list holds is the fruit
    "确保安全生产.csv",  # 保安 inside 确保安全 is no role: 全生产 no name
    "会计师事务所.csv",  # an accounting firm: 师事 no name after 会计
    "司机班.csv",  # a drivers' pool: no name opens with a title (as 房东曹)
    "司机安全培训.csv",  # 安全 after a title
    "院长查房.csv",  # a ward round: 查房 is a word
]


@pytest.mark.parametrize(("path", "shown"), MASKED)
def test_a_name_after_a_role_word_is_masked_whatever_follows(path: str, shown: str) -> None:
    assert mask_person_names(f"/data/{path}") == f"/data/{shown}"


@pytest.mark.parametrize("path", KEPT)
def test_words_after_a_role_word_stay_shown(path: str) -> None:
    assert mask_person_names(f"/data/{path}") == f"/data/{path}"


def test_a_scan_of_files_named_after_workers_shows_no_name(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """R15k-2's scan (mkfiles.sh): the listing, the -o inventory and the saved results' names and
    contents hold none of the names the file names carry."""
    folder = tmp_path / "fn"
    folder.mkdir()
    roster = f"姓名,身份证号码,联系电话\n张三,{NUMBERS[0]},{PHONES[0]}\n李四,{NUMBERS[1]},{PHONES[1]}\n"
    for name in ("护林员彭丽巡护日志", "村书记周国平讲话稿", "村长王建国讲话", "会计刘敏记账凭证"):
        (folder / f"{name}.csv").write_text(roster, encoding="utf-8")
    monkeypatch.setenv("GOVSOC_HOME", str(tmp_path / "home"))
    output = tmp_path / "out.json"
    assert main(["classify", str(folder), "-o", str(output)]) == 0
    texts = [*capsys.readouterr(), output.read_text(encoding="utf-8")]
    texts += [f"{p.name}\n{p.read_text(encoding='utf-8')}" for p in (tmp_path / "home" / RESULTS_SUBDIR).iterdir()]
    assert "护林员彭**巡护日志" in texts[0]  # the file listed, its name masked
    assert [n for n in ("彭丽", "周国平", "王建国", "刘敏") if n in "".join(texts)] == []
