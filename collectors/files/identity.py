"""Which file is this? Identity by content, as Filebeat's fingerprint file identity does.

A file is known by a fingerprint of its first bytes (up to 1 KiB of its content; for a gzip
file, of its decompressed content), so a renamed, rotated or compressed file keeps its identity
and a re-created file gets a new one. Device and inode are kept as hints that break ties between
files with the same first bytes. A file whose content before the last acknowledged position no
longer matches what was read there (truncated, or truncated and rewritten) is a new file.
"""

from __future__ import annotations

import errno
import gzip
import hashlib
import os
import stat
import struct
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, NamedTuple

from govsoc.collectors.files.folder import Denied, acl_of, forbidden, who
from govsoc.core.errors import Location, ParseError
from govsoc.core.regular_file import file_type

#: How many leading bytes identify a file (Filebeat's fingerprint default).
FINGERPRINT_BYTES = 1024
#: How many bytes before an acknowledged position are kept to recognise the same content again.
TAIL_BYTES = 64
#: How many leading bytes are read to tell text from binary.
SNIFF_BYTES = 8192
_GZIP_MAGIC = b"\x1f\x8b"
#: How much of a compressed file and its possible original are compared at a time.
_COMPARE_BYTES = 1 << 14


def fingerprint(data: bytes) -> str:
    """The fingerprint of a file's first bytes: sha256, 32 hex digits."""
    return hashlib.sha256(data).hexdigest()[:32]


class RawState(NamedTuple):
    """A stored file's state at a look (collectors.files.read_state): its size as stored (a gzip file's
    compressed bytes, not its trailer's length), its modification and change times in nanoseconds, and when
    the look was made (time.time_ns(), before its fstat)."""

    size: int
    mtime_ns: int
    ctime_ns: int
    seen_ns: int


@dataclass(frozen=True, slots=True, kw_only=True)
class FileView:
    """What one look at a file shows: its first bytes, content size and hints."""

    path: Path
    head: bytes
    size: int | None
    compressed: bool
    device: int
    inode: int
    mtime: float
    #: The inode's change time: set by every write, rename and utime, never back (R11i-6).
    ctime: float = 0.0
    #: The stored file's state at the look, exact (collectors.files.read_state); None where no look made it.
    raw: RawState | None = None

    def prefix_fingerprint(self, length: int) -> str | None:
        """The fingerprint of the first ``length`` content bytes, or None when shorter."""
        return fingerprint(self.head[:length]) if len(self.head) >= length else None


#: Set while files nobody named are read (a log's rotated generations, found beside it by name):
#: every open of their content then refuses a symbolic link in the last component, atomically
#: (O_NOFOLLOW), so a link swapped in after the listing checked the entry is not read through
#: (R11f N2, V12 F4: a user who may write the log folder, auth.log.1 -> /etc/shadow).
#: Also while a log's own path is read where it may not be a link (found by a glob or a folder
#: walk, or a regular file when it was first read: V12 F1, F7). The value says why, in the error.
_NO_LINKS: ContextVar[str | None] = ContextVar("govsoc_no_links", default=None)
#: With it, the user ids a file opened so may be owned by (a log's rotated files: its owner and root).
_OWNERS: ContextVar[frozenset[int] | None] = ContextVar("govsoc_owners", default=None)

#: With it, a log's folder (spelled, normalised) and a descriptor of it opened when it was checked
#: (collectors.files.folder): files in that folder are opened relative to the descriptor, so a folder
#: of the path swapped for a link after the check is not read through (R11g G1b, V13 V3).
#: With it too, who may have put a symbolic link on the path (folder.authority): each file opened
#: must be readable by each of them (R11h R1/R2/R10/R13).
_FOLDER: ContextVar[tuple[str, int, frozenset[int]] | None] = ContextVar("govsoc_folder", default=None)

#: With it, a log path (spelled, normalised) and a descriptor of the file last read there, held
#: open by a follower (collectors.files.held): every open of that path opens the held file, moved
#: away since (logrotate ``olddir``, a re-pointed link: R11h R4, R11), not what the name holds now.
_HELD: ContextVar[tuple[str, int] | None] = ContextVar("govsoc_held", default=None)

#: Why a rotated generation found beside a log is not read through a link.
GENERATION = "not read in place of a rotated file"


