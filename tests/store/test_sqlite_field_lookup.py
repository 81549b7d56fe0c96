"""A field a row does not have costs no search of the row's document (the detection time of
Windows rules on a store without Windows events: issue 12, detection speed).

``govsoc_field``/``govsoc_json`` read fields kept in a row's ``doc``. A path that is neither a
name of the document nor inside one of its object values may still name an object whose fields
the document holds flat (``winlog`` for ``winlog.event_data.LogonType``): that used to be looked
for by testing every name of every row for each call. The work is counted here
(``RowCodec.object_scans``), not timed: a path no name lies under is answered without it, and
the answers stay those of the search."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from govsoc.core.event import Event, make_id
from govsoc.store.base import Query
from govsoc.store.sqlite import SqliteStore
from govsoc.store.sqlite_layout import FIELD_FUNCTION, JSON_FUNCTION, field_call

AT = datetime(2026, 3, 4, 10, tzinfo=UTC)
SSHD = 200


def events() -> list[Event]:
    """200 sshd-like rows (no winlog field), two with a flat winlog.channel, one whose winlog
    fields are an object value (winlog.event_data) beside a flat name."""
    out = [Event(id=make_id("lookup", n), timestamp=AT + timedelta(seconds=n), dataset="test.sshd",
                 fields={"message": f"Failed password for u{n}", "host.name": "h1", "process.pid": n,
                         "log.file.path": "/var/log/auth.log"}) for n in range(SSHD)]
    out += [Event(id=make_id("lookup-win", n), timestamp=AT + timedelta(hours=1, seconds=n), dataset="test.win",
                  fields={"winlog.channel": "Security", "event.code": "4625"}) for n in range(2)]
    out.append(Event(id=make_id("lookup-obj", 0), timestamp=AT + timedelta(hours=2), dataset="test.win",
                     fields={"winlog.provider_name": "Microsoft-Windows-Security-Auditing",
                             "winlog.event_data": {"LogonType": "3", "IpAddress": "10.0.0.9"}}))
    return out


def ids(store: SqliteStore, where: str) -> set[str]:
    return {event.id for event in store.search(Query(native=where))}


def test_a_field_no_row_has_costs_no_document_search(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "events.db", writer_process=False)
    try:
        store.write(events())
        codec = store._codec
        codec.object_scans = 0
        channel = field_call(FIELD_FUNCTION, "winlog.channel")
        # the two flat Security rows, by value; every other row answered as "absent" ...
        assert ids(store, f"{channel} = 'Security'") == {make_id("lookup-win", n) for n in range(2)}
        assert ids(store, f"{channel} IS NULL") == {e.id for e in events()} - {make_id("lookup-win", n)
                                                                               for n in range(2)}
        # ... without searching any document's names (there were 2 x 201 misses)
        assert codec.object_scans == 0
        # inside an object value: found by walking the parents, no search either
        logon = field_call(FIELD_FUNCTION, "winlog.event_data.LogonType")
        assert ids(store, f"{logon} = '3'") == {make_id("lookup-obj", 0)}
        assert codec.object_scans == 0
    finally:
        store.close()


def test_an_object_path_is_rebuilt_only_where_names_lie_under_it(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "events.db", writer_process=False)
    try:
        store.write(events())
        codec = store._codec
        codec.object_scans = 0
        winlog = field_call(JSON_FUNCTION, "winlog")
        found = {e.id: e for e in store.search(Query(native=f"{winlog} IS NOT NULL"))}
        # the three rows with winlog names, and only they were searched (once per row and call:
        # the WHERE clause asks once per row)
        assert set(found) == {make_id("lookup-win", 0), make_id("lookup-win", 1), make_id("lookup-obj", 0)}
        assert codec.object_scans == 3
        # the rebuilt object holds both the flat name and the object value, nested as written
        rows = store._db.execute(f"SELECT {winlog} FROM events WHERE dataset = 'test.win' ORDER BY seq").fetchall()
        assert [json.loads(row[0]) for row in rows] == [
            {"channel": "Security"}, {"channel": "Security"},
            {"provider_name": "Microsoft-Windows-Security-Auditing",
             "event_data": {"LogonType": "3", "IpAddress": "10.0.0.9"}}]
    finally:
        store.close()


WINDOWS_RULE = """
title: Failed logon of admin
id: 00000000-0000-4000-8000-0000000000c7
logsource: {product: windows, service: security}
detection:
  sel: {EventID: 4625, TargetUserName: admin}
  condition: sel
"""


def test_a_rule_over_fields_no_shape_has_reads_no_document(tmp_path: Path) -> None:
    # A Windows rule on a store without Windows events (issue 12 review r12, gap 7): its log
    # source's winlog.channel is in no codec's shape, so no row's document is read; with Windows
    # events it reads only rows of a shape that has such fields and finds the admin logon; a
    # codec of unknown shape (made by an older govsoc) is read as before.
    from sigma.collection import SigmaCollection

    from govsoc.rules import load_rules  # noqa: F401  (registers the specification's modifiers)
    from govsoc.rules.backends import backend_for

    native = backend_for("sqlite").convert(list(SigmaCollection.from_yaml(WINDOWS_RULE))[0])
    with SqliteStore(tmp_path / "events.db") as store:
        store.write(events()[:SSHD])
        store._codec._last_key = None
        before = store._codec.decoded
        assert store.count(Query(native=native)) == 0
        assert store._codec.decoded == before  # no document read
        logons = [Event(id=make_id("lookup-4625", n), timestamp=AT + timedelta(hours=3, seconds=n),
                        dataset="system.security",
                        fields={"winlog.channel": "Security", "event.code": "4625", "event.module": "security",
                                "winlog.event_data.TargetUserName": user}) for n, user in enumerate(["admin", "bob"])]
        store.write(logons)
        store._codec._last_key = None
        before = store._codec.decoded
        assert [e.id for e in store.search(Query(native=native))] == [logons[0].id]
        assert store._codec.decoded - before <= len(logons) + 1  # the Windows rows (and the one found, read back)
        store._db.execute("UPDATE codecs SET names = NULL")  # as an older govsoc makes them
        store._codec._last_key = None
        before = store._codec.decoded
        assert [e.id for e in store.search(Query(native=native))] == [logons[0].id]
        assert store._codec.decoded - before >= SSHD  # every row read: nothing is known of the shapes
