"""Attribute/value (EAV) tables pivoted into records before their columns are judged (stage:
classification; shared/reference/classification.md §2.6).

Form builders and key-value stores export one row per answer, not per person: ``记录编号,字段名,
字段值`` (a 问卷/表单 platform's submissions, an EAV table of a 业务系统), or in JSON ``[{"field":
"姓名", "value": …}, …]``. Read as they are, every answer lands in one value column: the names are
a third of its values and never judged, so 身份证件号码与姓名同表 never fires, and 60 people count as
180 rows (R15g-13). The attribute column says what each value is; :func:`pivoted` makes a field of
each attribute, named by it (so the name gives its context, as a heading does), and counts the
records, not the answers.

A table is such a layout when one of its columns (the attribute) holds few distinct words, each
repeated, at least two of which name a kind as a heading would (姓名, 身份证号: ColumnClassifier.
name_context), and another (the value) as many values as it, row for row. A column whose values
repeat once per attribute, each (record, attribute) pair once, is the record id: the records are
its distinct values; without one (and no other column mostly distinct, a roster's 证件类型 names
kinds too, unless the attributes come in one fixed turn row after row: _in_turn), each record
answers its most frequent attribute once. Of a table sampled by its record id (a file larger than
the sample: sources/record_sampling.py), the records are the ids counted over every row
(ColumnSample.distinct), not the sample's scaled to the table's rows (R15j-24). The values under
the attributes must differ in shape (numbers under some, words under others: a column of names
grouped by 与户主关系 is no value column), and the sampled columns must be aligned row for row,
else the table is left as it is.

A source leaves empty cells out: a person with no phone (字段名=手机号, 字段值 empty) leaves the value
column one value short. Where the source says which row each value came from (ColumnSample.places:
a file's rows, a SQLite rowid), the columns are paired by it and an empty answer is an empty cell
(R15h-7); where it does not (a server's sample), the columns are aligned only when none is short.
Columns beside the three (updated_at, 操作人, 来源: one per answer) are kept as they are: the value
column is the one whose values differ in shape under the attributes, not merely the most varied
(a per-answer timestamp is more varied than the answers).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Final

from govsoc.classification.column_sample import row_for_row
from govsoc.classification.columns import ColumnClassifier, ColumnSample
from govsoc.classification.sources.base import Skipped, TableSample
from govsoc.classification.sources.record_sampling import MAX_ATTRIBUTES, keys_records, names_attributes
from govsoc.core.errors import Location

__all__ = ["pivoted", "MAX_ATTRIBUTES"]

_NUMBER: Final = re.compile(r"[\d\s+\-()*.Xx]+")


@dataclass(frozen=True, slots=True)
class _Layout:
    attribute: int
    value: int
    record: int | None
    cells: tuple[list[str] | None, ...]  # the columns row for row (column_sample.row_for_row)


def pivoted(tables: Iterable[TableSample], classifier: ColumnClassifier) -> Iterator[TableSample]:
    """``tables`` with every attribute/value table read as records (module docstring), each such
    table carrying a note that says how it was read."""
    for table in tables:
        layout = _layout(table, classifier) if table.readable else None
        yield table if layout is None else _pivot(table, layout)


def _layout(table: TableSample, classifier: ColumnClassifier) -> _Layout | None:
    cells = row_for_row(table.columns)
    aligned = [i for i, c in enumerate(cells) if c is not None]
    attribute = next((i for i in aligned if names_attributes(_cells(cells, i), classifier)), None)
    if attribute is None:
        return None
    words = _cells(cells, attribute)
    kinds = len(set(words))
    values = [i for i in aligned if i != attribute and len(set(_cells(cells, i))) > kinds]
    records = [i for i in values if keys_records(_cells(cells, i), words)]
    # the record id: the keying column with the most records; the value: the most varied of the rest
    # whose values differ in shape under the attributes (a per-answer updated_at is of one shape)
    record = max(records, key=lambda i: len(set(_cells(cells, i))), default=None)
    answers = [i for i in values if i != record and _mixed(words, _cells(cells, i))]
    value = max(answers, key=lambda i: len(set(_cells(cells, i))), default=None)
    if value is None or (record is None and _other_records(table.columns, (attribute, value))
                         and not _in_turn(table, table.columns[attribute])):
        return None
    return _Layout(attribute=attribute, value=value, record=record, cells=tuple(cells))


def _cells(cells: Sequence[list[str] | None], i: int) -> list[str]:
    column = cells[i]
    assert column is not None  # only aligned columns are asked for
    return column


def _other_records(columns: Sequence[ColumnSample], layout: tuple[int, int]) -> bool:
    """Whether a column beside the attribute and value ones is mostly distinct: without a record id
    the rows are then records already (姓名,证件类型,证件号码: 居民身份证 and 护照 name kinds, yet
    each row is a person)."""
    return any(len(set(c.values)) * 2 > len(c.values) for i, c in enumerate(columns) if i not in layout)


def _in_turn(table: TableSample, attributes: ColumnSample) -> bool:
    """Whether the whole table's attributes come in one order record after record (姓名, 身份证号,
    手机号, 姓名, ...), nine rows in ten: a form's answers without a record id, whatever is beside
    them (a per-answer updated_at, mostly distinct). A roster's 证件类型 (居民身份证, 护照) follows
    its people, in no fixed turn. Only a sample that holds every row in its order is asked."""
    words = [w for _, w in sorted(zip(attributes.places, attributes.values, strict=True))
             ] if attributes.places else list(attributes.values)
    if table.rows != len(words):
        return False
    words = [w for w in words if w]  # a row without an attribute name is out of the turn
    turn = len(set(words))
    if len(set(words[:turn])) != turn or len(words) < 2 * turn:
        return False
    return sum(w == words[i % turn] for i, w in enumerate(words)) * 10 >= len(words) * 9


def _mixed(attributes: Sequence[str], values: Sequence[str]) -> bool:
    """Whether the values of the attributes are of different shapes (numbers under some, words
    under others), as a value column pooling 姓名 and 身份证号 is: a column of one kind grouped by a
    few repeated words (names by 与户主关系) is a table's column, not answers."""
    numeric: dict[str, list[bool]] = {}
    for word, value in zip(attributes, values, strict=True):
        if value:  # an empty answer has no shape
            numeric.setdefault(word, []).append(_NUMBER.fullmatch(value) is not None)
    shares = [sum(flags) * 2 >= len(flags) for flags in numeric.values()]
    return any(shares) and not all(shares)


