"""Checkpoints: per source, how far govsoc has read and what became of it.

One JSON file per source identity under ``<data_dir>/state/sources/``, replaced atomically
(write, fsync, rename) and only after the store or the durable spool acknowledged the records
before the new position. A crash between the store's acknowledgement and the checkpoint means
those records are read again; their ids are the same, so the store keeps them once.

A file is matched to its checkpoint by the fingerprint of its first bytes (see
collectors.files.identity). When several checkpoints share a fingerprint (a file truncated and
rewritten with the same first bytes), the one whose content before its position still matches
the file wins, same device and inode first, newest first; when none matches, the file is a new
generation with a new identity.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from govsoc.collectors.atomic_file import NO_ROOM, NOT_WRITABLE, DiskFull, not_writable, replace_file, sync_folder
from govsoc.collectors.checkpoint_file import log_path, still_elsewhere
from govsoc.collectors.checkpoint_match import consistent_with, content_choice
from govsoc.collectors.checkpoint_record import (
    COUNTERS,
    RECORD_FILE,
    Checkpoint,
    DamagedCheckpoint,
    Partial,
    checkpoint_bytes,
    read_checkpoint,
)
from govsoc.collectors.files.discover import live_of
from govsoc.collectors.files.folder_watch import watch
from govsoc.collectors.files.identity import FINGERPRINT_BYTES, FileView, fingerprint
from govsoc.collectors.files.padding import written_head
from govsoc.collectors.files.read_past import copy_unchanged
from govsoc.collectors.files.read_state import state_holds
from govsoc.core.errors import GovsocError, Location
from govsoc.core.event import make_id

#: Names kept here for their importers: a checkpoint's record (checkpoint_record), the state
#: folder's atomic files (atomic_file).
__all__ = ["COUNTERS", "DAMAGED_FOLDER", "GROUP_SECONDS", "GROUP_SIZE", "MAX_RECOVERED_GENERATION", "RACY_SECONDS",
           "RECORD_FILE", "Checkpoint", "CheckpointStore", "DiskFull", "Partial", "lived", "not_writable",
           "replace_file", "sync_folder"]

#: A folder listing taken within this many seconds of the folder's modification time is not
#: trusted to show every change (file system times are stamped in coarse ticks).
RACY_SECONDS = 1.0

#: Inside CheckpointStore.grouped(), saves are written together once this many checkpoints
#: wait, or the oldest waited this long (a kill -9 then re-reads, at most, what they would
#: have skipped: the store keeps those records once).
GROUP_SIZE = 256
GROUP_SECONDS = 1.0

#: Generations of one fingerprint tried when a damaged checkpoint's file is looked for.
MAX_RECOVERED_GENERATION = 4
#: Where a damaged checkpoint is moved (inside the checkpoints' folder), kept for a person to read.
DAMAGED_FOLDER = "damaged"


class CheckpointStore:
    """The checkpoints of every source, one file each under ``folder``. A checkpoint whose content
    is damaged (not JSON, not UTF-8, fields missing or of the wrong kind: a disk fault or a hand
    edit; saves themselves are atomic) is moved to ``folder/damaged/``, ``notice`` hears of it
    once, and its source is taken as not seen before: it is read again from its start, and the
    store's ids keep its lines once (R11i-2: one such file stopped every source of every run)."""

    def __init__(self, folder: Path, notice: Callable[[str], None] | None = None) -> None:
        self.folder = Path(folder)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            if e.errno in NOT_WRITABLE:
                raise not_writable(self.folder, e) from e
            raise
        self.notice = notice or (lambda _message: None)
        #: Files (copies) the content digests showed to be the file of several checkpoints alike (match),
        #: each counted and said once however often it is looked at (RRR11ba-2: said per look and candidate).
        self.ambiguous = 0
        self._ambiguous_copies: set[tuple[int, int]] = set()
        # Parsed checkpoint files by name, with the (inode, mtime, size) they were parsed at: a
        # saved checkpoint is a new file (rename), so a changed one is read again. Own saves drop
        # their entry (a quick second save may reuse the inode, time and size).
        self._parsed: dict[str, tuple[tuple[int, int, int], Checkpoint]] = {}
        # What match() needs of a checkpoint, its fingerprint, never changes for an identity:
        # length -> fingerprint -> identities, listed again only when the folder changed (see
        # _listing), so a folder of thousands of unchanged files costs a lookup per file, not a
        # scan of every checkpoint per file. all() is kept the same way.
        self._by_print: dict[int, dict[str, list[str]]] = {}
        self._prints: dict[str, tuple[str, int]] = {}
        self._prints_listed: int | None = None
        self._print_names: frozenset[str] = frozenset()
        self._print_listed: frozenset[str] = frozenset()
        self._all: list[Checkpoint] = []
        self._all_listed: int | None = None
        self._all_stale = True
        self._written: dict[str, Checkpoint] = {}  # file name -> its checkpoint, as last looked
        self._by_path: dict[str, list[Checkpoint]] = {}
        # The kernel's word of which names changed (collectors.files.folder_watch), where it gives
        # one: then neither listing above is taken again while the folder keeps changing.
        self._watch = watch(self.folder)
        if self._watch is not None:
            self._watch.reader("all")
            self._watch.reader("prints")
        # Saves made inside grouped() and not written yet, by identity (see grouped); read by
        # get, all, at_path and match as if written. The lock is held while they are written.
        self._pending: dict[str, Checkpoint] = {}
        self._pending_since = 0.0
        self._grouping = 0
        self._pending_lock = threading.RLock()
        # Identities whose waiting save is a new file's registration, made without the source's
        # lock: it gives way to a checkpoint another process wrote meanwhile (see lock, flush).
        self._registrations: set[str] = set()
        # Source locks whose hold ended while their checkpoint still waited to be written: kept
        # until flush writes it (another `govsoc ingest` of the source waits for that checkpoint,
        # R11e F4), with how many holds of this process are in them now (a reentry).
        self._held: dict[str, list[Any]] = {}
        # Registrations waiting here that were written already, not synced, so that other
        # processes see them (show), with the file's state then: flush syncs them, unless another
        # process wrote the checkpoint since.
        self._shown: dict[str, tuple[int, int, int]] = {}

    def _file(self, identity: str) -> Path:
        return self.folder / f"{identity}.json"

    def all(self) -> list[Checkpoint]:
        """Every checkpoint, oldest update first."""
        with self._pending_lock:
            pending = dict(self._pending)
        written = self._all_written()
        if not pending:
            return written
        return sorted([*(c for c in written if c.identity not in pending), *pending.values()],
                      key=lambda c: c.updated)

    def _all_written(self) -> list[Checkpoint]:
        self._look_written()
        if self._all_stale:
            self._all = sorted((self._written[name] for name in sorted(self._written)), key=lambda c: c.updated)
            self._all_stale = False
        return self._all

    def _look_written(self) -> None:
        """Bring ``_written`` and ``_by_path`` up to the folder: with a watch, only the names that
        changed are read again (R58a-1: every checkpoint listed and stat-ed at every file of a run
        over thousands); else the folder is listed again when it changed (see _listing)."""
        watch = self._watch
        changed = watch.changed("all") if watch is not None else None
        if changed is not None:
            for name in changed:
                if name.endswith(".json"):
                    self._read_again(name)
            return
        listing = self._listing() if watch is None else None
        if watch is None and listing is not None and listing == self._all_listed:
            return
        parsed: dict[str, tuple[tuple[int, int, int], Checkpoint]] = {}
        with os.scandir(self.folder) as entries:
            for entry in entries:
                if not entry.name.endswith(".json"):
                    continue
                try:
                    st = entry.stat()
                    key = (st.st_ino, st.st_mtime_ns, st.st_size)
                    known = self._parsed.get(entry.name)
                    if known is None or known[0] != key:
                        read = self._load(Path(entry.path))
                        if read is None:
                            continue
                        known = (key, read)
                except FileNotFoundError:
                    continue
                parsed[entry.name] = known
        self._parsed = parsed
        self._written = {name: known[1] for name, known in parsed.items()}
        self._all_listed = listing
        self._by_path = {}
        for name in sorted(self._written):
            self._by_path.setdefault(self._written[name].path, []).append(self._written[name])
        for same in self._by_path.values():
            same.sort(key=lambda c: c.updated)
        self._all_stale = True

    def _read_again(self, name: str) -> None:
        """One checkpoint file the watch said changed: read again (or gone)."""
        old = self._written.pop(name, None)
        if old is not None:
            same = self._by_path.get(old.path, [])
            same[:] = [c for c in same if c is not old]
            if not same:
                self._by_path.pop(old.path, None)
        self._all_stale = True
        path = self.folder / name
        try:
            st = os.stat(path)
        except FileNotFoundError:
            self._parsed.pop(name, None)
            return
        checkpoint = self._load(path)
        if checkpoint is None:
            self._parsed.pop(name, None)
            return
        self._parsed[name] = ((st.st_ino, st.st_mtime_ns, st.st_size), checkpoint)
        self._written[name] = checkpoint
        same = self._by_path.setdefault(checkpoint.path, [])
        same.append(checkpoint)
        same.sort(key=lambda c: c.updated)

    def at_path(self, path: str) -> list[Checkpoint]:
        """The checkpoints whose file was last seen at ``path``, oldest update first."""
        with self._pending_lock:
            pending = [c for c in self._pending.values() if c.path == path]
        self._look_written()
        if not pending:
            return list(self._by_path.get(path, ()))
        kept = {c.identity for c in pending}
        return sorted([*(c for c in self._by_path.get(path, ()) if c.identity not in kept), *pending],
                      key=lambda c: c.updated)

    def _listing(self) -> int | None:
        """The folder's modification time now, or None when a listing taken now could miss a
        change made later within the same time stamp (the folder changed within RACY_SECONDS).

        Every save renames a new file into the folder, so an unchanged, settled time means no
        checkpoint was added, replaced or removed: what was read at that time still holds.
        """
        mtime = os.stat(self.folder).st_mtime_ns
        if time.time_ns() - mtime <= RACY_SECONDS * 1_000_000_000:
            return None
        return mtime

    def get(self, identity: str) -> Checkpoint | None:
        """The checkpoint of one identity, if any: parsed again only when its file changed (a
        save renames a new file in, so its inode, time and size tell, once that time is older
        than RACY_SECONDS: a file saved since has a later one; one stat, where an unchanged
        file of a folder was read and parsed five times a run)."""
        with self._pending_lock:
            pending = self._pending.get(identity)
        if pending is not None:
            return pending
        path = self._file(identity)
        try:
            st = os.stat(path)
        except FileNotFoundError:
            return None
        except OSError:
            return self._load(path)  # which says what is wrong
        key = (st.st_ino, st.st_mtime_ns, st.st_size)
        known = self._parsed.get(path.name)
        if known is not None and known[0] == key and time.time_ns() - st.st_mtime_ns > RACY_SECONDS * 1_000_000_000:
            return known[1]
        checkpoint = self._load(path)
        if checkpoint is not None:
            self._parsed[path.name] = (key, checkpoint)
        return checkpoint

    def _load(self, path: Path) -> Checkpoint | None:
        """The checkpoint at ``path``, None when there is none or it was damaged (then moved
        aside and said); an OSError reading it (permissions, I/O) is still the run's error."""
        try:
            return read_checkpoint(path)
        except DamagedCheckpoint as e:
            aside = self.folder / DAMAGED_FOLDER / f"{path.name}.{datetime.now(UTC).strftime('%Y%m%dT%H%M%S%fZ')}"
            try:
                aside.parent.mkdir(exist_ok=True)
                os.replace(path, aside)
                where = f"moved to {aside}"
            except FileNotFoundError:
                return self._load(path) if path.exists() else None  # replaced meanwhile by a save
            except OSError as moved:
                where = f"not moved aside ({moved.strerror}): said again at each read"
            self.notice(f"{path}: damaged checkpoint ({e.why}): {where}; its source is read again from "
                        f"its start (the store keeps each line once)")
            return None

    def _lost_identity(self, view: FileView) -> tuple[str, str, int] | None:
        """The identity, fingerprint and fingerprint length of a damaged checkpoint (moved aside,
        none there now) whose file ``view`` shows, if any. Its name keeps the identity, which is
        the fingerprint of the file's first bytes (or a generation of it) when it was registered,
        but not how many bytes that was (the whole file when it was shorter than
        FINGERPRINT_BYTES): each length is tried, a few milliseconds, and only while such a
        checkpoint waits to be matched."""
        lost = {path.name.split(".json")[0] for path in self.damaged()}
        lost = {identity for identity in lost if self.get(identity) is None}
        if not lost:
            return None
        head = view.head[:FINGERPRINT_BYTES]
        for length in range(len(head), 0, -1):
            print_ = fingerprint(head[:length])
            for generation in range(MAX_RECOVERED_GENERATION + 1):
                identity = make_id(print_, "generation", generation) if generation else print_
                if identity in lost:
                    return identity, print_, length
        return None

    def damaged(self) -> list[Path]:
        """The damaged checkpoints moved aside so far (govsoc status counts them)."""
        try:
            return sorted((self.folder / DAMAGED_FOLDER).iterdir())
        except FileNotFoundError:
            return []

    def _fingerprints(self) -> dict[int, dict[str, list[str]]]:
        """Every checkpoint's identity by fingerprint length and fingerprint: with a watch on the
        folder, from the names that changed; else the folder is listed again when it changed (see
        _listing). Only names not seen before are read."""
        watch = self._watch
        changed = watch.changed("prints") if watch is not None else None
        listing: int | None = None
        if changed is not None:
            if not changed:
                return self._by_print
            present = set(self._print_names)
            for name in changed:
                if name.endswith(".json"):
                    if os.path.exists(os.path.join(self.folder, name)):
                        present.add(name)
                    else:
                        present.discard(name)
            names = frozenset(present)
        else:
            if watch is None:
                listing = self._listing()
                if listing is not None and listing == self._prints_listed:
                    return self._by_print
            # A checkpoint's fingerprint never changes, so the names alone say what changed: while
            # the folder changes (every save of a run over many files does), its names are compared
            # with those listed before and only the difference is read (R58a-1).
            listed = frozenset(os.listdir(self.folder))
            if watch is None and listed == self._print_listed:
                self._prints_listed = listing
                return self._by_print
            self._print_listed = listed
            names = frozenset(name for name in listed if name.endswith(".json"))
        known = self._print_names
        # changed by replacing, never in place: a caller may be iterating the previous one
        by_print = dict(self._by_print)
        for name in known - names:
            gone = self._prints.pop(name[:-len(".json")], None)
            if gone is not None:
                _print_change(by_print, gone, name[:-len(".json")], add=False)
        unread: set[str] = set()
        for name in names - known:
            identity = name[:-len(".json")]
            checkpoint = self.get(identity)
            if checkpoint is None:  # gone meanwhile, or damaged and moved aside: tried again next time
                unread.add(name)
                continue
            self._prints[identity] = (checkpoint.fingerprint, checkpoint.fingerprint_bytes)
            _print_change(by_print, self._prints[identity], identity, add=True)
        self._by_print = by_print
        self._print_names = names - unread
        if unread:
            self._print_listed = frozenset()  # the same listing is read again, for them
        self._prints_listed = listing
        return self._by_print

    def save(self, checkpoint: Checkpoint, *, can_wait: bool = False) -> Checkpoint:
        """Replace a checkpoint atomically and durably; returns it with its update time. With
        ``can_wait`` (a new file's registration, a file read to its end), inside :meth:`grouped`
        it is written soon, together with others; a position within a file is written at once,
        so a kill -9 re-reads at most one batch of a large file."""
        checkpoint = replace(checkpoint, updated=datetime.now(UTC).isoformat(timespec="microseconds"))
        with self._pending_lock:
            self._registrations.discard(checkpoint.identity)
        if not (can_wait and self._grouping):
            with self._pending_lock:
                self._write([checkpoint])
                self._pending.pop(checkpoint.identity, None)
                # a large file's positions do not keep the group (and its sources' locks) waiting
                due = bool(self._pending) and time.monotonic() - self._pending_since >= GROUP_SECONDS
            if due:
                self.flush()
            return checkpoint
        with self._pending_lock:
            if not self._pending:
                self._pending_since = time.monotonic()
            self._pending[checkpoint.identity] = checkpoint
            due = len(self._pending) >= GROUP_SIZE or time.monotonic() - self._pending_since >= GROUP_SECONDS
        if due:
            self.flush()
        return checkpoint

    @contextlib.contextmanager
    def grouped(self) -> Iterator[None]:
        """Save checkpoints together: inside the block a save is kept here (get, all, at_path and
        match see it) and written with the others waiting once GROUP_SIZE wait or the oldest
        waited GROUP_SECONDS, and when the block ends. Each is still written atomically, but the
        folder is synced once for them all, and a checkpoint saved several times meanwhile (a
        new file's registration, then its position) is written once: a folder of small files
        costs one fsync a file, not four. Every save is made after the store acknowledged what
        it claims, as outside the block, so one written late only claims less: a kill -9 before
        it is written makes the next run read those records again, and the store keeps them
        once (their ids are the same)."""
        with self._pending_lock:
            self._grouping += 1
        try:
            yield
        except BaseException:
            with self._pending_lock:
                self._grouping -= 1
                if not self._grouping:
                    with contextlib.suppress(GovsocError):  # what failed is said, not this (a full disk)
                        self.flush()
            raise
        with self._pending_lock:
            self._grouping -= 1
            if not self._grouping:
                self.flush()

    def flush(self) -> None:
        """Write the checkpoints :meth:`grouped` keeps (each atomically, the folder synced once),
        then release the source locks kept for them. A registration is not written over a
        checkpoint another process wrote meanwhile (it would take that one's position back to 0)."""
        with self._pending_lock:
            try:
                waiting = [c for c in self._pending.values()
                           if not (c.identity in self._registrations and self._written_by_another(c.identity))]
                if waiting:
                    self._write(waiting)
                self._pending.clear()
                self._registrations.clear()
            finally:
                self._shown.clear()
                for identity, (handle, holds) in list(self._held.items()):
                    if not holds:
                        del self._held[identity]
                        _release(handle)

    def _write(self, checkpoints: list[Checkpoint]) -> None:
        """Write each checkpoint to a new file, fsync it and rename it over the old one; then
        fsync the folder once, which makes the renames durable."""
        for checkpoint in checkpoints:
            target = self._file(checkpoint.identity)
            replace_file(target, checkpoint_bytes(checkpoint), "the checkpoint")
            self._parsed.pop(target.name, None)  # a quick second save may reuse the inode, time and size
        sync_folder(self.folder)

    @contextlib.contextmanager
    def lock(self, identity: str) -> Iterator[None]:
        """Hold one source for this process: a second `govsoc ingest` of it waits here, until the
        checkpoint of what this one read is written (inside :meth:`grouped` that may be after the
        hold ends: the lock is kept until then), and then resumes from that checkpoint (R11e F4:
        it read the whole file again, and its counters replaced the first run's)."""
        with self._pending_lock:
            kept = self._held.get(identity)
            if kept is not None:
                kept[1] += 1
        if kept is None:
            try:
                handle = (self.folder / f"{identity}.lock").open("a")
            except OSError as e:
                if e.errno in NOT_WRITABLE:
                    raise not_writable(self.folder, e) from e
                if e.errno in NO_ROOM:
                    raise DiskFull(f"no room for a lock: {e.strerror}", location=Location(path=str(self.folder))) \
                        from e
                raise
            try:
                _wait_for(handle, self)
            except BaseException:
                handle.close()
                raise
            kept = [handle, 1]
            with self._pending_lock:
                self._held[identity] = kept
                if identity in self._registrations and self._written_by_another(identity):
                    # registered here without the lock; whoever held it since wrote its checkpoint
                    self._registrations.discard(identity)
                    self._pending.pop(identity, None)
        try:
            yield
        finally:
            with self._pending_lock:
                kept[1] -= 1
                release = not kept[1] and identity not in self._pending
                if release:
                    del self._held[identity]
            if release:
                _release(kept[0])

    def show(self, checkpoint: Checkpoint) -> None:
        """Write ``checkpoint``, a registration waiting in this :meth:`grouped` block, now but
        without syncing it (flush does): other processes see it. A file registered from a head
        shorter than a fingerprint would otherwise be registered again by another process looking
        at it once it has grown, under another identity, each reading it from byte 0 (R11q-8: a
        follower and a cron one-shot at once); written and synced at once, a folder of small new
        files cost an fsync each (e662ff2)."""
        with self._pending_lock:
            if self._pending.get(checkpoint.identity) != checkpoint:
                return
            target = self._file(checkpoint.identity)
            replace_file(target, checkpoint_bytes(checkpoint), "the checkpoint", durable=False)
            self._parsed.pop(target.name, None)
            self._shown[checkpoint.identity] = _state_of(target)

    def _written_by_another(self, identity: str) -> bool:
        """Whether another process wrote the checkpoint of ``identity`` (it exists, and is not the
        one show() wrote here)."""
        target = self._file(identity)
        shown = self._shown.get(identity)
        if shown is None:
            return target.exists()
        try:
            return _state_of(target) != shown
        except FileNotFoundError:
            return False

    def match(self, view: FileView) -> Checkpoint | None:
        """The checkpoint of the file ``view`` shows, or None when it is a file not seen before."""
        candidates = self.candidates(view)
        # the file's own checkpoint first, the others only without it: the same answer as judging
        # all, and a compressed file registered once is not counted through again at every look
        # (checkpoint_match.consistent_with), only while it matches none of its own
        own = (view.device, view.inode)
        same_inode = [c for c in candidates if (c.device, c.inode) == own]
        others = [c for c in candidates if (c.device, c.inode) != own]
        for group in (same_inode, others):
            consistent = [c for c in group
                          if consistent_with(c, view) and not still_elsewhere(c, view, self._a_log_read)]
            # compared by content: a plain file's digests are a few preads; a compressed one is decompressed
            # once, only where several are consistent or it is not, as stored, the file the checkpoint's read
            # ended at the end of (read_state) or the copy it read past (an inode alone may be a freed one
            # given again to a later copy; a trailer is the last member's alone: R52a-3, R53b)
            only = consistent[0] if len(consistent) == 1 else None
            own_read = view.compressed and only is not None and group is same_inode and (
                state_holds(only.kept, view, only.read_to) or copy_unchanged(only.kept, view))
            if consistent and not own_read:
                consistent = self._by_content(consistent, view)
            if consistent:
                return consistent[-1]
        return None

    def _a_log_read(self, log: Path) -> bool:
        """Whether one of the checkpoints is of ``log`` (a live path): its file last read at it or at one of
        its rotated names (checkpoint_file.log_path)."""
        with self._pending_lock:
            pending = list(self._pending.values())
        self._look_written()
        return any(log_path(c) == log for c in (*self._written.values(), *pending))

    def _by_content(self, consistent: list[Checkpoint], view: FileView) -> list[Checkpoint]:
        """Of the checkpoints ``view``'s file is consistent with, those whose read its content shows
        best (checkpoint_match.content_choice); several alike: the newest of those read the least,
        counted in ``ambiguous`` and said through ``notice`` once a copy."""
        left, alike = content_choice(consistent, view)
        if alike:
            taken = left[0]
            if (view.device, view.inode) not in self._ambiguous_copies:  # once a copy, however many looks
                self._ambiguous_copies.add((view.device, view.inode))
                self.ambiguous += 1
                self.notice(f"{view.path}: its content matches {len(alike)} checkpoints alike "
                            f"({', '.join(f'{c.path} at {c.offset}' for c in alike)}): taken for {taken.path}'s "
                            f"at {taken.offset}, the newest of those read the least (its lines may be stored "
                            "twice, not lost)")
        return left

    def candidates(self, view: FileView) -> list[Checkpoint]:
        """The checkpoints whose fingerprint ``view``'s first bytes have, oldest update first."""
        # The fingerprint of an identity never changes; the rest is read fresh for the few candidates.
        candidates: list[Checkpoint] = []
        for length, identities in self._fingerprints().items():
            print_ = view.prefix_fingerprint(length)
            for identity in identities.get(print_, []) if print_ is not None else []:
                checkpoint = self.get(identity)
                if checkpoint is not None:
                    candidates.append(checkpoint)
        with self._pending_lock:
            pending = [c for c in self._pending.values() if c.identity not in self._prints]
        candidates += [c for c in pending if view.prefix_fingerprint(c.fingerprint_bytes) == c.fingerprint]
        candidates.sort(key=lambda c: c.updated)  # newest last
        return candidates

    def register(self, view: FileView, parser: str) -> Checkpoint:
        """A new checkpoint at position 0 for a file not seen before (or, when another process
        registered the file since :meth:`match` was asked, that checkpoint), saved before any of its
        events is written so that its identity survives a crash (inside :meth:`grouped` it may be
        written later: lost to a crash, the next run registers the file again under the same
        identity, which the same first bytes and the same checkpoints on disk give)."""
        length = written_head(view.head)
        print_ = fingerprint(view.head[:length])
        identity = print_
        generation = 0
        if self.get(identity) is not None:
            # Written since this process matched the file: another run's registration of it, kept
            # in its group and written when that run waited for the file's lock (_wait_for). It is
            # this file's checkpoint, not a reason for a new generation (CI on e6e5a04: the file
            # registered twice, one identity read whole, the other said moved away and refused).
            again = self.match(view)
            if again is not None:
                return again
        while self.get(identity) is not None:  # same first bytes, different content: a new generation
            generation += 1
            identity = make_id(print_, "generation", generation)
        lost = self._lost_identity(view)
        if lost is not None:  # the file of a damaged checkpoint: its identity again, so its ids are
            identity, print_, length = lost  # the same and the store keeps its lines once
        checkpoint = lived(Checkpoint(identity=identity, fingerprint=print_, fingerprint_bytes=length,
                                      path=str(view.path), size=view.size, device=view.device,
                                      inode=view.inode, parser=parser), view)
        saved = self.save(checkpoint, can_wait=True)
        with self._pending_lock:
            if identity in self._pending:
                self._registrations.add(identity)
        return saved


