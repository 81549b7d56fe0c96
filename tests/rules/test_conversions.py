"""Converted rules kept in the store between passes (govsoc.rules.conversions)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import yaml
from sigma.rule import SigmaRule

from govsoc.core.event import Event, make_id
from govsoc.rules import detect, load_rules
from govsoc.rules.backends import backend_for
from govsoc.rules.conversions import ConversionCache
from govsoc.store.base import Store

RULE = {"title": "kept", "id": "6f1f0a57-5b5e-4b9a-9a41-1d3f3c4a0001", "status": "test",
        "logsource": {"product": "linux", "service": "sshd"},
        "detection": {"sel": {"user.name": "root"}, "condition": "sel"}, "level": "low"}


def _folder(tmp_path: Path, **detection: object) -> Path:
    folder = tmp_path / f"rules-{len(list(tmp_path.iterdir()))}"
    folder.mkdir()
    (folder / "r.yml").write_text(yaml.safe_dump({**RULE, "detection": {"sel": detection, "condition": "sel"}}),
                                  encoding="utf-8")
    return folder


def _rule(tmp_path: Path, **detection: object) -> SigmaRule:
    return load_rules([_folder(tmp_path, **detection)]).rules[0]


def test_a_kept_query_is_used_while_rule_backend_and_code_are_unchanged(store: Store, tmp_path: Path) -> None:
    backend = backend_for(store.kind)
    converted: list[str] = []

    def convert(rule: SigmaRule) -> str:
        converted.append(str(rule.id))
        return backend.convert(rule)

    rule = _rule(tmp_path, **{"user.name": "root"})
    first = ConversionCache(store, store.kind, "B", [str(rule.id)])
    native = first.native(rule, convert)
    first.save()
    assert converted == [str(rule.id)] and native == backend.convert(rule)
    # A later pass (a new cache, read from the store) takes the kept query: no conversion.
    assert ConversionCache(store, store.kind, "B", [str(rule.id)]).native(rule, convert) == native
    assert len(converted) == 1
    # The same id with another detection, or another backend: converted again.
    changed = _rule(tmp_path, **{"user.name": "admin"})
    assert ConversionCache(store, store.kind, "B", [str(rule.id)]).native(changed, convert) != native
    ConversionCache(store, store.kind, "other", [str(rule.id)]).native(rule, convert)
    assert len(converted) == 3


def test_passes_with_kept_queries_find_what_converted_ones_find(store: Store, tmp_path: Path) -> None:
    t0 = datetime(2026, 6, 1, tzinfo=UTC)

    def login(n: int, user: str) -> Event:
        return Event(id=make_id("conv", n), timestamp=t0, dataset="linux.auth",
                     fields={"event.module": "linux", "process.name": "sshd", "user.name": user,
                             "message": f"Accepted password for {user}"})

    ruleset = load_rules([_folder(tmp_path, **{"user.name": "root"})])
    store.write([login(1, "root"), login(2, "alice")])
    store.refresh()
    assert detect(store, ruleset).matches == {RULE["id"]: 1}
    store.write([login(3, "ROOT"), login(4, "bob")])
    store.refresh()
    # The second pass takes the kept query; it still means the rule (caseless: ROOT matches).
    # (Elasticsearch reads a margin of ingest again: event 1 may be found twice, one alert.)
    assert detect(store, ruleset).matches[RULE["id"]] >= 1
    assert {e for a in store.alerts() for e in a.event_ids} == {make_id("conv", 1), make_id("conv", 3)}
