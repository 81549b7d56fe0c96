"""Percent-encoded text read for personal data (stage: classification; RFC 3986 §2.1).

A query string or form body carries its values percent-encoded (``sfzh=%31%31%30...``,
``name=%E5%BC%A0%E4%B8%89``), in UTF-8 or, from pages served as GB2312/GBK, in GBK
(``xm=%D5%C5%C8%FD`` is 张三). Recognizers scan the decoded text; :func:`percent_decoded` keeps,
for every decoded character, where it starts in the encoded text, so that a hit's span can be
masked or reported there.
"""

from __future__ import annotations

import re
from itertools import compress
from typing import Final

__all__ = ["ENCODINGS", "ESCAPE", "percent_decoded"]

_ESCAPES: Final = re.compile(r"(?:%[0-9A-Fa-f]{2})+")
#: One percent-escape (RFC 3986 §2.1), the one pattern of it tagging and recognizer use too
ESCAPE: Final = re.compile(r"%[0-9A-Fa-f]{2}")
#: What only the run-by-run decoding reads right: a byte past ASCII (UTF-8, GBK), an escaped '%'
#: (a run decoding to one stays as written), a '%' that escapes nothing before another '%' (%2%41:
#: a decoded character could make it an escape of the fast path), a NUL (the fast path's own mark).
_RUN_BY_RUN: Final = re.compile(r"%[89A-Fa-f][0-9A-Fa-f]|%25|%[0-9A-Fa-f]?%|\x00")
#: Encodings tried on a run of escapes, in order: the web's, then the one Chinese government
#: sites of the GB2312 era still post.
ENCODINGS: Final = ("utf-8", "gbk")


def percent_decoded(value: str) -> tuple[str, list[int]]:
    """``value`` with its runs of ``%XX`` escapes decoded (UTF-8, else GBK; a run that is
    neither, or decodes to another '%', stays as it is) and, for every character of the decoded
    text and one past its end, the offset in ``value`` where it starts: a span [s, e) of the
    decoded text is [offsets[s], offsets[e]) of ``value``."""
    if value.isascii() and _RUN_BY_RUN.search(value) is None:
        return _ascii_decoded(value)
    parts: list[str] = []
    offsets: list[int] = []
    at = 0
    for m in _ESCAPES.finditer(value):
        parts.append(value[at:m.start()])
        offsets.extend(range(at, m.start()))
        raw = bytes.fromhex(m.group().replace("%", ""))
        decoded, encoding = _decode(raw)
        if not decoded or "%" in decoded:
            parts.append(m.group())
            offsets.extend(range(m.start(), m.end()))
        else:
            pos = m.start()
            for c in decoded:
                parts.append(c)
                offsets.append(pos)
                pos += 3 * len(c.encode(encoding))
        at = m.end()
    parts.append(value[at:])
    offsets.extend(range(at, len(value)))
    offsets.append(len(value))
    return "".join(parts), offsets


def _ascii_decoded(value: str) -> tuple[str, list[int]]:
    """percent_decoded of an ASCII text whose escapes are all of ASCII characters other than '%':
    one str.replace per distinct escape and a mask of the escapes' hex digits, in C (a Python step
    per escape cost ~0.3 µs a character on 4 KB of %2F%20...: a message of them 190x its scan)."""
    text = value
    for escape in set(ESCAPE.findall(value)):
        text = text.replace(escape, chr(int(escape[1:], 16)))
    marked = ESCAPE.sub("%\x00\x00", value).encode("ascii")  # each escape's '%' kept: where its character starts
    offsets = list(compress(range(len(value)), marked))
    offsets.append(len(value))
    return text, offsets


def _decode(raw: bytes) -> tuple[str, str]:
    for encoding in ENCODINGS:
        try:
            return raw.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return "", "utf-8"
