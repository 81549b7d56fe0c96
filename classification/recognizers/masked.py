"""Already-masked personal data (stage: classification; reference §5.1 traps and §8): values that
a masking rule has written, ``110105********1234``, ``138****5678``, ``6228 **** **** 0018``,
``张*``, the forms govsoc.classification.masking writes and the common 脱敏 forms (Hutool
DesensitizedUtil, RuoYi, godlp; reference §8).

A column of them was checked and found de-identified, which the inventory must say rather than
"no personal data". The level: GB/T 37964-2019 (个人信息去标识化指南) treats masking (屏蔽) as a
de-identification technique, and GB/T 43697-2024 §6.6 (reference §2.6) lets de-identification
lower an item's level, not remove it; PIPL art. 73(3)-(4) keeps de-identified data personal
information (去标识化 is not 匿名化: a masked ID keeps its region and last four, with a name
often enough to re-identify). So each masked kind is general personal information one level
below its raw kind (ID and mobile G3 -> G2, bank card G4 -> G3, name G2 -> G1), never "none".
"""

from __future__ import annotations

import re
from typing import ClassVar, Final

from govsoc.classification.cn_codes import COMPOUND_SURNAMES, PROVINCE_CODES, SINGLE_SURNAMES
from govsoc.classification.recognizer import NOT_AFTER, NOT_BEFORE, Pattern, Recognizer, register
from govsoc.classification.recognizers.contact import MobileRecognizer
from govsoc.classification.recognizers.finance import BankCardRecognizer
from govsoc.classification.recognizers.identity import ResidentIdRecognizer
from govsoc.classification.recognizers.person import PersonNameRecognizer

__all__ = ["MaskedResidentIdRecognizer", "MaskedMobileRecognizer", "MaskedBankCardRecognizer",
           "MaskedPersonNameRecognizer"]

#: Not next to another digit, letter or star: a masked value is a whole token.
_BEFORE: Final = NOT_BEFORE + r"(?<!\*)"
_AFTER: Final = NOT_AFTER + r"(?!\*)"
#: A digit then four stars, with a blank or '-' between or not (stars are punctuation, class x).
_SHAPES: Final = ("0xxxx", "0sxxxx")
#: The raw mobile recognizer, whose length and segment test a masked number passes as well.
_MOBILE: Final = MobileRecognizer()
_DE_IDENTIFIED: Final = "masked (de-identified, GB/T 37964), still personal information (PIPL art. 73)"


class _MaskedRecognizer(Recognizer):
    """A masked form of a raw kind: its category, context and masking rule, one level lower."""

    SHAPES: ClassVar[tuple[str, ...] | None] = _SHAPES
    TRIGGER = r"\d[- ]?\*{4}"
    pi_class = "general"
    RAW: ClassVar[type[Recognizer]]

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        raw = cls.__dict__.get("RAW")
        if raw is not None:
            cls.category = raw.category
            cls.mask_rule = f"masked_{raw.mask_rule}" if raw.mask_rule != "name" else "name"
            cls.CONTEXT, cls.WEAK_CONTEXT = raw.CONTEXT, raw.WEAK_CONTEXT


@register("masked_cn_resident_id")
class MaskedResidentIdRecognizer(_MaskedRecognizer):
    """A masked 18-character ID number: 1-6 digits kept, 8 or more stars, 1-4 kept (110105********1234,
    110***********1234, 1****************2); or masked less, 3-7 stars (11010519491231****)."""

    RAW = ResidentIdRecognizer
    entity = "已脱敏身份证号 masked resident ID number"
    level = "G2"
    #: three stars are enough: 11010519491231***X hides less than govsoc's rule, never more (R15t-4)
    SHAPES = ("0xxx", "0sxxx")
    TRIGGER = r"\d[- ]?\*{3}"
    PATTERNS = (
        Pattern("masked 18-character ID", _BEFORE + r"\d{1,6}\*{8,16}\d{0,3}[\dXx]" + _AFTER, 0.5),
        # masked less than govsoc's rule: the date of birth shown (11010519491231****), the stars
        # in the date (1101051949****0021) or three digits hidden (11010519491231***X): R15t-4
        Pattern("weakly masked 18-character ID", _BEFORE + r"\d{7,17}\*{3,7}(?:\d{0,3}[\dXx])?" + _AFTER, 0.5),
    )

    def validate(self, candidate: str) -> str | None:
        """18 characters; the province of the digits kept, when two are."""
        head = len(candidate) - len(candidate.lstrip("0123456789"))
        if len(candidate) != 18 or (head >= 2 and candidate[:2] not in PROVINCE_CODES):
            return None
        return f"ID number {head} + {candidate.count('*')} stars + {18 - head - candidate.count('*')}: {_DE_IDENTIFIED}"


