"""Forms (登记表, 采集表) laid out as label cells beside value cells (stage: classification; a part
of sources/files.py).

A 个人信息采集表 is not a table: under its title, rows of label and value cells side by side
(``姓名,孙芳军,性别,男`` / ``身份证号,<ID>,联系电话,<mobile>`` / ``家庭住址,<address>,银行卡号,<card>``),
one person per sheet, or one block per person down a sheet. Read as a table, its first row of
pairs was the header (the person's name a column name, shown in clear: R15d-2, R15e-10) and the
ID number and bank card were values of columns named 男 and 孙芳军, never found. A form is read as
records: each label a field, the value beside it its value, a record ending where a label comes
again (the next person's block).

A text is a form when, after its title rows (one filled cell), every row that is not blank is a
row of pairs (FORM_PAIRS): cells at even positions are labels (short text holding no value), the
ones beside them values, and none of the values names a known column (a header row does: 姓名 over
身份证号), and at least FORM_LABELS labels name known columns (姓名, 身份证号, 联系电话).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Final

from govsoc.classification.columns import ColumnSample
from govsoc.classification.sources.base import TableSample, named
from govsoc.classification.sources.sampling import reservoir
from govsoc.classification.sources.skips import Skips

__all__ = ["FORM_LABELS", "is_form", "form_records", "form_table"]

#: Labels naming known columns a form needs (fewer: a table's header, a note line).
FORM_LABELS: Final = 3
#: Longest label (characters).
_LABEL: Final = 16


def _filled(row: list[str]) -> list[str]:
    """``row`` without the blank cells at its end."""
    end = len(row)
    while end and not row[end - 1].strip():
        end -= 1
    return [c.strip() for c in row[:end]]


def _pairs(row: list[str], has_value: Callable[[str], bool],
           names_column: Callable[[str], bool]) -> list[tuple[str, str]] | None:
    """``row``'s (label, value) pairs when it is a row of pairs, else None."""
    if len(row) < 2:
        return None
    pairs = [(row[i], row[i + 1] if i + 1 < len(row) else "") for i in range(0, len(row), 2)]
    for label, value in pairs:
        if not label or len(label) > _LABEL or has_value(label) or label.replace(".", "").isdigit():
            return None
        if value and names_column(value):
            return None  # 姓名,身份证号,...: a header
    return pairs


def is_form(head: list[list[str]], has_value: Callable[[str], bool], names_column: Callable[[str], bool]) -> bool:
    """Whether the first rows ``head`` of a text are a form's (see the module docstring)."""
    rows = [r for r in map(_filled, head) if r]
    while rows and len(rows[0]) == 1:
        rows.pop(0)  # titles
    named = 0
    for row in rows:
        pairs = _pairs(row, has_value, names_column)
        if pairs is None:
            return False
        named += sum(names_column(label) for label, _ in pairs)
    return named >= FORM_LABELS


def form_records(rows: Iterable[list[str]]) -> Iterator[dict[str, str]]:
    """The records of a form's rows: label -> value, a new record where a label comes again; rows
    of one cell (titles, block headings) and blank rows hold none."""
    record: dict[str, str] = {}
    for row in map(_filled, rows):
        if len(row) < 2:
            continue
        for i in range(0, len(row), 2):
            label, value = row[i], row[i + 1] if i + 1 < len(row) else ""
            if not label:
                continue
            if label in record:
                yield record
                record = {}
            record[label] = value
    if record:
        yield record


def form_table(dataset: str, table: str, rows: Iterable[list[str]], sample: int, skips: Skips,
               where: str = "") -> TableSample:
    """The form whose rows are ``rows`` as a table of ``sample`` sampled records, the labels its
    fields (in the order first met); the reading noted in ``skips`` (``where`` before it: a sheet)."""
    records, total = reservoir(form_records(rows), sample)
    fields: dict[str, list[str]] = {}
    for record in records:
        for label, value in record.items():
            fields.setdefault(label, [])
            if value:
                fields[label].append(value)
    skips.note(f"{where}a form (label cells beside value cells: {', '.join(list(fields)[:3])} ...): "
               f"read as {total:,} record{'s' if total != 1 else ''}, the labels as fields")
    renamed: list[str] = []
    columns = tuple(ColumnSample(dataset=dataset, field=named(label, renamed), values=values, rows=total)
                    for label, values in fields.items())
    skips.renamed(renamed)
    return TableSample(dataset=dataset, table=table, rows=total, columns=columns, skipped=tuple(skips.listed),
                       skipped_count=skips.count)
