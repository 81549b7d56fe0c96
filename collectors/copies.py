"""Copies of a log still at its path: logrotate's ``copy`` and ``copytruncate`` (R11o).

logrotate's ``copy`` leaves a copy of the log under one of its rotated names (auth.log.1) and the
log as it is; ``copytruncate`` leaves one until it truncates the log; ``compress`` (at once, or at
the next rotation with ``delaycompress``) turns such a copy into auth.log.1.gz or auth.log.2.gz.
A copy's lines are the log's first lines: they are read from the log, whose checkpoint goes on,
never from the copy, or each would be stored twice (68 events for 56 lines; R11o-5: every line
twice through the compressed copy). After the truncate, a copy holding more than was read from the
log matches the log's checkpoint (collectors.checkpoints) and is read from where the log was.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from govsoc.collectors.checkpoints import Checkpoint, CheckpointStore, still_at_path
from govsoc.collectors.files.discover import rotation_age
from govsoc.collectors.files.identity import FileView, copy_extent, read_tail_digest
from govsoc.core.errors import ParseError

__all__ = ["Copies"]

#: The states of one process's judged files kept (a bound, not a cache policy).
_KEPT_STATES = 4096


@dataclass(frozen=True, slots=True, kw_only=True)
class _Judged:
    """What a file in one state was found to be: a copy of the log ``identity`` (its content the
    log's first ``size`` bytes, ending in bytes of digest ``tail``), or not a copy (identity "")."""

    identity: str
    size: int = 0
    tail: str | None = None


class Copies:
    """Tells the copies of a log still at its path from files of their own."""

    def __init__(self, checkpoints: CheckpointStore) -> None:
        self.checkpoints = checkpoints
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
            if known is None or _still_holds(known, judged):
                return known
        judged = self._judge(view)
        if len(self._judged) > _KEPT_STATES:
            self._judged.clear()
        self._judged[state] = judged
        return self.checkpoints.get(judged.identity) if judged.identity else None

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


def _still_holds(log: Checkpoint, judged: _Judged) -> bool:
    """Whether the log is still at its path, at least as long as the copy, with the copy's last
    bytes where the copy ends (a log only grows: unless it was rewritten, the copy is still its
    beginning). A read at one place, not a comparison of the whole."""
    with still_at_path(log) as original:
        if original is None:
            return False
        try:
            return (os.fstat(original.fileno()).st_size >= judged.size
                    and read_tail_digest(original.fileno(), judged.size) == judged.tail)
        except OSError:
            return False