@contextmanager
def no_links(why: str = GENERATION, owners: frozenset[int] | None = None) -> Iterator[None]:
    """Within: :func:`open_content` opens no symbolic link (the files read were not named as
    links); ``why`` ends the error of one that is found. With ``owners``, nor a file another
    user owns (checked on the descriptor opened: the file read is the file checked)."""
    token, owned = _NO_LINKS.set(why), _OWNERS.set(owners)
    try:
        yield
    finally:
        _OWNERS.reset(owned)
        _NO_LINKS.reset(token)


@contextmanager
def in_folder(folder: str, descriptor: int, readers: frozenset[int] = frozenset()) -> Iterator[None]:
    """Within: :func:`open_content` opens a file of ``folder`` (as spelled, normalised) relative to
    ``descriptor``, that folder opened when it was checked (folder.open_folder), not by its name
    again: a folder of the path replaced by a link between the check and the open is not read
    through (R11g G1b, V13 V3), and the log, its look and its rotated files are in one folder.
    ``readers``: who may have put a link on the path; a file of the folder they may not read is
    refused (checked on the descriptor opened)."""
    token = _FOLDER.set((folder, descriptor, readers))
    try:
        yield
    finally:
        _FOLDER.reset(token)


@contextmanager
def from_held(path: Path, descriptor: int) -> Iterator[None]:
    """Within: :func:`open_content` (and every open of this module) of ``path`` opens the file held
    open as ``descriptor`` (a copy of it, from its start), wherever that file is now."""
    token = _HELD.set((os.path.normpath(os.path.abspath(path)), descriptor))
    try:
        yield
    finally:
        _HELD.reset(token)


def _open_at(path: Path, flags: int) -> int:
    """os.open of ``path``, relative to the checked folder's descriptor when it is in that folder
    (or the held file's descriptor copied, within :func:`from_held`)."""
    held = _FOLDER.get()
    spelled = os.path.normpath(os.path.abspath(path))
    kept = _HELD.get()
    if kept is not None and kept[0] == spelled:
        fd = os.dup(kept[1])  # shares the held one's position: each reader seeks where it reads
        os.lseek(fd, 0, os.SEEK_SET)
        return fd
    if held is not None and os.path.dirname(spelled) == held[0]:
        return os.open(os.path.basename(spelled), flags, dir_fd=held[1])
    return os.open(path, flags)


def _open_raw(path: Path) -> BinaryIO:
    """The file at ``path`` opened for reading, a regular file: opened with O_NONBLOCK, so a
    FIFO renamed into a log's place after it was listed does not block the run until a writer
    comes (R11g G5: --follow hung in open(), no file read any more), then checked on the
    descriptor (fstat), so the file read is the file checked; a device (/dev/zero) or FIFO is
    refused. The flag is cleared again for the regular file (no effect on its reads anyway)."""
    why = _NO_LINKS.get()
    flags = os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC | (0 if why is None else os.O_NOFOLLOW)
    try:
        fd = _open_at(path, flags)
    except OSError as e:
        if e.errno == errno.ELOOP and why is not None:
            e.strerror = f"a symbolic link, {why}"
        raise
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise OSError(errno.EINVAL, f"{file_type(info.st_mode)}, not a regular file: not read")
        held = _FOLDER.get()
        denied = forbidden(info, held[2], 4, acl_of(fd)) if held is not None and held[2] else None
        if denied is not None:
            raise Denied(errno.EACCES, f"may not be read by {who(denied)}, who may have put a symbolic link on its "
                                       "path: not read (a link lets govsoc read only what whoever put it could read)")
        owners = _OWNERS.get()
        if owners is not None and info.st_uid not in owners:
            raise PermissionError(errno.EPERM, f"owned by user id {info.st_uid}, not by the log's owner or root: {why}")
        os.set_blocking(fd, True)
    except OSError:
        os.close(fd)
        raise
    return os.fdopen(fd, "rb")


def open_content(path: Path) -> BinaryIO:
    """The file's content as a binary stream: decompressed when it is gzip (by magic, not name)."""
    try:
        raw = _open_raw(path)
        if raw.read(2) != _GZIP_MAGIC:
            raw.seek(0)
            return raw
        raw.seek(0)
        # the descriptor opened above, not the name again; GzipFile closes ``myfileobj`` with itself
        content = gzip.GzipFile(fileobj=raw, mode="rb")
        content.myfileobj = raw  # type: ignore[assignment]
        return content  # type: ignore[return-value]
    except OSError as e:
        raise ParseError(f"cannot read: {e.strerror or e}", location=Location(path=str(path))) from e


