"""The exact top of a sum over several fields, from the store's top lists (stage: reports).

A value counted under two fields (an attack source: ``context.source.ip`` of single matches and
``group.source.ip`` of correlations) can lead overall while being in neither field's top ten;
adding the two top lists drops it. This is the threshold rule of Fagin, Lotem and Naor ("Optimal
aggregation algorithms for middleware", PODS 2001) for a sum: read each field's top k, ask the
exact count of every value seen for the fields whose list missed it, and stop when the size-th
sum beats what a value seen in no list can reach (the sum of each cut list's last count); else
read four times deeper. The store aggregates every time: no call reads more than k groups plus
the values seen, and no event is loaded. No library does this over the Store contract.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from govsoc.store.base import Query, Store, Target

__all__ = ["top_of_sum"]


def top_of_sum(store: Store, query: Query, fields: Sequence[str], *, size: int,
               target: Target = "alerts") -> list[tuple[str, int]]:
    """The ``size`` values with the largest count summed over ``fields`` (most first, ties by
    value), exactly; see the module docstring."""
    depth = size
    while True:
        lists = [{str(g.key): g.count for g in store.groups(query, f, size=depth, target=target)} for f in fields]
        seen = sorted(set().union(*lists))
        sums = dict.fromkeys(seen, 0)
        for field, counts in zip(fields, lists, strict=True):
            known = dict(counts)
            missing = tuple(v for v in seen if v not in counts)
            if missing and len(counts) == depth:  # a cut list: a value it lacks may still be in the field
                asked = replace(query, terms={**query.terms, field: missing})
                known.update((str(g.key), g.count) for g in store.groups(asked, field, size=len(missing),
                                                                          target=target))
            for value in seen:
                sums[value] += known.get(value, 0)
        ranked = sorted(sums.items(), key=lambda kv: (-kv[1], kv[0]))
        cut = [counts for counts in lists if len(counts) == depth]
        unseen_at_most = sum(min(counts.values()) for counts in cut)
        if not cut or (len(ranked) >= size and ranked[size - 1][1] > unseen_at_most):
            return ranked[:size]
        depth *= 4
