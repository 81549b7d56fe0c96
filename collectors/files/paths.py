"""What govsoc saw at each log PATH (not each file): when it first looked there and what was there.

Checkpoints (collectors.checkpoints) follow files, by content: a file rotated away takes its
checkpoint with it, and an empty file has none. Two questions are about the path itself:

* which rotated files of the path are new since govsoc first looked at it (R11f N5: a log empty
  at the last look, then written and rotated before the next one, left no file read before to
  start from, and its generation was never read, silently);
* whether the path was a regular file when its first file was read, so that a symbolic link put
  there later (by whoever may write the log folder, after a rotation) is refused and not read
  through (V12 F1), like Filebeat's ``prospector.scanner.symlinks`` off.

One small JSON file per path under ``<data_dir>/state/paths/``, written when the path is first
looked at and again only when what it says changes (a refusal counted, the path's kind first
known). Not fsynced: losing a record in a crash makes the next look the first one, later than
the real first look, which reads less than it could, never twice; it also loses the path's link
guard (a link put there later is taken as named, unless a checkpoint still sits at the path or
at a rotated file beside it). Records are keyed by the path's normalised absolute spelling.
A record that cannot be written (a read-only or full volume) is kept in memory for the process,
said once naming the folder and the OS error, and counted (V13 V5); while records cannot be
written, the guards that need a record from an earlier run fail closed: a link at a path with no
record, and a folder link of a path with no record (not root's), are refused.
A record that does not validate (hand edit, disk damage, another govsoc's format) is said once,
naming its file, and replaced by a cautious one (R11g G3): the first look is now (reads less,
never twice) and the kind "file" unless it said another valid kind (a link there stays refused).
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, cast, get_args

from govsoc.collectors.files.discover import live_of, rotation_age
from govsoc.collectors.files.folder import Resolved

__all__ = ["PathRecord", "PathRecords", "path_kind"]

#: What was at a path: a regular file (empty or not), a symbolic link, nothing, or other (a folder, a FIFO).
Kind = Literal["file", "link", "missing", "other"]


@dataclass(frozen=True, slots=True, kw_only=True)
class PathRecord:
    """One path's record: when it was first looked at and the first kind seen there."""

    path: str
    #: ISO time of the first look at the path by any run (UTC).
    first_look: str
    #: "file" once a regular file was read there (kept: a link in its place later is refused),
    #: "link" while only a link (named or allowed) was ever there, "missing" before anything was.
    kind: Kind
    #: Files refused at or beside this path (links, files of another owner), and the last reason.
    refused: int = 0
    refusal: str = ""
    #: The user id owning the regular file last seen at the path (None: none seen yet).
    owner: int | None = None
    #: The folder of the path when a regular file was first seen there through no folder link: a
    #: folder of the path replaced by a link later leads elsewhere, and is refused (R11g G1b).
    folder: str | None = None
    #: The folders of the path (spelled) that were symbolic links when a regular file was first seen
    #: there (None: not known, a record older than this field): another folder of the path that is a
    #: link later became one, and is refused unless root or govsoc's user owns it (V13 V9).
    links: tuple[str, ...] | None = None
    #: For a link read through (named or allowed): the file last read as its target. When the link
    #: points elsewhere (cronolog's ``current``, rotatelogs -L switched to a new dated file), that
    #: file's rest is read first (R11u-7: lines written to it after the last read were lost).
    target: str | None = None

    @property
    def first_look_seconds(self) -> float:
        """first_look as seconds since the epoch."""
        return datetime.fromisoformat(self.first_look).timestamp()


def path_kind(path: Path) -> Kind:
    """What is at ``path`` itself (a link is not followed)."""
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return "missing"
    if stat.S_ISLNK(mode):
        return "link"
    return "file" if stat.S_ISREG(mode) else "other"


