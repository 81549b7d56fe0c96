"""Organisation and government identifiers (stage: classification; reference §5.2).

GB 32100-2015 unified social credit codes (MOD 31 check and an embedded GB 11714 organisation
code), GB 11714-1997 organisation codes, 15-digit business registration numbers (ISO 7064
MOD 11,10), legacy taxpayer numbers, real-estate certificate numbers (不动产权证号) and
real-estate unit numbers (不动产单元号). Codes from public registers are graded low and shown
unmasked; a 92 code (个体工商户) belongs to a natural person and is graded one step higher.
"""

from __future__ import annotations

from govsoc.classification.check_vectors import mod31_may_pass, uscc_ok_many
from govsoc.classification.checksums import organisation_code_ok, registration_number_ok, uscc_ok
from govsoc.classification.cn_codes import PLATE_PROVINCES, PROVINCE_CODES
from govsoc.classification.recognizer import NOT_AFTER, NOT_BEFORE, Pattern, Recognizer, register
from govsoc.classification.recognizers.identity import ID_SHAPED, id_checked

__all__ = [
    "UsccRecognizer", "OrganisationCodeRecognizer", "RegistrationNumberRecognizer", "LegacyTaxIdRecognizer",
    "RealEstateCertificateRecognizer", "RealEstateUnitRecognizer",
]

_USCC_CHAR = "[0-9A-HJ-NPQRTUWXY]"


def _why_uscc(code: str) -> str | None:
    """The reason of a code whose check characters are right, or None: a region it is not
    registered in, or the shape of an ID number."""
    if code[2:4] not in PROVINCE_CODES and code[2:4] != "10":  # 10xxxx: central registration
        return None
    if ID_SHAPED.match(code) or id_checked(code):
        return None  # an all-digit code shaped like an ID number is taken for one
    who = " (个体工商户: a natural person)" if code[:2] == "92" else ""
    return f"GB 32100 check character {code[17]} and GB 11714 code {code[8:17]}{who}"


@register("cn_uscc")
class UsccRecognizer(Recognizer):
    """统一社会信用代码 (GB 32100-2015)."""

    SHAPES = ("0000000",)

    entity = "统一社会信用代码 unified social credit code"
    category = "组织数据"
    pi_class = "none"
    level = "G1"
    checksum = True
    mask_rule = "public"
    TRIGGER = r"\d{7}[0-9A-Z]{9}"
    STRIP = ""
    # a whole token of 18 digits and letters, its 2nd-8th digits
    PATTERNS = (Pattern("18-character GB 32100 code",
                        NOT_BEFORE + r"[1-9ANY][1-9]\d{6}" + _USCC_CHAR + r"{10}" + NOT_AFTER, 0.5,
                        layout=r"(?<![0a])[0a]0{7}[0a]{10}(?![0a])"),)
    CONTEXT = ("tyshxydm", "shxydm", "uscc", "credit_code", "统一社会信用代码", "信用代码", "nsrsbh", "纳税人识别号")
    CHANCE = 1 / 31

    def validate(self, candidate: str) -> str | None:
        """Region prefix, embedded organisation code check and the MOD 31 check character."""
        return _why_uscc(candidate) if uscc_ok(candidate) else None

    def validate_many(self, candidates: list[str]) -> list[str | None]:
        """``validate`` of every candidate, their check characters computed at once
        (:func:`check_vectors.uscc_ok_many`): a register's codes are many and distinct."""
        if type(self).validate is not UsccRecognizer.validate:
            return super().validate_many(candidates)  # a subclass judges by its own rule
        return [_why_uscc(c) if ok else None for c, ok in zip(candidates, uscc_ok_many(candidates), strict=True)]

    def screen(self, candidates: list[str]) -> list[bool] | None:
        """The MOD 31 check character of every candidate at once (validate requires it)."""
        if type(self).validate is not UsccRecognizer.validate:
            return None  # a subclass judges by its own rule
        return mod31_may_pass(candidates)


@register("cn_organisation_code")
class OrganisationCodeRecognizer(Recognizer):
    """组织机构代码 (GB 11714-1997): 8 characters + check; without its hyphen only with context."""

    SHAPES = ("0000",)

    entity = "组织机构代码 organisation code"
    category = "组织数据"
    pi_class = "none"
    level = "G1"
    checksum = True
    mask_rule = "public"
    TRIGGER = r"[0-9A-Z]{8}"
    PATTERNS = (
        Pattern("XXXXXXXX-C", NOT_BEFORE + r"[0-9A-Z]{8}-[0-9X]" + NOT_AFTER, 0.5),
        Pattern("XXXXXXXXC", NOT_BEFORE + r"[0-9A-Z]{8}[0-9X]" + NOT_AFTER, 0.2, context_only=True),
    )
    CONTEXT = ("zzjgdm", "org_code", "organization_code", "组织机构代码", "机构代码")
    CHANCE = 1 / 11

    def validate(self, candidate: str) -> str | None:
        """The GB 11714 check character, and at least five digits in the body."""
        if sum(c.isdigit() for c in candidate[:8]) < 5 or not organisation_code_ok(candidate):
            return None
        return f"GB 11714 check character {candidate[8]}"


