"""An XLSX zip bomb is refused before it is inflated (issue 15 review R15at-1): a 1 MB workbook whose
one sheet inflates to 1 GiB was read whole (4.1 GB of memory, minutes of CPU). The members' count,
declared sizes and compression ratios are checked first (a member that declares less than it
holds is stopped there by zipfile, its CRC failing); the refusal names the file and the member, and in a folder
costs that file only."""

from __future__ import annotations

import random
import struct
import zipfile
from pathlib import Path

import pytest

from govsoc.classification.sources.files import FileSource
from govsoc.classification.sources.workbook import WorkbookReader
from govsoc.classification.sources.workbook_bounds import ArchiveLimits, check_archive
from govsoc.core.errors import ConfigError
from tests.classification.test_source_folder import _scan, _tagged
from tests.classification.test_sources import ids

SHEET = "xl/worksheets/sheet1.xml"
PARTS = {
    "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override '
    'PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    'spreadsheetml.worksheet+xml"/></Types>',
    "_rels/.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    "xl/workbook.xml": '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
    'main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" '
    'sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
    'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
    '2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
}
OPEN = (b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<dimension ref="A1:A20000"/><sheetData>')
CLOSE = b"</sheetData></worksheet>"
NUMBERS = ids(40)


def _rows(values: list[str], first: int = 1) -> bytes:
    return b"".join(b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>%s</t></is></c></row>' % (i, i, v.encode())
                    for i, v in enumerate(values, first))


def _book(path: Path, *, filler_mib: int = 0, extra: int = 0, noise: int = 0) -> Path:
    """A workbook of one sheet: sfzh and 40 ID numbers, ``noise`` rows of random hex (DEFLATE packs
    them about 2:1), then one cell of ``filler_mib`` MiB of 'A' (packed about 1000:1, as bomb.py's
    1 GiB cell), and ``extra`` small members."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        for name, text in PARTS.items():
            book.writestr(name, text)
        with book.open(SHEET, "w") as sheet:
            sheet.write(OPEN + _rows(["sfzh", *NUMBERS]))
            draw = random.Random(15)
            sheet.write(_rows([f"{draw.getrandbits(256):064x}" for _ in range(noise)], first=42))
            if filler_mib:
                sheet.write(b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>' % (42 + noise, 42 + noise))
                for _ in range(filler_mib):
                    sheet.write(b"A" * (1 << 20))
                sheet.write(b"</t></is></c></row>")
            sheet.write(CLOSE)
        for n in range(extra):
            book.writestr(f"docProps/part{n}.xml", "<x/>")
    return path


def _lying(path: Path, mib: int, declared: int, member: str = SHEET) -> Path:
    """``_book`` with 10,000 rows of noise and a ``mib`` MiB cell, whose sheet (or ``member``)
    declares ``declared`` bytes (local and central headers)."""
    _book(path, filler_mib=mib, noise=10_000)
    if member != SHEET:  # the sheet's bytes under the member's name, a plain sheet beside it
        with zipfile.ZipFile(path) as book:
            parts = {i.filename: book.read(i) for i in book.infolist()}
        parts[member], parts[SHEET] = parts[SHEET], OPEN + _rows(["sfzh", *NUMBERS]) + CLOSE
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
            for name, body in parts.items():
                book.writestr(name, body)
    data = bytearray(path.read_bytes())
    for signature, name_at, size_at in ((b"PK\x03\x04", 30, 22), (b"PK\x01\x02", 46, 24)):
        at = -1
        while data[at + name_at:at + name_at + len(member)] != member.encode() or at < 0:
            at = data.index(signature, at + 1)  # the header whose name follows it is the sheet's
        struct.pack_into("<I", data, at + size_at, declared)
    path.write_bytes(bytes(data))
    return path


def test_a_zip_bomb_is_refused_naming_file_and_member(tmp_path: Path) -> None:
    # R15at-1: a 64 MiB cell packed ~1000:1 was inflated and read (bomb.py's 1 GiB one: 4.1 GB RSS)
    bomb = _book(tmp_path / "bomb.xlsx", filler_mib=64)
    assert bomb.stat().st_size < 1 << 20
    with pytest.raises(ConfigError) as raised:
        list(FileSource(bomb, sample=1000).tables())
    assert raised.value.location is not None and raised.value.location.path == str(bomb)
    assert raised.value.message.startswith(f"{SHEET} inflates to 64.0 MiB (ratio ")
    assert "more than 100:1" in raised.value.message


def test_a_folder_run_reports_the_bomb_and_reads_the_other_files(tmp_path: Path) -> None:
    _book(tmp_path / "bomb.xlsx", filler_mib=64)
    _book(tmp_path / "ok.xlsx")
    (tmp_path / "ok.csv").write_text("sfzh\n" + "\n".join(NUMBERS) + "\n", encoding="utf-8")
    inventory = _scan(tmp_path)
    assert _tagged(inventory, "ok.csv") == {"sfzh": "cn_resident_id"}
    assert _tagged(inventory, "ok.xlsx:S") == {"sfzh": "cn_resident_id"}
    (skip,) = inventory.skipped
    assert skip.location.path == str(tmp_path / "bomb.xlsx") and skip.reason.startswith(f"{SHEET} inflates to")
    assert inventory.skipped_count == 1


@pytest.mark.parametrize("limits, book, said", [
    # a member declared larger than the bound, at an ordinary ratio (2 MiB of 'A' is ~1000:1: ratio off)
    (ArchiveLimits(max_member_bytes=1 << 20, max_ratio=10_000), {"filler_mib": 2},
     f"{SHEET} inflates to 2.0 MiB (ratio "),
    # all members together past the bound, none alone
    (ArchiveLimits(max_total_bytes=4000), {"extra": 0}, "members inflate to over "),
    # too many members: a million empty ones cost zipfile's directory parse alone
    (ArchiveLimits(max_members=10), {"extra": 20}, "holds 25 members (more than 10)"),
])
def test_each_bound_refuses(tmp_path: Path, limits: ArchiveLimits, book: dict[str, int], said: str) -> None:
    path = _book(tmp_path / "b.xlsx", **book)
    with pytest.raises(ConfigError) as raised:
        list(WorkbookReader(sample=100, limits=limits).tables(path))
    assert raised.value.message.startswith(said)
    assert str(raised.value.location) == str(path)


def test_the_same_workbook_within_the_bounds_is_read(tmp_path: Path) -> None:
    # the bounds refuse the bomb, not a workbook: the defaults pass a 2 MiB cell at ~1000:1 (under the grace)
    path = _book(tmp_path / "b.xlsx", extra=20)
    check_archive(path, ArchiveLimits())
    (table,) = WorkbookReader(sample=100).tables(path)
    assert table.rows == 40


@pytest.mark.parametrize("declared", [
    1000,  # within the first read openpyxl makes at load (the sheet's dimension): refused there
    900_000,  # past it, under the ratio's grace: the CRC fails while the rows stream (was an internal error)
])
def test_declared_sizes_that_lie_give_a_clear_error(tmp_path: Path, declared: int) -> None:
    # the sheet inflates to 16 MiB: zipfile stops it at its declared size, and its CRC then fails
    path = _lying(tmp_path / "lie.xlsx", 16, declared)
    with zipfile.ZipFile(path) as book:
        assert book.getinfo(SHEET).file_size == declared
    with pytest.raises(ConfigError) as raised:
        list(FileSource(path, sample=100).tables())
    assert raised.value.location is not None and raised.value.location.path == str(path)
    assert SHEET in raised.value.message


def _declaring(path: Path, members: int) -> Path:
    """The ZIP at ``path`` with its end of central directory record declaring ``members`` members
    (on this disk and in all), whatever its directory holds."""
    data = bytearray(path.read_bytes())
    at = data.rindex(b"PK\x05\x06")
    struct.pack_into("<HH", data, at + 8, members, members)
    path.write_bytes(bytes(data))
    return path


def test_a_zip64_count_of_members_is_refused_before_the_directory_is_read(tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    # RRR15aw-4: past 65,535 members the count is in the ZIP64 record only (the classic one says
    # 0xFFFF); reading it spares parsing a huge directory, which no test checked (a mutant reading
    # 0 there passed, the directory's own count refusing the file later)
    path = _book(tmp_path / "many.xlsx", extra=65_536)
    with zipfile.ZipFile(path) as book:
        assert len(book.infolist()) == 65_541
    assert path.read_bytes().rfind(b"PK\x06\x06") > 0  # written with a ZIP64 end record

    def unread(*_: object, **__: object) -> None:
        raise AssertionError("the directory was read")

    monkeypatch.setattr("govsoc.classification.sources.workbook_bounds.zipfile.ZipFile", unread)
    with pytest.raises(ConfigError) as raised:
        check_archive(path, ArchiveLimits(max_members=65_540))
    assert raised.value.message.startswith("holds 65,541 members (more than 65,540)")


def test_a_directory_holding_more_members_than_it_declares_is_refused(tmp_path: Path) -> None:
    # RRR15aw-4: the end record may under-state the members; zipfile reads the directory whole
    path = _declaring(_book(tmp_path / "b.xlsx", extra=20), 3)
    with zipfile.ZipFile(path) as book:
        assert len(book.infolist()) == 25
    with pytest.raises(ConfigError) as raised:
        check_archive(path, ArchiveLimits(max_members=10))
    assert raised.value.message.startswith("holds 25 members (more than 10)")


def test_a_member_read_whole_that_lies_about_its_size_is_refused_in_pieces(tmp_path: Path) -> None:
    # RRR15ax-3: openpyxl reads [Content_Types].xml (and all but the sheets) whole, and zipfile
    # inflates such a read to its end before cutting it to the declared size: 700 bytes declared, 1 GiB
    # real took 2.1 GB. Here 64 MiB real: refused naming the member, never holding more than a piece.
    import tracemalloc

    path = _lying(tmp_path / "lie.xlsx", 64, 700, member="docProps/big.xml")
    with zipfile.ZipFile(path) as book:
        assert book.getinfo("docProps/big.xml").file_size == 700
    tracemalloc.start()
    try:
        with pytest.raises(ConfigError) as raised:
            check_archive(path, ArchiveLimits())
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert raised.value.message.startswith("docProps/big.xml does not inflate to its declared 700 bytes")
    assert peak < 16 << 20, peak  # a whole read: 64 MiB and more


def test_a_part_openpyxl_never_reads_is_not_read_here(tmp_path: Path) -> None:
    # RRR15ay-6: a part flagged encrypted (customXml/item1.xml) stopped classify with "internal error:
    # RuntimeError ... encrypted", where the workbook reads whole without it
    path = _book(tmp_path / "b.xlsx", extra=1)
    data = bytearray(path.read_bytes())
    name = b"docProps/part0.xml"
    for signature, name_at, flags_at in ((b"PK\x03\x04", 30, 6), (b"PK\x01\x02", 46, 8)):
        at = data.index(signature)
        while data[at + name_at:at + name_at + len(name)] != name:
            at = data.index(signature, at + 1)
        data[at + flags_at] |= 0x1
    path.write_bytes(bytes(data))
    with zipfile.ZipFile(path) as book:
        assert book.getinfo(name.decode()).flag_bits & 0x1
    check_archive(path, ArchiveLimits())
    (table,) = WorkbookReader(sample=100).tables(path)
    assert table.rows == 40
