"""Bulk classification goes on past bad parts (issue 15 review): a cell over 128 KiB, a line that
is not JSON, an unclosed quote, an unreadable file of a folder are reported with file, line and
column, counted, and the rest of the file and of the folder is classified."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from govsoc.classification.grading import load_scheme
from govsoc.classification.inventory import Inventory, build_inventory
from govsoc.classification.sources import open_source
from govsoc.classification.sources.files import MAX_CELL
from govsoc.core.errors import ConfigError
from tests.classification.test_sources import EXPECTED, ROWS

BLOB = "A" * (MAX_CELL + 1)  # one character over the limit: what the csv module refused (131072)


def _scan(target: Path) -> Inventory:
    source = open_source(str(target))
    return build_inventory(source.tables(), source=source.name, scheme=load_scheme("gbt43697"), sample_size=1000)


def _tagged(inventory: Inventory, table: str) -> dict[str, str | None]:
    (found,) = [t for t in inventory.tables if t.table == table]
    return {f.field: f.recognizer for f in found.fields if f.status == "tagged"}


@pytest.mark.parametrize("suffix,delimiter", [(".csv", ","), (".tsv", "\t")])
def test_an_oversized_cell_is_reported_and_the_folder_classified(tmp_path: Path, suffix: str, delimiter: str) -> None:
    with (tmp_path / f"big{suffix}").open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, delimiter=delimiter)
        writer.writerow(["xm", "sfzh", "sjhm", "sku"])
        writer.writerows(ROWS[:10])
        writer.writerow([*ROWS[10][:3], BLOB])  # record 12 of the file (line 12, column 4 'sku')
        writer.writerows(ROWS[11:])
    with (tmp_path / "z.csv").open("w", newline="", encoding="utf-8") as f:  # after it in the folder
        csv.writer(f).writerows([["xm", "sfzh", "sjhm", "sku"], *ROWS])
    inventory = _scan(tmp_path)
    assert _tagged(inventory, f"big{suffix}") == EXPECTED  # every row, the oversized one's other cells too
    assert _tagged(inventory, "z.csv") == EXPECTED
    (skipped,) = inventory.skipped
    assert (skipped.location.path, skipped.location.line, skipped.location.column, skipped.location.field) == (
        str(tmp_path / f"big{suffix}"), 12, 4, "sku")
    assert inventory.skipped_count == 1 and inventory.to_dict()["summary"]["skipped"] == 1
    assert csv.field_size_limit() == 131072  # the process-wide limit is put back


def test_jsonl_long_values_and_broken_lines_are_reported(tmp_path: Path) -> None:
    lines = [json.dumps({"xm": name, "sfzh": number, "sjhm": phone}, ensure_ascii=False)
             for name, number, phone, _ in ROWS]
    lines[4] = json.dumps({"xm": ROWS[4][0], "sfzh": ROWS[4][1], "sjhm": ROWS[4][2], "doc": {"pdf": BLOB}})
    lines[7] = '{"xm": "张伟", "sfzh": '  # cut off
    (tmp_path / "p.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    inventory = _scan(tmp_path)
    assert _tagged(inventory, "p.jsonl") == EXPECTED
    where = sorted((s.location.line, s.location.field) for s in inventory.skipped)
    assert where == [(5, "doc.pdf"), (8, None)] and inventory.skipped_count == 2


def test_an_unclosed_quote_keeps_the_rows_before_it(tmp_path: Path) -> None:
    body = "xm,sfzh,sjhm,sku\n" + "".join(",".join(r) + "\n" for r in ROWS)
    (tmp_path / "q.csv").write_text(body + 'x,"' + "y" * (17 << 20) + "\n", encoding="utf-8")
    inventory = _scan(tmp_path / "q.csv")
    assert _tagged(inventory, "q.csv") == EXPECTED
    (skipped,) = inventory.skipped
    assert skipped.location.line == len(ROWS) + 2 and "not read" in skipped.reason


@pytest.mark.parametrize("huge", [
    "y" * (17 << 20),  # unquoted, on its one line (a log dump pasted into a cell)
    '"' + ("y" * (1 << 20) + "\n") * 17 + '"',  # quoted, over 17 lines, its record's fields after it
    '"' + 'say ""hi"" ' * (2 << 20) + '"',  # quoted with doubled quotes inside
])
def test_a_field_over_the_read_limit_costs_its_record_only(tmp_path: Path, huge: str) -> None:
    # R15b-6: a field over csv.field_size_limit (16 MiB) ended the file's reading, the rows after it lost
    body = "xm,sfzh,sjhm,sku\n" + "".join(",".join(r) + "\n" for r in ROWS[:5])
    after = "".join(",".join(r) + "\n" for r in ROWS[5:])
    (tmp_path / "h.csv").write_text(body + f"x,{huge},y\n" + after, encoding="utf-8")
    inventory = _scan(tmp_path / "h.csv")
    (table,) = inventory.tables
    assert table.rows == len(ROWS) and _tagged(inventory, "h.csv") == EXPECTED
    (skipped,) = inventory.skipped
    assert (skipped.location.line, skipped.location.column, skipped.location.field) == (7, 2, "sfzh")
    assert "16 MiB" in skipped.reason and "record" in skipped.reason


def test_an_unreadable_file_of_a_folder_is_reported_and_the_others_classified(tmp_path: Path) -> None:
    (tmp_path / "a.xlsx").write_bytes(b"not a workbook")
    with (tmp_path / "b.csv").open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([["xm", "sfzh", "sjhm", "sku"], *ROWS])
    inventory = _scan(tmp_path)
    assert [t.table for t in inventory.tables] == ["b.csv"] and _tagged(inventory, "b.csv") == EXPECTED
    (skipped,) = inventory.skipped
    assert skipped.location.path == str(tmp_path / "a.xlsx") and "XLSX" in skipped.reason
    with pytest.raises(ConfigError, match="XLSX"):  # named alone, the file is the whole job: an error
        _scan(tmp_path / "a.xlsx")


@pytest.mark.parametrize("text, line", [
    ('"a\rb",note\n1,' + BLOB + "\n2,y\n", 2),    # a lone CR inside a quoted cell ends no line (R15-7)
    ('"a\r\nb",note\n1,' + BLOB + "\n2,y\n", 3),  # a CRLF inside a quoted cell does, as in an editor
    ("a,note\r1," + BLOB + "\r2,y\r", 2),          # an old Mac export: CR ends every line
])
def test_a_skip_is_named_at_the_line_an_editor_shows(tmp_path: Path, text: str, line: int) -> None:
    (tmp_path / "cr.csv").write_bytes(text.encode("utf-8"))
    inventory = _scan(tmp_path / "cr.csv")
    (skipped,) = inventory.skipped
    assert (skipped.location.line, skipped.location.column) == (line, 2)


@pytest.mark.parametrize("line, reason", [
    ('{"xm": "a\tb"}', "not JSON: Invalid control character"),  # a raw tab in a string (R15-8: ended "at")
    ('{"xm": "ab', "not JSON: Invalid control character"),        # the line's own LF ends the open string
    ('{"xm" 1}', "not JSON: Expecting ':' delimiter"),
])
def test_a_jsonl_skip_reason_ends_at_the_reason(tmp_path: Path, line: str, reason: str) -> None:
    (tmp_path / "p.jsonl").write_text('{"xm": "张伟"}\n' + line + "\n", encoding="utf-8")
    (skipped,) = _scan(tmp_path / "p.jsonl").skipped
    assert skipped.reason == reason and skipped.location.line == 2
