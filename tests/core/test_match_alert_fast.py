"""The match alert a detection pass builds for each hit without the dataclasses' __init__
(govsoc.core.alert.match_alert_of, Evidence.of; P12f): the same alert, field for field, as the
constructors give, whatever the event holds."""

from __future__ import annotations

from dataclasses import fields
from datetime import UTC, datetime
from typing import Any

import pytest

from govsoc.core.alert import Alert, match_alert_of
from govsoc.core.event import Event
from govsoc.core.evidence import EVIDENCE_FIELDS, EVIDENCE_ORIGINAL_MAX, Evidence

T0 = datetime(2026, 6, 1, 8, 30, tzinfo=UTC)
RULE: dict[str, Any] = {"rule_id": "r1", "rule_title": "title", "level": "high", "author": "张三",
                        "references": ("https://x",), "tags": ("attack.t1110",)}


def _constructed(event: Event, context: dict[str, Any]) -> Alert:
    values = event.fields
    original = values.get("event.original")
    text = None if original is None else str(original)
    cut = text is not None and len(text) > EVIDENCE_ORIGINAL_MAX
    evidence = Evidence(event_id=event.id, timestamp=event.timestamp, dataset=event.dataset,
                        fields={n: v for n in EVIDENCE_FIELDS if (v := values.get(n)) is not None},
                        original=text[:EVIDENCE_ORIGINAL_MAX] if cut and text is not None else text, truncated=cut)
    return Alert(id="a1", kind="match", start=event.timestamp, end=event.timestamp, event_ids=(event.id,),
                 context=context, evidence=(evidence,), **RULE)


@pytest.mark.parametrize("values", [
    # an sshd login: message, account, address; event.ingested is no evidence field
    {"message": "Failed password for 张三", "user.name": "张三", "source.ip": "10.0.0.1", "source.port": 22,
     "event.ingested": "2026-06-01T08:30:01.000000Z"},
    # a raw line longer than a snapshot keeps: cut and marked
    {"event.original": "x" * (EVIDENCE_ORIGINAL_MAX + 5), "message": "x"},
    # a raw line that is not text (a JSON source's object) is kept as its text
    {"event.original": 12345},
    # a field holding None is left out of the snapshot
    {"message": None, "host.name": "web01"},
    # no field at all (a flow without evidence fields)
    {},
])
def test_match_alert_of_is_the_constructed_alert(values: dict[str, Any]) -> None:
    event = Event(id="e1", timestamp=T0, dataset="linux.auth", fields=values)
    context = {"host.name": "web01"}
    built = match_alert_of("a1", event, context, RULE)
    expected = _constructed(event, context)
    assert built == expected
    for f in fields(Alert):  # every slot set (a field the builder missed would raise here)
        assert getattr(built, f.name) == getattr(expected, f.name), f.name
    assert built.evidence[0] == Evidence.of(event)
    assert built.to_json() == expected.to_json()


def test_match_alerts_share_no_mutable_value() -> None:
    event = Event(id="e1", timestamp=T0, dataset="linux.auth", fields={"message": "m"})
    first, second = (match_alert_of(i, event, {}, RULE) for i in ("a1", "a2"))
    assert first.group is not second.group
    assert first.evidence[0].fields is not second.evidence[0].fields


def test_a_subclass_of_evidence_is_still_constructed() -> None:
    class Marked(Evidence):
        __slots__ = ()

    event = Event(id="e1", timestamp=T0, dataset="linux.auth", fields={"message": "m"})
    assert type(Marked.of(event)) is Marked
