"""The SQLite store's query surface: the SQL a rule backend may put into ``Query.native``.

Everything a backend needs to say about events is built here, so that no module outside the store
knows the table, its columns or how a document is laid out (issue 12, "Boundaries"). A backend
writes conditions over the expressions these functions return and over the SQL functions that
:func:`register_functions` installs on every connection:

``govsoc_match(value, regex, caseless)``
    Sigma string matching. ``regex`` is a Python search pattern (the backend anchors it);
    with ``caseless`` the value is folded with govsoc.core.caseless.fold first, the folding
    Elasticsearch's lowercase normalizer applies, so both stores compare alike.
``govsoc_cidr(value, network)``
    True when ``value`` is an IP address inside ``network`` (IPv4 or IPv6, any spelling, an
    IPv4-mapped IPv6 address counts as its IPv4 address, as Elasticsearch's ip type stores it).
``govsoc_fold(value)``
    The folded text of a value (field references compared caselessly).
``govsoc_number(value)``
    A value as a number: numbers as they are, text that spells a finite number as that number,
    anything else NULL (Sigma's ``|lt``/``|gt`` compare numbers, also on text fields).
``REGEXP``
    ``value REGEXP pattern``: Python's re.search, for Sigma's ``|re``.
"""

from __future__ import annotations

import functools
import ipaddress
import math
import re
import sqlite3
from typing import Final

from govsoc.core.caseless import fold
from govsoc.core.ecs import HOT

__all__ = [
    "ELEMENT", "any_element_sql", "cidr_sql", "field_expression", "fold_sql", "keyword_sql", "match_sql",
    "number_eq_sql", "number_sql", "regexp_sql", "register_functions", "sql_string",
]

#: The value of one element of a multi-valued field, inside :func:`any_element_sql`.
ELEMENT: Final[str] = "je.value"

#: Where keywords (Sigma values without a field) are searched: the text after the syslog header
#: and the raw record, which still has the header (SigmaHQ keyword rules quote both).
_KEYWORD_SOURCES: Final[tuple[str, ...]] = ("message", "event.original")


def json_path_sql(field: str) -> str:
    """The JSON path of a dotted ECS field in the nested document, as a SQL string literal.

    Field names come from users (--where, rule files), so the literal is escaped here, once,
    for every caller: a quote in a name cannot end the literal.
    """
    path = "$." + ".".join('"' + part.replace('"', '\\"') + '"' for part in field.split("."))
    return "'" + path.replace("'", "''") + "'"


def quote_ident(name: str) -> str:
    """A double-quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def column_sql(field: str) -> str | None:
    """The column of a field with one value per event, or None when the field is read from the
    document (not a generated column, possibly an array)."""
    if field == "event.id":
        return "id"
    if field == "event.dataset":
        return "dataset"
    if field == "message":
        return "message"
    if field in HOT:
        return quote_ident(field)
    return None


def field_expression(field: str) -> str:
    """The SQL value of a field: its indexed column, or the value read from the document (an
    array's JSON text; use :func:`any_element_sql` for "any element matches")."""
    return column_sql(field) or f"json_extract(events.doc, {json_path_sql(field)})"


def any_element_sql(field: str, condition: str) -> str:
    """True when some element of ``field`` (or its one value) satisfies ``condition``, a SQL
    condition written over :data:`ELEMENT`."""
    return (f"EXISTS (SELECT 1 FROM json_each(events.doc, {json_path_sql(field)}) AS je "
            f"WHERE {condition})")


def sql_string(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def match_sql(expr: str, regex: str, *, caseless: bool) -> str:
    """Sigma string match of ``expr`` against a Python search ``regex``."""
    return f"govsoc_match({expr}, {sql_string(regex)}, {int(caseless)})"


def regexp_sql(expr: str, pattern: str) -> str:
    """``expr`` searched with a Python regular expression (flags inline)."""
    return f"{expr} REGEXP {sql_string(pattern)}"


def cidr_sql(expr: str, network: str) -> str:
    """``expr`` is an address inside ``network``."""
    return f"govsoc_cidr({expr}, {sql_string(network)})"


def fold_sql(expr: str) -> str:
    """``expr`` folded for caseless comparison."""
    return f"govsoc_fold({expr})"


def number_sql(expr: str) -> str:
    """``expr`` as a number, or NULL when it is not one (see govsoc_number above)."""
    return f"govsoc_number({expr})"


def number_eq_sql(expr: str, number: int | float) -> str:
    """``expr`` equals a number, held as a number or as its digits (a keyword field)."""
    return f"({expr} = {number!r} OR {expr} = {sql_string(str(number))})"


def keyword_sql(regex: str) -> str:
    """A keyword (a value without a field) found in the message or the raw record."""
    return "(" + " OR ".join(match_sql(field_expression(f), regex, caseless=True) for f in _KEYWORD_SOURCES) + ")"


def register_functions(db: sqlite3.Connection) -> None:
    """Install the SQL functions this surface uses on a connection."""
    db.create_function("govsoc_match", 3, _match, deterministic=True)
    db.create_function("govsoc_cidr", 2, _cidr, deterministic=True)
    db.create_function("govsoc_fold", 1, _fold, deterministic=True)
    db.create_function("govsoc_number", 1, _number, deterministic=True)
    db.create_function("REGEXP", 2, _regexp, deterministic=True)


def _text(value: object) -> str | None:
    if value is None or isinstance(value, bytes):
        return None
    return value if isinstance(value, str) else str(value)


def _match(value: object, regex: str, caseless: int) -> bool:
    text = _text(value)
    if text is None:
        return False
    return _compiled(regex, re.DOTALL).search(fold(text) if caseless else text) is not None


def _fold(value: object) -> str | None:
    text = _text(value)
    return None if text is None else fold(text)


def _number(value: object) -> int | float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        return int(text)
    except ValueError:
        pass
    try:
        number = float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _regexp(pattern: str, value: object) -> bool:
    """SQLite's REGEXP operator (``value REGEXP pattern``), which SQLite leaves undefined."""
    text = _text(value)
    return text is not None and _compiled(pattern, 0).search(text) is not None


def _cidr(value: object, network: str) -> bool:
    text = _text(value)
    if text is None:
        return False
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    net = _network(network)
    return net is not None and address.version == net.version and address in net


@functools.lru_cache(maxsize=256)
def _network(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    try:
        net = ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        return None
    if isinstance(net, ipaddress.IPv6Network) and net.network_address.ipv4_mapped is not None \
            and net.prefixlen >= 96:
        return ipaddress.ip_network(f"{net.network_address.ipv4_mapped}/{net.prefixlen - 96}")
    return net


@functools.lru_cache(maxsize=1024)
def _compiled(pattern: str, flags: int) -> re.Pattern[str]:
    return re.compile(pattern, flags)
