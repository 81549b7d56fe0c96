"""Spans already taken by hits, asked whether a new span overlaps one of them, and searches
ahead that answer for many positions of one text (stage: classification; used by
govsoc.classification.free_text and the finders it calls).

A free text of 120,000 characters holds thousands of hits; asking each new hit against every
earlier one (``all(end <= t.start or t.end <= start for t in taken)``) made masking it quadratic
(F15c: 88 s). Here the taken spans are kept merged and sorted, so a question costs a bisection.
The answer is the one the linear test gives: ``[start, end)`` overlaps a taken ``[a, b)`` when
``a < end`` and ``start < b`` (a span touching another does not overlap it).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from typing import Final

from govsoc.classification.recognizer import Match

__all__ = ["Ahead", "Spans", "Values"]

#: What Values looks for ahead: a character past ASCII, a Chinese character.
_NOT_ASCII: Final = re.compile(r"[^\x00-\x7f]")
_HAN: Final = re.compile(r"[\u4e00-\u9fa5]")


class Spans:
    """The spans of ``taken`` and of every hit :meth:`add`-ed since."""

    def __init__(self, taken: Iterable[Match] = ()) -> None:
        self.starts: list[int] = []  # merged spans: disjoint, sorted; a merge only where spans overlap
        self.ends: list[int] = []
        self.points: list[int] = []  # empty spans [p, p): they overlap a span only with p inside it
        for t in taken:
            self.add(t)

    def free(self, start: int, end: int) -> bool:
        """True when ``[start, end)`` overlaps no taken span (as the linear test said it)."""
        i = bisect_left(self.starts, end) - 1
        if i >= 0 and self.ends[i] > start:
            return False
        j = bisect_right(self.points, start)
        return not (j < len(self.points) and self.points[j] < end)

    def add(self, hit: Match) -> None:
        self.add_span(hit.start, hit.end)

    def keep(self, out: list[Match], hit: Match) -> None:
        """``hit`` appended to ``out`` and taken."""
        out.append(hit)
        self.add(hit)

    def add_span(self, start: int, end: int) -> None:
        if end <= start:
            if end == start:
                self.points.insert(bisect_left(self.points, start), start)
            return
        lo = bisect_right(self.ends, start)  # first span that may overlap: its end > start
        hi = bisect_left(self.starts, end)   # past the last one that may: its start < end
        if lo < hi:
            start, end = min(start, self.starts[lo]), max(end, self.ends[hi - 1])
        self.starts[lo:hi] = [start]
        self.ends[lo:hi] = [end]


class Ahead:
    """Where ``pattern`` next matches at or after a position of ``text`` (``len(text)`` if nowhere),
    for positions asked in increasing order: the answer for one stands for every position up to
    it, so a text is searched about once however many positions are asked (R15z-2: the keys of
    ``user:auser:a…`` each searched the rest of the text for their value's end, quadratic)."""

    def __init__(self, pattern: re.Pattern[str], text: str) -> None:
        self.pattern, self.text = pattern, text
        self.asked, self.found = 1, 0  # asked > found: nothing known yet

    def next(self, pos: int) -> int:
        """The start of the first match of the pattern at ``pos`` or after."""
        if not self.asked <= pos <= self.found:
            m = self.pattern.search(self.text, pos)
            self.asked, self.found = pos, len(self.text) if m is None else m.start()
        return self.found


class Values:
    """Questions about the value ``text[start:end]`` of a key, answered by searches ahead that
    serve the keys after it too (:class:`Ahead`): ``value.isascii()`` and a search for two Chinese characters
    read the rest of a run-together text for each key (R15z-2)."""

    def __init__(self, text: str) -> None:
        self.not_ascii = Ahead(_NOT_ASCII, text)
        self.first_han, self.second_han = Ahead(_HAN, text), Ahead(_HAN, text)

    def ascii(self, start: int, end: int) -> bool:
        """No character past ASCII in the value."""
        return self.not_ascii.next(start) >= end

    def chinese(self, start: int, end: int) -> bool:
        """Two Chinese characters or more in the value."""
        first = self.first_han.next(start)
        return first < end and self.second_han.next(first + 1) < end
