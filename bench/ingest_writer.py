"""The SQLite writer process alone (issue 11): its input captured once, replayed in one process.

    python -m bench.ingest_writer                     # 1,000,000 sshd lines
    python -m bench.ingest_writer --lines 200000 --pragma "PRAGMA wal_autocheckpoint=65536"

bench.ingest runs the parser and the writer process side by side on a shared machine, where
wall and even CPU figures swing with the load. This tool takes the writer's side apart: the
same sshd log as bench.ingest is parsed once through the real pipeline into a sink that hands
on what SqliteStore.write would send the writer process (chunks of Unstored events, with the
same commit points), kept in a temporary file; then the chunks are replayed through
SqliteStore.insert_unstored in this process, under relaxed_gc as the writer child runs them,
into a new store. Per 100,000 events it prints user and system CPU, the INSERT's share (the
connection's executemany calls and COMMITs, checkpoints included: TimedConnection) and the bytes
handed to write() (/proc/self/io, Linux). ``--pragma`` runs statements on the store's connection
first, for A/Bs in one process.

P11c (2026-12-01, load 8-13): 1,000,000 lines, as main 974ac6f: user 52.1 + sys 4.7 us an event;
the INSERT 13.3 -> 28.7 us and the bytes written 644 -> 7,386 an event from the first to the
last 100,000 (see /work/findings/P11c.md).

P11d (2026-12-01, load 8-14; commits merged two by two for 20,000-row transactions), 1,000,000
lines, bytes written an event over the last 100,000 and CPU an event in all: as main 974ac6f
7,386 bytes, 68.2 / 67.1 us; checkpoints every 256 MiB 5,330, 58.9; 20,000-row transactions
4,749, 62.1; both (main since 42724d2) 3,685, 54.3; both with 128 MiB of page cache 3,685 (no
spill at this size; see /work/findings/P11d.md).
"""

from __future__ import annotations

import argparse
import os
import pickle
import resource
import sqlite3
import tempfile
import time
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from bench.ingest import PARSER, generate
from govsoc.collectors.pipeline import ingest_file
from govsoc.core.event import Event, format_timestamp
from govsoc.core.gcpolicy import relaxed_gc
from govsoc.core.sink import WriteReceipt
from govsoc.store.sqlite import _CHUNK, _TRANSACTION, SqliteStore
from govsoc.store.sqlite_rows import unstored

WINDOW = 100_000


class CaptureSink:
    """A sink that stores nothing and pickles, into ``out``, the messages SqliteStore.write would
    send its writer process for each write: (chunk, ingested, commit)."""

    def __init__(self, out: IO[bytes]) -> None:
        self.out = out

    def write(self, events: Iterable[Event]) -> WriteReceipt:
        batch = list(events)
        ingested = format_timestamp(datetime.now(UTC))
        chunks = [batch[at:at + _CHUNK] for at in range(0, len(batch), _CHUNK)]
        open_rows = 0
        for place, chunk in enumerate(chunks):
            open_rows += len(chunk)
            commit = open_rows >= _TRANSACTION or place == len(chunks) - 1
            open_rows = 0 if commit else open_rows
            pickle.dump(([unstored(e) for e in chunk], ingested, commit), self.out, protocol=pickle.HIGHEST_PROTOCOL)
        return WriteReceipt(created=len(batch))

    def refresh(self) -> None:
        pass

    def delete(self, ids: Any, *, replaced_by: Any = None) -> int:
        return 0


def _messages(source: IO[bytes]) -> Iterator[tuple[list[Any], str, bool]]:
    while True:
        try:
            yield pickle.load(source)
        except EOFError:
            return


