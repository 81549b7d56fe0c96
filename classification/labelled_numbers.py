"""A mobile or bank card number glued to letters after a label naming it (stage: classification;
PIPL art. 51, GB/T 35273-2020 §6.2 display masking; shared/reference/classification.md §8; used by
govsoc.classification.free_text).

GluedNumbers.hits skips a number that starts a word shaped like a hexadecimal id
(``13812345678abcde``): an id is more often such a word than a phone number is. A label naming
the number decides otherwise (R15aa-1), whether it is a key (``手机：13812345678abcde``,
``tel=…``, ``{"mobile":"…"}``) or a Chinese label glued to the digits with nothing between
(``手机13812345678abcde``, ``卡号6222021234567890128abc``: Chinese text sets no blank after a label).

A value is no number though its label names one when it is a digest (R15ac-5): a hexadecimal word
of one case (a digest is written in one) and of a digest's length (MD5 32, SHA-1 40, SHA-224 56,
SHA-256 and SM3 64, SHA-384 96, SHA-512 128 characters): ``phone_hash=<an MD5>``, ``phone=<a SHA-1>``
is a phone number hashed. The key's name alone does not say so (R15ae-1: ``phone_hash=+86138…ABC``,
``tel_trace=13812345678ABCDE``, ``手机号ID=…`` were shown whole under a rule that trusted a key
ending in hash, trace or id): a number shown is worse than an id over-masked.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from typing import Final

from govsoc.classification.digit_runs import GluedNumbers
from govsoc.classification.recognizer import Match, normalize

__all__ = ["LabelledNumbers"]

#: Identifiers a label may name though the word they start looks like a hexadecimal id.
_GLUED_KINDS: Final = frozenset({"cn_mobile", "cn_bank_card"})
#: Keys that name one in a log's ``key=value`` though no column name would be read so
#: (``card`` alone: a bank card's number, checked by its issuer prefix and Luhn digit).
_NUMBER_KEYS: Final[dict[str, frozenset[str]]] = {"card": frozenset({"cn_bank_card"})}
#: Chinese labels glued to their number, and what they name (the phone and card words of
#: free_text's labels between a name and its number).
_GLUED_LABELS: Final = (
    (re.compile(r"(?:手机号码|手机号|手机|移动电话|联系电话|联系方式|电话号码|电话号|电话)(?:为|是)?(?=[+＋0-9０-９])"),
     frozenset({"cn_mobile"})),
    (re.compile(r"(?:银行卡号|银行卡|银行账号|借记卡号|借记卡|卡号|账号)(?:为|是)?(?=[0-9０-９])"),
     frozenset({"cn_bank_card"})),
)
#: How much after a glued label is read: the word a number starts is all GluedNumbers.labelled reads,
#: and the longest digest (128) and a character after it tell a digest's word from a longer one.
_GLUED_READ: Final = 160
_DIGEST_LENGTHS: Final = frozenset({32, 40, 56, 64, 96, 128})
#: A value whose first character is ASCII and neither a digit nor '+': normalize() leaves it so (it
#: folds an ASCII letter only to a composed letter), and labelled() finds no number after it.
_NO_NUMBER: Final = re.compile(r"[\x00-\x2a\x2c-\x2f\x3a-\x7f]")
#: A hexadecimal word of one case, ASCII only (a full-width or '+'-led value is no digest).
_HEX_WORD: Final = re.compile(r"(?:[0-9a-f]+|[0-9A-F]+)(?![0-9A-Za-z])")


class LabelledNumbers:
    """Numbers glued to letters after a label naming them; see the module docstring."""

    def __init__(self, glued: GluedNumbers) -> None:
        self.glued = glued

    def after_key(self, key: str, value: str, start: int, context: Mapping[str, str]) -> Match | None:
        """A mobile or bank card number glued to letters at the start of ``value`` (at ``start``),
        after a ``key`` naming it strongly (``context``: its column name context)."""
        named = frozenset(k for k, v in context.items() if v == "strong") | _NUMBER_KEYS.get(key.lower(), frozenset())
        if not named & _GLUED_KINDS or _NO_NUMBER.match(value) or _digest(value):
            return None
        # the word a number starts is all labelled() reads: what after_labels reads (R15af-1: the
        # 512 characters a key's value is cut to, normalized a key, were 1.65 of 3.46 s of a text)
        hit = self.glued.labelled(normalize(value[:_GLUED_READ]), named)
        return None if hit is None else dataclasses.replace(hit, start=start + hit.start, end=start + hit.end)

    def after_labels(self, text: str, folded: str) -> list[Match]:
        """The numbers glued right after a Chinese label naming them (``手机13812345678abcde``) in
        ``text``, read in ``folded`` (``normalize(text)``, made once a text: R15ae-4, a window
        normalized a label made a text of labels alone 3.4x slower)."""
        out = []
        for pattern, kinds in _GLUED_LABELS:
            for m in pattern.finditer(text):
                end = m.end() + _GLUED_READ
                hit = None if _digest(text[m.end():end]) else self.glued.labelled(folded[m.end():end], kinds)
                if hit is not None:
                    out.append(dataclasses.replace(hit, start=m.end() + hit.start, end=m.end() + hit.end))
        return out


def _digest(value: str) -> bool:
    """True when ``value`` starts with a digest's hexadecimal word (R15ac-5; see the module docstring)."""
    hex_word = _HEX_WORD.match(value)
    return hex_word is not None and len(hex_word.group()) in _DIGEST_LENGTHS
