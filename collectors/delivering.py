"""Delivery of a pipeline's batches: to the store, or, while it is down, to the durable spool,
with a back-off between tries and the outage said once; the spool drained first when the store
answers again; a full spool makes file sources wait and network sources drop and count; a full
disk said as DISK FULL (collectors.pipeline.Pipeline runs it). Stage: collectors (source -> spool
-> store).
"""

from __future__ import annotations

import functools
import json
import shutil
import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any, Literal

from govsoc.collectors.spool import DrainInterrupted, Spool
from govsoc.collectors.spool_damage import told
from govsoc.collectors.stopping import StopRequest
from govsoc.collectors.summary import Delivery
from govsoc.core.errors import ConfigError, StoreError
from govsoc.core.event import Event
from govsoc.core.sink import EventSink, WriteReceipt, Written, begin_write

__all__ = ["StoreDelivery"]


class _Untried:
    """Pipeline._deliver's mark: no write begun yet for the batch."""


_UNTRIED = _Untried()


class StoreDelivery:
    """The delivery half of collectors.pipeline.Pipeline, which sets these attributes (its
    __init__) and refreshes its store lookups after a drain (refresh)."""

    sink: EventSink
    spool: Spool
    stop: StopRequest
    notice: Callable[[str], None]
    retry_seconds: float
    max_backoff: float
    disk_full_seconds: float
    drained: int
    #: Drained events the store refused (written to rejects/spool.rejects.jsonl), over the pipeline's life.
    drain_rejected: int
    rejects_dir: Path
    corrupt_spool_records: int
    misconfigured: ConfigError | None
    _down_since: float | None
    _backoff: float
    _retry_at: float
    _store_error: str
    _unsaid: StoreError | None
    _noted_misconfigured: bool

    def refresh(self) -> None:
        """Make what was written searchable (Pipeline's: after a drain stored events)."""

    def _store_usable(self) -> bool:
        """Whether to try the store now: it answered last time, or its back-off has run out."""
        return self._down_since is None or time.monotonic() >= self._retry_at

    def drain(self) -> int:
        """Write what the spool holds to the store; returns how many events went (0 when the
        store is still down). ``drained`` counts them over the pipeline's life."""
        if not self._store_usable() or self.spool.is_empty():
            return 0
        try:
            result = self.spool.drain(self.stop.guard(self.sink))
        except StoreError as e:
            self._went_down(e)
            if not isinstance(e, DrainInterrupted):
                return 0
            result = e.result
        else:
            self._came_back()
        self.drained += result.events
        if result.refused:
            self._drain_refused(result.refused)
        if result.events:
            self.refresh()
        if result.corrupt_records:
            self.corrupt_spool_records += result.corrupt_records
            self.notice(f"spool: {result.corrupt_records} damaged records ({result.corrupt_bytes} bytes) "
                        f"skipped, not replayed: {told(result.damaged)}")
        return result.events

    def _drain_refused(self, refused: tuple[tuple[Any, str, str | None], ...]) -> None:
        """Spooled events the store refused when they were drained: written with their reasons to
        the rejects folder, counted and said, as a batch's refusals are (R59a-8: lost unsaid, the run
        exiting 0)."""
        self.drain_rejected += len(refused)
        target = self.rejects_dir / "spool.rejects.jsonl"
        try:
            append_rejects(target, ((getattr(event, "id", None), reason, f"spooled (source {source})",
                                     event.get("event.original") if isinstance(event, Event) else None)
                                    for event, reason, source in refused))
            where = f"-> {target}"
        except OSError as e:
            where = f"not written to {target} ({e.strerror})"
        self.notice(f"spool: {len(refused)} drained events refused by the store ({refused[0][1]}) {where}")

    def _came_back(self) -> None:
        if self._down_since is not None:
            # an outage no batch was spooled for (a refresh failed) is said with its cause (R59a-10)
            unsaid = f" (it had failed: {self._unsaid})" if self._unsaid is not None else ""
            self.notice(f"store answers again after {time.monotonic() - self._down_since:.0f} s{unsaid}")
        self._down_since, self._unsaid = None, None
        if self._noted_misconfigured:
            self.spool.note_misconfigured(None)
            self._noted_misconfigured = False

    def _went_down(self, error: StoreError, *, say: bool = True) -> None:
        """The store failed: batches go straight to the spool until the back-off runs out, then
        one operation (a drain of the spool's oldest batch, or the next batch) tries it again.
        Each failure in a row doubles the wait, up to max_backoff seconds: an unreachable host
        costs a connect time-out per try, which must not be paid for every batch. Without
        ``say`` (a write, whose batch may find no room in the spool either) the outage is said
        by :meth:`_spooled` or :meth:`_disk_full`."""
        now = time.monotonic()
        self._store_error = str(error)
        if isinstance(error, ConfigError):  # no outage: spooled until the configuration is fixed
            if self.misconfigured is None:
                self.notice(f"store misconfigured, spooling to {self.spool.folder}: {error}")
                self.spool.note_misconfigured(str(error))  # for `govsoc status` (R11j-4)
                self._noted_misconfigured = True
            self.misconfigured = error
        if self._down_since is None and self.misconfigured is not None:
            self._down_since, self._backoff = now, self.retry_seconds
        elif self._down_since is None:
            if say:
                self.notice(f"store unavailable, spooling to {self.spool.folder}: {error}")
            else:
                self._unsaid = error
            self._down_since, self._backoff = now, self.retry_seconds
        else:
            self._backoff = min(self.max_backoff, max(self._backoff * 2, self.retry_seconds))
        self._retry_at = now + self._backoff

    def deliver(self, events: list[Event], on_full: Literal["wait", "drop"] = "wait",
                source: str | None = None, *, verify: bool = False) -> Delivery:
        """Store ``events``, or spool them when the store is down (for ``source``, a checkpoint
        identity: the drain credits it; ``verify``: their lookup failed, spooled marked, never
        written as they are: collectors.unverified); when the spool is full, wait for the store
        (file sources: a batch larger than the room spooled in parts) or drop and count them."""
        return self._deliver(events, on_full, source, verify, _UNTRIED)

    def begin_delivery(self, events: list[Event], on_full: Literal["wait", "drop"], source: str | None, *,
                       verify: bool = False) -> Callable[[], Delivery] | Delivery:
        """:meth:`deliver`, its store write begun here (core.sink.begin_write): the callable
        returned waits for the store's commit and does the rest; a Delivery when nothing is
        left to wait for (nothing to write, the store down or writing at once)."""
        if not events or verify:
            return self.deliver(events, on_full, source, verify=verify)
        begun = self._begin(events)
        if begun is None or isinstance(begun, Written):
            return self._deliver(events, on_full, source, verify, begun)
        return functools.partial(self._deliver, events, on_full, source, verify, begun)

    def _begin(self, events: list[Event]) -> Callable[[], WriteReceipt] | None:
        """After a drain of the spool, a write of ``events`` begun, or None: the store not tried
        (its back-off runs) or failed at once (it went down)."""
        self.drain()
        if not self._store_usable():
            return None
        try:
            return begin_write(self.sink, events)
        except StoreError as e:
            self._went_down(e, say=False)
            return None

    def _deliver(self, events: list[Event], on_full: Literal["wait", "drop"], source: str | None, verify: bool,
                 begun: Callable[[], WriteReceipt] | _Untried | None) -> Delivery:
        """:meth:`deliver`, with its first write begun already (or tried: None) unless _UNTRIED."""
        receipt, pending = WriteReceipt(), events
        held: tuple[str, ...] = ()  # ids spooled (in parts when the batch is larger than the room)
        full_since: float | None = None
        said_full = False
        while pending:
            write = None if verify else self._begin(pending) if isinstance(begun, _Untried) else begun
            begun = _UNTRIED
            if verify:
                self.drain()
            if callable(write):
                try:
                    written = write()
                except StoreError as e:
                    self._went_down(e, say=False)
                else:
                    self._came_back()
                    receipt += replace(written, retry=())
                    if not written.retry:
                        return Delivery(receipt=receipt)
                    again = set(written.retry)
                    pending = [e for e in pending if e.id in again]
                    self._went_down(StoreError(f"the store asked to send {len(pending)} events again later"),
                                    say=False)
            taken = self.spool.append_part(pending, source, verify=verify, whole=on_full == "drop")
            held, pending = (*held, *(e.id for e in pending[:taken])), pending[taken:]
            if taken:
                self._spooled()
            if not pending:
                return Delivery(receipt=receipt, spooled=len(held), held=held)
            if on_full == "drop":
                return Delivery(receipt=receipt, dropped=len(pending), held=(*held, *(e.id for e in pending)))
            if self.spool.disk_full:
                full_since = self._disk_full(full_since)
            elif full_since is not None or not said_full:  # said once a wait, not every retry (R11v-3)
                full_since, said_full = None, True
                self.notice(f"spool full ({self.spool.pending_bytes()} of {self.spool.max_bytes} bytes); "
                            f"waiting for the store")
            self.stop.sleep(self.retry_seconds)
        return Delivery(receipt=receipt, spooled=len(held), held=held)

    def _spooled(self) -> None:
        """A batch went to the spool: say the outage a write met, now that the batch is safe."""
        if self._unsaid is not None and self._down_since is not None:
            self.notice(f"store unavailable, spooling to {self.spool.folder}: {self._unsaid}")
        self._unsaid = None

    def _disk_full(self, since: float | None) -> float:
        """No room on the spool's disk while the store refuses: say DISK FULL, and once that
        lasted disk_full_seconds raise it (R11 F5: the run waited for ever). Nothing is lost:
        the batch is not acknowledged, so the next run reads it again from the checkpoint. Said
        once, with the store's failure and what happens next (R11j-3: "store unavailable,
        spooling" came first, for a batch that found no room in the spool)."""
        now = time.monotonic()
        free = shutil.disk_usage(self.spool.folder).free
        where = f"{self.spool.folder} ({free} bytes free)"
        if since is None:
            self.notice(f"DISK FULL: the store refuses ({self._store_error}) and there is no room for the spool in "
                        f"{where}: the batch waits, tried again every {self.retry_seconds:g} s; stored or spooled "
                        f"once there is room, else after {self.disk_full_seconds:.0f} s the run stops and the next "
                        f"one reads it again from the checkpoint (nothing is lost)")
            since = now
        if now - since >= self.disk_full_seconds:
            raise StoreError(f"DISK FULL: no room for the spool in {where} for {now - since:.0f} s while the store "
                             f"refuses ({self._store_error}); what this run did not store is read again by the next "
                             f"one: free space there (or `govsoc retention`) and run it again")
        return since


def append_rejects(target: Path, rows: Iterable[tuple[str | None, str, str, Any]]) -> None:
    """Append refused events to a rejects file, one JSON object a line: (id, reason, where it was
    read, its raw record). OSError when the file cannot be written."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("a", encoding="utf-8") as out:
        for event_id, reason, at, original in rows:
            record = {"id": event_id, "reason": reason, "at": at, "original": original}
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
