"""collectors.files.read_state: a compressed file's stored state is kept only when a read went through its very
bytes to their end, and only when its change time is older than the look by more than RACY_NS (git's "racy
clean": a same-size rewrite within a coarse clock's tick leaves every time as it was, R53d-1). Real files; the
look's time is set to stand for a look made seconds after the file's last change (a change time cannot be set)."""

from __future__ import annotations

import dataclasses
import gzip
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from govsoc.collectors.files import read_state
from govsoc.collectors.files.identity import FileView, look
from govsoc.collectors.files.read_state import (
    RACY_NS,
    READ_STATE,
    state_holds,
    told_whole,
    with_read_state,
    with_told_state,
)

CONTENT = b"".join(b"Dec 10 07:00:%02d web1 sshd[%05d]: Failed password for u%05d\n" % (k % 60, k, k)
                   for k in range(200))


def _looked(path: Path, seconds_after_change: float) -> FileView:
    """look() of ``path``, as made ``seconds_after_change`` after its last change."""
    view = look(path)
    assert view.raw is not None
    size, mtime_ns, ctime_ns, _ = view.raw
    return dataclasses.replace(view, raw=(size, mtime_ns, ctime_ns, ctime_ns + int(seconds_after_change * 1e9)))


@contextmanager
def _stored(path: Path) -> Iterator[int]:
    with path.open("rb") as stream:
        yield stream.fileno()


def _gz(tmp_path: Path) -> Path:
    path = tmp_path / "app.log.1.gz"
    path.write_bytes(gzip.compress(CONTENT, mtime=0))
    return path


def test_a_state_is_kept_for_a_read_through_the_stored_bytes_to_their_end(tmp_path: Path) -> None:
    path = _gz(tmp_path)
    view, size, end = _looked(path, 3), path.stat().st_size, len(CONTENT)
    with _stored(path) as fd:
        kept = with_read_state({"crc": [end, 1]}, view, fd, size, end, end)
    assert kept is not None and kept["crc"] == [end, 1] and READ_STATE in kept  # the other keys kept
    assert state_holds(kept, view, end)
    assert not state_holds(kept, view, end - 1)  # another position read to: not that read
    assert not state_holds(None, view, end)
    assert not state_holds({READ_STATE: "damaged"}, view, end)


def test_no_state_for_a_read_short_of_either_end(tmp_path: Path) -> None:
    """Not through every stored byte (a member appended while the read went on), or content left after the
    position (an unterminated last line waiting): the next look reads the file."""
    path = _gz(tmp_path)
    view, size, end = _looked(path, 3), path.stat().st_size, len(CONTENT)
    with _stored(path) as fd:
        assert with_read_state(None, view, fd, size - 1, end, end) is None
        assert with_read_state(None, view, fd, size, end - 10, end) is None
        kept = with_read_state(None, view, fd, size, end, end)
        # a read that ends short drops the state an earlier read kept
        assert with_read_state(kept, view, fd, size, end - 10, end) == {}


def test_no_state_when_the_file_changed_after_the_look(tmp_path: Path) -> None:
    """A member appended between the look and the read's end: the fstat after the read is not the look's."""
    path = _gz(tmp_path)
    view, end = _looked(path, 3), len(CONTENT)
    with path.open("ab") as out:
        out.write(gzip.compress(b"more\n", mtime=0))
    size = path.stat().st_size
    with _stored(path) as fd:
        assert with_read_state(None, view, fd, size, end, end) is None
    kept = {READ_STATE: [view.device, view.inode, *view.raw[:3], end]} if view.raw else None
    assert not state_holds(kept, look(path), end)  # the state of before the append does not hold after it


def test_no_state_when_the_file_was_rewritten_after_the_look_to_the_same_size(tmp_path: Path) -> None:
    """The same stored size read through, but the file is not the one looked at: its change time tells."""
    path = _gz(tmp_path)
    view, size, end = _looked(path, 3), path.stat().st_size, len(CONTENT)
    other = bytearray(path.read_bytes())
    other[-9] ^= 1  # a byte of the CRC-32: the same size
    with path.open("r+b") as out:
        out.write(other)
    with _stored(path) as fd:
        assert with_read_state(None, view, fd, size, end, end) is None


def test_no_state_for_a_change_too_recent_to_tell(tmp_path: Path) -> None:
    """Changed within RACY_NS of the look: a same-size rewrite in the same tick would leave size and times as
    they are, so nothing is kept (the next look decompresses and keeps it then)."""
    path = _gz(tmp_path)
    size, end = path.stat().st_size, len(CONTENT)
    with _stored(path) as fd:
        assert with_read_state(None, _looked(path, RACY_NS / 1e9 - 0.5), fd, size, end, end) is None
        assert with_read_state(None, _looked(path, RACY_NS / 1e9), fd, size, end, end) is None
        assert with_read_state(None, _looked(path, RACY_NS / 1e9 + 0.5), fd, size, end, end) is not None


def test_a_verdict_of_match_holds_for_its_own_look_only(tmp_path: Path) -> None:
    """told_whole: the one-member verdict is this look's: a look made later (the file may have changed in the same
    tick) asks again; its state is kept only when not too recent."""
    path = _gz(tmp_path)
    end = len(CONTENT)
    settled, recent = _looked(path, 3), _looked(path, 1)
    told_whole(settled, end)
    told_whole(recent, end)
    assert state_holds(None, settled, end) and state_holds(None, recent, end)
    assert not state_holds(None, settled, end + 1)
    assert not state_holds(None, _looked(path, 4), end)
    assert with_told_state(None, recent, end) is None
    kept = with_told_state({"earlier": []}, settled, end)
    assert kept is not None and kept["earlier"] == [] and state_holds(kept, _looked(path, 5), end)
    assert with_told_state(None, _looked(path, 6), end) is None  # never told at that look


def test_the_verdicts_kept_are_bounded(tmp_path: Path) -> None:
    path = _gz(tmp_path)
    for k in range(read_state._TOLD_KEPT + 10):
        told_whole(_looked(path, 10 + k), k)
    assert len(read_state._TOLD) == read_state._TOLD_KEPT
    assert state_holds(None, _looked(path, 10 + read_state._TOLD_KEPT + 9), read_state._TOLD_KEPT + 9)
    assert not state_holds(None, _looked(path, 10), 0)  # the oldest dropped
