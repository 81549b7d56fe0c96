"""Alert documents as stored JSON (govsoc.core.alert.document_json, Alert.to_json)."""

from __future__ import annotations

import json
import math
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from govsoc.core.alert import Alert, document_json
from govsoc.core.event import Event
from govsoc.core.evidence import Evidence
from govsoc.store.sqlite import SqliteStore

T0 = datetime(2026, 6, 1, 8, 30, tzinfo=UTC)


def _alert(end: datetime = T0) -> Alert:
    event = Event(id="e1", timestamp=T0, dataset="linux.auth",
                  fields={"message": "Failed password for 张三 from 10.0.0.1", "user.name": "张三",
                          "event.original": "<38>Jun  1 08:30:00 h sshd[1]: Failed password for 张三"})
    return Alert(id="a1", rule_id="r1", rule_title="title", level="low", kind="match", start=T0, end=end,
                 event_ids=("e1",), evidence=(Evidence.of(event),), references=("https://x",), tags=("t.a",))


@pytest.mark.parametrize("doc", [
    {"b": 1, "a": [1, 2.5, None, True], "c": {"z": "é", "y": "中文"}},   # order kept, text unescaped
    {"lone": "\ud800x"},      # a lone surrogate: orjson refuses it, json writes it escaped
    {"big": 2**70},           # beyond 64 bits: json writes the integer exactly
])
def test_document_json_reads_back_as_the_document(doc: dict[str, object]) -> None:
    text = document_json(doc)
    assert json.loads(text) == doc
    assert list(json.loads(text)) == list(doc)  # keys in the document's order (no sorting)


def test_document_json_writes_non_finite_numbers_as_null() -> None:
    # RFC 8259 section 6: NaN and Infinity are not permitted; json.dumps would write NaN.
    assert json.loads(document_json({"x": math.nan, "y": math.inf})) == {"x": None, "y": None}


def test_to_json_is_the_document_and_the_same_for_equal_alerts() -> None:
    alert = _alert()
    assert json.loads(alert.to_json()) == alert.to_document()
    assert _alert().to_json() == alert.to_json()
    assert Alert.from_document(json.loads(alert.to_json())) == alert


def test_times_are_formatted_once_but_each_where_they_differ() -> None:
    doc = _alert(end=T0 + timedelta(seconds=5)).to_document()
    assert doc["@timestamp"] == doc["alert.evidence"][0]["@timestamp"] == "2026-06-01T08:30:00.000000Z"
    assert doc["event.end"] == "2026-06-01T08:30:05.000000Z"


def test_an_alert_stored_with_sorted_keys_is_unchanged_when_found_again(tmp_path: Path) -> None:
    # Rows written before documents kept their own key order hold sorted keys: the same alert
    # found again is unchanged (compared as values), not rewritten as updated.
    store = SqliteStore(tmp_path / "events.db")
    alert = _alert()
    assert store.write_alerts([alert]).created == 1
    sorted_text = json.dumps(alert.to_document(), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    store._db.execute("UPDATE alerts SET doc = ? WHERE id = ?", (sorted_text, alert.id))
    assert store.write_alerts([alert]).unchanged == 1
    assert store.write_alerts([replace(alert, end=T0 + timedelta(seconds=1))]).updated == 1
    store.close()
