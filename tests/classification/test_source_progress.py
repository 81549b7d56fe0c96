"""The progress of a large file is said as its rows are read (issue 15 review R15at-8): the bar
advanced once a table, so a 1,000,000-row CSV showed 0/1 for its whole 23 s scan. A FileSource
says the bytes read every ROWS_SAID rows of a CSV, and every file's whole size once it is done."""

from __future__ import annotations

from pathlib import Path

from govsoc.classification.sources.files import ROWS_SAID, FileSource
from tests.classification.test_sources import ids


def test_a_large_csv_says_its_bytes_as_its_rows_are_read(tmp_path: Path) -> None:
    numbers = ids(40)
    path = tmp_path / "big.csv"
    path.write_text("sfzh\n" + "".join(f"{numbers[i % 40]}\n" for i in range(20 * ROWS_SAID)), encoding="utf-8")
    source = FileSource(path, sample=100)
    said: list[int] = []
    source.on_bytes = said.append
    (table,) = source.tables()
    assert table.rows == 20 * ROWS_SAID
    assert sum(said) == source.size() == path.stat().st_size  # every byte once, no more
    assert len(said) >= 10  # within the table, not once at its end (was: nothing to say but "table done")
    assert said[0] < path.stat().st_size // 2


def test_a_folder_says_each_files_bytes(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("sfzh\n" + "\n".join(ids(40)) + "\n", encoding="utf-8")
    (tmp_path / "b.jsonl").write_text("".join(f'{{"sfzh": "{n}"}}\n' for n in ids(40)), encoding="utf-8")
    source = FileSource(tmp_path, sample=100)
    said: list[int] = []
    source.on_bytes = said.append
    assert len(list(source.tables())) == 2
    assert said == [(tmp_path / "a.csv").stat().st_size, (tmp_path / "b.jsonl").stat().st_size]


def test_a_large_json_lines_file_says_its_bytes_as_its_lines_are_read(tmp_path: Path) -> None:
    # R15at-8's rest: a JSON lines file said its bytes once, at its end, as the bar's one step
    numbers = ids(40)
    path = tmp_path / "big.jsonl"
    path.write_text("".join(f'{{"sfzh": "{numbers[i % 40]}"}}\n' for i in range(20 * ROWS_SAID)), encoding="utf-8")
    source = FileSource(path, sample=100)
    said: list[int] = []
    source.on_bytes = said.append
    (table,) = source.tables()
    assert table.rows == 20 * ROWS_SAID
    assert sum(said) == source.size() == path.stat().st_size  # every byte once, no more
    assert len(said) >= 10  # within the file, not once at its end
    assert said[0] < path.stat().st_size // 2


def test_a_large_workbook_says_its_bytes_as_its_rows_are_read(tmp_path: Path) -> None:
    # R15at-8's rest: an XLSX said its bytes once, at its end; now as its sheet's packed bytes are read
    import random
    import zipfile

    from tests.classification.test_source_workbook_bounds import PARTS, SHEET

    numbers, draw = ids(40), random.Random(8)
    path = tmp_path / "big.xlsx"
    rows = "".join(f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>{numbers[n % 40]}</t></is></c>'
                   f'<c r="B{n}"><v>{draw.getrandbits(40)}</v></c></row>' for n in range(2, 10 * ROWS_SAID + 2))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        for name, text in PARTS.items():
            book.writestr(name, text)
        book.writestr(SHEET, '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
                             '2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>sfzh</t></is></c>'
                             f'<c r="B1" t="inlineStr"><is><t>n</t></is></c></row>{rows}</sheetData></worksheet>')
    source = FileSource(path, sample=100)
    said: list[int] = []
    source.on_bytes = said.append
    (table,) = source.tables()
    assert table.rows == 10 * ROWS_SAID
    assert sum(said) == source.size() == path.stat().st_size  # every byte once, no more
    assert len(said) >= 5  # within the sheet, not once at its end
    assert said[0] < path.stat().st_size // 2
