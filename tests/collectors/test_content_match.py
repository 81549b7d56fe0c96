"""The choice among checkpoints a rotated copy is consistent with, by the content digests each read kept
(CheckpointStore._by_content, issue 11): one test per rule, each failing when the rule is taken out
(R11ba's mutants M2, M3, M4, M9, M10: every rotation test passed without them, RRR11ba-4).

The digests are those the reader keeps (identity.TAIL_BYTES content bytes before a position, fingerprint),
computed here from the file's bytes by that definition; the checkpoints are built by hand, as a read at
those positions would have left them (a pure-logic seam: the rotation tests drive the same code end to end)."""

from __future__ import annotations

import gzip
from pathlib import Path

from govsoc.collectors.checkpoints import Checkpoint, CheckpointStore
from govsoc.collectors.files.identity import TAIL_BYTES, fingerprint, look
from govsoc.collectors.files.read_past import CONTENT_TAIL, EARLIER

BANNER = b"".join(b"service starting: module %02d of 20 loaded with default options\n" % i for i in range(20))
APP1 = BANNER + b"app1 request 1 handled from 10.0.0.1 in 12 ms, status 200, bytes 5120\n" + BANNER
APP2 = BANNER + b"app2 request 1 handled from 10.0.0.2 in 13 ms, status 404, bytes 5121\n" + BANNER
BANNER_END = len(BANNER)


def digest(content: bytes, offset: int) -> str:
    """What a read of ``content`` keeps at ``offset``: the fingerprint of the TAIL_BYTES bytes before it."""
    return fingerprint(content[max(0, offset - TAIL_BYTES):offset])


def read(content: bytes, offset: int, *, name: str, earlier: tuple[int, ...] = (), at_end: bool = True,
         updated: str = "1") -> Checkpoint:
    """The checkpoint a read of ``content`` (log ``name``) left at ``offset``, with its earlier positions;
    ``at_end`` False: the digest at its position not known (a compressed copy's read keeping none)."""
    kept = {EARLIER: [[position, digest(content, position)] for position in earlier]} if earlier else None
    return Checkpoint(identity=f"{name}-{offset}", fingerprint=fingerprint(content[:64]), fingerprint_bytes=64,
                      path=f"/var/log/{name}.log", offset=offset, tail=digest(content, offset) if at_end else None,
                      kept=kept, updated=updated)


def store(tmp_path: Path, notes: list[str] | None = None) -> CheckpointStore:
    return CheckpointStore(tmp_path / "state", notice=(notes if notes is not None else []).append)


def copy_of(tmp_path: Path, content: bytes, name: str = "app1.log.1") -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def test_the_checkpoint_whose_digest_the_content_shows_deepest_wins(tmp_path: Path) -> None:
    """app1's read passed its request; app2's stopped at its banner's end, where every log of the service is
    alike, with two digests held there (its first position and one before it). app1.log.1 holds what app1's
    read saw at its end: app1's, though app2's holds more digests (M2: without the depth rule app2's took it,
    F11ag: app2's checkpoint read to its banner's end took app1's copy, its lines lost)."""
    app1 = read(APP1, len(APP1), name="app1")
    app2 = read(APP2, BANNER_END, name="app2", earlier=(BANNER_END // 2,), updated="2")
    view = look(copy_of(tmp_path, APP1))
    checkpoints = store(tmp_path)
    assert [c.identity for c in checkpoints._by_content([app1, app2], view)] == [app1.identity]
    assert checkpoints.ambiguous == 0


def test_of_checkpoints_alike_in_depth_the_one_with_more_digests_held_wins(tmp_path: Path) -> None:
    """Both reads end at the same position with the same last bytes (a banner); app1's kept an earlier position
    inside its own request, which the copy holds; app2's kept none. app1's, not a tie read as ambiguous (M3:
    without the count, the newer, app2's, was taken as the tie's newest and app1's lines read again)."""
    app1 = read(APP1, len(APP1), name="app1", earlier=(BANNER_END + 40,))
    app2 = read(APP2, len(APP2), name="app2", updated="2")
    assert len(APP1) == len(APP2) and app1.tail == app2.tail  # the copies end alike: the position tells nothing
    notes: list[str] = []
    checkpoints = store(tmp_path, notes)
    view = look(copy_of(tmp_path, APP1))
    assert [c.identity for c in checkpoints._by_content([app1, app2], view)] == [app1.identity]
    assert (checkpoints.ambiguous, notes) == (0, [])


def test_a_tie_takes_the_one_read_the_least(tmp_path: Path) -> None:
    """Two reads the copy shows alike (the same deepest digest held, none contradicted): app1's ended at the
    banner's end, app2's went past the copy's end (no digest known there). The evidence cannot tell: the one
    read the least is taken, so the copy's lines past it are read again rather than lost (M4, taking the one
    read the most, lost the request and the second banner)."""
    app1 = read(APP1, BANNER_END, name="app1")
    app2 = read(APP1, len(APP1) + 100, name="app2", earlier=(BANNER_END,), at_end=False, updated="2")
    notes: list[str] = []
    checkpoints = store(tmp_path, notes)
    view = look(copy_of(tmp_path, APP1))
    assert [c.identity for c in checkpoints._by_content([app1, app2], view)] == [app1.identity]
    assert checkpoints.ambiguous == 1 and len(notes) == 1, notes


def test_a_lone_plain_candidate_the_content_contradicts_is_not_taken(tmp_path: Path) -> None:
    """One checkpoint, its first bytes and the bytes before its position the copy's (banner ends alike), but an
    earlier digest, inside its request, that the copy contradicts: a new copy made under a freed inode
    (delaycompress) is not that read's, read whole rather than skipped (M9: the content compared only when
    several checkpoints are consistent took it, F11ag: 80 lines lost)."""
    app2 = read(APP2, len(APP2), name="app2", earlier=(BANNER_END + 40,))
    checkpoints = store(tmp_path)
    checkpoints.save(app2)
    assert checkpoints.match(look(copy_of(tmp_path, APP1))) is None
    checkpoints.save(read(APP1, len(APP1), name="app1", earlier=(BANNER_END + 40,)))
    assert checkpoints.match(look(copy_of(tmp_path, APP1, "app1.log.2"))) is not None  # its own read: taken


def test_a_lone_compressed_candidate_the_content_contradicts_is_not_taken(tmp_path: Path) -> None:
    """As above for a gzip copy, whose content a look does not compare at the position (its length only):
    the one decompression of a new copy tells it is not that read's (M10)."""
    app2 = read(APP2, len(APP2), name="app2", earlier=(BANNER_END + 40,), at_end=False)
    app2 = Checkpoint(**{**app2.to_json(), "kept": {**(app2.kept or {}),
                                                    CONTENT_TAIL: [len(APP2), digest(APP2, len(APP2))]}})
    checkpoints = store(tmp_path)
    checkpoints.save(app2)
    path = tmp_path / "app1.log.1.gz"
    path.write_bytes(gzip.compress(APP1))
    assert checkpoints.match(look(path)) is None
