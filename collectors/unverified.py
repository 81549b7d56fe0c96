"""A batch whose stored ids could not be looked up: spooled, and looked up by the drain.

After a run killed between the store's acknowledgement and its checkpoint, the batches read
again are looked up by id in every events index before they are written (Elasticsearch keeps
ids apart per week of event time: collectors.files.tracker, R11v-1). When the store cannot be
reached for that lookup, it is the same outage a write meets: the batch goes to the durable
spool, marked, and the drain looks its ids up before writing it, so that nothing is stored
twice (R11x-3: the lookup's StoreError stopped the whole `govsoc ingest`, the other files
unread, and ended `--follow` at its first poll).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any, Protocol

from govsoc.core.errors import StoreError
from govsoc.core.sink import WriteReceipt


class Unverified(frozenset[str]):
    """The answer of a lookup the store could not make: no id known stored, and the batch
    must be spooled marked (never written as it is: its first copy may be in another index)."""


#: The one answer of a failed lookup.
UNVERIFIED = Unverified()


class RecordSink(Protocol):
    """Where a drain writes a spool's items (the store for events; collectors.spool drains into it)."""

    def write(self, items: list[Any]) -> WriteReceipt:
        """Take ``items``; a StoreError leaves them spooled."""
        ...


class LookupSink(RecordSink, Protocol):
    """A store that can say which ids it holds (Store.stored_ids)."""

    def stored_ids(self, ids: Collection[str]) -> set[str]:
        """The ids among ``ids`` stored already."""
        ...


def guarded(lookup: Callable[[list[str]], set[str]], usable: Callable[[], bool],
            went_down: Callable[[StoreError], None]) -> Callable[[list[str]], frozenset[str] | set[str]]:
    """``lookup``, answering :data:`UNVERIFIED` when the store is known down (its back-off not
    run out: no connect time-out paid per batch) or fails now (``went_down`` is told)."""

    def looked_up(ids: list[str]) -> frozenset[str] | set[str]:
        if not usable():
            return UNVERIFIED
        try:
            return lookup(ids)
        except StoreError as e:
            went_down(e)
            return UNVERIFIED

    return looked_up


def written_checked(sink: LookupSink | RecordSink, events: list[Any]) -> WriteReceipt:
    """Write a marked spooled batch: its ids the store holds already are counted as duplicates
    and not written again (a StoreError of the lookup leaves the batch spooled). A store that
    keeps every id once (SQLite: no lookup) is written to as it is."""
    lookup = getattr(sink, "stored_ids", None)
    stored: Collection[str] = lookup([e.id for e in events]) if lookup is not None else ()
    rest = [e for e in events if e.id not in stored]
    receipt = sink.write(rest) if rest else WriteReceipt()
    return receipt + WriteReceipt(duplicates=len(events) - len(rest))

