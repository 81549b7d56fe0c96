"""The SQLite store on its own: file integrity under retention, schema upgrades, and concurrent
writers with a retention running, in real processes on one real file."""

from __future__ import annotations

import json
import multiprocessing
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from govsoc.core.coercion import stored_document
from govsoc.core.ecs import HOT, INDEXED, field_type
from govsoc.core.errors import StoreError
from govsoc.core.event import Event, make_id
from govsoc.store.base import Query
from govsoc.store.sqlite import SCHEMA_VERSION, SqliteStore
from govsoc.store.sqlite_layout import id_key, id_text, micros

OLD = datetime(2026, 1, 5, tzinfo=UTC)    # a Monday, weeks before NOW
NOW = datetime(2026, 3, 4, tzinfo=UTC)


def flow(n: int, at: datetime) -> Event:
    """A flow event: no message, as NetFlow and Zeek conn events have none."""
    return Event(id=make_id("flow", n), timestamp=at, dataset="netflow.flow",
                 fields={"source.ip": "10.0.0.1", "destination.port": 443, "network.bytes": n})


def line(n: int, at: datetime, writer: int = 0) -> Event:
    return Event(id=make_id("line", writer, n), timestamp=at, dataset="linux.auth",
                 fields={"message": f"Failed password for user{n % 50} from 10.0.{writer}.{n % 250} port {n}"})


def assert_intact(path: Path) -> None:
    db = sqlite3.connect(path)
    try:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        db.close()


def test_retention_over_events_without_message_leaves_a_sound_file(sqlite_store: SqliteStore) -> None:
    # Seen: "database disk image is malformed" after retention over flow events (version 1's
    # FTS index; version 4 has none, the text search must still find what is left).
    sqlite_store.write([flow(n, OLD + timedelta(seconds=n)) for n in range(300)]
                       + [line(n, OLD + timedelta(seconds=n)) for n in range(300)]
                       + [line(1000 + n, NOW) for n in range(50)] + [flow(1000 + n, NOW) for n in range(50)])
    assert sqlite_store.delete_before(NOW) == 600
    assert sqlite_store.count(Query(text="Failed password")) == 50
    sqlite_store.write([line(2000, NOW, writer=1)])
    assert sqlite_store.count(Query(text="from 10.0.1.")) == 1
    assert_intact(sqlite_store.path)


V1_SCHEMA = """
CREATE TABLE events (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, ts INTEGER NOT NULL,
    dataset TEXT NOT NULL, doc TEXT NOT NULL,
    message TEXT GENERATED ALWAYS AS (json_extract(doc, '$.message')) VIRTUAL);
CREATE VIRTUAL TABLE events_fts USING fts5(message, content='events', content_rowid='seq', tokenize='trigram');
CREATE TRIGGER events_fts_delete AFTER DELETE ON events BEGIN
    INSERT INTO events_fts (events_fts, rowid, message) VALUES ('delete', old.seq, old.message);
END;
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO meta VALUES ('schema_version', '1');
"""


