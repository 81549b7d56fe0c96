"""Registration: which checkpoint (collectors.checkpoints) a line file looked at has, registered
when the file is new; binary content and copies of a log (collectors.copies) are not registered.

Under the registry lock (one `govsoc ingest` at a time registers, so two never give one file two
identities), except the whole comparison of a file that may be a copy with its log: it runs
outside the lock and its result is checked again, cheaply, under it (R11o-6: ~1 s per 200 MB of
copy held the lock, and every other file's registration waited).
"""

from __future__ import annotations

from govsoc.collectors.checkpoints import Checkpoint, CheckpointStore
from govsoc.collectors.copies import Copies
from govsoc.collectors.detect import detect_parser
from govsoc.collectors.files.binary import binary_magic, sniff_binary
from govsoc.collectors.files.identity import FINGERPRINT_BYTES, FileView, look
from govsoc.core.errors import ParseError

__all__ = ["REGISTRY_LOCK", "registered"]

#: The lock (CheckpointStore.lock) that registrations hold.
REGISTRY_LOCK = "registry"


def registered(checkpoints: CheckpointStore, copies: Copies, view: FileView,
               parser: str | None, charset: str = "auto") -> tuple[Checkpoint | None, str | None]:
    """The checkpoint of the line file ``view`` shows, registered now (read with ``parser``, or
    the one its name or first lines, read in ``charset``, suggest) when the file is new; or None
    and what it is, when a new file is binary content; (None, None) for a new file that is a copy
    of a log, which is not read."""
    with checkpoints.lock(REGISTRY_LOCK):
        view = _grown(view)
        checkpoint = checkpoints.match(view)
        if checkpoint is not None and (checkpoint.device, checkpoint.inode) != (view.device, view.inode) \
                and (copies.marked(view) == checkpoint.identity or copies.stale(view, checkpoint)):
            # a copy marked so, matched to the log by its bytes: after a rename rotation it took the
            # log's checkpoint, and the log itself (auth.log.1) was read again from byte 0 (R11q-9);
            # or a stale copy whose bytes a newer rotated file holds with more (R11q-7)
            return None, None
        if checkpoint is not None or not copies.to_compare(view):
            return _matched(checkpoints, copies, view, parser, checkpoint, charset)
    with copies.compared(view) as compared, checkpoints.lock(REGISTRY_LOCK):
        if copies.copied(view, compared) is not None:
            return None, None
        # no longer a copy as compared (the log truncated or changed meanwhile): matched again
        return _matched(checkpoints, copies, view, parser, checkpoints.match(view), charset)


def _matched(checkpoints: CheckpointStore, copies: Copies, view: FileView, parser: str | None,
             checkpoint: Checkpoint | None, charset: str = "auto") -> tuple[Checkpoint | None, str | None]:
    """registered(), under the registry lock, once ``view`` was matched to ``checkpoint`` (or None)."""
    if checkpoint is not None:
        return checkpoint, None
    if copies.copied(view) is not None:
        return None, None  # its lines are read from the log it copies
    binary = sniff_binary(view.head)
    # A known format is refused whole; control bytes alone may be a run of garbage at the head
    # of a text log, which the reader judges (R11i-5).
    if binary and binary_magic(view.head) is not None:
        return None, binary
    checkpoint = checkpoints.register(view, parser or detect_parser(view.path, charset=charset))
    if checkpoint.fingerprint_bytes < FINGERPRINT_BYTES:
        # Registered from a head shorter than a fingerprint: another process looking at the file
        # once it has grown would register it again under another identity, each reading it from
        # byte 0 (R11q-8), unless it sees this registration, which a grouped run syncs later.
        checkpoints.show(checkpoint)
    return checkpoint, None


def _grown(view: FileView) -> FileView:
    """``view``, or, when it was taken of a file shorter than a fingerprint that has grown since (the
    same inode, its first bytes still ``view``'s), a look at it now. A look taken before the registry
    lock was won cannot match a checkpoint another process registered meanwhile with a fingerprint
    longer than its head: the file was registered twice, each identity reading it from byte 0
    (R11q-8: a follower and a cron one-shot at once, 453 lines stored twice)."""
    if view.compressed or len(view.head) >= FINGERPRINT_BYTES:
        return view
    try:
        now = look(view.path)
    except (OSError, ParseError):
        return view
    grown = (now.device, now.inode) == (view.device, view.inode) and len(now.head) > len(view.head) \
        and now.head.startswith(view.head)
    return now if grown else view
