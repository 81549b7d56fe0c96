"""The evidence snapshot of an alert: up to :data:`EVIDENCE_LIMIT` events' time, key fields
(:data:`EVIDENCE_FIELDS`) and raw line, kept inside the alert (govsoc.core.alert) so that it stays
understandable after event retention has dropped its events; and :func:`_builder`, which makes
these frozen, slotted records (and alerts) without ``__init__``, the fast path of a detection pass.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

from govsoc.core.event import Event, format_timestamp, parse_timestamp

#: How many events an alert keeps a snapshot of.
EVIDENCE_LIMIT = 10
#: Longest raw line kept in a snapshot (characters); longer lines are cut and marked.
EVIDENCE_ORIGINAL_MAX = 8192
#: The fields a snapshot keeps besides time, dataset and the raw line: what an analyst reads first.
EVIDENCE_FIELDS = (
    "message", "event.action", "event.outcome", "event.category",
    "source.ip", "source.port", "destination.ip", "destination.port",
    "user.name", "host.name", "process.name", "process.command_line", "url.original",
    "govsoc.system", "govsoc.zone",
    # how govsoc read the event (torn, after_padding, partial, type_error ...): an analyst weighs
    # a login read right after a crash's NUL padding differently (R11n)
    "govsoc.flags",
    # flows (pcap, NetFlow/IPFIX, Zeek conn) have no raw line: these are their evidence
    "network.transport", "network.protocol", "network.bytes", "network.packets",
)

__all__ = ["EVIDENCE_FIELDS", "EVIDENCE_LIMIT", "EVIDENCE_ORIGINAL_MAX", "Evidence", "evidence_of"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Evidence:
    """A snapshot of one event behind an alert: its time, key fields and raw line.

    ``truncated`` says that ``original`` was cut to :data:`EVIDENCE_ORIGINAL_MAX` characters.
    """

    event_id: str
    timestamp: datetime
    dataset: str
    fields: Mapping[str, Any] = field(default_factory=dict)
    original: str | None = None
    truncated: bool = False

    @classmethod
    def of(cls, event: Event) -> Evidence:
        """The snapshot of ``event``."""
        # EVIDENCE_FIELDS names no attribute of Event (time, id, dataset): its fields hold them
        # all, read once each (every alert of a pass passes here).
        values = event.fields
        original = values.get("event.original")
        text = None if original is None else str(original)
        cut = text is not None and len(text) > EVIDENCE_ORIGINAL_MAX
        snapshot = {name: value for name in EVIDENCE_FIELDS if (value := values.get(name)) is not None}
        if cls is Evidence:  # every match alert's snapshot: built without __init__ (see _builder)
            made: Evidence = _new_evidence(
                event_id=event.id, timestamp=event.timestamp, dataset=event.dataset, fields=snapshot,
                original=text[:EVIDENCE_ORIGINAL_MAX] if cut and text is not None else text, truncated=cut)
            return made
        return cls(event_id=event.id, timestamp=event.timestamp, dataset=event.dataset, fields=snapshot,
                   original=text[:EVIDENCE_ORIGINAL_MAX] if cut and text is not None else text, truncated=cut)

    def to_document(self, *, timestamp: str | None = None) -> dict[str, Any]:
        """The stored form (``timestamp``: the time already formatted, when the caller has it)."""
        doc: dict[str, Any] = {"event.id": self.event_id,
                               "@timestamp": timestamp or format_timestamp(self.timestamp),
                               "event.dataset": self.dataset, "fields": dict(self.fields),
                               "event.original": self.original}
        if self.truncated:
            doc["truncated"] = True
        return doc

    @classmethod
    def from_document(cls, doc: Mapping[str, Any]) -> Evidence:
        """The inverse of :meth:`to_document`."""
        return cls(event_id=str(doc["event.id"]), timestamp=parse_timestamp(doc["@timestamp"]),
                   dataset=str(doc["event.dataset"]), fields=dict(doc.get("fields") or {}),
                   original=doc.get("event.original"), truncated=bool(doc.get("truncated", False)))


def evidence_of(events: Iterable[Event], limit: int = EVIDENCE_LIMIT) -> tuple[Evidence, ...]:
    """Snapshots of the first ``limit`` events (in the order given)."""
    snapshot: list[Evidence] = []
    for event in events:
        if len(snapshot) >= limit:
            break
        snapshot.append(Evidence.of(event))
    return tuple(snapshot)


def _builder(cls: type) -> Callable[..., Any]:
    """A function that makes an instance of the frozen, slotted dataclass ``cls`` from the values
    of all its fields, in field order, without calling ``__init__``: a frozen dataclass's
    ``__init__`` sets each field through ``object.__setattr__`` (a lookup and a call a field),
    which was 9 us of the ~40 us of Python a detection pass spends on each hit (P12f: 48,574
    alerts of 20 fields a pass). The slots' own setters do the same work in under half the time.
    Neither ``__post_init__`` nor default factories run: callers give every value, valid."""
    names = [f.name for f in fields(cls)]
    scope: dict[str, Any] = {"new": object.__new__, "cls": cls}
    scope.update({f"set_{name}": getattr(cls, name).__set__ for name in names})
    lines = [f"def build({', '.join(names)}):", "    made = new(cls)",
             *(f"    set_{name}(made, {name})" for name in names), "    return made"]
    exec("\n".join(lines), scope)  # the names are the class's own field names
    built: Callable[..., Any] = scope["build"]
    return built


_new_evidence = _builder(Evidence)
