"""Sigma regular expressions as Python regular expressions that mean what PCRE means.

The Sigma specification (modifiers appendix, "Regular Expression") gives ``|re`` the PCRE
flavour, flags ``i``, ``m`` and ``s`` only: no ``u`` (UTF/UCP) flag. Without it PCRE's generic
character types and word boundaries are ASCII (pcre2pattern, "Generic character types": ``\\d``
any character that matches ``[0-9]``, ``\\s`` space, HT, LF, VT, FF, CR, ``\\w`` letters, digits
and underscore of ASCII), where Python's ``re`` on text gives them their Unicode meaning (``١``
and ``１`` are digits, ``é`` a word character, NBSP a space). PCRE2 10.43 and Perl 5.34 read
``{,n}`` as ``{0,n}``, and a ``{`` that starts no quantifier (``{,}``, ``{x}``) as a literal,
where Python reads ``{,}`` as ``*``. :func:`python_regexp` rewrites those parts and leaves the
rest to ``re``; the Elasticsearch backend gives Lucene the same meaning (rules/backends/regex.py),
so the two stores answer alike.

POSIX classes inside a class (``[[:alpha:]]``, ``[[:^digit:]]``) are ASCII sets without the u flag
(pcre2pattern, "Posix character classes"); Python's ``re`` has none and read ``[[:alpha:]]+`` as
the set ``[:alph`` then a literal ``]`` (R12c F5): they are written out as ranges.

Caseless matching (``i``) keeps PCRE's UTF behaviour for letters (``é`` matches ``É``): only the
character types are ASCII, so they are wrapped in ASCII groups (``(?a:\\d)``), not the whole
pattern (``re.ASCII`` would also make ``i`` ASCII-only).
"""

from __future__ import annotations

import re
import string
from typing import Final

from govsoc.core.errors import RuleError

__all__ = ["brace_quantifier", "python_regexp"]

#: PCRE's generic character types and word boundaries, which are ASCII without the u flag.
_ASCII_ESCAPES: Final[frozenset[str]] = frozenset("dDwWsSbB")
#: The types that may stand in a character class (``\b`` there is a backspace in both flavours).
_CLASS_TYPES: Final[frozenset[str]] = frozenset("dDwWsS")
#: A brace that starts a quantifier, PCRE2 10.43 syntax without spaces: {n}, {n,}, {n,m}, {,m}.
_BRACE: Final[re.Pattern[str]] = re.compile(r"\{(\d*)(?:(,)(\d*))?\}")
#: PCRE2's POSIX classes without the u flag: sets of ASCII characters (pcre2pattern).
_POSIX: Final[dict[str, str]] = {
    "alnum": string.ascii_letters + string.digits, "alpha": string.ascii_letters,
    "ascii": "".join(map(chr, range(128))), "blank": " \t",
    "cntrl": "".join(map(chr, [*range(32), 127])), "digit": string.digits,
    "graph": "".join(map(chr, range(33, 127))), "lower": string.ascii_lowercase,
    "print": "".join(map(chr, range(32, 127))), "punct": string.punctuation, "space": " \t\n\v\f\r",
    "upper": string.ascii_uppercase, "word": string.ascii_letters + string.digits + "_",
    "xdigit": string.hexdigits}


def brace_quantifier(pattern: str, i: int) -> tuple[str, str, int] | None:
    """The quantifier starting at the ``{`` at ``i`` as its minimum, its maximum ("" for none)
    and the index after it; None when the brace is a literal (PCRE2: ``{,}``, ``{}``, ``{x}``
    are literal text; ``{,m}`` is ``{0,m}``)."""
    brace = _BRACE.match(pattern, i)
    if brace is None or not (brace[1] or brace[3]):
        return None
    low = brace[1] or "0"
    return low, brace[3] if brace[2] else low, brace.end()


def python_regexp(pattern: str) -> str:
    """``pattern`` (the Sigma/PCRE flavour) rewritten for Python's ``re`` so that it matches what
    PCRE matches without the u flag (see the module docstring); flags stay as they are."""
    out: list[str] = []
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            escape = pattern[i:i + 2]
            out.append(f"(?a:{escape})" if escape[1:] in _ASCII_ESCAPES and len(escape) == 2 else escape)
            i += 2
        elif char == "[":
            token, i = _char_class(pattern, i)
            out.append(token)
        elif char == "{":
            brace = brace_quantifier(pattern, i)
            if brace is None:
                out.append("\\{")
                i += 1
            else:
                low, high, i = brace
                out.append("{" + low + "," + high + "}")
        else:
            out.append(char)
            i += 1
    return "".join(out)


def _posix_class(text: str) -> str:
    """A POSIX class (``[:alpha:]``, ``[:^alpha:]``) as the ranges of a Python class."""
    name = text[2:-2]
    negated = name.startswith("^")
    members = _POSIX.get(name.removeprefix("^")) if text.endswith(":]") else None
    if members is None:
        raise RuleError(f"|re: {text!r} is no POSIX class (alnum, alpha, ascii, blank, cntrl, digit, graph, "
                        "lower, print, punct, space, upper, word, xdigit)")
    points = sorted(map(ord, members))
    runs: list[tuple[int, int]] = []
    for point in points:
        if runs and runs[-1][1] == point - 1:
            runs[-1] = (runs[-1][0], point)
        else:
            runs.append((point, point))
    if negated:  # every other character, beyond ASCII too
        bounds = [-1, *(b for run in runs for b in run), 0x110000]
        runs = [(bounds[k] + 1, bounds[k + 1] - 1) for k in range(0, len(bounds), 2) if bounds[k] + 1 < bounds[k + 1]]
    return "".join(f"\\U{low:08x}-\\U{high:08x}" for low, high in runs)


def _char_class(pattern: str, i: int) -> tuple[str, int]:
    """The class at ``i`` and the index after it. A class holding a character type is split
    into its other members and each type in an ASCII group: ``[a\\d]`` is ``(?:[a]|(?a:\\d))``,
    ``[^a\\d]`` is one character that is neither (any character: a negated class takes a
    newline)."""
    start = i
    i += 1
    negated = pattern.startswith("^", i)
    if negated:
        i += 1
    members: list[str] = []
    types: list[str] = []
    first = True
    while i < len(pattern):
        char = pattern[i]
        if char == "]" and not first:
            break
        first = False
        if char == "\\":
            escape = pattern[i:i + 2]
            (types if escape[1:] in _CLASS_TYPES and len(escape) == 2 else members).append(escape)
            i += 2
        elif char == "[" and pattern.startswith("[:", i):  # a POSIX class: up to its ':]'
            end = pattern.find(":]", i + 2)
            end = len(pattern) if end < 0 else end + 2
            members.append(_posix_class(pattern[i:end]))
            i = end
        else:
            members.append(char)
            i += 1
    else:
        return pattern[start:], len(pattern)  # unterminated: re names the error
    end = i + 1
    if not types:
        return "[" + "^" * negated + "".join(members) + "]", end
    alternatives = ([f"[{''.join(members)}]"] if members else []) + [f"(?a:{t})" for t in types]
    if negated:
        return "(?:(?!" + "|".join(alternatives) + ")(?s:.))", end
    return "(?:" + "|".join(alternatives) + ")", end
