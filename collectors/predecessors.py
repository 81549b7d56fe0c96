"""The files a followed path had before its current one (collectors.follow): the previous file's
rest, found among the path's rotated siblings by its content, and the generations rotated
between it and the current file, read in logrotate's order before the current file, so that
lines written between the last poll (or run) and a rotation are not lost; a rotated file of
another owner than the log's is not read (a stranger's). Stage: collectors (file sources).
"""

from __future__ import annotations

import os
import stat
from dataclasses import replace
from pathlib import Path

from govsoc.collectors.base import RecordFileParser, parsers, path_text
from govsoc.collectors.checkpoint_file import ROTATED_AWAY
from govsoc.collectors.checkpoints import RACY_SECONDS, Checkpoint
from govsoc.collectors.detect import record_format
from govsoc.collectors.files.discover import (
    Listings,
    live_of,
    rotated_siblings,
    rotation_age,
    rotation_family,
    written_order,
)
from govsoc.collectors.files.identity import FileView, from_held, look, no_links, open_bytes
from govsoc.collectors.files.paths import path_kind
from govsoc.collectors.files.read_state import read_whole_as_stored
from govsoc.collectors.generations import Siblings, with_generations_between
from govsoc.collectors.pipeline import IngestOptions, Pipeline
from govsoc.collectors.summary import IngestSummary
from govsoc.core.errors import ParseError

#: The rotated files of each path, from folder listings shared by the runs and polls of this process.
_LISTINGS = Listings(RACY_SECONDS)


def once(pipeline: Pipeline, message: str) -> bool:
    """Say ``message`` unless this process said it already (a poll every second would repeat it)."""
    if message in pipeline.said:
        return False
    pipeline.said.add(message)
    pipeline.notice(message)
    return True


def finish_predecessors(pipeline: Pipeline, path: Path, options: IngestOptions) -> list[IngestSummary]:
    """Read to their end the files that were at ``path`` before its current one and were
    rotated to a sibling name since, and the generations rotated between them and the current
    one (a path rotated twice since it was read: ``auth.log.2``, then ``auth.log.1``), oldest
    first, each once (R11e F5: the middle generation was skipped without a word).

    When nothing read from the path is known any more (it was empty or missing at every look
    so far, or its files were rotated away), the rotated files written after its first look are
    read (R11f N5: a quiet log, empty when a daily run looked, then written and rotated before the
    next run, was never read, silently)."""
    path = path.absolute()
    earlier = pipeline.paths.get(path)
    # a checkpoint at the path: a file was read there before this record existed (an older data folder)
    kind = path_kind(path)
    pipeline.paths.look(path, "file" if pipeline.checkpoints.at_path(str(path)) else kind,
                        _owner(path) if kind == "file" else None)
    try:
        view = look(path)
    except ParseError:
        view = None
    # The file at the path now is known from here on (registered when new): rotated on before it
    # is read (a rotation during this poll), the next poll finds it as a file read before.
    current = _known(pipeline, view, options) if view is not None and view.head else None
    previous = [c for c in pipeline.checkpoints.at_path(str(path))
                if not c.record_file and (current is None or c.identity != current.identity)]
    wanted = {c.identity for c in previous}
    found: list[Path] = []
    siblings = Siblings(path)
    # beside it, or, for a rotated name, under the family's other names (the glob run visits
    # auth.log.1 before auth.log.2.gz, where its file read before now is: R11e F2)
    for sibling in (dict.fromkeys([*rotated_siblings(path), *rotation_family(path)]) if wanted
                    else _LISTINGS.generations(path)):
        aged = rotation_age(path, sibling) is not None
        if not wanted and not aged:
            continue
        try:
            sibling_view = _look(pipeline, sibling)
        except ParseError:
            continue
        match = pipeline.checkpoints.match(sibling_view) if sibling_view.head else None
        if match is not None and match.identity in wanted:
            wanted.discard(match.identity)
            found.append(sibling)
        elif aged:
            siblings.add(pipeline, sibling_view, match)
    gone = [c for c in previous if c.identity in wanted]
    moved: list[IngestSummary] = []
    for checkpoint in gone:
        held = pipeline.held.of(checkpoint.device, checkpoint.inode)
        # a follower held it open: read to its end wherever it went (R11h R4, R11)
        rest = rest_of_held(pipeline, path, checkpoint, held, options) if held is not None else None
        if rest is not None:
            moved.append(rest)
        else:
            _said_gone(pipeline, path, checkpoint, view)
        latest = pipeline.checkpoints.get(checkpoint.identity) or checkpoint
        pipeline.checkpoints.save(replace(latest, path=f"{checkpoint.path}{ROTATED_AWAY}"))
    listed = with_generations_between(pipeline, path, [*found, *siblings.resumed])
    first_look = earlier.first_look_seconds if earlier is not None and not previous else None
    path_read = current is not None and current.read_to > 0
    unread = [f for f in siblings.unread(gone, first_look, path_read=path_read) if f not in listed]
    for behind in siblings.behind:  # kept by its modification time: said and counted (R11i-6)
        why = (f"not read as a generation of {path_text(str(path))}: modified before the path was first looked at, "
               "changed after (history renamed by a rotation, or a writer or copy that keeps its time behind); "
               "name it to read it")
        if once(pipeline, f"{path_text(str(behind))}: {why}"):
            pipeline.paths.refuse(behind, why, "file")
    aged_order = sorted([*(f for f in listed if rotation_age(path, f) is not None), *unread],
                        key=lambda f: written_order(path, f))
    to_read = [*(f for f in listed if rotation_age(path, f) is None), *aged_order]
    owners = pipeline.paths.owners(path) if to_read else None
    finished = (finish_rotated(pipeline, rotated, options, owners) for rotated in to_read)
    return [*moved, *(summary for summary in finished if summary is not None)]


