"""A syntax error inside a JSON array of records (issue 15 review R15g-12): one stray comma between
two records (a record deleted by hand, `},,{`) or a record missing a comma cost the whole file
("not JSON: Expecting value", 1,000 people not classified). It is reported at its line and column
and the records are read on from the next line that opens a record at the records' indentation;
with no such line the records before it are kept, as a cut's are."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from govsoc.classification.sources import json_stream
from tests.classification.test_source_json import NUMBERS, ROSTER_FOUND, _records, _scan, _tagged


def _one_a_line(records: list[dict[str, str]]) -> list[str]:
    """The lines of an array of ``records``, one a line (mongoexport --jsonArray, a pretty API dump)."""
    return ["[", *[json.dumps(r, ensure_ascii=False) + "," for r in records[:-1]],
            json.dumps(records[-1], ensure_ascii=False), "]"]


def _stray_comma(lines: list[str]) -> str:
    lines[21] += ","  # `},,` after the 21st record (line 22)
    return "\n".join(lines)


def _missing_member_comma(lines: list[str]) -> str:
    lines[21] = lines[21].replace('", "sfzh"', '" "sfzh"')  # inside the 21st record (line 22)
    return "\n".join(lines)


def _missing_record_comma(lines: list[str]) -> str:
    lines[21] = lines[21].removesuffix(",")  # `}` then `{` on the next line
    return "\n".join(lines)


@pytest.mark.parametrize("damage, rows, line, reason", [
    # a record deleted by hand: no record lost
    (_stray_comma, 40, 22, "not JSON: Expecting value: read on at the record on line 23"),
    # the damaged record is lost, the 19 after it read
    (_missing_member_comma, 39, 22, "not JSON: Expecting ',' delimiter: read on at the record on line 23"),
    # two records without the comma between: both read
    (_missing_record_comma, 40, 23, "not JSON: Expecting ',' delimiter: read on at the record on line 23"),
])
def test_a_syntax_error_between_records_costs_what_it_breaks(damage: Callable[[list[str]], str], rows: int,
                                                           line: int, reason: str, tmp_path: Path) -> None:
    path = tmp_path / "people.json"
    path.write_text(damage(_one_a_line(_records(40))), encoding="utf-8")
    inventory = _scan(path)  # was a ConfigError for the file: nothing classified
    assert _tagged(inventory) == ROSTER_FOUND and inventory.tables[0].rows == rows
    (skipped,) = inventory.skipped
    assert skipped.location.line == line and skipped.reason.startswith(reason)


def test_an_indented_record_broken_costs_that_record(tmp_path: Path) -> None:
    # json.dumps(indent=2): records open at two blanks, their members at four; the nested lines are
    # not taken for records
    text = json.dumps([{**r, "addr": {"city": "杭州"}} for r in _records(40)], ensure_ascii=False, indent=2)
    broken = text.replace(f'"sfzh": "{NUMBERS[30]}",', f'"sfzh": "{NUMBERS[30]}"', 1)
    (tmp_path / "indented.json").write_text(broken, encoding="utf-8")
    inventory = _scan(tmp_path / "indented.json")
    tagged = _tagged(inventory)
    assert {k: tagged.get(k) for k in ROSTER_FOUND} == ROSTER_FOUND and inventory.tables[0].rows == 39
    (skipped,) = inventory.skipped
    assert "read on at the record on line" in skipped.reason


def test_a_compact_array_broken_keeps_the_records_before(tmp_path: Path) -> None:
    # R15g-12's bad_doc.json: records not one a line give no line to read on at; the first is read
    text = json.dumps(_records(2), ensure_ascii=False)
    broken = text[:text.rindex(', "sfzh"')] + text[text.rindex(', "sfzh"') + 1:]
    (tmp_path / "compact.json").write_text(broken, encoding="utf-8")
    inventory = _scan(tmp_path / "compact.json")
    assert inventory.tables[0].rows == 1  # was a ConfigError: the valid first record not read
    (skipped,) = inventory.skipped
    assert skipped.reason == ("not JSON: Expecting ',' delimiter: no line after it opens a record to read on "
                              "at: the items before it read, the rest not")
    assert (skipped.location.line, skipped.location.column) == (1, broken.index('"sfzh"', len(text) // 2) + 1)


@pytest.mark.parametrize("chunk", [7, 64, json_stream.CHUNK])
@pytest.mark.parametrize("damage, lost", [
    (_stray_comma, None), (_missing_member_comma, 20), (_missing_record_comma, None)])
def test_streamed_items_read_on_past_the_error_at_any_chunk(chunk: int, damage: Callable[[list[str]], str],
                                                            lost: int | None) -> None:
    # the search for the next record reads on chunk by chunk, the lines counted once (records
    # indented two blanks)
    records = [{"n": str(i), "sfzh": "x" * (i % 7), "sub": {"a": str(i)}} for i in range(30)]
    lines = ["  " + line if line not in "[]" else line for line in _one_a_line(records)]
    items = list(json_stream.array_items(io.StringIO(damage(lines)), "a.json", chunk=chunk))
    kept = [(line, item) for line, item in items if isinstance(item, dict)]
    (resumed,) = [item for _, item in items if isinstance(item, json_stream.Resumed)]
    assert [item for _, item in kept] == [r for i, r in enumerate(records) if i != lost]
    assert [line for line, _ in kept] == [i + 2 for i in range(30) if i != lost]
    assert resumed.location is not None and resumed.line == 23
