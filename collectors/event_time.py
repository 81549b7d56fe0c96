"""Event times from the future (R58a-14): an event dated more than three days after the moment it
was read cannot be right (a device whose clock jumped, a sender that chooses it: `govsoc listen`
takes datagrams from anyone allowed). It keeps the time it was written with (ECS ``@timestamp`` is
when the event happened, as its source says; its id and its Elasticsearch index follow from it,
so a second reading of the same record is the same event: R59a-1, a time set at its reading was
stored once a week it was read; and the spacing of a file's events is kept: R59a-2, a batch set to
one instant made a burst), and is flagged ``time_ahead`` (the first one said), so that it can be found
(`events --where govsoc.flags=time_ahead`) and its source's clock mended. Stage: collectors (parse
-> normalise), run by collectors.pipeline.Pipeline.events on every event."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo

from govsoc.core.event import Event

#: How far after its reading an event's time may lie: a line without a year is given the year
#: that puts it at most two days after its file's modification time (collectors.timestamps and
#: syslog.rfc3164, _SLACK: clock skew, a late rotation), and a day more leaves room for a zone
#: given wrongly (at most 14 hours).
AHEAD = timedelta(days=3)
TIME_AHEAD_FLAG = "time_ahead"


class FutureTimes:
    """Judges event times against the clock; ``limit`` moves only when an event passes it, so the
    common case is one comparison an event (Pipeline.events runs this for each). ``first`` is the
    first event flagged (for the notice)."""

    __slots__ = ("first", "limit", "limits")

    def __init__(self) -> None:
        self.limit = datetime.now(UTC) + AHEAD
        #: The limit in each zone events came in: an aware time compared with one of the same
        #: tzinfo compares as it is written, without a UTC offset worked out for both (the zone of a
        #: BSD syslog file's events: 580 ns an event against UTC, 36 ns against its own zone; R59a-12).
        self.limits: dict[tzinfo | None, datetime] = {}
        self.first: Event | None = None

    def limit_in(self, zone: tzinfo | None) -> datetime:
        """The limit as a time of ``zone`` (kept in ``limits``)."""
        limit = self.limits[zone] = self.limit if zone is None else self.limit.astimezone(zone)
        return limit

    def judged(self, events: list[Event]) -> list[Event]:
        """``events`` with each one dated more than AHEAD after now flagged (the limit moved on
        first: a follower runs for days)."""
        self.limit = datetime.now(UTC) + AHEAD
        self.limits.clear()
        if all(event.timestamp <= self.limit for event in events):
            return events
        out = []
        for event in events:
            if event.timestamp > self.limit:
                event = _flagged(event)
                if self.first is None:
                    self.first = event
            out.append(event)
        return out


def _flagged(event: Event) -> Event:
    fields = dict(event.fields)
    flags = fields.get("govsoc.flags") or []
    flags = [flags] if isinstance(flags, str) else list(flags)
    if TIME_AHEAD_FLAG not in flags:
        fields["govsoc.flags"] = [*flags, TIME_AHEAD_FLAG]
    return Event(id=event.id, timestamp=event.timestamp, dataset=event.dataset, fields=fields)


def file_reference(mtime: float) -> datetime:
    """The time a file's lines without a year are placed before (collectors.timestamps): its
    modification time, or now when that lies ahead (a clock ahead, an archive restored with wrong
    times: R59a-2, its lines given next year)."""
    return min(datetime.fromtimestamp(mtime, tz=UTC), datetime.now(UTC))
