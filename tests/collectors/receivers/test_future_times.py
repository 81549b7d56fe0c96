"""Event times from the future (R58a-14): a datagram or a line dated more than three days after it
was read keeps its time and is flagged ``time_ahead``, and the first is said (before: a sender's
times up to 2090 were stored with nothing to find them by). Its time is not changed: set to the
moment of reading, a record read again a week later went into another Elasticsearch index, stored
twice (R59a-1), and a file's days apart became one instant, a burst (R59a-2). Times within three
days ahead, and any past time, are as written and not flagged. Lines without a year in a file whose
modification time lies ahead take their year from now (R59a-2)."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

from govsoc.collectors import IngestOptions, Pipeline, ingest_file
from govsoc.store.base import Query
from govsoc.store.sqlite import SqliteStore

from .conftest import Start, settle, stored, udp_send


def _line(at: datetime, user: str) -> bytes:
    return f"<34>1 {at.strftime('%Y-%m-%dT%H:%M:%S.%fZ')} web1 sshd 2 - - Invalid user {user} from " \
           f"203.0.113.5 port 22".encode()


def test_a_senders_future_times_are_flagged(receivers: Start, store) -> None:  # type: ignore[no-untyped-def]
    rs = receivers({"name": "udp", "transport": "udp", "listen": "127.0.0.1:0"})
    now = datetime.now(UTC)
    soon, past = now + timedelta(days=2, hours=20), datetime(1970, 1, 1, tzinfo=UTC)
    far = [datetime(2090, 1, 1, tzinfo=UTC) + timedelta(weeks=n) for n in range(5)]
    udp_send(rs.addresses["udp"], _line(soon, "soon"), _line(past, "epoch"),
             *(_line(at, f"far{n}") for n, at in enumerate(far)))
    settle(rs)
    rs.stop()
    events = {e.get("user.name"): e for e in stored(store)}
    assert len(events) == 7
    for n, at in enumerate(far):
        assert events[f"far{n}"].timestamp == at and "time_ahead" in (events[f"far{n}"].get("govsoc.flags") or [])
    for user, at in (("soon", soon), ("epoch", past)):  # within three days ahead, and the past: not flagged
        assert events[user].timestamp == at and "time_ahead" not in (events[user].get("govsoc.flags") or [])


def test_a_files_future_lines_keep_their_times_and_spacing_and_are_said_once(tmp_path: Path) -> None:
    """A file's lines from 2099, days apart: stored with their times (read again, the same events,
    not second ones), flagged, the first said with its place."""
    log = tmp_path / "app.log"
    days = [datetime(2099, 6, 1, tzinfo=UTC) + timedelta(days=n) for n in range(3)]
    log.write_bytes(b"\n".join([*(_line(at, f"far{n}") for n, at in enumerate(days)),
                                _line(datetime.now(UTC) - timedelta(minutes=5), "now")]) + b"\n")
    said: list[str] = []
    with SqliteStore(tmp_path / "events.db") as store:
        pipeline = Pipeline(store, data_dir=tmp_path / "home", notice=said.append)
        assert pipeline.ingest_file(log, IngestOptions(parser="syslog.mixed")).receipt.created == 4
        again = ingest_file(log, parser_id="syslog.mixed", store=store, data_dir=tmp_path / "other-home")
        assert (again.receipt.created, again.receipt.duplicates) == (0, 4)
        events = {e.get("user.name"): e for e in store.search(Query())}
    assert [events[f"far{n}"].timestamp for n in range(3)] == days
    assert all("time_ahead" in events[f"far{n}"].get("govsoc.flags") for n in range(3))
    assert "time_ahead" not in (events["now"].get("govsoc.flags") or [])
    (notice,) = [s for s in said if "time_ahead" in s]
    assert notice.startswith(f"{log}:1: an event dated 2099-06-01T00:00:00+00:00, more than 3 days after it was read")


def test_lines_without_a_year_in_a_file_dated_ahead_take_this_years(tmp_path: Path) -> None:
    """R59a-2: an auth.log whose modification time is next March (a clock ahead, an archive restored
    with wrong times): its "Mar 2" lines were given next year, then set to one instant (a burst)."""
    now = datetime.now(UTC)
    log = tmp_path / "auth.log"
    log.write_text("".join(f"Mar  {day} 02:00:00 h sshd[1]: Failed password for root from 203.0.113.9 port 1 ssh2\n"
                           for day in range(2, 7)), encoding="utf-8")
    ahead = datetime(now.year + 1, 3, 7, tzinfo=UTC).timestamp()
    os.utime(log, (ahead, ahead))
    with SqliteStore(tmp_path / "events.db") as store:
        ingest_file(log, parser_id="linux.auth", store=store, data_dir=tmp_path / "home", timezone="UTC")
        times = sorted(e.timestamp for e in store.search(Query()))
    year = now.year if now >= datetime(now.year, 3, 2, tzinfo=UTC) else now.year - 1  # the last 2 March
    assert times == [datetime(year, 3, day, 2, tzinfo=UTC) for day in range(2, 7)]
