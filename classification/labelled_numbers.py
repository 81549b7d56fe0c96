"""A mobile or bank card number glued to letters after a label naming it (stage: classification;
PIPL art. 51, GB/T 35273-2020 §6.2 display masking; shared/reference/classification.md §8; used by
govsoc.classification.free_text).

GluedNumbers.hits skips a number that starts a word shaped like a hexadecimal id
(``13812345678abcde``): an id is more often such a word than a phone number is. A label naming
the number decides otherwise (R15aa-1), whether it is a key (``手机：13812345678abcde``,
``tel=…``, ``{"mobile":"…"}``) or a Chinese label glued to the digits with nothing between
(``手机13812345678abcde``, ``卡号6222021234567890128abc``: Chinese text sets no blank after a label).

Two things say a key's value is no number though the key names one (R15ac-5):

- the key's last word names a digest or an id (``phone_hash``, ``tel_trace``, ``phoneId``,
  ``cellphone_sha1``): an English compound's last word is what it is, the words before say of what;
- the value is a hexadecimal word of a digest's length (MD5 32, SHA-1 40, SHA-224 56, SHA-256 and
  SM3 64, SHA-384 96, SHA-512 128 characters): ``phone=<a SHA-1>`` is a phone number hashed.
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
    (re.compile(r"(?:手机号码|手机号|手机|移动电话|联系电话|电话号码|电话)(?=[+＋0-9０-９])"),
     frozenset({"cn_mobile"})),
    (re.compile(r"(?:银行卡号|银行卡|卡号)(?=[0-9０-９])"), frozenset({"cn_bank_card"})),
)
#: How much after a glued label is read: the word a number starts is all GluedNumbers.labelled reads,
#: and the longest digest (128) and a character after it tell a digest's word from a longer one.
_GLUED_READ: Final = 160
#: A key's last word that names a digest or an id, not the number the words before it name.
_DIGEST_WORDS: Final = frozenset({"hash", "hashed", "md5", "sha", "sha1", "sha256", "sm3", "digest", "hmac", "sign",
                                  "signature", "salt", "enc", "encrypted", "cipher", "token", "trace", "id", "uuid"})
_KEY_WORD: Final = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|[0-9]+")
_DIGEST_LENGTHS: Final = frozenset({32, 40, 56, 64, 96, 128})
_HEX_WORD: Final = re.compile(r"[+]?([0-9A-Fa-f]+)(?![0-9A-Za-z])")


class LabelledNumbers:
    """Numbers glued to letters after a label naming them; see the module docstring."""

    def __init__(self, glued: GluedNumbers) -> None:
        self.glued = glued

    def after_key(self, key: str, value: str, start: int, context: Mapping[str, str]) -> Match | None:
        """A mobile or bank card number glued to letters at the start of ``value`` (at ``start``),
        after a ``key`` naming it strongly (``context``: its column name context)."""
        named = frozenset(k for k, v in context.items() if v == "strong") | _NUMBER_KEYS.get(key.lower(), frozenset())
        if not named & _GLUED_KINDS or _digest(key, value):
            return None
        hit = self.glued.labelled(normalize(value), named)
        return None if hit is None else dataclasses.replace(hit, start=start + hit.start, end=start + hit.end)

    def after_labels(self, text: str) -> list[Match]:
        """The numbers glued right after a Chinese label naming them (``手机13812345678abcde``)."""
        out = []
        for pattern, kinds in _GLUED_LABELS:
            for m in pattern.finditer(text):
                value = normalize(text[m.end():m.end() + _GLUED_READ])
                hit = None if _digest("", value) else self.glued.labelled(value, kinds)
                if hit is not None:
                    out.append(dataclasses.replace(hit, start=m.end() + hit.start, end=m.end() + hit.end))
        return out


def _digest(key: str, value: str) -> bool:
    """True when ``key`` names a digest or an id of what its first words name, or ``value`` starts
    with a hexadecimal word of a digest's length (R15ac-5)."""
    words = _KEY_WORD.findall(key)
    hex_word = _HEX_WORD.match(value)
    return (bool(words) and words[-1].lower() in _DIGEST_WORDS) or \
        (hex_word is not None and len(hex_word.group(1)) in _DIGEST_LENGTHS)
