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
from govsoc.classification.sources.json_line import members, object_pairs

__all__ = ["DATA_KEY", "ENTRY", "FIELDS", "KEY", "NAME_KEY", "entries", "is_map", "map_key", "is_name_key",
           "name_map", "line_rows", "key_fields"]

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
#: A key that leads with a name and goes on with a role, an ID or a counter: 王芳(户主), 王芳_1101…, 王芳0.
_LEADING: Final = re.compile(r"([\u4e00-\u9fff]{2,4})[(（_\-·:：\s\d].*", re.S)


def is_name_key(key: str) -> bool:
    """Whether ``key`` is a person's name, alone or leading a role, an ID or a counter (R15f-13)."""
    if is_person_name(key):
        return True
    leading = _LEADING.fullmatch(key)
    return leading is not None and is_person_name(leading.group(1))


def map_key(value: dict[str, Any]) -> str | None:
    """The field the keys of ``value``, a JSON object, are values of when it is a map: KEY when
    each key has the shape of data, NAME_KEY when there are two or more and each is a person's
    name; None for a record."""
    if value and all(DATA_KEY.fullmatch(key) for key in value):
        return KEY
    if len(value) > 1 and all(is_name_key(key) for key in value):
        return NAME_KEY
    return None


def name_map(value: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """A JSON object most of whose keys are people's names (a dumped dict with a "total" or an
    "updated" beside its names, R15f-13), split into the map of those keys and the other members;
    None when fewer than two keys, or not two in three, are names."""
    names = object_pairs([(key, inner) for key, inner in members(value) if is_name_key(key)])
    if len(names) < 2 or len(names) * 3 < len(value) * 2:
        return None
    return names, {key: inner for key, inner in value.items() if key not in names}


def line_rows(record: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows of a JSON line's object: its entries when each key is a person's name (a name-keyed
    dict dumped an entry a line, {"<name>": {…}}, R15f-13: the names were field names), else itself."""
    if record and all(is_name_key(key) for key in record):
        return entries(record, NAME_KEY)
    return [record]


def is_map(value: dict[str, Any]) -> bool:
    """Whether ``value``, a JSON object, is a map (map_key)."""
    return map_key(value) is not None


def entries(value: dict[str, Any], key_field: str | None = None) -> list[dict[str, Any]]:
    """A map's entries as records: the key under its map_key, beside an object's own fields (a
    record keyed by its ID number or its holder's name) or any other value under ENTRY (a phone
    book: mobile -> name, name -> mobile); a repeated key's every entry (two 王芳: R15f-19)."""
    key_field = key_field or map_key(value) or KEY
    return [{**key_fields(key_field, key), **inner} if isinstance(inner, dict) and not is_map(inner)
            else {**key_fields(key_field, key), ENTRY: inner} for key, inner in members(value)]


def key_fields(key_field: str, key: str) -> dict[str, str]:
    """A map key as the fields of its entry: a key that leads with a name (王芳_<ID number>,
    王芳(户主)) its name under NAME_KEY and the rest under KEY, each judged as what it is."""
    leading = _LEADING.fullmatch(key) if key_field == NAME_KEY and not is_person_name(key) else None
    if leading is None:
        return {key_field: key}
    return {NAME_KEY: leading.group(1), KEY: key[leading.end(1):]}
