"""Converted rules kept in the store between passes (govsoc.rules.conversions)."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import yaml
from sigma.rule import SigmaRule

from govsoc.core.event import Event, make_id
from govsoc.rules import detect, load_rules
from govsoc.rules.backends import backend_for
from govsoc.rules.conversions import ConversionCache
from govsoc.store.base import Store
from govsoc.store.sqlite import SqliteStore

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


#: A detection pass in a process of its own (the daemon starts one per pass), printing how many
#: conditions it split into conjuncts (govsoc.store.sqlite_conjuncts) and how many matches it found.
_PASS = """
import sys
from pathlib import Path
from govsoc.rules import detect, load_rules
from govsoc.store import sqlite_conjuncts
from govsoc.store.sqlite import SqliteStore
split, splits = sqlite_conjuncts._structure, []
def counted(text):
    splits.append(text)
    return split(text)
sqlite_conjuncts._structure = counted
store = SqliteStore(Path(sys.argv[1]))
summary = detect(store, load_rules([Path(sys.argv[2])]))
store.close()
print(len(splits), sum(summary.matches.values()), len(summary.failed))
"""


def test_a_pass_in_a_new_process_takes_the_kept_conjuncts_back(tmp_path: Path) -> None:
    # The conjuncts of a rule's condition (what a combined scan shares between rules) are kept
    # with its conversion: an incremental pass, whose narrow range combines every rule, split
    # each rule's 4 KB condition again in each new process (40-50 ms of CPU for 100 rules, a
    # third of bench.detect's incremental pass), and now splits none. Same matches either way.
    t0 = datetime(2026, 6, 1, tzinfo=UTC)
    users = ["root", "alice", "bob"]
    folder = tmp_path / "rules"
    folder.mkdir()
    for n, user in enumerate(users):
        (folder / f"r{n}.yml").write_text(yaml.safe_dump(
            {**RULE, "id": f"6f1f0a57-5b5e-4b9a-9a41-1d3f3c4a010{n}", "title": f"kept {user}",
             "detection": {"sel": {"user.name": user}, "condition": "sel"}}), encoding="utf-8")

    def logins(first: int) -> list[Event]:
        return [Event(id=make_id("conj", n), timestamp=t0, dataset="linux.auth",
                      fields={"event.module": "linux", "process.name": "sshd", "user.name": users[n % 3],
                              "message": f"Accepted password for {users[n % 3]}"})
                for n in range(first, first + 12)]

    database = tmp_path / "events.db"
    store = SqliteStore(database)

    def run_pass() -> list[int]:
        done = subprocess.run([sys.executable, "-c", _PASS, str(database), str(folder)], capture_output=True,
                              text=True, check=False, timeout=300)
        assert done.returncode == 0, done.stderr[-3000:]
        return [int(x) for x in done.stdout.split()]

    store.write(logins(0))
    store.refresh()
    first = run_pass()
    store.write(logins(12))
    store.refresh()
    store.close()
    assert first[1:] == [12, 0]
    assert run_pass() == [0, 12, 0]  # no condition split again; each new login matched once
