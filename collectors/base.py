"""The collector interfaces: Source -> RawRecord -> Parser -> Event.

A Source yields raw records that know their origin (file and byte offset, exporter and sequence);
a Parser turns one record into zero or more normalised ECS events, or raises ParseError, and the
ingest pipeline turns that error into a parse-failure event so that nothing is silently dropped.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from govsoc.core.event import Event
from govsoc.core.registry import Registry

#: The origin prefix of records read from files; the rest is the absolute path.
FILE_ORIGIN = "file://"


@dataclass(frozen=True, slots=True, kw_only=True)
class RawRecord:
    """One record as read: its bytes and where they came from."""

    data: bytes
    origin: str
    offset: int
    line: int | None = None
    received: datetime | None = None

    @property
    def file_path(self) -> str | None:
        """The file the record was read from, when its origin is a file (``file://<path>``)."""
        return self.origin[len(FILE_ORIGIN):] if self.origin.startswith(FILE_ORIGIN) else None

    def text(self) -> str:
        """The record decoded: UTF-8, else GB18030 (a superset of GBK), decided per record,
        since Chinese network devices often log in GBK."""
        try:
            return self.data.decode("utf-8")
        except UnicodeDecodeError:
            return self.data.decode("gb18030", errors="replace")


@dataclass(frozen=True, slots=True, kw_only=True)
class ParseContext:
    """What a parser needs to know beyond the record: the time zone of zone-less timestamps
    and a reference time for timestamps without a year (the file's modification time)."""

    timezone: ZoneInfo
    reference: datetime


class Source(Protocol):
    """Where records come from."""

    def records(self) -> Iterator[RawRecord]:
        """Every record, in order."""
        ...


class Parser(Protocol):
    """Turns records of one format into ECS events."""

    dataset: str

    def parse(self, record: RawRecord, context: ParseContext) -> Iterator[Event]:
        """The events in ``record``; raises ParseError when it does not understand it."""
        ...


#: Parser id -> parser class.
parsers: Registry[type[Parser]] = Registry("parser", "govsoc.collectors")
