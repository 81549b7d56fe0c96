"""A gzip copy read past (collectors.files.read_past) renamed by the next rotation while its log, truncated since,
has been written again with the program's banner (the same first bytes) past the position read: the copy is still
the content read, not a new file. A compressed file keeps no tail at its checkpoint, so the regrown log, holding
the banner where the old content held it, was taken for the log still holding what was read
(checkpoint_file.left_where_read): the renamed copy (app.log.2.gz) was registered anew and read whole (F11af's
inproc.py N=1 K=1, 2 rounds, gz: 25 of 56 lines stored twice). The checkpoint at a compressed copy now keeps
the digest of the content before its position (read_past.CONTENT_TAIL), which the regrown log does not hold."""

from __future__ import annotations

import gzip
import os
import shutil
from pathlib import Path

import pytest

from govsoc.collectors import IngestOptions, Pipeline
from govsoc.collectors.follow import Follower
from govsoc.store.sqlite import SqliteStore
from tests.collectors.test_rotation import write
from tests.collectors.test_rotation_copy import originals, truncate

#: A service's start banner, the same at every start (no times in it): 20 lines, its first KiB the fingerprint.
BANNER = b"".join(f"service starting: module {i:02d} of 20 loaded with default options\n".encode() for i in range(20))


def copytruncate_read_past(log: Path, follower: Follower, start: int, *, rotations: int) -> None:
    """logrotate's copytruncate + compress of ``log`` with a poll between its copy and its truncate (3 lines
    ``start``.. written and read past the copy's end); the older copies renamed first (.1.gz -> .2.gz ...)."""
    for age in range(rotations, 0, -1):
        os.rename(log.with_name(f"{log.name}.{age}.gz"), log.with_name(f"{log.name}.{age + 1}.gz"))
    aside = log.with_name("aside")
    shutil.copyfile(log, aside)
    write(log, start, 3)
    follower.poll()
    truncate(log)
    with aside.open("rb") as plain, gzip.open(log.with_name(f"{log.name}.1.gz"), "wb") as packed:
        shutil.copyfileobj(plain, packed)
    aside.unlink()


@pytest.mark.parametrize("lines", [
    10,  # the regrown log longer than the position read in round 0 when the renamed copy is looked at
    40,  # far longer: the banner, then other lines past the old position
])
def test_a_gzip_copy_read_past_renamed_while_the_log_regrew_its_banner_is_not_read_again(
        tmp_path: Path, sqlite_store: SqliteStore, lines: int) -> None:
    log = tmp_path / "app.log"
    follower = Follower(Pipeline(sqlite_store, data_dir=tmp_path / "state"), [str(tmp_path / "app.log*")],
                        lambda _path: IngestOptions())
    start = 0
    for rotations in range(2):  # round 0: app.log.1.gz made; round 1: it becomes app.log.2.gz
        with log.open("ab") as out:
            out.write(BANNER)
        follower.poll()
        write(log, start, 5 if rotations == 0 else lines)
        start += 5 if rotations == 0 else lines
        follower.poll()
        copytruncate_read_past(log, follower, start, rotations=rotations)
        start += 3
    follower.poll()
    follower.poll()
    got = sorted(int(o.split("sshd[")[1].split("]")[0]) for o in originals(sqlite_store) if "sshd[" in o)
    assert got == list(range(start))  # each once
    assert sum("service starting" in o for o in originals(sqlite_store)) == 2 * 20  # each banner once
