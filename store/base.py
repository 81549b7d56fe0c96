"""The Store contract: what every event store (SQLite, Elasticsearch) offers the other stages.

Writes are idempotent (the event id is the key), queries are half-open time ranges plus exact field
terms, full text over ``message`` and the raw record (where Sigma keywords search) and an optional
native condition (SQL for SQLite, Lucene query_string for Elasticsearch) that govsoc.rules backends
produce from Sigma rules. Counting and aggregation happen inside the store, never by pulling every
event into Python.
"""

from __future__ import annotations

import logging
from abc import ABCMeta, abstractmethod
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Any, Literal

from govsoc.core.alert import Alert, AlertReceipt, TriageChange
from govsoc.core.errors import DamagedStateError
from govsoc.core.event import Event
from govsoc.core.sink import WriteReceipt
from govsoc.store import deleted, rejudge
from govsoc.store.query import Bucket, Group, Query, Scalar, Target
from govsoc.store.withdraw import held, stands_for_window, withdraw_resting

#: Event ids looked up per query (Store.stored_ids).
_ID_CHUNK = 1000
#: The state document of the store's count tickets (Store.count_ticket).
COUNT_TICKETS = "count-tickets"
_log = logging.getLogger(__name__)


__all__ = ["COUNT_TICKETS", "AlertReceipt", "Bucket", "Group", "Query", "Scalar", "Store", "Target", "WriteReceipt",
           "week_start"]


def week_start(ts: datetime) -> datetime:
    """Midnight UTC of the Monday that starts the UTC ISO week of ``ts``.

    Retention and the Elasticsearch layout cut on these: events of one week share an index,
    and retention drops whole weeks before the cutoff's week, in every store alike.
    """
    day = ts.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return day - timedelta(days=day.weekday())


