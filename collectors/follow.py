"""Follow files as they grow, through rotation (`govsoc ingest --follow`).

Each poll reads every followed path from its checkpoint, holding back an unterminated last line
until it is completed. When the file at a path has a new identity (rename-and-create rotation,
or copytruncate followed by new writes), the previous file's rest is finished first: it is found
among the path's rotated siblings (``auth.log.1``, ``auth.log.1.gz``) by its content
fingerprint, so lines written between the last poll and the rotation are not lost; when it
was rotated more than once since, the generations rotated between it and the current file are
read after it (collectors.files.discover gives their order from logrotate's names). The same
happens in a one-shot run when a path rotated since the previous run.
"""

from __future__ import annotations

import os
import stat
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path

from govsoc.collectors.base import path_text
from govsoc.collectors.checkpoints import DiskFull
from govsoc.collectors.files.discover import (
    configured_folder,
    expand,
    folder_link,
    live_of,
    named_paths,
    newer_generations,
    rotated_siblings,
    rotation_age,
    written_order,
)
from govsoc.collectors.files.folder import Denied, LinkRefused, Resolved, link_chain, open_folder, resolve
from govsoc.collectors.files.identity import in_folder, look, no_links
from govsoc.collectors.files.paths import Kind, path_kind
from govsoc.collectors.pipeline import IngestOptions, Pipeline
from govsoc.collectors.predecessors import (
    finish_predecessors,
    finish_rotated,
    hold,
    once,
    read_whole,
    rest_of_held,
    stranger,
)
from govsoc.collectors.stopping import Stopped, StopRequest
from govsoc.collectors.summary import IngestSummary
from govsoc.core.errors import ParseError

__all__ = ["MAX_FULL_WAIT", "Follower", "admit", "finish_predecessors", "read_path"]

#: Why a log path is not read through a link (identity.no_links): admit() found none there.
_SWAPPED = "put in the file's place after it was checked: not read"


def read_path(pipeline: Pipeline, path: Path, options: IngestOptions, *, named: bool,
              via: Path | None = None, fixed: Path | None = None) -> list[IngestSummary]:
    """Read what a log path gained: the files rotated from it since (finish_predecessors), then
    the file at it, when admit() lets it be read. An unreadable file is a summary with its error
    in a one-shot run (``options.final``), a notice in a follow poll (gone since the listing:
    the next poll). ``via``: the folder link a glob went through to match it (discover.folder_link);
    ``fixed``: the folder the pattern that matched it spells out (discover.configured_folder; for
    a path named itself, its whole folder)."""
    own = pipeline.own_of(path)
    if own is not None:
        return _own(pipeline, path, own, options, named=named)
    try:
        if _elsewhere(pipeline, path, options, via):
            return []  # nor its rotated files: they are in the folder the link leads to
    except OSError as e:  # a folder swapped while realpath looked at it (V13 V4): this path's error only
        return _unresolved(pipeline, path, options, e)
    admitted = admit(pipeline, path, options, named=named)
    target, link_readers = admitted if admitted is not None else (None, frozenset[int]())
    # a rotated file matched by a glob or found in a folder: its log's owner or root (see finish_rotated)
    live = None if named else live_of(path)
    owners = pipeline.paths.owners(live) if live is not None else None
    if target is not None and owners is not None and stranger(pipeline, target, owners):
        target = None
    switched = _switched(pipeline, path, target, options) if target is not None and target != path else []
    return [*switched, *_read_admitted(pipeline, path, (target, link_readers, owners), options, named=named,
                                       fixed=fixed)]


def _own(pipeline: Pipeline, path: Path, own: Path, options: IngestOptions, *, named: bool) -> list[IngestSummary]:
    """Not a log: govsoc's own file, in or of ``own`` (Pipeline.own_of; R58a-5: a data folder under the
    folder ingested had its checkpoints, store and spool read back in by every run). Named in a one-shot
    run, an error; found by a folder walk or a glob, said once for ``own`` (R58c-3: not once a file)."""
    why = "govsoc's own file (its data folder, store or configuration): not read as a log"
    if named and options.final:
        return [IngestSummary(source=path_text(str(path)), error=why)]
    once(pipeline, f"{path_text(str(own))}: govsoc's own {'folder' if own.is_dir() else 'file'} "
                   "(its data folder, store or configuration): not read as logs")
    return []