@register("masked_cn_mobile")
class MaskedMobileRecognizer(_MaskedRecognizer):
    """A masked mobile number: an allocated segment, 4-6 stars, the last 2-4 digits (138****5678,
    138******78), or more digits shown (1381234****), +86 or blanks allowed."""

    RAW = MobileRecognizer
    entity = "已脱敏手机号 masked mobile number"
    level = "G2"
    STRIP = " -+"
    PATTERNS = (Pattern("masked mobile", _BEFORE + r"(?:(?:\+|00)86[- ]?)?1[3-9]\d[- ]?\*{4,6}[- ]?\d{2,4}" + _AFTER,
                        0.5),
                # masked less than govsoc's rule: the first 7 shown (1381234****): R15t-4
                Pattern("weakly masked mobile",
                        _BEFORE + r"(?:(?:\+|00)86[- ]?)?1[3-9]\d[- ]?\d{1,4}\*{4,7}[- ]?\d{0,3}" + _AFTER, 0.5))

    def validate(self, candidate: str) -> str | None:
        """11 characters (13, 15 with +86, 0086) in an allocated segment, as a raw number."""
        why = _MOBILE.validate(candidate)  # its length and first three digits only: stars pass
        return f"{why}: {_DE_IDENTIFIED}" if why else None


#: An 18-character ID number masked less than govsoc's rule: 6 region digits (a province 1-8), a
#: birth year 19xx/20xx, 4 stars, the last 4 (the check character may be X).
_WEAK_ID_SHAPE: Final = re.compile(r"[1-8]\d{5}(?:19|20)\d\d\*{4}\d{3}[\dXx]")


@register("masked_cn_bank_card")
class MaskedBankCardRecognizer(_MaskedRecognizer):
    """A masked card number: the first 4-6 digits, 4 or more stars, the last 4, in groups or not
    (6228 **** **** 0018 as govsoc writes it, 622848******0018 as PCI DSS allows)."""

    RAW = BankCardRecognizer
    entity = "已脱敏银行卡号 masked bank card number"
    level = "G3"
    PATTERNS = (Pattern("masked card", _BEFORE + r"\d{4}(?:\d{2}|[- ]?\d\d\*\*)?(?:[- ]?\*{4}){1,3}[- ]?\*{0,3}"
                        r"[- ]?\d{4}" + _AFTER, 0.4),
                # masked less, 7-12 digits kept (6222021234****5678, 18 characters as an ID number is):
                # a card only under a card's heading (卡号), where the ID's weak form is not (R15x-3)
                Pattern("weakly masked card", _BEFORE + r"\d{7,12}\*{4,9}\d{2,4}" + _AFTER, 0.4, context_only=True))

    def validate(self, candidate: str) -> str | None:
        """16 to 19 characters, the kept prefix a card issuer's first digit (3, 4, 5, 6, 9)."""
        if not 16 <= len(candidate) <= 19 or candidate[0] not in "34569" or candidate.count("*") < 4:
            return None
        if _WEAK_ID_SHAPE.fullmatch(candidate):  # a region and a birth year kept: an ID number's weak
            return None  # form (医保卡号 4403041979****6116 is the holder's ID: G4, not a card's G3; R15y-1)
        return f"card number {len(candidate)} characters, first {candidate.index('*')} and last 4 kept: " \
               f"{_DE_IDENTIFIED}"


@register("masked_cn_person_name")
class MaskedPersonNameRecognizer(_MaskedRecognizer):
    """A masked Chinese name: a surname, then stars (张*, 张**, 欧阳*) or a star and the last
    character (张*三); only in a column named for names, as raw names."""

    RAW = PersonNameRecognizer
    entity = "已脱敏姓名 masked person name"
    level = "G1"
    SHAPES = None
    NEEDS_NON_ASCII = True
    FLAGS = 0
    STRIP = ""
    TRIGGER = r"[\u4e00-\u9fa5]\*"
    PATTERNS = (Pattern("surname + stars", r"(?<![\u4e00-\u9fa5*])[\u4e00-\u9fa5]{1,2}"
                        r"(?:\*{1,3}|\*[\u4e00-\u9fa5])(?![\u4e00-\u9fa5*])", 0.4, context_only=True),)

    def validate(self, candidate: str) -> str | None:
        """A known surname before the stars."""
        surname = candidate.split("*")[0]
        if not (surname in COMPOUND_SURNAMES or len(surname) == 1 and surname in SINGLE_SURNAMES):
            return None
        return f"surname {surname}, the given name hidden: {_DE_IDENTIFIED}"