def _print_change(by_print: dict[int, dict[str, list[str]]], known: tuple[str, int], identity: str, *,
                  add: bool) -> None:
    """``identity`` (its fingerprint and its length ``known``) added to or taken from ``by_print``,
    the inner dictionary and list replaced, never changed in place (a caller may iterate them)."""
    print_, length = known
    prints = by_print[length] = dict(by_print.get(length, {}))
    same = [i for i in prints.get(print_, ()) if i != identity] + ([identity] if add else [])
    if same:
        prints[print_] = same
    else:
        prints.pop(print_, None)
        if not prints:
            del by_print[length]


def lived(checkpoint: Checkpoint, view: FileView) -> Checkpoint:
    """``checkpoint`` with ``view``'s device and inode as where it lived, when ``view`` is under its
    log's own name (not a rotated one: app.log, not app.log.1)."""
    if view.compressed or live_of(view.path) is not None:
        return checkpoint
    return replace(checkpoint, lived_device=view.device, lived_inode=view.inode)


def _state_of(path: Path) -> tuple[int, int, int]:
    """A file's inode, size and modification time: whether it was written over since."""
    st = path.stat()
    return st.st_ino, st.st_size, st.st_mtime_ns


def _wait_for(handle: Any, checkpoints: CheckpointStore) -> None:
    """Lock ``handle``; when another process holds it, first write the checkpoints this one keeps
    waiting (CheckpointStore.flush), which releases the source locks kept for them. A process
    never waits for a lock while keeping one another may wait for: two overlapping cron runs of a
    folder of new files, each keeping sources the other wanted next, waited for each other for
    ever (R11s-3)."""
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return
    except BlockingIOError:
        pass
    checkpoints.flush()
    fcntl.flock(handle, fcntl.LOCK_EX)


def _release(handle: Any) -> None:
    """Unlock and close a source's lock file."""
    try:
        fcntl.flock(handle, fcntl.LOCK_UN)
    finally:
        handle.close()
