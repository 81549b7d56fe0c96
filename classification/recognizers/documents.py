"""Travel documents without a check character (stage: classification; shared/reference/classification.md §5.1).

Passports (PRC, HKSAR, Macau SAR) and the permits of Hong Kong, Macau and Taiwan residents and of
mainland residents travelling there. Their number formats carry no check character, so they count
only with context: a column or keyword naming the document (R15t-3). Moved out of identity.py
unchanged (F15bc: STYLE's ~400 lines a module).
"""

from __future__ import annotations

from typing import Final

from govsoc.classification.recognizer import NOT_AFTER, NOT_BEFORE, Pattern, Recognizer, register

__all__ = ["PassportRecognizer", "HkMacauPermitRecognizer", "TaiwanPermitRecognizer", "MainlandTravelPermitRecognizer",
           "DOCUMENTS"]


#: Headings naming an identity document without saying which (证件号码, zjhm, 证照号码): a register of
#: foreigners or of HK, Macau and Taiwan residents holds passports and permits under them. Weak
#: context: enough for a document's shape, never a tag by the name alone (R15t-3).
_ANY_DOCUMENT: Final = ("证件号", "证照号", "zjhm", "zjh", "zjzhm", "zzhm", "cert_no", "certno")


#: The identity documents without a check character, each a shape under its heading (R15t-3).
DOCUMENTS: Final = ("cn_passport", "cn_hk_macau_permit", "cn_taiwan_permit", "cn_mainland_travel_permit")


def _pinyin(*initials: str) -> tuple[str, ...]:
    """Pinyin initials of a document's name with 号 and 号码 after them: txz, txzh, txzhm."""
    return tuple(f"{word}{end}" for word in initials for end in ("", "h", "hm"))


class _DocumentRecognizer(Recognizer):
    """Document numbers without a check character: shape only, so context only."""

    SHAPES = ("0000000",)

    category = "个人身份信息"
    mask_rule = "document"
    TRIGGER = r"\d{7}"

    def validate(self, candidate: str) -> str | None:
        """The shape is all there is to check."""
        return "number format (no check character; column or keyword context)"


@register("cn_passport")
class PassportRecognizer(_DocumentRecognizer):
    """PRC passports (E + 8, E + letter + 7, G + 8, 14/15 + 7, SE/DE/PE + 7) and the HKSAR and
    Macau SAR passports."""

    entity = "护照号 passport number"
    PATTERNS = (
        Pattern("PRC e-passport", NOT_BEFORE + r"E(?:\d{8}|[A-HJ-NP-Z]\d{7})" + NOT_AFTER, 0.4, context_only=True),
        Pattern("PRC passport (older)", NOT_BEFORE + r"(?:G\d{8}|1[45]\d{7})" + NOT_AFTER, 0.3, context_only=True),
        Pattern("official/diplomatic passport", NOT_BEFORE + r"[SDP]E\d{7}" + NOT_AFTER, 0.4, context_only=True),
        Pattern("HKSAR/Macau SAR passport", NOT_BEFORE + r"(?:[KH][0-9J]\d{7}|M[AB]\d{7})" + NOT_AFTER, 0.3,
                context_only=True),
    )
    CONTEXT = ("hzhm", "hzh", "huzhao", "passport", "护照")
    WEAK_CONTEXT = ("hz", *_ANY_DOCUMENT)  # hz: 护照, or 户主, 汇总


@register("cn_hk_macau_permit")
class HkMacauPermitRecognizer(_DocumentRecognizer):
    """港澳居民来往内地通行证 (回乡证): H or M + 8 digits (+ 2 renewal digits)."""

    entity = "回乡证号 HK/Macau residents' permit"
    PATTERNS = (Pattern("H/M + 8 digits", NOT_BEFORE + r"[HM]\d{8}(?:\d{2})?" + NOT_AFTER, 0.4, context_only=True),)
    CONTEXT = ("回乡证", "来往内地", "home_return", "permit", "通行证",
               *_pinyin("hxz", "txz", "gatxz", "gaztxz", "wlgatxz", "gajmlwndtxz"))
    WEAK_CONTEXT = _ANY_DOCUMENT


@register("cn_taiwan_permit")
class TaiwanPermitRecognizer(_DocumentRecognizer):
    """台湾居民来往大陆通行证 (台胞证): 8 digits (+ 2 renewal digits)."""

    SHAPES = ("0" * 8,)

    entity = "台胞证号 Taiwan compatriot permit"
    PATTERNS = (Pattern("8 (+2) digits", NOT_BEFORE + r"\d{8}(?:\d{2})?" + NOT_AFTER, 0.2, context_only=True),)
    CONTEXT = ("台胞证", "mtp", "来往大陆", *_pinyin("tbz", "twtxz", "dltxz", "twjmlwdltxz"))
    WEAK_CONTEXT = _ANY_DOCUMENT


@register("cn_mainland_travel_permit")
class MainlandTravelPermitRecognizer(_DocumentRecognizer):
    """Mainland residents' permits: 往来港澳 (C + 8 digits, C + letter + 7, W + 8) and 往来台湾 (L/T + 8)."""

    entity = "往来港澳台通行证号 mainland travel permit"
    PATTERNS = (
        Pattern("往来港澳 permit", NOT_BEFORE + r"(?:C\d{8}|C[A-HJ-NP-Z]\d{7}|W\d{8})" + NOT_AFTER, 0.4,
                context_only=True),
        Pattern("往来台湾 permit", NOT_BEFORE + r"[LT]\d{8}" + NOT_AFTER, 0.4, context_only=True),
    )
    CONTEXT = ("通行证", "permit", "往来港澳", "往来台湾",
               *_pinyin("txz", "gatxz", "gaztxz", "wlgatxz", "twtxz", "wltwtxz", "dltxz"))
    WEAK_CONTEXT = _ANY_DOCUMENT
