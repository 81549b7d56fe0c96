"""The reasons classification gives for a column's decision (classification.columns), in Chinese.

``govsoc classify`` saves each decision's reason in English ("600 of 600 sampled values (100.0%)
are validated (check character) 居民身份证号 resident ID number; the name 'sfzh' says so"); the
Chinese inventory chapter shows it in Chinese through this table of the reason's shapes. A reason
of another shape (a newer classifier's, a hand-edited file) is shown as it is.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Final

__all__ = ["reason_in_chinese"]

_KINDS: Final = {"validated (check character)": "经校验位验证为", "matching, with the column name as context,":
                 "结合字段名匹配为", "matching": "匹配为"}
_NAMED: Final = {"says so": "表明为此类数据", "may say so": "可能表明为此类数据"}
_WHY: Final = {"no values sampled": "未抽到值",
               "values are hashed or encoded (pseudonymised?)": "值经哈希或编码（已假名化？）"}
_SUFFIXES: Final = (
    (re.compile(r"; holder under 14 \(PIPL art\. 28\)"), "；持有人未满14周岁（个人信息保护法第二十八条）"),
    (re.compile(r"; the heading '(.*)' is one of them \(no header row\?\)"), "；表头“{0}”本身就是此类值（无表头行？）"),
    # classification.columns._Checks: the check characters against chance (F15n)
    (re.compile(r"; (\d+) of the (\d+) distinct numbers of its form keep only (\d+) significant digits, so their "
                r"check characters are lost \((\d+) of the \d+ distinct numbers of its form pass its check\)"),
     "；形式相符的 {1} 个不同号码中 {0} 个只保留 {2} 位有效数字，校验位已丢失（{3} 个通过校验）"),
    (re.compile(r"; (\d+) of the (\d+) distinct numbers of its form pass its check \(by chance 1 in (\d+)\)"),
     "；形式相符的 {1} 个不同号码中 {0} 个通过校验（偶然通过约为 1/{2}）"),
)


def _entity(text: str) -> str:
    """The Chinese half of a recognizer's entity ("居民身份证号 resident ID number")."""
    head = text.split(" ", 1)[0]
    return head if not head.isascii() else text


def _tagged(m: re.Match[str]) -> str:
    said = f"；字段名“{m['name']}”{_NAMED[m['how']]}" if m["name"] is not None else ""
    return f"抽样 {m['n']} 个值中 {m['hits']} 个（{m['pct']}）{_KINDS[m['kind']]}{_entity(m['entity'])}{said}"


_SHAPES: Final[tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...]] = (
    (re.compile(r"(?P<hits>\d+) of (?P<n>\d+) sampled values \((?P<pct>[\d.]+%)\) are "
                r"(?P<kind>validated \(check character\)|matching, with the column name as context,|matching) "
                r"(?P<entity>.+?)(?:; the name '(?P<name>.*)' (?P<how>says so|may say so))?"), _tagged),
    (re.compile(r"(?P<hits>\d+) of (?P<n>\d+) sampled values \((?P<pct>[\d.]+%)\) are (?P<entity>.+?) with the "
                r"digits after the (?P<sig>\d+)th lost \(stored as spreadsheet numbers\?\)"
                r"(?:; the name '(?P<name>.*)' (?P<how>says so|may say so))?"),
     lambda m: (f"抽样 {m['n']} 个值中 {m['hits']} 个（{m['pct']}）为{_entity(m['entity'])}，第 {m['sig']} 位之后的数字"
                "已丢失（以电子表格数字保存？）" + (f"；字段名“{m['name']}”{_NAMED[m['how']]}" if m["name"] else ""))),
    (re.compile(r"no recognizer reached its threshold on (?P<n>\d+) sampled values"),
     lambda m: f"抽样 {m['n']} 个值，没有识别器达到阈值"),
    (re.compile(r"name '(?P<name>.*)' names (?P<entity>.+?), (?P<why>no values sampled|values are hashed or "
                r"encoded \(pseudonymised\?\)): review"),
     lambda m: f"字段名“{m['name']}”指向{_entity(m['entity'])}，{_WHY[m['why']]}：需人工复核"),
)


def reason_in_chinese(reason: str) -> str:
    """``reason`` in Chinese when it has one of the shapes classification writes, else as it is."""
    text, tail = reason, ""
    for pattern, words in _SUFFIXES:
        found = pattern.search(text)
        if found:
            text = text[:found.start()] + text[found.end():]
            tail += words.format(*found.groups())
    for pattern, build in _SHAPES:
        m = pattern.fullmatch(text)
        if m:
            return build(m) + tail
    return reason
