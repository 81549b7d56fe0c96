"""Where events go: the write side of the store contract, which collectors may depend on.

Collectors and stores sit side by side in the pipeline and do not import each other: the ingest
pipeline writes to any EventSink, and every govsoc.store.Store is one.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
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

    def delete(self, ids: Collection[str]) -> int:
        """Remove the events with these ids (an unterminated line replaced by its completed
        form); returns how many were there."""
        ...

    def refresh(self) -> None:
        """Make the writes so far visible to searches."""
        ...
