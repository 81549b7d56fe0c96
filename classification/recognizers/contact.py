"""Contact data (stage: classification; reference §5.4): mobile and landline numbers, e-mail,
QQ numbers (context only)."""

from __future__ import annotations

import re
from typing import Final

from govsoc.classification.cn_codes import MOBILE_PREFIXES
from govsoc.classification.recognizer import (
    NOT_AFTER,
    NOT_BEFORE,
    NUMBER_AFTER,
    NUMBER_BEFORE,
    Pattern,
    Recognizer,
    register,
)

__all__ = ["MobileRecognizer", "LandlineRecognizer", "EmailRecognizer", "QqRecognizer"]

#: File and package names that look like e-mail addresses (icon@2x.png, pkg@1.2.3 has no TLD).
_NOT_TLDS: Final = frozenset({"PNG", "JPG", "JPEG", "GIF", "SVG", "JS", "CSS", "PY", "TS", "WEBP", "ICO", "MAP",
                              "JSON", "XML", "HTML", "LOCAL", "LOCALDOMAIN", "INTERNAL", "LAN"})


#: A run of exactly 11 digits (a number written without separators), 13 ('+86' before it) or 15
#: ('0086'), between any two characters that are neither digits nor letters, or a value's edges.
_EDGES: Final = ("^", "$", "s", "x", ".", "@", ":")
_DIGIT_RUNS: Final = tuple(f"{left}{'0' * n}{right}" for n in (11, 13, 15) for left in _EDGES[0:1] + _EDGES[2:]
                           for right in _EDGES[1:])


@register("cn_mobile")
class MobileRecognizer(Recognizer):
    """手机号: 11 digits in an allocated segment, optionally +86 and 3-4-4 separators."""

    SHAPES = ("0" * 11, "000s0000")

    entity = "手机号 mobile number"
    category = "个人基本资料"
    level = "G3"
    mask_rule = "mobile"
    TRIGGER = r"1[3-9]\d[- ]?\d{4}"
    STRIP = " -+"
    PATTERNS = (Pattern("11-digit mobile",
                        NUMBER_BEFORE + r"(?:(?:\+|00)86[- ]?)?1[3-9]\d(?:[- ]?\d{4}){2}" + NUMBER_AFTER, 0.6,
                        shapes=(SHAPES[1], *_DIGIT_RUNS)),)
    #: with the traditional forms (手機, 聯絡電話 and 聯繫電話, 行動電話 and 移動電話, 電話): the record words are
    #: listed in both (單號, 訂單號), and a traditional name holding one and a phone word was never the phone's
    #: (單號電話 suspected: RRR15bd-7); not 號碼, as not 号码 (RRR15bd-3)
    CONTEXT = ("sjhm", "sjh", "shouji", "shoujihao", "lxdh", "mobile", "phone", "tel", "cellphone", "telephone",
               "手机", "联系电话", "移动电话", "电话", "手機", "聯絡電話", "聯繫電話", "行動電話", "移動電話", "電話")
    #: dh (电话 or 单号: reference §7.3); phone numbers' other names and initials, each also said of other numbers
    #: (contact of an e-mail), which a record word beside them does not outweigh (RRR15az-1): dhhm 电话号码, yddh
    #: 移动电话, lxrdh 联系人电话, lxhm 联系号码, lxfs 联系方式. Not 号码 alone, said of every number (QQ号码,
    #: 订单号码: RRR15bd-3, RRR15bd-4)
    WEAK_CONTEXT = ("dh", "dhhm", "yddh", "lxrdh", "lxhm", "lxfs", "contact", "联系方式")
    #: 11-digit order numbers begin as mobiles do (1[3-9]): a column of them under 单号 is suspected (R15at-9)
    RECORD_FORM = True

    def validate(self, candidate: str) -> str | None:
        """The three-digit segment is allocated to a mobile network."""
        number = candidate[-11:]
        if len(candidate) not in (11, 13, 15) or number[:3] not in MOBILE_PREFIXES:
            return None
        return f"allocated mobile segment {number[:3]}"