def test_a_version_1_file_with_a_damaged_fts_index_is_upgraded(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    db = sqlite3.connect(path)
    db.executescript(V1_SCHEMA)
    for n, message in enumerate(["Failed password for root", None, "Accepted publickey for ops", None]):
        doc = json.dumps({"message": message} if message else {"network": {"bytes": 1}, "source": {"ip": "010.0.0.1"}})
        db.execute("INSERT INTO events (id, ts, dataset, doc) VALUES (?, ?, 'x', ?)", (str(n), n, doc))
    db.execute("INSERT INTO events_fts (rowid, message) SELECT seq, message FROM events WHERE message IS NOT NULL")
    db.execute("DELETE FROM events WHERE id = '1'")  # version 1's trigger damages the index here
    db.commit()
    db.close()
    with SqliteStore(path) as store:
        assert store.count(Query(text="password")) == 1
        assert store.count(Query(terms={"network.bytes": (1,)})) == 1
        # version 1 did not coerce: the copy does (rule prefilters compare canonical addresses)
        assert [e.get("govsoc.malformed.source.ip") for e in store.search(Query(terms={"network.bytes": (1,)}))] \
            == ["010.0.0.1"]
        assert store.delete_before(datetime(2026, 1, 1, tzinfo=UTC)) == 3
    assert_intact(path)
    check = sqlite3.connect(path)
    assert check.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == (str(SCHEMA_VERSION),)
    assert check.execute("SELECT name FROM sqlite_schema WHERE name LIKE 'events_fts%'").fetchall() == []
    check.close()


#: Version 3 as the store before version 4 created it: one JSON document per row, generated
#: columns over it (added one by one), partial indexes on the INDEXED fields and a trigram FTS
#: index on message filled by the write path.
V3_SCHEMA = """
CREATE TABLE events (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, ts INTEGER NOT NULL,
    dataset TEXT NOT NULL, doc TEXT NOT NULL,
    message TEXT GENERATED ALWAYS AS (json_extract(doc, '$.message')) VIRTUAL);
CREATE INDEX events_ts ON events (ts, id);
CREATE INDEX events_dataset_ts ON events (dataset, ts);
CREATE TABLE alerts (id TEXT PRIMARY KEY, rule_id TEXT NOT NULL, ts INTEGER NOT NULL, doc TEXT NOT NULL);
CREATE INDEX alerts_rule_ts ON alerts (rule_id, ts);
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE VIRTUAL TABLE events_fts USING fts5(message, content='events', content_rowid='seq', tokenize='trigram');
CREATE TRIGGER events_fts_delete AFTER DELETE ON events WHEN old.message IS NOT NULL BEGIN
    INSERT INTO events_fts (events_fts, rowid, message) VALUES ('delete', old.seq, old.message);
END;
INSERT INTO meta VALUES ('schema_version', '3');
"""


def version_3_file(path: Path, events: list[Event]) -> list[int]:
    """A version-3 store file holding ``events`` as that version wrote them; their seqs."""
    db = sqlite3.connect(path)
    db.executescript(V3_SCHEMA)
    affinity = {"long": "INTEGER", "float": "REAL", "boolean": "INTEGER"}
    for name in HOT:
        path = "$." + ".".join(f'"{part}"' for part in name.split("."))
        db.execute(f'ALTER TABLE events ADD COLUMN "{name}" {affinity.get(field_type(name), "TEXT")} '
                   f"GENERATED ALWAYS AS (json_extract(doc, '{path}')) VIRTUAL")
    for name in INDEXED:
        db.execute(f'CREATE INDEX "events_{name.replace(".", "_")}" ON events ("{name}") WHERE "{name}" IS NOT NULL')
    for n, event in enumerate(events):
        doc = json.dumps(stored_document(event, ingested="2026-03-04T00:00:00.000000Z"), ensure_ascii=False,
                         separators=(",", ":"))
        db.execute("INSERT INTO events (seq, id, ts, dataset, doc) VALUES (?, ?, ?, ?, ?)",
                   (10 * n + 7, event.id, micros(event.timestamp), event.dataset, doc))
    db.execute("INSERT INTO events_fts (rowid, message) SELECT seq, message FROM events WHERE message IS NOT NULL")
    db.commit()
    db.close()
    return [10 * n + 7 for n in range(len(events))]


def test_a_version_3_file_is_copied_into_the_version_4_layout_keeping_every_event_and_seq(tmp_path: Path) -> None:
    raw = "Mar  4 10:00:00 web sshd[7]: Failed password for root from 10.0.0.9 port 22 ssh2 "
    events = [
        Event(id=make_id("v3", 1), timestamp=NOW, dataset="linux.auth",
              fields={"event.original": raw, "message": raw[29:].strip(), "source.ip": "10.0.0.9",
                      "user.name": "root", "event.outcome": "failure", "related.ip": ["10.0.0.9"],
                      "process.pid": 7}),
        flow(2, NOW + timedelta(seconds=1)),
        # a list under a HOT name, an object-valued field and a boolean: kept exactly
        Event(id="not-hex-" + "x" * 30, timestamp=OLD, dataset="t",
              fields={"host.name": ["a", "b"], "winlog.event_data": {"Image": "C:\\x.exe", "N": 2},
                      "tls.established": True, "message": "über ıstanbul"}),
    ]
    path = tmp_path / "v3.db"
    seqs = version_3_file(path, events)
    expected = sorted(events, key=lambda e: (e.timestamp, e.id))
    with SqliteStore(path) as store:
        found = list(store.search(Query()))
        assert [e.id for e in found] == [e.id for e in expected]
        for got, event in zip(found, expected, strict=True):
            want = dict(stored_document(event, ingested="2026-03-04T00:00:00.000000Z"))
            assert got == Event.from_document(want)
        assert store.position() == str(seqs[-1])
        assert [e.id for e in store.search(Query(after=str(seqs[0])))] == [events[2].id, events[1].id]
        assert store.count(Query(text="FAILED password")) == 1
        assert store.count(Query(text="ÜBER")) == 1
        assert store.count(Query(terms={"source.ip": ("10.0.0.9", "10.0.0.1")})) == 2
        assert store.count(Query(terms={"related.ip": ("10.0.0.9",)})) == 1
        assert store.count(Query(terms={"winlog.event_data.Image": ("C:\\x.exe",)})) == 1
        store.write([line(1, NOW)])
        assert int(store.position() or 0) > seqs[-1]
        plan = store._db.execute('EXPLAIN QUERY PLAN SELECT seq FROM events WHERE "source.ip" IN (?, ?)',
                                 ("a", "b")).fetchall()
        assert "INDEX events_source_ip" in plan[0][3]
    assert_intact(path)
    check = sqlite3.connect(path)
    assert check.execute("SELECT name FROM sqlite_schema WHERE name LIKE 'events_fts%' OR name = 'events_v3'"
                         ).fetchall() == []
    check.close()


def test_a_file_from_a_newer_govsoc_is_refused_with_the_fix(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    SqliteStore(path).close()
    db = sqlite3.connect(path)
    db.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION + 1),))
    db.commit()
    db.close()
    with pytest.raises(StoreError, match=r"newer than this govsoc.*pip install -U govsoc"):
        SqliteStore(path)