def _valid(data: Any) -> PathRecord:
    """The record ``data`` (parsed JSON) holds; ValueError saying what is wrong when it does not
    hold one: the fields are used in arithmetic and time comparisons later, outside any guard."""
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    fields = {"path": str, "first_look": str, "kind": str, "refused": int, "refusal": str, "owner": int,
              "folder": str, "links": list, "target": str}
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise ValueError(f"unknown field {unknown[0]!r}")
    for name, wanted in fields.items():
        value = data.get(name)
        optional = name not in data and name in ("refused", "refusal", "owner", "folder", "links", "target")  # older
        typed = isinstance(value, wanted) and not isinstance(value, bool)
        if optional or typed or (value is None and name in ("owner", "folder", "links", "target")):
            continue
        raise ValueError(f"{name}: {value!r} is not {'a' if wanted is str else 'an'} {wanted.__name__}")
    if data["kind"] not in get_args(Kind):
        raise ValueError(f"kind: {data['kind']!r} is none of {', '.join(get_args(Kind))}")
    if data.get("refused", 0) < 0:
        raise ValueError(f"refused: {data['refused']} is negative")
    try:
        first = datetime.fromisoformat(data["first_look"])
    except ValueError:
        raise ValueError(f"first_look: {data['first_look']!r} is not an ISO time") from None
    # a first look in the future would silently stop the read of a quiet log's generations
    if first.tzinfo is None or first > datetime.now(UTC):
        raise ValueError(f"first_look: {data['first_look']!r} is not a past UTC time")
    if data.get("owner") is not None and data["owner"] < 0:
        raise ValueError(f"owner: {data['owner']} is not a user id")
    # the folders are compared with what a look finds: a relative or other folder than the path's own
    # disabled the log for good with no word (V13 V8)
    folder, above = data.get("folder"), os.path.dirname(data["path"])
    if folder is not None and folder != above:
        raise ValueError(f"folder: {folder!r} is not the folder of {data['path']!r}")
    target = data.get("target")
    if target is not None and (not os.path.isabs(target) or os.path.normpath(target) != target):
        raise ValueError(f"target: {target!r} is not an absolute, normalised path")
    links = data.get("links")
    if links is not None:
        wrong = [link for link in links if not isinstance(link, str) or not _above(link, above)]
        if wrong:
            raise ValueError(f"links: {wrong[0]!r} is not a folder of {data['path']!r}")
        data = {**data, "links": tuple(links)}
    return PathRecord(**data)


def _above(folder: str, below: str) -> bool:
    """Whether ``folder`` is an absolute, normalised folder of the path to ``below`` (or it)."""
    return os.path.isabs(folder) and os.path.normpath(folder) == folder and folder != "/" and (
        below == folder or below.startswith(folder + os.sep))


#: How long the record of a dated rotated name outlives its file (PathRecords.prune).
GONE_SECONDS = 7 * 86400
#: How often a run looks for such records (reading every record costs a file read each).
PRUNE_EVERY_SECONDS = 86400


def _plain_folder(path: Path) -> str | None:
    """The folder of ``path`` when no folder on the way is a symbolic link (its real path is its
    spelling), else None: a path named through a link (a deployment's ``current -> releases/v2``)
    was chosen so, and re-pointing that link is the deployment's, not a folder that became a link."""
    try:
        real = os.path.realpath(path.parent)
    except OSError:  # a folder swapped while realpath looked at it (V13 V4): no plain folder to record
        return None
    return real if real == os.path.normpath(os.path.abspath(path.parent)) else None


