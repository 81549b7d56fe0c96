"""The file a checkpoint (collectors.checkpoints) was made for, and where it is now: at the
checkpoint's path, or renamed by a rotation under its log's name or one of the log's rotated names
beside it (logrotate's rename; its own inode, holding what was read of it).

A file that holds the checkpoint's bytes only by content, under one of the log's rotated names,
while the checkpoint's own file is still there, is not that file: a copy of it (logrotate's
``copy``, a copytruncate killed before its truncate), whose lines are read from the file itself
(R11q-9: such a copy took the log's checkpoint after a rename rotation and the log, at app.log.1,
was read again from byte 0). Nor is an older rotated file whose whole content begins a newer one
that also holds them (R11q-7: a copytruncate's stale copy, then the next copytruncate's copy).
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO, Protocol

from govsoc.collectors.files.discover import (
    live_of,
    newer_generations,
    rotated_name_age,
    rotated_siblings,
    rotation_age,
    same_folder,
)
from govsoc.collectors.files.identity import FileView, compressed_copy, copy_extent
from govsoc.collectors.files.read_before import ReadBefore, holds_read
from govsoc.collectors.files.read_past import ReadPosition, read_digest
from govsoc.core.errors import ParseError

__all__ = ["ROTATED_AWAY", "Checkpointed", "log_path", "newer_holding", "own_file", "rotations_home", "still_at_path",
           "still_elsewhere", "the_checkpoints_file", "written_path"]

#: What collectors.follow adds to a checkpoint's path once its file is found neither there nor beside
#: it (a copytruncate's truncate, a move to olddir): the log's name is still the path before it.
ROTATED_AWAY = " (rotated away)"


class Checkpointed(ReadPosition, Protocol):
    """What this module reads of a checkpoint: a collectors.checkpoints.Checkpoint (that module imports this one)."""

    @property
    def path(self) -> str: ...
    @property
    def device(self) -> int: ...
    @property
    def inode(self) -> int: ...
    @property
    def lived_device(self) -> int: ...
    @property
    def lived_inode(self) -> int: ...
    @property
    def fingerprint(self) -> str: ...
    @property
    def fingerprint_bytes(self) -> int: ...


@contextlib.contextmanager
def still_at_path(checkpoint: Checkpointed, path: Path | None = None) -> Iterator[BinaryIO | None]:
    """The file a checkpoint was made for, opened (once) at the checkpoint's path while it is still
    there: the same device and inode, the checkpoint's first bytes, not truncated below its
    position nor written again before it (copytruncate, then the same first bytes: R11 F1); else
    None. At ``path`` instead, when given."""
    try:
        original = open(path or checkpoint.path, "rb")  # noqa: SIM115 (closed below, after the yield)
    except OSError:
        yield None
        return
    with original:
        try:
            there = the_checkpoints_file(checkpoint, original)
        except OSError:
            there = False
        yield original if there else None


def the_checkpoints_file(checkpoint: Checkpointed, original: BinaryIO) -> bool:
    """Whether ``original`` is the file a checkpoint was made for, holding what was read of it."""
    st = os.fstat(original.fileno())
    if (st.st_dev, st.st_ino) != (checkpoint.device, checkpoint.inode):
        return False
    return holds_read(original.fileno(), checkpoint, size=st.st_size)


def log_path(checkpoint: Checkpointed) -> Path:
    """The log whose rotations the checkpoint's file is among: its path's live name (app.log for a
    file last read at app.log.1), or that path itself."""
    path = Path(checkpoint.path)
    return live_of(path) or path


def left_where_read(checkpoint: Checkpointed, view: FileView) -> bool:
    """Whether ``view`` shows a file under one of the rotated names of the checkpoint's log while what
    was read is no longer held under the log's live name: the file read there (the checkpoint's lived
    device and inode) truncated in place, as logrotate's copytruncate does, or gone from that name since
    (the log deleted after its truncate, or created anew: RR11ap-1/-2, 300 lines twice otherwise).

    Only then is a file shorter than the checkpoint's position, holding the bytes before one of its
    earlier positions, that content's copy (collectors.files.read_past). A file of another log's names
    is not, nor one while the file read still holds the content at the log's name: two logs of one
    service opening with the same banner were taken for each other's copies round after round (F11w's
    lr_rounds.py, 492 lines: 205 stored with create, 164 with copytruncate after 8cb620be, 452 before).
    The bytes before the position are those read: a checkpoint at a compressed copy keeps them in ``kept``
    (read_past.read_digest), not as ``tail``; with the first bytes alone a log truncated and written again
    with its banner past the position was taken for still holding what was read (F11ag)."""
    written = written_path(checkpoint)
    live = live_of(written) or written
    if rotations_home(live, view.path) is None:
        return False
    try:
        with open(live, "rb") as handle:
            st = os.fstat(handle.fileno())
            if (st.st_dev, st.st_ino) != (checkpoint.lived_device, checkpoint.lived_inode):
                return True  # the log's file gone from its name since (deleted, or created anew)
            read = ReadBefore(fingerprint=checkpoint.fingerprint, fingerprint_bytes=checkpoint.fingerprint_bytes,
                              offset=checkpoint.offset,
                              tail=read_digest(checkpoint.tail, checkpoint.kept, checkpoint.offset))
            return not holds_read(handle.fileno(), read, size=st.st_size, unreadable=False)
    except FileNotFoundError:
        return True
    except OSError:
        return False


def written_path(checkpoint: Checkpointed) -> Path:
    """The path the checkpoint's file was last read at, without collectors.follow's "(rotated away)"."""
    return Path(checkpoint.path.removesuffix(ROTATED_AWAY))


def rotations_home(log: Path, rotated: Path) -> Path | None:
    """The live path ``rotated`` is a rotation of, for the log at ``log`` (by names: discover's
    rotated_name_age): ``log`` when ``rotated`` is beside it under one of its rotated names; the
    log's name in ``rotated``'s folder when that folder may be the log's ``olddir``; else None.

    The rule for another folder (R11r-5): a rotated name there belongs first to the log of that
    name in its own folder. A folder holding a file of the log's own name has its own log, whose
    rotations those are (another host's folder in a collection tree: logs/nodeB/app.log.1 beside
    logs/nodeB/app.log is nodeB's, even when its first KB is nodeA's app.log's); logrotate moves a
    log's rotations into its olddir, never the live log, so only a folder without one may be the
    log's olddir (R11q-2: its copies there are the log's). Nothing else on disk names the olddir of
    a copy or copytruncate, whose log's inode never moves there. Only a regular file other than the
    log is a log of that folder: a link there (old/app.log -> ../app.log, dangling or not) is none,
    or every copy in the olddir was read whole again (R11s-5: 240 stored of 75)."""
    if rotation_age(log, rotated) is not None:
        return log
    if rotated_name_age(log.name, rotated.name) is None or same_folder(log.parent, rotated.parent):
        return None
    home = rotated.parent / log.name
    return None if _another_log(home, log) else home


def _another_log(home: Path, log: Path) -> bool:
    """Whether ``home`` is a regular file (not a link) and not the file at ``log``."""
    try:
        held = os.lstat(home)
    except OSError:
        return False
    if not stat.S_ISREG(held.st_mode):
        return False
    try:
        live = os.stat(log)
    except OSError:
        return True
    return (held.st_dev, held.st_ino) != (live.st_dev, live.st_ino)


@contextlib.contextmanager
def own_file(checkpoint: Checkpointed) -> Iterator[BinaryIO | None]:
    """:func:`still_at_path`, or else the same file (device and inode) renamed under its log's
    name or one of the log's rotated names beside it, while it holds what was read of it; else None.
    A look at the folder only when the file is no longer at its path."""
    with still_at_path(checkpoint) as original:
        if original is not None:
            yield original
            return
    moved = _renamed(checkpoint)
    if moved is None:
        yield None
        return
    with still_at_path(checkpoint, moved) as original:
        yield original


def _renamed(checkpoint: Checkpointed) -> Path | None:
    """Where, under its log's name or a rotated one beside it, the checkpoint's inode is now."""
    log = log_path(checkpoint)
    for path in (log, *rotated_siblings(log)):
        if str(path) == checkpoint.path or (path != log and rotation_age(log, path) is None):
            continue
        if _holds_inode(path, checkpoint):
            return path
    return None


def still_elsewhere(checkpoint: Checkpointed, view: FileView, a_log_read: Callable[[Path], bool]) -> bool:
    """Whether the file a checkpoint was made for is still there, as another file than ``view``.
    ``a_log_read`` tells whether a log (a live path) is one whose files this run's checkpoints are of.

    Then ``view`` only shares its first bytes (a short file whose whole content is the start of
    another, logs of one format with the same header lines) and is a file of its own: taking it
    for the same file would skip its first lines as "already read". A renamed file keeps its
    inode and a compressed copy outlives its original, so rotation still matches.
    """
    if (checkpoint.device, checkpoint.inode) == (view.device, view.inode):
        return False
    if _back_at_live_name(checkpoint, view):
        return True
    with still_at_path(checkpoint) as original:
        if original is not None:
            # under one of the log's rotated names while the log is still at its path: not the log,
            # compressed or not (a copy of it: collectors.copies; R11o-5, auth.log.2.gz of a copy took
            # the log's checkpoint and the log was read again whole)
            if rotation_age(Path(checkpoint.path), view.path) is not None:
                return True
            # under another log's rotated names (app2.log.1.gz, app1.log's file still at app1.log): that log's
            # file, whatever first bytes they share (RRR11ba-3: rotated while stopped, app2's newest copy took
            # app1.log's checkpoint read to their banner's end, 20 lines lost, 20 twice, nothing said); only
            # when that log is one read (a checkpoint of it): a copy made by hand or a backup job under a name
            # of no log read (app-archive.log.1.gz, app.log.old.1.gz) is still a copy (RRR11be-3: read again
            # whole, 25 lines twice); its path, not its name: a/app.log and b/app.log are two logs (RRR11bf-1:
            # b's copy took a's checkpoint, 20 lost, 20 twice)
            home = live_of(view.path)
            if home is not None and home != log_path(checkpoint) and a_log_read(home):
                return True
            # logrotate's compress (and gzip -k) leaves both for a while: a copy is the same file (R11 F8)
            try:
                return not (view.compressed and compressed_copy(view, original, checkpoint.offset))
            except OSError:
                return False
    # renamed by a rotation and still holding what was read: a file under another of the log's
    # rotated names is a copy of it, not it (R11q-9, K5: a copy marked while the log was read short of
    # its end took the log's checkpoint; the log, at app.log.1, was read again from byte 0)
    # (not own_file: it would open the path again, just found not to hold the file)
    if rotation_age(log_path(checkpoint), view.path) is None or (moved := _renamed(checkpoint)) is None:
        return False
    with still_at_path(checkpoint, moved) as original:
        return original is not None


def _back_at_live_name(checkpoint: Checkpointed, view: FileView) -> bool:
    """Whether ``view``, another inode than the checkpoint's, is at the live name of the log whose
    rotated file (app.log.3, old/app.log.3, app.log.2.gz) the checkpoint was last read as. A rotation
    moves a log's file to a rotated name, never back to the log's name under another inode (a move
    back keeps the inode): such a file is a new log, read from its start. Its first bytes are those
    of the old generation when the service writes its start banner again; it took the checkpoint of
    a generation deleted by ``rotate N`` or compressed since, and its banner was never stored
    (R11u-2: 308 of 328 lines with ``rotate 3``; R11w-3 with ``olddir``; 56 of 76 with ``compress``).
    Said only on evidence: the checkpoint's file was read as the log under another inode than
    ``view``'s (Checkpoint.lived_inode), or its inode is nowhere beside the log (or in its olddir)
    any more. A generation never read as the log (a compressed copy of logrotate's ``copy``, read
    first in a run) may be the beginning of the log it copies, which then goes on from it."""
    written = written_path(checkpoint)
    live = live_of(written)
    if live is None or live_of(view.path) is not None or view.path.name != live.name:
        return False
    if checkpoint.lived_inode and (checkpoint.lived_device, checkpoint.lived_inode) != (view.device, view.inode):
        return True  # read as the log itself under another inode, then moved (and compressed) away
    # else only once the generation's own inode is gone (deleted by ``rotate N``): a compressed copy
    # that logrotate's ``copy`` made, read first in a run, is the beginning of the log it copies
    return not any(_holds_inode(path, checkpoint) for path in (written, live, *rotated_siblings(live)))


def _holds_inode(path: Path, checkpoint: Checkpointed) -> bool:
    """Whether ``path`` is the checkpoint's device and inode."""
    try:
        st = os.stat(path)
    except OSError:
        return False
    return (st.st_dev, st.st_ino) == (checkpoint.device, checkpoint.inode)


def newer_holding(checkpoint: Checkpointed, view: FileView) -> tuple[int, str | None] | None:
    """When ``view`` (a file matched to ``checkpoint`` by content, not by inode) is under one of the
    log's rotated names and a newer one, another file holding what was read of the checkpoint's
    file too, begins with all of ``view``'s content: that content's length and last bytes' digest
    (identity.copy_extent); else None. ``view`` is then a stale copy: a copytruncate killed after
    its copy, and the next one's copy of the same log, holding all it holds and more (R11q-7).
    Beside the log or in its olddir, the newer ones there (rotations_home; R11r-4: a stale copy in
    old/ was read whole, 50 of 110 lines twice)."""
    written = written_path(checkpoint)
    home = rotations_home(live_of(written) or written, view.path)
    if home is None:
        return None
    for newer in reversed(newer_generations(home, view.path)):
        try:
            with open(newer, "rb") as other:
                st = os.fstat(other.fileno())
                if (st.st_dev, st.st_ino) == (view.device, view.inode) or not holds_read(other.fileno(), checkpoint,
                                                                                        size=st.st_size):
                    continue
                extent = copy_extent(view, other)
        except (OSError, ParseError):
            continue
        if extent is not None:
            return extent
    return None
