"""Sigma regular expressions as RE2 expressions, which run in time linear in the value.

Python's ``re`` backtracks: SigmaHQ-shaped patterns such as ``(a+)+$`` or ``(.*a){20}`` take
hours on a hostile 100 KB log line, and one such line held up a whole SQLite detection pass
(R12f, 3). RE2 (google-re2, the library's own Python bindings) builds an automaton instead, and
groups do not capture (``never_capture``: a match needs no spans, and asking RE2 for a group's
span ran ``(.*a){100}`` over a 1 MB line for 3 s instead of 0.01 s, R12g F7); its bound is in
govsoc.store.sqlite_regexp. It has no backreferences, lookarounds, atomic groups or possessive
quantifiers; a pattern using them is given to Python's ``re`` under a CPU bound (ibid.).

:func:`re2_regexp` writes a Sigma (PCRE, no u flag: rules/backends/pcre.py) pattern so that RE2
matches exactly what PCRE matches, or gives None. What the two flavours share is kept as it is:
RE2's ``\\d``, ``\\w``, ``\\b`` and POSIX classes are ASCII, as PCRE's are without the u flag, and
``.``, ``^``, ``(?i)`` / ``(?s)`` / ``(?m)`` mean the same. What differs is rewritten or refused:

- ``\\s`` is PCRE's six spaces (VT included), RE2's five: written as the class of the six;
  ``\\S`` inside a class cannot be (None).
- ``\\w``, ``\\W`` and the POSIX classes are sets of ASCII characters in PCRE, which caseless
  matching leaves alone (only ``[:lower:]`` and ``[:upper:]`` become ``[:alpha:]``, pcre2_compile's
  class code); RE2 closes them under case folding when ``i`` is on, so its ``(?i)\\w`` took the
  Kelvin sign and the long s (R12g F1), and so did ``(?i)[[:alpha:]]``. Where ``i`` is on (the
  flags, or a scoped ``(?i:``, followed group by group) they are written in ``(?-i:...)``: ``\\w``
  as ``(?-i:\\w)``, a class holding them as its other members or ``(?-i:[...])`` of them; a negated
  class holding them and other members cannot be (None).
- ``^`` with ``m`` matches after a final newline in RE2, not in PCRE: refused where nothing need
  follow it (pcre.line_start_may_end), e.g. ``^$``, which PCRE answers only for an empty line.
- ``$`` without ``m`` matches before a final newline in PCRE, only at the end in RE2: written
  ``(?:\\n?\\z)`` where nothing can follow it, refused elsewhere.
- PCRE2's braces (``{,m}`` is ``{0,m}``, ``{x}`` a literal) as pcre.brace_quantifier reads them.
- Any escape, group kind or flag not listed here gives None: the pattern keeps Python's meaning.
"""

from __future__ import annotations

import functools
import re
from typing import Final

import re2

from govsoc.rules.backends.pcre import brace_quantifier, line_start_may_end

__all__ = ["re2_options", "re2_regexp"]

#: PCRE's \s without the u flag: space, HT, LF, VT, FF, CR (pcre2pattern, "Generic character types").
_SPACES: Final[str] = "\\t\\n\\x0B\\f\\r "
#: Escapes that mean the same in PCRE (no u flag) and RE2, outside and inside a class.
_SAME: Final[frozenset[str]] = frozenset("dDwWtnrfa")
#: A group opening RE2 and Python read as PCRE does: non-capturing (with scoped i/s flags), named.
_GROUP: Final[re.Pattern[str]] = re.compile(r"\(\?(?:[is]*(?:-[is]+)?:|P<[A-Za-z_]\w*>)")
_POSIX: Final[re.Pattern[str]] = re.compile(
    r"\[:\^?(?:alnum|alpha|ascii|blank|cntrl|digit|graph|lower|print|punct|space|upper|word|xdigit):\]")


def re2_options() -> re2.Options:
    """RE2's options for Sigma patterns: text as UTF-8, refusals raised, not logged, no captures."""
    options = re2.Options()
    options.log_errors = False
    options.never_capture = True
    return options


def re2_regexp(pattern: str, flags: str) -> str | None:
    """``pattern`` with ``flags`` (a subset of ``ims``) as one RE2 expression that matches
    what PCRE matches, or None when RE2 cannot say it or refuses it (see the module docstring)."""
    body = _rewrite(pattern, multiline="m" in flags, caseless="i" in flags)
    if body is None:
        return None
    written = (f"(?{flags})" if flags else "") + body
    return written if _accepted(written) else None


@functools.lru_cache(maxsize=1024)
def _accepted(written: str) -> bool:
    try:
        re2.compile(written, re2_options())
    except re2.error:
        return False  # too many repetitions (over 1,000), too large, a bad repetition...
    return True