def _read_admitted(pipeline: Pipeline, path: Path, admitted: tuple[Path | None, frozenset[int], frozenset[int] | None],
                   options: IngestOptions, *, named: bool, fixed: Path | None) -> list[IngestSummary]:
    """read_path() of ``path`` once admit() gave the file to read (``target``; None: refused, only
    the files rotated from the path are read), who may have put the links to it and who may own
    it (``owners``; None: not compared)."""
    target, link_readers, owners = admitted
    base = target or path
    # The folder is resolved once (each link on the way judged) and opened by descriptor; every
    # file of this read is opened relative to it (V13 V3: a folder swapped for a link after the
    # check was read through).
    try:
        checked = resolve(base.parent, _judge(pipeline, base, options, named=named or base != path, fixed=fixed))
    except LinkRefused as e:
        _refuse_link(pipeline, base, e)
        return []
    except OSError as e:
        return _unresolved(pipeline, path, options, e)
    # A link of the path that root or govsoc's user does not vouch for binds the read by the rights
    # of whoever may have put it (folder.authority, R11h R1/R2/R10/R13): the log's own link too.
    readers = checked.readers | link_readers
    try:
        descriptor = open_folder(checked.real, readers)
    except PermissionError as e:  # a folder whoever may have put a link could not pass: said once, counted
        return _denied(pipeline, path, options, f"cannot read: {e.strerror or e}")
    except OSError as e:  # a folder swapped for a link since it was resolved (V13 V3)
        return _unread(pipeline, path, options, f"cannot read: {e.strerror or e}")
    pipeline.paths.resolved(base, checked)
    # Where the path may not be a link, it is opened with O_NOFOLLOW: a link swapped in after
    # the check above is not read through (V12 F4's race, on the live name).
    summaries: list[IngestSummary] = []
    try:
        with no_links(_SWAPPED), in_folder(checked.folder, descriptor, readers):
            # ParseError: a file renamed over the path while it was looked at (R11g G7), this path only
            summaries = finish_predecessors(pipeline, base, options)
            if target is None:
                return summaries
            if target != path:
                summaries.extend(_skipped(pipeline, path, target, options))
            with no_links(_SWAPPED, owners):
                summaries.append(pipeline.ingest_file(target, options))
                if target != path:
                    pipeline.paths.read_through(path, target)
                if not options.final and live_of(path) is None:  # a live log, not a rotated name
                    hold(pipeline, path, target)
    except ParseError as e:
        if isinstance(e.__cause__, Denied):  # a file they may not read, in a folder they may pass
            return [*summaries, *_denied(pipeline, path, options, e.message)]
        if not options.final:
            pipeline.notice(str(e))
        else:
            summaries.append(IngestSummary(source=path_text(str(target or path)), error=e.message))
    finally:
        os.close(descriptor)
    return summaries


def _switched(pipeline: Pipeline, link: Path, target: Path, options: IngestOptions) -> list[IngestSummary]:
    """The rest of the file the link at ``link`` was read as before (PathRecord.target), when it
    points to ``target`` now (R11u-7: cronolog's ``current`` or rotatelogs -L switched to a new
    dated file; what was written to the old one after the last read was lost, silently, unless a
    glob of the dated files was read too). Read to its end once, as a rotated file: at its path
    when the file there is the one read before, else from the descriptor a follower holds; said
    when neither is left and it was not read whole."""
    record = pipeline.paths.get(link)
    before = record.target if record is not None else None
    if before is None or before == pipeline.paths.key(target):
        return []
    old = Path(before)
    read = [c for c in pipeline.checkpoints.at_path(before) if not c.record_file]
    try:
        with no_links():
            view = look(old)
        match = pipeline.checkpoints.match(view) if view.head else None
    except ParseError:
        match = None
    if match is not None and match.identity in {c.identity for c in read}:
        return read_path(pipeline, old, replace(options, final=True), named=True, fixed=old.parent)
    for checkpoint in read:
        held = pipeline.held.of(checkpoint.device, checkpoint.inode)
        rest = rest_of_held(pipeline, link, checkpoint, held, options) if held is not None else None
        if rest is not None:
            return [rest]
    for checkpoint in (c for c in read if not read_whole(c)):
        pipeline.notice(f"{path_text(str(link))}: the file it was read as before ({path_text(before)}) is gone or "
                        f"replaced; lines written to it after byte {checkpoint.offset} were not read (follow the link "
                        "with --follow, which reads it to its end wherever it went)")
    return []