def _usage() -> tuple[float, float, int]:
    """User and system CPU seconds of this process, and its bytes handed to write() (0 off Linux)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    try:
        io = Path("/proc/self/io").read_text().split()
        written = int(io[io.index("wchar:") + 1])
    except (OSError, ValueError):
        written = 0
    return own.ru_utime, own.ru_stime, written


class TimedConnection:
    """The store's connection with the CPU of its executemany calls (the INSERTs) and its
    COMMITs (checkpoints included) added up in ``used`` [user, system]: insert_unstored inserts
    each chunk as it comes and commits at the last (P11j), so a wrapper around the held-rows
    insert of earlier versions measured nothing (it read 0)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self.used = [0.0, 0.0]

    def __getattr__(self, name: str) -> Any:
        return getattr(self.db, name)

    def _timed(self, run: Any, *args: Any) -> Any:
        before = _usage()
        try:
            return run(*args)
        finally:
            after = _usage()
            self.used[0] += after[0] - before[0]
            self.used[1] += after[1] - before[1]

    def executemany(self, sql: str, rows: Any) -> sqlite3.Cursor:
        return self._timed(self.db.executemany, sql, rows)  # type: ignore[no-any-return]

    def execute(self, sql: str, *args: Any) -> sqlite3.Cursor:
        if sql == "COMMIT":
            return self._timed(self.db.execute, sql)  # type: ignore[no-any-return]
        return self.db.execute(sql, *args)


def replay(captured: IO[bytes], folder: Path, pragmas: list[str]) -> None:
    """Insert the captured messages into a new store in ``folder`` and print the figures."""
    store = SqliteStore(folder / "events.db", writer_process=False)
    for pragma in pragmas:
        store._db.execute(pragma)
    timed = TimedConnection(store._db)
    inserting = timed.used
    store._db = timed  # type: ignore[assignment]
    events, began = 0, time.perf_counter()
    marks = [(0, *_usage(), 0.0, 0.0)]
    with relaxed_gc():
        for chunk, ingested, commit in _messages(captured):
            events += len(chunk)
            store.insert_unstored(chunk, ingested=ingested, commit=commit)
            if commit and events - marks[-1][0] >= WINDOW:
                user, system, written = _usage()
                marks.append((events, user, system, written, inserting[0], inserting[1]))
    wall = time.perf_counter() - began
    store._db = timed.db
    store.close()
    for (n0, u0, s0, w0, iu0, is0), (n1, u1, s1, w1, iu1, is1) in zip(marks, marks[1:], strict=False):
        k = (n1 - n0) / 1e6
        print(f"  {n1:>9,}: user {(u1 - u0) / k:5.1f} sys {(s1 - s0) / k:4.1f} us/event; the INSERT user "
              f"{(iu1 - iu0) / k:5.1f} sys {(is1 - is0) / k:4.1f}; written {(w1 - w0) / k / 1e6:6,.0f} bytes/event")
    user, system = marks[-1][1] - marks[0][1], marks[-1][2] - marks[0][2]
    size = sum(p.stat().st_size for p in folder.glob("events.db*"))
    print(f"  {marks[-1][0]:,} events: user {1e6 * user / marks[-1][0]:.1f} sys {1e6 * system / marks[-1][0]:.1f} "
          f"us/event CPU, {1e6 * wall / events:.0f} wall; store {size / 1e6:,.0f} MB")


def main() -> None:
    arguments = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    arguments.add_argument("--lines", type=int, default=1_000_000)
    arguments.add_argument("--pragma", action="append", default=[], help="run on the store's connection first")
    args = arguments.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        log = folder / "auth.log"
        generate(args.lines, log)
        with (folder / "captured.pickles").open("w+b") as captured:
            ingest_file(log, parser_id=PARSER, store=CaptureSink(captured), data_dir=folder / "data", timezone="UTC")
            captured.seek(0)
            (folder / "store").mkdir()
            print(f"SQLite writer replay, {args.lines:,} sshd lines{'; ' if args.pragma else ''}"
                  f"{'; '.join(args.pragma)} (load {os.getloadavg()[0]:.1f})")
            replay(captured, folder / "store", args.pragma)


if __name__ == "__main__":
    main()
