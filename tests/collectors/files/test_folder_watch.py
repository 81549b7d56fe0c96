"""The checkpoint store's listing from the kernel's word of which names changed (R58a-1: a run over
2,000 new files listed and stat-ed every checkpoint at every file, 73 s here on main, 18 s with the
watch). What another process writes is seen at the next look, with no wait; a listing the kernel lost
track of is taken whole again."""

from __future__ import annotations

import os
import time
from pathlib import Path

from govsoc.collectors.checkpoints import Checkpoint, CheckpointStore
from govsoc.collectors.files.folder_watch import watch


def test_a_watch_says_each_readers_changed_names_and_none_when_it_lost_track(tmp_path: Path) -> None:
    folder = tmp_path / "sources"
    folder.mkdir()
    seen = watch(folder)
    assert seen is not None  # Linux: the real inotify of the machine the tests run on
    seen.reader("a")
    seen.reader("b")
    assert seen.changed("a") is None  # a first look: list the folder whole
    (folder / "x.json").write_text("{}")
    (folder / "y.tmp").write_text("")
    os.replace(folder / "y.tmp", folder / "y.json")
    assert seen.changed("a") == {"x.json", "y.tmp", "y.json"}
    assert seen.changed("a") == set()
    assert seen.changed("b") is None  # b had not looked yet
    (folder / "x.json").unlink()
    assert seen.changed("b") == {"x.json"} and seen.changed("a") == {"x.json"}
    os.rename(folder, tmp_path / "moved")  # the folder itself gone: names cannot be known from events
    (tmp_path / "moved" / "z.json").write_text("{}")
    assert seen.changed("a") is None and seen.changed("a") is None


def test_what_another_process_writes_is_seen_at_once(tmp_path: Path) -> None:
    """Two stores on one folder (two `govsoc ingest` of one data folder): a checkpoint the other
    saved, replaced or removed is what this one answers at its next look, within the same
    timestamp tick (the listing without a watch waited out RACY_SECONDS for that)."""
    folder = tmp_path / "sources"
    mine, theirs = CheckpointStore(folder), CheckpointStore(folder)
    assert mine._watch is not None  # the watched path is the one tested here
    assert mine.at_path("/var/log/a.log") == [] and mine.all() == []
    theirs.save(Checkpoint(identity="one", fingerprint="f1", fingerprint_bytes=3, path="/var/log/a.log", offset=10))
    assert [(c.identity, c.offset) for c in mine.at_path("/var/log/a.log")] == [("one", 10)]
    theirs.save(Checkpoint(identity="one", fingerprint="f1", fingerprint_bytes=3, path="/var/log/a.log.1",
                           offset=20))  # rotated: its path moved on
    assert mine.at_path("/var/log/a.log") == []
    assert [(c.identity, c.offset) for c in mine.at_path("/var/log/a.log.1")] == [("one", 20)]
    assert [c.identity for c in mine.all()] == ["one"]
    theirs.save(Checkpoint(identity="two", fingerprint="f2", fingerprint_bytes=3, path="/var/log/b.log"))
    assert sorted(mine._fingerprints()[3]) == ["f1", "f2"]
    (folder / "two.json").unlink()
    assert sorted(mine._fingerprints()[3]) == ["f1"] and [c.identity for c in mine.all()] == ["one"]


def test_without_a_watch_the_folder_is_listed_as_before(tmp_path: Path) -> None:
    folder = tmp_path / "sources"
    mine, theirs = CheckpointStore(folder), CheckpointStore(folder)
    mine._watch = None
    theirs.save(Checkpoint(identity="one", fingerprint="f1", fingerprint_bytes=3, path="/var/log/a.log"))
    time.sleep(0.01)
    assert [c.identity for c in mine.at_path("/var/log/a.log")] == ["one"]
    assert list(mine._fingerprints()[3]) == ["f1"]