def _skipped(pipeline: Pipeline, link: Path, target: Path, options: IngestOptions) -> list[IngestSummary]:
    """The dated files the link at ``link`` pointed to between the file it was read as before and
    ``target``, never read through it (a run or a follower stopped over a day: cronolog's
    ``access_log.20261204`` between ``.20261203`` and ``.20261205``), oldest first, each read to
    its end as a rotated file is: generations of one name beside ``target`` (rotation_age), of
    the owner of ``target`` or root."""
    record = pipeline.paths.get(link)
    live = live_of(target)
    if record is None or record.target is None or live is None:
        return []
    before = Path(record.target)
    if rotation_age(live, before) is None or rotation_age(live, target) is None:
        return []
    last = written_order(live, target)
    between = [f for f in newer_generations(live, before) if f != target and written_order(live, f) < last]
    owners = pipeline.paths.owners(target)
    return [summary for f in between if (summary := finish_rotated(pipeline, f, options, owners)) is not None]


def _denied(pipeline: Pipeline, path: Path, options: IngestOptions, why: str) -> list[IngestSummary]:
    """``path`` not read because whoever may have put a link on it could not (folder.Denied): said
    once per process and counted in its record (`govsoc status`), as every refused link (V14-5: a
    poll a second said it 86,400 times a day, and `status` never showed it); the path's error in
    a one-shot run."""
    if once(pipeline, f"{path_text(str(path))}: {why}"):
        pipeline.paths.refuse(path, why, "link")
    return [] if not options.final else [IngestSummary(source=path_text(str(path)), error=why)]


def _unresolved(pipeline: Pipeline, path: Path, options: IngestOptions, e: OSError) -> list[IngestSummary]:
    """A folder of ``path`` that could not be resolved or opened as checked: this path's error in
    a one-shot run, a notice in a follow poll (nothing said for a followed path whose folder is not
    there yet)."""
    if isinstance(e, FileNotFoundError) and not options.final and not os.path.lexists(path.parent):
        return []
    return _unread(pipeline, path, options, f"cannot resolve its folder {path_text(str(path.parent))} "
                   f"({e.strerror or e}): a folder of the path changed while it was looked at")


def _unread(pipeline: Pipeline, path: Path, options: IngestOptions, why: str) -> list[IngestSummary]:
    """``path`` not read for ``why``: its summary's error in a one-shot run, a notice in a poll."""
    if not options.final:
        pipeline.notice(f"{path_text(str(path))}: not read: {why}")
        return []
    return [IngestSummary(source=path_text(str(path)), error=why)]


def _judge(pipeline: Pipeline, path: Path, options: IngestOptions, *, named: bool,
           fixed: Path | None) -> Callable[[Path, os.stat_result], bool]:
    """Which symbolic links a folder of ``path`` may be (folder.resolve asks for each one met):
    one owned by root or govsoc's user (V13 V7, the rule of fs.protected_symlinks); where a regular
    file was read before, only a link that was there then (a deployment's ``current``; a folder
    that became a link is refused: R11g G1b, V13 V9); else, at a first look, one the configuration
    spells out (a path named itself, a glob's fixed part) or any with ``options.symlinks``."""
    record = pipeline.paths.get(path)
    known: set[str] | None = None
    if record is not None and record.kind == "file":
        known = set(record.links) if record.links is not None else set() if record.folder is not None else None
    trusted = {0, os.geteuid()}
    spelled = Path(os.path.normpath(fixed)) if fixed is not None else None

    def allowed(link: Path, st: os.stat_result) -> bool:
        if st.st_uid in trusted:
            return True
        if known is not None:
            return str(link) in known
        if record is None and not pipeline.paths.writable():  # what the record would say is unknown (V13 V5)
            return False
        return named or options.symlinks or (spelled is not None and spelled.is_relative_to(link))
    return allowed


