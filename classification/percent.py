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

__all__ = ["ENCODINGS", "ESCAPE", "may_read_otherwise", "percent_decoded", "plain_signs"]

_ESCAPES: Final = re.compile(r"(?:%[0-9A-Fa-f]{2})+")
#: One percent-escape (RFC 3986 §2.1), the one pattern of it tagging and recognizer use too
ESCAPE: Final = re.compile(r"%[0-9A-Fa-f]{2}")
#: Every digit '0', '%' kept, any other byte 'a' (plain_signs)
_SHAPE: Final = bytes(48 if 48 <= b <= 57 else b if b == 37 else 97 for b in range(256))
#: What only the run-by-run decoding reads right: a byte past ASCII (UTF-8, GBK), an escaped '%'
#: (a run decoding to one stays as written), a '%' that escapes nothing before another '%' (%2%41:
#: a decoded character could make it an escape of the fast path), a NUL (the fast path's own mark).
_RUN_BY_RUN: Final = re.compile(r"%[89A-Fa-f][0-9A-Fa-f]|%25|%[0-9A-Fa-f]?%|\x00")
#: An escape whose decoding may change what a scan reads (RRR15br-3): one of a digit, a letter or a
#: sign of 0x3A-0x7E (%3X-%7X: '=' ':' '@' glue or part a value), of a byte past ASCII (%8X-%FX), or
#: of a blank or sign (%2X) before a letter or digit that a digit follows in the same word, a '+' in
#: it (its hex digit glues to a value as written: %2B86<mobile>, %20passport=E1..., %20+86<mobile>:
#: RRR15bt-4). %2F%20 between words, as in paths and query strings, decode to a separator where the
#: '%' as written is one already.
_MAY_READ_OTHERWISE: Final = re.compile(r"%(?:[3-9A-Fa-f][0-9A-Fa-f]|2[0-9A-Fa-f](?=[0-9A-Za-z_.=:+-]{0,24}?[0-9]))")
#: Encodings tried on a run of escapes, in order: the web's, then the one Chinese government
#: sites of the GB2312 era still post.
ENCODINGS: Final = ("utf-8", "gbk")


#: The last text percent_decoded read (up to _KEPT characters) and its reading, replaced whole: the ingest
#: scan (tagging) and the masker (ingest_masking) read one head decoded, the second the first's (RRR15bt-3).
_KEPT: Final = 8192
_last: tuple[str, tuple[str, list[int]]] = ("", ("", [0]))


def percent_decoded(value: str) -> tuple[str, list[int]]:
    """``value`` with its runs of ``%XX`` escapes decoded (UTF-8, else GBK; a run that is
    neither, or decodes to another '%', stays as it is) and, for every character of the decoded
    text and one past its end, the offset in ``value`` where it starts: a span [s, e) of the
    decoded text is [offsets[s], offsets[e]) of ``value``. The offsets are shared: read them only."""
    global _last
    last = _last
    if last[0] == value:
        return last[1]
    decoded = _decoded(value)
    if len(value) <= _KEPT:
        _last = (value, decoded)
    return decoded


def _decoded(value: str) -> tuple[str, list[int]]:
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


def may_read_otherwise(value: str, end: int) -> bool:
    """Whether ``value`` up to ``end`` holds an escape whose decoding may change a scan's answer
    (_MAY_READ_OTHERWISE); a text holding none is read as written only."""
    head = value[:end]
    return not plain_signs(head) and _MAY_READ_OTHERWISE.search(head) is not None


def plain_signs(value: str) -> bool:
    """Whether every '%' of ``value`` opens %2X (a blank's or a sign's escape, or none) and it holds
    no digit but the escapes' own: then no escape of it changes a scan's answer, and C-level counts
    say so (a search of the escapes one by one cost 50-90 µs on 4 KB of %2F%20, 3-5x its scan)."""
    escapes = value.count("%")
    if escapes != value.count("%2"):
        return False
    # surrogatepass: binary read with surrogateescape (a lone surrogate) is no digit, and no error
    shape = value.encode("utf-8", "surrogatepass").translate(_SHAPE)  # every digit '0', '%' kept, the rest 'a'
    return shape.count(b"0") == escapes + shape.count(b"%00")  # each escape's '2', a %20-%29's second digit


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
