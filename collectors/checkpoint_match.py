"""Which checkpoint a file looked at is the file of: whether it still holds what a checkpoint's read
saw (consistent_with), and, of several consistent ones, which its content shows best
(content_choice). collectors.checkpoints.CheckpointStore.match asks both. Stage: collectors
(source state).
"""

from __future__ import annotations

from govsoc.collectors.checkpoint_file import left_where_read
from govsoc.collectors.checkpoint_record import Checkpoint
from govsoc.collectors.files.identity import FileView, content_shorter, view_tail_digest
from govsoc.collectors.files.read_past import (
    content_tails,
    copy_read_past,
    copy_unchanged,
    earlier_of,
    read_digest,
    told_by_trailer,
)
from govsoc.collectors.files.read_state import state_holds, told_whole

__all__ = ["consistent_with", "content_choice"]


def consistent_with(checkpoint: Checkpoint, view: FileView) -> bool:
    """Whether the file still holds what was read up to the checkpoint's position. A compressed
    file is not read to the position to compare its bytes there, but one holding fewer bytes (its
    trailer's length, then its content counted) is not the file read: an unread generation that
    logrotate compressed at once, opening with the log's banner, was "read" from the older one's
    position past its end, none of its lines stored (R11p-8: 30 lost)."""
    if copy_unchanged(checkpoint.kept, view):  # the copy read past, as it was when found so: no decompression
        return True
    if view.compressed and state_holds(checkpoint.kept, view, checkpoint.read_to):  # as stored when read whole:
        return True  # no decompression (R54a-1: a BGZF file, whose last member is empty, was inflated every look)
    read = (checkpoint.lived_device, checkpoint.lived_inode)  # shorter, a copy made before the read passed its end
    earlier = earlier_of(checkpoint.kept)
    if view.compressed:
        return view.size is None or view.size >= checkpoint.offset or not content_shorter(view, checkpoint.offset) \
            or (left_where_read(checkpoint, view) and copy_read_past(earlier, view, read))
    if view.size is None:
        return True
    if view.size < checkpoint.offset:
        return left_where_read(checkpoint, view) and copy_read_past(earlier, view, read)
    # the tail of the file looked at, not of another one renamed over its path since (R11g G7)
    return checkpoint.tail is None or view_tail_digest(view, checkpoint.offset) == checkpoint.tail


def content_choice(consistent: list[Checkpoint], view: FileView) -> tuple[list[Checkpoint], list[Checkpoint]]:
    """Of the checkpoints ``view``'s file is consistent with, those whose read its content shows best.

    A compressed file's content is not compared at a checkpoint's position (consistent_with: its
    length only, no decompression at every look), so two logs of one service opening with one banner each had
    their copies taken by the other's checkpoint, the newer (F11af's lr_rounds.py N=2 compress, one-shot:
    15 lines lost, 15 twice; delaycompress 10 lost, 35 twice); plain copies with the same last bytes
    (banner, request, banner) were swapped between the logs. Here the content is compared, in one
    decompression, with the digests each read kept: at the checkpoint's position (its end of read) and
    at its earlier positions (read_past). A checkpoint one of whose digests up to its position the content
    contradicts is not the file's (none left: a new file, read again rather than lost): a new plain copy
    made under a freed inode (delaycompress: app1.log.1 compressed away, its inode given to the next
    copy) was taken by the old copy's checkpoint, its banner end alike (F11ag's lr_rounds.py delaycompress
    twin: 80 lost with the position's digest alone, 20 on 885ba47d). Then those whose digests the
    content shows the farthest in win: a digest of the banner alone, at a read's first position, every
    log of the service shows (F11ag: app2's checkpoint read to its banner's end took app1's copy, read
    to its requests); then those with more digests held than contradicted (copies ending alike, banner,
    request, banner, differ at the request: the plain copies were swapped). Still several: the evidence
    cannot tell, the newest of those read the least is taken (read again rather than lost), returned
    with the checkpoints alike for the caller to count and say. First, a gzip copy whose trailer
    states one checkpoint's read (its CRC-32 and length) and whose one member has that read's digests
    is that checkpoint's, in one decompression kept for the copy (read_past.told_by_trailer; RRR11ba-1,
    RRR11be-1/-2)."""
    told = told_by_trailer(consistent, view)
    if told is not None:  # its trailer and its one member's digests state that read (decompressed once, kept)
        told_whole(view, told.offset)  # this look: read to its end, not decompressed again (read_state)
        return [told], []
    digests = {c.identity: ((c.offset, read_digest(c.tail, c.kept, c.offset)), *earlier_of(c.kept))
               for c in consistent}
    offsets = {offset for pairs in digests.values() for offset, _ in pairs}
    tails = content_tails(view, offsets)

    def shown(c: Checkpoint) -> tuple[int, int]:
        # how far the content shows what the read saw (its deepest digest held), then how many more of
        # its digests the content holds than it contradicts
        pairs = digests[c.identity]
        held = [offset for offset, digest in pairs if digest is not None and tails.get(offset) == digest]
        other = [offset for offset, digest in pairs if offset in tails and tails[offset] != digest]
        return max(held, default=-1), len(held) - len(other)

    def contradicted(c: Checkpoint) -> bool:  # content the read saw, up to its position, not there
        return any(digest is not None and offset <= c.offset and offset in tails and tails[offset] != digest
                   for offset, digest in digests[c.identity])

    left = [c for c in consistent if not contradicted(c)]
    if not left:
        return [], []
    best = max(shown(c) for c in left)
    left = [c for c in left if shown(c) == best]
    if len(left) > 1:
        least = min(c.offset for c in left)
        return [[c for c in left if c.offset == least][-1]], left
    return left, []
