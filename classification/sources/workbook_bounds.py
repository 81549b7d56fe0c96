"""Bounds on what an XLSX may inflate to (stage: classification; a part of sources/workbook.py).

An XLSX is a ZIP (ECMA-376 Part 2, Open Packaging Conventions). DEFLATE reaches about 1032:1, so a
1 MB file can hold a 1 GiB sheet: read whole, one such "zip bomb" took 4.1 GB of memory and minutes
of CPU and would take a smaller host's whole run with it (R15at-1). Before openpyxl inflates
anything, :func:`check_archive` reads the archive's directory (APPNOTE.TXT 4.3.16 end of central
directory, 4.3.14-15 its ZIP64 form) for the number of members, then each member's declared sizes,
and refuses the workbook, naming the member, when there are too many members, a member or all of
them would inflate past the bounds, or a member's compression ratio is one no spreadsheet reaches
(the test Apache POI's ZipSecureFile makes: 100:1 by default). Declared sizes can lie, but what
comes out of a member is cut to them: Python's zipfile stops a member at its declared size (and then
fails its CRC, which sources/workbook.py turns into an error naming the file). A read of a whole
member inflates it to its real end before the cut, and openpyxl reads all but the sheets whole: those
are first read here in pieces, their CRCs checked (RRR15ax-3). A counter of the bytes inflated,
wrapped round openpyxl's private archive, never fired and was dropped (review RRR15aw-4).
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Final
from xml.parsers import expat

from govsoc.classification.sources.workbook_rows import PIECE, RowLimits, RowRefused, SheetExtent, sheet_extent
from govsoc.classification.sources.workbook_sheets import sheet_titles
from govsoc.core.errors import ConfigError, Location

__all__ = ["ArchiveLimits", "CheckedArchive", "check_archive"]

#: End of central directory record: signature, fixed length, and the largest comment after it.
_EOCD: Final = b"PK\x05\x06"
_EOCD_SIZE: Final = 22
_COMMENT_MAX: Final = 0xFFFF
#: ZIP64 end of central directory locator (20 bytes, just before the record above) and record.
_LOCATOR: Final = b"PK\x06\x07"
_ZIP64_EOCD: Final = b"PK\x06\x06"
_MIB: Final = 1 << 20
#: The members openpyxl streams (read_only mode), and the piece other members are checked by.
_SHEETS: Final = "xl/worksheets/"
#: The parts openpyxl reads whole are XML (its content types, relationships, workbook, styles,
#: shared strings, properties); pictures and embedded files it never reads (RRR15ay-7), an
#: encrypted part or one of another method it cannot (zipfile's RuntimeError, RRR15ay-6): left.
_READ_WHOLE: Final = (".xml", ".rels")
_ENCRYPTED: Final = 0x1
_METHODS: Final = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
#: What zipfile raises on a member that does not inflate to its declared size and CRC.
_INFLATE_ERRORS: Final = (zipfile.BadZipFile, zlib.error, EOFError)


@dataclass(frozen=True, slots=True, kw_only=True)
class ArchiveLimits:
    """How much an XLSX may hold: members, inflated bytes per member and in all, and the highest
    compression ratio of a member larger than ``ratio_grace`` bytes inflated. Shared strings are not
    bounded past that: a valid workbook may hold many more than its cells use (Apache POI's table only
    grows), and refusing one is worse than reading it slowly (RRR15bm-1)."""

    max_members: int = 10_000
    max_member_bytes: int = 1 << 30
    max_total_bytes: int = 2 << 30
    max_ratio: int = 100
    ratio_grace: int = _MIB
    rows: RowLimits = RowLimits()


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckedArchive:
    """What the check read of a workbook that passed, by sheet title: each sheet's ZIP entry (its
    offset in the file, its packed bytes) and what its rows hold (sources/workbook_rows.py)."""

    spans: dict[str, tuple[int, int]]
    extents: dict[str, SheetExtent]


def _size(count: int) -> str:
    return f"{count / (1 << 30):.1f} GiB" if count >= 1 << 30 else f"{count / _MIB:.1f} MiB"


def _refused(path: Path, member: str | None, why: str) -> ConfigError:
    where = f"{member} " if member else ""
    return ConfigError(f"{where}{why}: not read (a zip bomb?)", location=Location(path=str(path)))


def _declared_members(path: Path) -> int | None:
    """The number of members the end of ``path``'s central directory declares, None when it has no
    such record (not a ZIP: openpyxl then says so)."""
    with path.open("rb") as raw:
        raw.seek(0, 2)
        end = raw.tell()
        start = max(0, end - _EOCD_SIZE - _COMMENT_MAX)
        raw.seek(start)
        tail = raw.read()
        at = tail.rfind(_EOCD)
        if at < 0 or len(tail) - at < _EOCD_SIZE:
            return None
        count: int = struct.unpack_from("<H", tail, at + 10)[0]
        if count != 0xFFFF or at < 20 or tail[at - 20:at - 16] != _LOCATOR:
            return count
        (record,) = struct.unpack_from("<Q", tail, at - 20 + 8)
        raw.seek(record)
        head = raw.read(40)
        if len(head) < 40 or head[:4] != _ZIP64_EOCD:
            return count
        wide: int = struct.unpack_from("<Q", head, 32)[0]
        return wide


def check_archive(path: Path, limits: ArchiveLimits) -> CheckedArchive:
    """Raise ConfigError naming ``path`` (and the member) when the workbook would inflate past
    ``limits`` or a sheet holds a row past ``limits.rows``; what passed, as read once from the ZIP's
    directory. A file that is no ZIP passes, with nothing known of it: openpyxl's own error names it."""
    nothing = CheckedArchive(spans={}, extents={})
    members = _declared_members(path)
    if members is None:
        return nothing
    if members > limits.max_members:
        raise _refused(path, None, f"holds {members:,} members (more than {limits.max_members:,})")
    try:
        with zipfile.ZipFile(path) as book:
            infos = book.infolist()
            if len(infos) > limits.max_members:  # a directory that declares fewer than it holds
                raise _refused(path, None, f"holds {len(infos):,} members (more than {limits.max_members:,})")
            _check_sizes(path, infos, limits)
            readable = [i for i in infos if not i.flag_bits & _ENCRYPTED and i.compress_type in _METHODS]
            _read_in_pieces(path, book, [i for i in readable if i.filename.endswith(_READ_WHOLE)
                                         and not i.filename.startswith(_SHEETS)])
            titles = sheet_titles(book)
            spans = {title: (book.getinfo(member).header_offset, book.getinfo(member).compress_size)
                     for member, title in titles.items() if member in book.NameToInfo}
            sheets = _sheets(readable, titles)
            extents = {titles.get(member, member): _extent(path, book, member, titles, limits.rows)
                       for member in sheets}
    except (OSError, zipfile.BadZipFile):
        return nothing  # openpyxl's error says what is wrong with it
    return CheckedArchive(spans=spans, extents=extents)


