"""Incremental correlation: re-evaluate only the groups that received new hits, over their
event-time windows, and update the one alert of a burst instead of adding a second.

A pass hands over, per correlation, the groups its new hits fell in with the event-time span
[first, last] of those hits. Each group is judged again over the referenced rules' events in
[first - 2 x timespan, last + timespan] (one timespan back for the windows that reach the new
hits, another for the "quiet period" test of upper-bound conditions, see govsoc.rules.windows),
read from the store in chunks of groups of at most READ_BOUND events, so memory follows the
chunk and never the store; but a group alone is read whole, however many events it holds (its
window is judged whole), and so are the groups of a chunk that fewer of them would not read less
of (a value every group holds, R52b-1): memory then follows those, and the pass says so at
WARNING, once per pass and rule (how many groups, the largest). A chunk whose new hits (counted
by the pass) already pass the bound is judged in parts sized from them before anything is read;
one whose read passes it is stopped, counted, and judged in parts then. The parts of a chunk are
asked of the store together, so that SQLite reads their range in one scan. A burst that the new
hits extended, at either end, may start before what was read; it is matched with the stored
alert of the same rule and group that it overlaps, and that alert is updated under its own id
(events joined, times widened, triage kept by the store's upsert). ``detect --from`` that cuts
into a burst lands in the same alert the same way. An upper-bound condition (not monotone) can
stop holding when a late event falls in a window it was judged on: a stored alert that no burst
holds any more is withdrawn (govsoc.rules.burst_alerts.withdraw).
An inner correlation (chaining) is evaluated afresh from its rules' stored events around the
window read, never from alerts stored by earlier passes, so its matches are neither counted
twice nor missed across passes.
"""

from __future__ import annotations

import json
import logging
from collections import deque
from collections.abc import Generator, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from govsoc.core.alert import Alert
from govsoc.core.event import Event, shift
from govsoc.rules.burst_alerts import Joined, burst_claims, joined
from govsoc.rules.correlate import Correlation, Path
from govsoc.store.base import Query, Store

#: Groups judged per round of queries.
CHUNK = 256
#: Events one round's reads may hold; a round over more is judged in parts of its groups (about
#: 3 KB an event with its item: some 30 MB). SQLite reads parts matching 2,000 events or fewer
#: at once (govsoc.store.sqlite_batch._TOGETHER): a bound below that is not held there.
READ_BOUND = 10_000
#: How far before the events read a stored alert of the same burst may start and still be found:
#: a burst that has lasted longer than this without a pause gets a second alert.
LOOKBACK = timedelta(days=7)
_TICK = timedelta(microseconds=1)

Key = tuple[Any, ...]
_log = logging.getLogger(__name__)


@dataclass(slots=True)
class Span:
    """The event-time extent of a group's new hits, and how many were counted (0: unknown, a
    span restored from a pass's state). A read of the group holds at least its hits."""

    first: datetime
    last: datetime
    hits: int = 0

    def widen(self, when: datetime) -> None:
        """Take one more hit's time in."""
        self.first = min(self.first, when)
        self.last = max(self.last, when)


def reevaluate(store: Store, corr: Correlation, natives: Mapping[str, str], groups: Mapping[Key, Span], *,
               until: str | None, horizon: datetime) -> Iterator[Joined]:
    """The alerts (new or updated) of the bursts that the groups' new hits belong to."""
    if not groups:
        return
    span = corr.span
    keys = sorted(groups, key=lambda k: (groups[k].first, repr(k)))
    lo = shift(min(s.first for s in groups.values()), -2 * span)
    hi = shift(max(s.last for s in groups.values()), span)
    stored = _stored_alerts(store, corr, shift(lo, -LOOKBACK), shift(hi, _TICK))
    step, over = CHUNK, _Over()
    for begin in range(0, len(keys), CHUNK):
        step = yield from _chunk(store, corr, natives, keys[begin:begin + CHUNK], groups, stored, until, horizon,
                                 step, over)
    over.say(corr)


