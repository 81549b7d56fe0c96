"""Event times from the future (R58a-14): a record's time is the one it was written with, except
when it lies more than three days after the moment it was read. Such a time is wrong by definition (a
device whose clock jumped, a sender that chooses it: `govsoc listen` takes datagrams from anyone
allowed), and kept as it was it never expires, sits at the top of every newest-first listing and
gives Elasticsearch an index per future week. The event is stored at the time it was read, its
written time kept in ``govsoc.original_timestamp`` and flagged ``time_ahead``. Stage: collectors
(parse -> normalise), run by collectors.pipeline.Pipeline.events on every event."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from govsoc.core.event import Event, format_timestamp

#: How far after its reading an event's time may lie: a line without a year is given the year
#: that puts it at most two days after its file's modification time (collectors.timestamps and
#: syslog.rfc3164, _SLACK: clock skew, a late rotation), and a day more leaves room for a zone
#: given wrongly (at most 14 hours).
AHEAD = timedelta(days=3)
TIME_AHEAD_FLAG = "time_ahead"
ORIGINAL_TIMESTAMP = "govsoc.original_timestamp"


class FutureTimes:
    """Judges event times against the clock; ``limit`` moves only when an event passes it, so the
    common case is one comparison an event (Pipeline.events runs this for each)."""

    __slots__ = ("limit",)

    def __init__(self) -> None:
        self.limit = datetime.now(UTC) + AHEAD

    def judged(self, events: list[Event]) -> list[Event]:
        """``events`` with each time more than AHEAD after now replaced by now (the limit moved
        on first: a follower runs for days)."""
        now = datetime.now(UTC)
        self.limit = now + AHEAD
        if all(event.timestamp <= self.limit for event in events):
            return events
        return [_read_now(event, now) if event.timestamp > self.limit else event for event in events]


def _read_now(event: Event, now: datetime) -> Event:
    fields = dict(event.fields)
    fields[ORIGINAL_TIMESTAMP] = format_timestamp(event.timestamp)
    flags = fields.get("govsoc.flags") or []
    flags = [flags] if isinstance(flags, str) else list(flags)
    fields["govsoc.flags"] = flags if TIME_AHEAD_FLAG in flags else [*flags, TIME_AHEAD_FLAG]
    return Event(id=event.id, timestamp=now, dataset=event.dataset, fields=fields)
