"""The text of a raw record as Sigma keywords see it: a JSON record's strings unescaped.

Sigma keywords search "across an entire event" (Sigma specification, "Keywords search"), for
the values it holds. A raw record that is a JSON document (Winlogbeat, Suricata EVE, CloudTrail,
Kubernetes audit) writes some characters of its values as escapes (RFC 8259 section 7: a quote
as ``\\"``, a backslash as ``\\\\``, others as ``\\uXXXX``), so the keyword
``C:\\Windows\\System32\\cmd.exe`` or ``-c "id"`` is not in its text as written. Both stores
search :func:`json_text` of the raw record instead: the record with each string literal
decoded in place (the structure, names and other values kept, so a keyword found across them
before still is). A record that is not a JSON document, or holds no backslash (then no
escape), is its own text.
"""

from __future__ import annotations

import json
import re
from typing import Final, NoReturn

__all__ = ["json_text"]

#: A JSON string literal (RFC 8259 section 7), quotes included.
_STRING: Final[re.Pattern[str]] = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)


def json_text(raw: str) -> str:
    """``raw`` with its JSON string literals decoded, when it is a JSON object or array that
    holds an escape; else ``raw`` itself. A lone surrogate escape (``\\ud800``) becomes U+FFFD."""
    if "\\" not in raw or raw.lstrip()[:1] not in ("{", "["):
        return raw
    try:
        json.loads(raw, parse_constant=_not_json)
    except (ValueError, RecursionError):
        return raw  # not a JSON document (RFC 8259 has no NaN or Infinity): text, as written
    return _STRING.sub(_decoded, raw)


def _decoded(literal: re.Match[str]) -> str:
    value: str = json.loads(literal[0])
    return '"' + value.encode("utf-16", "surrogatepass").decode("utf-16", "replace") + '"'


def _not_json(name: str) -> NoReturn:
    raise ValueError(f"{name} is not JSON")
