"""Sampling that keeps a record's answers together in an attribute/value table (stage:
classification; a part of the sources' sampling, for attribute_values.py).

An attribute/value table holds one row per answer (记录编号,字段名,字段值). A sample of rows drawn
one by one (sampling.reservoir, a SQLite rowid's hash) rarely holds two answers of one record
once the table is larger than the sample: 5,000 people x 3 answers sampled at 1,000 rows leave
about one answer a person, so no column keys the records, the pivot is not made and the name
beside the ID number is never seen (R15h-7: rows=15000 一般数据（3级）, where 60 people are 4级).

When the first ``size`` rows hold an attribute column (few words, each repeated, at least two of
which name a kind as a heading does: 姓名, 身份证号), each other column without an empty cell in
them that groups answers there (groups_answers: a value repeated, each time with another
attribute; at most MAX_KEYS) is a candidate record id, and rows are also sampled by it: every row of
the records whose hashed id is among the smallest (a bottom-k sample by key: whole records,
bounded by ``size`` rows, in any row order). At the end the candidate that keys records in its
sample (each record answering each attribute once) is taken, the one with the most records;
where none does, the row sample is. A roster's 证件类型 (居民身份证, 护照) reads as an attribute
column, but its rows are persons: 序号, 证件号码 and 联系电话 never repeat and a repeated 姓名 comes
with the same kind, so no column is sampled by key and no row is hashed (R15j-13: four samplers
over every row, 100,000 rows ~30 % slower). A record id that does not repeat in the first rows
(an export of more than about a million answers in shuffled order) is not sampled by key.
Nothing but the samples is held.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Final

from govsoc.classification.columns import ColumnClassifier
from govsoc.classification.sources.sampling import SEED, reservoir
from govsoc.classification.sources.skips import scanner

__all__ = ["record_reservoir", "names_attributes", "keys_records", "groups_answers", "attribute_column",
           "MAX_ATTRIBUTES", "MAX_UNNAMED", "NAMING_ATTRIBUTES", "MAX_KEYS", "COUNTED_KEYS", "key_hash"]

#: Distinct attribute words a pivoted table may have at most (a form's questions).
MAX_ATTRIBUTES: Final = 64
#: Attribute words that must name a kind as a heading does for the table to be pivoted.
NAMING_ATTRIBUTES: Final = 2
#: An attribute column holds at most one empty attribute name in this many rows.
MAX_UNNAMED: Final = 10
#: Candidate record id columns sampled by key at most (each holds at most ``size`` rows).
MAX_KEYS: Final = 4
#: Distinct record ids a by-key sampler counts at most (their 64-bit hashes held: some 70 bytes
#: each); past it the records are the sample's, scaled (R15j-24).
COUNTED_KEYS: Final = 250_000


@lru_cache(maxsize=1)
def _classifier() -> ColumnClassifier:
    return ColumnClassifier(scanner())


def names_attributes(values: Sequence[str], classifier: ColumnClassifier) -> bool:
    """Whether ``values`` are an attribute column: few distinct words, each repeated, at least
    NAMING_ATTRIBUTES of which name a kind strongly. An empty attribute name (a row whose 字段名
    was not filled in) is an odd row, not a word: a table may hold up to one in MAX_UNNAMED (R15j-16:
    one such row undid the pivot, 60 people read as 181 rows, 3级)."""
    counts = Counter(values)
    unnamed = counts.pop("", 0)
    if unnamed * MAX_UNNAMED > len(values) or not 2 <= len(counts) <= MAX_ATTRIBUTES \
            or len(counts) * 2 > len(values) - unnamed:
        return False
    naming = sum(1 for word in counts if "strong" in classifier.name_context(word).values())
    return naming >= NAMING_ATTRIBUTES


def keys_records(keys: Sequence[str], attributes: Sequence[str]) -> bool:
    """Whether ``keys`` identify records: repeated, and each (key, attribute) pair once in nine of ten."""
    if "" in keys:  # a row without its record
        return False
    distinct = len(set(keys))
    return 2 <= distinct * 2 <= len(keys) and len(set(zip(keys, attributes, strict=True))) * 10 >= len(keys) * 9


def groups_answers(keys: Sequence[str], attributes: Sequence[str]) -> bool:
    """Whether ``keys`` may be record ids: a key is repeated, and two rows of one key hold one
    attribute a quarter as often as two rows drawn at random would (a record answers each
    attribute once). A roster's 序号 never repeats; a repeated 姓名, 张伟 twice, holds the same
    证件类型 as often as two rows of any names."""
    counts = Counter(k for k in keys if k)
    pairs = sum(n * (n - 1) // 2 for n in counts.values() if n > 1)
    if not pairs:
        return False
    same = sum(n * (n - 1) // 2 for pair, n in Counter(zip(keys, attributes, strict=True)).items()
               if n > 1 and pair[0])
    shares = Counter(attributes).values()
    chance = sum(n * n for n in shares) / len(attributes) ** 2  # two rows holding one attribute
    return same * 4 <= pairs * chance


def attribute_column(columns: Sequence[Sequence[str]]) -> int | None:
    """The first of ``columns`` (each row for row) that is an attribute column, or None."""
    classifier = _classifier()
    return next((i for i, c in enumerate(columns) if names_attributes(c, classifier)), None)


def key_hash(key: str) -> int:
    """A record id's hash: the same id, the same place in the order, run after run (SEED)."""
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=8,
                                          salt=SEED.to_bytes(16, "big")).digest(), "big")


