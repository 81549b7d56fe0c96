"""Where events go: the write side of the store contract, which collectors may depend on.

Collectors and stores sit side by side in the pipeline and do not import each other: the ingest
pipeline writes to any EventSink, and every govsoc.store.Store is one.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from govsoc.core.event import Event


@dataclass(frozen=True, slots=True)
class WriteReceipt:
    """What a write did: events newly stored, ones already there, ones refused (with reasons),
    and ones the store could not take now and asks to be sent again later (overloaded,
    recovering: HTTP 429 and 5xx), which the ingest pipeline spools."""

    created: int = 0
    duplicates: int = 0
    rejected: tuple[tuple[str, str], ...] = ()
    retry: tuple[str, ...] = ()

    @property
    def accepted(self) -> int:
        """Events the store holds after the write (new or already there)."""
        return self.created + self.duplicates

    def __add__(self, other: WriteReceipt) -> WriteReceipt:
        return WriteReceipt(self.created + other.created, self.duplicates + other.duplicates,
                            self.rejected + other.rejected, self.retry + other.retry)


class EventSink(Protocol):
    """Something that stores events idempotently (by event id)."""

    def write(self, events: Iterable[Event]) -> WriteReceipt:
        """Store events; ids already stored count as duplicates."""
        ...

    def delete(self, ids: Collection[str], *, replaced_by: Mapping[str, Sequence[str] | None] | None = None) -> int:
        """Remove the events with these ids (an unterminated line replaced by its completed
        form, whose events ``replaced_by`` names by copy, None where it cannot name them; an id
        it does not name was replaced by nothing: Store.delete); returns how many were there."""
        ...

    def refresh(self) -> None:
        """Make the writes so far visible to searches."""
        ...


class Written:
    """A write already committed, as a write begun is (see :func:`begin_write`): calling it
    returns its receipt."""

    __slots__ = ("receipt",)

    def __init__(self, receipt: WriteReceipt) -> None:
        self.receipt = receipt

    def __call__(self) -> WriteReceipt:
        return self.receipt


def begin_write(sink: EventSink, events: list[Event]) -> Callable[[], WriteReceipt]:
    """Start writing ``events`` to ``sink``: the callable returned waits for the write's commit
    and returns its receipt, raising what ``write`` would. A sink that can hand a write over and
    be asked for its commit later has ``begin_write`` (the SQLite store: its writer process goes
    on with the next write meanwhile); any other writes now, and its receipt is a Written."""
    # Looked up on the class: a wrapper that hands other attributes to the sink it wraps
    # (__getattr__) and watches its writes (a stop, a test's kill) must say begin_write itself,
    # or its write() would be passed by (tests.collectors.test_rotation_resume's KilledAfter).
    if getattr(type(sink), "begin_write", None) is not None:
        started: Callable[[], WriteReceipt] = sink.begin_write(events)  # type: ignore[attr-defined]
        return started
    return Written(sink.write(events))
