"""Sliding windows over one correlation group: which events form a burst that meets a condition.

The one windowing semantics govsoc gives every Sigma correlation, on every store (the Sigma
correlation specification asks that the time frame "should not be restricted to boundaries"):

* Every event of a group opens a window: itself and the group's later events at most
  ``timespan`` after it (inclusive). A window fires when its measure meets the condition:
  events (weighted by ECS ``event.count``, so ``message repeated 5 times`` counts 5), distinct
  values of a field (each element of an array is a value), or distinct referenced rules
  (temporal; temporal_ordered counts the longest chain in rule order).
* Fired windows that share an event are one burst, and one burst is one alert. Overlapping
  windows reported one by one would flood the analyst with copies of one burst; fixed buckets
  miss a burst that straddles a bucket edge.
* Upper bounds (lt, lte, eq, neq, ranges with an upper end, extended conditions with ``not``)
  are not monotone: a window that holds few events now may hold more once later events arrive,
  and the tail of any burst holds few events. Such conditions are judged only on windows that
  are closed (their end is before the pass's horizon, so no event still to come can fall in
  them) and that open a period of activity (no event of the group in the ``timespan`` before
  the window). "Fewer than 3 logins in an hour" then means an hour of activity, after a quiet
  hour, that held fewer than 3 logins, never the last minutes of a busy hour.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from govsoc.core.event import Event, shift


@dataclass(frozen=True, slots=True)
class Item:
    """One event of a group as a correlation sees it.

    ``refs`` are the positions (in the correlation's rule list) of the rules the event matched,
    ``weight`` how many occurrences it stands for, ``values`` the values it adds to a value_count.
    """

    event: Event
    refs: frozenset[int]
    weight: int = 1
    values: tuple[Any, ...] = ()

    @property
    def timestamp(self) -> datetime:
        """The event's time."""
        return self.event.timestamp


#: The measure of a window, given the counters of its refs and values and its total weight.
Measure = Callable[["WindowState", Sequence[Item], int, int], bool]


class WindowState:
    """Counters over the items currently in a window, updated as the window slides."""

    __slots__ = ("refs", "values", "weight")

    def __init__(self) -> None:
        self.refs: Counter[int] = Counter()
        self.values: Counter[Any] = Counter()
        self.weight = 0

    def add(self, item: Item) -> None:
        """Take an item into the window."""
        self.weight += item.weight
        self.refs.update(item.refs)
        self.values.update(item.values)

    def remove(self, item: Item) -> None:
        """Let an item leave the window."""
        self.weight -= item.weight
        self.refs.subtract(item.refs)
        self.values.subtract(item.values)
        for counter in (self.refs, self.values):
            for key in [k for k, n in counter.items() if n <= 0]:
                del counter[key]


def bursts(items: Sequence[Item], span: timedelta, fires: Measure, *, monotone: bool,
           horizon: datetime | None = None) -> Iterator[tuple[int, int]]:
    """Index ranges [first, last) of the bursts among time-sorted ``items``.

    ``fires(state, items, start, end)`` says whether the window items[start:end] meets the
    condition. ``monotone`` is true when adding events can only make a window fire (lower bounds
    only); otherwise only closed windows that open a period of activity are judged (see the
    module docstring), closed meaning that their end is before ``horizon``.
    """
    n = len(items)
    end = 0
    state = WindowState()
    current: tuple[int, int] | None = None
    for start in range(n):
        opened = items[start].timestamp
        while end < n and items[end].timestamp - opened <= span:
            state.add(items[end])
            end += 1
        if _judged(items, start, span, monotone, horizon) and fires(state, items, start, end):
            if current is not None and start < current[1]:
                current = (current[0], max(current[1], end))
            else:
                if current is not None:
                    yield current
                current = (start, end)
        state.remove(items[start])
    if current is not None:
        yield current


def _judged(items: Sequence[Item], start: int, span: timedelta, monotone: bool,
            horizon: datetime | None) -> bool:
    if monotone:
        return True
    opened = items[start].timestamp
    if horizon is not None and shift(opened, span) >= horizon:
        return False  # still open: an event still to come may fall in it
    return start == 0 or opened - items[start - 1].timestamp > span


def ordered_chain(items: Sequence[Item], refs: int, allowed: frozenset[int] | None = None) -> int:
    """The longest chain of distinct rules, in the correlation's rule order, whose events appear
    in that order in ``items`` (time-sorted). Events at the same time count as in order: logs
    with second resolution cannot tell which of two same-second events came first."""
    best = [0] * refs  # best[r]: longest chain ending with rule r so far
    i = 0
    while i < len(items):
        j = i
        while j < len(items) and items[j].timestamp == items[i].timestamp:
            j += 1
        present = set().union(*(item.refs for item in items[i:j]))
        for r in sorted(present):
            if allowed is not None and r not in allowed:
                continue
            before = max((best[q] for q in range(r) if allowed is None or q in allowed), default=0)
            best[r] = max(best[r], before + 1)
        i = j
    return max(best, default=0)
