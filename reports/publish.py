"""Publishing reports with their signatures (issue 18 "Integrity"), all or nothing.

Order, so that the folder is always consistent and a failure leaves it as it was:

1. Every report and every signature is written to a hidden file beside its target, under an
   unguessable name created with O_EXCL|O_NOFOLLOW (core.results.open_aside: a link planted in
   a shared folder cannot make us write another file).
2. Each target that exists already (an older report, an older .sig) gets a hidden hard link, so
   that it can be put back. A target we cannot replace (a folder, an immutable file) fails
   here, before anything in the folder has changed.
3. Per report: the report is renamed into place first, then its signature (unsigned: the older
   report's .sig is removed only now). So an old .sig is never replaced or deleted before its
   report's replacement succeeded, and a new .sig never sits beside an old report.
4. Any failure in 2 or 3 rolls back what 3 did, newest first (the older files come back from
   their links; files that did not exist are removed), and removes every hidden file.

Steps 2 to 4 run under an exclusive lock on the report folder itself (flock on the folder's
descriptor: no lock file), so two `govsoc report` runs into one folder never interleave their
renames (A's report under B's signature). Under it, the hidden files a killed run left (its
asides and links, by open_aside's name pattern, regular files of this user, older than this run
by core.results.STALE_ASIDE, so never a running writer's) are removed.

A reader of the folder during step 3 may see the new report beside the old signature for a
moment; `govsoc verify` reports that as a changed file, never as a valid one. A failure is a
ReportError (exit 1) naming the report or signature and the reason (permission denied, is a
folder, ...), never the hidden file's name.
"""

from __future__ import annotations

import errno
import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import datetime
from pathlib import Path

from govsoc.core.errors import ReportError
from govsoc.core.results import STALE_ASIDE, make_folder, open_aside, remove_stale_asides, write_all
from govsoc.reports.signing import SigningKey, signature_path, signature_text

__all__ = ["publish"]


def _write_aside(path: Path, data: bytes, pending: list[Path]) -> Path:
    fd, partial = open_aside(path)
    pending.append(partial)
    try:
        write_all(fd, data)
    finally:
        os.close(fd)
    return partial


def _keep_old(path: Path, pending: list[Path]) -> Path | None:
    """A hidden hard link to ``path`` as it is (None: there is none), to put it back on a failure."""
    if not os.path.lexists(path):
        return None
    if path.is_dir() and not path.is_symlink():
        raise IsADirectoryError(errno.EISDIR, "it is a folder", str(path))
    fd, keep = open_aside(path)  # reserve an unguessable name, then put the link in its place
    os.close(fd)
    os.unlink(keep)
    os.link(path, keep, follow_symlinks=False)
    pending.append(keep)
    return keep


@contextmanager
def _folder_lock(folder: Path) -> Iterator[None]:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_CLOEXEC", 0))
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _reason(error: OSError) -> str:
    if isinstance(error, IsADirectoryError):
        return "it is a folder"
    if error.errno == errno.EPERM:
        return "operation not permitted (an immutable or append-only file?)"
    return (error.strerror or type(error).__name__).lower()


def publish(files: list[tuple[Path, bytes]], key: SigningKey | None, *, now: datetime | None = None) -> list[Path]:
    """Write each (path, bytes) report, signed with ``key`` (None: unsigned, on purpose; the
    caller said so and marked the report), all or nothing (see the module docstring for the
    order). An unsigned report takes away a signature file left from an earlier report of the
    same name (it would no longer match). Returns the report paths; ReportError (exit 1) naming
    the file and the reason when the folder cannot take them."""
    started = time.time()
    pending: list[Path] = []
    steps: list[tuple[Path | None, Path, Path | None]] = []  # (new aside or None: remove, target, old kept)
    done: list[tuple[Path, Path | None]] = []
    current = files[0][0] if files else Path()
    locks = ExitStack()
    try:
        for path, data in files:
            current = path
            make_folder(path.parent)
            report = _write_aside(path, data, pending)
            sig = signature_path(path)
            current = sig
            signed = (_write_aside(sig, signature_text(data, path.name, key, now=now).encode("utf-8"), pending)
                      if key is not None else None)
            steps.append((report, path, None))
            if signed is not None or os.path.lexists(sig):
                steps.append((signed, sig, None))
        for folder in sorted({path.parent.resolve() for path, _ in files}):
            current = folder
            locks.enter_context(_folder_lock(folder))  # held until a roll-back is done too
            remove_stale_asides(folder, before=started - STALE_ASIDE.total_seconds())
        kept: list[tuple[Path | None, Path, Path | None]] = []
        for new, target, _ in steps:
            current = target
            kept.append((new, target, _keep_old(target, pending)))
        for new, target, old in kept:  # per report: the report, then its signature
            current = target
            if new is None:
                os.unlink(target)
            else:
                os.replace(new, target)
            done.append((target, old))
    except OSError as e:
        _roll_back(done)
        raise ReportError(f"cannot write {current}: {_reason(e)}; the folder is left as it was") from e
    except BaseException:
        _roll_back(done)
        raise
    finally:
        locks.close()
        for partial in pending:
            partial.unlink(missing_ok=True)
    return [path for path, _ in files]


def _roll_back(done: list[tuple[Path, Path | None]]) -> None:
    for target, old in reversed(done):
        try:
            if old is not None:
                os.replace(old, target)
            else:
                target.unlink(missing_ok=True)
        except OSError:  # nothing more can be done; the rest is still put back
            pass
