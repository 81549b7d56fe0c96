"""The SQLite store's row building (govsoc.store.sqlite_rows): the planned path of the writer
process gives every event the very row the general path (coerce, then split) gives it."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from govsoc.core.coercion import clean_text
from govsoc.core.ecs import HOT
from govsoc.core.event import Event
from govsoc.store import sqlite_rows
from govsoc.store.base import Query
from govsoc.store.sqlite import SqliteStore
from govsoc.store.sqlite_layout import id_key, id_keys
from govsoc.store.sqlite_rows import Unstored, coerce_parts, row_of, rows_of, split_row

INGESTED = "2026-03-04T12:00:00.000000Z"
ORIGINAL = "Mar  4 12:00:00 web1 sshd[7]: Failed password for root from 10.0.0.9 port 22 ssh2"

_NAMES = st.sampled_from([
    "event.original", "message", "event.ingested",                     # the row's own columns, stamped
    "user.name", "host.name", "event.action", "source.ip", "destination.port",  # columns (HOT)
    "related.ip", "related.user", "tags", "labels.roles",                # arrays, and a list outside them
    "process.pid", "log.offset", "event.created", "network.bytes",      # long, date
    "custom", "custom.thing", "linux.auth.ssh.invalid_user", "名前",   # not listed; nesting; not ASCII
])
_TEXTS = st.sampled_from([ORIGINAL, "Failed password for root from 10.0.0.9 port 22 ssh2", "root", "10.0.0.9",
                          "010.0.0.9", "1.2.3.4\n5.6.7.8", "", "a\x00b", "\ud800", "名前", "sshd[7]"])
_SCALARS = (_TEXTS | st.integers(min_value=-(2**64), max_value=2**64) | st.floats(allow_nan=True)
            | st.booleans() | st.none())
_VALUES = _SCALARS | st.lists(_SCALARS, max_size=3) | st.dictionaries(st.sampled_from(["a", "b"]), _SCALARS, max_size=2)
#: An ordinary event (coercion keeps it as it is, so it takes the plan).
ORDINARY: dict[str, Any] = {
    "event.original": ORIGINAL, "message": ORIGINAL[30:], "user.name": "root", "source.ip": "10.0.0.9",
    "related.ip": ["10.0.0.9"], "related.user": ["root"], "labels.roles": ["a", "b"], "process.pid": 7,
    "linux.auth.ssh.invalid_user": True, "host.name": "web1", "destination.port": 22}


@st.composite
def _mostly_ordinary(draw: st.DrawFn) -> dict[str, Any]:
    """Some fields of the ordinary event, in any order, now and then one of them (or another
    field) with any value."""
    names = draw(st.lists(st.sampled_from(sorted(ORDINARY)), unique=True, max_size=len(ORDINARY)))
    fields = {name: ORDINARY[name] for name in names}
    if draw(st.booleans()):
        fields[draw(_NAMES)] = draw(_VALUES)
    return fields


def _general(event: Unstored) -> Any:
    try:
        return split_row(coerce_parts(event, INGESTED))
    except (TypeError, ValueError) as e:
        return type(e)


def _planned(event: Unstored) -> Any:
    try:
        return row_of(event, INGESTED)
    except (TypeError, ValueError) as e:
        return type(e)


@given(_mostly_ordinary() | st.dictionaries(_NAMES, _VALUES, max_size=10))
def test_a_planned_row_is_the_row_of_coercion_and_split(fields: dict[str, Any]) -> None:
    event: Unstored = ("0123456789abcdef0123456789abcdef", 1_772_625_600_000_000, "linux.auth", fields)
    assert _planned(event) == _general(event)


def test_an_ordinary_event_takes_the_plan_and_a_changed_value_does_not() -> None:
    fields = dict(ORDINARY)
    event: Unstored = ("0123456789abcdef0123456789abcdef", 1_772_625_600_000_000, "linux.auth", fields)
    row = row_of(event, INGESTED)
    assert row == split_row(coerce_parts(event, INGESTED))
    assert sqlite_rows._PLANS[(tuple(fields), tuple(map(type, fields.values())))] is not None
    assert row[3] == (ORIGINAL, 31, None, None, "|labels.roles|")  # message is the tail of the original
    changed = {**fields, "source.ip": " 10.0.0.9"}  # coerced to 10.0.0.9: the general path
    assert row_of((*event[:3], changed), INGESTED)[5] == row[5]



@given(st.lists(_mostly_ordinary() | st.dictionaries(_NAMES, _VALUES, max_size=10), max_size=12))
def test_the_rows_of_a_chunk_are_each_events_row(many: list[dict[str, Any]]) -> None:
    # rows_of checks the events of a shape together: whatever values they hold (one that
    # coercion changes makes each event of its shape be checked alone), each event gets the row
    # row_of gives it, in order, and each refused event is named once with its reason.
    events: list[Unstored] = [(f"{n:032x}", 1_772_625_600_000_000, "linux.auth", fields)
                              for n, fields in enumerate(many)]
    expected = [_planned(event) for event in events]
    rows, rejected = rows_of(events, INGESTED)
    assert rows == [row for row in expected if not isinstance(row, type)]
    assert [event_id for event_id, _ in rejected] == [
        event[0] for event, row in zip(events, expected, strict=True) if isinstance(row, type)]


def test_a_planned_row_reads_no_remaining_field_one_by_one() -> None:
    # A plan's row takes the remaining fields (the JSON document's) as a copy of the event's
    # fields less the columns', not as a dict built of their values read name by name (0.7 us an
    # event of rows_of's 8.4, issue 11, F11ae): only the columns' values, event.original and
    # message are read alone. The row is still coercion and split's, in the same field order.
    reads: list[str] = []

    class Counted(dict[str, Any]):
        def __getitem__(self, name: str) -> Any:
            reads.append(name)
            return super().__getitem__(name)

    fields = {**ORDINARY, "custom.a": "x", "custom.b": 3}
    event: Unstored = ("0123456789abcdef0123456789abcdef", 1_772_625_600_000_000, "linux.auth", dict(fields))
    row_of(event, INGESTED)  # the plan exists
    plan = sqlite_rows._PLANS[(tuple(fields), tuple(map(type, fields.values())))]
    assert plan is not None
    row = plan.row((*event[:3], Counted(fields)), INGESTED)
    assert row == split_row(coerce_parts(event, INGESTED))
    assert row[7] == ("related.ip", "related.user", "labels.roles", "process.pid", "linux.auth.ssh.invalid_user",
                      "custom.a", "custom.b", "event.ingested")
    assert sorted(reads) == sorted(["event.original", "message", *(name for name in fields if name in HOT)])


def test_a_chunk_is_checked_once_a_shape(tmp_path: Path) -> None:
    # The writer process checks the 2,500 events of a chunk shape by shape: one call of a
    # shape's check for all its events (the old code made one an event, 2,500 here), and one
    # more for each event of a shape one of whose values coercion changes (alone, after).
    ordinary, other = dict(ORDINARY), {**ORDINARY, "process.pid": 8, "event.kind": "event"}
    changed = {**ORDINARY, "source.ip": " 10.0.0.9"}  # coerced to 10.0.0.9
    chunk: list[Unstored] = [(f"{n:032x}", 1_772_625_600_000_000 + n, "linux.auth",
                              dict(ordinary if n % 2 else other)) for n in range(2500)]
    chunk[7] = (chunk[7][0], chunk[7][1], chunk[7][2], dict(changed))
    for fields in (ordinary, other):
        row_of(("0" * 32, 0, "linux.auth", dict(fields)), INGESTED)  # the plans exist
    calls: list[int] = []
    saved = {}
    for shape in ((tuple(ordinary), tuple(map(type, ordinary.values()))),
                  (tuple(other), tuple(map(type, other.values())))):
        plan = sqlite_rows._PLANS[shape]
        assert plan is not None
        saved[shape] = checks = plan.unchanged, plan.columns

        def counted(*args: Any, _check: Any = checks[0]) -> bool:
            calls.append(1)
            return bool(_check(*args))

        def counted_columns(*args: Any, _check: Any = checks[1]) -> bool:  # the check of a chunk's values
            calls.append(1)
            return bool(_check(*args))

        plan.unchanged, plan.columns = counted, counted_columns
    store = SqliteStore(tmp_path / "events.db", writer_process=False)
    try:
        store.insert_unstored(chunk[:1250], ingested=INGESTED, commit=False)
        receipt = store.insert_unstored(chunk[1250:], ingested=INGESTED, commit=True)
    finally:
        store.close()
        for shape, (check, columns) in saved.items():
            sqlite_rows._PLANS[shape].unchanged = check  # type: ignore[union-attr]
            sqlite_rows._PLANS[shape].columns = columns  # type: ignore[union-attr]
    assert receipt is not None and receipt.created == 2500 and not receipt.rejected
    # chunk 1: one call for the shape of the changed event (it fails: 625 calls, one an
    # event, the changed one's shape differs in no name or type), one for the other shape;
    # chunk 2: one a shape
    assert len(calls) == 1 + 625 + 1 + 2


def test_a_planned_row_is_encoded_once_when_a_text_says_null(monkeypatch: Any) -> None:
    # On a plan's path no remaining value is a float unless the shape says so: orjson's text is
    # json's, and a "null" inside a text (a user named null, a message that quotes one) is no
    # NaN. The old code encoded such a row twice, the second time with the json module (a look
    # for b"null" after every orjson text, 0.65 us an event, issue 11). A float under a field
    # the ECS table does not list still gets json's NaN.
    def second_encoding(value: object) -> str:
        raise AssertionError(f"encoded again with the json module: {value!r}")

    monkeypatch.setattr(sqlite_rows, "_dumps", second_encoding)
    fields = {**ORDINARY, "related.user": ["null"], "custom.note": "null"}
    event: Unstored = ("0123456789abcdef0123456789abcdef", 1_772_625_600_000_000, "linux.auth", fields)
    row = row_of(event, INGESTED)
    assert sqlite_rows._PLANS[(tuple(fields), tuple(map(type, fields.values())))] is not None
    assert b'"custom.note":"null"' in row[6]
    monkeypatch.undo()
    with_nan = {**ORDINARY, "custom.ratio": float("nan")}
    nan_event: Unstored = (*event[:3], with_nan)
    assert b'"custom.ratio":NaN' in row_of(nan_event, INGESTED)[6]
    assert row_of(nan_event, INGESTED) == split_row(coerce_parts(nan_event, INGESTED))


def _stored_events() -> list[Event]:
    """Rows of every NULL pattern: message inside the original (message_len NULL), message not in
    it (message_text set), no remaining fields (codec and doc NULL), an id that is not hex (text)."""
    at = datetime(2026, 3, 4, 12, tzinfo=UTC)
    return [
        Event(id="0123456789abcdef0123456789abcdef", timestamp=at, dataset="linux.auth", fields=dict(ORDINARY)),
        Event(id="not-a-hex-id", timestamp=at, dataset="linux.auth",
              fields={"message": "a message of its own", "event.original": ORIGINAL, "process.pid": 7}),
        Event(id="fedcba9876543210fedcba9876543210", timestamp=at, dataset="linux.auth", fields={}),
    ]


def test_a_write_binds_no_value_that_sqlite3_adapts(tmp_path: Path) -> None:
    """The sqlite3 module binds an exact int, float, str or bytearray as it is, and passes any
    other value (None, bytes) through its adaptation protocol: a registered adapter, else two
    failed attribute look-ups and a formatted AttributeError, a twentieth of what an event cost
    the writer process (issue 11). Rows leave a NULL column out and bind a BLOB as a bytearray;
    what is stored is the same (the adapters counted here hand each value back unchanged)."""
    adapted: list[type] = []

    def count(value: Any) -> Any:
        adapted.append(type(value))
        return value

    store = SqliteStore(tmp_path / "events.db", writer_process=False)
    keys = [(bytes, sqlite3.PrepareProtocol), (type(None), sqlite3.PrepareProtocol)]
    try:
        for kind, _ in keys:
            sqlite3.register_adapter(kind, count)
        receipt = store.write(_stored_events())
    finally:
        for key in keys:
            sqlite3.adapters.pop(key, None)
    try:
        assert receipt.created == 3 and adapted == []
        got = {e.id: e for e in store.search(Query())}
        assert {i: dict(e.fields) for i, e in got.items() if i != "not-a-hex-id"} == {
            "0123456789abcdef0123456789abcdef": dict(ORDINARY, **{"event.ingested": got[
                "0123456789abcdef0123456789abcdef"].fields["event.ingested"]}),
            "fedcba9876543210fedcba9876543210": {"event.ingested": got[
                "fedcba9876543210fedcba9876543210"].fields["event.ingested"]}}
        assert got["not-a-hex-id"].fields["message"] == "a message of its own"
        rows = store._db.execute(
            "SELECT typeof(id), typeof(message_len), typeof(message_text), typeof(codec), typeof(doc) "
            "FROM events ORDER BY seq").fetchall()
        assert rows == [("blob", "null", "null", "integer", "blob"), ("text", "null", "text", "integer", "blob"),
                        ("blob", "null", "null", "integer", "blob")]
    finally:
        store.close()


_IDS = st.sampled_from([
    "0123456789abcdef0123456789abcdef",       # hex: a 16-byte key
    "0123456789ABCDEF0123456789ABCDEF",       # upper case: kept as text
    "0123456789abcdef0123456789abcdeg",       # 32 long, not hex
    "0123456789abcdef0123456789abcde",        # 31 long
    "0123456789abcdef0123456789abcdef0",      # 33 long: with a 31-long one, 64 hex digits in all
    "0123456789abcdef 123456789abcdef",       # fromhex would skip the space
    "名前0123456789abcdef0123456789abcd",    # not ASCII
    "a\x00b", ""])


@st.composite
def _chunk(draw: st.DrawFn) -> list[Unstored]:
    """Events of a few field-name lists each, values drawn anew (so one list of names may come
    with several shapes), ordinary ones most of the time, ids of every kind."""
    named = draw(st.lists(st.lists(_NAMES | st.sampled_from(sorted(ORDINARY)), unique=True, max_size=8),
                          min_size=1, max_size=3))
    events: list[Unstored] = []
    for n in range(draw(st.integers(min_value=1, max_value=20))):
        names = draw(st.sampled_from(named))
        fields = {name: ORDINARY[name] if name in ORDINARY and draw(st.booleans()) else draw(_VALUES)
                  for name in names}
        event_id = f"{n:032x}" if draw(st.booleans()) else draw(_IDS)
        events.append((event_id, 1_772_625_600_000_000 + n, draw(st.sampled_from(["linux.auth", "a\x00b"])), fields))
    return events


@given(_chunk())
def test_the_rows_of_events_of_alike_names_are_each_events_row(events: list[Unstored]) -> None:
    # rows_of builds the rows of the events whose fields have the same names together, column
    # by column, when their types are alike too (one fromhex for all their ids): each event gets
    # the very row coercion and split give it, in order, and each refused event is named once.
    expected = [_general(event) for event in events]
    rows, rejected = rows_of(events, INGESTED)
    assert rows == [row for row in expected if not isinstance(row, type)]
    assert [type(row[0]) for row in rows] == [type(row[0]) for row in expected if not isinstance(row, type)]
    assert [event_id for event_id, _ in rejected] == [
        event[0] for event, row in zip(events, expected, strict=True) if isinstance(row, type)]


def test_a_chunk_looks_up_a_shapes_plan_once(monkeypatch: Any) -> None:
    # A chunk's events are taken by their fields' names: one tuple of names an event, and a
    # shape's plan looked up once for all its events. The old code made a tuple of names and
    # one of types for every event, looked its plan up, and called plan.row for each: a third
    # of rows_of's time (issue 11, F11aq). The rows are still coercion and split's, in order.
    looked: list[Any] = []
    real = sqlite_rows._plan

    def counted(shape: Any) -> Any:
        looked.append(shape)
        return real(shape)

    monkeypatch.setattr(sqlite_rows, "_plan", counted)
    other = {**ORDINARY, "process.pid": 8, "event.kind": "event"}
    events: list[Unstored] = [(f"{n:032x}", 1_772_625_600_000_000 + n, "linux.auth",
                               dict(ORDINARY if n % 2 else other)) for n in range(2500)]
    rows, rejected = rows_of(events, INGESTED)
    assert rows == [split_row(coerce_parts(event, INGESTED)) for event in events] and not rejected
    assert len(looked) == 2


@given(st.lists(_IDS | st.integers(min_value=0, max_value=2**128 - 1).map("{:032x}".format), min_size=1, max_size=6))
def test_the_keys_of_many_ids_are_each_ids_key(ids: list[str]) -> None:
    # id_keys takes a chunk's ids at once (one fromhex when every one is 32 hex digits): each
    # key is id_key's, a 31- and a 33-long id side by side included (64 hex digits in all).
    assert id_keys(ids) == [id_key(clean_text(event_id)) for event_id in ids]
    assert id_keys(["0123456789abcdef0123456789abcde", "0123456789abcdef0123456789abcdef0"]) == [
        "0123456789abcdef0123456789abcde", "0123456789abcdef0123456789abcdef0"]
