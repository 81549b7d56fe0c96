"""Sigma regular expressions as Lucene regexps.

The Sigma specification (modifiers appendix, "Regular Expression") defines the flavour: PCRE
with ``.``, the anchors ``^`` and ``$``, the quantifiers ``*``, ``+``, ``?``, ``{n,m}``, character
classes, groups and alternation, and the flags ``i``, ``m`` and ``s``; other metacharacters are
unsupported. A Sigma regexp searches (it matches anywhere unless anchored), as Python's
``re.search`` does on the SQLite store; a Lucene regexp must match the whole term, has no
anchors, no flags in its syntax, its ``.`` matches a newline, and ``@ & < > ~ #`` are operators.
:func:`lucene_regexp` rewrites the one into the other and refuses what it cannot express.
"""

from __future__ import annotations

import re
from typing import Any, Final

from govsoc.core.caseless import SIGMAS, fold
from govsoc.rules.backends.pcre import brace_quantifier, line_start_may_end
from govsoc.rules.backends.regex_structure import (
    check_groups,
    class_end,
    edge_group,
    end_group,
    ends_with_anchor,
    group_end,
    group_inner,
    split_alternatives,
    structure,
    top_level_groups,
)

__all__ = ["inline_flags", "lucene_regexp", "regexp_size", "relax_loops"]

#: Characters Lucene gives a meaning that PCRE does not: written escaped when meant literally.
_LUCENE_ONLY: Final[str] = '@&<>~#"/'
#: PCRE's generic character types without the u flag, which Sigma's flavour lacks (ASCII:
#: pcre2pattern, "Generic character types"; see rules/backends/pcre.py), as the members of an
#: explicit class. Lucene's own ``\s`` lacks VT and FF (seen on 8.19 and 9.2), and Elasticsearch
#: runs a keyword field's normalizer over a regexp query's pattern too, so on a lower-cased
#: (``.caseless``) field ``\S`` arrives as ``\s`` and means its opposite (``a\Wb`` found ``aXb``):
#: explicit classes mean the same everywhere.
_TYPES: Final[dict[str, str]] = {"d": "0-9", "w": "0-9A-Z_a-z", "s": " \t\n\v\f\r"}
#: The classes :data:`_TYPES` writes, standing alone.
_TYPE_CLASSES: Final[re.Pattern[str]] = re.compile(
    "|".join(re.escape(f"[{negated}{members}]") for members in _TYPES.values() for negated in ("", "^")))
#: PCRE escapes that are one literal character.
_CONTROL: Final[dict[str, str]] = {"n": "\n", "t": "\t", "r": "\r", "f": "\f", "v": "\v"}
_NOT_NEWLINE: Final[str] = "[^\n]"
_INLINE_FLAGS: Final[re.Pattern[str]] = re.compile(r"\(\?([a-zA-Z]+)\)")
#: Under i, the characters PCRE's caseless matching (Unicode simple case folding) takes with a
#: letter that the lower-cased field keeps apart from it: the long s is an s to PCRE, ſ on the
#: field (Java's toLowerCase leaves it). Written beside the letter, the regexp takes them too
#: (tests/rules/test_regex_meaning.py derives this table from every code point).
_APART: Final[dict[str, str]] = {
    "s": "\u017f", "\u03bc": "\u00b5", "\u03b9": "\u0345\u1fbe", "\u03b2": "\u03d0", "\u03b8": "\u03d1",
    "\u03c6": "\u03d5", "\u03c0": "\u03d6", "\u03ba": "\u03f0", "\u03c1": "\u03f1", "\u03b5": "\u03f5",
    "\u0432": "\u1c80", "\u0434": "\u1c81", "\u043e": "\u1c82", "\u0441": "\u1c83", "\u0442": "\u1c84\u1c85",
    "\u044a": "\u1c86", "\u0463": "\u1c87", "\ua64b": "\u1c88", "\u1e61": "\u1e9b"}
