"""Log sources that went silent: a govsoc check, not a Sigma rule.

A Sigma rule, correlations included, fires on events that exist: an ``event_count`` correlation
with ``lt: 1`` never fires, because a source that sent nothing has no group to count. Silence is
the absence of events from a source that was sending, so it needs what a rule does not have: the
list of sources seen before (the baseline). This check takes it from the store: the sources
(by ``event.dataset``, device ``observer.name`` and ``host.name``) that sent events before
``now`` (all that is stored, or since ``baseline`` before ``now`` when one is given), each with
the time of its last event, in one aggregation per field (Store.groups with span); a source whose
last event is older than ``quiet`` is silent. A source silent for longer than any window stays
silent: the aggregation reaches back to its last event, however old (a window that started
after it would drop exactly the sources silent longest).

A silent source is a 等保 finding: 8.1.5.4 d) audit data of the devices collected and kept
centrally, 8.1.3.5 a) / 8.1.4.3 a) audit at the boundary and on hosts. It is reported beside
the pack's alerts, not counted among its Sigma rules (rules/packs/README.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from govsoc.store.base import Query, Store

__all__ = ["SOURCE_FIELDS", "SILENCE_CONTROLS", "SilentSource", "silent_sources"]

#: What names a source: the dataset (a parser's output), a network device, a host.
SOURCE_FIELDS = ("event.dataset", "observer.name", "host.name")
#: The 等保 items a silent source concerns (tags as the packs write them).
SILENCE_CONTROLS = ("djbh.l3.8.1.5.4.d", "djbh.l3.8.1.4.3.a")
#: Most sources one field is expected to name (the aggregation's bound).
SOURCE_LIMIT = 10_000


@dataclass(frozen=True, slots=True, kw_only=True)
class SilentSource:
    """A source that sent events before ``now`` and none for at least ``quiet``."""

    field: str
    value: str
    last_event: datetime
    #: the events it sent in the period looked at (before ``now``, after the baseline's start)
    events: int


def silent_sources(store: Store, *, now: datetime, quiet: timedelta = timedelta(hours=1),
                   baseline: timedelta | None = None) -> list[SilentSource]:
    """The sources that sent events before ``now`` (in [now - baseline, now) when ``baseline``
    is given) but none in [now - quiet, now), longest silent first. One store aggregation per
    field of SOURCE_FIELDS."""
    if baseline is not None and quiet >= baseline:
        raise ValueError("the quiet period must be shorter than the baseline")
    since = now - quiet
    window = Query(start=now - baseline if baseline is not None else None, end=now)
    found = []
    for field in SOURCE_FIELDS:
        for group in store.groups(window, field, size=SOURCE_LIMIT, span=True):
            if group.last is not None and group.last < since:
                found.append(SilentSource(field=field, value=str(group.key), last_event=group.last,
                                          events=group.count))
    return sorted(found, key=lambda s: (s.last_event, s.field, s.value))
