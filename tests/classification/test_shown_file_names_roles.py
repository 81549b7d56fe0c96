"""Role words in file names, as the listing, the inventory and the saved result's name show them
(issue 15 reviews R15j-8, R15j-25): the words after a role word that are no name are shown as they
are (临时救助金发放.csv was 临时救助金**.csv, adcb20a), and a name after a role word is masked, the
role word kept whole (驻村干部黄晓东.csv was 驻村干****.csv)."""

from __future__ import annotations

from pathlib import Path

import pytest

from govsoc.classification.columns import ColumnClassifier
from govsoc.classification.inventory import RESULTS_SUBDIR
from govsoc.classification.shown_names import ShownNames
from govsoc.cli import main
from tests.classification.test_source_json import NUMBERS
from tests.classification.test_sources import PHONES

#: file names of 民政 and 网格 registers with no one's name in them (R15j-8)
KEPT = [
    "临时救助金发放.csv",  # 救助金 is the benefit: 金 + 发放 is no name
    "临时救助金申请.csv",  # the same with 申请, which was shown as the 发放 list's twin
    "医疗救助金申请.csv",  # the same after 医疗救助
    "临时救助金审批.csv",  # 审批 follows names in file names: no given name
    "孤寡老人安置点.csv",  # 安置点 opens with the file word 安置
    "网格员包联户.csv",  # 包联户: the households a grid worker answers for
    "上访户包保责任.csv",  # 包保责任: a petition case's duty
    "岳父母赡养.csv",  # 赡养 (support of the in-laws) after 母, no given name
]
#: (file name, as shown): adcb20a's names after a role word stay masked, the role kept whole
MASKED = [
    ("吸毒人员赵建军.csv", "吸毒人员赵**.csv"),  # adcb20a's own case
    ("房东曹国强.csv", "房东曹**.csv"),  # adcb20a: a name never opens with a role word
    ("网格员张建国.csv", "网格员张**.csv"),  # a grid worker named
    ("驻村干部黄晓东.csv", "驻村干部黄**.csv"),  # was 驻村干****: 干部黄 read as a name after 村
    ("包村干部高志明.csv", "包村干部高**.csv"),  # the same with 包村
    # R15j-25: roles of every village's file set, in no list: known by their shape (…人, …员, 村书记 ...)
    ("入户调查人刘桂英.csv", "入户调查人刘**.csv"),  # the 低保 household survey's signer
    ("复核人陈志强.csv", "复核人陈**.csv"),  # the 复核 of 最低生活保障审核确认办法
    ("村书记周国平.csv", "村书记周**.csv"),  # …书记
    ("村主任孙海燕.csv", "村主任孙**.csv"),  # …主任
    ("帮扶责任人何建华.csv", "帮扶责任人何**.csv"),  # …责任人
    ("结对帮扶人马丽.csv", "结对帮扶人马**.csv"),  # a two-character name after …人
    ("公益岗位人员吴国平.csv", "公益岗位人员吴**.csv"),  # …人员
    ("残疾人专职委员林小红.csv", "残疾人专职委员林**.csv"),  # …委员
    ("协管员邓静.csv", "协管员邓**.csv"),  # …员
    ("调解员韩伟.csv", "调解员韩**.csv"),  # the same
    ("护林员彭丽.csv", "护林员彭**.csv"),  # the same
    ("保洁员冯丽.csv", "保洁员冯**.csv"),  # the same
    # R15j-15: a 审批表's sign-off labels, kept as field names, with the signer glued in
    ("入户调查人张建国意见", "入户调查人张**意见"),  # …人 then 意见
    ("核查人赵丽娟意见", "核查人赵**意见"),  # the same with 核查人
    ("村委会主任孙海燕意见", "村委会主任孙**意见"),  # …主任 then 意见
    ("评议人黄晓东意见", "评议人黄**意见"),  # 民主评议's signer
    ("见证人马丽意见", "见证人马**意见"),  # was 见证人马**见: the sign-off word cut
]
#: words after a role-shaped word, which are no name (a role's shape must not mask them)
KEPT += [
    "驻村干部任免.csv",  # 任免 follows names in file names: a word, not 任 + a given name
    "管理员权限.csv",  # 权限: an ordinary word opening with the surname 权
    "信访人员石门.csv",  # 石门: a county written without its unit
    "护林员考核.csv",  # 考核 follows names: no name
    "工作人员名单.csv",  # a word's list after …人员
    "责任人包片.csv",  # 包片: the area a 责任人 answers for, after …人
]
#: R15k-1: a role's duty or record after a role-shaped word, a word opening with a surname (bc4ebdb
#: masked them as a surname and a given name)
KEPT += [
    "公职人员廉政档案.csv",  # 廉政 before 档案 was 廉** (a TAILS word after it)
    "驾驶员周检.csv",  # a weekly check
    "护理员周排班.csv",  # a weekly roster
    "支部书记金句.csv",  # quotations, after …书记
    "科员周记.csv",  # a weekly diary
    "人员周转.csv",  # staff turnover after 人员 alone
    "对象范围.csv",  # the scope of 对象
    "护林员安全帽发放.csv",  # helmets handed out: 安全帽 + 发放 was 安** + 发放
    "检查员严查.csv",  # a crackdown
    "宣传员黄标车.csv",  # a high-emission vehicle (黄标车)
    "调解员胡同.csv",  # an alley
    "安全员任务.csv",  # duties
    "主任信箱.csv",  # the director's mailbox, after 主任 alone
    "书记信箱.csv",  # the same after 书记
    "发起人宣言.csv",  # a founders' declaration
    "书记员金句.csv",  # the clerk's quotations
    "讲解员解说词.csv",  # a guide's script
    "村书记周例会.csv",  # a weekly meeting
    # a word before one of those words is no name either (宣传片 was 宣** before 解说词)
    "宣传片解说词.csv",  # a promotional film's script
    "支付宝周转.csv",  # turnover through a payment service
]
MASKED += [
    # R15k-1's words after a name end the name as a FOLLOWS word does: the name masked, the word shown
    ("讲解员李娜解说词.csv", "讲解员李**解说词.csv"),  # was 讲解员李**解**: the word masked as a second name
    ("公职人员王小明廉政档案.csv", "公职人员王**廉政档案.csv"),  # was 公职人员王**廉**档案
    ("护理员彭丽周排班.csv", "护理员彭**周排班.csv"),  # was 护理员彭**周**
]


