"""The event: one ECS document with a deterministic id.

Fields are held flat, under their dotted ECS names ("source.ip", "event.outcome"); stores
receive the nested ECS document from :meth:`Event.to_document`. The id is derived from the
event's origin (file + offset, flow key + start, exporter + sequence, ...) by :func:`make_id`,
so storing the same event twice keeps one copy in every store.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

#: Fields held as attributes of Event rather than in Event.fields.
RESERVED = frozenset({"@timestamp", "event.id", "event.dataset"})


def make_id(*parts: object) -> str:
    """A stable 128-bit hex id from the parts that identify an origin.

    The parts are joined with a separator that cannot occur in paths or keys, so that
    ("a", "bc") and ("ab", "c") give different ids.
    """
    text = "\x1f".join(str(p) for p in parts)
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:
        # a file name that is not UTF-8 (a GBK name from a Windows or Samba share) reaches here
        # decoded with surrogateescape (os.fsdecode): hash its own bytes (os.fsencode), so valid
        # text keeps the id it always had; any other lone surrogate is hashed as UTF-16 would pass it
        data = text.encode("utf-8", "surrogateescape" if _escaped_only(text) else "surrogatepass")
    return hashlib.sha256(data).hexdigest()[:32]


def _escaped_only(text: str) -> bool:
    """Whether every surrogate in ``text`` is one surrogateescape makes of an undecodable byte."""
    return all(not 0xD800 <= ord(c) <= 0xDFFF or 0xDC80 <= ord(c) <= 0xDCFF for c in text)


def format_timestamp(ts: datetime) -> str:
    """ISO 8601 in UTC with microseconds and a Z: the one form every store receives."""
    # isoformat is the strftime form "%Y-%m-%dT%H:%M:%S.%fZ" in C, at a third of the cost (every
    # event and alert written or read passes here); a UTC time ends in "+00:00".
    return ts.astimezone(UTC).isoformat(timespec="microseconds")[:-6] + "Z"


def format_wall_time(wall: datetime, zone: tzinfo) -> str:
    """:func:`format_timestamp` of the naive ``wall`` time read in ``zone`` (a log's zone-less
    time in the source's zone): ``format_timestamp(wall.replace(tzinfo=zone))``, spelt out."""
    # The offset subtracted from the wall time gives the UTC wall time, which needs no offset
    # written and no second aware value: a quarter of replace + astimezone + an aware isoformat
    # (Hillstone's session times, Huawei's, each a new value: nothing to cache).
    return (wall - zone.utcoffset(wall)).isoformat(timespec="microseconds") + "Z"  # type: ignore[operator]


def utc_day(ts: datetime) -> datetime:
    """The start of the UTC day of ``ts``: retention and daily indices cut on these."""
    return ts.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


#: The first and last instants a datetime can hold, aware UTC.
EARLIEST = datetime.min.replace(tzinfo=UTC)
LATEST = datetime.max.replace(tzinfo=UTC)


def shift(when: datetime, by: timedelta) -> datetime:
    """``when + by``, clamped to the calendar: a window around an event dated 9999-12-31 (RFC 5424
    accepts the year; a device's broken clock sends it) ends at :data:`LATEST`, never raises
    OverflowError (V13 V12)."""
    try:
        return when + by
    except OverflowError:
        return LATEST if by > timedelta(0) else EARLIEST


def parse_timestamp(text: str) -> datetime:
    """Read what :func:`format_timestamp` writes (and other ISO 8601 forms) as aware UTC."""
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    """One normalised event.

    ``timestamp`` is ECS ``@timestamp`` (aware), ``dataset`` is ``event.dataset`` and ``id`` is
    ``event.id``; ``fields`` holds every other ECS or ``govsoc.*`` field by its dotted name.
    """

    id: str
    timestamp: datetime
    dataset: str
    fields: Mapping[str, Any] = field(default_factory=dict)

    def __init__(self, *, id: str, timestamp: datetime, dataset: str,
                 fields: Mapping[str, Any] | None = None) -> None:
        # Written out rather than generated: a frozen dataclass's __init__ sets each attribute
        # through object.__setattr__ and then calls __post_init__; the slots' own setters here
        # cost a quarter less, and every parsed event passes here (the pipeline then gives it its
        # id with :meth:`with_id`, without these checks again). The checks are __post_init__'s.
        if timestamp.tzinfo is None:
            raise ValueError(f"event {id}: timestamp must be timezone-aware")
        if fields is None:
            fields = {}
        # three look-ups rather than RESERVED.intersection, which walks every field (every event)
        elif "@timestamp" in fields or "event.id" in fields or "event.dataset" in fields:
            clash = RESERVED.intersection(fields)
            raise ValueError(f"event {id}: {sorted(clash)} are attributes, not fields")
        _set_id(self, id)
        _set_timestamp(self, timestamp)
        _set_dataset(self, dataset)
        _set_fields(self, fields)

    def with_id(self, id: str) -> Event:
        """This event under another id: the same time, dataset and fields (the same mapping), which
        the constructor checked when this event was made. The ingest pipeline gives every parsed
        event its id so (Pipeline._finish): the checks again cost a third of a microsecond a line."""
        made = _new_event(Event)
        _set_id(made, id)
        _set_timestamp(made, self.timestamp)
        _set_dataset(made, self.dataset)
        _set_fields(made, self.fields)
        return made

    def get(self, name: str, default: Any = None) -> Any:
        """The value of a dotted ECS field, including @timestamp, event.id and event.dataset."""
        if name == "@timestamp":
            return self.timestamp
        if name == "event.id":
            return self.id
        if name == "event.dataset":
            return self.dataset
        return self.fields.get(name, default)

    def to_document(self) -> dict[str, Any]:
        """The nested ECS document that stores index."""
        doc: dict[str, Any] = {"@timestamp": format_timestamp(self.timestamp)}
        for name, value in sorted(self.fields.items()):
            _put(doc, name, value)
        _put(doc, "event.id", self.id)
        _put(doc, "event.dataset", self.dataset)
        return doc

    @classmethod
    def from_document(cls, doc: Mapping[str, Any]) -> Event:
        """The event a store returns: the inverse of :meth:`to_document`."""
        flat: dict[str, Any] = {}
        _flatten_into(doc, "", flat)
        timestamp = parse_timestamp(str(flat.pop("@timestamp")))
        return cls(
            id=str(flat.pop("event.id")),
            dataset=str(flat.pop("event.dataset")),
            timestamp=timestamp,
            fields=flat,
        )


#: The slots' setters, which Event.__init__ calls (a frozen class refuses setattr).
_set_id = Event.__dict__["id"].__set__
_set_timestamp = Event.__dict__["timestamp"].__set__
_set_dataset = Event.__dict__["dataset"].__set__
_set_fields = Event.__dict__["fields"].__set__
_new_event = object.__new__


def flatten(doc: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    """Dotted names and leaf values of a nested document; lists are leaves."""
    for key, value in doc.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping) and value:
            yield from flatten(value, name + ".")
        else:
            yield name, value


#: Leaf types that need no Mapping check (an ABC check per value is slow).
_LEAVES = (str, int, float, list, tuple)


def _flatten_into(doc: Mapping[str, Any], prefix: str, out: dict[str, Any]) -> None:
    """:func:`flatten` into a dict, without a generator per level (every event read passes here)."""
    for key, value in doc.items():
        if value and (isinstance(value, dict) or (not isinstance(value, _LEAVES) and isinstance(value, Mapping))):
            _flatten_into(value, f"{prefix}{key}.", out)
        else:
            out[f"{prefix}{key}"] = value


def _put(doc: dict[str, Any], name: str, value: Any) -> None:
    *parents, leaf = name.split(".")
    node = doc
    for part in parents:
        child = node.setdefault(part, {})
        if not isinstance(child, dict):
            raise ValueError(f"field {name!r} nests under the value of {part!r}")
        node = child
    node[leaf] = value