class Store(metaclass=ABCMeta):
    """An event store. Use as a context manager, or call close()."""

    #: "sqlite" or "elasticsearch": which native query language ``Query.native`` must be in.
    kind: str
    #: Whether write_alerts may run on another thread while this one searches (a detection pass
    #: then writes alerts beside its searches: govsoc.rules.alert_writer).
    concurrent_alert_writes: bool = False
    #: Alerts a detection pass gathers for one write_alerts call; None: the engine's own batch
    #: (govsoc.rules.engine.ALERT_BATCH).
    alert_batch: int | None = None
    #: Rules a detection pass hands to one search_many call, the next batch converted while the
    #: store searches this one (it sends its first request when handed the queries); None: every
    #: rule in one call (a store that runs them all in one scan: SQLite).
    search_batch: int | None = None

    @abstractmethod
    def write(self, events: Iterable[Event]) -> WriteReceipt:
        """Store events; an event whose id is already stored is counted as a duplicate."""

    @abstractmethod
    def delete(self, ids: Collection[str], *, replaced_by: Mapping[str, Sequence[str] | None] | None = None) -> int:
        """Remove the events with these ids; returns how many were stored. The ingest pipeline
        uses it when a completed line replaces the partial copy a one-shot run stored, and says
        by ``replaced_by`` which events the completed line gave (copy id -> their ids), or None
        for a copy replaced by events it cannot name (a capture's provisional flow, continued:
        taken to come back to the alerts the copy was in, whose judgement of it stands,
        core.alert.unseen). An id it does not name was replaced by nothing. The
        alerts raised on them are withdrawn (:meth:`withdraw_alerts_on`). An implementation
        calls :func:`govsoc.store.deleted.record` with the ids before deleting them."""

    def withdraw_alerts_on(self, event_ids: Collection[str],
                           replaced_by: Mapping[str, Sequence[str] | None] | None = None) -> None:
        """Withdraw the alerts that rest on deleted events: the partial copy of a line (or a
        provisional record) that its completed form replaced, which detection judges on its own
        (one line, one live alert; R12c F3). A match alert is withdrawn as govsoc.store.withdraw.withdraw does.
        An alert that stands for a window (a correlation, or a suppressed rule's window:
        govsoc.rules.suppress) is judged again by the next pass over its window without the
        deleted events, whatever the completed line is (it may fall in another group:
        govsoc.store.rejudge, R12d N7): an untouched one is dropped until then; one an analyst
        worked on keeps its status and gains a note, and a correlation no longer counts the
        deleted events (its times from the events it keeps). A correlation left with no event is
        withdrawn as a match alert is."""
        gone = set(event_ids)
        if not gone:
            return
        # (a store may find an alert by more than it rests on: Elasticsearch's alert.judged_copies
        # holds the copies beside their completed lines)
        found = [a for a in self.alerts(event_ids=tuple(gone)) if gone.intersection(a.rests_on)]
        # Recorded first, and each alert settled by itself, its note before its other write: a
        # delete that fails midway is done again by the ingest's next run (checkpoint.superseded),
        # which finds what it left, judges the windows still, and says each thing once (R12d N2).
        rejudge.record(self, [rejudge.entry_of(a) for a in found if held(a, gone) and stands_for_window(a, gone)])
        for alert in found:
            withdraw_resting(self, alert, gone, replaced_by)

    def deletes(self) -> str | None:
        """A mark that changes whenever :meth:`delete` removes events (None: none yet; a store
        that never deletes events keeps None). A detection pass compares it before its reads
        and after its writes: an alert built from events read before a delete and written after
        it may rest on a deleted event (V13 V11), which the delete's withdrawal looked for too
        early to find."""
        return None

    def stored_ids(self, ids: Collection[str]) -> set[str]:
        """Which of the event ids ``ids`` are stored (looked up by id, a chunk at a time)."""
        wanted = sorted(set(ids))
        found: set[str] = set()
        for begin in range(0, len(wanted), _ID_CHUNK):
            chunk = tuple(wanted[begin:begin + _ID_CHUNK])
            found.update(e.id for e in self.search(Query(terms={"event.id": chunk})))
        return found

    def withdraw_alerts_on_vanished(self, alerts: Iterable[Alert],
                                    damaged: Callable[[str], None] | None = None) -> None:
        """After ``alerts`` were written: withdraw what rests on an event among theirs that is no
        longer stored (deleted after the pass read it, before it wrote them), as the delete's
        own withdrawal would have (:meth:`withdraw_alerts_on`: a window judged again by the next
        pass from the events stored then). The caller checks :meth:`deletes` first: deletes are
        rare, and the look-up is needed only when one came during the pass. Only ids a
        :meth:`delete` removed count (govsoc.store.deleted): an event retention dropped keeps
        its alerts (R12e E3). A damaged record of them is said through ``damaged`` and every
        id not stored counts (the side that never keeps a partial copy's alert)."""
        ids = {i for alert in alerts for i in alert.rests_on}
        gone = ids - self.stored_ids(ids) if ids else set()
        if gone:
            removed = deleted.recent(self, damaged or (lambda why: None))
            if removed is not None:
                gone &= removed
        if gone:
            # what replaced them is not known here (the delete's own withdrawal was told, and
            # recorded it on the alerts it found then): taken to come back, Store.delete
            self.withdraw_alerts_on(gone, dict.fromkeys(gone))

    @abstractmethod
    def search(self, query: Query) -> Iterator[Event]:
        """The events matching ``query``, in time order then id."""

    @abstractmethod
    def count(self, query: Query) -> int:
        """How many events match ``query``."""

    @abstractmethod
    def aggregate(self, query: Query, field: str, size: int = 10) -> list[Bucket]:
        """The ``size`` most frequent values of ``field`` among matching events, most frequent
        first (ties by value); events lacking the field are not counted."""

    def has_field(self, name: str) -> bool:
        """Whether some stored event holds a value of the field ``name``: the names a query may
        use beyond the ECS table (govsoc.core.ecs), which the CLI checks so that a misspelt
        name is refused rather than answered "0" (R49a-3). This default asks :meth:`aggregate`;
        the stores answer it more cheaply."""
        return bool(self.aggregate(Query(), name, size=1))

    def field_names(self) -> list[str]:
        """Names of fields stored events hold beyond the ECS table's, for a hint to an analyst
        who misspelt one (R50c-6: a device's ``sangfor.actoin`` was refused without naming the
        stored ``sangfor.action``); what a store cannot list cheaply it may leave out."""
        return []

    @abstractmethod
    def groups(self, query: Query, field: str, *, size: int = 10, total: str | None = None, span: bool = False,
               target: Target = "events") -> list[Group]:
        """The ``size`` most frequent values of ``field`` (most first, ties by value), each with
        its count, the sum of the numeric field ``total`` over its members and, with ``span``,
        the time of its first and last member (alerts: the earliest start, ``@timestamp``, and the
        latest end, ``event.end``, so that an attack's span reaches its last event). A member
        lacking ``field`` is in no group; one with several values (an array) is in the group of
        each, once.

        With ``target="alerts"`` the alerts are grouped: ``query`` may then only bound their
        start time and give ``terms`` over alert fields (see :data:`Target`), and keys are text
        (alert context values are kept as keywords)."""

    @abstractmethod
    def histogram(self, query: Query, *, interval: timedelta, origin: datetime,
                  target: Target = "events") -> list[Bucket]:
        """How many events (or alerts, by start time) fall in each ``interval`` of time, the
        intervals aligned on ``origin``: each key is the UTC start of an interval
        (``origin + k * interval``) formatted as govsoc.core.event.format_timestamp does, in time
        order; intervals with nothing in them are left out. ``interval`` is whole seconds."""

    @abstractmethod
    def cardinality(self, query: Query, field: str, *, target: Target = "events") -> int:
        """How many distinct values ``field`` takes among the matching events (or alerts).
        Elasticsearch counts exactly up to 40,000 distinct values (its cardinality aggregation's
        precision threshold) and approximately above."""

    @abstractmethod
    def delete_before(self, cutoff: datetime, *, dry_run: bool = False) -> int:
        """Retention: drop the events of every UTC ISO week before the week of ``cutoff``
        (events before ``week_start(cutoff)``) and return how many were dropped; with
        ``dry_run`` count them and drop nothing. Alerts are not touched: they have their own
        retention and keep an evidence snapshot of their events."""

    @abstractmethod
    def delete_alerts_before(self, cutoff: datetime, *, dry_run: bool = False) -> int:
        """Alert retention, apart from event retention: drop the alerts whose last event
        (``event.end``) is before ``cutoff``, whatever their status, and return how many; with
        ``dry_run`` count them and drop nothing."""

    @abstractmethod
    def delete_alerts(self, ids: Iterable[str]) -> int:
        """Drop the alerts with these ids (detection retires an alert that a late event merged
        into another); returns how many were dropped. Ids not stored are ignored."""

    @abstractmethod
    def write_alerts(self, alerts: Iterable[Alert]) -> AlertReceipt:
        """Upsert alerts by id. A new id is created. A stored id gets the incoming alert's
        detection fields (times, event ids, evidence, context, rule attributes) and keeps its
        triage fields (status, assignee, notes, suppression count; see Alert.with_triage_of);
        it counts as unchanged when that leaves the stored alert as it was. An id given twice in
        one call is written once, as the last alert given with it."""

    @abstractmethod
    def alert(self, alert_id: str) -> Alert | None:
        """The stored alert with this id, or None."""

    @abstractmethod
    def update_alert(self, alert_id: str, change: TriageChange) -> Alert:
        """Apply a triage change to a stored alert atomically (a concurrent detection pass or
        analyst cannot undo it) and return the result; StoreError when no such alert exists."""

    @abstractmethod
    def alerts(self, *, rule_id: str | None = None, start: datetime | None = None,
               end: datetime | None = None, limit: int | None = None,
               order: Literal["asc", "desc"] = "asc",
               event_ids: Collection[str] | None = None) -> Iterator[Alert]:
        """Stored alerts by start time then id, oldest first (or newest first with "desc");
        with ``event_ids``, only those resting on one of these events."""

    @abstractmethod
    def position(self) -> str | None:
        """The ingest position up to which every event stored so far can be read (None when the
        store holds no event): the ``until`` of an incremental pass, and the ``after`` of the next.
        Opaque to callers, who only store it and hand it back."""

    @abstractmethod
    def get_state(self, key: str) -> dict[str, Any] | None:
        """A small JSON document the detection engine keeps in the store (rule checkpoints), so
        that the state travels with the events it describes; None when never written."""

    @abstractmethod
    def state_keys(self, prefix: str) -> list[str]:
        """The keys of the state documents written whose key starts with ``prefix``, sorted
        (`rules status` lists every rule a pass ran, its file named again or not)."""

    @abstractmethod
    def put_state(self, key: str, value: dict[str, Any]) -> None:
        """Write a state document (replacing the previous one), readable at once."""

    @abstractmethod
    def update_state(self, key: str, change: Callable[[dict[str, Any] | None], dict[str, Any]], *,
                     damaged: Callable[[str], None] | None = None) -> None:
        """Replace a state document with ``change(document)`` (None: never written) atomically:
        a writer in another process between the read and the write is not overwritten (its
        change is read and ``change`` called again), so two processes each adding to one
        document lose nothing (V13 V2). ``change`` may be called more than once. A document
        that is not a JSON object is :class:`DamagedStateError`, or, with ``damaged``, said
        through it (its reason) and replaced by ``change(None)``."""

    def count_ticket(self) -> int:
        """The next number of the store's own counter (state :data:`COUNT_TICKETS`), taken
        atomically (:meth:`update_state`): of two callers, the later gets the larger, whatever
        their hosts' clocks. A pass takes one before it counts suppressed windows judged again,
        so the newer count is known (Alert.counted, R12f G1). A damaged counter is said (logged)
        and starts again from 1; until it passes the tickets stored, those counts stand."""
        taken: list[int] = []

        def change(doc: dict[str, Any] | None) -> dict[str, Any]:
            last = (doc or {}).get("last")
            ticket = (last if isinstance(last, int) and not isinstance(last, bool) else 0) + 1
            taken.append(ticket)
            return {"last": ticket}

        self.update_state(COUNT_TICKETS, change, damaged=lambda why: _log.warning("%s: started again", why))
        return taken[-1]

    def get_states(self, keys: Sequence[str], *,
                   damaged: Callable[[str], None] | None = None) -> dict[str, dict[str, Any]]:
        """Many state documents at once: key -> document, for the keys that were written. One that
        is not a JSON object is DamagedStateError, or, with ``damaged``, said through it (the
        error's message, naming the key) and left out, as if never written: the caller rebuilds it."""
        found: dict[str, dict[str, Any]] = {}
        for key in keys:
            try:
                doc = self.get_state(key)
            except DamagedStateError as e:
                if damaged is None:
                    raise
                damaged(e.message)
                continue
            if doc is not None:
                found[key] = doc
        return found

    def put_states(self, values: Mapping[str, dict[str, Any]]) -> None:
        """Write many state documents at once (each as :meth:`put_state` would)."""
        for key, value in values.items():
            self.put_state(key, value)

    def search_many(self, queries: Sequence[Query]) -> list[Iterator[Event]]:
        """The events of each query, as :meth:`search` gives them, one iterator per query.
        Each is read on its own, in any order, and raises its own errors; a store may fetch
        the first hits of several queries in one request (a detection pass of many rules)."""
        return [self.search(query) for query in queries]

    def query_parts(self, native: str) -> dict[str, Any]:
        """What this store works out from a rule's native query before it runs it, to keep with
        the rule's kept conversion (govsoc.rules.conversions), so that a later pass, in another
        process, takes it back (:meth:`reuse_query_parts`) instead of working it out again:
        keys named after the store kind. {} (the default): nothing."""
        return {}

    def reuse_query_parts(self, native: str, kept: Mapping[str, Any]) -> None:  # noqa: B027  (optional)
        """Take back, from a kept conversion document, what :meth:`query_parts` gave for
        ``native`` on an earlier pass; what it cannot use it ignores (and works out again)."""

    def interrupt(self) -> None:  # noqa: B027  (optional: most stores stop at the KeyboardInterrupt)
        """Ctrl-C, called by a SIGINT handler on the main thread before it raises
        KeyboardInterrupt: a store whose statements run Python code inside its engine (SQLite's
        SQL functions, where the exception is swallowed and the statement merely fails) stops
        them, and raises KeyboardInterrupt at its next statement."""

    def prepare_writes(self) -> None:  # noqa: B027  (optional: most stores need nothing made first)
        """A detection pass begins: start making what its alert and state writes will need
        (Elasticsearch: the indices, when missing), beside its first searches rather than
        inside its first write. Writes work without it."""

    def refresh(self) -> None:  # noqa: B027  (optional: most stores see their writes at once)
        """Make every write so far visible to searches (a no-op where writes are at once)."""

    def refresh_alerts(self) -> None:  # noqa: B027  (optional: most stores see their writes at once)
        """Make the alerts written so far searchable by every reader: a detection pass ends with
        it, so that `govsoc alerts` right after `govsoc detect` lists every alert (a no-op where
        writes are at once)."""

    @abstractmethod
    def close(self) -> None:
        """Release connections and files."""

    def __enter__(self) -> Store:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()
