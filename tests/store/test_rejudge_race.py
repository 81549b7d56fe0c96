"""The rejudge document (govsoc.store.rejudge) changed by two real processes at once (V13 V2):
one records entries one by one, as the deletes of partial copies do, the other records and
forgets an entry of its own back to back, as other deletes and the passes finishing do. Each
change is one read-modify-write of one state document: done as a read and a separate write, 500
of 500 recorded entries were lost on SQLite. Now each is atomic (Store.update_state)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from govsoc.store import rejudge
from govsoc.store.base import Store
from govsoc.store.elasticsearch import ElasticsearchStore

#: One process's part: "record" N entries one by one, or "churn" until the stop file exists.
SCRIPT = """
import sys
from pathlib import Path
from govsoc.store import rejudge

kind, where, role, count, folder = sys.argv[1:6]
if kind == "sqlite":
    from govsoc.store.sqlite import SqliteStore
    store = SqliteStore(Path(where))
else:
    from govsoc.core.config import ElasticsearchSettings
    from govsoc.store.elasticsearch import ElasticsearchStore
    url, prefix = where.split(" ")
    store = ElasticsearchStore(ElasticsearchSettings(url=url, index_prefix=prefix, number_of_replicas=0))

def entry(name):
    return {"rule": "r", "alert": name, "group": {"source.ip": "10.0.0.1"},
            "start": "2026-03-02T08:00:00Z", "end": "2026-03-02T08:01:00Z"}

if role == "record":
    for i in range(int(count)):
        rejudge.record(store, [entry(f"a{i}")])
else:
    turns = 0
    (Path(folder) / "ready").touch()
    while not (Path(folder) / "stop").exists():
        rejudge.record(store, [entry("other")])
        rejudge.forget(store, [entry("other")])
        turns += 1
    print(turns)
store.close()
"""


def _run(kind: str, where: str, folder: Path, count: int) -> int:
    """Run both processes; how many turns the churning one made meanwhile."""
    script = folder / "part.py"
    script.write_text(SCRIPT, encoding="utf-8")
    churn = subprocess.Popen([sys.executable, str(script), kind, where, "churn", "0", str(folder)],
                             stdout=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not (folder / "ready").exists():
            assert churn.poll() is None and time.monotonic() < deadline, "the churning process did not start"
            time.sleep(0.05)
        recorded = subprocess.run([sys.executable, str(script), kind, where, "record", str(count), str(folder)],
                                  capture_output=True, text=True, timeout=600)
        assert recorded.returncode == 0, recorded.stderr[-2000:]
    finally:
        (folder / "stop").touch()
        out, _ = churn.communicate(timeout=120)
    assert churn.returncode == 0
    return int(out.strip())


@pytest.mark.parametrize("count", [200])
def test_entries_recorded_while_another_process_records_and_forgets_are_kept(
        tmp_path: Path, store: Store, count: int) -> None:
    store.put_state(rejudge.KEY, {"windows": []})
    if isinstance(store, ElasticsearchStore):
        where = f"{store.settings.url} {store.prefix}"
    else:
        where = str(tmp_path / "events.db")
    turns = _run(store.kind, where, tmp_path, count)
    assert turns > 0  # the other process changed the document meanwhile
    left = {e["alert"] for e in rejudge.pending(store)}
    assert sorted(f"a{i}" for i in range(count) if f"a{i}" not in left) == []
    assert "other" not in left  # and what it forgot is gone
