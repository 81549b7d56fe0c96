"""A compressed copy made in an inode freed by an older copy whose checkpoint still names it (issue 11).

test_rotation_twin_copies' delaycompress case stored, once in a few hundred CI runs, a fragment of a line
('dled', the end of "app1 request 14 handled") as an event of its own. Its copies: round 0's plain copy
app1.log.1 took round 0's checkpoint (1,355 bytes read: requests 0-4, 23 bytes a line) and its inode; a
rotation later it was compressed (app1.log.2.gz, a new inode) and unlinked, and the file system gave its
inode to a file made later: a later round's app1.log.2.gz, 1,360 bytes of content (requests 10-14, 24
bytes a line). Checkpoints are not told when an inode is freed: round 0's still named it. Matched first by
device and inode, a compressed file's content was never compared with that checkpoint (its length only:
1,360 >= 1,355), so the new copy was read from 1,355, 4 bytes before its last line's end.

Which inode a new file gets is up to the file system (ext4 hands a freed one to the next file made, here
or in any process); the test makes it certain by writing the new copy's gzip bytes into the old copy's
inode (kept aside instead of unlinked), then renaming it under the new copy's name."""

from __future__ import annotations

import collections
import gzip
import os
from pathlib import Path

from govsoc.collectors import IngestOptions, Pipeline
from govsoc.collectors.follow import Follower
from govsoc.store.sqlite import SqliteStore
from tests.collectors.test_rotation_copy import originals
from tests.collectors.test_rotation_twin_copies import BANNER


class _OneLog:
    """app.log in ``folder``/logs, read by one-shot runs and rotated by copytruncate + delaycompress
    keeping 4, each copy's inode chosen by the test (freed: the old plain copy kept aside here)."""

    def __init__(self, folder: Path, store: SqliteStore) -> None:
        self.folder, self.store, self.logs, self.freed = folder, store, folder / "logs", folder / "freed"
        self.logs.mkdir()
        self.log = self.logs / "app.log"
        self.written: list[str] = []

    def run(self) -> None:
        """A one-shot run: a new process's follower, one poll."""
        Follower(Pipeline(self.store, data_dir=self.folder / "state"), [str(self.logs / "*.log")],
                 lambda _path: IngestOptions()).poll()

    def put(self, lines: list[str]) -> None:
        with self.log.open("a") as out:
            out.write("".join(f"{line}\n" for line in lines))
        self.written.extend(lines)

    def rotate(self, into: Path | None) -> None:
        """copytruncate + delaycompress keeping 4: the previous copy compressed, into the inode ``into``
        (a freed one given again) when given, else into a new file; the plain one kept aside (its inode
        not freed yet, so that the test decides who gets it) at ``freed``."""
        logs = self.logs
        for age in (3, 2):
            if (logs / f"app.log.{age}.gz").exists():
                os.rename(logs / f"app.log.{age}.gz", logs / f"app.log.{age + 1}.gz")
        if (logs / "app.log.1").exists():
            packed = gzip.compress((logs / "app.log.1").read_bytes())
            target = into if into is not None else logs / "app.log.2.gz.new"
            with target.open("r+b" if into is not None else "wb") as out:
                out.truncate(0)
                out.write(packed)
            os.rename(target, logs / "app.log.2.gz")
            if into is None:
                os.rename(logs / "app.log.1", self.freed)  # the old copy's inode, kept for the next rotation
            else:
                (logs / "app.log.1").unlink()
        (logs / "app.log.1").write_bytes(self.log.read_bytes())
        with self.log.open("r+b") as out:
            out.truncate(0)

    def check(self) -> None:
        """None lost, none twice, no fragment."""
        got, expected = collections.Counter(originals(self.store)), collections.Counter(self.written)
        assert (sorted(expected - got), sorted(got - expected)) == ([], [])


def test_a_compressed_copy_in_a_freed_inode_is_not_read_from_the_old_copys_position(
        tmp_path: Path, sqlite_store: SqliteStore) -> None:
    app = _OneLog(tmp_path, sqlite_store)
    for round_, into in enumerate([None, None, app.freed, None]):
        app.put(BANNER)
        app.run()
        app.put([f"app request {10 * round_ + k} handled" for k in range(5)])  # 0-4, 10-14: lines longer
        app.run()
        app.rotate(into)
    app.run()
    app.check()


def test_a_same_length_copy_never_read_in_a_freed_inode_is_read_whole(tmp_path: Path,
                                                                      sqlite_store: SqliteStore) -> None:
    # R52a-1: the same shape with lines of one length every round and a one-shot run less often than rotations:
    # the copy compressed into the freed inode was never read and is as long as the old copy's position, so its
    # length cannot tell it; only the CRC-32 the checkpoint kept does. On 96a1010d the banner and five requests
    # (25 lines) were taken as read and lost, silently; with the trailer's length alone compared, the same.
    app = _OneLog(tmp_path, sqlite_store)
    # round 0 read whole; round 1's requests (same length) never read before its copy is compressed into
    # round 0's copy's inode (freed), a one-shot run less often than rotations
    for round_, into, second_run in [(0, None, True), (1, None, False), (2, app.freed, False)]:
        app.put(BANNER)
        if round_ < 2:
            app.run()
        app.put([f"app request {chr(97 + 5 * round_ + k)} handled" for k in range(5)])  # same length every round
        if second_run:
            app.run()
        app.rotate(into)
    app.run()
    app.check()