def _said_gone(pipeline: Pipeline, path: Path, checkpoint: Checkpoint, view: FileView | None = None) -> None:
    """Say (and count in the path's record: `govsoc status`) that the file read before at ``path``
    is gone from where the rotated files are looked for, when lines may have been lost: it was not
    read to the size last seen, or it was last seen at the path itself, so it left the folder in one
    step (logrotate ``olddir``, a re-pointed link: R11h R4, R11; or deleted, ``rotate 0``) and what
    was written between the last read and its move is not known. Not said for a file last seen at a
    rotated name and read whole there (R11e F2: deleted past ``rotate N``, nothing lost), whether
    that name is beside ``path`` or ``path`` itself (R11j-5: a glob such as ``auth.log*`` follows
    ``auth.log.1``, whose generation ``rotate N`` deletes once it moved on; each was said lost,
    "lines written to it after byte N were not read", and counted refused, none being lost)."""
    if read_whole(checkpoint) and (checkpoint.path != str(path) or live_of(path) is not None):
        return
    if view is not None and not view.compressed and (view.device, view.inode) == (checkpoint.device,
                                                                                  checkpoint.inode):
        # the file at the path has its inode: emptied or cut in place (`: > app.log`, a program truncating its
        # log at start, copytruncate without the copy), or deleted and made again under the freed inode;
        # nothing moved, so no folder to name (R58a-8)
        why = (f"the file read before (checkpoint {checkpoint.identity[:12]}, read to byte {checkpoint.offset}) was "
               "truncated in place (by logrotate's copytruncate its copy is in another folder, as with olddir: name "
               "that folder to read it), or deleted and made again under its inode: lines written to it after that "
               "byte were not read; what the file holds now is read as a new file")
        pipeline.notice(f"{path_text(str(path))}: {why}")
        pipeline.paths.refuse(path, why, "file")
        return
    why = (f"the file read before (checkpoint {checkpoint.identity[:12]}) is no longer at {path_text(path.name)} nor "
           "beside it under a rotated name (moved to another folder, as by logrotate's olddir or a re-pointed link, "
           f"or deleted); lines written to it after byte {checkpoint.offset} were not read (name the folder it was "
           "moved to, or follow the path with --follow, which reads a moved file to its end)")
    pipeline.notice(f"{path_text(str(path))}: {why}")
    pipeline.paths.refuse(path, why, "file")


def hold(pipeline: Pipeline, path: Path, target: Path) -> None:
    """Keep the file just read at ``target`` open (collectors.files.held) as the file of the
    followed log path ``path`` (itself, or a link to ``target``), so that the next poll reads it to
    its end wherever it was moved. Opened as it was read (relative to the checked folder, no link
    where none may be)."""
    try:
        with open_bytes(target) as raw:
            if stat.S_ISREG(os.fstat(raw.fileno()).st_mode):
                pipeline.held.hold(pipeline.paths.key(path), os.dup(raw.fileno()))
    except OSError:  # gone again since it was read: the next poll looks for it
        pipeline.held.release(pipeline.paths.key(path))