class PathRecords:
    """The records of every path, one file each under ``folder``, kept in memory once read;
    ``notice`` hears of a damaged record (once per record file and process)."""

    def __init__(self, folder: Path, notice: Callable[[str], None] | None = None) -> None:
        self.folder = Path(folder)
        self.notice = notice or (lambda _message: None)
        self._known: dict[str, PathRecord] = {}
        #: The paths whose record could not be written in this process, and the first failure's OS
        #: error (V13 V5): those records are kept in memory for this process only.
        self.unwritten: set[str] = set()
        self.failure: str | None = None
        self._probed = False
        #: each path's folder as resolved at the check of the read under way (follow.read_path)
        self._resolved: dict[str, Resolved] = {}
        self._lock = threading.Lock()

    @staticmethod
    def key(path: Path) -> str:
        """The record's key for ``path``: its absolute spelling with ``.``, ``..`` and doubled
        slashes taken out, so that ``logs/../logs/auth.log`` is the same path as ``logs/auth.log``
        (R11g G2: another spelling had no record, and a link there was read as named). Not the
        real path: a folder swapped for a link must still find the record of the path named."""
        return os.path.normpath(os.path.abspath(path))

    def _file(self, path: str) -> Path:
        return self.folder / f"{hashlib.sha256(os.fsencode(path)).hexdigest()[:32]}.json"

    def get(self, path: Path) -> PathRecord | None:
        """The record of ``path``, or None when it was never looked at."""
        key = self.key(path)
        with self._lock:
            known = self._known.get(key)
        if known is not None:
            return known
        file = self._file(key)
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as e:  # unreadable, or not JSON (ValueError: bad UTF-8 too)
            return self._damaged(key, file, data=None, why=str(e))
        try:
            record = _valid(data)
        except ValueError as e:
            return self._damaged(key, file, data=data, why=str(e))
        if record.path != key:  # a hash collision: not this path's record
            return None
        with self._lock:
            self._known[key] = record
        return record

    def _damaged(self, key: str, file: Path, *, data: Any, why: str) -> PathRecord:
        """The cautious record that replaces ``file``, damaged (said, then rewritten): first
        looked at now, and a regular file read there unless the record said another valid kind."""
        said = data.get("kind") if isinstance(data, dict) else None
        kind = cast(Kind, said) if said in get_args(Kind) else "file"
        record = PathRecord(path=key, first_look=datetime.now(UTC).isoformat(), kind=kind)
        cautious = " and as a regular file read there (a link there is refused)" if record.kind == "file" else ""
        done = "replaced" if self._save(record) else f"not replaced ({self.failure}: kept for this run only)"
        self.notice(f"{file}: the record of {key} is damaged ({why}): {done}, the path taken as first looked "
                    f"at now{cautious}")
        return record

    def resolved(self, path: Path, folder: Resolved) -> None:
        """Note how the folder of ``path`` was resolved at this read's check (which links it met):
        what look() records when a regular file is first seen there. Taken from the check, not
        looked at again: a folder swapped for a link in between would be recorded as a link."""
        with self._lock:
            self._resolved[self.key(path)] = folder

    def look(self, path: Path, kind: Kind, owner: int | None = None) -> PathRecord:
        """The record of ``path``, made now when it has none (``kind`` is what is there now,
        ``owner`` the user id of the regular file there); a path first seen missing or as a link
        takes the kind of the regular file seen later."""
        record = self.get(path)
        folder, links = self._folder(path) if kind == "file" else (None, None)
        if record is None:
            record = PathRecord(path=self.key(path), first_look=datetime.now(UTC).isoformat(), kind=kind, owner=owner,
                                folder=folder, links=links)
        else:
            changed = replace(record, kind=record.kind if record.kind == "file" or kind in ("missing", "other")
                              else kind, owner=record.owner if owner is None else owner,
                              folder=record.folder or folder, links=record.links if record.links is not None
                              else links)
            if changed == record:
                return record
            record = changed
        self._save(record)
        return record

    def _folder(self, path: Path) -> tuple[str | None, tuple[str, ...] | None]:
        """The plain folder of ``path`` (None when a link is on the way) and the links on the way
        (None: not known), from this read's check when there was one."""
        with self._lock:
            checked = self._resolved.get(self.key(path))
        if checked is None:
            return _plain_folder(path), None
        return (checked.real if not checked.links else None), checked.links

    def owners(self, path: Path) -> frozenset[int] | None:
        """Who may own a rotated file of the log ``path``: root and the owner of the regular file
        at the path (the one last seen there when there is none now: removed by whoever may write
        the folder); None when no regular file was ever seen there (nothing to compare with)."""
        try:
            st = os.lstat(path)
        except OSError:
            st = None
        if st is not None and stat.S_ISREG(st.st_mode):
            return frozenset({0, st.st_uid})
        record = self.get(path)
        return None if record is None or record.owner is None else frozenset({0, record.owner})

    def moved(self, path: Path, links: tuple[str, ...]) -> PathRecord:
        """Record that the folder of ``path`` now goes through the (trusted) folder links ``links``:
        its plain folder is no longer recorded, the links are (a folder that becomes a link later is
        refused as for any path named through links)."""
        record = self.get(path) or PathRecord(path=self.key(path), first_look=datetime.now(UTC).isoformat(),
                                              kind="file")
        record = replace(record, folder=None, links=links)
        self._save(record)
        return record

    def read_through(self, path: Path, target: Path) -> None:
        """Record that the link at ``path`` was read as the file ``target`` (PathRecord.target)."""
        record = self.get(path)
        spelled = self.key(target)
        if record is not None and record.target != spelled:
            self._save(replace(record, target=spelled))

    def refuse(self, path: Path, reason: str, kind: Kind) -> PathRecord:
        """Count a symbolic link refused at ``path`` (shown by `govsoc status`); ``kind``: what
        the path is taken to be when it has no record yet ("file" where one was read)."""
        record = self.get(path) or PathRecord(path=self.key(path), first_look=datetime.now(UTC).isoformat(),
                                              kind=kind)
        record = replace(record, refused=record.refused + 1, refusal=reason)
        self._save(record)
        return record

    def all(self) -> list[PathRecord]:
        """Every path's record."""
        try:
            names = sorted(os.listdir(self.folder))
        except OSError:
            return []
        found = []
        for name in names:
            if name.endswith(".json"):
                try:
                    found.append(_valid(json.loads((self.folder / name).read_text(encoding="utf-8"))))
                except (OSError, ValueError):  # damaged: said and replaced by the next run's look
                    continue
        return found

    def prune(self, gone_for: float = GONE_SECONDS, every: float = PRUNE_EVERY_SECONDS) -> int:
        """Remove the records of dated rotated names (dateext's ``auth.log-20251210.gz``) no file
        has had for ``gone_for`` seconds (the record unchanged that long, nothing at the path),
        at most once per ``every`` seconds (a stamp file); returns how many went. Each dated name
        a glob ever matched kept a record for good (R11g G6: 13 records for 4 files after 12
        rotations). Such a name never comes back (numbered names are reused, and bounded by
        logrotate's ``rotate N``: kept), and a link at it is refused as a glob match anyway.
        Records that counted a refusal stay (`govsoc status`)."""
        stamp = self.folder / ".pruned"
        now = time.time()
        try:
            if now - stamp.stat().st_mtime < every:
                return 0
        except OSError:
            pass
        removed = 0
        for record in self.all():
            path = Path(record.path)
            live = live_of(path)
            age = rotation_age(live, path) if live is not None else None
            if record.refused or age is None or age[0] != "date" or os.path.lexists(path):
                continue
            file = self._file(record.path)
            try:
                if now - file.stat().st_mtime <= gone_for:
                    continue
                file.unlink()
            except OSError:
                continue
            removed += 1
            with self._lock:
                self._known.pop(record.path, None)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            stamp.touch()
        except OSError:
            pass
        return removed

    def writable(self) -> bool:
        """Whether records can be written: False once a write failed in this process; else found
        out once per process by writing (and removing) a probe file. A guard that needs a record
        written by an earlier run asks it: without records, a path with none may have held a
        regular file that a run could not record (V13 V5), so that guard fails closed."""
        if self.failure is not None:
            return False
        if not self._probed:
            self._probed = True
            probe = self.folder / f".probe.{os.getpid()}.{threading.get_ident()}.tmp"
            try:
                self.folder.mkdir(parents=True, exist_ok=True)
                # a record's worth of bytes, on the disk: an empty file needs no data block, so a
                # full volume accepted it and the guard passed before any record failed (R11h R3)
                _write_synced(probe, b"x" * _PROBE_BYTES)
            except OSError as e:
                self._failed(e)
            finally:
                _remove(probe)
        return self.failure is None

    def _failed(self, e: OSError, path: str | None = None) -> None:
        """A record write failed: counted, and said once per process, naming the folder and the
        OS error (a read-only or full volume): the records are kept in memory for this run."""
        if path is not None:
            self.unwritten.add(path)
        if self.failure is None:
            self.failure = e.strerror or str(e)
            self.notice(f"{self.folder}: path records cannot be written ({self.failure}): kept for this run only; "
                        "until they can be written, a symbolic link at a path with no record, and a link in a "
                        "folder of a path not known before, are refused (their guards need the record)")

    def _save(self, record: PathRecord) -> bool:
        """Keep ``record`` (in memory, and in its file); False when the file could not be written."""
        with self._lock:
            self._known[record.path] = record
        target = self._file(record.path)
        temp = target.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            temp.write_text(json.dumps(asdict(record), ensure_ascii=True), encoding="utf-8")
            os.replace(temp, target)
        except OSError as e:  # a read-only or full volume: kept in memory for this process, said
            _remove(temp)  # not one empty file (an inode) left per failed write (R11h R3)
            self._failed(e, record.path)
            return False
        self._probed = True
        self.unwritten.discard(record.path)
        return True


#: How much the writability probe writes: more than a path record's JSON text (about 300-600 bytes).
_PROBE_BYTES = 4096


def _write_synced(path: Path, data: bytes) -> None:
    """``data`` written to a new file at ``path`` and fsync'd: the write a record needs, so ENOSPC
    or EROFS shows here, not after a guard trusted the probe."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o600)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove(path: Path) -> None:
    """Remove ``path`` if it is there (a probe or a temporary record file)."""
    try:
        path.unlink(missing_ok=True)
    except OSError:
        pass
