"""Names shown masked in a run of Han characters that holds a gap (stage: classification; a part of
identifier_names.py, reference §8): a two-character name padded to three in a file name (护林员彭 丽巡护日志,
王　芳.csv; U+3000, U+0020, U+00A0) or split by a character no reader sees (彭\\u200b丽, R15n-11). The
run is read without its gaps; a gap is dropped only where a name so read is padded by it after its
surname (彭 丽 is 彭丽, shown 彭**), and kept elsewhere, each part read alone as before (2024年 工作总结,
会议纪要 王芳: the blank between words stays, 王芳 is masked where it stands).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Collection, Sequence
from typing import Final

from govsoc.classification.cn_codes import COMPOUND_SURNAMES
from govsoc.classification.han import GAP
from govsoc.classification.masking import mask

__all__ = ["masked", "masked_across_gaps"]

#: The spans (start, end) of the names in a run of Han characters without gaps.
Spans = Callable[[str], Sequence[tuple[int, int]]]
_PIECES: Final = re.compile(f"({GAP.pattern})")
#: Words of security and e-government headings that a blank splits after their first character, a surname's
#: (事件 等级 高 危, 政务 云 平台, 会议 纪 要, GB/T 39786 信 息系统...): read as a surname alone and the part after
#: it they are no padded name (RR15ai-2: 6,642 headings, 355 masked). Only here: glued (高危王芳.csv) they are
#: read as before.
_SPLIT_WORDS: Final = ("高危", "中危", "低危", "云平台", "纪要", "信息", "安全")


def masked(run: str, spans: Sequence[tuple[int, int]]) -> str:
    """``run`` with each of its name ``spans`` masked by the name rule (王建国 -> 王**)."""
    shown: list[str] = []
    at = 0
    for start, end in spans:
        shown.append(run[at:start] + mask("name", run[start:end]))
        at = end
    return "".join(shown) + run[at:]


def masked_across_gaps(run: str, spans_of: Spans, opens: Callable[[str, int], bool],
                       name_at: Callable[[str], int]) -> str:
    """``run`` (Han characters, with gaps: han.GAP) with its names masked: each gap-free part read
    alone, and a name padded by a gap after its surname (彭 丽, 欧阳 娜, found in the run read without
    its gaps, or opening right after a gap: 体检报告 王 芳, R15q-8) masked whole, the gap with it; a name so
    found across any other gap is words run together (王芳 常年 常年: 常年常), never taken, nor one that only
    follows another name read so (纪要 安全 安全: 全 安全 after 纪要), nor one whose surname opens no name in
    its own part (村长 安全 会议: 村长安 of the run read without gaps ends in the place 长安, the part 安全 in no
    lead); ``opens(run, start)``: whether a name opens at ``start`` of ``run`` by what stands before it (a role
    or lead word); ``name_at(run)``: the length of the name opening ``run``."""
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
    padded = _chosen(joined, gaps, names, spans_of(joined), (name_at, opens))
    if not padded:
        return "".join(piece if i % 2 else masked(piece, spans_of(piece)) for i, piece in enumerate(pieces))
    names = _joined([*padded, *names])
    shown: list[str] = []
    position = 0
    for start, end in (*names, (len(joined), len(joined))):
        shown.extend(gaps.get(p, "") + joined[p] for p in range(position, start))
        shown.append(gaps.get(start, "") + mask("name", joined[start:end]) if end > start else gaps.get(start, ""))
        position = end
    return "".join(shown)


def _chosen(joined: str, gaps: dict[int, str], names: list[tuple[int, int]], spans: Sequence[tuple[int, int]],
            readers: tuple[Callable[[str], int], Callable[[str, int], bool]]) -> list[tuple[int, int]]:
    """The padded names to mask in ``joined`` (the run without its gaps): of ``spans`` (its names) and of those
    opening right after a gap (_after_gaps), each padded, none cutting a name read in its own part (``names``),
    overlapping ones joined (_joined). Sets and a sorted list of gaps, not a scan of every name for every
    candidate: a run of thousands of padded names costs its length (R15ah-3)."""
    starts = sorted(gaps)
    read = [(start, end) for start, end in spans
            if _padded(joined[start:end], start, gaps) and _opens(joined, start, starts, readers[1])]
    inside = {p for begin, finish in names for p in range(begin + 1, finish)}  # never cut a name read alone
    return _joined([(start, end) for start, end in (*read, *_after_gaps(joined, starts, readers, read))
                    if _padded(joined[start:end], start, gaps) and start not in inside])


def _after_gaps(joined: str, gaps: list[int], readers: tuple[Callable[[str], int], Callable[[str, int], bool]],
                read: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The padded names opening right after a gap, each a surname alone between two gaps and the part after it
    read as a run of their own (a gap ends the name as a run's end does: 体检报告 王 芳 安全, R15q-8), where a word
    of two characters and more, a lead (2024年 王 芳: ``opens`` of the part before) or a name (``read``, or found
    here) stands before the gap, or, at the run's start, where such a name follows (王 芳 李 明: R15ah-6); not
    inside letter-spaced words (会 议 纪 要, 常 年 安 全 生 产).
    One reading of ``name_at`` each, on a slice of two parts: reading the rest of the run from every gap cost its
    square (R15ah-3: 4,005 characters 0.18 -> 36.8 s)."""
    name_at, opens = readers
    ends = [0, *gaps, *[len(joined)] * 5]
    ended = {end for _, end in read}
    lengths = [_padded_length(joined[start:after], given - start, name_at) if given < len(joined) else 0
               for start, given, after in zip(ends, ends[1:], ends[2:], strict=False)]
    # a name alone between blanks is followed by a word, the end or another such name, never by a character alone
    # (对 于 日 期, 都 是 那 么 历 史: letter-spaced words)
    ok = [length if ends[k + 3] - ends[k + 2] != 1 or lengths[k + 2] else 0 for k, length in enumerate(lengths[:-2])]
    found: list[tuple[int, int]] = []
    for k, start in enumerate(ends[:len(ok)]):
        before = joined[ends[k - 1]:start] if k else ""
        lead = opens(before, len(before)) and (k == 1 or ends[k - 1] - ends[k - 2] > 1)  # 2024年 王 芳, not 对 于 X
        after_word = bool(before) and (len(before) > 1 or start in ended or lead)
        split_word = joined.startswith(_SPLIT_WORDS, start, ends[k + 2])
        if ok[k] and not split_word and (after_word or k == 0 and len(ok) > 2 and ok[2]):
            found.append((start, start + ok[k]))
            ended.add(start + ok[k])
    return found


