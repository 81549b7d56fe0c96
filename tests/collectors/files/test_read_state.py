"""collectors.files.read_state: a compressed file's stored state is kept only when a read went through its very
bytes to their end, and only when its change time is older than the look by more than RACY_NS (git's "racy
clean": a same-size rewrite within a coarse clock's tick leaves every time as it was, R53d-1); what read_past
keeps of a decompression likewise (R54a-2). Real files; a look's time is set to stand for a look made seconds
after the file's last change (a change time cannot be set back), or RACY_NS is set below zero where a whole
run must find the files settled."""

from __future__ import annotations

import dataclasses
import gzip
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from govsoc.collectors import IngestOptions, Pipeline
from govsoc.collectors.files import read_past, read_state, settled
from govsoc.collectors.files.identity import FileView, look
from govsoc.collectors.files.read_state import (
    READ_STATE,
    state_holds,
    told_whole,
    with_read_state,
    with_told_state,
)
from govsoc.collectors.files.settled import RACY_NS
from govsoc.store.sqlite import SqliteStore
from tests.collectors.test_rotation_last_member import BGZF_EOF, bgzf, member, sshd
from tests.collectors.test_rotation_trailer import _counting, settled_at_once

CONTENT = b"".join(b"Dec 10 07:00:%02d web1 sshd[%05d]: Failed password for u%05d\n" % (k % 60, k, k)
                   for k in range(200))


def _looked(path: Path, seconds_after_change: float) -> FileView:
    """look() of ``path``, as made ``seconds_after_change`` after its last change."""
    view = look(path)
    assert view.raw is not None
    return dataclasses.replace(view, raw=view.raw._replace(seen_ns=view.raw.ctime_ns + int(seconds_after_change * 1e9)))


@contextmanager
def _stored(path: Path) -> Iterator[int]:
    with path.open("rb") as stream:
        yield stream.fileno()


def _gz(tmp_path: Path) -> Path:
    path = tmp_path / "app.log.1.gz"
    path.write_bytes(gzip.compress(CONTENT, mtime=0))
    return path


def _kept(kept: dict[str, object] | None, view: FileView, fd: int, stored_read: int, position: int, *,
          end: int = len(CONTENT), whole: bool = True) -> dict[str, object] | None:
    return with_read_state(kept, view, fd=fd, stored_read=stored_read, position=position, end=end, whole=whole)


def test_a_state_is_kept_for_a_read_through_the_stored_bytes_to_their_end(tmp_path: Path) -> None:
    path = _gz(tmp_path)
    view, size, end = _looked(path, 3), path.stat().st_size, len(CONTENT)
    with _stored(path) as fd:
        kept = _kept({"crc": [end, 1]}, view, fd, size, end)
    assert kept is not None and kept["crc"] == [end, 1] and READ_STATE in kept  # the other keys kept
    assert state_holds(kept, view, end)
    assert not state_holds(kept, view, end - 1)  # another position read to: not that read
    assert not state_holds(None, view, end)
    assert not state_holds({READ_STATE: "damaged"}, view, end)


def test_no_state_for_a_read_short_of_either_end(tmp_path: Path) -> None:
    """Not through every stored byte (a member appended while the read went on), content left after the
    position (an unterminated last line waiting), or stopped by a read error or damage (a cut-short file):
    the next look reads the file."""
    path = _gz(tmp_path)
    view, size, end = _looked(path, 3), path.stat().st_size, len(CONTENT)
    with _stored(path) as fd:
        assert _kept(None, view, fd, size - 1, end) is None  # nor its end (READ_END)
        assert _kept(None, view, fd, size, end - 10) is None  # nor its end (READ_END)
        assert _kept(None, view, fd, size, end, whole=False) is None  # nor its end (READ_END)
        kept = _kept(None, view, fd, size, end)
        # a read that ends short drops the state an earlier read kept
        assert _kept(kept, view, fd, size, end - 10) == {}


def test_no_state_when_the_file_changed_after_the_look(tmp_path: Path) -> None:
    """A member appended between the look and the read's end: the fstat after the read is not the look's."""
    path = _gz(tmp_path)
    view, end = _looked(path, 3), len(CONTENT)
    with path.open("ab") as out:
        out.write(gzip.compress(b"more\n", mtime=0))
    size = path.stat().st_size
    with _stored(path) as fd:
        assert READ_STATE not in (_kept(None, view, fd, size, end) or {})
    assert view.raw is not None
    kept = {READ_STATE: [view.device, view.inode, *view.raw[:3], end, "0" * 64]}
    assert state_holds(kept, view, end) and not state_holds(kept, look(path), end)  # not after the append


