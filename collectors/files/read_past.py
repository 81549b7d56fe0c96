"""A copy of a log made before the read of the log passed the copy's end (collectors.copies:
logrotate's ``copytruncate``, with ``compress`` or not; issue 11).

copytruncate copies the log, then truncates it; a writer that appends goes on between the two, and
a follower may read those lines from the log before the truncate: its checkpoint's position is then
past the copy's end. The copy, shorter than that position, was not taken for the log's file (a
shorter file cannot hold what was read, R11p-8), but for a new file, read from its start: every
line of it stored twice (R11aj lr_compress.py: 5,010 to 7,440 lines in 1 run of 3 to 7).

So a checkpoint keeps the positions the last EARLIER_KEPT reads of its content started from (a read from
byte 0: its first position past it), each with the digest of the bytes before it (as its ``tail``): a read
that passed the copy's end started at or before it, whatever the number of batches (saves) it took. Kept
per save, the copy was missed once its end lay 4 batches back (RR11al-2: 100,000 lines between copy and
truncate at the default batch, 200 at batch_size 10: 300 lines twice). Only reads between the copy's end
and the truncate (logrotate's copy and truncate are milliseconds apart) can pass it; later reads are of
the truncated log, a new generation with its own checkpoint. Another file, shorter than the position,
that holds the same bytes before one of those positions holds the content read up to there: the
same evidence a checkpoint's own position and tail give (a first-bytes fingerprint and the bytes
before a position). It is that content's copy, and what it holds was read. The file read itself
(the device and inode it had under its log's name), shorter, was truncated: never taken for a copy. Where
that file is not known (a live name that looks rotated, worker.1.log, is never recorded as its log's), no
file is: truncated and written again with its banner, the log was taken for its own copy, 10 to 30 lines
lost (RR11al-1). (Its own inode is no test: once a copy is matched, the checkpoint is the copy's.)

The positions are kept in the checkpoint's ``kept`` dict (key EARLIER), not a field of its own: a version
that does not know a field quarantines the checkpoint and reads its file again (RR11al-3), and ``kept`` is
kept as it is by every version (a growing record file's source keeps its state there).

A copy found so, the read from the position reads nothing; the checkpoint then keeps the copy's state as
looked at (device, inode, size, change time; key COPY): while the file shows the same, it is the same copy,
consistent and unchanged, as a file whose size is its position is (``copy_unchanged``). Without it a gzip
copy was decompressed about five times at each poll while it stayed (RR11al-4: 0.35-0.44 s a poll for
200,000 lines; 12.7 MB decompressed a poll for a 2.1 MB copy). The change time is in it because a copy's
checkpoint is found shorter than its position: its inode, once the copy is deleted, may come back as
another file, which a new change time tells.
"""

from __future__ import annotations

import os
import struct
import zlib
from collections.abc import Iterable, Iterator
from typing import Any, BinaryIO, Protocol, TypeVar

from govsoc.collectors.files.identity import (
    TAIL_BYTES,
    FileView,
    content_pieces,
    fingerprint,
    open_bytes,
    view_tail_digest,
)
from govsoc.collectors.files.settled import keep_settled, now_ns


class ReadPosition(Protocol):
    """What of a checkpoint tells a read: its position and what it keeps (collectors.checkpoints.Checkpoint;
    collectors.checkpoint_file.Checkpointed is this and more)."""

    @property
    def offset(self) -> int: ...
    @property
    def kept(self) -> dict[str, Any] | None: ...
    @property
    def tail(self) -> str | None: ...


_R = TypeVar("_R", bound=ReadPosition)

#: The bytes of a gzip file read, and of its content made, at a time by one_member_pieces.
_PIECE = 1 << 20

#: How many reads' start positions a checkpoint keeps, newest last: one a read (a poll, a one-shot run)
#: however many batches it saves; the read that passed a copy's end is one of the last before the truncate.
EARLIER_KEPT = 4

Earlier = tuple[tuple[int, str], ...]
#: The key of the earlier positions in a checkpoint's ``kept`` dict.
EARLIER = "earlier"
#: The key of the state of the copy the checkpoint is at (copy_unchanged).
COPY = "copy"
#: The key of a compressed file's end-of-read digest: [position, digest of the content bytes before it].
#: A checkpoint's ``tail`` is compared with the raw bytes of the file it was read from (collectors.files.
#: read_before), never with gzip content, so at a compressed copy it stays None; kept here instead.
CONTENT_TAIL = "content_tail"
#: The key of the CRC-32 of the content read before the position: [position, zlib.crc32]. A gzip copy whose
#: trailer (CRC-32 and length of its last member) states the same names that checkpoint, then checked in one
#: pass (told_by_trailer; RRR11ba-1: the run after a rotation decompressed each new copy about twice).
CRC = "crc"


