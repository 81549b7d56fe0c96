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
import pwd
import stat
import struct
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

__all__ = ["ANYONE", "Denied", "LinkRefused", "Resolved", "authority", "forbidden", "link_chain", "may",
           "open_folder", "resolve", "spell", "who", "writers"]

#: One step of the walk: a folder, never a link (O_PATH: search permission is enough to pass it).
_STEP = getattr(os, "O_PATH", os.O_RDONLY) | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC


class LinkRefused(Exception):
    """A folder of the path is a symbolic link the judge of :func:`resolve` refused."""

    def __init__(self, link: Path, target: str) -> None:
        super().__init__(f"{link} -> {target}")
        self.link = link
        self.target = target


class Denied(PermissionError):
    """A folder or file of the path that whoever may have put a symbolic link on it could not
    pass or read: not read, said once per path and counted (V14-5), as any refused link."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Resolved:
    """A folder as spelled (normalised) and as resolved at the check."""

    folder: str
    #: its real path: no symbolic link in it when it was resolved
    real: str
    #: the folders of the spelling that were symbolic links (allowed by the judge), outermost first
    links: tuple[str, ...]
    #: who may have put a followed link (folder.authority): the read is bound by their rights
    readers: frozenset[int] = frozenset()


def resolve(folder: Path, allowed: Callable[[Path, os.stat_result], bool]) -> Resolved:
    """Resolve ``folder`` component by component (lstat each); a symbolic link met is followed
    only when ``allowed(its spelled path, its lstat)`` says so, else LinkRefused. A followed
    link's target is walked the same way, each link met inside it judged too (R11h R1: root's
    ``/var/log/app -> /home/app/logs`` leads into a folder its user owns, who may swap ``logs``
    for a link to a root-only folder). Every followed link that root or govsoc's user does not
    vouch for (:func:`authority`) adds who may have put it there to ``readers``: the read is then
    bound by their rights (:func:`open_folder`, identity.in_folder). OSError when a component is
    missing, a link cannot be read (changed meanwhile) or links loop. A ``..`` is taken as the
    kernel takes it, from the real folder reached (``cur/..`` with ``cur`` a link is the folder
    above where ``cur`` leads: V14-4); ``Resolved.folder`` is the normalised spelling all the same,
    the key identity.in_folder compares file paths with."""
    spelled = Path(os.path.join(os.getcwd(), folder))  # not normpath'd: it drops `x/..` the kernel does not
    # (component, its depth in the spelling; None for one inside a followed link's target)
    pending: list[tuple[str, int | None]] = [(part, depth) for depth, part in enumerate(spelled.parts)]
    pending = pending[:0:-1]
    current, hops = "/", 0
    met: list[str] = []
    readers: set[int] = set()
    above: set[int] = set()  # who may write a folder passed so far (folder.writers)
    while pending:
        part, depth = pending.pop()
        if part in ("", "."):
            continue
        if part == "..":
            current = os.path.dirname(current)
            continue
        candidate = os.path.join(current, part)
        st = os.lstat(candidate)
        if not stat.S_ISLNK(st.st_mode):
            current = candidate
            above |= writers(st)
            continue
        # a link of the spelling is named as spelled; one inside a link's target by where it is
        link = Path(*spelled.parts[:depth + 1]) if depth is not None else Path(candidate)
        if not allowed(link, st):
            raise LinkRefused(link, _target(candidate))
        hops += 1
        if hops > 40:  # the kernel's limit (MAXSYMLINKS)
            raise OSError(errno.ELOOP, os.strerror(errno.ELOOP), candidate)
        met.append(str(link))
        # whoever may write a folder passed may have renamed in what holds this link (V14-3: root's
        # folder holding root's link to a secret, renamed into the attacker's folder)
        readers |= authority(candidate, st) | above
        target = os.readlink(candidate)
        if os.path.isabs(target):
            current = "/"
        parts = Path(target).parts[1:] if os.path.isabs(target) else Path(target).parts
        pending.extend((part, None) for part in reversed(parts))
    return Resolved(folder=os.path.normpath(spelled), real=current, links=tuple(met), readers=frozenset(readers))


def spell(folder: str, target: str) -> tuple[str, frozenset[int]]:
    """The path ``target`` (a link's text) names from the folder ``folder`` (absolute, no ``..``),
    as the kernel finds it, spelled without ``..``: os.path.normpath drops ``x/..`` where ``x`` is a
    symbolic link, the kernel follows ``x`` first and goes up from where it leads (V14-4: the check
    and the read were of a file the link does not name). There the spelling so far is replaced by
    its real path (:func:`resolve`, every link allowed: the spelling keeps no link to judge later),
    and who may have put the links so passed is returned too. Elsewhere a ``..`` drops the last
    component as text (the same for a folder that is not a link). OSError as the kernel's walk."""
    absolute = os.path.isabs(target)
    parts = [] if absolute else list(Path(folder).parts[1:])
    readers: frozenset[int] = frozenset()
    for part in Path(target).parts[1 if absolute else 0:]:
        if part == ".":
            continue
        if part != "..":
            parts.append(part)
            continue
        here = os.path.join("/", *parts)
        mode = os.lstat(here).st_mode
        if stat.S_ISLNK(mode):
            passed = resolve(Path(here), lambda _link, _st: True)
            readers |= passed.readers
            parts = list(Path(passed.real).parts[1:])
        elif not stat.S_ISDIR(mode):
            raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), here)
        parts = parts[:-1]
    return os.path.join("/", *parts), readers


