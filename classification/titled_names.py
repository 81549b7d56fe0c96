"""A person's name BEFORE the title or office it holds, in file, sheet and table names (stage:
classification; PIPL art. 51 display, issue 15 review R15n-10).

Officials' and staff's files put the name first, the standard order of a government document
(GB/T 9704 titles, 《党政机关公文处理工作条例》): 李明局长讲话, 周海涛主任讲话稿, 孙志强校长致辞,
刘敏会计记账凭证, 王芳医生门诊排班, and an appointment names the person between its verb and 为
(关于任命王建国为村委会主任的通知). identifier_names reads a name before a FOLLOWS word or the run's
end; these say where a title or an appointment's 为 ends it too. The longest name before a title
is taken (王建国村长: 王建国, not 王建 + 国村长), so no given-name character is shown."""

from __future__ import annotations

from typing import Final

from govsoc.classification.role_titles import ROLE_TITLES

__all__ = ["APPOINTMENT_DOCUMENTS", "APPOINTS", "FORMS", "STAFF", "TEMPLATE_WORDS", "TITLES_AFTER",
           "document_word_at", "name_before_title"]

#: Titles a name stands before (李明局长, 张建华书记, 周海涛主任, 王建国同志): the offices and trades
#: of role_titles and the offices a ROLE_SHAPES word ends, each also after 副 (李明副局长).
TITLES_AFTER: Final = (*ROLE_TITLES, "书记", "主任", "干部", "委员", "主管", "经理", "主编", "代表")
#: Staff and cadres a name stands before (彭丽护林员巡护日志, 黄晓东驻村干部): listed, since a word
#: merely ending in 员 may run on from the name's last character (公益岗 + 位人员 is no name and title).
STAFF: Final = ("护林员", "网格员", "协管员", "保洁员", "驾驶员", "调解员", "信息员", "联络员", "宣传员",
                "安全员", "管理员", "讲解员", "护理员", "监督员", "指导员", "辅导员", "巡河员", "巡查员",
                "专管员", "统计员", "营业员", "收银员", "快递员", "保育员", "通讯员", "书记员", "审判员",
                "陪审员", "监察员", "公务员", "村干部", "驻村干部", "乡干部")
#: The appointment's document, which names its person whatever follows the name (任命书王建国谈话记录,
#: 聘书李明公示: R15q-11, R15r-6).
APPOINTMENT_DOCUMENTS: Final = ("任命书", "任命状", "聘书", "聘任书", "聘用书")
#: Verbs of appointment and removal that a name follows, and 为 ends (任命王建国为…, 聘任李明为…):
#: 《党政领导干部选拔任用工作条例》's notices.
APPOINTS: Final = ("任命", "任免", "聘任", "聘用", "提名", "推荐", "推选", "选举", "委任", "任用", "免去",
                   # a notice before the appointment (关于拟任王建国为副县长的通知: R15q-12)
                   "拟任", "拟任命", "拟聘任", "拟聘用", "拟提名", "拟推荐", "提拔", "拟提拔",
                   *APPOINTMENT_DOCUMENTS)
#: Forms a cadre's or a case's file names before its person (干部任免审批表王建国.docx, 登记表李明: R15q-12): a
#: name may follow one, ending the run or before a FOLLOWS word, as after a LEADS word.
FORMS: Final = ("审批表", "登记表", "申请表", "备案表", "考察表", "考核表", "鉴定表", "呈报表", "推荐表", "任免表")
#: What a form's file names after the form when it is a model to copy, not a person's (鉴定表范例.docx, 申请表范本,
#: 考察表常用语): 范 and 常 are surnames, and 范例, 常用语 were read as names after a form (R15ah-4). Only where the
#: word ends the run: 鉴定表范例芳 is a form and its person.
TEMPLATE_WORDS: Final = ("范本", "范例", "样本", "样表", "模板", "模版", "常用语", "评语", "填写说明",
                         "填表说明", "示例")  # not 范文: a name in use (范 + 文; RR15aj-7), masked, the lesser error
#: Words that qualify a title and read as names (常 + 务, 纪 + 检): before a title they are no one
#: (常务副县长讲话, 纪检委员), though elsewhere the name reader keeps them (纪检王建国谈话记录: R15o-5).
_QUALIFIERS: Final = frozenset({"常务", "纪检", "执行", "分管", "专职", "兼职", "首席"})


def _title_at(rest: str) -> bool:
    """Whether ``rest`` (what follows a name) opens with a title or a staff word, also after 副."""
    rest = rest[2:] if rest[:2] in _QUALIFIERS else rest  # 张伟 + 常务副县长 (R15q-12)
    rest = rest[1:] if rest.startswith("副") else rest
    return rest.startswith(TITLES_AFTER) or rest.startswith(STAFF)


def name_before_title(run: str, start: int, names: list[int]) -> int:
    """The length of the name at ``start`` of ``run`` that a title follows, or 为 after a verb of
    appointment (0 for none): the longest of ``names`` (lengths of person names there), since a
    shorter one would leave the given name's last character in clear (王建 + 国村长)."""
    appointed = run[:start].endswith(APPOINTS)
    for length in reversed(names):
        rest, name = run[start + length:], run[start:start + length]
        if name in _QUALIFIERS or name.endswith("副"):  # 李明副 + 局长: the name is 李明
            continue
        if _title_at(rest) or (appointed and rest.startswith("为")):
            return length
    return 0


def document_word_at(run: str, start: int) -> int:
    """The length of a document's word at ``start`` of ``run`` that opens no name (0 for none): a model's word
    ending the run right after a form (鉴定表范例, 考察表常用语). Not an appointment's step (任前谈话): read as no
    name, it dropped the readings that masked names glued to it (任前谈话王 芳, 任前谈话常年王  芳: RR15ak-1/-3);
    任前谈话.docx is masked 任**谈话, the lesser error."""
    if not run[:start].endswith(FORMS):
        return 0
    return next((len(w) for w in TEMPLATE_WORDS if run.endswith(w) and len(run) - len(w) == start), 0)