def _rewrite(pattern: str, *, multiline: bool, caseless: bool) -> str | None:
    out: list[str] = []
    i = 0
    cases = [caseless]  # whether i is on, group by group
    while i < len(pattern):
        char = pattern[i]
        token: str | None
        if char == "\\":
            token, i = _escape(pattern, i, in_class=False, caseless=cases[-1])
        elif char == "[":
            token, i = _char_class(pattern, i, caseless=cases[-1])
        elif char == "{":
            brace = brace_quantifier(pattern, i)
            if brace is None:
                token, i = "\\{", i + 1
            else:
                low, high, i = brace
                token = "{" + low + "," + high + "}"
                if pattern.startswith("+", i):
                    return None  # possessive
        elif char == "(":
            group = _GROUP.match(pattern, i)
            if pattern.startswith("(?", i) and group is None:
                return None  # lookaround, atomic, comment, branch reset, (?m:, global flags...
            token, i = (group[0] if group else "("), (group.end() if group else i + 1)
            cases.append(_scoped_case(token, cases[-1]))
        elif char == ")":
            token, i = ")", i + 1
            if len(cases) > 1:
                cases.pop()
        elif char in "*+?":
            if pattern.startswith("+", i + 1):
                return None  # possessive
            token, i = char, i + 1
        elif char == "$" and not multiline:
            if not _at_end(pattern, i + 1, len(cases) - 1):
                return None
            token, i = "(?:\\n?\\z)", i + 1
        elif char == "^" and multiline and line_start_may_end(pattern, i + 1):
            return None  # PCRE's ^ does not match after a final newline (module docstring)
        else:
            token, i = char, i + 1
        if token is None:
            return None
        out.append(token)
    return "".join(out)


def _scoped_case(opening: str, caseless: bool) -> bool:
    """Whether ``i`` is on inside a group opening with ``opening`` (``(``, ``(?i:``, ``(?s-i:``)."""
    if not opening.startswith("(?") or opening.startswith("(?P"):
        return caseless
    on, _, off = opening[2:-1].partition("-")
    return True if "i" in on else False if "i" in off else caseless


def _at_end(pattern: str, i: int, depth: int) -> bool:
    """Nothing can follow a ``$`` ending at ``i``: only closing parentheses up to the end of
    the pattern, or up to a top-level ``|``."""
    while pattern.startswith(")", i):
        i, depth = i + 1, depth - 1
    return i == len(pattern) or (pattern.startswith("|", i) and depth == 0)


def _escape(pattern: str, i: int, *, in_class: bool, caseless: bool) -> tuple[str | None, int]:
    """The escape at ``i`` in RE2's syntax (None: refused) and the index after it."""
    letter = pattern[i + 1:i + 2]
    if not letter:
        return None, i + 1
    if caseless and letter in "wW" and not in_class:  # not folded (see the module docstring)
        return f"(?-i:\\{letter})", i + 2
    if letter in _SAME:
        return "\\" + letter, i + 2
    if letter == "s":
        return (_SPACES if in_class else f"[{_SPACES}]"), i + 2
    if letter == "S":
        return (None if in_class else f"[^{_SPACES}]"), i + 2
    if letter in "bBA" and not in_class:
        return "\\" + letter, i + 2
    if letter == "x":
        digits = pattern[i + 2:i + 4]
        ok = len(digits) == 2 and all(d in "0123456789abcdefABCDEF" for d in digits)
        return ("\\x" + digits if ok else None), i + 4
    if letter.isascii() and not letter.isalnum() and letter.isprintable():
        return "\\" + letter, i + 2  # an escaped punctuation character is itself
    return None, i + 2  # \Z, \z, \G, \h, \v, \R, \Q, \p, \1 ... keep Python's reading


def _char_class(pattern: str, i: int, *, caseless: bool) -> tuple[str | None, int]:
    """The class at ``i`` in RE2's syntax (None: refused) and the index after it. Under ``i`` its
    ASCII sets (``\\w``, ``\\W``, POSIX classes) are kept from folding (see the module docstring)."""
    i += 1
    negated = pattern.startswith("^", i)
    i += negated
    members: list[str] = []
    sets: list[str] = []  # under i: the members caseless matching must leave alone
    first = True
    while i < len(pattern):
        char = pattern[i]
        if char == "]" and not first:
            return _class(members, sets, negated), i + 1
        first = False
        token: str | None
        if char == "\\" and caseless and pattern[i + 1:i + 2] in ("w", "W"):
            sets.append(pattern[i:i + 2])
            i += 2
            continue
        if char == "\\":
            token, i = _escape(pattern, i, in_class=True, caseless=caseless)
        elif char == "[":
            posix = _POSIX.match(pattern, i)
            if posix and caseless:  # PCRE: [:lower:] and [:upper:] are [:alpha:] under i
                sets.append(re.sub(r"lower|upper", "alpha", posix[0]))
                i = posix.end()
                continue
            token, i = (posix[0], posix.end()) if posix else ("\\[", i + 1)
        elif char == "]":
            token, i = "\\]", i + 1
        else:
            token, i = char, i + 1
        if token is None:
            return None, i
        members.append(token)
    return None, i  # unterminated: Python's re names the error


def _class(members: list[str], sets: list[str], negated: bool) -> str | None:
    """A class of ``members`` (folded under i) and ``sets`` (never folded)."""
    if not sets:
        return "[" + "^" * negated + "".join(members) + "]"
    kept = "(?-i:[" + "^" * negated + "".join(sets) + "])"
    if not members:
        return kept
    if negated:
        return None  # neither a folded member nor one of the sets: RE2 has no intersection
    return "(?:[" + "".join(members) + "]|" + kept + ")"