def _refuse_link(pipeline: Pipeline, path: Path, e: LinkRefused) -> None:
    """Say (once) and count the refusal of a folder link of ``path`` that folder.resolve met."""
    record = pipeline.paths.get(path)
    if record is not None and record.kind == "file":
        why = (f"its folder {path_text(str(e.link))} is a symbolic link (to {path_text(e.target)}), where a folder "
               "was when a regular file was first read there: not read (a folder replaced by a symbolic link is "
               "not followed)")
        kind: Kind = "file"
    elif record is None and not pipeline.paths.writable():
        why = (f"its folder {path_text(str(e.link))} is a symbolic link (to {path_text(e.target)}), and path records "
               f"cannot be written ({pipeline.paths.failure}): not read (whether it was a folder when a regular file "
               "was read there is not known)")
        kind = "link"
    else:
        why = (f"found through the symbolic link {path_text(str(e.link))} (to {path_text(e.target)}), below the "
               "folder the configuration names: not read (name the file itself, or allow links with --symlinks or "
               "collectors.symlinks: true)")
        kind = "link"
    if once(pipeline, f"{path_text(str(path))}: {why}"):
        pipeline.paths.refuse(path, why, kind)


def _sole_writers(path: Path) -> bool:
    """Whether the link at ``path`` and its folder are root's or govsoc's user's, the folder
    writable by its owner only: then nobody else can have renamed a log away and put the link in
    its place (V13 V5), and the guard that needs the path's record is not needed (R11h R9: with
    records unwritable, root's own link in a root-only folder was refused, rc 0)."""
    trusted = {0, os.geteuid()}
    try:
        link, folder = os.lstat(path), os.stat(path.parent)
    except OSError:
        return False
    return (link.st_uid in trusted and folder.st_uid in trusted
            and not folder.st_mode & (stat.S_IWGRP | stat.S_IWOTH))


def admit(pipeline: Pipeline, path: Path, options: IngestOptions, *,
          named: bool) -> tuple[Path, frozenset[int]] | None:
    """The file to read for the log path ``path``: the path itself, or for a symbolic link the
    file it points to (folder.link_chain), with who may have put the links on the way (the read
    is bound by their rights), or None when the link is refused (said once per process, counted
    in the path's record: `govsoc status`).

    Like Filebeat's ``prospector.scanner.symlinks`` (off by default): a link is read only when
    it was named itself (on the command line or as a configured path, not matched by a glob or
    found in a folder) or ``options.symlinks`` allows links; and never at a path that held a
    regular file when it was first read (V12 F1: whoever may write the log folder renames the
    log away as a rotation does and puts a link to /etc/shadow in its place)."""
    kind = path_kind(path)
    if kind == "other":  # a FIFO or device put at the log's name (R11g G4): this path's refusal only
        why = "not a regular file (a FIFO, device, socket or folder): not read"
        if once(pipeline, f"{path_text(str(path))}: {why}"):
            pipeline.paths.refuse(path, why, "other")
        return None
    if kind != "link":  # recorded by finish_predecessors, which reads its record first
        return path, frozenset()
    record = pipeline.paths.get(path)
    target: Path | None = None
    try:
        target, readers = link_chain(path)
    except OSError:  # dangling, or a loop
        pass
    shown = path_text(str(target)) if target is not None else "nothing (a dangling link)"
    # a rotated file's checkpoint beside it stands for a lost record (R11g G2), not for the files a
    # link recorded as one was read as (rotatelogs -L access_log -> access_log.20261204: R11u-7)
    was_file = (record is not None and record.kind == "file") or bool(pipeline.checkpoints.at_path(str(path))) \
        or ((record is None or record.kind != "link") and _read_rotated(pipeline, path))
    if was_file:
        why = (f"a symbolic link (to {shown}) where a regular file was read before: not read (a link put in "
               "a log's place, as after a rotation, is not followed)")
    elif record is None and not _sole_writers(path) and not pipeline.paths.writable():
        why = (f"a symbolic link (to {shown}) at a path with no record, and records cannot be written "
               f"({pipeline.paths.failure}): not read (whether a regular file was read there before is not known)")
    elif not (named or options.symlinks):
        why = (f"a symbolic link (to {shown}) found by a glob or folder walk: not read (name the link itself, "
               "or allow links with --symlinks or collectors.symlinks: true)")
    elif target is None or path_kind(target) != "file":
        why = f"a symbolic link to {shown}: not a regular file, not read"
    else:
        pipeline.paths.look(path, "link")
        once(pipeline, f"{path_text(str(path))}: a symbolic link, read as {shown}")
        return target, readers
    if once(pipeline, f"{path_text(str(path))}: {why}"):
        pipeline.paths.refuse(path, why, "file" if was_file else "link")
    return None


