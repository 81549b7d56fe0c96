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

Caseless matching (``i``) keeps PCRE's UTF behaviour for letters (``é`` matches ``É``). The
character types and POSIX classes are sets of ASCII characters that caseless matching does not
widen beyond ASCII (PCRE's ``\\w`` takes neither the Kelvin sign nor the long s under ``i``; its
``[:lower:]`` and ``[:upper:]`` become ``[:alpha:]``, pcre2_compile's class code): each is written
as an explicit set in an ASCII group, ``(?a:[0-9A-Za-z_])``, whose ``i`` folds ASCII letters
only, and not the whole pattern (``re.ASCII`` would also make ``i`` ASCII-only for letters).
Not ``(?a:\\W)``: CPython 3.11 builds the set a match may start with from a pattern's first
category without the group's ASCII flag, so a pattern starting with ``(?a:\\W)``, ``(?a:\\S)``
or ``(?a:\\D)`` skipped every non-ASCII letter, space or digit (``\\W(?=cmd)`` missed "中cmd",
R12g F2).
"""

from __future__ import annotations

import re
import string
from typing import Final

from govsoc.core.errors import RuleError

__all__ = ["brace_quantifier", "line_start_may_end", "python_regexp"]

#: PCRE's generic character types without the u flag: the ASCII set each is, and whether it is
#: that set's complement (pcre2pattern, "Generic character types"). They stand in a class too.
_TYPES: Final[dict[str, tuple[str, bool]]] = {
    "d": ("0-9", False), "D": ("0-9", True), "w": ("0-9A-Za-z_", False), "W": ("0-9A-Za-z_", True),
    "s": ("\\t\\n\\x0b\\f\\r ", False), "S": ("\\t\\n\\x0b\\f\\r ", True)}
#: A brace that starts a quantifier, PCRE2 10.43 syntax without spaces: {n}, {n,}, {n,m}, {,m}.
_BRACE: Final[re.Pattern[str]] = re.compile(r"\{(\d*)(?:(,)(\d*))?\}")
#: A group that turns multiline matching on for its inside, ``(?m:`` or ``(?im-s:``.
_MULTILINE_GROUP: Final[re.Pattern[str]] = re.compile(r"\(\?[a-zA-Z]*m[a-zA-Z]*(?:-[a-zA-Z]*)?:")
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


def python_regexp(pattern: str, *, multiline: bool = False) -> str:
    """``pattern`` (the Sigma/PCRE flavour) rewritten for Python's ``re`` so that it matches what
    PCRE matches without the u flag (see the module docstring); flags stay as they are.
    ``multiline``: the ``m`` flag is on (a scoped ``(?m:`` in the pattern counts too), so a ``^``
    that nothing need follow is written ``(?:\\A|^(?!\\Z))``: not after a final newline, as in
    PCRE (:func:`line_start_may_end`); the same without ``m``, where ``^`` is ``\\A``."""
    multiline = multiline or _MULTILINE_GROUP.search(pattern) is not None
    out: list[str] = []
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            escape = pattern[i:i + 2]
            kind = escape[1:]
            if kind in _TYPES:
                out.append(_ascii_set(*_TYPES[kind]))
            else:  # \b and \B are assertions: no set to start a match with (see the docstring)
                out.append(f"(?a:{escape})" if kind in ("b", "B") else escape)
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
        elif char == "^" and multiline and line_start_may_end(pattern, i + 1):
            out.append("(?:\\A|^(?!\\Z))")
            i += 1
        else:
            out.append(char)
            i += 1
    return "".join(out)


def _ascii_set(members: str, negated: bool) -> str:
    """An ASCII set as a Python class that ``i`` folds within ASCII only (see the docstring)."""
    return f"(?a:[{'^' * negated}{members}])"


def _posix_class(text: str) -> tuple[str, bool]:
    """A POSIX class (``[:alpha:]``, ``[:^alpha:]``) as the ranges of a Python class, and whether
    it is their complement."""
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
    return "".join(f"\\x{low:02x}-\\x{high:02x}" for low, high in runs), negated


def _char_class(pattern: str, i: int) -> tuple[str, int]:
    """The class at ``i`` and the index after it. A class holding a character type or a POSIX
    class is split into its other members and each such set in an ASCII group: ``[a\\d]`` is
    ``(?:[a]|(?a:[0-9]))``, ``[^a\\d]`` is one character that is neither (any character: a negated
    class takes a newline); a class of one set alone is that set (``[^\\d]`` is ``(?a:[^0-9])``)."""
    start = i
    i += 1
    negated = pattern.startswith("^", i)
    if negated:
        i += 1
    members: list[str] = []
    sets: list[tuple[str, bool]] = []
    first = True
    while i < len(pattern):
        char = pattern[i]
        if char == "]" and not first:
            break
        first = False
        if char == "\\":
            escape = pattern[i:i + 2]
            if escape[1:] in _TYPES:
                sets.append(_TYPES[escape[1:]])
            else:
                members.append(escape)
            i += 2
        elif char == "[" and pattern.startswith("[:", i):  # a POSIX class: up to its ':]'
            end = pattern.find(":]", i + 2)
            end = len(pattern) if end < 0 else end + 2
            sets.append(_posix_class(pattern[i:end]))
            i = end
        else:
            members.append(char)
            i += 1
    else:
        return pattern[start:], len(pattern)  # unterminated: re names the error
    end = i + 1
    if not sets:
        return "[" + "^" * negated + "".join(members) + "]", end
    if not members and len(sets) == 1:
        set_members, set_negated = sets[0]
        return _ascii_set(set_members, set_negated != negated), end
    alternatives = ([f"[{''.join(members)}]"] if members else []) + [_ascii_set(*s) for s in sets]
    if negated:
        return "(?:(?!" + "|".join(alternatives) + ")(?s:.))", end
    return "(?:" + "|".join(alternatives) + ")", end


def line_start_may_end(pattern: str, i: int) -> bool:
    """Whether what follows a ``^`` ending at ``i`` may match nothing, so that under ``m`` the
    ``^`` could stand at the end of a value that ends with a newline (PCRE's ``^`` does not match
    there: pcre2pattern, "Circumflex and dollar"; RE2's, Python's and a Lucene ``(.*\\n)?`` do).
    Conservative: True unless an atom that takes a character surely comes first in the same
    alternative (a group, ``|`` or ``)`` ends the look)."""
    while i < len(pattern):
        char = pattern[i]
        if char in "|()":
            return True
        if char in "^$":
            i += 1
            continue
        if char == "\\":
            letter = pattern[i + 1:i + 2]
            if letter in ("b", "B", "A", "z", "Z", "G"):
                i += 2
                continue
            if not letter or letter.isdigit() or letter in "QEKx":  # a backreference may be empty
                return True
            end = i + 2
        elif char == "[":
            end = _class_end(pattern, i)
        else:
            end = i + 1
        quantifier = pattern[end:end + 1]
        if quantifier in ("*", "?"):
            i = end + 1 + (pattern[end + 1:end + 2] in ("?", "+"))
            continue
        brace = brace_quantifier(pattern, end) if quantifier == "{" else None
        if brace is not None and brace[0] == "0":
            i = brace[2] + (pattern[brace[2]:brace[2] + 1] in ("?", "+"))
            continue
        return False
    return True


def _class_end(pattern: str, i: int) -> int:
    """The index after the class that starts at ``i`` (its end when unterminated)."""
    i += 1 + pattern.startswith("^", i + 1)
    first = True
    while i < len(pattern):
        if pattern[i] == "\\":
            i += 2
        elif pattern.startswith("[:", i) and ":]" in pattern[i + 2:]:
            i = pattern.index(":]", i + 2) + 2
        elif pattern[i] == "]" and not first:
            return i + 1
        else:
            i += 1
        first = False
    return i
