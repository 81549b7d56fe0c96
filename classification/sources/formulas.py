"""Formula cells without a cached result in an XLSX sheet (stage: classification; R15d-34).

A workbook saved by a program that writes formulas but not their results (openpyxl, Apache POI,
report generators) holds, for such a cell, only the formula until Excel recalculates and saves it
(ECMA-376 Part 1 §18.3.1.40: a cell's ``<f>`` formula and its ``<v>`` cached value are separate
elements, the value optional). Read for values (``data_only``) the cell is empty, and a column of
them samples nothing: this says why instead of leaving "no values sampled" unexplained.
"""

from __future__ import annotations

from pathlib import Path

from govsoc.classification.columns import ColumnSample
from govsoc.classification.sources.base import printable_name, quoted
from govsoc.classification.sources.skips import Skips
from govsoc.classification.sources.workbook_kinds import workbook_file

__all__ = ["uncached_formulas"]


def uncached_formulas(path: Path, sheet: str, columns: tuple[ColumnSample, ...], skips: Skips) -> None:
    """Count, for each of ``columns`` (by position in ``sheet``) that sampled no value, its formula
    cells, and report each such column to ``skips``. The sheet is read again, formulas kept, only
    when a column sampled nothing."""
    empty = [i for i, column in enumerate(columns) if not column.values]
    if not empty:
        return
    import openpyxl

    book = openpyxl.load_workbook(workbook_file(path), read_only=True, data_only=False)
    try:
        counts = dict.fromkeys(empty, 0)
        for row in book[sheet].iter_rows(values_only=True):
            for i in empty:
                cell = row[i] if i < len(row) else None
                if isinstance(cell, str) and cell.startswith("="):
                    counts[i] += 1
    finally:
        book.close()
    for i, n in counts.items():
        if n:
            skips.add(f"sheet {quoted(printable_name(sheet))}: {n:,} formula cells without a cached value (the file "
                      "was not recalculated by Excel since a program wrote the formulas): not read",
                      name=columns[i].field)
