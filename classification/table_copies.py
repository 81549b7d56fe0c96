"""What tells a table from a copy of another in a 重要数据 sum (stage: classification; a part of
grading.dataset_candidates' input, GB/T 43697-2024 Annex G).

Annex G's "certain scale" is of the people the data concerns, not of the bytes an office holds: a
roster and the backup of it beside it (名册.csv and backup/名册.csv, 名册_备份.csv) are 300 people,
not 600 (R15i-7). A table's :func:`content_key` is a digest of its rows and of each column's values
as a bottom-k sketch (sources.key_sketch: the same values give the same hashes whatever their order
or file format), taken only where every row was seen: the sample when it holds them all, else the
reader's sketch of the whole column. Two tables of one key hold the same values, and a dataset's
sum counts them once (:func:`counted_rows`). A table part of whose rows are unseen has no key and
is counted as before. The key is keyed with the data folder's secret (classification.path_secret)
like the path keys beside it: it is saved with the inventory and never shown.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence

from govsoc.classification.columns import ColumnSample
from govsoc.classification.sources.base import TableSample
from govsoc.classification.sources.key_sketch import SKETCH, KeySketch, value_hash

__all__ = ["content_key", "counted_rows"]


def content_key(table: TableSample, secret: bytes = b"") -> str:
    """The digest of ``table``'s rows and its columns' values (their sketches, in no order of
    columns or rows); "" when some rows were not seen (a sample of a larger table without the
    reader's sketch) or the table has none."""
    if not table.rows or not table.columns:
        return ""
    columns = []
    for i, column in enumerate(table.columns):
        whole = table.keys[i] if i < len(table.keys) and table.keys[i].field == column.field else None
        hashes = _all_values(column, whole, table.rows)
        if hashes is None:
            return ""
        columns.append(",".join(map(str, sorted(hashes))))
    data = f"{table.rows}\n" + "\n".join(sorted(columns))
    if secret:
        return hmac.new(secret, data.encode(), hashlib.sha256).hexdigest()[:24]
    return hashlib.sha256(data.encode()).hexdigest()[:24]


def _all_values(column: ColumnSample, whole: KeySketch | None, rows: int) -> frozenset[int] | None:
    """The bottom-k hashes of every value of ``column`` (``rows`` rows), None when not all were seen."""
    if whole is not None and whole.rows >= rows:
        return whole.hashes
    if len(column.values) >= rows:
        return frozenset(sorted({value_hash(v.strip()) for v in column.values if v.strip()})[:SKETCH])
    return None


def counted_rows(rows: Sequence[int | None], keys: Sequence[str]) -> list[int]:
    """``rows`` of each table as a dataset's sum counts them: 0 for a table whose content key
    (``keys``, "" for none) an earlier table has (a copy adds no people)."""
    seen: set[str] = set()
    counted = []
    for i, n in enumerate(rows):
        key = keys[i] if i < len(keys) else ""
        counted.append(0 if key and key in seen else n or 0)
        if key:
            seen.add(key)
    return counted
