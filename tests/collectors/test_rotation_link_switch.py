"""A log named through a link that its writer re-points to a new dated file (R11u-7, MEDIUM):
cronolog's ``current`` (or ``-S access_log``) and Apache's ``rotatelogs -L access_log`` write
``access_log.YYYYMMDD`` and move the link to today's file with ``ln -sfn``. Whether the link is
named alone or with a glob of the dated files, and read by one-shot runs or followed, every line
is stored exactly once; the link is not refused as "a link where a regular file was read" (it
never was one), and the rest of yesterday's file written after the last read is not lost."""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from pathlib import Path

import pytest

from govsoc.collectors import IngestOptions, Pipeline
from govsoc.collectors.follow import Follower
from govsoc.store.base import Query
from govsoc.store.sqlite import SqliteStore
from tests.collectors.test_rotation import stored, write
from tests.collectors.test_rotation_links import run

#: The link's name beside the dated files: cronolog's usual ``current``; rotatelogs -L names the
#: link as the files' stem, so the dated files look like dateext rotations of the link's name.
NAMES = ["current", "access_log"]


def repoint(link: Path, target: str) -> None:
    """``ln -sfn target link``: a new link renamed over the old one."""
    fresh = link.with_name(f".{link.name}.new")
    fresh.symlink_to(target)
    os.replace(fresh, link)


def counted(originals: list[str]) -> Counter[int]:
    """How often each written line (by its sequence number, sshd[N]) was stored."""
    return Counter(int(m.group(1)) for o in originals if (m := re.search(r"sshd\[(\d+)\]", o)))


def once_each(originals: list[str], written: int) -> bool:
    return counted(originals) == Counter(range(written))


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("with_glob", [False, True])  # the link alone; the link and the dated files' glob
def test_one_shot_runs_of_a_repointed_link_store_every_line_once(tmp_path: Path, name: str,
                                                                 with_glob: bool) -> None:
    logs, home = tmp_path / "log", tmp_path / "home"
    logs.mkdir()
    link = logs / name
    targets = [str(link), *([str(logs / "access_log.*")] if with_glob else [])]
    write(logs / "access_log.20261203", 0, 3)
    repoint(link, "access_log.20261203")
    run(home, "ingest", *targets)
    write(logs / "access_log.20261203", 3, 2)
    second = run(home, "ingest", *targets)
    write(logs / "access_log.20261203", 5, 1)  # the last request of the day, after the last run
    write(logs / "access_log.20261204", 6, 4)
    repoint(link, "access_log.20261204")  # midnight
    third = run(home, "ingest", *targets)
    write(logs / "access_log.20261204", 10, 2)
    fourth = run(home, "ingest", *targets)
    assert once_each(stored(home), 12), counted(stored(home))
    for done in (second, third, fourth):
        assert "where a regular file was read before" not in done.stderr
    status = json.loads(run(home, "status", "--format", "json").stdout)
    assert status["refused_paths"] == []


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("with_glob", [False, True])
def test_following_a_repointed_link_stores_every_line_once(tmp_path: Path, sqlite_store: SqliteStore, name: str,
                                                           with_glob: bool) -> None:
    logs = tmp_path / "log"
    logs.mkdir()
    link = logs / name
    notices: list[str] = []
    patterns = [str(link), *([str(logs / "access_log.*")] if with_glob else [])]
    follower = Follower(Pipeline(sqlite_store, data_dir=tmp_path / "state", notice=notices.append), patterns,
                        lambda _p: IngestOptions())
    write(logs / "access_log.20261203", 0, 3)
    repoint(link, "access_log.20261203")
    follower.poll()
    write(logs / "access_log.20261203", 3, 2)
    follower.poll()
    write(logs / "access_log.20261203", 5, 1)  # between the last poll and the switch
    write(logs / "access_log.20261204", 6, 4)
    repoint(link, "access_log.20261204")
    follower.poll()
    follower.poll()
    write(logs / "access_log.20261204", 10, 2)
    follower.poll()
    originals = [str(e.get("event.original")) for e in sqlite_store.search(Query())]
    assert once_each(originals, 12), counted(originals)
    assert [n for n in notices if "not read" in n] == []


def test_a_repointed_link_whose_old_file_was_replaced_reads_none_of_the_stranger(tmp_path: Path) -> None:
    # The rest of the file read before is read only when the file at its path is that file: another
    # file put at yesterday's name (whoever may write the folder) is not read as the link's.
    logs, home = tmp_path / "log", tmp_path / "home"
    logs.mkdir()
    link = logs / "current"
    write(logs / "access_log.20261203", 0, 3)
    repoint(link, "access_log.20261203")
    run(home, "ingest", str(link))
    (logs / "access_log.20261203").unlink()
    (logs / "access_log.20261203").write_text("Dec 10 08:00:00 web1 sshd[99]: FORGED\n", encoding="utf-8")
    write(logs / "access_log.20261204", 3, 2)
    repoint(link, "access_log.20261204")
    run(home, "ingest", str(link))
    assert once_each(stored(home), 5), counted(stored(home))


@pytest.mark.parametrize("name", NAMES)
def test_a_day_the_link_pointed_to_while_no_run_read_it_is_read(tmp_path: Path, name: str) -> None:
    # The daily run did not run on the 4th (host down, a stopped follower): the link went from the
    # 3rd's file to the 4th's to the 5th's between two runs; the 4th's file was never its target
    # when govsoc looked, and with the link named alone its lines were lost, silently.
    logs, home = tmp_path / "log", tmp_path / "home"
    logs.mkdir()
    link = logs / name
    write(logs / "access_log.20261203", 0, 3)
    repoint(link, "access_log.20261203")
    run(home, "ingest", str(link))
    write(logs / "access_log.20261203", 3, 1)
    write(logs / "access_log.20261204", 4, 3)
    repoint(link, "access_log.20261204")
    write(logs / "access_log.20261205", 7, 2)
    repoint(link, "access_log.20261205")
    done = run(home, "ingest", str(link))
    assert once_each(stored(home), 9), counted(stored(home))
    # in the order written
    order = [line.split(":", 1)[0] for line in done.stdout.splitlines() if " records, " in line]
    assert [Path(p).name for p in order] == ["access_log.20261203", "access_log.20261204", "access_log.20261205"]
