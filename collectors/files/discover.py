"""Which files `govsoc ingest FILE|DIR|GLOB` means, in the order to read them.

A folder means the files in it (recursively), a glob its matches (``**`` included). Patterns
are read in the order given; the files of a folder or a glob oldest first (by modification
time), so a rotated family (``auth.log.2.gz``, ``auth.log.1``, ``auth.log``) is stored in the
order it was written.

A rotated file's age is read from its name as logrotate gives it (logrotate(8): ``auth.log.N``
is N rotations old, ``compress`` adds ``.gz``; ``dateext`` names ``auth.log-YYYYMMDD``, newer
dates newer): the generations between a file read before and the file now at its path are the
ones to read when it was rotated more than once since (R11e F5). With logrotate's ``extension
ext`` the rotation goes before the extension (logrotate(8): ``mylog.foo`` -> ``mylog.1.foo.gz``;
with dateext ``app-20261203.log``): those are rotated names too (R11q-4). A folder is the same
folder however it is spelled (a symbolic link to it, its real path: R11q-3).
"""

from __future__ import annotations

import bisect
import glob
import os
import stat
import time
from collections.abc import Iterable
from pathlib import Path

from govsoc.collectors.files.rotated_names import compressed, may_be_rotated, name_stem, rotated_prefixes
from govsoc.collectors.files.rotated_names import extension_named as extension_named
from govsoc.collectors.files.rotated_names import live_of as live_of
from govsoc.collectors.files.rotated_names import rotated_name_age as rotated_name_age
from govsoc.core.errors import ConfigError

#: The highest generation number whose missing predecessors are named: a file numbered beyond it
#: (an application's gateway.8443.log beside gateway.log) is no place to list thousands of gaps
#: from (R11r-6: 8,441 "not found ... not read" warnings in one run).
_MAX_GENERATION = 1000


def expand(patterns: Iterable[str], *, missing_ok: bool = False, links: bool = False,
           missing: list[str] | None = None) -> list[Path]:
    """The files ``patterns`` name, in the order the patterns are given, the files of one pattern
    (a folder, a glob) oldest first; ConfigError for a pattern matching nothing
    (unless ``missing_ok``, as when following files that may not exist yet). A named path that
    is not a regular file (a FIFO, a device, a link to one) is given too, for the reader to
    refuse it as that path's error (R11g G4: whoever may write one log folder put one there and
    every poll of every followed file ended); only when nothing else is named is it ConfigError.
    A ``**`` goes down symbolic links to folders only with ``links`` (--symlinks), see _glob.
    With ``missing``, a pattern matching nothing is added to it and the others expanded; ConfigError
    only when none matches anything (R11h R8: one empty configured folder ended the whole run)."""
    # path -> (its pattern's place, its modification time): named files are read in the order
    # named (R11j-4: `ingest a.log c.log g.log` read c.log first, so which files a stopped run left
    # unread could not be told from the command line); a rotated family matched by one glob is
    # still read in the order it was written
    found: dict[Path, tuple[int, float]] = {}
    odd: list[str] = []
    for place, pattern in enumerate(patterns):
        path = Path(pattern).expanduser()
        if path.is_dir():
            matches = [p for p in sorted(path.rglob("*")) if p.is_file()]
        elif path.is_file():
            matches = [path]
        elif path.exists():  # a pipe, FIFO, socket or device (/dev/stdin of `cat x.pcap | govsoc ingest`)
            odd.append(pattern)
            found.setdefault(path.absolute(), (place, 0.0))
            continue
        else:
            matches = [Path(m) for m in sorted(_glob(str(path), links)) if os.path.isfile(m)]
        if not matches and missing is not None:
            missing.append(pattern)
        elif not matches and not missing_ok:
            raise ConfigError(f"no such file, folder or matching files: {pattern}")
        for match in matches:
            try:
                found.setdefault(match.absolute(), (place, match.stat().st_mtime))
            except OSError:
                continue
    if odd and len(odd) == len(found) and not missing_ok:
        raise ConfigError(f"{odd[0]}: not a regular file (a pipe, FIFO or device): ingest reads files it can "
                          "identify and re-read; save the data to a file first (`govsoc capture` reads live "
                          "traffic)")
    if missing and not found and not missing_ok:
        raise ConfigError(f"no such file, folder or matching files: {missing[0]}")
    return sorted(found, key=lambda p: (*found[p], str(p)))