def rest_of_held(pipeline: Pipeline, path: Path, checkpoint: Checkpoint, held: int,
                  options: IngestOptions) -> IngestSummary | None:
    """Read the file read before at ``path``, moved away since, to its end from the descriptor
    held open (``held``, of that file's device and inode), then let it go. Its summary names
    where it is now. None when the held file's content is not that file's any more (copytruncate
    into another folder: the copy is elsewhere, the held inode truncated and written again)."""
    old = Path(checkpoint.path)
    try:
        where = os.readlink(f"/proc/self/fd/{held}")
    except OSError:
        where = "?"
    try:
        with from_held(old, held):
            view = look(old)
            match = pipeline.checkpoints.match(view) if view.head else None
            if match is None or match.identity != checkpoint.identity:
                return None
            with pipeline.stop.not_cut():  # its last reader: a stop waits for its end (R11ab-1)
                summary = pipeline.ingest_file(old, replace(options, final=True))
    except ParseError as e:
        summary = IngestSummary(source=path_text(str(path)), error=e.message)
    finally:
        pipeline.held.release_file(held)
    summary.source = f"{summary.source} (moved to {path_text(where)}, read from the file held open)"
    return summary


def stranger(pipeline: Pipeline, rotated: Path, owners: frozenset[int]) -> bool:
    """Whether the rotated file ``rotated`` is owned by someone not in ``owners`` (said once per
    process and counted in its path record when it is)."""
    uid = _owner(rotated)
    if uid is None or uid in owners:
        return False
    why = (f"owned by user id {uid}, not by the log's owner or root (user ids {', '.join(map(str, sorted(owners)))}): "
           "not read as a rotated file of the log (name it to read it)")
    if once(pipeline, f"{path_text(str(rotated))}: {why}"):
        pipeline.paths.refuse(rotated, why, "file")
    return True


def _owner(path: Path) -> int | None:
    """The user id owning ``path`` itself, or None when it cannot be seen."""
    try:
        return os.lstat(path).st_uid
    except OSError:
        return None


def _look(pipeline: Pipeline, path: Path) -> FileView:
    """look() at a rotated file, taken again only when its inode, size or time changed since the
    last look in this process (a poll looks at every rotated file of each followed path)."""
    try:
        st = path.stat()
    except OSError:
        return look(path)  # which says what is wrong
    state = (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)
    seen = pipeline.rotated_views.get(path)
    if seen is not None and seen[0] == state:
        return seen[1]
    view = look(path)
    pipeline.rotated_views[path] = (state, view)
    return view


def _known(pipeline: Pipeline, view: FileView, options: IngestOptions) -> Checkpoint | None:
    """The checkpoint of the line file ``view`` shows, registered when new (not for a record
    file such as EVTX, found by its path, nor binary content)."""
    record_parser = options.parser or record_format(view)
    if record_parser is not None and issubclass(parsers.get(record_parser), RecordFileParser):
        return None
    return pipeline.known(view, options)[0]


def read_whole(checkpoint: Checkpoint) -> bool:
    """Whether the checkpoint's file was read to the size it had when last looked at (an
    unterminated last line stored as partial included; for gzip content, the trailer's size
    modulo 2**32), or a compressed file's last read went through its stored bytes to their end
    (read_state.read_whole_as_stored: a BGZF file's trailer states 0)."""
    return ((checkpoint.size is not None and checkpoint.size in (checkpoint.read_to, checkpoint.read_to % (1 << 32)))
            or read_whole_as_stored(checkpoint.kept, checkpoint.read_to))


def finish_rotated(pipeline: Pipeline, rotated: Path, options: IngestOptions,
            owners: frozenset[int] | None) -> IngestSummary | None:
    """Read a rotated file to its end (nothing more will be written to it), unless it is owned
    by another user than the log's owner or root (``owners``; None: not compared): logrotate
    keeps the owner on what it renames, compresses or copies, so such a file was put beside the
    log by someone else who may write the folder (forged lines in the log's name). Said once per
    process, counted in the file's path record (`govsoc status`); named itself, it is read."""
    if owners is not None and stranger(pipeline, rotated, owners):
        return None
    try:
        # found beside the log by name, not named: never read through a link, nor a file of
        # another owner renamed over it after the check above (identity._open_raw checks the fd)
        with no_links(owners=owners):
            return pipeline.ingest_file(rotated, replace(options, final=True))
    except ParseError as e:  # vanished since it was listed (rotated on, deleted): said, the rest go on
        return IngestSummary(source=path_text(str(rotated)), error=e.message)
