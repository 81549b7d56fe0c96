"""Whether a compressed file is still, byte for byte, the file a read took to its end (issue 11).

A gzip file's own size tells nothing of its content: the trailer (RFC 1952 2.3.1) states the CRC-32 and
length of its LAST member only, and a file may hold many (RFC 1952 2.2: "a gzip file consists of a series of
members"). Taken as read when that length was the position read to, a member of the read's length appended
in place was never read (R53b-1: 25 lines lost), nor `cat read.gz new.gz read.gz` written over it (45 lines),
and every new BGZF file (bgzip: its last member is the empty end-of-file block, length 0) or any gzip file
ending in an empty member was never read at all, its checkpoint at position 0 (R53b-2: 0 of 3,000 lines
stored, nothing said). Its trailer stating the read's CRC-32 (R52a-3) is no proof either: the trailer is the
last member's, and CRC-32 is linear, made to any value by a few chosen bytes.

Nor its device and inode: the file system gives a freed inode to the next file made (a copy compressed a
rotation later took a deleted copy's checkpoint by it and was read from the middle of a line, 'dled').

What does tell it, without decompressing: the raw file as stored, unchanged since the read went through it
to its end. Every write to a file sets its change time (ctime) to the clock's now, and nothing sets it back
(utime sets it too); so the state kept when a read ended (device, inode, the stored size, the modification
and change times in nanoseconds, and the position read to) is the file's as long as a look shows the same.
Kept only when the read went through the very bytes of that state: the size looked at is the one the read
came to the end of, and the file showed the same before the read (the look) and after it (an fstat).

And only when the change time is older than the look by more than RACY_NS (collectors.files.settled, git's
"racy clean"): a same-size rewrite within a coarse clock's tick of the look leaves every time as it was
(R53d-1: 5 lines lost on ext4 -I 128 with a rewrite in the read's second). A file changed so recently is
decompressed at the next look instead, and its state kept by the first read after that. The same holds for
what read_past keeps of a decompression (its digests, its one-member verdict; R54a-2: a verdict of the
file's own second, served again after a same-size rewrite in that second, was taken for a read whole).

A gzip copy that CheckpointStore.match took for a checkpoint's read by its one member (read_past.told_by_trailer:
one whole member as long as the read, with the read's digests: the evidence a plain file's own size and tail
digest give) is, for that look, read to its end as well (told_whole): not decompressed a second time by a read that
finds nothing (the copy logrotate just compressed), and its state kept when not too recent.

A rename, a chmod or a new link sets the change time too: each rotation (app.log.2.gz to app.log.3.gz) made
every generation look changed, and each was decompressed again (R54a-3: 56 MB inflated for 20 generations,
against 0.65 MB before). So the state keeps the SHA-256 of the stored bytes as well, taken when it is kept: a
file whose device, inode, stored size and modification time are the state's, its change time alone moved, is
the file read when its stored bytes have that digest (one sequential read of the compressed bytes, no
inflation; its new state kept once settled).

Kept in the checkpoint's ``kept`` dict (key READ_STATE), as read_past keeps its entries: a version that does
not know it keeps it as it is, and one that finds none (a checkpoint of an older version) reads the file,
which costs one decompression and finds nothing new, and keeps the state then.
"""

from __future__ import annotations

import hashlib
import os
from typing import Any

from govsoc.collectors.files.identity import FileView, RawState, open_bytes
from govsoc.collectors.files.settled import keep_bounded, keep_settled, now_ns, settled

#: The key of the raw state of a compressed file read to its end, in a checkpoint's ``kept`` dict.
READ_STATE = "read_state"
#: The key of the position a read of a compressed file ended at when it went through its stored bytes to their
#: end, kept whether or not the file is settled: it says the read was whole then, not that the file is unchanged
#: (R54c-1: a BGZF generation read within 2 s of its compression, then deleted, was said lost).
READ_END = "read_end"
#: The looks (device, inode, FileView.raw) at whose gzip file match found a read to its end, each with that
#: read's position (told_whole); a few, the oldest dropped: a look is asked about just after its match.
_TOLD: dict[tuple[int, int, RawState], int] = {}
#: What a kept state holds, in order (_recorded).
_FIELDS = ("device", "inode", "size", "mtime_ns", "ctime_ns", "position", "sha256")
#: The stored bytes read at a time for their digest.
_PIECE = 1 << 20
#: The digests of stored bytes taken in this process, by device, inode, size and times (kept once settled).
_DIGESTS: dict[tuple[int, int, RawState], str] = {}


def state_holds(kept: dict[str, Any] | None, view: FileView, position: int) -> bool:
    """Whether the file ``view`` shows is, as stored, the one whose read to ``position`` ended at its end:
    the state kept then (with_read_state), at that very position, is the one looked at now, or only its change
    time moved and its stored bytes have the digest kept (told for this look then); or, at this very look,
    match found it to be that read whole (told_whole)."""
    look = _look(view)
    if look is None:
        return False
    if _TOLD.get(look) == position:
        return True
    state, now = (kept or {}).get(READ_STATE), _recorded(view, position, None)
    if not isinstance(state, list) or len(state) != len(_FIELDS) or now is None:
        return False
    if state[:-1] == now[:-1]:
        return True
    moved = [name for name, was, shown in zip(_FIELDS[:-1], state[:-1], now[:-1], strict=True) if was != shown]
    if moved != ["ctime_ns"] or not isinstance(state[-1], str) or stored_digest(view) != state[-1]:
        return False
    told_whole(view, position)  # its new state is kept once settled (with_told_state)
    return True


