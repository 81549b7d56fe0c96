"""Which events :func:`govsoc.core.coercion.coerce_fields` gives back unchanged, told once per shape
(the names and value types of an event's fields) from its fast path's tests, so that a writer
checks a chunk of events of one shape in one call (govsoc.store.sqlite_rows, issue 11).
"""

from __future__ import annotations

import itertools
import operator
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Final

from govsoc.core.coercion import FAST_KIND, IP_KIND, IPV4, LONG_KIND, LONG_MAX, LONG_MIN, TEXTUAL

__all__ = ["GENERAL", "KEPT", "KEPT_IF_IPV4", "KEPT_IF_IPV4S", "KEPT_IF_LONG", "KEPT_IF_TEXT", "KEPT_IF_TEXTS",
           "kept_when", "unchanged_all_check", "unchanged_check", "unchanged_columns_check", "values_at"]


#: What :func:`coerce_fields` does with a value of a given field and type (:func:`kept_when`):
#: keeps it as it is (KEPT), keeps it when a test of the value holds (text: ASCII without a NUL;
#: a long in range; a dotted quad as ipaddress spells it; a non-empty list of such texts or
#: quads), or GENERAL: its general path decides.
KEPT, KEPT_IF_TEXT, KEPT_IF_LONG, KEPT_IF_IPV4, KEPT_IF_TEXTS, KEPT_IF_IPV4S, GENERAL = range(7)
_SCALAR_TYPES = (bool, int, float)


def kept_when(name: str, kind_of: type) -> int:
    """When coerce_fields keeps a value of type ``kind_of`` under ``name`` unchanged (the same
    object, in the same place): the tests of its fast path, and a bool, int or float under a
    field the ECS table does not list (kept by its general path), for a caller that checks the
    values of many events of one shape at once (govsoc.store.sqlite_rows)."""
    kind = FAST_KIND.get(name)
    textual = kind == TEXTUAL or (kind is None and name.isascii())
    if kind_of is str:
        return KEPT_IF_TEXT if textual else KEPT_IF_IPV4 if kind == IP_KIND else GENERAL
    if kind_of is int and kind == LONG_KIND:
        return KEPT_IF_LONG
    if kind_of is list:
        return KEPT_IF_TEXTS if textual else KEPT_IF_IPV4S if kind == IP_KIND else GENERAL
    if kind is None and name.isascii() and kind_of in _SCALAR_TYPES:
        return KEPT
    return GENERAL


def unchanged_check(names: tuple[str, ...], types: tuple[type, ...]) -> Callable[[Mapping[str, Any]], bool] | None:
    """For events whose fields have these names and value types, in this order: a test that
    holds when :func:`coerce_fields` gives the fields back unchanged (the same values, in the
    same order, no flag), made once per shape and run on each event at C speed (a few joins and
    look-ups instead of a test per value); None when some value of the shape takes the general
    path (then call coerce_fields)."""
    check_all = unchanged_all_check(names, types)
    return None if check_all is None else lambda fields: check_all((fields,))


def unchanged_all_check(names: tuple[str, ...],
                        types: tuple[type, ...]) -> Callable[[Sequence[Mapping[str, Any]]], bool] | None:
    """:func:`unchanged_check` of many events of one shape at once: a test that holds when it
    holds for each of them (each of its tests is of every value alike: a long in range, a
    non-empty list of texts, ASCII text without a NUL, a dotted quad, so it is made once over the
    values of all of them); None as unchanged_check. A writer checks a chunk of events of a shape
    in one call, not one call an event (issue 11)."""
    by_code: dict[int, list[str]] = {}
    for name, kind_of in zip(names, types, strict=True):
        code = kept_when(name, kind_of)
        if code == GENERAL:
            return None
        by_code.setdefault(code, []).append(name)
    texts = values_at(by_code.get(KEPT_IF_TEXT, ()))
    longs = values_at(by_code.get(KEPT_IF_LONG, ()))
    quads = values_at(by_code.get(KEPT_IF_IPV4, ()))
    text_lists = values_at(by_code.get(KEPT_IF_TEXTS, ()))
    quad_lists = values_at(by_code.get(KEPT_IF_IPV4S, ()))
    chain = itertools.chain.from_iterable

    def check(many: Sequence[Mapping[str, Any]]) -> bool:
        return _kept(list(chain(map(longs, many))), list(chain(map(text_lists, many))), chain(map(texts, many)),
                     list(chain(map(quad_lists, many))), chain(map(quads, many)))

    return check


def unchanged_columns_check(names: tuple[str, ...], types: tuple[type, ...]) -> Callable[[list[Any]], bool] | None:
    """:func:`unchanged_all_check` of events of one shape given as their values, event after
    event, each in the shape's order (so a field's values are a slice of them, taken at C speed
    instead of a tuple made for each event: issue 11); every value must be of its shape's type.
    The same tests, of every value alike, so their order does not matter."""
    by_code: dict[int, list[int]] = {}
    for place, (name, kind_of) in enumerate(zip(names, types, strict=True)):
        code = kept_when(name, kind_of)
        if code == GENERAL:
            return None
        by_code.setdefault(code, []).append(place)
    width = len(names)

    def at(code: int) -> Callable[[list[Any]], list[Any]]:
        places = by_code.get(code, [])
        if len(places) == 1:
            place = places[0]
            return lambda values: values[place::width]
        return lambda values: list(itertools.chain.from_iterable(values[place::width] for place in places))

    texts, longs, quads, text_lists, quad_lists = (
        at(code) for code in (KEPT_IF_TEXT, KEPT_IF_LONG, KEPT_IF_IPV4, KEPT_IF_TEXTS, KEPT_IF_IPV4S))

    def check(values: list[Any]) -> bool:
        return _kept(longs(values), text_lists(values), texts(values), quad_lists(values), quads(values))

    return check


def _kept(numbers: list[Any], lists: list[Any], texts: Iterable[str], address_lists: list[Any],
          quads: Iterable[Any]) -> bool:
    """The tests both checks make, of every event's values alike (their fields' values gathered by
    kind): longs in range, lists of texts not empty and of texts only, texts ASCII without a NUL,
    address lists not empty, addresses dotted quads (one match for all: each is one when the
    lines are and none holds a newline)."""
    if numbers and (min(numbers) < LONG_MIN or max(numbers) > LONG_MAX):
        return False
    if not all(lists):  # an empty list is dropped
        return False
    chain = itertools.chain.from_iterable
    elements = list(chain(lists))
    if set(map(type, elements)) - _STR:
        return False
    text = "".join(texts) + "".join(elements)
    if not text.isascii() or "\x00" in text:
        return False
    if not all(address_lists):
        return False
    addresses = [*quads, *chain(address_lists)]
    if not addresses:
        return True
    if set(map(type, addresses)) - _STR:
        return False
    text = "\n".join(addresses)
    return _IPV4_LINES.fullmatch(text) is not None and text.count("\n") == len(addresses) - 1


_STR: Final = frozenset({str})
_IPV4_LINES: Final = re.compile(f"(?:{IPV4.pattern}\n)*{IPV4.pattern}")


def values_at(names: Sequence[str]) -> Callable[[Mapping[str, Any]], tuple[Any, ...]]:
    """A function giving the values at ``names`` of a mapping, as a tuple (itemgetter's, which
    gives a lone value for one name)."""
    if not names:
        return lambda _fields: ()
    if len(names) == 1:
        name = names[0]
        return lambda fields: (fields[name],)
    return operator.itemgetter(*names)