def _chunk(store: Store, corr: Correlation, natives: Mapping[str, str], chunk: Sequence[Key],
           groups: Mapping[Key, Span], stored: Mapping[str, list[Alert]], until: str | None, horizon: datetime,
           step: int, over: _Over) -> Generator[Joined, None, int]:
    """The alerts of a chunk's groups, judged in parts of ``step`` groups; returns the step the
    next chunk starts with (a read over READ_BOUND makes it smaller: :func:`_step`).
    Every part reads over the chunk's whole range [lo, hi), as the chunk read at once would,
    so that the parts' reads differ only in their groups' values and a store that runs many
    queries in one scan (SQLite, ``search_batch`` None) reads the range once for all of them
    (govsoc.store.sqlite_batch); read one after the other, each part walked the whole range
    again (F12d: 200,000 sshd failures of a day in 42 parts, +34 % CPU for the pass)."""
    lo, hi = _range(corr, chunk, groups)
    carried, counted = step, sum(groups[key].hits for key in chunk)
    if counted > READ_BOUND and len(chunk) > 1 and _plain(chunk):
        # Its read would pass the bound: parts sized from the hits the pass counted, before
        # anything is read. Found by reading, the first read was stopped at the bound and thrown
        # away, then the chunk counted (R52b-3: 40,000 sshd failures, +26-32 % CPU for the pass).
        # Only where a part of one group reads that group's events alone (plain values; a
        # list's element may be every group's, R52b-1, which the reads below find out). Not
        # carried to the next chunk, which has hits of its own.
        step = min(step, _step(chunk, counted))
    done, bounded = 0, True
    while done < len(chunk):
        parts = [chunk[at:at + step] for at in range(done, len(chunk), step)]
        budget = _Budget(None, _planned(store, corr, natives, parts, lo, hi, until))
        for part in parts:
            budget.left, budget.taken = (READ_BOUND if bounded and len(part) > 1 else None), 0
            hits = _hits(store, corr, natives, part, lo, hi, until, horizon, budget)
            if len(part) == 1 and budget.taken > READ_BOUND:  # the bound is not kept, by design (R52b-4)
                over.alone(part[0], budget.taken)
            if hits is None:  # more than READ_BOUND events: the rest in parts of fewer groups
                size = _read_size(store, corr, natives, _narrow(corr, part), lo, hi, until)
                step = carried = _step(part, size)
                if 2 * _read_size(store, corr, natives, _narrow(corr, part[:step]), lo, hi, until) > size and \
                        2 * _read_size(store, corr, natives, _narrow(corr, part[step:]), lo, hi, until) > size:
                    # Fewer groups do not make the read smaller, whichever they are (a value every
                    # group holds: an address in every group's host.ip list, R52b-1): split, each
                    # part would read the range again (2,485 reads and 42 s of CPU where one read
                    # took 1 s). The rest is read at once, unbounded, as a chunk was before parts.
                    # Only when both halves hold most of it: one large group in the first half
                    # alone (a gateway busy since midnight, first in the order) let the rest of
                    # the chunk be read at once too (R53a-1: 162,000 events in one read).
                    bounded, step = False, len(chunk) - done
                    over.unbounded += len(chunk) - done
                break
            yield from _judged(corr, part, groups, stored, hits, horizon)
            del hits  # before the next part is read: one part's events at a time
            done += len(part)
    return carried if bounded else len(chunk)


@dataclass
class _Over:
    """What a pass read past READ_BOUND for one correlation, said once at its end (R52b-4; R53a-2:
    the first such group was named, not the largest): the groups read alone past it, the largest
    of them, and the groups read at once, unbounded, because fewer did not read less."""

    groups: int = 0
    largest: tuple[int, Key] | None = None
    unbounded: int = 0

    def alone(self, key: Key, taken: int) -> None:
        """A group read alone whose window held ``taken`` matches, more than READ_BOUND."""
        self.groups += 1
        if self.largest is None or taken > self.largest[0]:
            self.largest = (taken, key)

    def say(self, corr: Correlation) -> None:
        """The WARNING of the pass for this correlation, when anything passed the bound."""
        if self.largest is not None:
            taken, key = self.largest
            group = ", ".join(f"{k}={v}" for k, v in corr.group_dict(key).items())
            _log.warning("correlation %r (%s): %d group(s) read whole past READ_BOUND (%d matches), as a "
                         "group's window is judged whole; the largest, %s, held %d", corr.meta.title,
                         corr.meta.id, self.groups, READ_BOUND, group, taken)
        if self.unbounded:
            _log.warning("correlation %r (%s): %d groups read at once past READ_BOUND (%d matches): fewer of "
                         "them did not read fewer (a value they all hold)", corr.meta.title, corr.meta.id,
                         self.unbounded, READ_BOUND)