def _glob(pattern: str, links: bool) -> list[str]:
    """glob.glob(pattern, recursive=True), except that ``**`` walks into a symbolic link to a
    folder only with ``links``, and then into each folder (device, inode) once. glob's own ``**``
    follows every folder link while it expands (R11h R7: two `-> .` links planted in a matched
    folder made 2**40 spellings, `govsoc ingest` and every --follow poll hung); no option of
    glob (3.11) turns that off, and pathlib's glob matches hidden names glob skips, hence this
    walk. Hidden folders are skipped, as glob's ``**`` does."""
    parts = pattern.split(os.sep)
    if "**" not in parts:
        return glob.glob(pattern, recursive=True)
    at = parts.index("**")
    head, tail = os.sep.join(parts[:at]) or (os.sep if at else ""), os.sep.join(parts[at + 1:])
    bases = glob.glob(head or os.curdir) if glob.has_magic(head) else [head or os.curdir]
    found: list[str] = []
    for base in bases:
        for folder in _folders(base, links):
            if tail:
                found.extend(_glob(os.path.join(glob.escape(folder), tail), links))
            else:  # a trailing ``**``: the folders and what they hold
                found.append(folder)
                found.extend(glob.glob(os.path.join(glob.escape(folder), "*")))
    return list(dict.fromkeys(found))


def _folders(base: str, links: bool) -> Iterable[str]:
    """``base`` and every folder below it that is not hidden: not through symbolic links unless
    ``links``, each (device, inode) once (a link back up, or a bind mount loop, ends there)."""
    seen: set[tuple[int, int]] = set()
    stack = [base]
    while stack:
        folder = stack.pop()
        try:
            info = os.stat(folder)
            entries = sorted(os.scandir(folder), key=lambda e: e.name, reverse=True)
        except OSError:  # gone or unreadable since it was listed: nothing below it
            continue
        if (info.st_dev, info.st_ino) in seen:
            continue
        seen.add((info.st_dev, info.st_ino))
        yield folder
        for entry in entries:
            try:
                below = not entry.name.startswith(".") and entry.is_dir(follow_symlinks=links)
                # a link to a folder, not gone into: what the pattern's rest matches in it is
                # given, for read_path to refuse (said and counted as found through a link), as
                # glob's matches through a link in a wildcard component are; nothing below it
                linked = not below and not links and not entry.name.startswith(".") \
                    and entry.is_symlink() and entry.is_dir(follow_symlinks=True)
            except OSError:
                below = linked = False
            if below:
                stack.append(os.path.join(folder, entry.name))
            elif linked:
                yield os.path.join(folder, entry.name)


def named_paths(patterns: Iterable[str]) -> set[Path]:
    """The paths among ``patterns`` that name one file themselves (not a folder, not a glob), as
    expand() gives them: a symbolic link named so was chosen by whoever wrote the command or the
    configuration, where a link found by a glob or a folder walk may have been put there by
    anyone who can write the folder (V12 F7)."""
    return {Path(p).expanduser().absolute() for p in patterns
            if not glob.has_magic(p) and not Path(p).expanduser().is_dir()}


