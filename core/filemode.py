"""Files whose content decides what is trusted (report-signing keys, certificate trust anchors) must
be this user's or root's and written by nobody else: anyone who can write such a file decides
what is trusted."""

from __future__ import annotations

import os
import stat
from pathlib import Path

__all__ = ["others_may_write", "declared_file_problem"]


def others_may_write(path: Path, what: str, power: str) -> str | None:
    """Why ``path`` cannot be trusted (None: it can): it belongs to another user than this one or
    root, or its group or everyone may write it. ``what`` names the kind of file ("a trust anchor
    file"), ``power`` what a writer could do ("make a key trusted"). OSError when it cannot be read."""
    info = path.stat()
    mode = stat.S_IMODE(info.st_mode)
    if info.st_uid not in (os.geteuid(), 0):
        return (f"{path} belongs to another user (uid {info.st_uid}): {what} someone else owns is not trusted; "
                f"chown it to {os.geteuid()} or root")
    if mode & 0o022:
        return (f"{path} may be written by {'others' if mode & 0o002 else 'its group'} (mode {mode:o}): "
                f"anyone who can write there can {power}; chmod go-w {path}")
    return None


def declared_file_problem(path: Path, what: str, power: str) -> str | None:
    """Why a file the inventory declares (trust anchors, CRLs) cannot be trusted: ``others_may_write``
    for the file, and its folder when others may write it and it is not sticky (as /tmp is): anyone
    who can write there can put another file in its place. OSError when it cannot be read."""
    problem = others_may_write(path, what, power)
    folder = path.parent.stat()
    if problem is None and folder.st_mode & 0o022 and not folder.st_mode & stat.S_ISVTX:
        problem = (f"{path.parent} (the folder of {path.name}, {what}) may be written by others (mode "
                   f"{stat.S_IMODE(folder.st_mode):o}): anyone who can write there can put another file in its "
                   f"place; chmod go-w {path.parent}")
    return problem
