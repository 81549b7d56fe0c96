"""A service that writes the same start banner (20 lines, more than a fingerprint's 1 KiB, no
times) at every start, rotated by real logrotate ``create`` with ``rotate 3``, read by real
one-shot `govsoc ingest` runs after each rotation (R11u-2, R11w-3).

Once logrotate deleted the oldest generation, a banner-only file last read as app.log.3, the new
log (a new inode holding the banner again and a request) took that deleted generation's
checkpoint by its first bytes and was read from past its banner: 20 lines never stored each
round (308 of 328 with eight rounds). Every line written is stored exactly once."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from govsoc.store.base import Query
from govsoc.store.sqlite import SqliteStore
from tests.conftest import need

GOVSOC = str(Path(sys.executable).with_name("govsoc"))
BANNER = "".join(f"service starting: module {i} of 20 loaded with default options (banner line)\n"
                 for i in range(1, 21))


def _rotate(folder: Path, log: Path, *options: str) -> None:
    need(shutil.which("logrotate") is not None, "logrotate is not installed (apt-get install logrotate)")
    conf = folder / "logrotate.conf"
    conf.write_text(f"{log} {{\n  rotate 3\n  missingok\n" + "".join(f"  {o}\n" for o in options) + "}\n",
                    encoding="utf-8")
    subprocess.run(["logrotate", "-f", "-s", str(folder / "logrotate.state"), str(conf)], check=True,
                   capture_output=True, timeout=60)


def _ingest(home: Path, pattern: str) -> None:
    done = subprocess.run([GOVSOC, "ingest", pattern], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "GOVSOC_HOME": str(home), "GOVSOC_CONFIG": ""})
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("options, pattern", [
    # rename and create beside the log: the fourth round deletes the first banner-only generation
    ((), "app.log*"),
    # the same with the generations in logrotate's olddir, both folders read (R11w-3: 185 of 205)
    (("olddir old",), "**/app.log*"),
])
def test_new_log_with_the_banner_of_a_deleted_generation_is_read_whole(
        tmp_path: Path, options: tuple[str, ...], pattern: str) -> None:
    logs, home = tmp_path / "logs", tmp_path / "home"
    logs.mkdir()
    (logs / "old").mkdir()
    log = logs / "app.log"
    requests = 0
    written = 0
    for _ in range(5):
        with log.open("a") as out:
            out.write(BANNER)
        _rotate(logs, log, "create", *options)
        requests += 1
        with log.open("a") as out:
            out.write(BANNER + f"request {requests} handled\n")
        written += 41
        _ingest(home, str(logs / pattern))
    with SqliteStore(home / "events.db") as store:
        lines = [str(e.get("event.original")) for e in store.search(Query())]
    assert sorted(line for line in lines if line.startswith("request")) == sorted(
        f"request {i} handled" for i in range(1, requests + 1))
    assert len(lines) == written


def test_new_log_after_its_compressed_generation_is_read_whole(tmp_path: Path) -> None:
    """Read as app.log, rotated with ``compress`` (its inode gone, app.log.1.gz holds its bytes), the
    service restarted (the banner again in a new app.log), a run, rotated again: the second banner
    was counted as read (56 of 76 stored, R11w-3's "restart2 create compress")."""
    logs, home = tmp_path / "logs", tmp_path / "home"
    logs.mkdir()
    log = logs / "app.log"
    log.write_text(BANNER + "".join(f"request {i} handled\n" for i in range(1, 16)))
    _ingest(home, str(logs / "app.log*"))
    _rotate(logs, log, "create", "compress")
    log.write_text(BANNER)
    _ingest(home, str(logs / "app.log*"))
    _rotate(logs, log, "create", "compress")
    log.write_text(BANNER + "request 16 handled\n")
    _ingest(home, str(logs / "app.log*"))
    _ingest(home, str(logs / "app.log*"))
    with SqliteStore(home / "events.db") as store:
        lines = [str(e.get("event.original")) for e in store.search(Query())]
    assert sorted(line for line in lines if line.startswith("request")) == sorted(
        f"request {i} handled" for i in range(1, 17))
    assert len(lines) == 20 * 3 + 16
