"""Values a label names in free text though no ``key=value`` shape sets them off (stage:
classification; PIPL art. 51, GB/T 35273-2020 §6.2 display masking; shared/reference/classification.md
§8; used by govsoc.classification.free_text): coordinates after 经度/坐标, a QQ number after QQ or
扣扣, a birth date before 出生 or after 生日, a passport after its English label and a blank, a
landline run together after tel/phone, a name before its sex (张三，男), a WeChat id after 微信/vx,
and a sole trader's (个体工商户) credit code after its label (GB 32100 §4).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping
from typing import Final

from govsoc.classification.han import HAN
from govsoc.classification.masking import mask
from govsoc.classification.recognizer import Match, Recognizer
from govsoc.classification.spans import Spans
from govsoc.classification.structured_values import account_hit

__all__ = ["WECHAT", "labelled_hits", "sole_trader_codes"]

_DATE: Final = r"(?:19|20)\d{2}(?:[-/.年]\d{1,2}[-/.月]\d{1,2}日?|\d{4})"
#: A value a label names though no ``key=value`` shape sets it off (R15d-27): the label runs into
#: the value (``经度120.155070``), or stands after it (``1990年1月1日出生``, ``1990年1月1日生，``).
#: The value is read with that recognizer's context (a date after 出生 is a birth date).
_LABELLED: Final = (
    (re.compile(r"(?:经纬度|经度|纬度|坐标|定位)[ \t:：=为]*(?P<v>-?\d{1,3}\.\d{4,}"
                r"(?:[ \t]*[,，/ ][ \t]*-?\d{1,3}\.\d{4,})?)(?![0-9.])"), "gps"),
    # a QQ number after its ASCII label and a blank (QQ 12345678): free_text's keys take Chinese labels only
    # … and its spoken names 扣扣, 企鹅 (R15f-32)
    (re.compile(r"(?:(?<![A-Za-z])QQ|扣扣|企鹅)(?:号码|号)?[ \t:：=]*(?P<v>[1-9]\d{4,10})(?![0-9])", re.IGNORECASE),
     "cn_qq"),
    (re.compile(r"(?:出生日期|出生于|出生|生日|生于)[ \t:：=为是]*(?P<v>" + _DATE + ")(?![0-9])"), "cn_birth_date"),
    (re.compile(r"(?<![0-9])(?P<v>" + _DATE + r")[ \t]*(?:出生|生人|生(?=[，,。；;、)）\s]|$))"), "cn_birth_date"),
    # a passport number after its English label and a blank (passport E12345678, Passport No. E12345678),
    # which free_text's key pattern takes from a key set off by '=' or ':' only (RRR15av-8)
    (re.compile(r"(?<![A-Za-z])passport(?:[ \t]*(?:no\.?|number|#))?[ \t:：=#]*(?P<v>[A-Za-z0-9]{8,9})(?![A-Za-z0-9])",
                re.IGNORECASE), "cn_passport"),
    # a landline run together after its English label and a blank (phone 057188881234; written with
    # its area code set off it is found without one)
    (re.compile(r"(?<![A-Za-z])(?:tel|phone|telephone)(?:[ \t]*(?:no\.?|number|#))?[ \t:：=#]*"
                r"(?P<v>0\d{9,11})(?![0-9])", re.IGNORECASE), "cn_landline"),
    # a person's record as a profile writes it: the name, then the sex alone (张三，男，汉族)
    (re.compile(rf"(?<!{HAN})(?P<v>{HAN}{{2,4}})[，,、 ][ \t]*[男女](?=[，,、。；; ])"),
     "cn_person_name"),
)
#: A WeChat id (6-20 letters, digits, '-', '_', a letter first) after the names text gives WeChat:
#: 微信(号), V信, and vx/wx/wechat set off by a colon or a blank (wxWidgets is no label; R15f-32).
WECHAT: Final = re.compile(r"(?:(?<![A-Za-z])(?:vx|wx|wechat)(?:[ \t]*[:：=][ \t]*|[ \t]+)|(?<![A-Za-z])v信[ \t:：=]*"
                           r"|微信(?:账号|号)?[ \t:：=]*)(?P<v>[A-Za-z][-_A-Za-z0-9]{5,19})(?![-_A-Za-z0-9])",
                           re.IGNORECASE)
#: A sole trader's (个体工商户) credit code after its label, glued on or not: GB 32100 §4 puts the
#: registering office (9 = 工商) and the kind (2 = 个体工商户) first. Other credit codes are an
#: organisation's, public (mask rule "public"); this one names a natural person (R15e-20).
#: A 个体工商户's licence names the same code 营业执照号 or 注册号 (R15f-32).
_SOLE_TRADER: Final = re.compile(r"(?:统一社会信用代码|社会信用代码|信用代码|营业执照号码|营业执照号|营业执照|执照号"
                                 r"|注册号)[ \t:：=]*"
                                 r"(?P<v>92\d{6}[0-9A-HJ-NPQRTUWXY]{10})(?![0-9A-Za-z])")


def labelled_hits(text: str, keyed: Mapping[str, Recognizer], taken: Spans) -> list[Match]:
    """Values named by a label they are not set off from (_LABELLED), each read by the recognizer
    of ``keyed`` its label names, with context, and WeChat ids; none overlapping ``taken`` or an
    earlier one (each kept is added to ``taken``)."""
    out: list[Match] = []
    for pattern, kind in _LABELLED:
        for m in pattern.finditer(text):
            start = m.start("v")
            for hit in keyed[kind].find(m.group("v"), context=True):
                s, e = start + hit.start, start + hit.end
                if taken.free(s, e):
                    taken.keep(out, dataclasses.replace(hit, start=s, end=e))
    for m in WECHAT.finditer(text):
        if taken.free(m.start("v"), m.end("v")):
            taken.keep(out, account_hit("微信", m.group("v"), m.start("v")))
    return out


def sole_trader_codes(text: str) -> Iterable[Match]:
    """The credit codes of sole traders in ``text``, after their label (_SOLE_TRADER)."""
    for m in _SOLE_TRADER.finditer(text):
        yield Match(recognizer="cn_uscc", start=m.start("v"), end=m.end("v"), masked=mask("document", m.group("v")),
                    score=0.5, reason="统一社会信用代码 of a 个体工商户 (a natural person), after its label")
