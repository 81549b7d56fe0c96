"""The foundation's end-to-end path on real data: loghub's OpenSSH_2k log -> sshd events ->
Sigma rule + correlation -> alerts -> report, on SQLite and on Elasticsearch, identically."""

from __future__ import annotations

import csv
import json
import re
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from govsoc.collectors import ingest_file
from govsoc.core.alert import Alert
from govsoc.reports import HtmlRenderer, JsonRenderer, build_report
from govsoc.rules import BUILTIN_PACKS, detect, load_rules
from govsoc.store.base import Query, Store

FAILED = re.compile(r"^(?:message repeated (\d+) times: \[ )?Failed \S+ for (?:invalid user )?(.*) from (\S+) port")


def thin_path(store: Store, log: Path, state: Path) -> list[Alert]:
    summary = ingest_file(log, parser_id="linux.auth", store=store, data_dir=state)
    assert (summary.records, summary.receipt.created, summary.parse_failures) == (2000, 2000, 0)
    result = detect(store, load_rules([BUILTIN_PACKS]))
    assert result.failed == []
    return list(store.alerts())


def expected_from_loghub(corpus: Path) -> tuple[int, dict[str, list[tuple[int, int, str]]]]:
    """Failed logins per source address, read from loghub's own structured parse of the log,
    with their times in seconds, how many failures each line stands for ("message repeated
    N times" stands for N) and the user name tried: an independent source of truth for the
    alert counts."""
    per_source: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    with (corpus / "loghub/OpenSSH/OpenSSH_2k.log_structured.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):  # every line of the sample is in December
            match = FAILED.match(row["Content"])
            if match:
                h, m, s = map(int, row["Time"].split(":"))
                when = int(row["Day"]) * 86400 + h * 3600 + m * 60 + s
                per_source[match[3]].append((when, int(match[1] or 1), match[2]))
    return sum(len(v) for v in per_source.values()), per_source


def bursts_by_hand(lines: list[tuple[int, int, str]], span: int = 300, threshold: int = 5,
                   distinct_users: bool = False) -> int:
    """Merged sliding-window bursts, counted the slow and obvious way: failures weighted by
    repeats (brute force, 5 in 5 minutes) or, with ``distinct_users``, distinct user names
    (password spraying, 5 in 10 minutes)."""
    lines = sorted(lines)
    times = [t for t, _, _ in lines]
    fired = [(t, [u for u in times if t <= u <= t + span]) for t in times]
    if distinct_users:
        fired = [(t, members) for t, members in fired
                 if len({name for u, _, name in lines if t <= u <= t + span}) >= threshold]
    else:
        fired = [(t, members) for t, members in fired
                 if sum(w for u, w, _ in lines if t <= u <= t + span) >= threshold]
    count, reach = 0, None
    for start, members in fired:
        if reach is None or start > reach:
            count += 1
        reach = max(reach or start, members[-1])
    return count


@pytest.fixture(scope="module")
def log(corpus: Path) -> Path:
    return corpus / "loghub/OpenSSH/OpenSSH_2k.log"


def test_thin_path_on_sqlite_matches_loghub(sqlite_store: Store, log: Path, corpus: Path, tmp_path: Path) -> None:
    alerts = thin_path(sqlite_store, log, tmp_path / "state")
    failures, per_source = expected_from_loghub(corpus)
    kinds = Counter(a.kind for a in alerts)
    # the 524 failures raise no alert one by one: the failed-login rule is the correlations' base rule
    # (Sigma's generate: false)
    assert failures == 524 and kinds["match"] == 0
    spraying = Counter(a.kind for a in alerts if a.rule_title == "SSH Password Spraying From One Source")
    assert kinds["correlation"] - spraying["correlation"] == sum(bursts_by_hand(t) for t in per_source.values())
    assert spraying["correlation"] == sum(bursts_by_hand(t, 600, 5, True) for t in per_source.values()) > 0
    for alert in alerts:
        assert alert.author == "govsoc"
        if alert.kind == "correlation":
            assert alert.event_count >= 2  # five failures, some of them "message repeated" lines
            assert alert.end - alert.start <= timedelta(minutes=5) * alert.event_count
    # a second pass reads only what was stored since the first (nothing) and writes nothing
    again = detect(sqlite_store, load_rules([BUILTIN_PACKS]))
    assert again.failed == [] and again.alerts == 0 and sum(again.matches.values()) == 0
    # a re-scan by event time finds the same alerts again and leaves them as they were
    rescan = detect(sqlite_store, load_rules([BUILTIN_PACKS]), start=datetime(2000, 1, 1, tzinfo=UTC))
    assert (rescan.receipt.created, rescan.receipt.updated, rescan.receipt.unchanged) == (0, 0, len(alerts))


@pytest.mark.es
def test_thin_path_gives_identical_alerts_on_both_stores(sqlite_store: Store, elastic_store: Store,
                                                           log: Path, tmp_path: Path) -> None:
    on_sqlite = thin_path(sqlite_store, log, tmp_path / "a")
    on_elastic = thin_path(elastic_store, log, tmp_path / "b")
    assert len(on_sqlite) >= 12  # the brute-force bursts (and spraying) of the log
    assert on_sqlite == on_elastic
    assert sqlite_store.count(Query()) == elastic_store.count(Query()) == 2000
    report = build_report(on_elastic, store="elasticsearch")
    html = HtmlRenderer().render(report).decode()
    assert f'<div class="figure" data-label="告警总数" data-value="{len(on_elastic)}">' in html
    data = json.loads(JsonRenderer().render(report))["data"]
    assert len(data["incidents"]) + len(data["matches"]) == len(on_elastic)