def test_no_state_when_the_file_was_rewritten_after_the_look_to_the_same_size(tmp_path: Path) -> None:
    """The same stored size read through, but the file is not the one looked at: its change time tells."""
    path = _gz(tmp_path)
    view, size, end = _looked(path, 3), path.stat().st_size, len(CONTENT)
    other = bytearray(path.read_bytes())
    other[-9] ^= 1  # a byte of the CRC-32: the same size
    with path.open("r+b") as out:
        out.write(other)
    with _stored(path) as fd:
        assert READ_STATE not in (_kept(None, view, fd, size, end) or {})


def test_no_state_for_a_change_too_recent_to_tell(tmp_path: Path) -> None:
    """Changed within RACY_NS of the look: a same-size rewrite in the same tick would leave size and times as
    they are, so nothing is kept (the next look decompresses and keeps it then)."""
    path = _gz(tmp_path)
    size, end = path.stat().st_size, len(CONTENT)
    with _stored(path) as fd:
        assert READ_STATE not in (_kept(None, _looked(path, RACY_NS / 1e9 - 0.5), fd, size, end) or {})
        assert READ_STATE not in (_kept(None, _looked(path, RACY_NS / 1e9), fd, size, end) or {})
        assert _kept(None, _looked(path, RACY_NS / 1e9 + 0.5), fd, size, end) is not None


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
    for k in range(settled.KEPT + 10):
        told_whole(_looked(path, 10 + k), k)
    assert len(read_state._TOLD) == settled.KEPT
    assert state_holds(None, _looked(path, 10 + settled.KEPT + 9), settled.KEPT + 9)
    assert not state_holds(None, _looked(path, 10), 0)  # the oldest dropped


