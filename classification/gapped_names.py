"""Names shown masked in a run of Han characters that holds a gap (stage: classification; a part of
identifier_names.py, reference §8): a two-character name padded to three in a file name (护林员彭 丽巡护日志,
王　芳.csv; U+3000, U+0020, U+00A0) or split by a character no reader sees (彭\\u200b丽, R15n-11). The
run is read without its gaps; a gap is dropped only where a name found so stands across it (彭 丽 is
彭丽, shown 彭**), and kept where none does, each part then read alone as before (2024年 工作总结,
会议纪要 王芳: the blank between words stays, 王芳 is masked where it stands).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Final

from govsoc.classification.han import GAP
from govsoc.classification.masking import mask

__all__ = ["masked", "masked_across_gaps"]

#: The spans (start, end) of the names in a run of Han characters without gaps.
Spans = Callable[[str], Sequence[tuple[int, int]]]
_PIECES: Final = re.compile(f"({GAP.pattern})")


def masked(run: str, spans: Sequence[tuple[int, int]]) -> str:
    """``run`` with each of its name ``spans`` masked by the name rule (王建国 -> 王**)."""
    shown: list[str] = []
    at = 0
    for start, end in spans:
        shown.append(run[at:start] + mask("name", run[start:end]))
        at = end
    return "".join(shown) + run[at:]


def masked_across_gaps(run: str, spans_of: Spans) -> str:
    """``run`` (Han characters, with gaps: han.GAP) with its names masked: read without the gaps
    when a name so read stands across one, each gap-free part alone otherwise."""
    pieces = _PIECES.split(run)  # part, gap, part, gap, part
    joined = "".join(pieces[::2])
    gaps: dict[int, str] = {}
    at = 0
    for i in range(1, len(pieces), 2):
        at += len(pieces[i - 1])
        gaps[at] = pieces[i]
    names = spans_of(joined)
    if not any(start < at < end for at in gaps for start, end in names):
        return "".join(piece if i % 2 else masked(piece, spans_of(piece)) for i, piece in enumerate(pieces))
    shown: list[str] = []
    position = 0
    for start, end in (*names, (len(joined), len(joined))):
        shown.extend(gaps.get(p, "") + joined[p] for p in range(position, start))
        shown.append(gaps.get(start, "") + mask("name", joined[start:end]) if end > start else gaps.get(start, ""))
        position = end
    return "".join(shown)
