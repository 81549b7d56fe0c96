"""Damaged detection state and event times at the calendar's edge never take down a pass (V13 V1, V12).

The rejudge document (govsoc.store.rejudge) is a state document any writer of the store's state
can change: a bad document or entry is said once, naming the document and what was wrong, and
dropped; every rule still runs. Events dated 9999-12-31 (RFC 5424 accepts the year; a device with
a broken clock sends it) put a correlation's window end past datetime.max: the window is clamped
to the calendar, and the rule still counts them.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from govsoc.collectors import IngestOptions, Pipeline
from govsoc.rules import detect
from govsoc.rules import engine as engine_module
from govsoc.rules.loader import RuleSet
from govsoc.store import deleted, rejudge
from govsoc.store.base import Query, Store
from govsoc.store.elasticsearch import ElasticsearchStore
from govsoc.store.sqlite import SqliteStore
from tests.rules.test_incremental import BURST_ID, FAIL_ID, RULES, bursts, ruleset
from tests.rules.test_withdrawn_windows import NEAR, Logs, line

GOOD = {"rule": BURST_ID, "alert": "a1", "group": {"source.ip": NEAR},
        "start": "2026-03-02T08:01:00Z", "end": "2026-03-02T08:03:00Z"}
# Document -> how many entries are bad (0: the document itself is).
HOSTILE = {
    "windows-str": ({"windows": "abc"}, 0),
    "windows-int": ({"windows": 5}, 0),
    "windows-dict": ({"windows": {"a": 1}}, 0),
    "entries-ints": ({"windows": [1, 2, GOOD]}, 2),
    "entry-missing-keys": ({"windows": [{"rule": BURST_ID}, GOOD]}, 1),
    "group-str": ({"windows": [{**GOOD, "group": "zz"}]}, 1),
    "start-not-a-time": ({"windows": [{**GOOD, "start": "yesterday"}]}, 1),
    "start-int": ({"windows": [{**GOOD, "start": 5, "end": 5}]}, 1),
    "alert-list": ({"windows": [{**GOOD, "alert": ["x"]}]}, 1),
    "start-after-end": ({"windows": [{**GOOD, "start": "2026-03-02T09:00:00Z"}]}, 1),
    # well-formed, but no store holds such times (Elasticsearch refused the search: HTTP 400), and
    # the window's bounds minus or plus a timespan left datetime's range (OverflowError)
    "span-0001-9999": ({"windows": [{**GOOD, "start": "0001-01-01T00:00:00Z", "end": "9999-12-31T23:59:59Z"}]}, 1),
}


@pytest.fixture
def rules(tmp_path: Path) -> RuleSet:
    """test_incremental's rules: ssh failures, and a burst of 3 from one source within 5 minutes."""
    return ruleset(tmp_path, RULES)


def ingest(tmp_path: Path, store: Store, text: bytes) -> None:
    (tmp_path / "b.log").write_bytes(text)
    Pipeline(store, data_dir=tmp_path / "state").ingest_file(tmp_path / "b.log",
                                                             IngestOptions(year=2026, timezone="UTC"))
    store.refresh()


@pytest.mark.parametrize("name", list(HOSTILE))
def test_a_damaged_rejudge_document_is_said_and_dropped_and_the_pass_goes_on(
        tmp_path: Path, each_store: Store, rules: RuleSet, name: str) -> None:
    document, bad = HOSTILE[name]
    ingest(tmp_path, each_store, b"".join(line(n, NEAR) for n in (1, 2, 3)))
    each_store.put_state(rejudge.KEY, document)
    summary = detect(each_store, rules)  # crashed every pass: TypeError, KeyError, ValueError...
    assert summary.failed == []
    assert [count for *_, count in bursts(each_store)] == [3]  # every rule ran
    assert len(summary.notices) == max(bad, 1)
    assert all(notice.startswith("state document 'rejudge-windows': ") and notice.endswith(": dropped")
               for notice in summary.notices)
    left = (each_store.get_state(rejudge.KEY) or {}).get("windows") or []
    assert all(entry == GOOD for entry in left)  # only the good entry can stay (handled: gone)
    assert detect(each_store, rules).notices == []  # said once


def test_a_rejudge_document_that_is_not_json_is_said_and_dropped(tmp_path: Path, rules: RuleSet) -> None:
    store = SqliteStore(tmp_path / "events.db")
    try:
        ingest(tmp_path, store, b"".join(line(n, NEAR) for n in (1, 2, 3)))
        store.put_state(rejudge.KEY, {"windows": []})
        with sqlite3.connect(tmp_path / "events.db") as raw:
            raw.execute("UPDATE meta SET value = 'not json' WHERE key = ?", ["state/" + rejudge.KEY])
        summary = detect(store, rules)
        assert summary.failed == []
        assert [count for *_, count in bursts(store)] == [3]
        (notice,) = summary.notices
        assert notice.startswith("state document 'rejudge-windows': not a JSON object")
        assert store.get_state(rejudge.KEY) == {"windows": []}
    finally:
        store.close()


def test_recording_over_a_damaged_document_keeps_the_new_entry(each_store: Store) -> None:
    # The ingest that completes a partial line records the windows of its alerts: {"windows": 5}
    # made every such ingest fail with "TypeError: 'int' object is not iterable".
    each_store.put_state(rejudge.KEY, {"windows": 5})
    rejudge.record(each_store, [GOOD])
    (kept,) = (each_store.get_state(rejudge.KEY) or {})["windows"]
    assert {k: v for k, v in kept.items() if k != "recorded"} == GOOD  # stamped when recorded (V13 V6)