WRITERS, PER_WRITER, OLD_EVENTS = 4, 60_000, 40_000


def _write(path: Path, writer: int) -> int:
    with SqliteStore(path) as store:
        created = 0
        for start in range(0, PER_WRITER, 5000):
            batch = [line(n, NOW + timedelta(milliseconds=n), writer) for n in range(start, start + 5000)]
            created += store.write(batch).created
        return created


def _retain(path: Path) -> int:
    with SqliteStore(path) as store:
        return store.delete_before(NOW)


def test_concurrent_writers_and_retention_lose_nothing(tmp_path: Path) -> None:
    # Seen: of four writers of 60,000 events, one died with "database is locked" and 30,000 of
    # its events were never written; retention held the write lock longer than the busy timeout.
    path = tmp_path / "shared.db"
    with SqliteStore(path) as store:
        store.write([flow(n, OLD + timedelta(seconds=n)) for n in range(OLD_EVENTS // 2)]
                    + [line(n, OLD + timedelta(seconds=n), writer=9) for n in range(OLD_EVENTS // 2)])
    context = multiprocessing.get_context("spawn")
    with context.Pool(WRITERS + 1) as pool:
        retained = pool.apply_async(_retain, (path,))
        written = [pool.apply_async(_write, (path, w)) for w in range(WRITERS)]
        assert [w.get(timeout=600) for w in written] == [PER_WRITER] * WRITERS
        assert retained.get(timeout=600) == OLD_EVENTS
    db = sqlite3.connect(path)
    ids = {id_text(row[0]) for row in db.execute("SELECT id FROM events")}
    db.close()
    assert ids == {make_id("line", w, n) for w in range(WRITERS) for n in range(PER_WRITER)}
    with SqliteStore(path) as store:
        assert store.count(Query(text="Failed password")) == WRITERS * PER_WRITER
    assert_intact(path)


def test_a_full_database_says_so_and_the_store_stays_usable(tmp_path: Path) -> None:
    # SQLite rolls a transaction back itself on "database or disk is full"; the store's own
    # ROLLBACK then failed and hid the cause behind "cannot rollback - no transaction is active"
    store = SqliteStore(tmp_path / "events.db")
    pages = store._db.execute("PRAGMA page_count").fetchone()[0]
    store._db.execute(f"PRAGMA max_page_count={pages + 50}")  # a real limit, as a full disk sets
    batch = [Event(id=f"e{i}", timestamp=datetime(2025, 12, 10, tzinfo=UTC), dataset="t",
                   fields={"message": f"line {i} " * 50}) for i in range(500)]
    with pytest.raises(StoreError, match="full") as raised:
        store.write(batch)
    assert "cannot rollback" not in str(raised.value)
    store._db.execute(f"PRAGMA max_page_count={1 << 30}")
    assert store.write(batch).created == 500  # no transaction left open by the failure


def test_writing_while_reading_a_search_does_not_wait_on_a_stale_snapshot(tmp_path: Path) -> None:
    # seen: `govsoc detect` beside `govsoc ingest` failed with "state write failed: database is
    # locked". Detection writes alerts and rule state while it iterates a search; when the search
    # held one read statement open, its WAL snapshot predated the other process's commits and
    # the write lock could never be taken (SQLITE_BUSY_SNAPSHOT until the busy timeout ran out).
    path = tmp_path / "events.db"
    at = datetime(2026, 11, 30, tzinfo=UTC)
    reader, other = SqliteStore(path), SqliteStore(path)
    try:
        reader.write(line(n, at + timedelta(seconds=n)) for n in range(5000))
        seen = 0
        for _event in reader.search(Query()):
            seen += 1
            if seen in (10, 2500):
                other.write([line(10_000 + seen, at)])  # another process commits meanwhile
                began = datetime.now(UTC)
                reader.put_state("test", {"seen": seen})
                assert datetime.now(UTC) - began < timedelta(seconds=5)
        assert seen == 5000
        assert reader.get_state("test") == {"seen": 2500}
    finally:
        reader.close()
        other.close()


@pytest.mark.parametrize(("message", "text", "found"), [
    ("Failed password for ROOT", "for root", True),          # ASCII caseless
    ("\u0130STANBUL office login", "istanbul", True),        # U+0130 folds to ASCII i: not in lower()'s reach
    ("\u212Aernel: oops", "KERNEL", True),                   # U+212A KELVIN SIGN folds to k
    ("ÜBER den Wolken", "über", True),                      # no ASCII run longer than the rest: exact check only
    ("Failed password for rooty", "for roots", False),       # a near miss
])
def test_text_search_is_caseless_past_what_lower_folds(sqlite_store: SqliteStore, message: str, text: str,
                                                        found: bool) -> None:
    raw = "Mar  4 10:00:00 host app: " + message
    sqlite_store.write([Event(id=make_id("text", message), timestamp=NOW, dataset="t",
                              fields={"event.original": raw, "message": message}),
                        Event(id=make_id("text-own", message), timestamp=NOW, dataset="t",
                              fields={"message": message})])  # (a message that is no part of an original)
    assert sqlite_store.count(Query(text=text)) == (2 if found else 0)


def _as_older_version(path: Path, version: int) -> None:
    """Turn a version-7 file into what version 4 (no ``lists`` column), 5 (a 1/NULL flag that
    left lists of objects out, its own index) or 6 (codecs without the names of their shapes)
    wrote: the schema only, the rows stay."""
    db = sqlite3.connect(path)
    db.execute("ALTER TABLE codecs DROP COLUMN names")
    db.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(version),))
    if version == 6:
        db.commit()
        db.close()
        return
    db.execute("DROP INDEX events_lists")
    db.execute("DROP TRIGGER IF EXISTS events_lists_unknown")  # (files made since have none)
    if version == 4:
        db.execute("ALTER TABLE events DROP COLUMN lists")
    else:
        db.execute("UPDATE events SET lists = iif(lists > '', 1, NULL)")
        db.execute("CREATE INDEX events_lists ON events (lists) WHERE lists = 1")
    db.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(version),))
    db.commit()
    db.close()


def _sqlite_rule(fragment: str) -> str:
    from sigma.collection import SigmaCollection

    from govsoc.rules import load_rules  # noqa: F401  (registers the specification's modifiers)
    from govsoc.rules.backends import backend_for

    rule = list(SigmaCollection.from_yaml(
        "title: t\nid: 00000000-0000-4000-8000-0000000000f4\nlogsource: {product: linux}\n"
        f"detection: {{sel: {{{fragment}}}, condition: sel}}\n"))[0]
    return backend_for("sqlite").convert(rule)


_LIST_EVENTS: list[dict[str, Any]] = [
    {"zeek.dns.answers": ["a.example", "evil.example"]},  # a list in the document
    {"user.name": ["alice", "root"]},  # a list under a HOT name
    {"zeek.dns.answers": "evil.example"},  # one value
    {"related.ip": ["10.0.0.1"]},  # an ecs.ARRAYS list: not named
    {"dns.answers": [{"data": "evil.example", "type": "A"}]},  # a list of objects: every name below it
]
#: The ``lists`` value each of _LIST_EVENTS gets.
_LIST_NAMES = ["|zeek.dns.answers|", "|user.name|", "", "", "|dns.answers|dns.answers.type|"]  # (.data: ARRAYS)
_LIST_RULES = {"zeek.dns.answers|endswith: .EXAMPLE": {0, 2}, "user.name: ROOT": {1}, "dns.answers.type: a": {4}}


def _lists_of(store: SqliteStore) -> list[Any]:
    return [lists for (lists,) in store._db.execute("SELECT lists FROM events ORDER BY ts")]


@pytest.mark.parametrize("version", [4, 5, 6])
def test_an_older_file_gains_the_list_names_and_its_lists_match_by_element(tmp_path: Path, version: int) -> None:
    # Version 6 names, per row, the fields that hold lists outside ecs.ARRAYS, so that a
    # condition on a field asks each element where that field is a list
    # (tests/rules/test_semantics.py); a version-4 or -5 file gets the names from its documents
    # when opened (version 5's flag left lists of objects out: Suricata's dns.answers).
    path = tmp_path / "old.db"
    events = [Event(id=make_id("v4", n), timestamp=NOW + timedelta(seconds=n), dataset="zeek.dns",
                    fields={"event.module": "linux", **fields}) for n, fields in enumerate(_LIST_EVENTS)]
    with SqliteStore(path) as store:
        store.write(events)
        assert _lists_of(store) == _LIST_NAMES
    _as_older_version(path, version)
    with SqliteStore(path) as store:
        assert _lists_of(store) == _LIST_NAMES
        # every codec a row uses is named after its shape again (one row of each read)
        assert store._db.execute("SELECT COUNT(*) FROM codecs WHERE names IS NULL AND id IN "
                                 "(SELECT codec FROM events)").fetchone() == (0,)
        assert store._db.execute("SELECT COUNT(*) FROM codecs WHERE names LIKE '%|zeek.dns.answers|%'"
                                 ).fetchone()[0] >= 1
        for fragment, expected in _LIST_RULES.items():
            native = _sqlite_rule(fragment)
            assert {e.id for e in store.search(Query(native=native))} == {events[n].id for n in expected}, fragment
    assert_intact(path)


@pytest.mark.parametrize("version", [4, 5])
def test_rows_an_older_writer_inserts_after_the_upgrade_match_by_element(tmp_path: Path, version: int) -> None:
    # An ingest of version 4 (or 5) still running when another process upgraded the file inserts
    # rows without list names (it does not know the column, or writes 1/NULL): a trigger marks
    # them unknown, conditions test their values exactly, and the next open names their lists.
    path = tmp_path / "old.db"
    events = [Event(id=make_id("old", n), timestamp=NOW + timedelta(seconds=n), dataset="zeek.dns",
                    fields={"event.module": "linux", **fields}) for n, fields in enumerate(_LIST_EVENTS)]
    with SqliteStore(path) as store:
        store.write(events)
    _as_older_version(path, version)
    with SqliteStore(path) as store:  # the upgrade
        old_writer = sqlite3.connect(path)
        columns = '"event.original", message_at, message_len, message_text, "event.module", "user.name", codec, doc'
        flag = {4: ("", ""), 5: (", lists", ", iif(lists > '', 1, NULL)")}[version]
        for event in events:  # each row again, as the old writer's INSERT names its columns
            old_writer.execute(f"INSERT INTO events (id, ts, dataset, {columns}{flag[0]}) SELECT randomblob(16), "
                               f"ts + 3600000000, dataset, {columns}{flag[1]} FROM events WHERE id = ?",
                               (id_key(event.id),))
        old_writer.commit()
        old_writer.close()
        unknown = _lists_of(store)[len(events):]
        assert unknown == ["|*|"] * len(events)  # (every event has remaining fields: event.ingested)
        for fragment, expected in _LIST_RULES.items():
            native = _sqlite_rule(fragment)
            found = {e.id for e in store.search(Query(native=native))}
            assert len(found) == 2 * len(expected), fragment  # each event and its copy
    with SqliteStore(path) as store:
        assert _lists_of(store) == _LIST_NAMES + _LIST_NAMES


@pytest.mark.parametrize("version", [None, 6, 4, 5])
def test_only_a_file_upgraded_from_version_4_or_5_marks_inserted_rows_by_trigger(tmp_path: Path,
                                                                                  version: int | None) -> None:
    # The trigger above runs a program for every row inserted (half of the writer's insert time,
    # issue 11). Only a govsoc of version 4 or 5 that opened the file before its upgrade can
    # insert rows without list names (every version refuses a newer file when it opens it), so
    # a new file, or one a version 6 made, goes without it; rows still name their lists.
    path = tmp_path / "events.db"
    events = [Event(id=make_id("trig", n), timestamp=NOW + timedelta(seconds=n), dataset="zeek.dns",
                    fields={"event.module": "linux", **fields}) for n, fields in enumerate(_LIST_EVENTS)]
    with SqliteStore(path) as store:
        store.write(events)
    if version is not None:
        _as_older_version(path, version)
    with SqliteStore(path) as store:
        triggers = store._db.execute("SELECT name FROM sqlite_schema WHERE type = 'trigger'").fetchall()
        assert triggers == ([("events_lists_unknown",)] if version in (4, 5) else [])
        assert _lists_of(store) == _LIST_NAMES


def test_a_rule_on_an_indexed_field_stays_on_its_index_beside_the_rows_holding_lists(tmp_path: Path) -> None:
    # The prefilter "... OR this row holds a list under the field" must not turn an indexed
    # rule into a scan of the ingest range: the lists index answers it as an equality (a range on
    # the column, without statistics, was taken for a quarter of the table, and a detection pass
    # of CIDR rules became one combined scan: +50 % CPU on bench.detect).
    with SqliteStore(tmp_path / "events.db") as store:
        store.write([Event(id=make_id("plan", n), timestamp=NOW + timedelta(seconds=n), dataset="linux.auth",
                           fields={"event.module": "linux", "process.name": "sshd", "event.action": "ssh_login",
                                   "source.ip": f"10.0.{n}.1", "labels.roles": ["a", "b"] if n % 2 else "a"})
                     for n in range(50)])
        for fragment in ("source.ip|cidr: '203.40.0.0/16'", "user.name: user000"):
            where, params = store._where(Query(native=_sqlite_rule(fragment), until="1000000"))
            plan = " | ".join(row[-1] for row in store._db.execute(
                f"EXPLAIN QUERY PLAN SELECT seq FROM events{where}", params))
            assert "MULTI-INDEX OR" in plan and "events_lists" in plan, (fragment, plan)


@pytest.mark.parametrize("old", ["(lists) WHERE lists > ''", "((lists > '')) WHERE lists > ''"])
def test_a_lists_index_of_a_first_version_7_file_is_made_again(tmp_path: Path, old: str) -> None:
    with SqliteStore(tmp_path / "events.db") as store:
        store.write([Event(id=make_id("idx", 0), timestamp=NOW, dataset="t", fields={"labels.roles": ["a", "b"]})])
        store._db.execute("DROP INDEX events_lists")
        store._db.execute(f"CREATE INDEX events_lists ON events {old}")
    with SqliteStore(tmp_path / "events.db") as store:
        (sql,) = store._db.execute("SELECT sql FROM sqlite_schema WHERE name = 'events_lists'").fetchone()
        assert "((lists > ''), lists)" in sql


def test_many_states_are_one_statement_to_read_and_one_transaction_to_write(tmp_path: Path) -> None:
    # A detection pass reads 2 x 100 state documents (rule states, kept conversions) and writes
    # 100 back: one statement and one commit each were a tenth of an incremental pass.
    with SqliteStore(tmp_path / "events.db") as store:
        statements: list[str] = []
        store._db.set_trace_callback(statements.append)
        store.put_states({f"rule-{n}": {"n": n, "名": "二"} for n in range(600)})
        assert sum(s.startswith("INSERT OR REPLACE INTO meta") for s in statements) == 600
        assert sum(s in ("BEGIN IMMEDIATE", "COMMIT") for s in statements) == 2, statements[:5]
        statements.clear()
        found = store.get_states([f"rule-{n}" for n in range(0, 700, 2)] + ["rule-0"])
        assert found == {f"rule-{n}": {"n": n, "名": "二"} for n in range(0, 600, 2)}
        assert len(statements) == 1  # 351 keys (350 distinct) within one statement's batch


def test_states_written_together_are_written_all_or_none(tmp_path: Path) -> None:
    with SqliteStore(tmp_path / "events.db") as store:
        with pytest.raises(TypeError):
            store.put_states({"a": {"n": 1}, "b": {"n": {1, 2}}})  # a set is no JSON
        assert store.get_states(["a", "b"]) == {}


def test_one_write_of_many_alerts_is_one_transaction(tmp_path: Path) -> None:
    # The id index takes random keys: each transaction rewrites most of its pages, so a pass's
    # alerts go in as few transactions as its calls (500 alerts a transaction wrote 30 % more pages).
    from govsoc.core.alert import Alert

    alerts = [Alert(id=make_id("alert", n), rule_id="r", rule_title="r", level="low", kind="match", start=NOW,
                    end=NOW, event_ids=(f"e{n}",)) for n in range(1200)]
    with SqliteStore(tmp_path / "events.db") as store:
        statements: list[str] = []
        store._db.set_trace_callback(statements.append)
        receipt = store.write_alerts(alerts[:700])
        assert (receipt.created, statements.count("BEGIN IMMEDIATE"), statements.count("COMMIT")) == (700, 1, 1)
        statements.clear()
        receipt = store.write_alerts(alerts)  # 700 stored (unchanged), 500 new
        assert (receipt.created, receipt.unchanged, statements.count("BEGIN IMMEDIATE")) == (500, 700, 1)
        assert len(list(store.alerts())) == 1200
