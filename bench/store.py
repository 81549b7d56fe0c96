"""Store benchmark: govsoc's SQLite and Elasticsearch stores beside plain baselines, one run.

    python -m bench.store                 # from the repository root: 200,000 events, SQLite and
                                          # (started if needed) Elasticsearch
    python -m bench.store --events 50000 --no-es

Baselines, measured in the same run on the same events:
  * sqlite-plain: sqlite3 executemany of the same JSON documents into a table with only a primary
    key (no generated columns, indexes or FTS): the floor a store with indexes cannot beat.
  * sqlite-naive: one INSERT and COMMIT per event, as a simple collector script does.
  * query baseline: the same question answered with json_extract over the plain table (what
    a store without generated, indexed columns must do).
  * es-raw-bulk: the official client's helpers.bulk with the same documents and no govsoc layer.
Figures are rates (events/s) and ratios to the baseline: these machines are noisy, ratios less so.
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import os
import random
import sqlite3
import subprocess
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from govsoc.core.event import Event, make_id
from govsoc.store.base import Query
from govsoc.store.sqlite import SqliteStore

ROOT = Path(__file__).resolve().parents[1]


def make_events(n: int) -> list[Event]:
    """Synthetic sshd-like events: 500 sources, 50 users, a mix of outcomes, over one day."""
    rng = random.Random(42)
    start = datetime(2026, 3, 1, tzinfo=UTC)
    actions = ["ssh_login", "ssh_login", "invalid_user", "ssh_disconnect", "pam_authentication_failure"]
    events = []
    for i in range(n):
        ip = f"10.{rng.randrange(4)}.{rng.randrange(25)}.{rng.randrange(5)}"
        user = f"user{rng.randrange(50)}"
        action = rng.choice(actions)
        outcome = "failure" if rng.random() < 0.7 else "success"
        events.append(Event(
            id=make_id("bench", i), timestamp=start + timedelta(milliseconds=i * 431), dataset="linux.auth",
            fields={"message": f"{action} {outcome} for {user} from {ip} port {1024 + i % 60000} ssh2",
                    "event.action": action, "event.outcome": outcome, "event.category": ["authentication"],
                    "source.ip": ip, "source.port": 1024 + i % 60000, "user.name": user, "host.name": "LabSZ",
                    "process.name": "sshd", "process.pid": 20000 + i % 5000}))
    return events


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    began = time.perf_counter()
    result = fn()
    return time.perf_counter() - began, result


def bench_sqlite(events: list[Event], folder: Path, rows: list[tuple[str, ...]]) -> None:
    docs = [(e.id, json.dumps(e.to_document(), separators=(",", ":"))) for e in events]
    n = len(events)

    store = SqliteStore(folder / "govsoc.db")
    t_store, receipt = timed(lambda: store.write(events))
    assert receipt.created == n

    plain = sqlite3.connect(folder / "plain.db", isolation_level=None)
    plain.execute("PRAGMA journal_mode=WAL")
    plain.execute("CREATE TABLE events (id TEXT PRIMARY KEY, doc TEXT)")

    def plain_write() -> None:
        plain.execute("BEGIN")
        plain.executemany("INSERT INTO events VALUES (?, ?)", docs)
        plain.execute("COMMIT")

    t_plain, _ = timed(plain_write)

    naive = sqlite3.connect(folder / "naive.db", isolation_level=None)
    naive.execute("PRAGMA journal_mode=WAL")
    naive.execute("CREATE TABLE events (id TEXT PRIMARY KEY, doc TEXT)")
    sample = docs[: max(1, n // 20)]  # one commit per event is slow: time a twentieth, scale the rate

    def naive_write() -> None:
        for row in sample:
            naive.execute("BEGIN")
            naive.execute("INSERT INTO events VALUES (?, ?)", row)
            naive.execute("COMMIT")

    t_naive, _ = timed(naive_write)
    rate = n / t_store
    rows.append(("write", "govsoc SqliteStore", f"{rate:,.0f} ev/s", "sqlite-plain (floor)",
                 f"{n / t_plain:,.0f} ev/s", f"{rate / (n / t_plain):.2f}x"))
    rows.append(("write", "govsoc SqliteStore", f"{rate:,.0f} ev/s", "sqlite-naive (commit/event)",
                 f"{len(sample) / t_naive:,.0f} ev/s", f"{rate / (len(sample) / t_naive):.1f}x"))

    query = Query(terms={"event.outcome": ("failure",), "user.name": ("user7",)})
    t_q, count = timed(lambda: store.count(query))
    t_qb, count_b = timed(lambda: plain.execute(
        "SELECT COUNT(*) FROM events WHERE json_extract(doc,'$.event.outcome')='failure' "
        "AND json_extract(doc,'$.user.name')='user7'").fetchone()[0])
    assert count == count_b
    rows.append(("count 2 fields", "generated indexed columns", f"{t_q * 1000:,.1f} ms", "json_extract scan",
                 f"{t_qb * 1000:,.1f} ms", f"{t_qb / t_q:.1f}x faster"))
    t_a, buckets = timed(lambda: store.aggregate(Query(), "source.ip", size=10))
    t_ab, buckets_b = timed(lambda: plain.execute(
        "SELECT json_extract(doc,'$.source.ip') k, COUNT(*) c FROM events GROUP BY k ORDER BY c DESC, k "
        "LIMIT 10").fetchall())
    # the store orders a tie of counts by address (10.3.8.3 before 10.3.13.3), SQL by text
    by_address = sorted(buckets_b, key=lambda r: (-r[1], ipaddress.ip_address(r[0])))
    assert [(b.key, b.count) for b in buckets] == [tuple(r) for r in by_address]
    rows.append(("top 10 source.ip", "generated indexed column", f"{t_a * 1000:,.1f} ms", "json_extract scan",
                 f"{t_ab * 1000:,.1f} ms", f"{t_ab / t_a:.1f}x faster"))
    t_t, hits = timed(lambda: store.count(Query(text="user42 from 10.3")))
    t_tb, hits_b = timed(lambda: plain.execute(
        "SELECT COUNT(*) FROM events WHERE lower(json_extract(doc,'$.message')) LIKE '%user42 from 10.3%'"
    ).fetchone()[0])
    assert hits == hits_b
    rows.append(("substring search", "trigram FTS5", f"{t_t * 1000:,.1f} ms", "LIKE scan", f"{t_tb * 1000:,.1f} ms",
                 f"{t_tb / t_t:.1f}x faster"))
    store.close()


def es_url() -> str | None:
    if os.environ.get("GOVSOC_ES_URL"):
        return os.environ["GOVSOC_ES_URL"]
    done = subprocess.run([str(ROOT / "scripts/elasticsearch.sh"), "start"], capture_output=True, text=True)
    for line in done.stdout.splitlines():
        if line.startswith("export GOVSOC_ES_URL="):
            return line.split("=", 1)[1].strip("'\"")
    return None


def bench_es(events: list[Event], url: str, rows: list[tuple[str, ...]]) -> None:
    from elasticsearch import Elasticsearch, helpers

    from govsoc.core.config import ElasticsearchSettings
    from govsoc.store.elasticsearch import ElasticsearchStore

    prefix = f"govsoc-bench-{uuid.uuid4().hex[:6]}"
    store = ElasticsearchStore(ElasticsearchSettings(url=url, index_prefix=prefix, number_of_replicas=0))
    client = Elasticsearch(url, request_timeout=120)
    raw_index = f"{prefix}-raw"
    client.indices.create(index=raw_index, settings={"number_of_shards": 1, "number_of_replicas": 0})
    try:
        n = len(events)
        t_store, receipt = timed(lambda: store.write(events))
        assert receipt.created == n, receipt
        docs = [{"_index": raw_index, "_id": e.id, "_source": e.to_document()} for e in events]
        t_raw, _ = timed(lambda: helpers.bulk(client, docs, chunk_size=2000))
        rate = n / t_store
        rows.append(("write", "govsoc ElasticsearchStore", f"{rate:,.0f} ev/s", "es-raw-bulk (helpers.bulk)",
                     f"{n / t_raw:,.0f} ev/s", f"{rate / (n / t_raw):.2f}x"))
        store.refresh()
        t_a, buckets = timed(lambda: store.aggregate(Query(), "source.ip", size=10))
        rows.append(("top 10 source.ip", "ES terms aggregation", f"{t_a * 1000:,.1f} ms", "", "", ""))
        assert sum(b.count for b in buckets) > 0
    finally:
        store.drop_all()
        client.indices.delete(index=raw_index)
        store.close()
        client.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--no-es", action="store_true", help="SQLite only")
    args = parser.parse_args()
    events = make_events(args.events)
    rows: list[tuple[str, ...]] = []
    with tempfile.TemporaryDirectory() as tmp:
        bench_sqlite(events, Path(tmp), rows)
    if not args.no_es:
        url = es_url()
        if url:
            bench_es(events, url, rows)
        else:
            rows.append(("write", "Elasticsearch", "not reachable", "", "", ""))
    table = Table(title=f"govsoc store benchmark, {args.events:,} events, {os.cpu_count()} cores")
    for column in ("operation", "govsoc", "figure", "baseline", "baseline figure", "ratio"):
        table.add_column(column)
    for row in rows:
        table.add_row(*row)
    Console(width=140).print(table)


if __name__ == "__main__":
    main()
