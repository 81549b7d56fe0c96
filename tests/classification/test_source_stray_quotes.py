"""Stray quotes in a hand-typed CSV (issue 15 review R15f): RFC 4180 §2.5-2.7 says a quoted field
ends with a quote; a quote typed before a name opens a field that the end of the file, the reader's
field limit or a second stray quote ends. Each such quote costs its own line, never the records
after it, and is reported where it opens."""

from __future__ import annotations

from pathlib import Path

import pytest

from govsoc.classification.sources import open_source
from tests.classification.test_sources import ROWS


def _roster(open_at: list[int], *, first: bool) -> list[str]:
    """The header and ROWS as CSV lines, each row in ``open_at`` with a quote typed before its name
    (``first``: the name is the first column, as in a roster's 姓名,身份证号,...) that nothing closes."""
    quote = chr(34)
    if first:
        return ["xm,sfzh,sjhm,bz\n"] + [f'{quote if i in open_at else ""}{xm},{sfzh},{sjhm},{bz}\n'
                                        for i, (xm, sfzh, sjhm, bz) in enumerate(ROWS)]
    return ["xh,xm,sfzh,sjhm\n"] + [f'{i + 1},{quote if i in open_at else ""}{xm},{sfzh},{sjhm}\n'
                                    for i, (xm, sfzh, sjhm, _) in enumerate(ROWS)]


@pytest.mark.parametrize("open_at", [
    [2],    # within the rows the header is looked for in
    [30],   # past the head, in the body's one pass (R15f-22's quote_first_cell.csv: line 31)
    [39],   # the last record: the quote opens one line that the end of the file closes
])
def test_a_quote_opening_the_first_cell_costs_its_own_line(tmp_path: Path, open_at: list[int]) -> None:
    """R15f-22: the quote made the rest of the file one cell of one record; the body took that one
    cell for a record in another delimiter and split its text, line breaks and all, which the csv
    module refuses ("new-line character seen in unquoted field"): the whole file was "cannot read"."""
    (tmp_path / "q.csv").write_text("".join(_roster(open_at, first=True)), encoding="utf-8")
    (table,) = open_source(str(tmp_path / "q.csv")).tables()
    assert table.rows == len(ROWS)
    columns = {c.field: c.values for c in table.columns}
    assert columns["xm"] == [row[0] for row in ROWS]  # the quoted one too, without its quote
    assert columns["sfzh"] == [row[1] for row in ROWS]
    (skipped,) = table.skipped
    assert (skipped.location.line, skipped.location.column) == (open_at[0] + 2, 1)
    assert "never closed" in skipped.reason


def test_a_quote_whose_rest_passes_the_field_limit_costs_its_own_line(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """R15f-21: one quote typed before a name on line 100 of a roster of 1,000,000 (76 MB) made the
    rest of the file one field; past the reader's 16 MiB limit the reading stopped there ("the rest of
    the file is not read"): rows=97. The limit is lowered here through files.READ_LIMIT (the limit the
    reader is given) and records.READ_LIMIT (the one it reports), so the file need not be 17 MB."""
    from govsoc.classification.sources import files, records

    monkeypatch.setattr(files, "READ_LIMIT", 20_000)
    monkeypatch.setattr(records, "READ_LIMIT", 20_000)
    count, quoted = 2_000, 99  # about 90,000 characters: the quote's field runs past the limit
    people = [ROWS[i % len(ROWS)] for i in range(count)]
    lines = ["xh,xm,sfzh,sjhm\n"] + [f'{i + 1},{chr(34) if i == quoted else ""}{xm},{sfzh},{sjhm}\n'
                                     for i, (xm, sfzh, sjhm, _) in enumerate(people)]
    (tmp_path / "big.csv").write_text("".join(lines), encoding="utf-8")
    (table,) = open_source(str(tmp_path / "big.csv"), sample=count).tables()
    assert table.rows == count  # was 99: the rows before the quote
    columns = {c.field: c.values for c in table.columns}
    assert columns["xm"] == [row[0] for row in people]  # the quoted one too, without its quote
    assert columns["sfzh"] == [row[1] for row in people]
    (skipped,) = table.skipped
    assert (skipped.location.line, skipped.location.column) == (quoted + 2, len(str(quoted + 1)) + 2)
    assert "never closed" in skipped.reason and "limit" in skipped.reason


def _pair(shape: str) -> str:
    """R15f-7's rosters (mkq.py): 40 people, a quote typed before the names of records 7 and 22
    (lines 8 and 23), and between them one line not of the header's width."""
    rows = [[str(i + 1), xm, sfzh, sjhm, "北京市朝阳区建国路88号"] for i, (xm, sfzh, sjhm, _) in enumerate(ROWS)]
    for i in (6, 21):
        rows[i][1] = '"' + rows[i][1]
    if shape == "wide":
        rows[12][4] = "浙江省杭州市,西湖区文三路5号"  # an address with a comma, unquoted: 6 cells
    elif shape == "short":
        rows[10] = rows[10][:4]  # no address: 4 cells
    lines = [",".join(row) for row in rows]
    if shape == "blank":
        lines.insert(14, "")  # a blank line after record 14
    return "序号,姓名,身份证号,联系电话,家庭住址\r\n" + "\r\n".join(lines) + "\r\n"


@pytest.mark.parametrize("shape", ["wide", "short", "blank"])
def test_two_stray_quotes_around_a_line_of_another_width_swallow_no_record(tmp_path: Path, shape: str) -> None:
    """R15f-7: the pair was read as records only when every line between the quotes split into the
    header's width; one address with a comma, one short row or a blank line among the 15, and the
    15 people were one 姓名 cell: rows=25 for 40, nothing said."""
    (tmp_path / "q.csv").write_text(_pair(shape), encoding="utf-8", newline="")
    (table,) = open_source(str(tmp_path / "q.csv")).tables()
    assert table.rows == len(ROWS)
    columns = {c.field: c.values for c in table.columns}
    assert columns["姓名"] == [row[0] for row in ROWS]
    assert columns["身份证号"] == [row[1] for row in ROWS]
    quote = next(s for s in table.skipped if "stray quote" in s.reason)
    assert (quote.location.line, quote.location.column) == (8, 3)


def test_a_quoted_note_holding_a_line_of_the_header_s_width_is_said(tmp_path: Path) -> None:
    # a quoted 备注 of five lines, one of them a record's width of cells: kept one cell (most of its
    # lines are no record), but said, never counted as one record without a word (R15f-7)
    lines = [f"{xm},{sfzh},{sjhm},{bz}\n" for xm, sfzh, sjhm, bz in ROWS]
    lines[20] = f'{ROWS[20][0]},{ROWS[20][1]},{ROWS[20][2]},"情况说明\n第二行\n张三,1,2,3\n第四行\n第五行"\n'
    (tmp_path / "q.csv").write_text("xm,sfzh,sjhm,bz\n" + "".join(lines), encoding="utf-8")
    (table,) = open_source(str(tmp_path / "q.csv")).tables()
    assert table.rows == len(ROWS)
    (skipped,) = table.skipped
    assert (skipped.location.line, skipped.location.column) == (22, len(",".join(ROWS[20][:3])) + 2)
    assert "a quoted cell holds 5 lines, 1 of them of the header's 4 cells" in skipped.reason
