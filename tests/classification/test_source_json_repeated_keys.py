"""JSON objects that repeat a name (issue 15 review R15f-19). RFC 8259 §4: names SHOULD be unique,
and json.loads keeps the last value of a repeated one; a phone book keyed by name (two 王芳) read as
a map had one row per distinct name: 60 entries over 6 names were rows=6, 54 phones never read.
Every value of a repeated name is read: a map's entries are rows, a record's values its field's."""

from __future__ import annotations

import json
from pathlib import Path

from govsoc.classification.sources import open_source
from govsoc.classification.sources.base import TableSample
from tests.classification.test_sources import PHONES

#: Six of the commonest names: a phone book keyed by them repeats each ten times.
COMMON = ["王芳", "李伟", "张伟", "王伟", "李芳", "张芳"]


def _object(pairs: list[tuple[str, object]]) -> str:
    """A JSON object of ``pairs`` in order, names repeated as given (json.dumps of a dict cannot)."""
    return "{" + ", ".join(f"{json.dumps(k, ensure_ascii=False)}: {json.dumps(v)}" for k, v in pairs) + "}"


def _table(path: Path) -> TableSample:
    (table,) = open_source(str(path)).tables()
    return table


def _values(table: TableSample, field: str) -> list[str]:
    (column,) = [c for c in table.columns if c.field == field]
    return list(column.values)


def test_a_map_keyed_by_repeated_names_has_a_row_per_entry(tmp_path: Path) -> None:
    phones = [PHONES[i % 40][:-2] + f"{i:02d}" for i in range(60)]
    path = tmp_path / "map_dupkeys.json"
    path.write_text(_object([(COMMON[i % 6], phones[i]) for i in range(60)]), encoding="utf-8")
    table = _table(path)
    assert table.rows == 60  # was 6: the last phone of each name
    assert sorted(_values(table, "{}")) == sorted(phones)
    assert sorted(_values(table, "{name}")) == sorted(COMMON * 10)


def test_a_json_line_repeating_a_field_gives_each_value(tmp_path: Path) -> None:
    path = tmp_path / "dup.jsonl"
    path.write_text("".join(_object([("xm", COMMON[i % 6]), ("sjh", PHONES[2 * i]), ("sjh", PHONES[2 * i + 1])])
                            + "\n" for i in range(20)), encoding="utf-8")
    table = _table(path)
    assert table.rows == 20 and sorted(_values(table, "sjh")) == sorted(PHONES)


def test_an_array_of_records_repeating_a_field_gives_each_value(tmp_path: Path) -> None:
    # a .json array is streamed item by item (json_stream), by its own decoder
    path = tmp_path / "dup.json"
    path.write_text("[\n" + ",\n".join(_object([("xm", COMMON[i % 6]), ("sjh", PHONES[2 * i]),
                                                 ("sjh", PHONES[2 * i + 1])]) for i in range(20)) + "\n]",
                    encoding="utf-8")
    table = _table(path)
    assert table.rows == 20 and sorted(_values(table, "sjh")) == sorted(PHONES)