def _padded_length(parts: str, surname: int, name_at: Callable[[str], int]) -> int:
    """The length of the padded name opening ``parts`` (a surname alone of ``surname`` characters, the part after
    its gap) as ``name_at`` reads the two as a run of their own (王 芳, 欧阳 娜, 王 小明, 彭 丽巡护日志); 0 where
    the surname's part is no surname alone."""
    if surname != 1 and parts[:surname] not in COMPOUND_SURNAMES or parts[:2] in COMPOUND_SURNAMES and surname == 1:
        return 0
    return name_at(parts)


def _joined(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """``spans`` sorted, those that overlap joined into one span masked whole: two spans at one start both written
    showed 户主 王** 王** (户主 王 小明 read as 王小 and 王小明, R15ah-2); keeping one of two overlapping spans and
    dropping the other showed the other's characters (名单 任 桂兰成: 任桂 kept, 桂兰成 of its own part dropped, 兰
    shown; 和 平 金 强 王 秀英: 强王 kept, 王秀英 dropped, 秀英 shown: RR15ai-1, HIGH). A span joined masks more,
    the lesser error."""
    kept: list[tuple[int, int]] = []
    for start, end in sorted(set(spans)):
        if kept and start < kept[-1][1]:
            kept[-1] = (kept[-1][0], max(end, kept[-1][1]))
        else:
            kept.append((start, end))
    return kept


def _padded(name: str, start: int, gaps: Collection[int]) -> bool:
    """Whether ``name`` (at ``start`` of the run without gaps) is padded: a gap right after its
    surname (王 芳; 欧阳 娜 of a compound surname; 彭 丽 of 彭丽巡, read after a role word) is the only
    gap inside it."""
    surname = 2 if name[:2] in COMPOUND_SURNAMES else 1
    inside = (p for p in range(start + 1, start + len(name)) if p != start + surname)
    return start + surname in gaps and not any(p in gaps for p in inside)


def _opens(joined: str, start: int, gaps: list[int], opens: Callable[[str, int], bool]) -> bool:
    """Whether a name opens at ``start`` of ``joined`` by what stands before it in its own gap-free
    part (护林员彭 of 护林员彭 丽: after 护林员); ``gaps`` sorted."""
    part = gaps[bisect_right(gaps, start) - 1] if gaps and gaps[0] <= start else 0
    return opens(joined[part:start], start - part)
