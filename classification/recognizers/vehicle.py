"""Vehicles (stage: classification; reference §5.6): licence plates (GA 36-2018, including the
8-character new-energy plates) and vehicle identification numbers (GB 16735 / ISO 3779 check)."""

from __future__ import annotations

from govsoc.classification.checksums import vin_ok
from govsoc.classification.cn_codes import PLATE_PROVINCES
from govsoc.classification.recognizer import NOT_AFTER, NOT_BEFORE, Pattern, Recognizer, register

__all__ = ["LicencePlateRecognizer", "VinRecognizer"]

_LETTER = "[A-HJ-NP-Z]"
_CHAR = "[A-HJ-NP-Z0-9]"
_PROVINCE = "[" + PLATE_PROVINCES + "]"
#: The new-energy serial letter (GA 36-2018 as reference §5.6 gives it): D A B C E pure electric,
#: F G H J K not; first of a small plate's 6 characters, last of a large plate's (R15t-2).
_NEV = "[A-HJK]"


@register("cn_licence_plate")
class LicencePlateRecognizer(Recognizer):
    """车牌号: province + issuing-office letter + 5 characters (ordinary) or 6 (new energy)."""

    NEEDS_NON_ASCII = True

    entity = "车牌号 licence plate"
    category = "车辆信息"
    level = "G3"
    mask_rule = "plate"
    FLAGS = 0
    STRIP = " ·•-"
    TRIGGER = "[" + PLATE_PROVINCES + "][A-Z]"
    PATTERNS = (
        Pattern("new-energy plate",
                _PROVINCE + _LETTER + r"[ ·•-]?(?:" + _NEV + _CHAR + r"\d{4}|\d{5}" + _NEV + ")" + NOT_AFTER, 0.7),
        Pattern("ordinary plate",
                _PROVINCE + _LETTER + r"[ ·•-]?" + _CHAR + "{4}[A-HJ-NP-Z0-9挂学警港澳]" + NOT_AFTER, 0.6),
    )
    CONTEXT = ("cph", "chepai", "hphm", "plate", "license_plate", "car_no", "车牌", "号牌号码")

    def validate(self, candidate: str) -> str | None:
        """The serial holds at least two digits (plates with more letters are special series)."""
        serial = candidate[2:]
        if sum(c.isdigit() for c in serial) < 2:
            return None
        return ("new-energy" if len(candidate) == 8 else "ordinary") + f" plate of {candidate[0]}"


@register("vin")
class VinRecognizer(Recognizer):
    """车辆识别代号 (VIN): 17 characters without I, O, Q; position 9 is the check character."""

    SHAPES = ("000",)

    entity = "车辆识别代号 VIN"
    category = "车辆信息"
    level = "G2"
    checksum = True
    mask_rule = "document"
    STRIP = ""
    TRIGGER = r"[A-HJ-NPR-Z0-9]{17}"
    PATTERNS = (Pattern("17 characters", NOT_BEFORE + r"[A-HJ-NPR-Z0-9]{17}" + NOT_AFTER, 0.3),)
    CONTEXT = ("vin", "clsbdh", "车架号", "车辆识别代号")
    CHANCE = 1 / 11

    def validate(self, candidate: str) -> str | None:
        """Letters and digits both present, and the ISO 3779 check character."""
        if candidate.isdigit() or candidate.isalpha() or not vin_ok(candidate):
            return None
        return f"ISO 3779 check character {candidate[8]}"