@register("cn_landline")
class LandlineRecognizer(Recognizer):
    """固定电话: area code (010, 02x, 0xxx) + 7 or 8 digits, optional extension."""

    # local numbers are also written in groups: 010 6552 9988, (0571) 8888-6666, 0755-888 6666
    SHAPES = ("0000000", "000s0000")

    entity = "固定电话 landline number"
    category = "个人基本资料"
    level = "G2"
    mask_rule = "landline"
    TRIGGER = r"0\d{2,3}\)?[- ]?[2-9]\d{5}"
    STRIP = "()"
    PATTERNS = (
        Pattern("(area code) number or area code-number",
                # not one group of a longer run of groups (2020-0609-2357-1500, card 6226 0938 7892 2064)
                NOT_BEFORE + r"(?<![0-9][- ])(?:\(0\d{2,3}\) ?|0\d{2,3}[- ])[2-9](?:\d{6,7}|\d{2,3}[- ]\d{4})"
                r"(?:-\d{1,6})?" + NOT_AFTER + r"(?![- ][0-9])", 0.4),
        # 11-12 digits starting with 0 without a separator are as often invoice codes (发票代码)
        # and order numbers: only in a column named for phones
        Pattern("area code and number run together", NOT_BEFORE + r"0\d{2,3}[2-9]\d{6,7}" + NOT_AFTER, 0.3,
                context_only=True),
    )
    CONTEXT = ("gddh", "lxdh", "phone", "tel", "telephone", "fax", "座机", "固定电话", "联系电话", "电话", "传真",
               "座機", "固定電話", "聯絡電話", "聯繫電話", "電話", "傳真")  # traditional (RRR15bd-7)
    WEAK_CONTEXT = ("dh",)

    def validate(self, candidate: str) -> str | None:
        """An area code in use (010, 020-029 but 026, 03xx-09xx) and a number of its length; a
        last group that makes the number too long is its extension."""
        groups = [g for g in re.split(r"[- ]", candidate) if g]
        why = _landline("".join(groups))
        if why is None and len(groups) > 2:
            why = _landline("".join(groups[:-1]))  # area-number-extension
        if why is None and len(groups) == 2 and len(groups[0]) > 4:
            why = _landline(groups[0])  # run together-extension
        return why


def _landline(digits: str) -> str | None:
    if digits.startswith(("010", "02")):
        area, rest = digits[:3], digits[3:]
        ok = len(rest) == 8 and area != "026"
    else:
        area, rest = digits[:4], digits[4:]
        ok = len(area) == 4 and area[1] in "3456789" and len(rest) in (7, 8)
    return f"area code {area}, {len(rest)}-digit number" if ok else None


@register("email")
class EmailRecognizer(Recognizer):
    """E-mail addresses (RFC 5322 shapes in common use)."""

    SHAPES = ("@",)

    entity = "电子邮箱 e-mail address"
    category = "个人基本资料"
    level = "G2"
    mask_rule = "email"
    TRIGGER = "@"
    STRIP = ""
    PATTERNS = (Pattern("local@domain.tld", r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@"
                        r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![A-Za-z0-9-])", 0.7),)
    CONTEXT = ("email", "e_mail", "mail", "yx", "dzyx", "邮箱", "电子邮件", "邮件")

    def validate(self, candidate: str) -> str | None:
        """A top-level domain that is not a file suffix, no '..' in the address."""
        tld = candidate.rsplit(".", 1)[-1]
        if tld in _NOT_TLDS or ".." in candidate or candidate.split("@")[0].endswith("."):
            return None
        return f"user@domain form, top-level domain .{tld.lower()}"


@register("cn_qq")
class QqRecognizer(Recognizer):
    """QQ numbers: 5-11 digits, context only."""

    SHAPES = ("00000",)

    entity = "QQ号 QQ number"
    category = "网络身份标识信息"
    level = "G2"
    mask_rule = "document"
    TRIGGER = r"\d{5}"
    PATTERNS = (Pattern("5-11 digits", NOT_BEFORE + r"[1-9]\d{4,10}" + NOT_AFTER, 0.2, context_only=True),)
    CONTEXT = ("qq", "qqh", "qq号")

    def validate(self, candidate: str) -> str | None:
        """The shape is all there is."""
        return "digits (context)"