def folder_link(path: Path, patterns: Iterable[str]) -> Path | None:
    """The symbolic link to a folder that a glob of ``patterns`` went through to match ``path``
    (``logs/*/*.log`` matching ``logs/evil/vault.log`` with ``logs/evil -> /root``), or None
    when it needed none: glob.glob follows folder links in every wildcard component and in
    ``**``, so whoever may write a matched folder could point a sub-folder at root-only files
    (R11g G1). Only the folders below the glob's fixed part count: those the configuration
    spells out (``/var/log``, itself perhaps a link) were chosen by whoever wrote it. A path
    named itself, or matched through no link by another pattern, has none."""
    found: Path | None = None
    for pattern in patterns:
        if not glob.has_magic(pattern):
            if Path(pattern).expanduser().absolute() == path:
                return None
            continue
        parts = Path(pattern).expanduser().absolute().parts
        fixed = Path(*parts[:next(i for i, part in enumerate(parts) if glob.has_magic(part))])
        if not path.is_relative_to(fixed):
            continue
        link = _first_link(fixed, path.parent)
        if link is None:
            return None
        found = found or link
    return found


def configured_folder(path: Path, patterns: Iterable[str]) -> Path | None:
    """The deepest folder of ``path`` one of ``patterns`` spells out: a glob's fixed part (the
    components before its first wildcard), a folder named, or a named file's own folder; None when
    no pattern holds the path. Links there are the configuration's choice (folder_link)."""
    found: Path | None = None
    for pattern in patterns:
        spelled = Path(pattern).expanduser().absolute()
        if glob.has_magic(pattern):
            spelled = Path(*spelled.parts[:next(i for i, part in enumerate(spelled.parts) if glob.has_magic(part))])
        elif spelled == path:
            spelled = path.parent
        if path.parent.is_relative_to(spelled) and (found is None or len(spelled.parts) > len(found.parts)):
            found = spelled
    return found


def _first_link(fixed: Path, folder: Path) -> Path | None:
    """The first folder from just below ``fixed`` down to ``folder`` that is a symbolic link."""
    current = fixed
    for part in folder.relative_to(fixed).parts:
        current = current / part
        try:
            if stat.S_ISLNK(os.lstat(current).st_mode):
                return current
        except OSError:
            return current  # gone or unreadable since the glob: not vouched for
    return None


def rotated_siblings(path: Path) -> list[Path]:
    """Files beside ``path`` whose names extend it (``auth.log.1``, ``auth.log-20251210.gz``):
    where a rotated predecessor of ``path`` may now be. Regular files only, never a symbolic
    link: these files are read without being named, so a link placed in a log folder by whoever
    may write there (``auth.log.1 -> /etc/shadow``) would have a root ingest store the target's
    lines (R11f N2); logrotate itself never makes links."""
    try:
        entries = list(os.scandir(path.parent))
    except OSError:
        return []
    return sorted(Path(e.path) for e in entries if e.name != path.name and may_be_rotated(path.name, e.name)
                  and _regular(e) and (e.name.startswith(path.name) or rotated_name_age(path.name, e.name) is not None))


def _regular(entry: os.DirEntry[str]) -> bool:
    """Whether a directory entry is a regular file itself (not a link to one)."""
    try:
        return entry.is_file(follow_symlinks=False)
    except OSError:
        return False


class Listings:
    """Folder listings (regular files' names, sorted) kept while the folder is unchanged: its
    modification time is the same and older than ``racy_seconds`` (a change within the same
    time stamp would not show). `govsoc ingest DIR` asks for the generations of each of its
    files, a poll for each followed path: one listing of the folder serves them all, where a
    scan each was quadratic in the folder's size."""

    def __init__(self, racy_seconds: float = 1.0) -> None:
        self.racy_ns = int(racy_seconds * 1_000_000_000)
        self._kept: dict[Path, tuple[int, list[str]]] = {}

    def generations(self, live: Path) -> list[Path]:
        """The rotated files of ``live`` by logrotate's names (as rotation_age reads them)."""
        folder = live.parent
        try:
            mtime = os.stat(folder).st_mtime_ns
            kept = self._kept.get(folder)
            if kept is not None and kept[0] == mtime:
                names = kept[1]
            else:
                with os.scandir(folder) as entries:
                    names = sorted(e.name for e in entries if _regular(e))
                if time.time_ns() - mtime > self.racy_ns:
                    self._kept[folder] = (mtime, names)
        except OSError:
            return []
        found = []
        for prefix in rotated_prefixes(live.name):
            for name in names[bisect.bisect_left(names, prefix):]:
                if not name.startswith(prefix):
                    break
                if may_be_rotated(live.name, name) and rotation_age(live, sibling := folder / name) is not None:
                    found.append(sibling)
        # the prefixes overlap for a live name ending in a digit (svc.0: "svc.0" and "svc."), each
        # generation was listed twice and read twice (R11s-4)
        return sorted(set(found))


