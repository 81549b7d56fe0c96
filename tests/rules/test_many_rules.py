"""Rule health at scale: 3,000 generated rules, each written so that exactly one stored event
satisfies it, load from files, all run, and every one fires on its own event and no other: on
SQLite all 3,000, on Elasticsearch every eleventh (the same code path, an eleventh of the queries).

The rules cycle through the field names, modifiers and condition forms govsoc supports, so a
construct that silently stops matching on a store shows up as rules that do not fire.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from govsoc.core.event import Event, make_id
from govsoc.rules import detect, load_rules
from govsoc.store.base import Store

RULES = 3000
PER_FILE = 100
T0 = datetime(2026, 3, 1, tzinfo=UTC)
Detection = dict[str, Any]


def token(i: int) -> str:
    """Fixed width, so no rule's token is a substring of another event's token."""
    return f"t{i:04d}"


def address(i: int) -> str:
    return str(ipaddress.IPv4Address(0x0A000007 + (i << 8)))  # 10.0.i.7, one /24 per event


def event(i: int) -> Event:
    t = token(i)
    return Event(id=make_id("many", i), timestamp=T0 + timedelta(seconds=i), dataset="linux.auth", fields={
        "event.module": "linux", "process.name": "tool",
        "user.name": f"user{t}", "related.user": [f"user{t}", "shared"],
        "process.command_line": f"/usr/bin/tool --id {t} --mode x",
        "process.executable": f"/opt/{t}/bin/run",
        "host.name": f"host-{t}", "event.action": f"act_{t}",
        "source.ip": address(i), "source.port": 10000 + i,
        "message": f"session {t} opened for user{t}",
    })


#: (what the row exercises, detection for rule i). Sigma names (User, CommandLine, Image, src_ip)
#: go through the pipeline's field table; dotted names are ECS already.
FORMS: list[tuple[str, Callable[[int], Detection]]] = [
    ("equals, Sigma field name", lambda i: {"s": {"User": f"user{token(i)}"}, "condition": "s"}),
    ("contains", lambda i: {"s": {"CommandLine|contains": f"--id {token(i)} "}, "condition": "s"}),
    ("startswith", lambda i: {"s": {"Image|startswith": f"/opt/{token(i)}/"}, "condition": "s"}),
    ("endswith", lambda i: {"s": {"user.name|endswith": token(i)}, "condition": "s"}),
    ("wildcards * in the value", lambda i: {"s": {"process.command_line": f"*--id {token(i)} --mode*"},
                                            "condition": "s"}),
    ("single-character wildcard ?", lambda i: {"s": {"host.name": f"hos?-{token(i)}"}, "condition": "s"}),
    ("regular expression", lambda i: {"s": {"host.name|re": f"^host-{token(i)}$"}, "condition": "s"}),
    ("cidr", lambda i: {"s": {"src_ip|cidr": f"{address(i)[:-2]}.0/24"}, "condition": "s"}),
    ("numeric range gte and lte", lambda i: {"lo": {"source.port|gte": 10000 + i},
                                            "hi": {"source.port|lte": 10000 + i}, "condition": "lo and hi"}),
    ("numeric equality", lambda i: {"s": {"source.port": 10000 + i}, "condition": "s"}),
    ("keyword in the message", lambda i: {"k": [f"session {token(i)} opened"], "condition": "k"}),
    ("keyword with a wildcard", lambda i: {"k": [f"session {token(i)} * for"], "condition": "k"}),
    ("a list is any of its values", lambda i: {"s": {"event.action": ["act_none", f"act_{token(i)}"]},
                                              "condition": "s"}),
    ("and not", lambda i: {"s": {"event.action": f"act_{token(i)}"}, "f": {"user.name": "nobody"},
                           "condition": "s and not f"}),
    ("1 of selection_*", lambda i: {"selection_a": {"user.name": "nobody"},
                                    "selection_b": {"host.name": f"host-{token(i)}"}, "condition": "1 of selection_*"}),
    ("all of them", lambda i: {"a": {"process.name": "tool"}, "b": {"event.action": f"act_{token(i)}"},
                               "condition": "all of them"}),
    ("contains|all", lambda i: {"s": {"CommandLine|contains|all": ["--mode x", f"--id {token(i)}"]},
                                "condition": "s"}),
    ("any element of an array field", lambda i: {"s": {"related.user": f"user{token(i)}"}, "condition": "s"}),
    ("or of two selections", lambda i: {"a": {"user.name": "nobody"}, "b": {"user.name": f"user{token(i)}"},
                                        "condition": "a or b"}),
    ("several fields ANDed in one map", lambda i: {"s": {"event.action": f"act_{token(i)}", "process.name": "tool",
                                                         "host.name|endswith": token(i)}, "condition": "s"}),
]


def rule_document(i: int) -> dict[str, Any]:
    form, build = FORMS[i % len(FORMS)]
    return {"title": f"generated {i}: {form}", "id": f"00000000-0000-4000-8000-{i:012d}",
            "logsource": {"product": "linux"}, "level": "low", "detection": build(i)}


def write_rules(folder: Path, indices: range) -> None:
    for start in range(indices.start, indices.stop, PER_FILE):
        docs = [rule_document(i) for i in range(start, min(start + PER_FILE, indices.stop))]
        (folder / f"rules_{start:04d}.yml").write_text(yaml.safe_dump_all(docs, sort_keys=False), encoding="utf-8")


def assert_every_rule_fires_on_its_event(store: Store, folder: Path, expected: int) -> None:
    ruleset = load_rules([folder])
    assert ruleset.errors == [] and len(ruleset.rules) == expected
    summary = detect(store, ruleset)
    assert (summary.rules, summary.failed, summary.no_source) == (expected, [], {})
    fired: dict[str, set[str]] = {}
    for alert in store.alerts():
        fired.setdefault(alert.rule_id, set()).update(alert.event_ids)
    wrong = {}
    for rule in ruleset.rules:
        i = int(str(rule.id).rsplit("-", 1)[1])
        if fired.get(str(rule.id)) != {make_id("many", i)}:
            wrong[rule.title] = len(fired.get(str(rule.id), ()))
    assert wrong == {}, f"{len(wrong)} rules did not fire on exactly their event: {list(wrong.items())[:10]}"


def test_three_thousand_rules_each_fire_on_sqlite(sqlite_store: Store, tmp_path: Path) -> None:
    sqlite_store.write([event(i) for i in range(RULES)])
    write_rules(tmp_path, range(RULES))
    assert len(list(tmp_path.glob("*.yml"))) == RULES // PER_FILE
    assert_every_rule_fires_on_its_event(sqlite_store, tmp_path, RULES)


@pytest.mark.es
def test_an_eleventh_of_them_fire_on_elasticsearch(elastic9_store: Store, tmp_path: Path) -> None:
    # Every eleventh rule: 273 rules; eleven is prime to the number of forms, so each form is in.
    sample = range(0, RULES, 11)
    elastic9_store.write([event(i) for i in range(RULES)])
    elastic9_store.refresh()
    for i in sample:
        (tmp_path / f"rule_{i:04d}.yml").write_text(yaml.safe_dump(rule_document(i), sort_keys=False),
                                                    encoding="utf-8")
    assert {i % len(FORMS) for i in sample} == set(range(len(FORMS)))
    assert_every_rule_fires_on_its_event(elastic9_store, tmp_path, len(sample))
