"""Text that is safe to send to a terminal: log lines and file names are data, and a control
character in them must be shown, never obeyed. Kept apart from cli.output so that commands
which print plain lines (`govsoc ingest`) do not import rich."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

#: C0 controls except tab and newline, DEL, the C1 controls, and every Unicode format character
#: (category Cf) with the line and paragraph separators (Zl, Zp): the bidirectional controls
#: (U+061C, U+200E/F, U+202A-U+202E, U+2066-U+2069: "Trojan Source", CVE-2021-42574), which reorder
#: what follows them on the screen; the invisible ones, zero-width space and joiners, word joiner,
#: soft hyphen, BOM, tag characters (U+E0000 block), which make "ro<U+200B>ot" look like "root"
#: (R49a-5); U+2028/U+2029, which some terminals take as a line break. Also the other invisible
#: code points (Default_Ignorable and blank letters, R49b-6): the combining grapheme joiner U+034F,
#: the Hangul fillers, Khmer U+17B4/5, the variation selectors, the braille blank. Shown, never
#: sent to the terminal. So a Persian or Indic word spelt with ZWNJ/ZWJ, an emoji sequence joined
#: by ZWJ or with a variation selector, shows those characters as escapes: a log's text is read
#: here for what it holds, not for how it looks. The class is written out (building it from
#: unicodedata costs a third of a second at each start) from Unicode 15.1's Cf, Zl and Zp (the
#: Egyptian format controls to U+1343F: Python 3.12 and 3.13); a test holds it a superset of
#: the running Python's.
#: Surrogates too: a file name that is not UTF-8 (a GBK name) is decoded with surrogateescape, each
#: undecodable byte becoming U+DC80-U+DCFF, shown as that byte (``\xc8``), never written raw.
_CONTROL = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u034f\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2"
    r"\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\u2800\u3164"
    r"\ud800-\udfff\ufe00-\ufe0f\ufeff\uffa0\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f"
    r"\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f\U000e0100-\U000e01ef]")
#: What of it pure ASCII text can hold (C0 and DEL): the class above costs four times as much a
#: character, its members beyond U+FFFF (R49b-4), and most output is ASCII.
_ASCII_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
#: What else must not break a one-line cell: line breaks (also U+2028/U+2029) and tabs.
_BREAKS = re.compile(r"[\t\n\u2028\u2029]")


def _escape(m: re.Match[str]) -> str:
    code = ord(m.group())
    if 0xDC80 <= code <= 0xDCFF:  # surrogateescape's undecodable byte
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def printable(text: str) -> str:
    """``text`` with terminal control characters written as ``\\xNN`` (``\\uNNNN`` above U+00FF,
    ``\\UNNNNNNNN`` above U+FFFF)."""
    return (_ASCII_CONTROL if text.isascii() else _CONTROL).sub(_escape, text)


def one_line(text: str) -> str:
    """:func:`printable`, with line breaks and tabs escaped too: for table cells and names, where a
    newline in the data would forge a row of its own."""
    return _BREAKS.sub(_escape, printable(text))


def terminal_json(text: str) -> str:
    """JSON text (``json.dumps(..., ensure_ascii=False)``) with the characters :func:`printable`
    shows written as JSON escapes (``\\u009b``) instead: the document reads back the same, and a
    C1 control (U+009B is CSI to a terminal) or a bidirectional override in a value, which
    json.dumps leaves as it is, never reaches the terminal raw. Line breaks between members stay."""
    return (_ASCII_CONTROL if text.isascii() else _CONTROL).sub(_json_escape, text)


def _json_escape(m: re.Match[str]) -> str:
    """A character as a JSON escape: beyond U+FFFF as its UTF-16 surrogate pair (RFC 8259 §7)."""
    code = ord(m.group())
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def json_for_terminal(value: Any, *, default: Callable[[Any], Any] | None = None) -> str:
    """``value`` as indented JSON (UTF-8 text kept readable) through :func:`terminal_json`: what
    every ``--format json`` output prints, so that none sends a C1 or bidirectional control raw."""
    return terminal_json(json.dumps(value, ensure_ascii=False, indent=2, default=default))
