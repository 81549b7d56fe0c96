"""Numbers as logs write them: a value the parsers read as an integer only when int() can.

``str.isdigit()`` before int() is not that test: isdigit also takes digits int() refuses
(superscripts and other No-category digits: '²'), and int() refuses more than 4,300 digits
(sys.get_int_max_str_digits); either raised ValueError out of a parser, which the ingest does not
keep as a parse failure (only a ParseError is): one such value stopped a whole run.
"""

from __future__ import annotations

from typing import Any

__all__ = ["add_network_totals", "decimal_number", "whole_number"]


def decimal_number(text: str) -> int | None:
    """The integer ``text`` writes in decimal digits, None when it writes none (see the module
    docstring): what ``text.isdigit()`` then int() read, without the ValueError."""
    if not text.isdecimal():
        return None
    try:
        return int(text)
    except ValueError:  # over sys.get_int_max_str_digits() digits: no number a log means
        return None


def whole_number(value: Any) -> int | None:
    """The integer a parsed JSON value is (an integer, a float without a fraction, decimal digits
    in a string), None when it is none: a value computed from it (a total, a community id) is then
    left out, and the value itself kept for the store to flag (R58a-6: one port "abc" in an EVE or
    Zeek record lost the whole record's parse)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    return decimal_number(value) if isinstance(value, str) else None


def add_network_totals(fields: dict[str, Any]) -> None:
    """network.bytes and network.packets, the sums of an event's two directions (a side it does not
    give counts 0), as the EVE and Zeek parsers write them; none when a side it gives is no number."""
    for total, parts in (("network.bytes", ("source.bytes", "destination.bytes")),
                         ("network.packets", ("source.packets", "destination.packets"))):
        counts = [whole_number(fields.get(part, 0)) for part in parts]
        if any(part in fields for part in parts) and None not in counts:
            fields[total] = sum(count for count in counts if count is not None)
