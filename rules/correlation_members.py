"""The events behind a correlation's match (govsoc.rules.correlate): an inner correlation's
match is an event of dataset MATCH_DATASET whose MEMBERS field holds them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from govsoc.core.event import Event

__all__ = ["MATCH_DATASET", "MEMBERS", "Members", "behind"]

#: The dataset of an inner correlation's match, and the field holding the events behind it.
MATCH_DATASET = "govsoc.correlation"
MEMBERS = "govsoc.correlation.members"


@dataclass(frozen=True, slots=True)
class Members:
    """The events behind a sliding match: ``events[start:end]``, shared by the group's matches."""

    events: Sequence[Event]
    start: int
    end: int


def behind(events: Iterable[Event]) -> list[Event]:
    """The stored events behind ``events``: an inner correlation's match stands for its window's
    or burst's events (matches of a match, further in); time-sorted, each once. Overlapping
    windows over one group's events are merged before they are read, so a storm of n matches
    costs n, not n times its window."""
    seen: dict[str, Event] = {}

    def visit(batch: Iterable[Event]) -> None:
        views: dict[int, tuple[Sequence[Event], list[tuple[int, int]]]] = {}
        for event in batch:
            inner = event.fields.get(MEMBERS) if event.dataset == MATCH_DATASET else None
            if inner is None:
                seen.setdefault(event.id, event)
            elif isinstance(inner, Members):
                views.setdefault(id(inner.events), (inner.events, []))[1].append((inner.start, inner.end))
            else:
                visit(inner)
        for shared, ranges in views.values():
            ranges.sort()
            lo, hi = ranges[0]
            for first, last in ranges[1:]:
                if first > hi:
                    visit(shared[lo:hi])
                    lo = first
                hi = max(hi, last)
            visit(shared[lo:hi])

    visit(events)
    return sorted(seen.values(), key=lambda e: (e.timestamp, e.id))