def look(path: Path) -> FileView:
    """A view of ``path``: its first bytes and size (for gzip, from the trailer). Size, inode and
    time are those of the descriptor the first bytes are read from: a file renamed over the path
    between a stat by name and the open gave a view of two files (R11g G7: the empty file swapped
    in gave its size 0 to the log's first bytes, "truncated", and the log was read again from 0
    under a new identity)."""
    with open_content(path) as stream:
        seen = time.time_ns()  # before the stat: a change made after it has a later change time
        st = os.fstat(_raw_fd(stream))
        compressed = isinstance(stream, gzip.GzipFile)
        try:
            head = stream.read(SNIFF_BYTES)
        except (OSError, EOFError, zlib.error) as e:  # zlib.error: gzip magic, damaged deflate data
            raise ParseError(f"cannot read: {e}", location=Location(path=str(path))) from e
        size: int | None = _gzip_size(_raw_fd(stream), st.st_size) if compressed else st.st_size
    return FileView(path=path, head=head, size=size, compressed=compressed, device=st.st_dev,
                    inode=st.st_ino, mtime=st.st_mtime, ctime=st.st_ctime,
                    raw=RawState(st.st_size, st.st_mtime_ns, st.st_ctime_ns, seen))


def _raw_fd(stream: BinaryIO) -> int:
    """The descriptor under an open_content() stream (for gzip, the compressed file's)."""
    return stream.myfileobj.fileno() if isinstance(stream, gzip.GzipFile) else stream.fileno()


def stored_read(stream: BinaryIO) -> tuple[int, int] | None:
    """For an open_content() stream of gzip content: the descriptor of the stored (compressed) bytes and how
    many of them the decompression went through; None for a plain file."""
    if not isinstance(stream, gzip.GzipFile):
        return None
    return stream.myfileobj.fileno(), stream.myfileobj.tell()


def same_file(stream: BinaryIO, view: FileView) -> bool:
    """Whether ``stream`` (open_content() of ``view.path``) is the file ``view`` was taken of, not
    another renamed over its path since."""
    st = os.fstat(_raw_fd(stream))
    return (st.st_dev, st.st_ino) == (view.device, view.inode)


def _gzip_size(fd: int, length: int) -> int | None:
    """The uncompressed size a gzip trailer states (ISIZE, modulo 2**32), or None."""
    try:
        trailer = os.pread(fd, 4, length - 4) if length >= 4 else b""
    except OSError:
        return None
    return struct.unpack("<I", trailer)[0] if len(trailer) == 4 else None


def open_bytes(path: Path) -> BinaryIO:
    """The bytes of ``path`` as stored (never decompressed), opened as :func:`open_content` opens
    (relative to the checked folder, no link where none may be) but not checked again: for a
    second look at a file open_content() already checked (R11h R5: a second open by name after
    the folder was exchanged ended the run with FileNotFoundError)."""
    why = _NO_LINKS.get()
    flags = os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC | (0 if why is None else os.O_NOFOLLOW)
    return os.fdopen(_open_at(path, flags), "rb")


def tail_digest(path: Path, offset: int) -> str | None:
    """The digest of the up to TAIL_BYTES content bytes before ``offset`` (plain files only;
    None for gzip or when the file is shorter than ``offset``)."""
    try:
        with open_bytes(path) as raw:
            if raw.read(2) == _GZIP_MAGIC:
                return None
            return read_tail_digest(raw.fileno(), offset)
    except OSError:
        return None


#: Why a file is not taken for what it was a moment ago (look() then a second open by name).
RENAMED_OVER = "another file was renamed over it while it was being looked at: left for the next look"


def view_tail_digest(view: FileView, offset: int) -> str | None:
    """tail_digest() of the file ``view`` shows; ParseError when the path holds another file
    now (renamed over it since the look: its tail is not this file's, R11g G7)."""
    try:
        # in the checked folder (in_folder): by name again, a folder swapped for a link since would
        # show another file, and the look taken for a file renamed over the path
        with os.fdopen(_open_at(view.path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC), "rb") as raw:
            st = os.fstat(raw.fileno())
            if (st.st_dev, st.st_ino) != (view.device, view.inode):
                raise ParseError(f"cannot read: {RENAMED_OVER}", location=Location(path=str(view.path)))
            return read_tail_digest(raw.fileno(), offset)
    except OSError:
        return None


