"""Charsets of delimited files (issue 15 review R15-9, R15-10): a BOM names the charset (Excel's
"Unicode text" export is UTF-16 with FF FE); a GBK export whose first MiB is ASCII is read as
GB18030, not as UTF-8 with U+FFFD; a file whose decoding is mostly U+FFFD or NUL is refused, named
and counted, never graded; a stray bad byte in a UTF-8 file is counted with its line."""

from __future__ import annotations

import codecs
import csv
import io
import json
from pathlib import Path

import pytest

from govsoc.classification.grading import load_scheme
from govsoc.classification.inventory import Inventory, build_inventory
from govsoc.classification.sources import open_source
from govsoc.core.errors import ConfigError
from tests.classification.test_sources import EXPECTED, ROWS, decided


def _inventory(target: Path, sample: int = 1000) -> Inventory:
    source = open_source(str(target), sample=sample)
    return build_inventory(source.tables(), source=source.name, scheme=load_scheme("gbt43697"), sample_size=sample)


def _text(delimiter: str = "\t") -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(["xm", "sfzh", "sjhm", "sku"])
    writer.writerows(ROWS)
    return out.getvalue()


@pytest.mark.parametrize("bom, codec", [
    (codecs.BOM_UTF16_LE, "utf-16-le"),  # Excel "Unicode text (*.txt)": UTF-16 LE with its BOM
    (codecs.BOM_UTF16_BE, "utf-16-be"),  # the same written big-endian
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # UTF-32's LE BOM starts with UTF-16 LE's: told apart
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),          # Excel "CSV UTF-8"
])
def test_a_bom_names_the_charset(tmp_path: Path, bom: bytes, codec: str) -> None:
    (tmp_path / "people.tsv").write_bytes(bom + _text().encode(codec))
    assert decided(str(tmp_path / "people.tsv")) == {("people.tsv", k): v for k, v in EXPECTED.items()}


def test_a_gbk_export_whose_first_mib_is_ascii_is_read_as_gb18030(tmp_path: Path) -> None:
    # 1.2 MiB of rows with empty Chinese cells (a long ASCII remark each), then the people
    padding = "".join(f",,,{n}{'x' * 6000}\r\n" for n in range(200))
    body = _text(",")
    header, rows = body.split("\r\n", 1)
    text = header + "\r\n" + padding + rows
    assert len(text[:1 << 20].encode("gbk")) == 1 << 20 and text[:1 << 20].isascii()
    (tmp_path / "gbk.csv").write_bytes(text.encode("gbk"))
    (tmp_path / "utf8.csv").write_bytes(text.encode("utf-8"))
    inventory = _inventory(tmp_path, 100_000)
    tagged = {(t.table, f.field): f.recognizer for t in inventory.tables for f in t.fields if f.status == "tagged"}
    assert tagged == {(table, k): v for table in ("gbk.csv", "utf8.csv") for k, v in EXPECTED.items()}
    assert inventory.skipped_count == 0


def test_a_stray_bad_byte_in_a_utf8_file_is_counted_with_its_line(tmp_path: Path) -> None:
    lines = _text(",").encode("utf-8").split(b"\r\n")
    lines[30] = lines[30].replace(b"SKU", b"SK\xff")  # line 31: after the UTF-8 Chinese names before it
    (tmp_path / "p.csv").write_bytes(b"\r\n".join(lines))
    inventory = _inventory(tmp_path / "p.csv")
    tagged = {f.field: f.recognizer for t in inventory.tables for f in t.fields if f.status == "tagged"}
    assert tagged == EXPECTED  # still UTF-8: the names are not re-read as GB18030 mojibake
    (skip,) = inventory.skipped
    # classified with the replacement: a note, nothing left out (R15d-26)
    assert skip.location.line == 31 and "U+FFFD" in skip.reason and skip.note and inventory.skipped_count == 0