def earlier_of(kept: dict[str, Any] | None) -> Earlier:
    """The earlier positions a checkpoint's ``kept`` records (none where it records none or a damaged entry)."""
    entry = (kept or {}).get(EARLIER)
    if not isinstance(entry, list):
        return ()
    return tuple((pair[0], pair[1]) for pair in entry if isinstance(pair, list) and len(pair) == 2
                 and isinstance(pair[0], int) and isinstance(pair[1], str))


def with_earlier(kept: dict[str, Any] | None, earlier: Earlier) -> dict[str, Any] | None:
    """``kept`` recording ``earlier``, its other keys kept as they are (a later version's)."""
    if earlier == earlier_of(kept):
        return kept
    return {**(kept or {}), EARLIER: [[offset, tail] for offset, tail in earlier]}


def moved_on(earlier: Earlier, offset: int, tail: str | None, to: int) -> Earlier:
    """``earlier`` with ``offset`` and its ``tail`` added when the read moved on from it to ``to``."""
    if tail is None or not 0 < offset < to or (offset, tail) in earlier:
        return earlier
    return (*earlier, (offset, tail))[-EARLIER_KEPT:]


def with_copy(kept: dict[str, Any] | None, view: FileView | None) -> dict[str, Any] | None:
    """``kept`` recording the state of the copy ``view`` shows (None: no copy), its other keys kept."""
    state = None if view is None else _state(view)
    if (kept or {}).get(COPY) == state:
        return kept
    rest = {key: value for key, value in (kept or {}).items() if key != COPY}
    return rest if state is None else {**rest, COPY: state}


def copy_unchanged(kept: dict[str, Any] | None, view: FileView) -> bool:
    """Whether ``view`` shows the copy ``kept`` records (with_copy) as it was then: same device, inode,
    size and change time. Its content ends before the checkpoint's position: read, nothing to read."""
    return view.size is not None and (kept or {}).get(COPY) == _state(view)


def _state(view: FileView) -> list[Any]:
    """What tells a file unchanged: device, inode, size (gzip: its trailer's), change time (set by every write)."""
    return [view.device, view.inode, view.size, view.ctime]


def with_content_tail(kept: dict[str, Any] | None, offset: int, tail: str | None) -> dict[str, Any] | None:
    """``kept`` recording ``tail``, the digest of the content bytes before ``offset`` of a compressed file
    (None: none known, the entry dropped), its other keys kept."""
    return _with_entry(kept, CONTENT_TAIL, offset, tail)


def crc_of(kept: dict[str, Any] | None, offset: int) -> int | None:
    """The CRC-32 of the content before ``offset`` that ``kept`` records at that very position (with_crc), or None."""
    crc = _entry_at(kept, CRC, offset, int)
    return crc if isinstance(crc, int) else None


def with_crc(kept: dict[str, Any] | None, offset: int, crc: int | None) -> dict[str, Any] | None:
    """``kept`` recording ``crc``, the CRC-32 of the content before ``offset`` (None: not known, the entry
    dropped), its other keys kept."""
    return _with_entry(kept, CRC, offset, crc)


def _with_entry(kept: dict[str, Any] | None, key: str, offset: int, value: str | int | None) -> dict[str, Any] | None:
    """``kept`` with ``[offset, value]`` under ``key`` (None: the entry dropped), its other keys kept; ``kept``
    itself when that is what it holds already."""
    entry = None if value is None else [offset, value]
    if (kept or {}).get(key) == entry:
        return kept
    rest = {name: held for name, held in (kept or {}).items() if name != key}
    return rest if entry is None else {**rest, key: entry}


def _entry_at(kept: dict[str, Any] | None, key: str, offset: int, kind: type) -> object:
    """The value ``kept`` records under ``key`` at that very ``offset`` (_with_entry), when it is a ``kind``;
    else None (another position, an entry of another shape: a checkpoint of another version)."""
    entry = (kept or {}).get(key)
    if isinstance(entry, list) and len(entry) == 2 and entry[0] == offset and isinstance(entry[1], kind):
        return entry[1]
    return None


def trailer_of(view: FileView) -> tuple[int, int] | None:
    """The CRC-32 and length (ISIZE, modulo 2**32) a gzip file's trailer states, its last 8 bytes (RFC 1952
    2.3.1), in one pread; None for a plain file, a file too short, or another file at the path now."""
    if not view.compressed:
        return None
    try:
        with open_bytes(view.path) as stream:
            st = os.fstat(stream.fileno())
            if (st.st_dev, st.st_ino) != (view.device, view.inode) or st.st_size < 18:  # 10 header + 8 trailer
                return None
            trailer = os.pread(stream.fileno(), 8, st.st_size - 8)
    except OSError:  # gone since the look: content_tails will say as much
        return None
    if len(trailer) != 8:
        return None
    crc, size = struct.unpack("<II", trailer)
    return crc, size


