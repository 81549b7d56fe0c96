"""Line ends and blank lines of delimited files, and compressed files under a text suffix (issue 15
review R15d-28): a file with CR-only line ends (Excel for Mac's "CSV (Macintosh)") was refused with
the csv module's "new-line character seen in unquoted field - do you need to open the file in
universal-newline mode?"; CR CR LF line ends gave a row per empty line (rows=121 for 60); a file of
blank lines had rows=4; a gzip file named .csv got the csv module's message. CR, LF and CRLF are
read alike, only rows holding a cell count, a compressed file is named as such."""

from __future__ import annotations

import gzip
import io
import zipfile
from pathlib import Path

import pytest

from govsoc.classification.grading import load_scheme
from govsoc.classification.inventory import Inventory, build_inventory
from govsoc.classification.sources import open_source
from govsoc.core.errors import ConfigError
from tests.classification.test_sources import NAMES, PHONES, ids

ROSTER = ["姓名,身份证号,手机号", *(f"{NAMES[i % 8]},{n},{PHONES[i]}" for i, n in enumerate(ids(40)))]
TAGGED = {"姓名": "cn_person_name", "身份证号": "cn_resident_id", "手机号": "cn_mobile"}


def _inventory(path: Path) -> Inventory:
    source = open_source(str(path))
    return build_inventory(source.tables(), source=source.name, scheme=load_scheme("gbt43697"), sample_size=1000)


@pytest.mark.parametrize("end", [
    "\r",        # Excel for Mac "CSV (Macintosh)", old Mac and AS/400 exports
    "\r\r\n",    # a CRLF file through unix2dos again, or a Windows FTP ASCII transfer
    "\n\n",      # a blank line after each record
    "\r\n",      # Excel for Windows: read as before
])
def test_line_ends_are_read_alike_and_blank_lines_are_no_rows(tmp_path: Path, end: str) -> None:
    path = tmp_path / "roster.csv"
    path.write_bytes(end.join(ROSTER).encode("utf-8") + end.encode())
    inventory = _inventory(path)
    (table,) = inventory.tables
    assert {f.field: f.recognizer for f in table.fields} == TAGGED
    assert table.rows == 40
    assert inventory.skipped_count == 0


def test_a_file_of_blank_lines_has_no_rows(tmp_path: Path) -> None:
    (tmp_path / "blank.csv").write_text("\n\n\n\n", encoding="utf-8")
    (tmp_path / "padded.csv").write_text("\n".join(ROSTER[:11]) + "\n,,\n,,\n", encoding="utf-8")  # Excel's empty rows
    assert _inventory(tmp_path / "blank.csv").tables[0].rows == 0
    assert _inventory(tmp_path / "padded.csv").tables[0].rows == 10


def _zipped(text: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("roster.csv", text)
    return out.getvalue()


@pytest.mark.parametrize(("pack", "kind", "suffix"), [
    (gzip.compress, "gzip", ".csv"),    # gzip -S .csv, or a download saved under the page's name
    (_zipped, "zip", ".csv"),
    (gzip.compress, "gzip", ".jsonl"),  # a shipper's rotated log, its .gz dropped
])
def test_a_compressed_file_is_named_as_such(tmp_path: Path, pack: object, kind: str, suffix: str) -> None:
    path = tmp_path / f"roster{suffix}"
    path.write_bytes(pack("\n".join(ROSTER).encode("utf-8")))  # type: ignore[operator]
    with pytest.raises(ConfigError, match=f"compressed: {kind}, not text"):
        list(open_source(str(path)).tables())
    (tmp_path / "b.csv").write_text("\n".join(ROSTER) + "\n", encoding="utf-8")
    inventory = _inventory(tmp_path)  # in a folder: reported, the other file read
    assert [s.reason.split(",")[0] for s in inventory.skipped] == [f"compressed: {kind}"]


def test_a_binary_file_has_no_more_bad_lines_than_lines(tmp_path: Path) -> None:
    # R15d-31: lone CRs in binary split the text, not the lines editors count: "on 51 of 31 lines"
    chunk = bytes([0x89, 0x50, 0x0D, 0xFF, 0x00, 0x0D, 0x1A, 0x0D, 0x80, 0x0D])
    (tmp_path / "png.csv").write_bytes(b"\n".join(chunk * 3 for _ in range(30)) + chunk)  # no LF ends the last
    with pytest.raises(ConfigError, match=r"on 30 of 30 lines, the first on line 1"):
        list(open_source(str(tmp_path / "png.csv")).tables())
