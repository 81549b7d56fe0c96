"""Sigma's encoding modifiers as the specification defines them, over pySigma 1.x.

The modifiers appendix (v2.1.0, "Encoding") defines ``utf16le`` (``cmd`` -> 63 00 6d 00 64 00),
``utf16be`` (00 63 00 6d 00 64), ``utf16`` (a byte order mark, then UTF-16: FF FE 63 00 6d 00
64 00) and ``wide``, an alias of ``utf16le``. pySigma 1.5 lacks ``utf16le``, writes the ``utf16``
byte order mark as UTF-8 (EF BB BF) and refuses non-ASCII text, because a Sigma string turns into
bytes as UTF-8. Here the encoded bytes are held one character per byte (:class:`ByteString`) and
turned back into exactly those bytes by ``base64`` and ``base64offset``.
"""

from __future__ import annotations

from typing import ClassVar

from sigma.modifiers import SigmaValueModifier, modifier_mapping, reverse_modifier_mapping
from sigma.types import Placeholder, SigmaString, SpecialChars

__all__ = ["ByteString", "register_modifiers"]


class ByteString(SigmaString):
    """A Sigma string standing for bytes: each character is one byte (U+0000..U+00FF)."""

    def __bytes__(self) -> bytes:
        return str(self).encode("latin-1")


class _EncodingModifier(SigmaValueModifier[SigmaString, SigmaString]):
    codec: ClassVar[str]
    prefix: ClassVar[bytes] = b""

    def modify(self, val: SigmaString) -> SigmaString:
        parts: list[str | SpecialChars | Placeholder] = [self.prefix.decode("latin-1")] if self.prefix else []
        for item in val.s:
            parts.append(item.encode(self.codec).decode("latin-1") if isinstance(item, str) else item)
        out = ByteString()
        out.s = parts
        return out


class Utf16LeModifier(_EncodingModifier):
    """``utf16le`` / ``wide``: UTF-16 little-endian."""

    codec = "utf-16le"


class Utf16BeModifier(_EncodingModifier):
    """``utf16be``: UTF-16 big-endian."""

    codec = "utf-16be"


class Utf16Modifier(_EncodingModifier):
    """``utf16``: the byte order mark FF FE, then UTF-16 little-endian."""

    codec = "utf-16le"
    prefix = b"\xff\xfe"


_MODIFIERS: dict[str, type[SigmaValueModifier[SigmaString, SigmaString]]] = {
    "utf16le": Utf16LeModifier, "wide": Utf16LeModifier, "utf16be": Utf16BeModifier, "utf16": Utf16Modifier,
}


def register_modifiers() -> None:
    """Put the specification's encoding modifiers into pySigma's table (idempotent)."""
    for name, modifier in _MODIFIERS.items():
        modifier_mapping[name] = modifier
    for modifier in set(_MODIFIERS.values()):
        reverse_modifier_mapping[modifier.__name__] = next(n for n, m in _MODIFIERS.items() if m is modifier)