def test_a_decompression_of_a_file_changed_too_recently_is_not_kept(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """R54a-2: on a file system of whole seconds a same-size rewrite in the file's own second keeps its size,
    times and (forged) trailer: a one-member verdict or digests kept from before it were served again, and the
    copy taken for a read whole. Kept only when the file was settled at the decompression."""
    path = _gz(tmp_path)
    end, offsets = len(CONTENT), frozenset({len(CONTENT)})
    read_past._VERDICTS.clear()
    read_past._TAILS.clear()
    assert read_past.one_member_tails(look(path), offsets, end) is not None
    assert read_past.content_tails(look(path), set(offsets))
    assert not read_past._VERDICTS and not read_past._TAILS  # just written: decompressed again at the next look
    settled_at_once(monkeypatch)
    assert read_past.one_member_tails(look(path), offsets, end) is not None
    assert read_past.content_tails(look(path), set(offsets))
    assert len(read_past._VERDICTS) == 1 and len(read_past._TAILS) == 1


@pytest.mark.parametrize("made", [bgzf, lambda lines: member(lines[:300]) + member(lines[300:]),
                                  lambda lines: member(lines) + gzip.compress(b"", mtime=0)],
                         ids=["bgzf", "two members", "empty last member"])
def test_an_unchanged_file_of_several_members_is_not_decompressed_again(
        tmp_path: Path, sqlite_store: SqliteStore, monkeypatch: pytest.MonkeyPatch, made: object) -> None:
    """R54a-1: a file whose last member is shorter than the read (every BGZF file, whose last member is the empty
    end-of-file block; `cat a.gz b.gz`) was inflated at every look, its state kept but never asked before the
    content was (checkpoint_match.consistent_with). Read once, settled: the next looks decompress nothing of it."""
    settled_at_once(monkeypatch)
    path = tmp_path / "app.log.1.gz"
    lines = sshd(0, 2_000)
    path.write_bytes(made(lines))  # type: ignore[operator]
    assert path.read_bytes().endswith(BGZF_EOF) or made is not bgzf
    pipeline = Pipeline(sqlite_store, data_dir=tmp_path / "state")
    assert pipeline.ingest_file(path, IngestOptions()).events == len(lines)
    counted = _counting(monkeypatch)
    for _ in range(2):
        again = pipeline.ingest_file(path, IngestOptions())
        assert again.unchanged and again.events == 0
    assert counted[0] <= 2 * 16_384, counted  # at most the looks' heads (identity.SNIFF_BYTES a look)


def test_a_file_renamed_since_its_read_is_told_by_its_stored_bytes(tmp_path: Path) -> None:
    """R54a-3: a rename (each rotation's shift: app.log.1.gz to app.log.2.gz) sets the change time: the state's
    digest of the stored bytes tells the file unchanged, without inflating it. Rewritten to the same size with
    its modification time put back, the change time moved too, but the digest tells it apart."""
    path = _gz(tmp_path)
    view, size, end = _looked(path, 3), path.stat().st_size, len(CONTENT)
    with _stored(path) as fd:
        kept = _kept(None, view, fd, size, end)
    assert kept is not None
    shifted = path.with_name("app.log.2.gz")
    path.rename(shifted)
    renamed = _looked(shifted, 3)
    assert renamed.raw is not None and view.raw is not None and renamed.raw.ctime_ns != view.raw.ctime_ns
    assert state_holds(kept, renamed, end)
    assert not state_holds(kept, renamed, end - 1)
    assert with_told_state(kept, renamed, end) == {**kept, READ_STATE: [
        *kept[READ_STATE][:4], renamed.raw.ctime_ns, *kept[READ_STATE][5:]]}  # type: ignore[index]
    before, other = shifted.stat(), bytearray(shifted.read_bytes())
    other[-9] ^= 1
    with shifted.open("r+b") as out:
        out.write(other)
    os.utime(shifted, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert not state_holds(kept, _looked(shifted, 3), end)


def test_a_rotation_that_renames_each_generation_inflates_none(tmp_path: Path, sqlite_store: SqliteStore,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """R54a-3, whole runs: read, each .gz shifted one name on, read again: none decompressed, nothing twice; each
    generation's stored bytes hashed once (R54b-1: 7 to 11 times a file), its new state kept (a later process
    hashes nothing), and hashed once again at the next shift."""
    settled_at_once(monkeypatch)
    for n in (1, 2, 3):
        (tmp_path / f"app.log.{n}.gz").write_bytes(member(sshd(n * 1_000, 1_000)))
    pipeline = Pipeline(sqlite_store, data_dir=tmp_path / "state")
    assert sum(pipeline.ingest_file(tmp_path / f"app.log.{n}.gz", IngestOptions()).events for n in (1, 2, 3)) == 3_000
    hashes: list[int] = []
    hashed = read_state.hashed
    monkeypatch.setattr(read_state, "hashed", lambda fd, size: hashes.append(size) or hashed(fd, size))
    counted = _counting(monkeypatch)
    for shift in (1, 2):
        for n in (3, 2, 1):
            (tmp_path / f"app.log.{n + shift - 1}.gz").rename(tmp_path / f"app.log.{n + shift}.gz")
        hashes.clear()
        for _process in range(2):  # a later process: no digest, no verdict of this one
            read_state._DIGESTS.clear()
            read_state._TOLD.clear()
            pipeline = Pipeline(sqlite_store, data_dir=tmp_path / "state")
            again = [pipeline.ingest_file(tmp_path / f"app.log.{n + shift}.gz", IngestOptions()) for n in (1, 2, 3)]
            assert all(summary.unchanged and summary.events == 0 for summary in again), again
        assert len(hashes) == 3, hashes  # once a generation, by the first process
    assert counted[0] <= 2 * 2 * 3 * 8_192, counted  # the looks' heads only


def test_a_file_rewritten_while_its_stored_bytes_are_hashed_keeps_no_state(tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """R54b-2: rewritten to the same size, its modification time put back, while the digest is taken: the digest
    is of other bytes than the read's, and only the change time tells (an fstat after the hash)."""
    path = _gz(tmp_path)
    view, size, end = _looked(path, 3), path.stat().st_size, len(CONTENT)
    hashed = read_state.hashed

    def rewritten_first(fd: int, length: int) -> str | None:
        before, other = path.stat(), bytearray(path.read_bytes())
        other[-9] ^= 1
        with path.open("r+b") as out:
            out.write(other)
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
        return hashed(fd, length)

    monkeypatch.setattr(read_state, "hashed", rewritten_first)
    with _stored(path) as fd:
        assert READ_STATE not in (_kept(None, view, fd, size, end) or {})


def test_a_read_through_both_ends_is_kept_as_such_even_when_too_recent_to_keep_a_state(tmp_path: Path) -> None:
    """READ_END says the read was whole then (a deleted generation is not said lost, R54c-1), kept whatever the
    file's age; it names its position: a read that ended elsewhere since is not that read (R54c-2)."""
    path = _gz(tmp_path)
    size, end = path.stat().st_size, len(CONTENT)
    with _stored(path) as fd:
        recent = _kept(None, _looked(path, 1), fd, size, end)
        short = _kept(recent, _looked(path, 1), fd, size, end - 10)
    assert recent == {read_state.READ_END: end}
    assert read_state.read_whole_as_stored(recent, end)
    assert not read_state.read_whole_as_stored(recent, end - 10) and not read_state.read_whole_as_stored(None, end)
    assert short == {} and not read_state.read_whole_as_stored(short, end - 10)