def _elsewhere(pipeline: Pipeline, path: Path, options: IngestOptions, via: Path | None) -> bool:
    """Whether ``path`` is refused because a folder of it is a symbolic link (R11g G1): one a
    glob went through (``via``; read with ``options.symlinks``), or one put in place of a folder
    of a path where a regular file was read (its real folder is not the one recorded then:
    ``mv app app.old; ln -s /root app`` by whoever may write the folder above)."""
    record = pipeline.paths.get(path)
    now = os.path.realpath(path.parent) if record is not None and record.folder is not None else None
    checked = _trusted(path.parent) if record is not None and record.folder is not None and now is not None \
        and now != record.folder else None
    if record is not None and record.folder is not None and checked is not None:
        if checked.real == record.folder:  # a folder again when judged: realpath met a swap under way
            return False  # (the resolution in read_path judges it again, and the walk opens what it judged)
        # moved by root or govsoc's user (`mv /var/log /data/log; ln -s /data/log /var/log`: V13 V7)
        pipeline.paths.moved(path, checked.links)
        once(pipeline, f"{path_text(str(path))}: its folder now leads to {path_text(checked.real)}, not to "
                        f"{path_text(record.folder)}: read there (every symbolic link on the way is owned by root "
                        "or the user govsoc runs as)")
        return False
    if record is not None and record.folder is not None and now is not None and now != record.folder:
        why = (f"its folder now leads to {path_text(now)}, not to {path_text(record.folder)} where a regular file "
               "was read before: not read (a folder replaced by a symbolic link is not followed)")
        kind: Kind = "file"
    elif via is not None and not options.symlinks:
        why = (f"found by a glob through the symbolic link {path_text(str(via))} "
               f"(to {path_text(os.path.realpath(via))}): not read (name the file itself, or allow links with "
               "--symlinks or collectors.symlinks: true)")
        kind = "link"
    else:
        return False
    if once(pipeline, f"{path_text(str(path))}: {why}"):
        pipeline.paths.refuse(path, why, kind)
    return True


def _trusted(folder: Path) -> Resolved | None:
    """``folder`` resolved (folder.resolve: its real path and its links, in one walk) when every link
    on its way, inside followed links' targets too, is owned by root or govsoc's user (the rule of
    Linux's fs.protected_symlinks: a link planted by whoever may write a log folder is theirs),
    else None. The real folder said
    and recorded is this walk's, not an earlier realpath's: the owner of a folder swapping it with
    a link made realpath see the link and the owner check the folder ('now leads to <root-only
    folder>: read there', F11g's t1 figure)."""
    trusted = {0, os.geteuid()}
    try:
        return resolve(folder, lambda _link, st: st.st_uid in trusted)
    except LinkRefused:
        return None


