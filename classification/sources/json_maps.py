"""JSON objects keyed by data (stage: classification; a part of sources/json_records.py).

``json.dump(by_id)``, the commonest way a script saves a lookup table, writes an object whose keys
are the records' own ID numbers, phones or row numbers ({"11010519630117753X": {"xm": …}, …};
pandas' ``to_json(orient="index")``: {"0": {…}, "1": {…}}). Read as a record, each key was a field
of its own (R15d-11: 100,000 entries were 200,000 fields, 126 s and 1.8 GB, and the ID numbers in
the keys never classified). An object whose keys all have the shape of data (DATA_KEY: numbers,
ID numbers, phones, hashes, UUIDs; never a name a column is given) is a map: its keys are values of
the field KEY, its entries share one path (ENTRY, as a list's items share ``[]``); a .json text
that is a map is read as its entries, one row each (sources/json_records.py). An object keyed by
people's names (``json.dump({name: phone})``, a household's {"<name>": "<ID number>"}: R15e-8) is a
map too, its keys the values of NAME_KEY, a field that names them names (so that they are judged,
and masked, as names under 姓名 are, and 身份证号与姓名同表 sees them): at least two keys, each a
person's name and no heading word (classification.identifier_names). However keys look,
a table names at most FIELDS distinct fields: the values past them are counted and reported.
"""

from __future__ import annotations

import re
from typing import Any, Final

from govsoc.classification.identifier_names import is_person_name
from govsoc.classification.sources.json_line import members

__all__ = ["DATA_KEY", "ENTRY", "FIELDS", "KEY", "NAME_KEY", "entries", "is_map", "map_key"]

#: A key that is data: a number, an ID number or phone (digits, spaces, hyphens, a final X), a hex
#: hash or a UUID.
DATA_KEY: Final = re.compile(r"[+]?\d[\d -]*[Xx]?|[0-9A-Fa-f]{16,}"
                             r"|[0-9A-Fa-f]{8}(?:-[0-9A-Fa-f]{4}){3}-[0-9A-Fa-f]{12}")
#: The field a map's keys are values of, and the path its entries share.
KEY: Final = "{key}"
#: The field the keys of a map keyed by people's names are values of.
NAME_KEY: Final = "{name}"
ENTRY: Final = "{}"
#: Distinct field names read per table.
FIELDS: Final = 1024


def map_key(value: dict[str, Any]) -> str | None:
    """The field the keys of ``value``, a JSON object, are values of when it is a map: KEY when
    each key has the shape of data, NAME_KEY when there are two or more and each is a person's
    name; None for a record."""
    if value and all(DATA_KEY.fullmatch(key) for key in value):
        return KEY
    if len(value) > 1 and all(is_person_name(key) for key in value):
        return NAME_KEY
    return None


def is_map(value: dict[str, Any]) -> bool:
    """Whether ``value``, a JSON object, is a map (map_key)."""
    return map_key(value) is not None


def entries(value: dict[str, Any]) -> list[dict[str, Any]]:
    """A map's entries as records: the key under its map_key, beside an object's own fields (a
    record keyed by its ID number or its holder's name) or any other value under ENTRY (a phone
    book: mobile -> name, name -> mobile); a repeated key's every entry (two 王芳: R15f-19)."""
    key_field = map_key(value) or KEY
    return [{key_field: key, **inner} if isinstance(inner, dict) and not is_map(inner)
            else {key_field: key, ENTRY: inner} for key, inner in members(value)]