def told_by_trailer(consistent: list[_R], view: FileView) -> _R | None:
    """Of the checkpoints a gzip file is consistent with, the one whose read it is a copy of, in one
    decompression (one_member_tails, its verdict kept for the copy): the only one read to the trailer's length
    whose content so far has the trailer's CRC-32 (crc_of), when the file is one member and its content has
    the digests that read kept (read_digest at its position, earlier_of). None when that does not decide:
    none or several, no CRC or digest kept (a checkpoint of an older version, a read not from byte 0 with its
    CRC known), several members, a digest contradicted; the content is then compared (content_tails)."""
    trailer = trailer_of(view) if any(crc_of(c.kept, c.offset) is not None for c in consistent) else None
    if trailer is None:
        return None
    told = [c for c in consistent if c.offset % (1 << 32) == trailer[1] and crc_of(c.kept, c.offset) == trailer[0]]
    if len(told) != 1:
        return None
    # The CRC-32 and ISIZE only shortlist: CRC-32 is linear, an unread generation of the same length is made
    # to carry the read one's CRC by flipping chosen digits (RRR11be-2: 25 lines lost, nothing said), and the
    # trailer is the last member's alone (RRR11be-1). What tells a read is the SHA-256 digests it kept (2^-128
    # to forge, as content_tails' comparison), here of one whole member whose length is the trailer's.
    digests = ((told[0].offset, read_digest(told[0].tail, told[0].kept, told[0].offset)), *earlier_of(told[0].kept))
    tails = one_member_tails(view, frozenset(offset for offset, _ in digests), told[0].offset)
    if tails is None or any(digest is None or tails.get(offset) != digest for offset, digest in digests):
        return None
    return told[0]


def read_digest(tail: str | None, kept: dict[str, Any] | None, offset: int) -> str | None:
    """The digest of the content bytes before a checkpoint's ``offset``: its ``tail`` (a plain file's), else
    the one ``kept`` records at that very position (a compressed file's, with_content_tail), else None."""
    if tail is not None:
        return tail
    digest = _entry_at(kept, CONTENT_TAIL, offset, str)
    return digest if isinstance(digest, str) else None


def copy_read_past(earlier: Earlier, view: FileView, read: tuple[int, int]) -> bool:
    """Whether the file ``view`` shows, another than the file read under its log's name (``read``: its
    device and inode there, known), holds the bytes before one of the ``earlier`` positions of the read: a
    copy of the content read."""
    if not earlier or read == (0, 0) or (view.device, view.inode) == read:
        return False
    tails = content_tails(view, {offset for offset, _ in earlier})
    return any(tails.get(offset) == tail for offset, tail in earlier)


def content_tails(view: FileView, offsets: set[int]) -> dict[int, str]:
    """The digests of the up to TAIL_BYTES content bytes before each of ``offsets`` the content
    reaches (identity.read_tail_digest's): of a plain file by pread, of gzip content in one
    decompression up to the last of them (a copy still compressed: as far as it is written)."""
    if not view.compressed:
        return {offset: digest for offset in offsets if (digest := view_tail_digest(view, offset)) is not None}
    since, key = now_ns(), _gzip_state(view, offsets)
    if key is not None and key in _TAILS:
        return dict(_TAILS[key])
    tails = _tails(content_pieces(view), offsets)  # identity's reading of gzip content: as far as it reads
    if key is not None and _gzip_state(view, offsets) == key:  # unchanged while it was read
        keep_settled(_TAILS, key, tails, key[4], since)
    return dict(tails)


#: content_tails' digests of gzip content by the file's state (device, inode, size, times, trailer) and the
#: offsets asked: a compressed file on its checkpoint's inode whose trailer does not state that read (a
#: checkpoint kept without a CRC, by an older govsoc; a copy ending in an unterminated line) is compared by
#: content (checkpoints.CheckpointStore.match), and was decompressed again at every look while it stayed
#: (R52a-2: ten such copies of 20,000 lines, 161 ms of CPU a poll against 28 before the comparison).
_TAILS: dict[tuple[Any, ...], dict[int, str]] = {}


def _gzip_state(view: FileView, offsets: set[int]) -> tuple[Any, ...] | None:
    """The key of a gzip file's digests in _TAILS: the state of the file ``view`` shows (_file_state) and the
    offsets asked, or None when another file is at the path now (its digests are not that file's) or it
    cannot be opened."""
    try:
        with open_bytes(view.path) as stream:
            state = _file_state(stream, view)
    except OSError:
        return None
    return None if state is None else (*state, frozenset(offsets))