def rotation_age(live: Path, rotated: Path) -> tuple[str, int] | None:
    """Where ``rotated`` stands among the rotations of ``live`` beside it, from its name
    (rotated_name_age); None for a name logrotate does not give, or a file in another folder
    (the same folder spelled another way is the same: a link to it, its real path, R11q-3)."""
    age = rotated_name_age(live.name, rotated.name)
    return age if age is not None and same_folder(live.parent, rotated.parent) else None


def same_folder(one: Path, other: Path) -> bool:
    """Whether two spellings name one folder: equal, or the same (device, inode) (a symbolic link
    to the folder and its real path); False when either cannot be looked at."""
    if one == other:
        return True
    try:
        return os.path.samefile(one, other)
    except OSError:
        return False


def newer_generations(live: Path, rotated: Path) -> list[Path]:
    """The rotated files of ``live`` newer than ``rotated`` (the generations written after it and
    before the file now at ``live``), oldest first, a plain file before its compressed copy."""
    age = rotation_age(live, rotated)
    if age is None:
        return []
    # named in ``rotated``'s form only: logrotate names every generation of a log one way, and an
    # application's own app.1.log is no generation between auth.log.3 and auth.log (R11r-1)
    form = extension_named(live, rotated)
    found = [sibling for sibling in rotated_siblings(live)
             if (other := rotation_age(live, sibling)) is not None and other[0] == age[0] and other[1] > age[1]
             and extension_named(live, sibling) == form]
    return sorted(found, key=lambda f: written_order(live, f))


def written_order(live: Path, rotated: Path) -> tuple[int, bool]:
    """A sort key putting rotated files of ``live`` in the order they were written, a plain
    file before its compressed copy (the copy may still be being written)."""
    age = rotation_age(live, rotated)
    return (age[1] if age is not None else 0), compressed(rotated.name)


def missing_generations(live: Path, rotated: Path) -> list[Path]:
    """The numbered names (``auth.log.1``) between ``rotated`` and ``live`` that no file has: a
    generation rotated on past, or deleted, before it was read. Dated names leave no gap to see."""
    age = rotation_age(live, rotated)
    if age is None or age[0] != "number" or -age[1] > _MAX_GENERATION:
        return []
    form = extension_named(live, rotated)
    present = {a[1] for s in rotated_siblings(live) if (a := rotation_age(live, s)) is not None and a[0] == "number"
               and extension_named(live, s) == form}
    # named as ``rotated`` is: auth.log.N, or app.N.log with logrotate's extension
    extension = live.name[len(name_stem(live.name)):] if form else ""
    base = live.name[:len(live.name) - len(extension)]
    return [live.with_name(f"{base}.{n}{extension}") for n in range(1, -age[1]) if -n not in present]


def rotation_family(path: Path) -> list[Path]:
    """The other rotated files of the live file ``path`` is a rotation of (for ``auth.log.1``:
    ``auth.log.2.gz``, ``auth.log-20251210``...): where the file read at ``path`` is now after
    a rotation that moved ``path`` on. Empty for a name logrotate does not give."""
    live = live_of(path)
    if live is None:
        return []
    return [f for f in rotated_siblings(live) if f != path and rotation_age(live, f) is not None]
