"""Words of a general Chinese dictionary, read where a name after a role word runs into one
(stage: classification; a part of identifier_names.py, reference §8; issue 15 review R15q-7).

identifier_names reads a name after a role word whatever follows it (护林员彭丽巡护日志, R15k-2), so a
file named after a role and an ordinary word opening with a surname character read the word's first
characters as a name: 学生夏令营 -> 学生夏**营, 学生田径比赛 -> 学生田**赛, 护士白衣天使评选 -> 护士白**使评选
(56 of 144 fresh school, property and hospital file names, R15q-7). A list of such words written by
hand only grows (R15p-3: the remark list was in-sample), so the evidence is jieba's dictionary
(dict.txt, 349,046 words with their counts; MIT licence; the package's data file read as text,
jieba's code is not run): :func:`runs_past` says a dictionary word opens at
the name's surname and runs past the name's end (夏令营 past 夏令) while no word of two characters and
more opens where the name would end (营报名表), and the word is more frequent than the name read as
one (高丽营, a place, 2 against the name 高丽 228). All must hold: a name before a word is read as a
name and a word (马林 + 工资条, not the dictionary's 马林工; 李杰 + 任期, not 李杰任; 夏天明 + 谈话记录):
of 4,839,926 runs of a surname of cn_codes, a Faker zh_CN given name and a file word, 216 open with a
dictionary word past the name, each with a word where the name ends; of 351,604 file names of a role
word, such a name and a file word, none more is shown (review F15b's evaluation). Without jieba
installed nothing is read so: the name stays masked (over-masking, the lesser error).
"""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path

__all__ = ["runs_past", "counts"]

#: The longest dictionary word looked for past a name (夏令营报名 of five characters: 白衣天使 is four).
_LONGEST = 6


@cache
def counts() -> dict[str, int]:
    """The words of two characters and more of jieba's dictionary and their counts, none when jieba
    is not installed."""
    spec = importlib.util.find_spec("jieba")  # the package found, not run: its _compat imports pkg_resources
    for folder in spec.submodule_search_locations or () if spec is not None else ():
        path = Path(folder, "dict.txt")
        if path.is_file():
            with path.open(encoding="utf-8") as lines:
                return {word: int(count) for word, count, _ in (line.split(" ", 2) for line in lines)
                        if len(word) > 1}
    return {}


def runs_past(run: str, start: int, end: int) -> bool:
    """Whether a dictionary word opens at ``start`` of ``run`` and runs past ``end`` (the end of the
    name read there), no dictionary word opens at ``end``, and the word is more frequent than the
    name read as a word (jieba's own choice between two segmentations: 夏令营 66 over 夏令 10, but 高丽
    228, a name, over the place 高丽营 2): the name read is a word's start (学生夏令营报名表)."""
    known = counts()
    if not known or any(run[end:end + n] in known for n in range(2, _LONGEST + 1) if end + n <= len(run)):
        return False
    name = known.get(run[start:end], 0)
    return any(known.get(run[start:k], 0) > name for k in range(end + 1, min(len(run), start + _LONGEST) + 1))
