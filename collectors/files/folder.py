"""A log's folder, resolved once at the check and then opened by descriptor (V13 V3, V9).

Checking a path's folders (lstat, realpath) and opening the log by name are two steps: whoever
may write a folder of the path can swap it for a symbolic link to a root-only folder in between,
and the open by name goes through the link (O_NOFOLLOW covers the last component only). So the
folder is resolved once, each link on the way judged (:func:`resolve`), and the real folder this
gives is opened one component at a time from ``/`` with O_NOFOLLOW|O_DIRECTORY
(:func:`open_folder`): a component that became a link since is refused by the kernel (ENOTDIR),
and every file of the read (the log, its look, its rotated files beside it) is then opened
relative to that descriptor (collectors.files.identity.in_folder), so no later open resolves the
path again.

Hand-written: Python's os has no openat2(RESOLVE_NO_SYMLINKS), and a walk of openat(O_NOFOLLOW)
steps is what openat2 would do in the kernel, a dozen lines, on every Linux and BSD.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

__all__ = ["LinkRefused", "Resolved", "open_folder", "resolve"]

#: One step of the walk: a folder, never a link (O_PATH: search permission is enough to pass it).
_STEP = getattr(os, "O_PATH", os.O_RDONLY) | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC


class LinkRefused(Exception):
    """A folder of the path is a symbolic link the judge of :func:`resolve` refused."""

    def __init__(self, link: Path, target: str) -> None:
        super().__init__(f"{link} -> {target}")
        self.link = link
        self.target = target


@dataclass(frozen=True, slots=True, kw_only=True)
class Resolved:
    """A folder as spelled (normalised) and as resolved at the check."""

    folder: str
    #: its real path: no symbolic link in it when it was resolved
    real: str
    #: the folders of the spelling that were symbolic links (allowed by the judge), outermost first
    links: tuple[str, ...]


def resolve(folder: Path, allowed: Callable[[Path, os.stat_result], bool]) -> Resolved:
    """Resolve ``folder`` component by component (lstat each); a symbolic link met is followed
    only when ``allowed(its spelled path, its lstat)`` says so, else LinkRefused. The links a
    followed link's target holds are its owner's choice and are followed. OSError when a component
    is missing or a link cannot be resolved (changed meanwhile)."""
    spelled = Path(os.path.normpath(os.path.abspath(folder)))
    current, met = "/", []
    for depth in range(2, len(spelled.parts) + 1):
        candidate = os.path.join(current, spelled.parts[depth - 1])
        st = os.lstat(candidate)
        if not stat.S_ISLNK(st.st_mode):
            current = candidate
            continue
        link = Path(*spelled.parts[:depth])
        if not allowed(link, st):
            raise LinkRefused(link, _target(candidate))
        met.append(str(link))
        current = os.path.realpath(candidate, strict=True)
    return Resolved(folder=str(spelled), real=current, links=tuple(met))


def _target(link: str) -> str:
    """Where ``link`` leads now, for a message."""
    try:
        return os.path.realpath(link)
    except OSError:
        return os.readlink(link) if os.path.islink(link) else link


def open_folder(real: str) -> int:
    """A descriptor of the folder ``real`` (a real path: no link in it when it was resolved),
    opened one component at a time from ``/``, none through a symbolic link: OSError (ENOTDIR)
    naming the component that is a link, or no folder, now."""
    fd = os.open("/", _STEP)
    reached = Path("/")
    try:
        for part in Path(real).parts[1:]:
            reached = reached / part
            step = os.open(part, _STEP, dir_fd=fd)
            os.close(fd)
            fd = step
    except OSError as e:
        os.close(fd)
        if e.errno in (errno.ENOTDIR, errno.ELOOP):
            raise OSError(e.errno, f"{reached} is no longer a folder (a symbolic link put in its place after the "
                                   "folder was checked?): not read", str(reached)) from e
        raise
    return fd