def _pivot(table: TableSample, layout: _Layout) -> TableSample:
    columns = table.columns
    attributes, values = columns[layout.attribute], columns[layout.value]
    words, cells = _cells(layout.cells, layout.attribute), _cells(layout.cells, layout.value)
    # an answer without an attribute name (R15j-16) is judged as the value column it stands in
    by_attribute: dict[str, list[str]] = {word or values.field: [] for word in words}
    for word, value in zip(words, cells, strict=True):
        if value:  # an empty answer: the attribute's field holds nothing for this record
            by_attribute[word or values.field].append(value)
    sampled = len(words)
    unnamed = words.count("")
    exact: int | None = None  # the records over every row, where the source counted them (R15j-24)
    if layout.record is not None:
        records = len(set(_cells(layout.cells, layout.record)))
        keyed = f"the records by '{columns[layout.record].field}'"
        exact = columns[layout.record].distinct
    else:
        asked = Counter(w for w in words if w)
        records = max(asked.values())
        keyed = f"each record answering '{max(asked, key=lambda w: asked[w])}' once"
    rows = exact if exact is not None else _scaled(records, sampled, table.rows)
    fields = tuple(ColumnSample(dataset=values.dataset, table=values.table, field=word, values=answers, rows=rows)
                   for word, answers in by_attribute.items())
    kept = tuple(replace(c, rows=rows) for i, c in enumerate(columns) if i not in (layout.attribute, layout.value))
    how = (f"attribute/value layout: {table.rows if table.rows is not None else sampled:,} rows of answers read as "
           f"{rows if rows is not None else records:,} records, a field per value of '{attributes.field}' "
           f"({len(by_attribute):,} fields holding '{values.field}'), {keyed}"
           + (f"; sampled answers with no '{attributes.field}' ({unnamed:,}) read under '{values.field}'"
              if unnamed else ""))
    note = Skipped(location=Location(path=table.dataset, field=table.table or None), reason=how, note=True)
    return replace(table, rows=rows, columns=kept + fields, skipped=(*table.skipped, note))


def _scaled(records: int, sampled: int, rows: int | None) -> int | None:
    """The table's records: those of the sample, scaled to the table's rows when it was sampled."""
    if rows is None or rows <= sampled:
        return records if rows is not None else None
    return round(records * rows / sampled)