def link_chain(path: Path) -> tuple[Path, frozenset[int]]:
    """Where the symbolic link ``path`` leads, followed link by link as spelled (:func:`spell`:
    ``..`` as the kernel takes it; the folders of the target are resolved and judged later, by
    :func:`resolve`), and who may have put the links of the chain (:func:`authority` of each, and
    whoever may write a folder above the first: V14-3). One lstat and one readlink a link.
    OSError when it dangles or loops."""
    first, readers = spell("/", os.path.join(os.getcwd(), path))
    current = Path(first)
    readers |= _writers_above(current.parent)
    for _ in range(40):  # the kernel's limit (MAXSYMLINKS)
        st = os.lstat(current)
        if not stat.S_ISLNK(st.st_mode):
            return current, readers
        readers |= authority(str(current), st)
        spelled, passed = spell(str(current.parent), os.readlink(current))
        current, readers = Path(spelled), readers | passed
    raise OSError(errno.ELOOP, os.strerror(errno.ELOOP), str(path))


def _writers_above(folder: Path) -> frozenset[int]:
    """Who may write a folder of ``folder`` (:func:`writers` of each, as spelled): any of them may
    have renamed in what holds a log's own link (V14-3)."""
    who: set[int] = set()
    for depth in range(1, len(folder.parts) + 1):
        try:
            who |= writers(os.stat(Path(*folder.parts[:depth])))
        except OSError:
            break
    return frozenset(who)


#: The users a link may be vouched for by: root and the user govsoc runs as.
def _vouching() -> frozenset[int]:
    return frozenset({0, os.geteuid()})


#: Who else may replace an entry of a folder others may write without the sticky bit (no one to name).
ANYONE = -1


def authority(link: str, st: os.stat_result) -> frozenset[int]:
    """Who may have put the symbolic link ``link`` (its lstat ``st``) where it is, when that is
    not only root or govsoc's user: empty for a link they own in a folder only they may write (a
    relocated /var/log, Debian's /var/run -> /run); else the link's owner and whoever may write
    the folder holding it (:func:`writers`). A read through such a link is bound by their rights: govsoc, running as
    root, reads through a user's link only what that user could read (the rule behind Linux's
    fs.protected_symlinks, which follows a link in a shared folder only for its owner)."""
    who = set() if st.st_uid in _vouching() else {st.st_uid}
    # (a root link in a user's folder counts as that user's: they may have renamed it there, R11h R10)
    return frozenset(who | writers(os.lstat(os.path.dirname(link) or "/")))


def writers(folder: os.stat_result) -> set[int]:
    """Who may put or rename entries in a folder of ``folder``'s lstat, beyond root and govsoc's
    user: its owner, and ANYONE when others may write it without the sticky bit. A folder its
    group may write (Ubuntu's /var/log, root:syslog 0775) counts as its owner's: the group is a
    system's choice of trusted writers, and counting it as anyone's refused ordinary 0640 logs
    behind root's links there (V14-1)."""
    who = set() if folder.st_uid in _vouching() else {folder.st_uid}
    if folder.st_mode & stat.S_IWOTH and not folder.st_mode & stat.S_ISVTX:
        who.add(ANYONE)
    return who


def may(info: os.stat_result, uid: int, want: int, acl: bytes | None = None) -> bool:
    """Whether user ``uid`` (ANYONE: any user) has the ``want`` bits (4 read, 1 search) on a file
    of ``info``: by its POSIX access ACL when it has one (``acl``: the system.posix_acl_access
    attribute, V14-2: a user an ACL denies was taken as allowed by the mode bits), else by its
    mode: owner, then group (the user's groups from the system's database), then others. Root
    has them all (its reads are govsoc's own)."""
    if uid == 0:
        return True
    if acl:
        return _acl_allows(acl, info, uid, want)
    if uid != ANYONE and info.st_uid == uid:
        return info.st_mode & (want << 6) == want << 6
    if uid != ANYONE and info.st_gid in _groups(uid):
        return info.st_mode & (want << 3) == want << 3
    return info.st_mode & want == want


