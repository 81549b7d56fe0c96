"""A service's new log with the start banner of a file govsoc read before (20 lines, more than a
fingerprint's 1 KiB, no times), where that file is gone, read by real one-shot `govsoc ingest` runs
(R11aa). The new log is a new file and is read from its start; each line is stored once:

- the application rotates its own log (Python's RotatingFileHandler, backupCount 3): it deletes
  app.log.3 and opens a new app.log, which ext4 gives the deleted file's inode; the new log took the
  deleted generation's checkpoint (R11aa-1: 308 of 328 lines);
- a.log and b.log in one folder with one banner, logrotate ``create``, ``rotate 3``: a.log's new file
  took b.log.3's deleted checkpoint and b.log's new file a.log.3's (R11aa-2: 452 of 492);
- a log holding only the banner, deleted by the application and written again (R11aa-3: 44 of 64).
"""

from __future__ import annotations

import json
import logging
import logging.handlers
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from govsoc.collectors.checkpoints import Checkpoint, CheckpointStore
from govsoc.collectors.files.birth import birth_at
from govsoc.store.base import Query
from govsoc.store.sqlite import SqliteStore
from tests.conftest import need

GOVSOC = str(Path(sys.executable).with_name("govsoc"))
BANNER = [f"service starting: module {i} of 20 loaded with default options (banner line)" for i in range(1, 21)]


def _ingest(home: Path, pattern: str) -> None:
    done = subprocess.run([GOVSOC, "ingest", pattern], capture_output=True, text=True, timeout=120,
                          env={**{k: v for k, v in os.environ.items() if not k.startswith("GOVSOC_ES")},
                               "GOVSOC_HOME": str(home), "GOVSOC_CONFIG": ""})
    assert done.returncode == 0, done.stderr


def _stored(home: Path) -> list[str]:
    with SqliteStore(home / "events.db") as store:
        return sorted(str(e.get("event.original")) for e in store.search(Query()))


def _rotate(folder: Path, *logs: Path) -> None:
    need(shutil.which("logrotate") is not None, "logrotate is not installed (apt-get install logrotate)")
    conf = folder / "logrotate.conf"
    conf.write_text(" ".join(str(log) for log in logs) + " {\n  rotate 3\n  missingok\n  create\n}\n",
                    encoding="utf-8")
    subprocess.run(["logrotate", "-f", "-s", str(folder / "logrotate.state"), str(conf)], check=True,
                   capture_output=True, timeout=60)


def _write(path: Path, lines: list[str]) -> None:
    with path.open("a", encoding="utf-8") as out:
        out.write("".join(f"{line}\n" for line in lines))


def test_application_rotating_its_own_log_with_inode_reuse(tmp_path: Path) -> None:
    """RotatingFileHandler's doRollover itself (unlink app.log.3, renames, open app.log): a banner at
    each start, a run after each rotation; from the fourth round ext4 gives the deleted app.log.3's
    inode to the new app.log (the log and govsoc's home in one folder, as in R11aa's harness)."""
    need(birth_at(tmp_path) != 0, "this file system keeps no birth times (statx btime)")
    log, home = tmp_path / "app.log", tmp_path / "data"
    handler = logging.handlers.RotatingFileHandler(log, backupCount=3, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger = logging.Logger("r11aa-1")
    logger.addHandler(handler)
    written: list[str] = []
    reused = 0
    try:
        for round_ in range(1, 8):
            for line in BANNER:
                logger.warning(line)
            oldest = tmp_path / "app.log.3"
            deleted = os.stat(oldest).st_ino if oldest.exists() else None
            handler.doRollover()
            reused += os.stat(log).st_ino == deleted
            for line in [*BANNER, f"request {round_} handled"]:
                logger.warning(line)
            handler.flush()
            written += [*BANNER, *BANNER, f"request {round_} handled"]
            _ingest(home, str(tmp_path / "app.log*"))
    finally:
        handler.close()
    assert _stored(home) == sorted(written)
    if not reused:
        pytest.skip("the file system gave no deleted inode to a new log: inode reuse not exercised")


def test_two_logs_with_one_banner_in_one_folder(tmp_path: Path) -> None:
    """a.log and b.log rotated together; the fourth round deletes both banner-only generations."""
    logs, home = tmp_path / "logs", tmp_path / "home"
    logs.mkdir()
    a, b = logs / "a.log", logs / "b.log"
    written: list[str] = []
    for round_ in range(1, 6):
        _write(a, BANNER)
        _write(b, BANNER)
        _rotate(logs, a, b)
        _write(a, [*BANNER, f"request {round_} handled (a.log)"])
        _write(b, [*BANNER, f"request {round_} handled (b.log)"])
        written += [*BANNER * 4, f"request {round_} handled (a.log)", f"request {round_} handled (b.log)"]
        _ingest(home, str(logs / "*.log*"))
    assert _stored(home) == sorted(written)


def test_banner_only_log_deleted_and_written_again(tmp_path: Path) -> None:
    """The application deletes its log, which held only the banner (its older generation deleted by
    hand), and writes it again: banner and a request."""
    logs, home = tmp_path / "logs", tmp_path / "home"
    logs.mkdir()
    log = logs / "app.log"
    _write(log, [*BANNER, "request 1 handled", "request 2 handled", "request 3 handled"])
    _ingest(home, str(logs / "app.log*"))
    _rotate(logs, log)
    _write(log, BANNER)
    _ingest(home, str(logs / "app.log*"))
    (logs / "app.log.1").unlink()
    log.unlink()
    _write(log, [*BANNER, "request 4 handled"])
    _ingest(home, str(logs / "app.log*"))
    assert _stored(home) == sorted([*BANNER * 3] + [f"request {i} handled" for i in range(1, 5)])


@pytest.mark.parametrize("extra", [
    # a field a later version writes (R11aa-5: an older govsoc moved such a checkpoint aside as
    # damaged and read its file again from its start)
    {"lived_birth": 5},
    # none of this version's own later fields: a checkpoint written before births were kept
    {},
])
def test_checkpoint_of_another_version_is_read(tmp_path: Path, extra: dict[str, int]) -> None:
    data = {"identity": "abc", "fingerprint": "f" * 32, "fingerprint_bytes": 1024, "path": "/var/log/app.log",
            "offset": 42, "device": 1, "inode": 2, **extra}
    (tmp_path / "abc.json").write_text(json.dumps(data), encoding="utf-8")
    notices: list[str] = []
    store = CheckpointStore(tmp_path, notice=notices.append)
    checkpoint = store.get("abc")
    assert checkpoint is not None and checkpoint.offset == 42 and getattr(checkpoint, "birth", 0) == 0
    assert notices == [] and store.damaged() == []
    assert Checkpoint.from_json(checkpoint.to_json()) == checkpoint
