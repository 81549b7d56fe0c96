"""Thin-path benchmark: sshd log -> ECS events -> store -> Sigma rule + correlation, on SQLite and
Elasticsearch, beside baselines measured in the same run.

    python -m bench.thin_path                # from the repository root: 25 copies of loghub's
                                             # OpenSSH_2k (50,000 lines), SQLite and Elasticsearch
    python -m bench.thin_path --copies 100 --no-es

Each copy of the sample is moved back by one more day, so copies do not pile onto one burst.
Baselines:
  * parse only: the same parser over the same file, nothing stored (the floor of ingest).
  * zircolite-style: the same events in one flat SQLite table, a column per field, queried with
    pySigma's stock sqlite backend (base rule and its correlation SQL), the way Zircolite runs
    Sigma. Its correlation answers with one row per fired window; govsoc merges the windows of a
    burst into one alert, so the row counts are printed too.
"""

from __future__ import annotations

import argparse
import sqlite3
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from rich.console import Console
from rich.table import Table
from sigma.backends.sqlite import sqliteBackend
from sigma.collection import SigmaCollection

from govsoc.collectors import ingest_file
from govsoc.collectors.base import ParseContext
from govsoc.collectors.files.lines import LineFileSource
from govsoc.collectors.linux.auth import LinuxAuthParser
from govsoc.core.config import ElasticsearchSettings
from govsoc.rules import BUILTIN_PACKS, detect, load_rules
from govsoc.store.base import Query, Store
from govsoc.store.elasticsearch import ElasticsearchStore
from govsoc.store.sqlite import SqliteStore

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT.parent / "shared/corpus/loghub/OpenSSH/OpenSSH_2k.log"
FLAT_FIELDS = ("timestamp", "process.name", "event.action", "event.outcome", "source.ip", "user.name", "message")


def make_log(copies: int, folder: Path) -> Path:
    lines = SAMPLE.read_bytes().replace(b"\r\n", b"\n").rstrip(b"\n").split(b"\n")
    target = folder / "auth.log"
    with target.open("wb") as out:
        for copy in range(copies - 1, -1, -1):  # oldest first, as a log file is
            for line in lines:
                day = datetime.strptime("2025 " + line[:6].decode(), "%Y %b %d") - timedelta(days=copy)
                out.write(f"{day:%b} {day.day:>2}".encode() + line[6:] + b"\n")
    return target


def parse_only(log: Path) -> float:
    parser = LinuxAuthParser()
    context = ParseContext(timezone=ZoneInfo("Asia/Shanghai"), reference=datetime.now(UTC))
    began = time.perf_counter()
    for record in LineFileSource(log).records():
        list(parser.parse(record, context))
    return time.perf_counter() - began


def run_govsoc(store: Store, log: Path) -> tuple[float, float, int, int]:
    began = time.perf_counter()
    with tempfile.TemporaryDirectory() as state:
        summary = ingest_file(log, parser_id="linux.auth", store=store, data_dir=Path(state))
    ingest = time.perf_counter() - began
    ruleset = load_rules([BUILTIN_PACKS])
    began = time.perf_counter()
    result = detect(store, ruleset)
    detection = time.perf_counter() - began
    assert summary.records == summary.receipt.created
    return ingest, detection, result.kinds["match"], result.kinds["correlation"]


def run_zircolite_style(store: SqliteStore, folder: Path) -> tuple[float, int, int]:
    """The stock pySigma sqlite backend over a flat one-column-per-field table."""
    flat = sqlite3.connect(folder / "flat.db")
    columns = ", ".join(f'"{f}" TEXT' for f in FLAT_FIELDS)
    flat.execute(f"CREATE TABLE logs ({columns})")
    rows = [(e.timestamp.strftime("%Y-%m-%d %H:%M:%S"), *(e.get(f) for f in FLAT_FIELDS[1:]))
            for e in store.search(Query())]
    flat.executemany(f"INSERT INTO logs VALUES ({', '.join('?' for _ in FLAT_FIELDS)})", rows)
    flat.commit()
    text = "\n---\n".join(p.read_text(encoding="utf-8") for p in sorted((BUILTIN_PACKS / "egov").glob("*.yml")))
    base_sql, correlation_sql = sqliteBackend().convert(SigmaCollection.from_yaml(text))
    began = time.perf_counter()
    matches = len(flat.execute(base_sql).fetchall())
    windows = len(flat.execute(correlation_sql).fetchall())
    return time.perf_counter() - began, matches, windows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--copies", type=int, default=25)
    parser.add_argument("--no-es", action="store_true")
    args = parser.parse_args()
    table = Table(title=f"govsoc thin path, {args.copies * 2000:,} sshd lines")
    for column in ("store", "step", "govsoc", "baseline", "baseline figure", "ratio"):
        table.add_column(column)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        log = make_log(args.copies, folder)
        lines = args.copies * 2000
        floor = parse_only(log)
        stores: list[tuple[str, Store]] = [("sqlite", SqliteStore(folder / "events.db"))]
        if not args.no_es:
            from bench.store import es_url

            url = es_url()
            if url:
                stores.append(("elasticsearch", ElasticsearchStore(ElasticsearchSettings(
                    url=url, index_prefix=f"govsoc-bench-{uuid.uuid4().hex[:6]}", number_of_replicas=0))))
        for name, store in stores:
            ingest, detection, matches, incidents = run_govsoc(store, log)
            table.add_row(name, "ingest", f"{lines / ingest:,.0f} lines/s", "parse only (no store)",
                          f"{lines / floor:,.0f} lines/s", f"{floor / ingest:.2f}x")
            if isinstance(store, SqliteStore):
                z_time, z_matches, z_windows = run_zircolite_style(store, folder)
                table.add_row(name, "detect", f"{detection * 1000:,.0f} ms", "zircolite-style flat table",
                              f"{z_time * 1000:,.0f} ms", f"{z_time / detection:.2f}x")
                table.add_row(name, "results", f"{matches:,} matches, {incidents} bursts",
                              "zircolite-style rows", f"{z_matches:,} matches, {z_windows} windows", "")
            else:
                table.add_row(name, "detect", f"{detection * 1000:,.0f} ms", "", "", "")
                table.add_row(name, "results", f"{matches:,} matches, {incidents} bursts", "", "", "")
                if isinstance(store, ElasticsearchStore):
                    store.drop_all()
            store.close()
    Console(width=150).print(table)


if __name__ == "__main__":
    main()
