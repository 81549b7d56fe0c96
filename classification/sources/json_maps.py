"""JSON objects keyed by data (stage: classification; a part of sources/json_records.py).

``json.dump(by_id)``, the commonest way a script saves a lookup table, writes an object whose keys
are the records' own ID numbers, phones or row numbers ({"11010519630117753X": {"xm": …}, …};
pandas' ``to_json(orient="index")``: {"0": {…}, "1": {…}}). Read as a record, each key was a field
of its own (R15d-11: 100,000 entries were 200,000 fields, 126 s and 1.8 GB, and the ID numbers in
the keys never classified). An object whose keys all have the shape of data (DATA_KEY: numbers,
ID numbers, phones, hashes, UUIDs; never a name a column is given) is a map: its keys are values of
the field KEY, its entries share one path (ENTRY, as a list's items share ``[]``); a .json text
that is a map is read as its entries, one row each (sources/json_records.py). However keys look,
a table names at most FIELDS distinct fields: the values past them are counted and reported.
"""

from __future__ import annotations

import re
from typing import Any, Final

__all__ = ["DATA_KEY", "ENTRY", "FIELDS", "KEY", "entries", "is_map"]

#: A key that is data: a number, an ID number or phone (digits, spaces, hyphens, a final X), a hex
#: hash or a UUID.
DATA_KEY: Final = re.compile(r"[+]?\d[\d -]*[Xx]?|[0-9A-Fa-f]{16,}"
                             r"|[0-9A-Fa-f]{8}(?:-[0-9A-Fa-f]{4}){3}-[0-9A-Fa-f]{12}")
#: The field a map's keys are values of, and the path its entries share.
KEY: Final = "{key}"
ENTRY: Final = "{}"
#: Distinct field names read per table.
FIELDS: Final = 1024


def is_map(value: dict[str, Any]) -> bool:
    """Whether ``value``, a JSON object, is a map: it has keys and each has the shape of data."""
    return bool(value) and all(DATA_KEY.fullmatch(key) for key in value)


def entries(value: dict[str, Any]) -> list[dict[str, Any]]:
    """A map's entries as records: the key under KEY, beside an object's own fields (a record keyed
    by its ID number) or any other value under ENTRY (a phone book: mobile -> name)."""
    return [{KEY: key, **inner} if isinstance(inner, dict) and not is_map(inner) else {KEY: key, ENTRY: inner}
            for key, inner in value.items()]