@pytest.mark.parametrize("content", [
    b"\xff\xfe\x00garbage\n",                                  # R15's bin.csv: a UTF-16 BOM, then no UTF-16 text
    bytes(range(256)) * 64,                                    # binary without a BOM: GB18030 U+FFFD and NUL
])
def test_a_file_that_is_not_text_in_its_charset_is_refused_and_counted(tmp_path: Path, content: bytes) -> None:
    (tmp_path / "bin.csv").write_bytes(content)
    with pytest.raises(ConfigError, match="not text in this charset"):
        list(open_source(str(tmp_path / "bin.csv")).tables())
    (tmp_path / "ok.csv").write_text(_text(","), encoding="utf-8")
    inventory = _inventory(tmp_path)
    assert [t.table for t in inventory.tables] == ["ok.csv"]  # bin.csv is not graded
    (skip,) = inventory.skipped
    assert skip.location.path == str(tmp_path / "bin.csv") and inventory.skipped_count == 1


def test_a_stray_bad_byte_after_a_utf8_head_is_counted_not_re_read(tmp_path: Path) -> None:
    body = _text(",")
    header, rows = body.split("\r\n", 1)
    padding = "".join(f"张三,,,{n}{'x' * 6000}\r\n" for n in range(200))  # 1.2 MiB of UTF-8 with Chinese in it
    data = (header + "\r\n" + padding + rows).encode("utf-8")
    at = data.rindex(b"SKU-39")
    (tmp_path / "p.csv").write_bytes(data[:at] + b"\xff" + data[at:])  # one bad byte on the last line
    inventory = _inventory(tmp_path / "p.csv")
    (table,) = inventory.tables
    assert {f.field: f.recognizer for f in table.fields if f.status == "tagged"} == EXPECTED
    (skip,) = inventory.skipped
    assert skip.location.line == 1 + 200 + len(ROWS)  # header, padding, rows and "U+FFFD" in skip.reason


@pytest.mark.parametrize("bom, codec", [
    (codecs.BOM_UTF8, "utf-8"),          # Notepad's "UTF-8 with BOM"; RFC 8259 §8.1: a parser may ignore it
    (codecs.BOM_UTF16_LE, "utf-16-le"),  # Windows PowerShell 5.1 Out-File / > : UTF-16 LE with its BOM
])
def test_json_lines_with_a_bom_are_read_whole(tmp_path: Path, bom: bytes, codec: str) -> None:
    text = "".join(json.dumps(dict(zip(("xm", "sfzh", "sjhm"), row, strict=False)), ensure_ascii=False) + "\n"
                   for row in ROWS)
    (tmp_path / "p.jsonl").write_bytes(bom + text.encode(codec))
    inventory = _inventory(tmp_path / "p.jsonl")
    (table,) = inventory.tables
    assert {f.field: f.recognizer for f in table.fields if f.status == "tagged"} == EXPECTED
    assert inventory.skipped_count == 0 and table.rows == len(ROWS)


@pytest.mark.parametrize("name, codec", [
    ("p.jsonl", "gbk"),      # R15e-7: Chinese Windows tools write JSON lines in the ANSI code page
    ("p.jsonl", "gb18030"),  # the same from a tool that writes GB18030
    ("p.json", "gbk"),       # one JSON array in GBK: refused whole before, "not UTF-8 at byte"
])
def test_json_in_gbk_is_read_as_gb18030_and_said(tmp_path: Path, name: str, codec: str) -> None:
    """R15e-7: a GBK JSON-lines file was 40 lines "byte 0x.. is not UTF-8: the line is not read",
    rows=0 and graded 一般数据（1级）. Its charset is decided on evidence as a CSV file's is, and the
    reading is said once (RFC 8259 §8.1 asks for UTF-8)."""
    records = [dict(zip(("xm", "sfzh", "sjhm"), row, strict=False)) for row in ROWS]
    text = ("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records) if name.endswith("l")
            else json.dumps(records, ensure_ascii=False, indent=1))
    (tmp_path / name).write_bytes(text.encode(codec))
    inventory = _inventory(tmp_path / name)
    (table,) = inventory.tables
    assert {f.field: f.recognizer for f in table.fields if f.status == "tagged"} == EXPECTED
    assert inventory.skipped_count == 0 and table.rows == len(ROWS)
    (note,) = inventory.skipped
    assert note.reason.startswith("not UTF-8 (RFC 8259 §8.1)") and note.reason.endswith("read as gb18030")