def _sheets(readable: list[zipfile.ZipInfo], titles: dict[str, str]) -> list[str]:
    """The members openpyxl reads as sheets: those the workbook names (a stray Thumbs.db, an editor's
    backup or an orphan sheet beside them is never read, RRR15bi-1); when it names none it can be
    read for, each ``xl/worksheets/*.xml``."""
    if titles:
        return [i.filename for i in readable if i.filename in titles]
    return [i.filename for i in readable if i.filename.startswith(_SHEETS) and i.filename.endswith(".xml")
            and "/" not in i.filename[len(_SHEETS):]]


def _check_sizes(path: Path, infos: list[zipfile.ZipInfo], limits: ArchiveLimits) -> None:
    """Refuse a member, or all of them, declared to inflate past ``limits``."""
    total = 0
    for info in infos:
        ratio = info.file_size / max(1, info.compress_size)
        if info.file_size > limits.max_member_bytes:
            raise _refused(path, info.filename, f"inflates to {_size(info.file_size)} (ratio {ratio:.0f}:1, more "
                                                f"than {_size(limits.max_member_bytes)})")
        if info.file_size > limits.ratio_grace and ratio > limits.max_ratio:
            raise _refused(path, info.filename, f"inflates to {_size(info.file_size)} (ratio {ratio:.0f}:1, more "
                                                f"than {limits.max_ratio}:1)")
        total += info.file_size
        if total > limits.max_total_bytes:
            raise _refused(path, None, f"members inflate to over {_size(total)} in all (more than "
                                       f"{_size(limits.max_total_bytes)})")


def _extent(path: Path, book: zipfile.ZipFile, member: str, titles: dict[str, str], limits: RowLimits) -> SheetExtent:
    """What the sheet ``member`` holds; ConfigError naming the file, the sheet and the row when a
    row is past ``limits`` or the sheet is no XML (openpyxl would stop there too)."""
    sheet = f"sheet {titles[member]!r} ({member})" if member in titles else f"sheet {member}"
    try:
        return sheet_extent(book, member, limits)
    except RowRefused as e:
        if e.row is None:  # past a bound outside the rows: the sheet says it
            row = ""
        elif e.row:
            row = f"row {e.row:,} "
        else:
            row = "before its first row "
        raise ConfigError(f"{sheet} {row}{e.why}: not read (a zip bomb?)",
                          location=Location(path=str(path), line=e.row or None)) from e
    except expat.ExpatError as e:
        raise ConfigError(f"{sheet} is not well-formed XML ({e}): not read",
                          location=Location(path=str(path))) from e
    except ValueError as e:  # pyexpat's "multi-byte encodings are not supported" (GBK, Big5, Shift_JIS)
        raise ConfigError(f"not a readable XLSX workbook: {sheet} declares an encoding expat cannot read ({e}): "
                          "save it as UTF-8", location=Location(path=str(path))) from e
    except _INFLATE_ERRORS as e:
        raise _refused(path, member, f"does not inflate to its declared size ({type(e).__name__}: {e})") from e


def _read_in_pieces(path: Path, book: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> None:
    """Inflate ``infos`` a piece at a time, their CRCs checked: openpyxl reads every member but the
    sheets whole, and zipfile inflates such a read to its end before cutting it to the declared size
    (a [Content_Types].xml declaring 700 bytes that inflates to 1 GiB took 2.1 GB of memory,
    RRR15ax-3). A piece is at most PIECE bytes: what a member really holds beyond its declared size
    fails its CRC here (the sheets openpyxl streams in pieces of its own)."""
    for info in infos:
        try:
            with book.open(info) as member:
                while member.read(PIECE):
                    pass
        except _INFLATE_ERRORS as e:
            raise _refused(path, info.filename, f"does not inflate to its declared {info.file_size:,} bytes "
                                                f"({type(e).__name__}: {e})") from e
