"""A person's age (stage: classification; reference §5.7): 年龄 is 个人基本资料 (GB/T 35273 Annex A),
and an age under 14 is its holder's own statement of being a minor (PIPL art. 28 ¶1: all their
PI is sensitive), as a date of birth is (R15e-17). Context only: every table has small numbers."""

from __future__ import annotations

from typing import Final

from govsoc.classification.recognizer import NOT_AFTER, NOT_BEFORE, Pattern, Recognizer, register
from govsoc.classification.recognizers.identity import MINOR

__all__ = ["AgeRecognizer"]

#: the oldest age taken as one (the oldest people recorded lived to 122)
OLDEST: Final = 120
#: under this age a holder is a minor whose PI is all sensitive (PIPL art. 28 "不满十四周岁")
FOURTEEN: Final = 14


@register("cn_age")
class AgeRecognizer(Recognizer):
    """年龄: whole years, 0 to 120, written bare or with 岁 / 周岁; context only."""

    SHAPES = ("0",)

    entity = "年龄 age"
    category = "个人基本资料"
    level = "G2"
    mask_rule = "generic"
    FLAGS = 0
    STRIP = ""
    TRIGGER = r"\d"
    PATTERNS = (
        # not a digit of a decimal (12.5) nor of a negative (-3)
        Pattern("whole years", r"(?<![-.])" + NOT_BEFORE + r"\d{1,3}(?:周?岁)?(?![.\d])" + NOT_AFTER, 0.3,
                context_only=True),
    )
    CONTEXT = ("age", "nianling", "年龄", "周岁", "岁数")
    WEAK_CONTEXT = ("nl",)
    #: the age of a thing, not of a person: max_age, cache_age, password_age, cert_age, session_age
    NOT_CONTEXT = ("max_age", "cache", "cookie", "password", "pwd", "cert", "session", "token", "ttl", "file",
                   "days", "seconds")

    def validate(self, candidate: str) -> str | None:
        """Whole years up to OLDEST; under FOURTEEN said so (MINOR) for column decisions to count."""
        years = int(candidate.removesuffix("岁").removesuffix("周"))
        if years > OLDEST:
            return None
        return f"an age of {years} (column context)" + (MINOR if years < FOURTEEN else "")