#: A letter with what :data:`_APART` adds to it, as _literal writes it.
_APART_CLASSES: Final[re.Pattern[str]] = re.compile("|".join(re.escape(f"[{k}{v}]") for k, v in _APART.items()))
#: An escaped w or W (a character type), inside a class or not.
_WORD_TYPE: Final[re.Pattern[str]] = re.compile(r"(?<!\\)(?:\\\\)*\\[wW]")
_QUANTIFIERS: Final[str] = "*+?}"
#: The most copies a relaxed count keeps before its loop (see _brace).
_OPEN_COPIES: Final[int] = 8
#: A loop after an atom of a Lucene regexp: *, + or an open repetition {m,}.
_LOOP: Final[re.Pattern[str]] = re.compile(r"[*+]|\{\d+,\}")


def lucene_regexp(pattern: str, *, ignore_case: bool = False, multiline: bool = False,
                  dotall: bool = False, relax_above: int | None = None) -> str:
    """The Lucene regexp matching exactly the terms that ``pattern`` finds a match in.

    With ``ignore_case`` the regexp is meant for a lower-cased (``.caseless``) field: its literal
    letters are folded. Anchors may stand at the ends of the pattern, or at the ends of
    alternatives of a group at an end, at any depth (SigmaHQ writes ``(^|/)`` and ``(/|$)``; the
    egov pack ``x(a|b(c|$))``). Raises ValueError, with the reason, for what the Sigma flavour
    does not define or an anchor elsewhere (``a^b``, ``x(^a|b)``).

    ``relax_above``: a bounded repetition ``{m,n}`` or ``{n}`` with ``n`` above it is written
    ``{k,}`` (``k`` the least of ``m`` and :data:`_OPEN_COPIES`), and the regexp matches a
    superset (Elasticsearch refuses to determinize ``[^"]{0,64}abc`` as too complex, and
    ``[ab]*a[ab]{999}``, whose count makes the automaton remember every a of the last 1,000
    characters; its caller then checks every candidate exactly).
    """
    inline = _INLINE_FLAGS.match(pattern)
    if inline:
        # SigmaHQ writes flags inline, as PCRE allows: (?i) at the start is the i modifier.
        if set(inline[1]) - set("ims"):
            raise ValueError(f"inline flags ({inline[0]}) beyond i, m and s are not supported")
        ignore_case |= "i" in inline[1]
        multiline |= "m" in inline[1]
        dotall |= "s" in inline[1]
        pattern = pattern[inline.end():]
    options: dict[str, Any] = {"ignore_case": ignore_case, "multiline": multiline, "dotall": dotall,
                               "relax_above": relax_above}
    check_groups(pattern)
    if ignore_case and _WORD_TYPE.search(pattern):
        # The .caseless field holds the value lower-cased as Java does: the Kelvin sign is a k
        # there and İ an i, word characters to a class, where PCRE's \w and \W (ASCII sets
        # that caseless matching leaves alone) take them as the non-word characters they are.
        raise ValueError("\\w or \\W with i: the lower-cased field turns the Kelvin sign and İ into ASCII letters")
    if multiline and any(char == "^" and line_start_may_end(pattern, i + 1) for i, char, _ in structure(pattern)):
        # (.*\n)? before the rest would take a final newline with nothing after it: PCRE's ^ is not there.
        raise ValueError("'^' with m where nothing need follow it: PCRE's ^ does not match after a final "
                         "newline, which a Lucene regexp cannot tell")
    alternatives = split_alternatives(pattern)
    if len(alternatives) > 1:
        # A search for A|B finds what a search for A or one for B finds.
        return "(" + "|".join(lucene_regexp(a, **options) for a in alternatives) + ")"
    spans = top_level_groups(pattern)
    if spans == [(0, len(pattern) - 1)] and not pattern.startswith("(?"):
        return lucene_regexp(pattern[1:-1], **options)  # one group around everything
    flags: dict[str, Any] = {"ignore_case": ignore_case, "dotall": dotall, "relax_above": relax_above}
    edges = _Edges(flags, multiline)
    head = tail = None
    lead = end_group(pattern, leading=True)
    if lead is not None:
        inner, pattern = lead
        head = edges.head(inner)
    trail = end_group(pattern, leading=False)
    if trail is not None:
        inner, pattern = trail
        tail = edges.tail(inner)
    body, anchored_start, anchored_end = _body(pattern, **flags)
    if (anchored_start and head is not None) or (anchored_end and tail is not None):
        raise ValueError("an anchor after a group that holds one at the same end of the pattern")
    if head is None:
        head = ("(.*\n)?" if multiline else "") if anchored_start else ".*"
    if tail is None:
        # PCRE's '$' matches at the end or before a final newline; with 'm' before any newline.
        tail = ("(\n.*)?" if multiline else "\n?") if anchored_end else ".*"
    return head + "(" + body + ")" + tail


