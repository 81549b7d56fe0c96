"""Whole records from a SQLite attribute/value table (stage: classification; a part of
sources/sql.py, as sources/record_sampling.py is of the file readers).

A SQLite file's sample is spread over the table by a hash of the rowid: in a table of one row per
answer (person_id,attr,value) larger than the sample, a person's answers seldom meet in it, so no
column keys the records and the pivot (attribute_values.py) is not made (R15h-7: 5,000 people,
rows=15000 一般数据（3级）). When a sampled column is an attribute column (record_sampling.
names_attributes) and another column, read in the order of its hashed values, keys records in
its first ``sample`` rows, the table is sampled again in that order: all the answers of the
records whose ids hash lowest, the same file the same sample. A column is read in that order
only when every row of a few of its sampled values (PROBE, read by value: a scan without a
Python function) groups answers (record_sampling.groups_answers): a roster's 证件类型 reads as
an attribute column, but its 序号, 证件号码 and 联系电话 never repeat, and its four hashed sorts
made a 200,000-row roster 1.8x as slow (R15j-21).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from govsoc.classification.column_sample import ColumnSample
from govsoc.classification.sources.record_sampling import (
    MAX_KEYS,
    attribute_column,
    groups_answers,
    key_hash,
    keys_records,
)

__all__ = ["KEY_HASH", "PROBE", "sql_key_hash", "keyed", "record_order"]

#: The SQL function (registered on each SQLite connection) that hashes a record id.
KEY_HASH: Final = "govsoc_key_hash"
#: Sampled values of a candidate record id whose rows are all read to see it group answers.
PROBE: Final = 32


def sql_key_hash(value: object) -> int:
    """key_hash() of a value as SQLite hands it over, within SQLite's 64-bit signed integers."""
    text = value.decode("utf-8", "surrogateescape") if isinstance(value, bytes) else str(value)
    return key_hash(text) >> 1


def keyed(column: Any) -> Any:
    """The order of ``column``'s hashed values (an SQL expression). The function is handed the
    value's bytes (CAST AS BLOB): sqlite3 decodes a TEXT argument of a Python function as strict
    UTF-8, whatever the connection's text_factory, so one legacy GBK cell raised inside it and the
    whole table went unread (R15j-18); sql_key_hash decodes the bytes as the reader does."""
    from sqlalchemy import LargeBinary, cast, func

    return getattr(func, KEY_HASH)(cast(column, LargeBinary))


def record_order(conn: Any, table: Any, samples: Sequence[ColumnSample], size: int) -> tuple[Any, int] | None:
    """The column of ``table`` whose hashed order gives whole records and the hash its sample stops
    short of (the last record read may be cut by the limit: it is left out), or None (module docstring)."""
    from sqlalchemy import select

    full = max((len(c.values) for c in samples), default=0)
    complete = [c for c in samples if len(c.values) == full and c.field in table.c]
    attribute = attribute_column([list(c.values) for c in complete])
    if attribute is None:
        return None
    words = table.c[complete[attribute].field]
    best: tuple[int, Any, int] | None = None
    candidates = [c for i, c in enumerate(complete) if i != attribute and _groups(conn, table.c[c.field], words, c)]
    for candidate in candidates[:MAX_KEYS]:
        key = table.c[candidate.field]
        read = conn.execute(select(key, words, keyed(key)).order_by(keyed(key)).limit(size)).all()
        keys = ["" if k is None else str(k) for k, _, _ in read]
        whole = len(set(keys) - {keys[-1]}) if keys else 0  # records read whole: all but the last
        if whole and keys_records(keys, ["" if w is None else str(w) for _, w, _ in read]):
            if best is None or whole > best[0]:
                best = (whole, key, read[-1][2])
    return None if best is None else (best[1], best[2])


def _groups(conn: Any, key: Any, words: Any, sample: ColumnSample) -> bool:
    """Whether all the rows of PROBE of ``sample``'s values group answers (module docstring)."""
    from sqlalchemy import String, cast, select

    probe = sorted({v for v in sample.values if v and _utf8(v)})[:PROBE]
    if not probe:
        return False
    read = conn.execute(select(key, words).where(cast(key, String).in_(probe))).all()
    if not read:
        return False
    keys, words_read = (["" if v is None else str(v) for v in column] for column in zip(*read, strict=True))
    return groups_answers(keys, words_read)


def _utf8(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # a legacy cell the reader kept as it was: not a parameter SQLite takes
        return False
    return True
