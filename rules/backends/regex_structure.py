"""The group structure of a Sigma (PCRE) regular expression, read without compiling it.

Part of the rules stage's Lucene conversion (rules/backends/regex.py): the walk over a pattern's
characters outside escapes and character classes (Sigma specification, modifiers appendix,
"Regular Expression": groups, alternation and classes), the groups and alternatives at the top
level, and the groups at either end that hold an anchor (``(^|/)x``, ``x(/|$)``).
"""

from __future__ import annotations

from collections.abc import Iterator

__all__ = ["anchored", "check_groups", "class_end", "edge_group", "end_group", "ends_with_anchor",
           "group_end", "group_inner", "split_alternatives", "structure", "top_level_groups"]


def check_groups(pattern: str) -> None:
    """Refuse a pattern whose parentheses do not pair (Lucene would be sent a broken regexp)."""
    depth = 0
    for _, char, _ in structure(pattern):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            raise ValueError("a ')' that closes no group")
    if depth:
        raise ValueError("an unclosed group")


def group_end(text: str, i: int) -> int:
    """The index of the ``)`` that closes the group opening at ``i``."""
    for j, char, depth in structure(text[i:]):
        if char == ")" and depth == 1:
            return i + j
    raise ValueError("an unclosed group")


def end_group(pattern: str, *, leading: bool) -> tuple[str, str] | None:
    """The group at the start (end) of ``pattern`` when one of its alternatives is anchored at
    that end, at any depth (``(^|/)x``, ``x(/|$)``, ``x(a|b(c|$))``): its inside and the rest
    of the pattern, or None."""
    group = edge_group(pattern, leading=leading)
    if group is None:
        return None
    start, end = group
    return group_inner(pattern, start, end), (pattern[end + 1:] if leading else pattern[:start])


def edge_group(text: str, *, leading: bool) -> tuple[int, int] | None:
    """The span of the plain or ``(?:`` group that opens (closes) ``text``, unrepeated, when an
    alternative inside it is anchored at that end (see :func:`end_group`); else None."""
    groups = top_level_groups(text)
    if not groups:
        return None
    start, end = groups[0] if leading else groups[-1]
    if (leading and (start != 0 or text[end + 1:end + 2] in tuple("*+?{"))) \
            or (not leading and end != len(text) - 1):
        return None
    if text.startswith("(?", start) and not text.startswith("(?:", start):
        return None
    return (start, end) if anchored(group_inner(text, start, end), leading=leading) else None


def anchored(text: str, *, leading: bool) -> bool:
    """Whether an alternative of ``text`` is anchored at its start (end), at any depth."""
    for alternative in split_alternatives(text):
        if (alternative.startswith("^") if leading else ends_with_anchor(alternative)) \
                or edge_group(alternative, leading=leading) is not None:
            return True
    return False


def group_inner(text: str, start: int, end: int) -> str:
    return text[start + 1:end].removeprefix("?:")


def ends_with_anchor(text: str) -> bool:
    """Whether ``text`` ends with a ``$`` that is an anchor (not escaped, not in a class)."""
    ends = [(i, char) for i, char, _ in structure(text)][-1:]
    return ends == [(len(text) - 1, "$")]


def structure(pattern: str) -> Iterator[tuple[int, str, int]]:
    """Each character of ``pattern`` outside escapes and character classes, with its position
    and the group depth before it: the one walk the functions below share."""
    depth, i = 0, 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 2
            continue
        if char == "[":
            i = class_end(pattern, i)
            continue
        yield i, char, depth
        depth += {"(": 1, ")": -1}.get(char, 0)
        i += 1


def top_level_groups(pattern: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for i, char, depth in structure(pattern):
        if char == "(" and depth == 0:
            start = i
        elif char == ")" and depth == 1:
            spans.append((start, i))
    return spans


def split_alternatives(text: str) -> list[str]:
    parts, last = [], 0
    for i, char, depth in structure(text):
        if char == "|" and depth == 0:
            parts.append(text[last:i])
            last = i + 1
    return [*parts, text[last:]]


def class_end(text: str, i: int) -> int:
    """The index after the character class that starts at ``i``."""
    i += 1
    if i < len(text) and text[i] == "^":
        i += 1
    first = True
    while i < len(text):
        if text[i] == "\\":
            i += 2
            first = False  # an escape is a member: [\d] closes at its first ']'
            continue
        if text[i] == "]" and not first:
            return i + 1
        first = False
        i += 1
    return i