class _Edges:
    """The ends of a pattern whose first (last) group holds an anchor: what may stand before
    (after) each alternative, written into it. ``(^|/)x`` searches for x at the start or after
    a slash; ``x(a|b$)`` for xa anywhere, or xb at the end; groups nest (``x(a|b(c|$))``)."""

    def __init__(self, flags: dict[str, Any], multiline: bool) -> None:
        self.flags, self.multiline = flags, multiline

    def head(self, text: str) -> str:
        """Lucene for anything a search lets stand before ``text``, then ``text``."""
        alternatives = split_alternatives(text)
        if len(alternatives) > 1:
            others = [a for a in alternatives if a != "^"]
            if len(others) == len(alternatives):
                return "(" + "|".join(self.head(a) for a in alternatives) + ")"
            # '^' alone: nothing before (with 'm', a line before)
            return _optional([self.head(a) for a in others] + ([".*\n"] if self.multiline else []))
        if text.startswith("^"):
            return ("(.*\n)?" if self.multiline else "") + self.plain(text[1:])
        group = edge_group(text, leading=True)
        if group is not None:
            start, end = group
            return "(" + self.head(group_inner(text, start, end)) + ")" + self.plain(text[end + 1:])
        return ".*" + self.plain(text)

    def tail(self, text: str) -> str:
        """Lucene for ``text``, then anything a search lets follow it."""
        alternatives = split_alternatives(text)
        if len(alternatives) > 1:
            others = [a for a in alternatives if a != "$"]
            if len(others) == len(alternatives):
                return "(" + "|".join(self.tail(a) for a in alternatives) + ")"
            # '$' alone: nothing after but a final newline (with 'm', a newline and more)
            return _optional([self.tail(a) for a in others] + ["\n.*" if self.multiline else "\n"])
        if ends_with_anchor(text):
            return self.plain(text[:-1]) + ("(\n.*)?" if self.multiline else "\n?")
        group = edge_group(text, leading=False)
        if group is not None:
            start, end = group
            return self.plain(text[:start]) + "(" + self.tail(group_inner(text, start, end)) + ")"
        return self.plain(text) + ".*"

    def plain(self, text: str) -> str:
        """``text`` in Lucene syntax, refused if it holds an anchor (its place is not an end)."""
        body, anchored_start, anchored_end = _body(text, **self.flags)
        if anchored_start or anchored_end:
            raise ValueError(f"an anchor inside {text!r}, which is not at an end of the pattern")
        return body


def _optional(alternatives: list[str]) -> str:
    """Lucene for "one of the alternatives, or nothing" (Lucene refuses an empty branch)."""
    return "(" + "|".join(alternatives) + ")?" if alternatives else ""