def _planned(store: Store, corr: Correlation, natives: Mapping[str, str], parts: Sequence[Sequence[Key]],
             lo: datetime, hi: datetime, until: str | None) -> deque[tuple[Query, Iterator[Event]]] | None:
    """The reads of every part, in the order :func:`ref_hits` asks them, from one
    ``search_many`` call (its iterators read their events only when taken); None (each read
    asked when needed) for a single part, or a store that searches each query apart."""
    if len(parts) == 1 or store.search_batch is not None:
        return None
    queries = [q for part in parts for q in _queries(corr, natives, _narrow(corr, part), lo, hi, until)]
    return deque(zip(queries, store.search_many(queries), strict=True))


def _judged(corr: Correlation, chunk: Sequence[Key], groups: Mapping[Key, Span], stored: Mapping[str, list[Alert]],
            hits: Mapping[str, list[Any]], horizon: datetime) -> Iterator[Joined]:
    """The alerts of the chunk's groups, from the hits read for them."""
    span = corr.span
    items = corr.items_by_group(hits, horizon)
    for key in chunk:
        found = groups[key]
        window = [i for i in items.get(key, ())
                  if shift(found.first, -2 * span) <= i.timestamp <= shift(found.last, span)]
        alerts = list(corr.group_alerts(key, window, horizon))
        group_stored = stored.get(_group_id(corr.group_dict(key)), [])
        claims = burst_claims(alerts, group_stored)
        for alert, claimed in zip(alerts, claims, strict=True):
            if alert.start <= found.last and alert.end >= found.first:
                yield joined(alert, claimed)
        if not corr.monotone:
            yield from _unmet(corr, found, group_stored, claims, horizon)