#: POSIX ACL entry tags (linux/posix_acl.h); the xattr is a version (2) and 8-byte entries.
_USER_OBJ, _USER, _GROUP_OBJ, _GROUP, _MASK, _OTHER = 0x01, 0x02, 0x04, 0x08, 0x10, 0x20


def _acl_allows(acl: bytes, info: os.stat_result, uid: int, want: int) -> bool:
    """The POSIX.1e access check (acl(5), "ACCESS CHECK ALGORITHM") of user ``uid`` on an ACL
    in its Linux xattr form. Hand-written: no maintained Python binding is a dependency here
    (pylibacl needs libacl to build) and the check is a dozen lines over 8-byte entries."""
    if len(acl) < 4 or struct.unpack_from("<I", acl)[0] != 2 or (len(acl) - 4) % 8:
        return False  # not understood: refused (the safe side)
    entries = [struct.unpack_from("<HHI", acl, at) for at in range(4, len(acl), 8)]
    mask = next((perm for tag, perm, _ in entries if tag == _MASK), 7)
    if uid != ANYONE and info.st_uid == uid:
        return any(tag == _USER_OBJ and perm & want == want for tag, perm, _ in entries)
    if uid != ANYONE:
        named = [perm for tag, perm, ident in entries if tag == _USER and ident == uid]
        if named:
            return bool(named[0] & mask & want == want)
        groups = _groups(uid)
        matched = [perm & mask for tag, perm, ident in entries
                   if (tag == _GROUP_OBJ and info.st_gid in groups) or (tag == _GROUP and ident in groups)]
        if matched:
            return any(perm & want == want for perm in matched)
    return any(tag == _OTHER and perm & want == want for tag, perm, _ in entries)


def acl_of(fd: int) -> bytes | None:
    """The access ACL of the file open at ``fd`` (also an O_PATH descriptor, through /proc), or
    None when it has none (or the system cannot say)."""
    try:
        return os.getxattr(f"/proc/self/fd/{fd}", "system.posix_acl_access")
    except OSError:
        return None


def _groups(uid: int) -> frozenset[int]:
    """The groups of user ``uid`` (primary and supplementary); none for a user the system does not know."""
    try:
        entry = pwd.getpwuid(uid)
        return frozenset(os.getgrouplist(entry.pw_name, entry.pw_gid))
    except (KeyError, OSError):
        return frozenset()


def forbidden(info: os.stat_result, readers: frozenset[int], want: int, acl: bytes | None = None) -> int | None:
    """The first of ``readers`` who lacks ``want`` on a file of ``info`` (None: all have it)."""
    for uid in sorted(readers):
        if not may(info, uid, want, acl):
            return uid
    return None


def who(uid: int) -> str:
    """A user for a message: its name and id, or "any user"."""
    if uid == ANYONE:
        return "any user (the folder holding the link is writable by its group or others)"
    try:
        return f"user {pwd.getpwuid(uid).pw_name} ({uid})"
    except KeyError:
        return f"user id {uid}"


def _target(link: str) -> str:
    """Where ``link`` leads now, for a message."""
    try:
        return os.path.realpath(link)
    except OSError:
        return os.readlink(link) if os.path.islink(link) else link


def open_folder(real: str, readers: frozenset[int] = frozenset()) -> int:
    """A descriptor of the folder ``real`` (a real path: no link in it when it was resolved),
    opened one component at a time from ``/``, none through a symbolic link: OSError (ENOTDIR)
    naming the component that is a link, or no folder, now. With ``readers`` (Resolved.readers),
    each folder opened must be searchable by each of them (checked on the descriptor: the folder
    passed is the folder checked), else PermissionError naming the folder and the user."""
    fd = os.open("/", _STEP)
    reached = Path("/")
    try:
        for part in Path(real).parts[1:]:
            if readers:
                _searchable(fd, reached, readers)
            reached = reached / part
            step = os.open(part, _STEP, dir_fd=fd)
            os.close(fd)
            fd = step
        if readers:
            _searchable(fd, reached, readers)
    except OSError as e:
        os.close(fd)
        if e.errno in (errno.ENOTDIR, errno.ELOOP):
            raise OSError(e.errno, f"{reached} is no longer a folder (a symbolic link put in its place after the "
                                   "folder was checked?): not read", str(reached)) from e
        raise
    return fd


def _searchable(fd: int, folder: Path, readers: frozenset[int]) -> None:
    """PermissionError unless every one of ``readers`` may pass the folder open at ``fd``."""
    denied = forbidden(os.fstat(fd), readers, 1, acl_of(fd))
    if denied is not None:
        raise Denied(errno.EACCES, f"{folder} may not be searched by {who(denied)}, who may have put a "
                                            "symbolic link on the path: not read (a link lets govsoc read only what "
                                            "whoever put it could read)", str(folder))