@register("cn_business_registration_number")
class RegistrationNumberRecognizer(Recognizer):
    """营业执照注册号 (15 digits, before 2015): context only, it collides with 15-digit IDs and IMEIs."""

    SHAPES = ("0" * 15,)

    entity = "营业执照注册号 business registration number"
    category = "组织数据"
    pi_class = "none"
    level = "G1"
    checksum = True
    mask_rule = "public"
    TRIGGER = r"\d{15}"
    PATTERNS = (Pattern("15 digits", NOT_BEFORE + r"[1-6]\d{14}" + NOT_AFTER, 0.3, context_only=True),)
    CONTEXT = ("zch", "yyzz", "注册号", "营业执照", "registration_no")

    def validate(self, candidate: str) -> str | None:
        """Region prefix and the ISO 7064 MOD 11,10 check digit."""
        if candidate[:2] not in PROVINCE_CODES and candidate[:2] != "10" or not registration_number_ok(candidate):
            return None
        return f"region {candidate[:6]}, ISO 7064 MOD 11,10 check digit {candidate[14]}"


@register("cn_legacy_tax_id")
class LegacyTaxIdRecognizer(Recognizer):
    """Legacy 15-character taxpayer number: 6-digit region + 9-character organisation code (context only)."""

    SHAPES = ("000000",)

    entity = "纳税人识别号(旧) legacy taxpayer number"
    category = "组织数据"
    pi_class = "none"
    level = "G1"
    checksum = True
    mask_rule = "public"
    TRIGGER = r"\d{6}[0-9A-Z]{8}"
    STRIP = ""
    PATTERNS = (Pattern("region + organisation code", NOT_BEFORE + r"[1-8]\d{5}[0-9A-Z]{8}[0-9X]" + NOT_AFTER, 0.3,
                        context_only=True),)
    CONTEXT = ("nsrsbh", "税号", "纳税人识别号", "tax_no", "taxpayer")

    def validate(self, candidate: str) -> str | None:
        """Region prefix and the embedded organisation code's check character."""
        if candidate[:2] not in PROVINCE_CODES or not organisation_code_ok(candidate[6:]):
            return None
        return f"region {candidate[:6]} + GB 11714 code {candidate[6:]}"


@register("cn_real_estate_certificate")
class RealEstateCertificateRecognizer(Recognizer):
    """不动产权证号: ``京(2017)朝阳区不动产权第0012345号`` (brackets may be full-width)."""

    NEEDS_NON_ASCII = True

    entity = "不动产权证号 real-estate certificate number"
    category = "个人财产信息"
    pi_class = "sensitive"
    level = "G3"
    mask_rule = "document"
    FLAGS = 0
    STRIP = " "
    TRIGGER = "不动产权"
    PATTERNS = (Pattern("省(年)市县不动产权第N号",
                        "[" + PLATE_PROVINCES + r"][(（]\d{4}[)）][\u4e00-\u9fa5]{0,12}"
                        r"不动产权第\s*\d{6,8}\s*号", 0.8),)
    CONTEXT = ("bdcqzh", "不动产权证", "产权证号")

    def validate(self, candidate: str) -> str | None:
        """A plausible year."""
        year = int(candidate[2:6])
        return "不动产权证号 form" if 1990 <= year <= 2100 else None


@register("cn_real_estate_unit")
class RealEstateUnitRecognizer(Recognizer):
    """不动产单元号: 28 characters, region + cadastral zone + parcel features + building unit."""

    SHAPES = ("0" * 12,)

    entity = "不动产单元号 real-estate unit number"
    category = "自然资源/不动产"
    pi_class = "none"
    level = "G2"
    mask_rule = "document"
    STRIP = ""
    TRIGGER = r"\d{12}[GJZ]"
    PATTERNS = (Pattern("28-character unit number", NOT_BEFORE + r"\d{12}[GJZ][A-HJ-NP-Z]\d{5}[FLQW]\d{8}" + NOT_AFTER,
                        0.7),)
    CONTEXT = ("bdcdyh", "不动产单元号", "单元号")

    def validate(self, candidate: str) -> str | None:
        """Region prefix of the first six digits."""
        return f"region {candidate[:6]}, parcel type {candidate[12:14]}" if candidate[:2] in PROVINCE_CODES else None