def read_whole_as_stored(kept: dict[str, Any] | None, position: int) -> bool:
    """Whether the last read of a compressed file went through its stored bytes to their end, ending at
    ``position`` (READ_END, with_read_state): read whole as it was then, whatever its last member's length (a
    BGZF file's last member is empty) and however recently it had changed."""
    return (kept or {}).get(READ_END) == position


def told_whole(view: FileView, position: int) -> None:
    """The gzip file of this look is, by its content, a read to ``position`` whole (read_past.told_by_trailer)."""
    look = _look(view)
    if look is not None:
        keep_bounded(_TOLD, look, position)


def with_told_state(kept: dict[str, Any] | None, view: FileView, position: int) -> dict[str, Any] | None:
    """``kept`` recording the state of this look, when it was told a read to ``position`` whole (told_whole) and its
    change time is not too recent to tell (RACY_NS); else ``kept`` as it is."""
    look = _look(view)
    if look is None or _TOLD.get(look) != position or not settled(look[2].ctime_ns, look[2].seen_ns):
        return kept
    digest = stored_digest(view)
    return kept if digest is None else {**(kept or {}), READ_STATE: _recorded(view, position, digest)}


def with_read_state(kept: dict[str, Any] | None, view: FileView, *, fd: int, stored_read: int, position: int,
                    end: int, whole: bool) -> dict[str, Any] | None:
    """``kept`` recording the raw state of the compressed file ``view`` shows, read through its descriptor ``fd``
    to the end of its content (``end``, ``whole``: without a read error or damage) and of its stored bytes
    (``stored_read`` of them), the checkpoint's read now ending at ``position``, and that position (READ_END);
    without a state (the entry dropped) where the read did not go to both ends, the file changed since the
    look, or too recently to tell (RACY_NS); without READ_END where the read did not go to both ends. Its
    other keys are kept."""
    state, raw = None, view.raw
    reached = raw is not None and whole and position == end and stored_read == raw.size
    if reached and raw is not None and settled(raw.ctime_ns, raw.seen_ns):
        digest = _digest_of(fd, view)
        state = None if digest is None else _recorded(view, position, digest)
    entries = {READ_STATE: state, READ_END: position if reached else None}
    if all((kept or {}).get(key) == value for key, value in entries.items()):
        return kept
    rest = {key: value for key, value in (kept or {}).items() if key not in entries}
    return {**rest, **{key: value for key, value in entries.items() if value is not None}}


def stored_digest(view: FileView) -> str | None:
    """The SHA-256 of the stored bytes of the file ``view`` shows, when it is still as looked at (the same
    device, inode, size and times before and after they are read); else None."""
    try:
        with open_bytes(view.path) as stream:
            return _digest_of(stream.fileno(), view)
    except OSError:
        return None


def _digest_of(fd: int, view: FileView) -> str | None:
    """stored_digest() of the file open at ``fd`` (read by pread: its position is not moved), taken once a
    process for a settled file (R54b-1: each look after a rotation's rename hashed every generation again)."""
    look = _look(view)
    if look is None:
        return None
    key = (look[0], look[1], look[2]._replace(seen_ns=0))
    if key in _DIGESTS:
        return _DIGESTS[key]
    since = now_ns()
    if not _as_looked(fd, view):
        return None
    digest = hashed(fd, look[2].size)
    if digest is None or not _as_looked(fd, view):  # changed while it was read: not the bytes looked at
        return None
    keep_settled(_DIGESTS, key, digest, look[2].ctime_ns, since)
    return digest


def hashed(fd: int, size: int) -> str | None:
    """The SHA-256 of the first ``size`` bytes of the file open at ``fd``, or None when it holds fewer. By pread:
    hashlib.file_digest would read from the descriptor's position, which a gzip reader may hold."""
    digest, at = hashlib.sha256(), 0
    while at < size and (piece := os.pread(fd, min(_PIECE, size - at), at)):
        digest.update(piece)
        at += len(piece)
    return digest.hexdigest() if at == size else None


def _as_looked(fd: int, view: FileView) -> bool:
    """Whether the file open at ``fd`` shows the device, inode, size and times ``view`` was looked at with."""
    raw = view.raw
    try:
        st = os.fstat(fd)
    except OSError:
        return False
    return raw is not None and (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns) == (
        view.device, view.inode, raw.size, raw.mtime_ns, raw.ctime_ns)


def _look(view: FileView) -> tuple[int, int, RawState] | None:
    return None if view.raw is None else (view.device, view.inode, view.raw)


def _recorded(view: FileView, position: int, digest: str | None) -> list[Any] | None:
    """The state kept (a JSON list, _FIELDS): device, inode, stored size, modification and change times, the
    position read to, the digest of the stored bytes."""
    raw = view.raw
    return None if raw is None else [view.device, view.inode, raw.size, raw.mtime_ns, raw.ctime_ns, position, digest]
