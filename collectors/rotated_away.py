"""Files read before that are no longer at their log's path nor beside it (`govsoc ingest`).

collectors.follow.finish_predecessors finds the file read before at a log path among the path's
rotated names; when it is not there (moved to logrotate's ``olddir``, a re-pointed link, deleted,
or truncated in place by ``copytruncate``, its copy elsewhere), the lines written to it after the
last read may be lost, and that is said and counted (`govsoc status`: refused). Within a run or a
``--follow`` poll (:func:`one_pass`), it is said at the pass's end, after every path of the pass
had its look, and only when none of them accounted for the file (R11q-5: "lines ... were not
read" was said for a log named before its olddir in the same run, whose copy or own file was then
found there and read, or known as a copy of what was read: nothing was lost):

- the file itself, or a copy holding its unread rest, was found at another path and read from the
  checkpoint (the checkpoint's path is no longer the one marked rotated away);
- its inode is still at the path, truncated in place (copytruncate), and a copy of it holding no
  more than was read is known (collectors.copies): what the copy holds was read, and what the log
  got between the copy and the truncate is logrotate's own loss, never on disk (logrotate(8),
  ``copytruncate``), as for a copy beside the log.

Outside a pass (a single read_path or finish_predecessors call) it is said at once, as before.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from govsoc.collectors.base import path_text
from govsoc.collectors.checkpoint_file import ROTATED_AWAY
from govsoc.collectors.checkpoints import Checkpoint
from govsoc.collectors.files.discover import live_of

if TYPE_CHECKING:
    from govsoc.collectors.pipeline import Pipeline

__all__ = ["one_pass", "read_whole", "said_gone"]


@contextlib.contextmanager
def one_pass(pipeline: Pipeline) -> Iterator[None]:
    """Paths read together (a one-shot run, a --follow poll): the files said gone meanwhile are
    judged at the end (:func:`said_gone`). Nested passes are one."""
    if pipeline.gone is not None:
        yield
        return
    pipeline.gone = []
    try:
        yield
    finally:
        # said also when the pass stopped (a full disk, an interrupt): the file is marked rotated
        # away already, and no later pass finds it at the path again to say it
        gone, pipeline.gone = pipeline.gone, None
        for path, checkpoint in gone:
            if not _accounted(pipeline, path, checkpoint):
                _say(pipeline, path, checkpoint)


def said_gone(pipeline: Pipeline, path: Path, checkpoint: Checkpoint) -> None:
    """Say (and count in the path's record: `govsoc status`) that the file read before at ``path``
    is gone from where the rotated files are looked for, when lines may have been lost: it was not
    read to the size last seen, or it was last seen at the path itself, so it left the folder in one
    step (logrotate ``olddir``, a re-pointed link: R11h R4, R11; or deleted, ``rotate 0``) and what
    was written between the last read and its move is not known. Not said for a file last seen at a
    rotated name and read whole there (R11e F2: deleted past ``rotate N``, nothing lost), whether
    that name is beside ``path`` or ``path`` itself (R11j-5: a glob such as ``auth.log*`` follows
    ``auth.log.1``, whose generation ``rotate N`` deletes once it moved on; each was said lost,
    "lines written to it after byte N were not read", and counted refused, none being lost).
    Within a pass, at its end, unless the pass accounted for the file (the module's rule)."""
    if read_whole(checkpoint) and (checkpoint.path != str(path) or live_of(path) is not None):
        return
    if pipeline.gone is not None:
        pipeline.gone.append((path, checkpoint))
        return
    _say(pipeline, path, checkpoint)


def _say(pipeline: Pipeline, path: Path, checkpoint: Checkpoint) -> None:
    why = (f"the file read before (checkpoint {checkpoint.identity[:12]}) is no longer at {path_text(path.name)} nor "
           "beside it under a rotated name (moved to another folder, as by logrotate's olddir or a re-pointed link, "
           f"or deleted); lines written to it after byte {checkpoint.offset} were not read (name the folder it was "
           "moved to, or follow the path with --follow, which reads a moved file to its end)")
    pipeline.notice(f"{path_text(str(path))}: {why}")
    pipeline.paths.refuse(path, why, "file")


def _accounted(pipeline: Pipeline, path: Path, checkpoint: Checkpoint) -> bool:
    """Whether the pass found the file said gone from ``path`` after all (the module's rule)."""
    latest = pipeline.checkpoints.get(checkpoint.identity)
    if latest is not None and not latest.path.endswith(ROTATED_AWAY):
        return True  # read at another path since it was marked rotated away
    try:
        st = os.stat(path)
    except OSError:
        return False
    if (st.st_dev, st.st_ino) != (checkpoint.device, checkpoint.inode):
        return False  # renamed or deleted: its rest may be in a file the pass did not see
    copied = pipeline.copies.known.get(checkpoint.identity)
    return copied is not None and copied <= (latest or checkpoint).read_to


def read_whole(checkpoint: Checkpoint) -> bool:
    """Whether the checkpoint's file was read to the size it had when last looked at (an
    unterminated last line stored as partial included; for gzip content, the trailer's size
    modulo 2**32)."""
    return checkpoint.size is not None and checkpoint.size in (checkpoint.read_to, checkpoint.read_to % (1 << 32))
