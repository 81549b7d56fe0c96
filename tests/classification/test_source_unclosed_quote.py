"""A quote that nothing closes before the end of a CSV (issue 15 review R15d-2): RFC 4180 §2.5-2.7
says a quoted field ends with a quote; the csv module, not strict, let the end of the file close it,
so one stray quote early in a file made the rest of the file one cell (rows=1 for 40 records),
silently. The quote is reported where it opens and the lines after it are read as records."""

from __future__ import annotations

from pathlib import Path

import pytest

from govsoc.classification.sources import open_source
from govsoc.classification.sources.unclosed import lines_from
from tests.classification.test_sources import ROWS


def _lines(open_at: list[int]) -> list[str]:
    """The header and ROWS as CSV lines, the ID number of each row in ``open_at`` opening a quote
    it never closes (as R15d's quote.csv: 朱伟,"11010519630117753X)."""
    return ["xm,sfzh,sjhm\n"] + [f'{xm},{chr(34) if i in open_at else ""}{sfzh},{sjhm}\n'
                                 for i, (xm, sfzh, sjhm, _) in enumerate(ROWS)]


@pytest.mark.parametrize("open_at, encoding", [
    ([0], "utf-8"),       # in the first record: within the rows the header is looked for in
    ([0], "gb18030"),     # the same in GBK, as Chinese Excel saves it
    ([30], "utf-8"),      # past the head, in the body's one pass
    ([39], "utf-8"),      # in the last record: its ID number and mobile were one cell
])
def test_an_unclosed_quote_costs_its_own_line_not_the_rest_of_the_file(
        tmp_path: Path, open_at: list[int], encoding: str) -> None:
    (tmp_path / "q.csv").write_bytes("".join(_lines(open_at)).encode(encoding))
    (table,) = open_source(str(tmp_path / "q.csv")).tables()
    assert table.rows == len(ROWS)  # was 1 (the quote at the first record) or 31 (at the 31st)
    columns = {c.field: c.values for c in table.columns}
    assert columns["xm"] == [row[0] for row in ROWS]
    assert columns["sfzh"] == [row[1] for row in ROWS]  # the opened one too, its quote left out
    assert [(s.location.line, s.location.column) for s in table.skipped] == [(i + 2, len(ROWS[i][0]) + 2)  # 张伟,"
                                                                            for i in open_at]
    assert all("never closed" in s.reason for s in table.skipped)


def test_a_quoted_cell_of_several_lines_at_the_end_stays_one_cell(tmp_path: Path) -> None:
    # closed, the last record spanning three lines is one record: nothing to report
    lines = ["xm,sfzh,sjhm,bz\n", *(line.rstrip("\n") + ",\n" for line in _lines([])[1:])]
    lines[-1] = lines[-1].rstrip(",\n") + ',"备注\n第二行,含逗号\n第三行"\n'
    (tmp_path / "q.csv").write_text("".join(lines), encoding="utf-8")
    (table,) = open_source(str(tmp_path / "q.csv")).tables()
    assert table.rows == len(ROWS) and table.skipped == ()
    assert {c.field: c.values for c in table.columns}["bz"] == ["备注\n第二行,含逗号\n第三行"]


def test_the_lines_after_a_quote_are_held_only_up_to_the_field_limit(tmp_path: Path) -> None:
    # a quote that runs past the reader's limit was reported by the reader; its tail (the rest of a
    # file of gigabytes) is not read into memory to look at it again
    (tmp_path / "q.csv").write_text("xm,sfzh\n" + "".join(f"张伟,{i}\n" for i in range(1000)), encoding="utf-8")
    assert len(lines_from(tmp_path / "q.csv", "utf-8", "strict", 2, 10_000) or []) == 1000
    assert lines_from(tmp_path / "q.csv", "utf-8", "strict", 2, 5_000) is None


@pytest.mark.parametrize("pair, newline", [
    ((3, 8), "\n"),      # both within the rows the header is looked for in
    ((20, 35), "\n"),    # in the body's one pass
    ((20, 35), "\r\n"),  # the same, as Excel on Windows ends lines
])
def test_a_second_stray_quote_does_not_swallow_the_records_between(tmp_path: Path, pair: tuple[int, int],
                                                                  newline: str) -> None:
    """R15e-3: two stray quotes (two ID numbers typed with a quote) made the records between them
    one cell, closed by the second: rows=25 for 40, without a word. Each line is read as a record,
    without its quote, and the pair reported where the first opens."""
    first, second = pair
    text = "".join(_lines(list(pair))).replace("\n", newline)
    (tmp_path / "q.csv").write_text(text, encoding="utf-8", newline="")
    (table,) = open_source(str(tmp_path / "q.csv")).tables()
    columns = {c.field: c.values for c in table.columns}
    assert table.rows == len(ROWS)
    assert columns["xm"] == [row[0] for row in ROWS]
    assert columns["sfzh"] == [row[1] for row in ROWS]
    (skipped,) = table.skipped
    assert (skipped.location.line, skipped.location.column) == (first + 2, len(ROWS[first][0]) + 2)
    assert skipped.reason.startswith(f"quote opened here is closed by a stray quote on line {second + 2} column "
                                     f"{len(ROWS[second][0]) + 2} (RFC 4180 §2.6): the {second - first - 1} lines")