def _read_rotated(pipeline: Pipeline, path: Path) -> bool:
    """Whether a rotated file beside ``path`` (``auth.log.1``) has a checkpoint there: a regular
    file was read at ``path`` and rotated on, its checkpoint with it. Without its path record
    (lost, or a data folder older than the records) nothing else remembers it (R11g G2)."""
    return any(pipeline.checkpoints.at_path(str(sibling)) for sibling in rotated_siblings(path)
               if rotation_age(path, sibling) is not None)




#: The longest wait between two tries of a --follow whose state disk is full (R11i-4).
MAX_FULL_WAIT = 30.0


class Follower:
    """Polls paths (files or globs) and ingests what they gained."""

    def __init__(self, pipeline: Pipeline, patterns: Iterable[str], options: Callable[[Path], IngestOptions],
                 interval: float = 1.0, *, links: bool = False) -> None:
        self.pipeline = pipeline
        #: a ``**`` of the patterns walks into folder links (--symlinks; discover.expand)
        self.links = links
        self.patterns, self.options, self.interval = list(patterns), options, interval

    def poll(self) -> list[IngestSummary]:
        """One pass over every followed file (a stop asked ends it: collectors.stopping)."""
        summaries, named, polled = list[IngestSummary](), named_paths(self.patterns), set[str]()
        with self.pipeline.stop.noting(summaries):
            for path in expand(self.patterns, missing_ok=True, links=self.links):
                self.pipeline.stop.check()
                polled.add(self.pipeline.paths.key(path))
                summaries.extend(read_path(self.pipeline, path, replace(self.options(path), final=False),
                                           named=path in named, fixed=configured_folder(path, self.patterns),
                                           via=None if path in named else folder_link(path, self.patterns)))
        self.pipeline.held.keep_only(polled)
        self.pipeline.drain()
        self.pipeline.paths.prune()  # once a day at most: a stat of its stamp otherwise (R11g G6)
        return summaries

    def _disk_full(self, error: DiskFull, wait: float | None) -> float:
        """A poll stopped for want of room for a checkpoint: said once (DISK FULL) until a poll
        saves again; the wait before the next try, doubled from the interval up to MAX_FULL_WAIT
        (each try reads again from the last checkpoint saved, which costs store writes)."""
        if wait is None:
            self.pipeline.notice(f"DISK FULL: {error}; --follow waits for room and tries again (up to every "
                                 f"{MAX_FULL_WAIT:.0f} s), reading on from the last checkpoint saved: what was "
                                 "stored after it is read again and not stored twice")
            return self.interval
        return min(MAX_FULL_WAIT, max(wait * 2, self.interval))

    def run(self, until: float | None = None, on_poll: Callable[[list[IngestSummary]], None] | None = None,
            stop: threading.Event | None = None) -> None:
        """Poll until interrupted, until ``stop`` is set or until the monotonic time ``until``.
        ``stop`` ends a poll at a batch's end or a wait for the store (collectors.stopping), never
        between a write to the store and its checkpoint or its summary (what is reported is stored)."""
        self.pipeline.stop = StopRequest(stop := stop or threading.Event())
        full: float | None = None  # the wait after a poll a full state disk stopped (R11i-4)
        try:
            while (until is None or time.monotonic() < until) and not stop.is_set():
                try:
                    summaries = self.poll()
                except DiskFull as e:
                    full = self._disk_full(e, full)
                    stop.wait(full if until is None else max(0.0, min(full, until - time.monotonic())))
                    continue
                except Stopped as e:  # what it stored is reported; the loop ends below
                    summaries = e.summaries
                if full is not None:
                    self.pipeline.notice("room again for checkpoints: reading on from the last one saved")
                    full = None
                if on_poll is not None:
                    on_poll(summaries)
                stop.wait(self.interval)
        finally:
            self.pipeline.held.close()  # the files held open between polls (collectors.files.held)
