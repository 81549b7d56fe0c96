"""Social security and medical insurance numbers (stage: classification; reference §5.1).

Since the Social Insurance Law (art. 58) the social security number is the citizen identity
number; insured residents of Hong Kong, Macau and Taiwan get ``HKG``/``MAC``/``TWN`` + 0 + 8
digits. Medical insurance numbers have regional formats (the reference marks them unconfirmed):
in a column named for them a validated ID number or a long alphanumeric code counts.
"""

from __future__ import annotations

from govsoc.classification.recognizer import NOT_AFTER, NOT_BEFORE, Pattern, Recognizer, register
from govsoc.classification.recognizers.identity import ID18, ResidentIdRecognizer

__all__ = ["SocialSecurityNumberRecognizer", "MedicalInsuranceNumberRecognizer"]

_RESIDENT_ID = ResidentIdRecognizer()


@register("cn_social_security_number")
class SocialSecurityNumberRecognizer(Recognizer):
    """社会保障号码: the ID number (with context) or HKG/MAC/TWN + 0 + 8 digits."""

    SHAPES = ("0" * 8,)

    entity = "社会保障号码 social security number"
    category = "个人身份信息"
    level = "G3"
    mask_rule = "id_card"
    STRIP = ""
    TRIGGER = r"[GCN]0\d{8}|\d{17}"
    PATTERNS = (
        Pattern("HK/Macau/Taiwan insured", NOT_BEFORE + r"(?:HKG|MAC|TWN)0\d{8}" + NOT_AFTER, 0.7),
        Pattern("citizen identity number", NOT_BEFORE + ID18 + NOT_AFTER, 0.5, context_only=True),
    )
    CONTEXT = ("sbkh", "shbzhm", "sbh", "shebao", "social_security", "社保", "社会保障")

    def mask(self, text: str) -> str:
        """ID-shaped numbers as IDs; the HKG/MAC/TWN form keeps its 3-letter prefix only."""
        return super().mask(text) if text[:3].isdigit() else text[:3] + "*********"

    def validate(self, candidate: str) -> str | None:
        """The HKG/MAC/TWN form, or an ID number that validates (GB 11643)."""
        if candidate[:3].isalpha():
            return f"{candidate[:3]} insured-person number"
        why = _RESIDENT_ID.validate(candidate)
        return None if why is None else f"social security number = ID number ({why})"


@register("cn_medical_insurance_number")
class MedicalInsuranceNumberRecognizer(Recognizer):
    """医保号 / 医保卡号 / 病历号 / 住院号: regional formats, context only."""

    SHAPES = ("000000",)

    entity = "医保号/病历号 medical insurance or record number"
    category = "医疗健康"
    pi_class = "sensitive"
    level = "G4"
    mask_rule = "document"
    STRIP = ""
    TRIGGER = r"\d{6}"
    PATTERNS = (Pattern("6-24 character code with >= 6 digits", NOT_BEFORE + r"[0-9A-Z]{6,24}" + NOT_AFTER, 0.3,
                        context_only=True),)
    CONTEXT = ("ybkh", "ybh", "yibao", "medical_no", "medical_insurance", "blh", "zyh", "医保", "病历号", "住院号",
               "就诊卡")

    def validate(self, candidate: str) -> str | None:
        """At least six digits (codes, not words)."""
        return "code in a medical-insurance/record column" if sum(c.isdigit() for c in candidate) >= 6 else None
