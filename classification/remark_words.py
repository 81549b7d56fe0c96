"""Words a remark opens with after its role or ward word, where the name reader would see a name, and
the words it writes right after the person it names
(stage: classification; PIPL art. 51 display, GB/T 35273-2020 §6.2; issue 15 reviews R15o-1, R15ah-1,
R15ah-4).

A remark (备注, 情况说明, a log line) writes what it says of a household, a pupil or a parent right
after the role word: 户主符合条件, 学生应该遵守校规, 家长那些意见. Many such words open with a surname
character (符, 应, 那), so the name reader takes their first characters for a name (符合条, 应该遵).
Two tables say which:

- :data:`REMARK_OPENERS`: words that open few names (尚未, 应该, 那些): the cell counter reads no name at one;
  of them NO_NAME_OPENERS (应该, 那些) open none, and no surface reads a name there.
- :data:`REMARK_PHRASES`: a remark's opening words whose first word opens real names too, with the
  word after it: 来自 (来自强), 成为 (成为民), 任何 (任何平), 管理 (管理华) open names in use, so they are no
  REMARK_OPENERS (R15ah-1: dropping them graded a column of 户主来自强 remarks 1级, not 2级), but 来自全国,
  成为合格, 任何时候 open no name (学生来自全国各地 was shown 学生来**国各地, R15ah-4). Only the whole phrase
  is read so: 学生来自强成绩优秀 is a pupil and his name.

role_names reads them for both the free-text masker and the cell counter (cell_names), so a remark
is read the same way on both surfaces. :data:`AFTER_PERSON` and :data:`TIES` are what a remark writes
right after a name (核实, 反映, 已去世): after an office's word only these say the run before is a person
(cell_names).
"""

from __future__ import annotations

from typing import Final

__all__ = ["AFTER_PERSON", "NO_NAME_OPENERS", "REMARK_OPENERS", "REMARK_PHRASES", "SIGN_OFFS", "TIES", "opens_remark"]

#: Ordinary words that open what a remark says after its role word and open no name in use: adverbs and
#: modal words (尚未, 明显, 容易, 迟迟), verbs of a case's rules (符合, 支持, 包括), the commonest nouns of a
#: village register (全家, 林地, 庄稼, 农机) and function words (那些, 都是, 应该, 都有, 但是: 学生那些论坛, R15q-5).
#: Words that open names in use are left out (白天明, 南方, 查明华, 凌晨阳): a name dropped is the worse error.
REMARK_OPENERS: Final = tuple("""
    尚未 尚在 尚能 尚无 尚有 明显 明确 容易 迟迟 宁愿 乐于 强烈 全部 全家 全天 全年 单独 单身 平时
    平稳 经常 时常 计划 连续 相互 尤其 应该 应当 原来 严重 满意 满足 符合 支持 包括 商量 谈心 解决 保证
    申报 安排 安置 和睦 温饱 乔迁 海外 门口 皮肤 左腿 左眼 车祸 房租 林地 田地 田亩 庄稼 黄牛 农机
    农业 高标准 夏粮 秋粮 施肥 储蓄 季节 季节性 柴火 苗木 谷物 费用 花费 丰收 支出
    那些 那么 那个 都是 都有 国内 公司 谢谢 但是
""".split())
#: A remark's opening phrases whose first word opens names in use (see the module docstring): the verb or
#: pronoun and the word after it, as remarks and documents write them.
REMARK_PHRASES: Final = tuple("""
    来自全国 来自各地 来自农村 来自城市 来自城镇 来自外地 来自外省 来自本地 来自本市 来自本县 来自不同 来自贫困 来自单亲
    来自五湖四海 来自于 成为合格 成为一名 成为一个 成为优秀 成为社会 成为国家 成为新时代 成为了 任何时候 任何人 任何一
    任何形式 任何理由 任何单位 任何个人 任何情况 任何地方 任何事 管理规定 管理制度 管理办法 管理工作 管理人员 管理措施
    管理要求 查看详情 查看附件 查看原文 查看更多
""".split())
#: What a remark writes right after the person it names (R15k-6): case work's acts (经办人张建国核实,
#: 网格员陈丽走访, 村干部韩伟陪同), the named person's state or life event (李秀英入住敬老院, 王桂兰已去世,
#: 孙志强二级). With :data:`TIES` the words by which a name is said of a person.
AFTER_PERSON: Final = (
    "核实", "核查", "核验", "走访", "陪同", "上门", "入户", "随访", "签字", "签名", "签收", "确认", "办理",
    "代办", "代领", "申请", "来访", "来电", "反映", "帮扶", "联系", "监护", "赡养", "抚养", "照料", "入住",
    "卧床", "残疾", "患病", "患有", "身患", "无业", "务工", "务农", "外出", "在外", "去世", "病故", "死亡",
    "离婚", "结婚", "丧偶", "就读", "上学", "居住", "生活", "住院", "服刑", "戒毒", "一级", "二级", "三级",
    "四级", "夫妇", "之子", "之女", "本人")
#: What a sign-off writes after the name of the officer or worker who signs (村长王建国签字确认, 会计刘敏经手,
#: 司机张强出车, 医生黄国平诊断: R15n-18): the name ends there (刘敏 + 经手, not 刘敏经 + 手).
SIGN_OFFS: Final = ("经手", "经办", "出车", "处置", "处理", "同意", "审核", "审批", "审签", "批准", "诊断", "家访",
                    "巡护", "巡查", "巡河", "巡林", "值班", "接待", "受理", "调解", "复核", "负责", "填报", "记录",
                    "随访", "走访", "核实", "核查", "陪同", "上门", "入户", "确认", "办理")
#: Characters tying a name to what a remark says of the person (王桂兰已去世, 周海涛因病, 罗欣怡由姑姑抚养).
TIES: Final = ("已", "因", "由", "系", "的", "等", "与", "和", "及", "现", "在")
#: REMARK_OPENERS words that open no name at all, read so on every surface (学生应该遵守校规, 家长应该配合学校,
#: R15ah-4). The others (时常, 全家, 尚有, 原来, 严重) open names too (时常青, 全家豪, 尚有才, 原来福, 严重庆): only
#: the cell counter drops them (cell_names, counted the lesser error there, R15o-1); a remark shown is masked
#: there, the lesser error (RR15aj-2, HIGH: 0 of 18 such names masked in free text and file names).
NO_NAME_OPENERS: Final = frozenset({"应该", "应当", "那些", "那么", "那个", "但是", "谢谢"})


def opens_remark(text: str, start: int, end: int) -> bool:
    """Whether the name read at ``start:end`` of ``text`` (after a role word) is a remark's opening words,
    no name: its first two characters are one of NO_NAME_OPENERS, or one of REMARK_PHRASES opens it."""
    return text[start:start + 2] in NO_NAME_OPENERS or text.startswith(REMARK_PHRASES, start)