def _file_state(stream: BinaryIO, view: FileView) -> tuple[Any, ...] | None:
    """What tells the gzip file open in ``stream`` unchanged: device, inode, size, times and its trailer, or
    None when it is not the file ``view`` shows. The trailer (the member's CRC-32 and ISIZE) too: times are as
    coarse as the kernel's clock tick, so a copy rewritten, or a new one made in a freed inode, within one tick
    has the same size and times; only its content's trailer then tells it from the file of a kept verdict."""
    st = os.fstat(stream.fileno())
    if (st.st_dev, st.st_ino) != (view.device, view.inode):
        return None
    trailer = os.pread(stream.fileno(), 8, max(0, st.st_size - 8))
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns, trailer


def _tails(pieces: Iterable[bytes], offsets: Iterable[int]) -> dict[int, str]:
    """The digests of the up to TAIL_BYTES bytes before each of ``offsets`` in the content ``pieces`` make,
    read no further than the last of them."""
    found: dict[int, str] = {}
    position, last, wanted = 0, b"", sorted(offsets)
    for piece in pieces:
        window, position = last + piece, position + len(piece)
        for offset in [o for o in wanted if o <= position]:
            end = len(window) - (position - offset)
            found[offset] = fingerprint(window[max(0, end - TAIL_BYTES, end - offset):end])
        wanted, last = [o for o in wanted if o > position], window[-TAIL_BYTES:]
        if not wanted:
            break
    return found


class _NotOneMember(Exception):
    """The file is not one whole gzip member (several, cut, damaged, data after it)."""


def one_member_pieces(stream: BinaryIO) -> Iterator[bytes]:
    """The content of the gzip file ``stream`` reads, in pieces of at most _PIECE bytes, when the file is
    exactly one member (RFC 1952 2.2): its end (zlib checks the member's CRC-32 and ISIZE) is the file's
    end. _NotOneMember, raised after the last piece, otherwise: only then does the trailer (the file's last
    8 bytes) describe the whole content, not the last member's alone (RRR11be-1: ``cat unread.gz read.gz``
    carries the read generation's trailer)."""
    inflater = zlib.decompressobj(wbits=31)  # the gzip wrapper, one member: its end is .eof
    try:
        while not inflater.eof:
            data = stream.read(_PIECE)
            if not data:
                raise _NotOneMember  # cut short (a copy still being written)
            while True:
                piece = inflater.decompress(data, _PIECE)  # bounded output: memory stays ~_PIECE
                data = inflater.unconsumed_tail
                if piece:
                    yield piece
                if inflater.eof or (not data and len(piece) < _PIECE):
                    break
    except zlib.error as e:
        raise _NotOneMember from e
    if inflater.unused_data or stream.read(1):  # a second member (or anything) after the first
        raise _NotOneMember


#: one_member_tails' verdicts by the file's device, inode, size, times, trailer and the offsets asked: a copy
#: is decompressed once, not at each look while it stays (settled.keep_settled: not one changed too recently).
_VERDICTS: dict[tuple[Any, ...], dict[int, str] | None] = {}


def whole_read(counted: int, length: int) -> bool:
    """Whether a member's content, ``counted`` bytes by the one pass, is as long as the read that ended at
    ``length``: exactly, not modulo 2**32 as its trailer's ISIZE states it (RFC 1952 2.3.1; RRR11bf-5: a member
    of 4 GiB + 100 bytes states 100 and was taken for a read of 100 bytes)."""
    return counted == length


def one_member_tails(view: FileView, offsets: frozenset[int], length: int) -> dict[int, str] | None:
    """content_tails() of the gzip file ``view`` shows when it is one whole member whose content is
    ``length`` bytes long (whole_read), in one streaming decompression keeping nothing but the
    last TAIL_BYTES; None when it is not (several members, cut, damaged, another length) or another file
    is at the path."""
    since = now_ns()
    try:
        with open_bytes(view.path) as stream:
            state = _file_state(stream, view)
            if state is None:
                return None
            key = (*state, offsets, length)
            if key in _VERDICTS:
                return _VERDICTS[key]
            counted = [0]

            def counting(pieces: Iterator[bytes]) -> Iterator[bytes]:
                for piece in pieces:
                    counted[0] += len(piece)
                    yield piece

            try:
                # an offset past any content: read to the end, where the member's end is checked
                tails = _tails(counting(one_member_pieces(stream)), [*offsets, 1 << 62])
                verdict: dict[int, str] | None = tails if whole_read(counted[0], length) else None
            except _NotOneMember:
                verdict = None
    except OSError:
        return None
    keep_settled(_VERDICTS, key, verdict, key[4], since)
    return verdict
