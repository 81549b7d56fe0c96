"""The foreign permanent resident ID card of the 2017 design (stage: classification;
shared/reference/classification.md §5.1).

外国人永久居留身份证 of the 2017 design: the holder's nationality in three letters (ISO 3166-1
alpha-3) and 12 digits, ``[A-Z]{3}\\d{12}``; no check character (the 2023 design's 18 digits with
the GB 11643 check are identity.ForeignPermanentResidentIdRecognizer). Cards of this design are
valid for ten years, so their numbers stay in registers. Three letters and 12 digits are also the
shape of order and part numbers: context only, as the passports.
"""

from __future__ import annotations

from typing import Final

from govsoc.classification.country_codes import FOREIGN_ALPHA3
from govsoc.classification.recognizer import NOT_AFTER, NOT_BEFORE, Pattern, Recognizer, register

__all__ = ["ForeignPermanentResidentId2017Recognizer", "PERMANENT_RESIDENCE_CONTEXT"]

#: Names of the card in column names, comments and text: 永久居留身份证(号), 永居证, and their pinyin
#: initials (yjjlz 永久居留证, yjjlsfz 永久居留身份证, each with 号/号码: h, hm; wgryjjl 外国人永久居留).
PERMANENT_RESIDENCE_CONTEXT: Final = (
    "永久居留", "永居证", "永居身份证", "permanent_resident", "permanent_residence",
    *(f"{word}{end}" for word in ("yjjlz", "yjjlsfz", "wgryjjlz", "wgryjjlsfz") for end in ("", "h", "hm")),
)


@register("cn_foreign_permanent_resident_id_2017")
class ForeignPermanentResidentId2017Recognizer(Recognizer):
    """外国人永久居留身份证 (2017 design): ISO 3166-1 alpha-3 nationality + 12 digits; context only."""

    SHAPES = ("a" + "0" * 12,)

    entity = "外国人永久居留身份证号 foreign permanent resident ID (2017)"
    category = "个人身份信息"
    level = "G3"
    mask_rule = "document"
    TRIGGER = r"[A-Z]{3}\d{12}"
    PATTERNS = (Pattern("nationality + 12 digits", NOT_BEFORE + r"[A-Z]{3}\d{12}" + NOT_AFTER, 0.4,
                        context_only=True),)
    CONTEXT = PERMANENT_RESIDENCE_CONTEXT

    def validate(self, candidate: str) -> str | None:
        """The three letters are a foreign nationality's ISO 3166-1 alpha-3 code."""
        if candidate[:3] not in FOREIGN_ALPHA3:
            return None
        return "ISO 3166-1 alpha-3 nationality + 12 digits (no check character; column or keyword context)"
