"""Files whose content decides what is trusted (report-signing keys, certificate trust anchors) must
be this user's or root's and written by nobody else: anyone who can write such a file decides
what is trusted."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from govsoc.core.regular_file import read_regular_file

__all__ = ["others_may_write", "declared_file_problem", "read_declared_file"]


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
    for the file (a symlink: for its target), then every folder above it, up to /, both as written
    and after resolving symlinks (the file's real place): a folder another user owns, or that its
    group or others may write without the sticky bit (as /tmp has), lets them rename the file's
    folder away or put another file in its place (OpenSSH's safe_path checks authorized_keys the
    same way; issue 16 fifth review, finding 9). OSError when something cannot be read."""
    problem = others_may_write(path, what, power)
    if problem is not None:
        return problem
    seen: set[Path] = set()
    for start in (path.absolute(), path.resolve()):
        for folder in start.parents:
            if folder in seen:
                continue
            seen.add(folder)
            problem = _folder_problem(folder, path, what)
            if problem is not None:
                return problem
    return None


def _folder_problem(folder: Path, path: Path, what: str) -> str | None:
    """Why ``folder``, above ``path``, lets someone else replace it (None: it does not)."""
    info = folder.stat()
    mode = stat.S_IMODE(info.st_mode)
    if info.st_uid not in (os.geteuid(), 0):
        return (f"{folder} (a folder above {path.name}, {what}) belongs to another user (uid {info.st_uid}): "
                f"they can put another file in its place; move the file to a folder you or root own")
    if mode & 0o022 and not info.st_mode & stat.S_ISVTX:
        return (f"{folder} (a folder above {path.name}, {what}) may be written by others (mode {mode:o}): "
                f"anyone who can write there can put another file in its place; chmod go-w {folder}")
    return None


def read_declared_file(path: Path, label: str, what: str, power: str, limit: int, not_a: str) -> bytes:
    """The bytes of a file the inventory declares (trust anchors, CRLs), read only when
    ``declared_file_problem`` finds nothing and it is at most ``limit`` bytes; else ValueError
    naming the ``label`` ("CRL file") and the reason."""
    try:
        problem = declared_file_problem(path, what, power)
        if problem is not None:
            raise ValueError(problem)
        try:  # a regular file only, at most ``limit`` bytes (a FIFO or /dev/zero would hold or exhaust the run)
            return read_regular_file(path, limit, label)
        except ValueError as e:
            raise ValueError(f"{e} (not {not_a})") from e
    except OSError as e:
        raise ValueError(f"cannot read {label} {path}: {e.strerror or e}") from e