class _ByKey:
    """All the rows of the records whose hashed ids are the smallest, at most ``size`` rows: the
    bound only falls, so a record under it has had every row kept (bottom-k by key). Every row
    passes here, so the distinct ids are counted too, up to COUNTED_KEYS (``ids``; None past it)."""

    __slots__ = ("column", "size", "bound", "kept", "held", "ids")

    def __init__(self, column: int, size: int) -> None:
        self.column, self.size = column, size
        self.bound: int | None = None  # ids hashed at or over it are out
        self.kept: dict[int, list[list[str]]] = {}
        self.held = 0
        self.ids: set[int] | None = set()

    def add(self, row: list[str]) -> None:
        key = _cell(row, self.column)  # 'P000001 ' is P000001's answer as the sample's keys read it
        h = key_hash(key)
        if self.ids is not None and key:  # an answer with no record id belongs to no record (R15o-3)
            self.ids.add(h)
            if len(self.ids) > COUNTED_KEYS:
                self.ids = None
        if self.bound is not None and h >= self.bound:
            return
        self.kept.setdefault(h, []).append(row)
        self.held += 1
        while self.held > self.size:
            largest = max(self.kept)
            self.held -= len(self.kept.pop(largest))
            self.bound = largest

    def rows(self) -> list[list[str]]:
        return [row for h in sorted(self.kept) for row in self.kept[h]]


def record_reservoir(items: Iterable[list[str]], size: int, seed: int = SEED,
                     counted: dict[int, int] | None = None) -> tuple[list[list[str]], int]:
    """sampling.reservoir() of rows, or, in an attribute/value table, the rows of whole records
    (module docstring), and the number of rows seen. ``counted`` is given the record id column the
    sample was taken by and its distinct values over every row (ColumnSample.distinct), when
    counted."""
    head: list[list[str]] = []
    by_key: list[_ByKey] = []
    attribute: int | None = None

    def rows() -> Iterable[list[str]]:
        nonlocal attribute
        for row in items:
            if len(head) < size:
                head.append(row)
                if len(head) == size:
                    attribute, found = _candidates(head, size)
                    by_key.extend(found)
                    for sampler in by_key:
                        for kept in head:
                            sampler.add(kept)
            else:
                for sampler in by_key:
                    sampler.add(row)
            yield row

    sample, seen = reservoir(rows(), size, seed)
    if seen <= size or attribute is None:
        return sample, seen
    best: list[list[str]] | None = None
    chosen: _ByKey | None = None
    for sampler in by_key:
        kept = sampler.rows()
        keys = [_cell(r, sampler.column) for r in kept]
        if keys_records(keys, [_cell(r, attribute) for r in kept]) and (
                best is None or len(set(keys)) > len({_cell(r, sampler.column) for r in best})):
            best, chosen = kept, sampler
    if chosen is not None and chosen.ids is not None and counted is not None:
        counted[chosen.column] = len(chosen.ids)
    return (best, seen) if best is not None else (sample, seen)


def _candidates(head: list[list[str]], size: int) -> tuple[int | None, list[_ByKey]]:
    """The attribute column of the first rows and a by-key sampler for each candidate record id."""
    width = max((len(r) for r in head), default=0)
    columns = [[_cell(r, i) for r in head] for i in range(width)]
    attribute = attribute_column(columns)
    if attribute is None:
        return None, []
    keys = [i for i, c in enumerate(columns)
            if i != attribute and "" not in c and groups_answers(c, columns[attribute])][:MAX_KEYS]
    return attribute, [_ByKey(i, size) for i in keys]


def _cell(row: Sequence[str], i: int) -> str:
    return row[i].strip() if i < len(row) else ""