def relax_loops(lucene: str) -> str:
    """A superset of a Lucene regexp that Elasticsearch builds far faster: every atom repeated by
    ``*``, ``+`` or ``{m,}`` (a group, a character class, a character) written ``.*``, which
    matches whatever the loop matched. Elasticsearch builds a regexp's automaton again on every
    shard (a daily index each); a long unanchored pattern whose loops overlap (``[^*/]*`` inside
    a comment, optional encodings) cost seconds a shard. The caller checks each candidate exactly."""
    out: list[str] = []
    i = 0
    while i < len(lucene):
        start, char = i, lucene[i]
        if char == "\\":
            i += 2
        elif char == "[":
            i = class_end(lucene, i)
        elif char == "(":
            i = group_end(lucene, i) + 1
        else:
            i += 1
        loop = _LOOP.match(lucene, i) if char not in "|)" else None
        if loop is not None:
            i = loop.end()
            if out[-1:] != [".*"]:
                out.append(".*")
        elif char == "(":
            out.append("(" + relax_loops(lucene[start + 1:i - 1]) + ")")
        else:
            out.append(lucene[start:i])
    return "".join(out)


def regexp_size(lucene: str) -> int:
    """The length of a Lucene regexp with each character type (``\\d``, ``\\S``...) counted as
    the two characters a rule writes it with: the class :func:`lucene_regexp` writes for it
    (see :data:`_TYPES`) is one character set to the node, as Lucene's own ``\\s`` is; and a
    letter written with what the field keeps apart from it (``[sſ]``, :data:`_APART`) as one."""
    return len(_APART_CLASSES.sub(".", _TYPE_CLASSES.sub("..", lucene)))


def inline_flags(pattern: str) -> tuple[str, str]:
    """The flags a pattern sets inline at its start (``(?i)...``) and the pattern without them."""
    inline = _INLINE_FLAGS.match(pattern)
    return (inline[1], pattern[inline.end():]) if inline else ("", pattern)


def _body(pattern: str, *, ignore_case: bool, dotall: bool, relax_above: int | None = None) -> tuple[str, bool, bool]:
    """The pattern without its end anchors, in Lucene syntax, and which ends were anchored."""
    out: list[str] = []
    i = 0
    anchored_start = anchored_end = False
    quantified = False  # the previous token was a quantifier: a ? or + after it modifies it
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            token, i = _escape(pattern, i, ignore_case)
            out.append(token)
            quantified = False
            continue
        if char == "[":
            token, i = _char_class(pattern, i, ignore_case)
            out.append(token)
            quantified = False
            continue
        if char == "^":
            if i != 0:
                raise ValueError("'^' is supported at the start of the pattern or of a group there only")
            anchored_start = True
        elif char == "$":
            if i != len(pattern) - 1:
                raise ValueError("'$' is supported at the end of the pattern or of a group there only")
            anchored_end = True
        elif char == "(":
            if pattern.startswith("(?:", i):
                i += 2
            elif pattern.startswith("(?", i):
                raise ValueError("only plain and (?:...) groups are supported")
            out.append("(")
        elif char == ".":
            out.append("." if dotall else _NOT_NEWLINE)
        elif char in "?+" and quantified:
            if char == "+":
                raise ValueError("possessive quantifiers are not supported")
            # a lazy quantifier matches the same strings as the greedy one before it
        elif char == "{":
            token, i = _brace(pattern, i, relax_above)
            out.append(token)
            char = token[-1]  # at its end: '}' for a quantifier, as the loop's end records
        elif char in ")|":
            if out[-1:] in (["("], ["|"]) or (char == "|" and not out):
                out.append("()")  # an empty alternative, (?:x|): Lucene refuses an empty branch
            out.append(char)
        elif char in "*+?,":
            out.append(char)
        elif char == "}":
            out.append("\\}")  # no quantifier's end: a literal (Lucene would refuse it)
            char = "\\"
        else:
            out.append(_literal(char, ignore_case))
        quantified = char in _QUANTIFIERS and not quantified
        i += 1
    if out[-1:] == ["|"]:
        out.append("()")
    return "".join(out), anchored_start, anchored_end


