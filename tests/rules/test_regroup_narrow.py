"""A correlation pass reads each event of its groups about once, however its groups fall into
chunks (govsoc.rules.regroup: groups judged CHUNK at a time, each chunk's events read from the
store narrowed by its group values)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

import govsoc.rules.regroup as regroup
from govsoc.core.event import Event, make_id
from govsoc.rules import detect, load_rules
from govsoc.store.base import Store

T0 = datetime(2026, 11, 27, tzinfo=UTC)
RULES = """
title: ssh failure
id: 8e1d0c2a-0000-4000-8000-000000000001
name: ssh_failure
logsource: {product: linux, service: sshd}
detection: {sel: {event.action: ssh_login, event.outcome: failure}, condition: sel}
level: low
---
title: failures for one account from one source
id: 8e1d0c2a-0000-4000-8000-000000000002
correlation: {type: event_count, rules: [ssh_failure], group-by: [source.ip, user.name], timespan: 10m,
              condition: {gte: 3}, generate: true}
level: high
"""
ADDRESSES, ACCOUNTS, EVENTS = 25, 200, 1_200  # 200 (address, account) groups, 6 failures each, over a day


def failure(n: int) -> Event:
    at = T0 + timedelta(seconds=n * 86_400 // EVENTS)
    ip, user = f"203.0.113.{n % ADDRESSES}", f"k{n % ACCOUNTS}"
    return Event(id=make_id("narrow", n), timestamp=at, dataset="linux.auth",
                 fields={"event.module": "linux", "process.name": "sshd", "event.action": "ssh_login",
                         "event.outcome": "failure", "source.ip": ip, "user.name": user,
                         "message": f"Failed password for invalid user {user} from {ip}"})


def test_each_event_of_a_chunked_correlation_is_read_about_once(tmp_path: Path, store: Store,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    # Seen (R49a-8): a day of sshd failures from 250 addresses for 5,000 accounts, first pass,
    # 80 s for 40,000 lines: the (source.ip, user.name) groups, judged 256 at a time in the order
    # of their first hits, held nearly every address in every chunk, and the store was narrowed by
    # the address alone: each chunk read every event of the day. Chunks of 16 here (13 chunks).
    (tmp_path / "rules.yml").write_text(RULES, encoding="utf-8")
    rules = load_rules([tmp_path / "rules.yml"])
    assert rules.errors == []
    store.write([failure(n) for n in range(EVENTS)])
    store.refresh()
    monkeypatch.setattr(regroup, "CHUNK", 16)
    read: list[int] = []
    searched = regroup.ref_hits

    def counted(*args: Any) -> list[Any]:
        found = searched(*args)
        read.append(len(found))
        return found

    monkeypatch.setattr(regroup, "ref_hits", counted)
    summary = detect(store, rules)
    assert summary.kinds.get("correlation", 0) == 0  # 6 failures a group, 72 minutes apart: no burst
    assert len(read) == -(-ACCOUNTS // 16)  # every group judged, chunk by chunk
    assert sum(read) <= EVENTS * 1.2, sum(read)  # before: 13 chunks each read nearly all 1,200 events