def _step(chunk: Sequence[Key], size: int) -> int:
    """How many groups a chunk takes after ``chunk``'s read passed READ_BOUND: as many as evenly
    spread events fill half the bound with (a chunk still over it is cut again when read), half
    of ``chunk`` at most. A group alone is never cut (its window is judged whole).
    Seen (R49a-8, F12d): a correlation by source.ip over 250 addresses is one chunk, whose read
    held a day's events at once (40,000 sshd failures: 109 MiB of events, 267 MB peak RSS;
    200,000: 931 MB). Counted only here, where a read was too large: a count costs the store
    about half a read (F12d: counting every chunk before reading it, 200,000 lines took 195 s
    of CPU, 85 s before). ``size``: the events ``chunk``'s read holds (counted)."""
    return max(1, min(len(chunk) // 2, len(chunk) * READ_BOUND // (2 * max(size, 1))))


def _unmet(corr: Correlation, found: Span, stored: Sequence[Alert], claims: Sequence[Sequence[Alert]],
           horizon: datetime) -> Iterator[Joined]:
    """The stored alerts of an upper-bound correlation's group that no burst holds any more: a
    late event fell in the window an alert was judged on (its count reached the bound) or in the
    quiet timespan before it (the window no longer opens a period of activity; see
    govsoc.rules.windows). Those are the alerts whose window opened within a timespan of the new
    hits, and was closed (judged) at ``horizon``; every event such a window and its quiet
    timespan hold was read."""
    claimed = {a.id for held in claims for a in held}
    for old in stored:
        if old.id not in claimed and shift(found.first, -corr.span) <= old.start <= shift(found.last, corr.span) \
                and shift(old.start, corr.span) < horizon:
            yield Joined(old, withdrawn=True)


def _range(corr: Correlation, chunk: Sequence[Key], groups: Mapping[Key, Span]) -> tuple[datetime, datetime]:
    """The event-time range [lo, hi) a read of the chunk's groups covers: their windows."""
    return shift(min(groups[k].first for k in chunk), -2 * corr.span), \
        shift(max(groups[k].last for k in chunk), corr.span + _TICK)


def _plain(chunk: Sequence[Key]) -> bool:
    """Whether every group field of the chunk's groups holds one plain value (no list, none missing)."""
    return all(isinstance(value, str | int | float) for key in chunk for value in key)


def _narrow(corr: Correlation, chunk: Sequence[Key]) -> tuple[tuple[int, tuple[Any, ...]], ...]:
    """The narrowing of a read of ``chunk``'s groups (see :func:`ref_hits`)."""
    # Narrowed in the store by every group field whose values in the chunk are plain (each the
    # chunk's values of it: a superset of its groups, each checked per group after). By the first
    # field alone, a chunk of (source.ip, user.name) groups ordered by time held nearly every
    # address and read every event of the span, once a chunk: 20 chunks, 20 times the events
    # (R49a-8: 40,000 sshd failures of one day, 250 addresses and 5,000 accounts, 80 s).
    # A list-valued field (host.ip, related.user: its key a tuple) narrows by its elements: a
    # read by one matches an event holding it among others (R52b-1: not narrowed, every part of a
    # split chunk read the whole range). An empty list or a missing value does not narrow.
    narrowed = []
    for at in range(len(corr.group_by)):
        values: set[Any] = set()
        for key in chunk:
            value = key[at]
            elements = value if isinstance(value, tuple | list) and value else (value,)
            if not all(isinstance(v, str | int | float) for v in elements):
                break
            values.update(elements)
        else:
            narrowed.append((at, tuple(sorted(values, key=repr))))
    return tuple(narrowed)


def _hits(store: Store, corr: Correlation, natives: Mapping[str, str], part: Sequence[Key], lo: datetime,
          hi: datetime, until: str | None, horizon: datetime, budget: _Budget) -> dict[str, list[Any]] | None:
    """The referenced rules' events of the part's groups in [lo, hi), by rule id (an inner
    correlation's matches under its id); None as soon as they pass the budget's events."""
    narrow = _narrow(corr, part)
    try:
        return {ref.id: ref_hits(store, corr, position, natives, narrow, lo, hi, until, horizon, budget)
                for position, ref in enumerate(corr.refs)}
    except _Overflow:
        return None


class _Overflow(Exception):
    """A bounded read passed its bound (never leaves this module)."""


class _Budget:
    """How many more events a part's reads may hold (None: no bound), how many they took, and the
    reads planned for it (:func:`_planned`; None: each asked of the store when needed)."""

    __slots__ = ("left", "planned", "taken")

    def __init__(self, left: int | None, planned: deque[tuple[Query, Iterator[Event]]] | None = None) -> None:
        self.left = left
        self.planned = planned
        self.taken = 0

    def search(self, store: Store, query: Query) -> Iterator[Event]:
        """The events of ``query``: the next planned read, which was asked for this query."""
        if self.planned is None:
            return store.search(query)
        asked, found = self.planned.popleft()
        if asked != query:  # a part would be given another query's events (R52b-5: never under -O either)
            raise RuntimeError("the parts' reads were planned in another order than ref_hits asks them")
        return found

    def read(self, found: Iterator[Event]) -> list[Event]:
        """The events of one store read, taken from the budget; _Overflow past it (the read is
        closed then: an Elasticsearch scroll is let go at once)."""
        if self.left is None:
            whole = list(found)
            self.taken += len(whole)
            return whole
        events: list[Event] = []
        try:
            for event in found:
                self.left -= 1
                self.taken += 1
                if self.left < 0:
                    raise _Overflow
                events.append(event)
        finally:
            close = getattr(found, "close", None)
            if callable(close):
                close()
        return events


def _read_size(store: Store, corr: Correlation, natives: Mapping[str, str],
               narrow: Sequence[tuple[int, tuple[Any, ...]]], lo: datetime, hi: datetime, until: str | None) -> int:
    """How many events :func:`ref_hits` reads for every rule of ``corr`` (an event matched by
    two rules is read twice), counted by the store without reading them."""
    return sum(store.count(query) for query in _queries(corr, natives, narrow, lo, hi, until))


def _queries(corr: Correlation, natives: Mapping[str, str], narrow: Sequence[tuple[int, tuple[Any, ...]]],
             lo: datetime, hi: datetime, until: str | None) -> list[Query]:
    """The store queries :func:`ref_hits` asks for every rule of ``corr``, in its order."""
    found: list[Query] = []
    for position, ref in enumerate(corr.refs):
        if ref.inner is None:
            found.append(_query(corr, position, natives, narrow, lo, hi, until))
        else:
            found.extend(_queries(ref.inner, natives, *_inner_reach(corr, position, narrow, lo, hi), until))
    return found


def _query(corr: Correlation, position: int, natives: Mapping[str, str],
           narrow: Sequence[tuple[int, tuple[Any, ...]]], lo: datetime, hi: datetime, until: str | None) -> Query:
    """The store query of ``corr``'s ``position``-th rule (a base rule) over [lo, hi), narrowed."""
    ref = corr.refs[position]
    terms = {ref.group_fields[at]: values for at, values in narrow}
    return Query(native=natives[ref.id], start=lo, end=hi, terms=terms, until=until)


def _inner_reach(corr: Correlation, position: int, narrow: Sequence[tuple[int, tuple[Any, ...]]], lo: datetime,
                 hi: datetime) -> tuple[list[tuple[int, tuple[Any, ...]]], datetime, datetime]:
    """What the inner correlation at ``position`` reads for its matches in [lo, hi): the
    narrowing by the group fields it shares, and its rules' wider range (see :func:`ref_hits`)."""
    inner = corr.refs[position].inner
    assert inner is not None
    fields = corr.refs[position].group_fields
    inner_narrow = [(inner.group_by.index(fields[at]), values) for at, values in narrow
                    if fields[at] in inner.group_by]
    return inner_narrow, lo - 3 * inner.span, hi + inner.span


def ref_hits(store: Store, corr: Correlation, position: int, natives: Mapping[str, str],
             narrow: Sequence[tuple[int, tuple[Any, ...]]], lo: datetime, hi: datetime, until: str | None,
             horizon: datetime | None, budget: _Budget | None = None) -> list[Any]:
    """The events of ``corr``'s ``position``-th rule in [lo, hi), whose group fields are each
    one of their values in ``narrow`` (group field position, values). For an inner correlation:
    its matches timed in [lo, hi), from its own rules' events over [lo - 3 x its timespan,
    hi + its timespan] (a burst whose match falls in [lo, hi) first fired in a window opened
    after lo - timespan, and a burst reaching further back has a fired window opened in the
    timespan before that one). Its store reads are taken from ``budget`` (see :func:`_hits`)."""
    inner = corr.refs[position].inner
    budget = budget or _Budget(None)
    if inner is None:
        return budget.read(budget.search(store, _query(corr, position, natives, narrow, lo, hi, until)))
    inner_narrow, start, end = _inner_reach(corr, position, narrow, lo, hi)
    hits = {r.id: ref_hits(store, inner, i, natives, inner_narrow, start, end, until, horizon, budget)
            for i, r in enumerate(inner.refs)}
    found = inner.items_by_group(hits, horizon)
    return [m for key in sorted(found, key=repr) for m in inner.matches(key, found[key], horizon)
            if lo <= m.timestamp < hi]


def route_key(event: Event, path: Path) -> tuple[tuple[Any, ...] | None, timedelta]:
    """The group key of a base rule's event in the last correlation of ``path``, and how far
    (in event time) the matches it may change lie from the event: an event can start, end or
    merge an inner correlation's burst up to two of its timespans away."""
    corr, position = path[0]
    key = corr.group_of(event, position)
    margin = timedelta(0)
    for (inner, _), (outer, at) in zip(path, path[1:], strict=False):
        if key is None:
            return None, margin
        key = outer.project(key, at)
        margin += 2 * inner.span
    return key, margin


def _stored_alerts(store: Store, corr: Correlation, start: datetime, end: datetime) -> dict[str, list[Alert]]:
    """The correlation's stored alerts that may overlap the bursts, by group."""
    found: dict[str, list[Alert]] = {}
    for alert in store.alerts(rule_id=corr.meta.id, start=start, end=end):
        found.setdefault(_group_id(alert.group), []).append(alert)
    return found


def _group_id(group: Mapping[str, Any]) -> str:
    # Stored groups come back from JSON (tuples as lists): compare in that form.
    return json.dumps(dict(group), sort_keys=True, default=list)
