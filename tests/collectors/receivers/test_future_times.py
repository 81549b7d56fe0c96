"""Event times from the future (R58a-14): a datagram or a line dated more than three days after it
was read is stored at the time it was read, its written time kept in ``govsoc.original_timestamp`` and
flagged ``time_ahead`` (before: a sender chose times up to 2090, each week an Elasticsearch index,
never removed by retention). Times within three days ahead, and any past time, are kept as written."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from govsoc.collectors import ingest_file
from govsoc.store.base import Query
from govsoc.store.sqlite import SqliteStore

from .conftest import Start, settle, stored, udp_send


def _line(at: datetime, user: str) -> bytes:
    return f"<34>1 {at.strftime('%Y-%m-%dT%H:%M:%S.%fZ')} web1 sshd 2 - - Invalid user {user} from " \
           f"203.0.113.5 port 22".encode()


def test_a_sender_cannot_date_its_datagrams_in_the_future(receivers: Start, store) -> None:  # type: ignore[no-untyped-def]
    rs = receivers({"name": "udp", "transport": "udp", "listen": "127.0.0.1:0"})
    before = datetime.now(UTC)
    soon, past = before + timedelta(days=2, hours=20), datetime(1970, 1, 1, tzinfo=UTC)
    far = [datetime(2090, 1, 1, tzinfo=UTC) + timedelta(weeks=n) for n in range(5)]
    udp_send(rs.addresses["udp"], _line(soon, "soon"), _line(past, "epoch"),
             *(_line(at, f"far{n}") for n, at in enumerate(far)))
    settle(rs)
    rs.stop()
    after = datetime.now(UTC)
    events = {e.get("user.name"): e for e in stored(store)}
    assert len(events) == 7
    for n, at in enumerate(far):
        event = events[f"far{n}"]
        assert before <= event.timestamp <= after, event.timestamp
        assert "time_ahead" in (event.get("govsoc.flags") or [])
        assert event.get("govsoc.original_timestamp") == at.strftime("%Y-%m-%dT%H:%M:%S.000000Z")
    for user, at in (("soon", soon), ("epoch", past)):  # within three days ahead, and the past: as written
        assert events[user].timestamp == at and events[user].get("govsoc.original_timestamp") is None
        assert "time_ahead" not in (events[user].get("govsoc.flags") or [])


def test_a_line_dated_in_the_future_is_stored_at_its_reading_once(tmp_path: Path) -> None:
    """A file's line from 2099: stored at its reading, and read again (its checkpoint lost) it is
    the same event, not a second one (its id is its place in the file, not its time)."""
    log = tmp_path / "app.log"
    log.write_bytes(b"\n".join(_line(at, user) for user, at in (
        ("far", datetime(2099, 6, 1, tzinfo=UTC)), ("now", datetime.now(UTC) - timedelta(minutes=5)))) + b"\n")
    with SqliteStore(tmp_path / "events.db") as store:
        before = datetime.now(UTC)
        summary = ingest_file(log, parser_id="syslog.mixed", store=store, data_dir=tmp_path / "home")
        after = datetime.now(UTC)
        assert summary.receipt.created == 2
        again = ingest_file(log, parser_id="syslog.mixed", store=store, data_dir=tmp_path / "other-home")
        assert (again.receipt.created, again.receipt.duplicates) == (0, 2)
        events = {e.get("user.name"): e for e in store.search(Query())}
    far = events["far"]
    assert before <= far.timestamp <= after
    assert far.get("govsoc.original_timestamp") == "2099-06-01T00:00:00.000000Z"
    assert "time_ahead" in far.get("govsoc.flags") and events["now"].get("govsoc.original_timestamp") is None
