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

import json
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import BinaryIO

from govsoc.collectors.checkpoints import Checkpoint, CheckpointStore, replace_file, still_at_path, sync_folder
from govsoc.collectors.files.discover import rotation_age
from govsoc.collectors.files.identity import FileView, content_end, copy_extent, read_tail_digest
from govsoc.core.crashpoint import crash_point
from govsoc.core.errors import ParseError

__all__ = ["MARKS_FOLDER", "Copies", "CopyMark", "CopyMarks"]

#: The states of one process's judged files kept (a bound, not a cache policy).
_KEPT_STATES = 4096
#: The folder of the marks, inside the checkpoints' folder (not a checkpoint: no ``.json`` there).
MARKS_FOLDER = "copies"
#: Marks kept per log, newest last: logrotate keeps a few copies, each marked at a few sizes
#: (seen half written); an older mark's copy has long been rotated away.
MARKS_PER_LOG = 64


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
            marks = [CopyMark(folder=str(m["folder"]), size=int(m["size"]), tail=m["tail"])
                     for m in json.loads(path.read_bytes().decode("utf-8"))["marks"]]
        except (OSError, ValueError, TypeError, KeyError) as e:
            self.notice(f"{path}: damaged copy marks ({type(e).__name__}: {e}): taken as none, replaced at the next")
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


class Copies:
    """Tells the copies of a log still at its path from files of their own."""

    def __init__(self, checkpoints: CheckpointStore) -> None:
        self.checkpoints = checkpoints
        self.marks = CopyMarks(checkpoints.folder / MARKS_FOLDER, checkpoints.notice)
        # by (device, inode, size, mtime): a file is compared whole once per state, not at each poll
        self._judged: dict[tuple[int, int, int | None, float], _Judged] = {}

    def copied(self, view: FileView) -> Checkpoint | None:
        """The checkpoint of a log still at its path of which the new file ``view`` shows, under
        one of the log's rotated names (auth.log.1, auth.log-20261203, auth.log.2.gz), is a copy,
        whole or in part, plain or compressed (identity.copy_extent); or None. Judged once per
        state of the file (size, time), and asked again cheaply at each later look (R11o-4: the
        log, changed since, no longer holds the copy's bytes)."""
        if not view.compressed and not view.size:
            return None
        state = (view.device, view.inode, view.size, view.mtime)
        judged = self._judged.get(state)
        if judged is not None:
            known = self.checkpoints.get(judged.identity) if judged.identity else None
            if known is None or (_still_holds(known, judged) if not judged.marked else _mark_holds(known, judged)):
                return known
        judged = self._marked(view) or self._judge(view)
        if judged.identity and not judged.marked:
            crash_point("copy-judged")
            self.marks.add(judged.identity, CopyMark(folder=str(view.path.parent), size=judged.size,
                                                     tail=judged.tail))
            crash_point("copy-marked")
        if len(self._judged) > _KEPT_STATES:
            self._judged.clear()
        self._judged[state] = judged
        return self.checkpoints.get(judged.identity) if judged.identity else None

    def _marked(self, view: FileView) -> _Judged | None:
        """The copy an earlier judgment marked that ``view`` shows, if any, while its log agrees."""
        end: tuple[int, str | None] | None = None
        for candidate in reversed(self.checkpoints.candidates(view)):
            marks = [m for m in self.marks.of(candidate.identity) if m.folder == str(view.path.parent)
                     and (m.size % (1 << 32) if view.compressed else m.size) == view.size]  # gzip: its trailer's
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

    def _judge(self, view: FileView) -> _Judged:
        """Compare ``view`` whole with each log still at its path under whose rotated names it is."""
        for candidate in reversed(self.checkpoints.candidates(view)):
            # only under a rotated name of the log (logrotate's copy): the same bytes in another
            # folder or under another name are a source of their own (a host's log and another's)
            if rotation_age(Path(candidate.path), view.path) is None:
                continue
            if (candidate.device, candidate.inode) == (view.device, view.inode):
                continue
            with still_at_path(candidate) as log:
                try:
                    extent = copy_extent(view, log) if log is not None else None
                except (OSError, ParseError):
                    extent = None
            if extent is not None:
                return _Judged(identity=candidate.identity, size=extent[0], tail=extent[1])
        return _Judged(identity="")


def _mark_holds(log: Checkpoint, judged: _Judged) -> bool:
    """Whether a marked copy's bytes are still the log's: the log at its path holds them (as
    :func:`_still_holds`), or, no longer there as it was (truncated, rotated away), it was read
    past the copy's end before (R11o-4: a log once made to hold another file's lines and put back
    gives that file no lasting mark)."""
    with still_at_path(log) as original:
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