@pytest.fixture(scope="module")
def names() -> ShownNames:
    return ShownNames(ColumnClassifier())


@pytest.mark.parametrize("path", KEPT)
def test_words_after_a_role_word_are_shown(names: ShownNames, path: str) -> None:
    assert names.place(f"/data/{path}") == f"/data/{path}"


@pytest.mark.parametrize(("path", "shown"), MASKED)
def test_a_name_after_a_role_word_is_masked(names: ShownNames, path: str, shown: str) -> None:
    assert names.place(f"/data/{path}") == f"/data/{shown}"


def test_the_inventory_and_the_saved_result_mask_signers_and_named_files(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """R15j-15, R15j-25: `govsoc classify -o` of a 审批表 and of a file named after a 入户调查人: no
    signer's name in the listing, the -o inventory, the saved result or the saved result's name."""
    signers = ["张建国", "刘桂英", "陈志强", "孙海燕", "黄晓东"]
    roles = ["入户调查人", "复核人", "村委会主任", "评议人", "见证人"]
    form = tmp_path / "p" / "审批表.csv"
    form.parent.mkdir()
    signed = "".join(f"{role}{name}意见,同意,日期,2024-05-01\n" for role, name in zip(roles, signers, strict=True))
    form.write_text(f"姓名,王小明,性别,男\n身份证号码,{NUMBERS[0]},联系电话,{PHONES[0]}\n{signed}", encoding="utf-8")
    (tmp_path / "p" / "入户调查人刘桂英.csv").write_text("序号,项目,金额\n1,办公用品,100\n", encoding="utf-8")
    monkeypatch.setenv("GOVSOC_HOME", str(tmp_path / "home"))
    for source in (form.parent, form.parent / "入户调查人刘桂英.csv"):
        output = tmp_path / "out.json"
        assert main(["classify", str(source), "-o", str(output)]) == 0
        texts = [*capsys.readouterr(), output.read_text(encoding="utf-8")]
        texts += [f"{p.name}\n{p.read_text(encoding='utf-8')}" for p in (tmp_path / "home" / RESULTS_SUBDIR).iterdir()]
        assert "入户调查人刘**" in texts[-1]  # the file named, masked, in what is saved
        assert [n for n in signers if n in "".join(texts)] == []
