"""Situation report build time on SQLite against the number of events (issue 18): the report is
computed in the store, so its store calls and size are constant, but SQLite decompresses each
row's document for a field without a column (govsoc.source_zone, network.bytes, tls.*).

    python -m bench.situation                 # 2,000, 20,000 and 100,000 events
    python -m bench.situation --sizes 2000 20000

Each size is a fresh store file filled with a generated city day (events of four datasets, flows
with zones, TLS versions and cipher suites, alerts of five rules); the report is built twice and
the second (warm) build is timed, with the row documents it decoded (the work that grows with the
events: SqliteStore's RowCodec.decoded) and the seconds spent in the slowest store calls.
The baseline is the first size: the ratio column says how build time grows with the events.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from govsoc.core.alert import Alert
from govsoc.core.event import Event, make_id
from govsoc.core.evidence import Evidence
from govsoc.reports.build import build
from govsoc.store.sqlite import SqliteStore

START = datetime(2026, 11, 28, 16, tzinfo=UTC)
END = START + timedelta(days=1)
DATASETS = ("network.flow", "netflow.log", "linux.auth", "nginx.access")
ZONES = ("政务外网", "政务云", None)
PROTOCOLS = (("tls", 443), ("http", 80), ("ssh", 22), ("tls", 8443), ("telnet", 23))


def city(n: int) -> tuple[list[Event], list[Alert]]:
    """``n`` events over the day and n // 10 alerts (the shape of tests/reports/test_situation.py)."""
    events = []
    for i in range(n):
        dataset = DATASETS[i % len(DATASETS)]
        fields: dict[str, Any] = {"source.ip": f"10.{i % 3}.0.{i % 50}", "event.category": ["network"]}
        if i % 7 == 0:
            fields["source.ip"], fields["govsoc.source_zone"] = f"203.0.113.{i % 20}", "internet"
        if ZONES[i % 3]:
            fields["govsoc.zone"] = ZONES[i % 3]
        if dataset in ("network.flow", "netflow.log"):
            protocol, port = PROTOCOLS[(i // 4) % len(PROTOCOLS)]
            fields.update({"network.bytes": 100 + (i % 9) * 10, "destination.port": port})
            if dataset == "network.flow":
                fields["network.protocol"] = protocol
                if protocol == "tls":
                    fields.update({"tls.version_protocol": "tls", "tls.version": "1.0" if i % 3 == 0 else "1.2",
                                   "tls.cipher": "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"})
        at = START + timedelta(seconds=(i * 997) % 86_400)
        events.append(Event(id=make_id("bench", i), timestamp=at, dataset=dataset, fields=fields))
    moments = [START + timedelta(seconds=(j * 3571) % 86_400) for j in range(n // 10)]
    alerts = [Alert(id=make_id("bench-alert", j), rule_id=f"r-{j % 5}", rule_title=f"rule {j % 5}",
                    level=("high", "medium", "low", "critical", "high")[j % 5], kind="match",
                    start=moments[j], end=moments[j],
                    event_ids=(make_id("bench", j),), tags=("attack.t1110", "djbh.l3.8.1.4.1.b"),
                    evidence=(Evidence(event_id=make_id("bench", j), timestamp=START, dataset="linux.auth",
                                       original="Failed password for root from 203.0.113.9"),))
              for j in range(n // 10)]
    return events, alerts


def timed_calls(store: SqliteStore) -> dict[str, float]:
    """Wrap the store's aggregation methods to add up seconds per (method, field, filters)."""
    spent: dict[str, float] = defaultdict(float)
    for name in ("groups", "count", "histogram", "cardinality"):
        method: Callable[..., Any] = getattr(store, name)

        def wrapped(*args: Any, _method: Callable[..., Any] = method, _name: str = name, **kwargs: Any) -> Any:
            began = time.perf_counter()
            out = _method(*args, **kwargs)
            field = args[1] if len(args) > 1 else ""
            spent[f"{_name} {field} [{','.join(sorted(args[0].terms))}]"] += time.perf_counter() - began
            return out
        setattr(store, name, wrapped)
    return spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 20000, 100000])
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for n in args.sizes:
            with SqliteStore(Path(folder) / f"{n}.db") as store:
                events, alerts = city(n)
                store.write(events)
                store.write_alerts(alerts)
                store.refresh()
                build("situation", store, start=START, end=END, timezone="Asia/Shanghai", now=END)
                spent = timed_calls(store)
                decoded = store._codec.decoded
                began = time.perf_counter()
                build("situation", store, start=START, end=END, timezone="Asia/Shanghai", now=END)
                rows.append((n, time.perf_counter() - began, store._codec.decoded - decoded,
                             sorted(spent.items(), key=lambda kv: -kv[1])[:3]))
    base = rows[0][1]
    print(f"{'events':>8} {'build s':>8} {'ratio':>6} {'decoded':>9}  slowest store calls (s)")
    for n, seconds, decoded, slowest in rows:
        print(f"{n:>8,} {seconds:>8.2f} {seconds / base:>6.1f} {decoded:>9,}  "
              + "; ".join(f"{k} {v:.2f}" for k, v in slowest))


if __name__ == "__main__":
    main()
