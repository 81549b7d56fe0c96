"""The Python functions of the SQLite store's query surface (govsoc.store.sqlite_query), installed
on every connection by :func:`register_functions`:

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
``govsoc_re2(value, pattern, field)``, ``govsoc_regexp(value, pattern, field)``
    Sigma's ``|re``: RE2, linear in the value, or Python's re.search under a CPU bound for what
    RE2 cannot say (govsoc.store.sqlite_regexp). ``value REGEXP pattern`` is the bounded search too.

Stage: store.
"""

from __future__ import annotations

import functools
import ipaddress
import math
import re
import sqlite3
from typing import Final

from govsoc.core.caseless import fold
from govsoc.core.json_text import json_text
from govsoc.store.sqlite_prefilter import parse_network
from govsoc.store.sqlite_regexp import bounded_search, linear_search

__all__ = ["register_functions", "sql_number"]


def register_functions(db: sqlite3.Connection) -> None:
    """Install the SQL functions this surface uses on a connection, and make ``LIKE``
    ASCII-caseless (SQLite's default), which the prefilters rely on."""
    db.execute("PRAGMA case_sensitive_like=OFF")
    db.create_function("govsoc_match", 3, _match, deterministic=True)
    db.create_function("govsoc_cidr", 2, _cidr, deterministic=True)
    db.create_function("govsoc_fold", 1, _fold, deterministic=True)
    db.create_function("govsoc_number", 1, sql_number, deterministic=True)
    db.create_function("REGEXP", 2, _regexp, deterministic=True)
    db.create_function("govsoc_re2", 2, _re2, deterministic=True)  # as conversions before 3 arguments wrote it
    db.create_function("govsoc_re2", 3, _re2, deterministic=True)
    db.create_function("govsoc_regexp", 3, _bounded, deterministic=True)
    db.create_function("govsoc_json_text", 1, _json_text, deterministic=True)


def _text(value: object) -> str | None:
    if value is None or isinstance(value, bytes):
        return None
    return value if isinstance(value, str) else str(value)


def _match(value: object, regex: str, caseless: int) -> bool:
    if type(value) is str and len(value) <= _MEMO_CHARS:
        return _match_short(value, regex, caseless)
    text = _text(value)
    if text is None:
        return False
    return _compiled(regex, re.DOTALL).search(fold(text) if caseless else text) is not None


#: Values up to this long have their answers kept (:func:`_match_short`).
_MEMO_CHARS: Final[int] = 64


@functools.lru_cache(maxsize=16384)
def _match_short(text: str, regex: str, caseless: int) -> bool:
    """:func:`_match` of a short text, kept: a rule's exact check runs on every candidate row,
    and short values (an action, an outcome, an account, a program) repeat from row to row, so
    most calls of a pass ask again what was asked before (a pass of 100 rules over 1,000,000
    events: 207,000 calls) and a kept answer costs a third of folding and searching again."""
    return _compiled(regex, re.DOTALL).search(fold(text) if caseless else text) is not None


def _fold(value: object) -> str | None:
    text = _text(value)
    return None if text is None else fold(text)


def sql_number(value: object) -> int | float | None:
    """govsoc_number: numbers as they are, text that spells a finite number as that number,
    anything else None (:func:`_sqlite_number`)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return _sqlite_number(value)
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        return _sqlite_number(int(text))
    except ValueError:
        pass
    try:
        number = float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _sqlite_number(number: int | float) -> int | float:
    """A number as SQLite can hold it: an integer beyond 64 bits (18446744073709551615 in a log)
    as the nearest REAL, as SQLite itself reads such a literal, instead of an error that failed
    the whole query (R12 F6); it then compares with every other number, to REAL precision."""
    if isinstance(number, int) and not -(2**63) <= number < 2**63:
        return float(number)
    return number


def _regexp(pattern: str, value: object) -> bool:
    """SQLite's REGEXP operator (``value REGEXP pattern``), which SQLite leaves undefined."""
    return bounded_search(pattern, value, "a field")


def _re2(value: object, pattern: str, field: str = "a field") -> bool:
    return linear_search(pattern, value, field)


def _bounded(value: object, pattern: str, field: str) -> bool:
    return bounded_search(pattern, value, field)


def _json_text(value: object) -> str | None:
    text = _text(value)
    return None if text is None else json_text(text)


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
    net = parse_network(network)
    return net is not None and address.version == net.version and address in net


@functools.lru_cache(maxsize=1024)
def _compiled(pattern: str, flags: int) -> re.Pattern[str]:
    return re.compile(pattern, flags)
