"""State files written atomically and durably (checkpoints, the copies' marks: collectors.copies):
a new file fsynced and renamed over the old one, its folder fsynced; a full disk or a folder
govsoc may not write said as such. Stage: collectors (source state).
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from govsoc.core.errors import ConfigError, GovsocError, Location

__all__ = ["NOT_WRITABLE", "NO_ROOM", "DiskFull", "not_writable", "replace_file", "sync_folder"]

#: What a folder govsoc may not write answers (R11i-3): its permissions, a read-only mount.
NOT_WRITABLE = frozenset({errno.EACCES, errno.EPERM, errno.EROFS})


def not_writable(folder: Path, error: OSError) -> ConfigError:
    """The configuration error of a state folder govsoc may not write in (R11i-3: "internal
    error: OSError: [Errno 30] Read-only file system: .../registry.lock"): names the folder and
    what is needed."""
    return ConfigError(f"cannot write in the state folder ({error.strerror}): govsoc needs write permission there "
                       "for its checkpoints and locks; give the user running govsoc write access to it, or set "
                       "data_dir to a folder it may write", location=Location(path=str(folder)))


#: What a full disk (or a user's exhausted quota) answers.
NO_ROOM = frozenset({errno.ENOSPC, errno.EDQUOT})


class DiskFull(GovsocError):
    """No room on the state folder's disk for a checkpoint (R11i-4). What was read before it is
    in the store or the spool; the checkpoint stays behind it, so a later read once there is
    room reads it again, and the store keeps it once (same ids). `govsoc ingest --follow` waits
    and tries again; a one-shot run stops (exit 1)."""


def replace_file(target: Path, data: bytes, what: str, *, durable: bool = True) -> None:
    """Write ``data`` to a new file beside ``target``, fsync it and rename it over ``target``
    (atomic: a kill -9 leaves the old file or the new one whole); :func:`sync_folder` then makes
    the rename durable. Not ``durable``: not synced (seen by other processes, lost to a crash).
    A full disk or a folder govsoc may not write is said as such, naming ``what`` was being
    saved; ``target`` then stays as it was."""
    temp = target.with_suffix(f".{os.getpid()}.tmp")
    try:
        with temp.open("wb") as out:
            out.write(data)
            out.flush()
            if durable:
                os.fsync(out.fileno())
        os.replace(temp, target)
    except OSError as e:  # a full disk: the checkpoint stays as it was, behind what was stored
        temp.unlink(missing_ok=True)
        if e.errno in NOT_WRITABLE:
            raise not_writable(target.parent, e) from e
        if e.errno in NO_ROOM:
            raise DiskFull(f"no room to save {what}: {e.strerror}", location=Location(path=str(target))) from e
        raise GovsocError(f"cannot save {what}: {e.strerror}", location=Location(path=str(target))) from e


def sync_folder(folder: Path) -> None:
    """fsync a folder: the renames made in it are durable."""
    directory = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
