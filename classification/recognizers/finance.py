"""Financial account numbers (stage: classification; reference §5.3).

Bank card numbers: 13-19 digits, optionally in groups of four, with an issuer prefix and length
of ISO/IEC 7812 (UnionPay 62/60, legacy domestic 9, the international schemes) and the Luhn
check. A masked card (``6222****1234``) is not a card number.
"""

from __future__ import annotations

import re
from typing import Final

from govsoc.classification.check_vectors import luhn_may_pass
from govsoc.classification.checksums import luhn_ok
from govsoc.classification.cn_codes import card_issuer
from govsoc.classification.recognizer import NOT_AFTER, NOT_BEFORE, Pattern, Recognizer, not_labelled, register
from govsoc.classification.recognizers.identity import ID_SHAPED, id_checked

__all__ = ["BankCardRecognizer"]

#: 16 digits starting with a date yymmdd of 2015-2030 in the Mastercard 2-series range: the
#: common order-number layout (date + sequence), more often than a 2-series card in China.
_DATED = re.compile(r"2[2-7](?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{10}$")


#: Labels that say the number after them is an order or serial number (订单9908617258725991750,
#: 流水号：6228...), glued or after a separator: a card's Luhn check passes by chance in one of ten.
_SERIAL_LABELS: Final = ("订单", "单号", "订单编号", "流水号", "交易号")
_NOT_SERIAL: Final = not_labelled(_SERIAL_LABELS, ("", ":", "：", " ", "="))


@register("cn_bank_card")
class BankCardRecognizer(Recognizer):
    """银行卡号: issuer prefix + length + Luhn."""

    SHAPES = ("0" * 13, "0000s0000")

    entity = "银行卡号 bank card number"
    category = "金融账户"
    pi_class = "sensitive"
    level = "G4"
    checksum = True
    mask_rule = "bank_card"
    TRIGGER = r"\d{4}[ -]?\d{4}[ -]?\d{4}"
    PATTERNS = (
        # the labels looked behind only where the number follows (the look-ahead first)
        Pattern("13-19 digits", NOT_BEFORE + r"(?=\d{13})" + _NOT_SERIAL + r"\d{13,19}" + NOT_AFTER, 0.3,
                shapes=(SHAPES[0],), layout=r"(?<![0a])0{13,19}(?![0a])"),  # a whole run: not in 20-digit order numbers
        Pattern("groups of four", NOT_BEFORE + r"(?=\d{4}[ -]\d{4}[ -]\d{4})" + _NOT_SERIAL
                + r"\d{4}(?:[ -]\d{4}){2,3}(?:[ -]?\d{1,3})?" + NOT_AFTER, 0.3, shapes=(SHAPES[1],)),
    )
    CONTEXT = ("yhkh", "yinhangka", "yhzh", "bank_card", "bankcard", "card_no", "cardno", "account_no", "acct",
               "银行卡", "卡号", "银行账号", "账号")
    WEAK_CONTEXT = ("kh",)

    def validate(self, candidate: str) -> str | None:
        """An issuer whose prefix and length fit, and the Luhn check."""
        if not luhn_ok(candidate) or not self.unchecked(candidate):
            return None
        return f"{card_issuer(candidate)} prefix and length ({len(candidate)} digits), Luhn check"

    def unchecked(self, candidate: str) -> bool:
        """An issuer's prefix and length, and neither an ID number's form (region + a 19xx/20xx
        date, or its check: an ID number, even an invalid one, rarely a card) nor a dated
        order number in the Mastercard 2-series: all ``validate`` asks but the Luhn check."""
        scheme = card_issuer(candidate)
        if scheme is None:
            return False
        if len(candidate) == 18 and (ID_SHAPED.match(candidate) or id_checked(candidate)):
            return False
        return not (scheme == "Mastercard" and _DATED.match(candidate))

    def screen(self, candidates: list[str]) -> list[bool] | None:
        """The Luhn check of every candidate at once (validate requires it): most card-like
        numbers of a table are order numbers and timestamps that fail it."""
        if type(self).validate is not BankCardRecognizer.validate:
            return None  # a subclass judges by its own rule
        return luhn_may_pass(candidates)