def _brace(pattern: str, i: int, relax_above: int | None) -> tuple[str, int]:
    """The ``{`` at ``i`` in Lucene syntax and the index of its last character: a quantifier
    as PCRE2 reads it (``{,m}`` is ``{0,m}``; with ``relax_above`` a bound over it is dropped,
    see :func:`lucene_regexp`), else a literal brace, which Lucene would read as a repetition."""
    brace = brace_quantifier(pattern, i)
    if brace is None:
        return "\\{", i
    low, high, end = brace
    if relax_above is not None and high and int(high) > relax_above:
        # {n} too, and at most _OPEN_COPIES copies before the loop: Lucene writes {n,} as n
        # copies, and determinizing [ab]*a[ab]{n,} remembers every a among them (the node refused
        # n = 32 as it did 999 and 12; it builds 8)
        return "{" + str(min(int(low or 0), _OPEN_COPIES)) + ",}", end - 1
    return "{" + low + ("" if high == low else "," + high) + "}", end - 1


def _literal(char: str, ignore_case: bool) -> str:
    if ignore_case:
        char = fold(char)
        if char == SIGMAS[0]:  # σ, Σ or ς: the field may hold σ or ς (govsoc.core.caseless)
            return f"[{SIGMAS}]"
        if char in _APART:
            return f"[{char}{_APART[char]}]"
    return "\\" + char if char in _LUCENE_ONLY else char


def _escape(pattern: str, i: int, ignore_case: bool) -> tuple[str, int]:
    if i + 1 >= len(pattern):
        raise ValueError("a trailing backslash")
    char = pattern[i + 1]
    if char.lower() in _TYPES:
        return ("[^" if char.isupper() else "[") + _TYPES[char.lower()] + "]", i + 2
    if char in _CONTROL:
        return _CONTROL[char], i + 2
    if char.isalnum():
        raise ValueError(f"the escape \\{char} is not part of the Sigma regular expression flavour")
    return "\\" + char, i + 2


def _char_class(pattern: str, i: int, ignore_case: bool) -> tuple[str, int]:
    out = ["["]
    i += 1
    negated = i < len(pattern) and pattern[i] == "^"
    if negated:
        out.append("^")
        i += 1
    first = True
    # negated character types in a class (see _TYPES): [a\S] is [a] or [^ \t\n\v\f\r]
    outside: list[str] = []
    apart: list[str] = []  # under i, what the field keeps apart from a member (see _APART)
    while i < len(pattern):
        char = pattern[i]
        if char == "]" and not first:
            out.extend([*apart, "]"])
            if not outside:
                return "".join(out), i + 1
            members = [] if len(out) == 2 else ["".join(out)]
            return "(" + "|".join(members + outside) + ")", i + 1
        first = False
        if char == "\\":
            kind = pattern[i + 1:i + 2]
            if kind.lower() in _TYPES and kind.isupper():
                if negated:  # neither a nor a non-space ([^a\S]) is an intersection
                    raise ValueError(f"a negated class with \\{kind} is not supported")
                outside.append("[^" + _TYPES[kind.lower()] + "]")
                i += 2
                continue
            if kind in _TYPES:
                out.append(_TYPES[kind])
                i += 2
                continue
            token, i = _escape(pattern, i, ignore_case)
            out.append(token)
            continue
        if char == "[":
            raise ValueError("nested or POSIX classes are not supported")
        if ignore_case:
            char = fold(char)
            low = out[-2] if out[-1:] == ["-"] and len(out) > 2 + negated else char  # a range's start
            apart.extend(v for k, v in _APART.items() if len(low) == 1 and low <= k <= char)
            char = SIGMAS if char == SIGMAS[0] else char
        out.append("\\" + char if char in _LUCENE_ONLY or char == "]" else char)
        i += 1
    raise ValueError("an unterminated character class")
