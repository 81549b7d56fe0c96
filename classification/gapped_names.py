"""Names shown masked in a run of Han characters that holds a gap (stage: classification; a part of
identifier_names.py, reference §8): a two-character name padded to three in a file name (护林员彭 丽巡护日志,
王　芳.csv; U+3000, U+0020, U+00A0) or split by a character no reader sees (彭\\u200b丽, R15n-11). The
run is read without its gaps; a gap is dropped only where a name so read is padded by it after its
surname (彭 丽 is 彭丽, shown 彭**), and kept elsewhere, each part read alone as before (2024年 工作总结,
会议纪要 王芳: the blank between words stays, 王芳 is masked where it stands).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Final

from govsoc.classification.cn_codes import COMPOUND_SURNAMES
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


def masked_across_gaps(run: str, spans_of: Spans, opens: Callable[[str, int], bool]) -> str:
    """``run`` (Han characters, with gaps: han.GAP) with its names masked: each gap-free part read
    alone, and a name padded by a gap after its surname (彭 丽, 欧阳 娜, found in the run read without
    its gaps) masked whole, the gap with it; a name so found across any other gap is words run
    together (王芳 常年 常年: 常年常), never taken, nor one that only follows another name read so
    (纪要 安全 安全: 全 安全 after 纪要), nor one whose surname opens no name in its own part (村长 安全 会议:
    村长安 of the run read without gaps ends in the place 长安, the part 安全 in no lead); ``opens(run,
    start)``: whether a name opens at ``start`` of ``run`` by what stands before it (a role or lead word)."""
    pieces = _PIECES.split(run)  # part, gap, part, gap, part
    joined = "".join(pieces[::2])
    gaps: dict[int, str] = {}
    names: list[tuple[int, int]] = []
    at = 0
    for i in range(0, len(pieces), 2):
        if i:
            gaps[at] = pieces[i - 1]
        names.extend((at + start, at + end) for start, end in spans_of(pieces[i]))
        at += len(pieces[i])
    padded = [(start, end) for start, end in spans_of(joined)
              if _padded(joined[start:end], start, gaps) and _opens(joined, start, gaps, opens)
              and not any(begin < start < finish for begin, finish in names)]  # never cut a name read alone
    if not padded:
        return "".join(piece if i % 2 else masked(piece, spans_of(piece)) for i, piece in enumerate(pieces))
    names = sorted([*padded, *((s, e) for s, e in names if all(e <= ps or s >= pe for ps, pe in padded))])
    shown: list[str] = []
    position = 0
    for start, end in (*names, (len(joined), len(joined))):
        shown.extend(gaps.get(p, "") + joined[p] for p in range(position, start))
        shown.append(gaps.get(start, "") + mask("name", joined[start:end]) if end > start else gaps.get(start, ""))
        position = end
    return "".join(shown)


def _padded(name: str, start: int, gaps: dict[int, str]) -> bool:
    """Whether ``name`` (at ``start`` of the run without gaps) is padded: a gap right after its
    surname (王 芳; 欧阳 娜 of a compound surname; 彭 丽 of 彭丽巡, read after a role word) is the only
    gap inside it."""
    surname = 2 if name[:2] in COMPOUND_SURNAMES else 1
    return [p for p in gaps if start < p < start + len(name)] == [start + surname]


def _opens(joined: str, start: int, gaps: dict[int, str], opens: Callable[[str, int], bool]) -> bool:
    """Whether a name opens at ``start`` of ``joined`` by what stands before it in its own gap-free
    part (护林员彭 of 护林员彭 丽: after 护林员)."""
    part = max((at for at in gaps if at <= start), default=0)
    return opens(joined[part:], start - part)