def read_tail_digest(fd: int, offset: int) -> str | None:
    """tail_digest() of the plain file open as ``fd``: the file that was read, whatever its path
    holds now (a rotation renames it away during a read). pread leaves the reader's position alone."""
    start = max(0, offset - TAIL_BYTES)
    try:
        data = os.pread(fd, offset - start, start)
    except OSError:
        return None
    return fingerprint(data) if len(data) == offset - start else None


def compressed_copy(view: FileView, original: BinaryIO, offset: int) -> bool:
    """Whether the gzip file ``view`` holds the same content as ``original`` up to ``offset``, or
    as far as it can be read (a copy still being written). Costs a read of both, and is needed
    only while a compressed file and the plain file it may come from are both there."""
    original.seek(0)
    try:
        copy = open_content(view.path)
    except ParseError:
        return False
    with copy:
        position = 0
        while position < offset:
            try:
                piece = copy.read1(min(_COMPARE_BYTES, offset - position))  # type: ignore[attr-defined]
            except (OSError, EOFError, zlib.error):
                return position > 0  # read up to where it is cut, all the same
            if not piece:
                return True
            if original.read(len(piece)) != piece:
                return False
            position += len(piece)
    return True


def plain_copy(view: FileView, original: BinaryIO) -> bool:
    """Whether the plain file ``view`` shows holds exactly the first ``view.size`` bytes of
    ``original``: a copy of it, whole or still being written (logrotate's ``copy``, and
    ``copytruncate`` before its truncate). Costs a read of both; asked only of a new file whose
    first bytes are those of a log still at its path."""
    return not view.compressed and copy_extent(view, original) is not None


def copy_extent(view: FileView, original: BinaryIO) -> tuple[int, str | None] | None:
    """When all the content of the file ``view`` shows (plain, or gzip decompressed) is exactly
    the first bytes of ``original``: how many bytes that is and the digest of the last of them
    (read_tail_digest's at that length); None when it is not, or has no content. A copy still
    being written counts as far as it goes: a plain one up to the size looked at, a gzip one up
    to where its stream is cut (logrotate compresses a copy after making it: R11o-5)."""
    original.seek(0)
    length, last = 0, b""
    for piece in content_pieces(view):
        if original.read(len(piece)) != piece:
            return None
        length += len(piece)
        last = (last + piece)[-TAIL_BYTES:]
    return (length, fingerprint(last)) if length else None


def content_end(view: FileView) -> tuple[int, str | None]:
    """The content length of the file ``view`` shows and the digest of its last bytes: for a
    plain file from its size looked at (one read at its end), for gzip by reading it whole."""
    if not view.compressed:
        return view.size or 0, view_tail_digest(view, view.size or 0)
    length, last = 0, b""
    for piece in content_pieces(view):
        length += len(piece)
        last = (last + piece)[-TAIL_BYTES:]
    return length, fingerprint(last)


def content_shorter(view: FileView, length: int) -> bool:
    """Whether the gzip file ``view`` holds fewer than ``length`` bytes of content, counted by
    decompressing it (its trailer's ISIZE is the last member's length modulo 2**32: a hint, which
    view.size already is). False when it cannot be told (the path holds another file now, a
    damaged stream: as far as it reads)."""
    counted = 0
    with open_content(view.path) as stream:
        if not same_file(stream, view):
            return False
        while counted < length:
            try:
                piece = stream.read1(min(_COMPARE_BYTES, length - counted))  # type: ignore[attr-defined]
            except (OSError, EOFError, zlib.error):
                return False
            if not piece:
                return True
            counted += len(piece)
    return False


def content_pieces(view: FileView) -> Iterator[bytes]:
    """The content of the file ``view`` shows, in pieces: a plain file up to its size looked at,
    gzip decompressed up to its end or where its stream is cut. Nothing when the path holds
    another file now."""
    opened = open_content(view.path) if view.compressed else open_bytes(view.path)
    with opened as stream:
        if not same_file(stream, view):
            return
        remaining = None if view.compressed else view.size or 0
        while remaining is None or remaining:
            try:
                piece = stream.read1(  # type: ignore[attr-defined]
                    _COMPARE_BYTES if remaining is None else min(_COMPARE_BYTES, remaining))
            except (OSError, EOFError, zlib.error):
                return  # a gzip stream cut (still being written): its content so far
            if not piece:
                return
            if remaining is not None:
                remaining -= len(piece)
            yield piece
