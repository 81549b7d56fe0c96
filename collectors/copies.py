"""Copies of a log still at its path: logrotate's ``copy`` and ``copytruncate`` (R11o).

logrotate's ``copy`` leaves a copy of the log under one of its rotated names (auth.log.1) and the
log as it is; ``copytruncate`` leaves one until it truncates the log; ``compress`` (at once, or at
the next rotation with ``delaycompress``) turns such a copy into auth.log.1.gz or auth.log.2.gz.
A copy's lines are the log's first lines: they are read from the log, whose checkpoint goes on,
never from the copy, or each would be stored twice (68 events for 56 lines; R11o-5: every line
twice through the compressed copy). After the truncate, a copy holding more than was read from the
log matches the log's checkpoint (collectors.checkpoints) and is read from where the log was.

A file is judged a copy while the log it copies is still at its path, by comparing their bytes.
The judgment is kept as a mark beside the checkpoints (``copies/<log identity>.json``: the copy's
folder, content length and last bytes' digest), written atomically before the copy is passed over:
once the log is truncated (a copytruncate killed between its copy and its truncate, then a normal
rotation) nothing else on disk says the copy's bytes are the log's, and a later run or a restarted
follower read it whole (R11o-1: lines 0-49 stored twice, three times with compress). A file whose
content has a mark's length and last bytes, in the mark's folder, is that copy while the log's
content still agrees: the log at its path holds the same bytes there, or, gone or truncated since,
was read past the copy's end before.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import BinaryIO

from govsoc.collectors.atomic_file import replace_file, sync_folder
from govsoc.collectors.checkpoint_file import (
    newer_holding,
    own_file,
    rotations_home,
    still_at_path,
    the_checkpoints_file,
    written_path,
)
from govsoc.collectors.checkpoints import Checkpoint, CheckpointStore
from govsoc.collectors.files.discover import same_folder
from govsoc.collectors.files.identity import FileView, content_end, copy_extent, read_tail_digest
from govsoc.core.crashpoint import crash_point
from govsoc.core.errors import ParseError

__all__ = ["MARKS_FOLDER", "Compared", "Copies", "CopyMark", "CopyMarks"]

#: The states of one process's judged files kept (a bound, not a cache policy).
_KEPT_STATES = 4096
#: The folder of the marks, inside the checkpoints' folder (not a checkpoint: no ``.json`` there).
MARKS_FOLDER = "copies"
#: Marks kept per log, newest last: logrotate keeps a few copies, each marked at a few sizes
#: (seen half written); an older mark's copy has long been rotated away.
MARKS_PER_LOG = 64
#: The most a log's marks file holds: MARKS_PER_LOG marks of a folder path of PATH_MAX (4,096) bytes,
#: each written as JSON's \u escape of 6 bytes (a path that is not UTF-8); a larger file is damaged
#: and not read (R11q-1: 300 MB read at every run).
MARKS_BYTES = MARKS_PER_LOG * (6 * 4096 + 512)


@dataclass(frozen=True, slots=True, kw_only=True)
class _Judged:
    """What a file in one state was found to be: a copy of the log ``identity`` (its content the
    log's first ``size`` bytes, ending in bytes of digest ``tail``), or not a copy (identity "")."""

    identity: str
    size: int = 0
    tail: str | None = None
    #: found by a mark (saved by an earlier judgment), not by comparing it with the log now
    marked: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class CopyMark:
    """A file judged a copy of a log: the folder it was in, its content's length and the digest
    of its last bytes (identity.read_tail_digest's at that length)."""

    folder: str
    size: int
    tail: str | None


class CopyMarks:
    """The marks of the copies of each log, one JSON file per log identity in ``folder``, each
    replaced atomically (checkpoints.replace_file). Added under the registry lock."""

    def __init__(self, folder: Path, notice: Callable[[str], None]) -> None:
        self.folder = folder
        self.notice = notice
        # by identity: the (inode, mtime, size) its file was parsed at, and its marks
        self._parsed: dict[str, tuple[tuple[int, int, int], list[CopyMark]]] = {}

    def of(self, identity: str) -> list[CopyMark]:
        """The marks of the copies of the log ``identity``; a damaged file is said and holds none."""
        path = self.folder / f"{identity}.json"
        try:
            st = os.stat(path)
        except FileNotFoundError:
            return []
        key = (st.st_ino, st.st_mtime_ns, st.st_size)
        known = self._parsed.get(identity)
        if known is not None and known[0] == key:
            return known[1]
        try:
            marks = _marks(path, st.st_size)
        except (OSError, ValueError, TypeError, KeyError, RecursionError) as e:
            # RecursionError: json's decoder on deep nesting (R11q-1: 100,000 '[' stopped every run)
            self.notice(f"{path}: damaged copy marks ({type(e).__name__}: {str(e)[:200]}): taken as none, "
                        "replaced at the next")
            marks = []
        self._parsed[identity] = (key, marks)
        return marks

    def add(self, identity: str, mark: CopyMark) -> None:
        """Save ``mark`` among the log ``identity``'s (durably, before the copy is passed over)."""
        marks = self.of(identity)
        if mark in marks:
            return
        kept = [*marks, mark][-MARKS_PER_LOG:]
        self.folder.mkdir(exist_ok=True)
        # ASCII: a folder name that is not UTF-8 (surrogateescape) is kept in JSON's \u escapes
        data = json.dumps({"log": identity, "marks": [asdict(m) for m in kept]})
        replace_file(self.folder / f"{identity}.json", data.encode("ascii"), "a copy's mark")
        sync_folder(self.folder)
        self._parsed.pop(identity, None)


def _marks(path: Path, size: int) -> list[CopyMark]:
    """The marks a file holds; ValueError or TypeError when it holds anything else: more than
    MARKS_BYTES, a mark whose size is no whole number from 0 (1e999 stopped every run with
    OverflowError, R11q-1; true, -5) or whose folder or tail is no text."""
    if size > MARKS_BYTES:
        raise ValueError(f"{size} bytes, more than {MARKS_BYTES} marks take")
    marks = []
    for m in json.loads(path.read_bytes().decode("utf-8"))["marks"][:MARKS_PER_LOG]:
        folder, length, tail = m["folder"], m["size"], m["tail"]
        if not isinstance(folder, str) or type(length) is not int or length < 0 or not isinstance(tail, str | None):
            raise TypeError(f"not a mark: {json.dumps(m)[:100]}")
        marks.append(CopyMark(folder=folder, size=length, tail=tail))
    return marks


@dataclass(frozen=True, slots=True, kw_only=True)
class Compared:
    """What comparing a file with the logs it may copy found, outside the registry lock: the
    judgment, and the log it copies kept open (None: found by a mark, or not a copy) so that the
    check under the lock reads it where it was read, without opening it by name again."""

    judged: _Judged
    log: BinaryIO | None = None


class Copies:
    """Tells the copies of a log still at its path from files of their own. The whole comparison
    runs outside the registry lock (:meth:`compared`, R11o-6: ~1 s per 200 MB held it, and every
    other file's registration waited); under it, :meth:`copied` checks the cheap state again."""

    def __init__(self, checkpoints: CheckpointStore) -> None:
        self.checkpoints = checkpoints
        self.marks = CopyMarks(checkpoints.folder / MARKS_FOLDER, checkpoints.notice)
        # by (device, inode, size, mtime): a file is compared whole once per state, not at each poll
        self._judged: dict[tuple[int, int, int | None, float], _Judged] = {}

    def to_compare(self, view: FileView) -> bool:
        """Whether the new file ``view`` may be a copy not judged in its state yet: its first bytes
        are a log's, and it is under one of that log's rotated names or a copy of it was marked in
        its folder. Cheap (no content read): asked under the registry lock."""
        if (not view.compressed and not view.size) or _state(view) in self._judged:
            return False
        return any(_rotated_name_of(c, view) or self._marks_for(c, view) for c in self.checkpoints.candidates(view))

    @contextlib.contextmanager
    def compared(self, view: FileView) -> Iterator[Compared]:
        """Compare ``view`` with the logs it may copy (a read of both, whole), outside the registry
        lock; the log found copied stays open within (each log is opened once)."""
        with contextlib.ExitStack() as stack:
            judged = self._marked(view)
            yield Compared(judged=judged) if judged is not None else self._judge(view, stack)

    def copied(self, view: FileView, compared: Compared | None = None) -> Checkpoint | None:
        """The checkpoint of a log still at its path of which the new file ``view`` shows, under
        one of the log's rotated names (auth.log.1, auth.log-20261203, auth.log.2.gz), is a copy,
        whole or in part, plain or compressed (identity.copy_extent), or which an earlier
        judgment marked (R11o-1); or None. Under the registry lock: with ``compared``, that
        judgment checked again cheaply (None when it no longer holds; the caller matches the file
        again, then asks without it); without, the judgment of the file's state (asked again
        cheaply at each look, R11o-4: the log, changed since, no longer holds the copy's bytes),
        or, none, the file compared here."""
        if not view.compressed and not view.size:
            return None
        judged = compared.judged if compared is not None else self._judged.get(_state(view))
        if judged is not None:
            known = self.checkpoints.get(judged.identity) if judged.identity else None
            if known is None and not judged.identity:
                return self._keep(view, judged)
            if known is not None and _holds_again(known, judged, compared):
                return self._keep(view, judged)
            if compared is not None:
                return None
        with contextlib.ExitStack() as stack:
            return self._keep(view, self._marked(view) or self._judge(view, stack).judged)

    def _keep(self, view: FileView, judged: _Judged) -> Checkpoint | None:
        """Keep the judgment of ``view``'s state (a copy found by comparing it is marked first,
        durably); its log's checkpoint, or None for a file of its own."""
        if judged.identity and not judged.marked:
            crash_point("copy-judged")
            self.marks.add(judged.identity, CopyMark(folder=str(view.path.parent), size=judged.size,
                                                     tail=judged.tail))
            crash_point("copy-marked")
            judged = replace(judged, marked=True)  # the mark holds it from now on
        if len(self._judged) > _KEPT_STATES:
            self._judged.clear()
        self._judged[_state(view)] = judged
        return self.checkpoints.get(judged.identity) if judged.identity else None

    def _marks_for(self, log: Checkpoint, view: FileView) -> list[CopyMark]:
        """The marks of ``log``'s copies that ``view`` may be: in its folder (however spelled: a link
        to it, its real path, R11q-3), of its size."""
        return [m for m in self.marks.of(log.identity)
                if (m.size % (1 << 32) if view.compressed else m.size) == view.size  # gzip: its trailer's
                and same_folder(Path(m.folder), view.path.parent)]

    def marked(self, view: FileView) -> str | None:
        """The identity of the log an earlier judgment marked ``view`` a copy of, while the log
        agrees (:meth:`copied` without a comparison), or None."""
        judged = self._marked(view)
        return judged.identity if judged is not None else None

    def _marked(self, view: FileView) -> _Judged | None:
        """The copy an earlier judgment marked that ``view`` shows, if any, while its log agrees."""
        end: tuple[int, str | None] | None = None
        for candidate in reversed(self.checkpoints.candidates(view)):
            marks = self._marks_for(candidate, view)
            if not marks:
                continue
            try:
                end = end or content_end(view)
            except (OSError, ParseError):
                return None
            for mark in marks:
                judged = _Judged(identity=candidate.identity, size=mark.size, tail=mark.tail, marked=True)
                if (mark.size, mark.tail) == end and _mark_holds(candidate, judged):
                    return judged
        return None

    def _judge(self, view: FileView, stack: contextlib.ExitStack) -> Compared:
        """Compare ``view`` whole with each log still at its path under whose rotated names it is;
        the log it copies is left open on ``stack``."""
        for candidate in reversed(self.checkpoints.candidates(view)):
            # only under a rotated name of the log (logrotate's copy): the same bytes under another
            # name are a source of their own (a host's log and another's)
            if not _rotated_name_of(candidate, view):
                continue
            if (candidate.device, candidate.inode) == (view.device, view.inode):
                continue
            log = stack.enter_context(own_file(candidate))  # at its path, or renamed (R11q-9)
            try:
                extent = copy_extent(view, log) if log is not None else None
            except (OSError, ParseError):
                extent = None
            if extent is not None:
                return Compared(judged=_Judged(identity=candidate.identity, size=extent[0], tail=extent[1]), log=log)
        return Compared(judged=_Judged(identity=""))

    def stale(self, view: FileView, log: Checkpoint) -> bool:
        """Whether ``view``, matched to the checkpoint ``log`` by its bytes (not its inode), is a
        stale copy of that log: a newer rotated file holds what was read of the log too and begins
        with all of ``view``'s content (checkpoint_file.newer_holding; R11q-7). It is marked so (a
        later run sees the newer file carry the checkpoint) and not read; its lines are the newer's."""
        try:
            extent = newer_holding(log, view)
        except OSError:
            return False
        if extent is None:
            return False
        self._keep(view, _Judged(identity=log.identity, size=extent[0], tail=extent[1]))
        return True


def _rotated_name_of(log: Checkpoint, view: FileView) -> bool:
    """Whether ``view`` is under one of ``log``'s rotated names beside it or in its ``olddir``:
    logrotate puts its copies there, where a run reads them too (R11q-2: the copy in old/ was read
    whole, 100 of 110 lines stored twice); not in a folder with a log of that name of its own
    (checkpoint_file.rotations_home; R11r-5: another host's app.log.1 was never stored)."""
    return rotations_home(written_path(log), view.path) is not None


def _state(view: FileView) -> tuple[int, int, int | None, float]:
    """A file's state as looked at: a copy is judged once per state."""
    return view.device, view.inode, view.size, view.mtime


def _holds_again(log: Checkpoint, judged: _Judged, compared: Compared | None) -> bool:
    """Whether a copy judged before (or just compared, its log still open) is still one."""
    if judged.marked:
        return _mark_holds(log, judged)
    if compared is None or compared.log is None:
        return _still_holds(log, judged)
    try:  # the log compared, still at its path (a stat, not an open), still the checkpoint's file
        st, kept = os.stat(log.path), os.fstat(compared.log.fileno())
    except OSError:
        return False
    return ((st.st_dev, st.st_ino) == (kept.st_dev, kept.st_ino) and the_checkpoints_file(log, compared.log)
            and _holds(compared.log, judged))


def _mark_holds(log: Checkpoint, judged: _Judged) -> bool:
    """Whether a marked copy's bytes are still the log's: the log at its path holds them (as
    :func:`_still_holds`), or, no longer there as it was (truncated, rotated away), it was read
    past the copy's end before (R11o-4: a log once made to hold another file's lines and put back
    gives that file no lasting mark)."""
    with own_file(log) as original:  # renamed by a rotation since, it still tells (R11q-9, K5)
        return log.read_to >= judged.size if original is None else _holds(original, judged)


def _still_holds(log: Checkpoint, judged: _Judged) -> bool:
    """Whether the log is still at its path, at least as long as the copy, with the copy's last
    bytes where the copy ends (a log only grows: unless it was rewritten, the copy is still its
    beginning). A read at one place, not a comparison of the whole."""
    with still_at_path(log) as original:
        return original is not None and _holds(original, judged)


def _holds(original: BinaryIO, judged: _Judged) -> bool:
    """Whether the open log is as long as the copy at least and ends the copy's bytes where it does."""
    try:
        return (os.fstat(original.fileno()).st_size >= judged.size
                and read_tail_digest(original.fileno(), judged.size) == judged.tail)
    except OSError:
        return False
