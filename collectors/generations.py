"""Which rotated files beside a log path are its generations, on what evidence (`govsoc ingest`).

A path run (`govsoc ingest app.log`, one-shot or --follow) reads the path and what its own file
became: the files rotated from it since, found beside it by logrotate's names (collectors.files.
discover). A name that extends the log's (``app.log.1``, ``app.log-20261203.gz``) is one only
logrotate gives. logrotate's ``extension`` form (``app.1.log``, ``app-20261203.log``: the rotation
before the extension, logrotate(8)) is also the form an application names its own files in beside
its main log (an instance's worker.3.log, a port's gateway.8443.log, a day's app-2026-12-03.log),
which the user did not name and may have left out on purpose (GB/T 43697, PIPL art. 6: collect what
is named). Such a name is taken for a generation of the log only on evidence (R11r-1, R11r-2):
the file is one a checkpoint saw at the log's path or under another of its rotated names and that
moved since (a rotation renamed it), or the file read before at the path (follow.finish_predecessors
finds it by its content); a name of the same form newer than such a proven generation is then a
generation rotated in between. A generation missing between them is said once per run, with how
many (R11r-6: 8,441 lines for one path run).
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from govsoc.collectors.base import path_text
from govsoc.collectors.checkpoint_file import written_path
from govsoc.collectors.checkpoints import RACY_SECONDS, Checkpoint
from govsoc.collectors.files.discover import (
    extension_named,
    missing_generations,
    newer_generations,
    rotated_name_age,
    rotation_age,
    same_folder,
    written_order,
)
from govsoc.collectors.files.identity import FileView
from govsoc.collectors.pipeline import Pipeline

__all__ = ["Siblings", "proven", "with_generations_between"]


def proven(path: Path, sibling: Path, match: Checkpoint | None) -> bool:
    """Whether the rotated file ``sibling`` beside the log ``path`` is known to be a generation of
    it: any name extending the log's; a name in logrotate's extension form only when ``match``,
    its checkpoint, was last seen at ``path`` or at another rotated name of it, not at ``sibling``
    itself (an application's own worker.3.log, read where it is, is no file that moved). A folder
    it was seen in that is gone (a link to the log's folder removed, a mount moved) cannot be
    compared: the checkpoint's match by content stands alone, or the rest of the file read before
    was skipped without a word (R11s-6: 35 stored of 45)."""
    if not extension_named(path, sibling):
        return True
    if match is None:
        return False
    seen = written_path(match)
    return (seen != sibling and (same_folder(seen.parent, path.parent) or not os.path.lexists(seen.parent))
            and (seen.name == path.name or rotated_name_age(path.name, seen.name) is not None))


class Siblings:
    """The rotated files of a live path (logrotate's names) sorted by what the checkpoints know
    of them, beyond the file read before at the path (R11f N4, N1): the generations rotated
    between are not anchored by that file alone, which a stopped run (kill -9 in the middle
    generation) or a rotation during a late poll has already finished and moved on. A file under
    an extension-form name is one of them only as ``proven`` says, or when never read and newer
    than a proven one of that form."""

    def __init__(self, path: Path) -> None:
        self.path = path
        #: known, with lines left since their checkpoint (a run stopped while reading them)
        self.resumed: list[Path] = []
        self.known: list[Path] = []
        self.unknown: list[tuple[Path, float, float]] = []
        #: never read, under an extension-form name: a generation when newer than a known one, or
        #: by the time rules as an unknown one (with its mtime and ctime)
        self.unproven: list[tuple[Path, float, float]] = []
        #: unknown generations left for a modification time before the path's first look while
        #: their change time is after it (R11i-6): said, never read unnamed
        self.behind: list[Path] = []

    def add(self, pipeline: Pipeline, view: FileView, match: Checkpoint | None) -> None:
        """Sort one sibling: known with lines left, known, or never read (with its mtime); one
        under an extension-form name without evidence is left alone, or kept as unproven."""
        if not proven(self.path, view.path, match):
            if match is None and view.head:
                self.unproven.append((view.path, view.mtime, view.ctime))
            return
        if match is None:
            if view.head:
                self.unknown.append((view.path, view.mtime, view.ctime))
            return
        self.known.append(view.path)
        # Resumed once per file state in a process: a damaged file's error is said once, not every poll.
        state = (view.device, view.inode, view.size, view.mtime)
        if (match.binary is None and view.size is not None and match.read_to < view.size
                and state not in pipeline.resumed_rotated):
            pipeline.resumed_rotated.add(state)
            self.resumed.append(view.path)

    def unread(self, gone: list[Checkpoint], first_look: float | None = None, *, path_read: bool = True) -> list[Path]:
        """The unknown generations to read: newer by their rotation names than a known one of the
        same naming form (rotated after a file read from this path: nothing older than the first
        read is taken); and, when a file read before is gone (rotated past ``rotate N``), those
        written after its last look (they can only be newer: logrotate deletes the oldest first);
        and when no file read from the path is known, those written after the path's
        ``first_look`` (seconds since the epoch; None when this is the first look). An unproven
        one (an extension-form name no checkpoint ties to the log) is read by the first rule, and
        by the time rules only when a file read from the path is gone, or none is known and the
        file at the path now was never read (``path_read`` False): then logrotate's ``rotate N``
        deleted what was read, or the log was empty at its first look and was rotated since, and
        what lies beside it under the log's rotated names was written since; left unread, it was
        lost without a word (R11s-1, R11s-2). An application's own app-2026-12-03.log written
        since is then read too (R11r-1): lines read that are not the log's, against lines lost.

        After a gone file, a generation's time is its change time when later than its modification
        time (R11i-6): a writer that keeps its mtime behind, a copy that keeps it (cp -p,
        logrotate's ``copy``) made it look older than that file, and it was skipped. Every
        generation there was renamed or written after the gone file was read (logrotate deletes
        the oldest first), and no one can set a change time back. Against the first look the
        modification time stays (a rotation renames the history beside the log too, which
        changes its change time): one only the change time puts after it is named in
        ``behind``, to be said."""
        last_look = min((t for c in gone if (t := _time(c.updated)) is not None), default=None)
        after_gone = last_look is not None
        if last_look is None and not self.known and first_look is not None:
            # compress keeps the plain file's mtime on the .gz, copytruncate's copy gets the copy
            # time: an mtime after the first look means lines written after it (F11d, logrotate 3.21)
            last_look = first_look
        unread = [sibling for sibling, _, _ in self.unproven if self._newer_than_known(sibling)]
        timed = self.unknown + ([u for u in self.unproven if u[0] not in unread]
                                if after_gone or (last_look is not None and not path_read) else [])
        for sibling, mtime, ctime in timed:
            changed = max(mtime, ctime) if after_gone else mtime
            if self._newer_than_known(sibling) or (last_look is not None and changed > last_look - RACY_SECONDS):
                unread.append(sibling)
            elif last_look is not None and ctime > last_look - RACY_SECONDS:
                self.behind.append(sibling)
        return unread

    def _newer_than_known(self, sibling: Path) -> bool:
        """Whether ``sibling``'s name ranks it newer than a known generation named in its form."""
        age = rotation_age(self.path, sibling)
        form = extension_named(self.path, sibling)
        return age is not None and any(
            known_age[0] == age[0] and known_age[1] < age[1] and extension_named(self.path, known) == form
            for known in self.known if (known_age := rotation_age(self.path, known)) is not None)


def _time(updated: str) -> float | None:
    """A checkpoint's update time as seconds since the epoch (None when not stamped: no last
    look to compare with, so nothing is read by time)."""
    try:
        return datetime.fromisoformat(updated).timestamp()
    except ValueError:
        return None


def with_generations_between(pipeline: Pipeline, path: Path, found: list[Path]) -> list[Path]:
    """``found`` (where the files read before are now) and the rotated files of ``path`` newer
    than the oldest of them, in the order they were written; the numbered generations missing in
    between are said in one line, the first by name, with how many."""
    aged = [f for f in found if rotation_age(path, f) is not None]
    if not aged:
        return found
    oldest = min(aged, key=lambda f: written_order(path, f))
    missing = missing_generations(path, oldest)
    if len(missing) == 1:
        pipeline.notice(f"{path_text(str(missing[0]))}: not found: the generation rotated between the file read "
                        f"before (now {path_text(oldest.name)}) and {path_text(path.name)} was rotated away or "
                        "deleted before it was read; its lines were not read")
    elif missing:  # one line however many: a cron job's mail, not thousands (R11r-6)
        pipeline.notice(f"{path_text(str(missing[0]))}: not found, nor the next up to {path_text(missing[-1].name)} "
                        f"({len(missing)} missing): the generations rotated between the file read before (now "
                        f"{path_text(oldest.name)}) and {path_text(path.name)} were rotated away or deleted before "
                        "they were read; their lines were not read")
    between = [f for f in newer_generations(path, oldest) if f not in found]
    # Unnamed renames (auth.log.old) first: logrotate's own names say their order.
    return [f for f in found if f not in aged] + sorted([*aged, *between], key=lambda f: written_order(path, f))