def test_events_dated_9999_12_31_are_counted_and_do_not_stop_detection(tmp_path: Path, each_store: Store,
                                                                       rules: RuleSet) -> None:
    # V12: three failures in the last minutes of 9999 (RFC 5424), a burst of 3 within 5 minutes:
    # the window end (last + 5m) is past datetime.max; every pass crashed with OverflowError.
    far = b"".join(f"<38>1 9999-12-31T23:5{m}:00Z web1 sshd 100 - - Failed password for root from {NEAR} "
                   f"port 500{m} ssh2\n".encode() for m in (7, 8, 9))
    ingest(tmp_path, each_store, far)
    summary = detect(each_store, rules)
    assert summary.failed == []
    # SQLite holds the year 9999; Elasticsearch's date_nanos ends in 2262 and refuses the lines
    assert [count for *_, count in bursts(each_store)] == ([3] if each_store.kind == "sqlite" else [])
    ingest(tmp_path, each_store, line(1, "198.51.100.9"))
    assert detect(each_store, rules).failed == []


def put_raw(store: Store, key: str, text: str) -> None:
    """Store ``text`` as the state document ``key``, as a writer of the store other than govsoc may."""
    if isinstance(store, SqliteStore):
        with sqlite3.connect(store.path) as raw:
            raw.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", ["state/" + key, text])
    else:
        assert isinstance(store, ElasticsearchStore)
        store.client.index(index=store.state_index, id=key, document={"value": text}, refresh=True)


# The state document -> its damaged text.
DAMAGED_STATES = {
    "rule state not JSON": (f"rule-{BURST_ID}", "not json"),
    "rule state a list": (f"rule-{BURST_ID}", "[1, 2]"),
    "rule state fields of the wrong kind": (f"rule-{BURST_ID}", '{"rule_id": "x", "last_run": "yesterday"}'),
    "kept conversion not JSON": ("conversion-{kind}-7d3c0b1e-0000-4000-8000-000000000001", "{{{"),
}


@pytest.mark.parametrize("name", list(DAMAGED_STATES))
def test_a_damaged_rule_state_or_kept_conversion_is_said_and_rebuilt(tmp_path: Path, store: Store,
                                                                     rules: RuleSet, name: str) -> None:
    # A state document that was not JSON (or not a rule's state) ended every pass with an internal
    # error (JSONDecodeError, TypeError, ValueError), no rule run, the document never named.
    key, text = DAMAGED_STATES[name]
    key = key.format(kind=store.kind)
    ingest(tmp_path, store, b"".join(line(n, NEAR) for n in (1, 2)))
    detect(store, rules)
    put_raw(store, key, text)
    ingest(tmp_path, store, b"".join(line(n, NEAR) for n in (1, 2, 3)))  # 08:03 is new
    summary = detect(store, rules)
    assert summary.failed == []
    assert [count for *_, count in bursts(store)] == [3]
    (notice,) = summary.notices
    assert notice.startswith(f"state document {key!r} is damaged: ") and notice.endswith(": rebuilt")
    assert isinstance(store.get_state(key), dict)  # written anew
    assert detect(store, rules).notices == []  # said once


# The store's delete mark (Store.deletes) -> its damaged values, as a writer of the store may leave them.
DAMAGED_MARKS = {
    # SQLite's meta count: 2**63-1 + 1 overflowed to a REAL, which +1 no longer changes (R12e E7)
    "sqlite": ("9.223372036854776e+18", "9223372036854775807", "abc"),
    # Elasticsearch's state document event-deletes: a list, not JSON, no mark (R12e E1: each
    # stopped every pass)
    "elasticsearch": ("[1]", "not json", '{"other": 1}'),
}


@pytest.mark.parametrize("row", range(3), ids=["frozen|list", "at-max|not-json", "not-a-number|no-mark"])
def test_a_damaged_delete_mark_is_said_reset_and_read_as_a_delete(tmp_path: Path, store: Store,
                                                                 rules: RuleSet, monkeypatch: pytest.MonkeyPatch,
                                                                 row: int) -> None:
    # The pass compares the mark before its reads and after each write (V13 V11). A damaged one
    # stopped every pass (Elasticsearch) or froze (SQLite), so a partial copy deleted during the
    # pass kept the alert the pass wrote on it. Now: said once, naming it, reset, and the pass
    # looks its events up (the safe side): no alert rests on the deleted copy.
    text = DAMAGED_MARKS[store.kind][row]
    logs = Logs(tmp_path, store, NEAR, (1, 2, 3))
    if isinstance(store, SqliteStore):
        with sqlite3.connect(store.path) as raw:
            raw.execute("INSERT OR REPLACE INTO meta VALUES ('deletes', ?)", [text])
    else:
        put_raw(store, "event-deletes", text)
    original = engine_module.DetectionPass._flush
    done: list[int] = []

    def flush(self: Any) -> None:
        if not done and self.buffered:
            done.append(1)
            logs.complete()  # the copy deleted after the pass read it, before it writes
        original(self)

    monkeypatch.setattr(engine_module.DetectionPass, "_flush", flush)
    summary = detect(store, rules)
    monkeypatch.undo()
    assert done == [1] and summary.failed == []
    said = [n for n in summary.notices if "delete" in n]
    assert len(said) == 1 and ("'deletes'" in said[0] or "'event-deletes'" in said[0]) and said[0].endswith("reset")
    stored = {e.id for e in store.search(Query())}
    assert all(set(a.event_ids) <= stored for a in store.alerts(rule_id=FAIL_ID))
    assert deleted.why_damaged(store.deletes()) is None  # reset
    assert [n for n in detect(store, rules).notices if "delete" in n] == []  # said once
    assert [count for *_, count in bursts(store)] == [4]  # the completed line at 08:00, 08:01-08:03
