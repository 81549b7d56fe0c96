"""Write-time coercion: every value stored under its ECS type, in every store.

Both stores call :func:`storable` on each event before writing it, so a value means the same in
SQLite and in Elasticsearch: ``"1"`` under ``source.bytes`` (long) is stored as the number 1, and
``"abc"`` there is not stored as text that a numeric comparison would then meet as text. A value
that does not fit its type is moved out of the field, kept as text under
``govsoc.malformed.<field>``, and the event is flagged (``govsoc.flags: type_error``, ``tags:
_govsoc_type_error``); nothing is dropped silently.

Strings are made storable too: a lone surrogate (which UTF-8 cannot encode and which made a whole
batch fail) becomes U+FFFD, and so does a NUL character (SQLite's text functions and FTS stop at
a NUL, hiding what follows from search and rules). When ``event.original`` changes this way, its
exact original is kept as base64 in ``govsoc.original_base64``. Types are the table in
govsoc.core.ecs; fields it does not list keep their JSON type.
"""

from __future__ import annotations

import base64
import ipaddress
import itertools
import json
import math
import operator
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Final

from govsoc.core.ecs import FIELDS
from govsoc.core.event import Event, flatten, format_timestamp, parse_timestamp

__all__ = ["GENERAL", "KEPT", "KEPT_IF_IPV4", "KEPT_IF_IPV4S", "KEPT_IF_LONG", "KEPT_IF_TEXT", "KEPT_IF_TEXTS",
           "MALFORMED", "SANITIZED_FLAG", "TYPE_ERROR_FLAG", "TYPE_ERROR_TAG", "clean_text", "coerce_fields",
           "coerce_value", "kept_when", "storable", "stored_document", "unchanged_all_check", "unchanged_check",
           "values_at"]

#: The prefix under which a value that does not fit its field's type is kept (as text).
MALFORMED = "govsoc.malformed."
TYPE_ERROR_FLAG = "type_error"
TYPE_ERROR_TAG = "_govsoc_type_error"
#: Flag of an event one of whose strings had a NUL or a lone surrogate replaced.
SANITIZED_FLAG = "sanitized"

_LONG_MIN, _LONG_MAX = -(2**63), 2**63 - 1
#: date_nanos, the Elasticsearch type of every ECS date here, holds 1970 to 2262.
_DATE_MIN = datetime(1970, 1, 1, tzinfo=UTC)
_DATE_MAX = datetime(2262, 4, 11, tzinfo=UTC)
#: The times a store holds, [first, last) (a state document's times are checked against it).
DATE_RANGE = (_DATE_MIN, _DATE_MAX)
_UNSAFE = re.compile("[\x00\ud800-\udfff]")
_REPLACEMENT = "\ufffd"


class _Misfit(Exception):
    """A value that does not fit its field's type."""


def clean_text(text: str) -> str:
    """``text`` with every NUL and lone surrogate replaced by U+FFFD (the rest kept)."""
    if text.isascii() and "\x00" not in text:
        return text
    return _UNSAFE.sub(_REPLACEMENT, text)


def _long(value: Any) -> int:
    if isinstance(value, bool):
        raise _Misfit
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not value.is_integer():  # Elasticsearch would truncate 1.5 to 1: a silent change
            raise _Misfit
        number = int(value)
    elif isinstance(value, str):
        text = value.strip()
        try:
            number = int(text, 10)
        except ValueError:
            as_float = _float(text)
            if not as_float.is_integer():
                raise _Misfit from None
            number = int(as_float)
    else:
        raise _Misfit
    if not _LONG_MIN <= number <= _LONG_MAX:
        raise _Misfit
    return number


def _float(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise _Misfit
    try:
        number = float(value)
    except (ValueError, OverflowError):
        raise _Misfit from None
    if not math.isfinite(number):
        raise _Misfit
    return number


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise _Misfit


#: A dotted quad as ipaddress spells it (no leading zeros): such text is its own canonical form.
_IPV4 = re.compile(r"(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)")


def _ip(value: Any) -> str:
    if not isinstance(value, str):
        raise _Misfit
    if _IPV4.fullmatch(value):
        return value
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        raise _Misfit from None
    if getattr(address, "scope_id", None):  # fe80::1%eth0: Elasticsearch's ip type has no zone
        raise _Misfit
    return str(address)


def _date(value: Any) -> str:
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
    elif isinstance(value, str):
        try:
            moment = parse_timestamp(value.strip())
        except ValueError:
            raise _Misfit from None
    elif isinstance(value, int) and not isinstance(value, bool):  # epoch milliseconds, as ES reads them
        try:
            moment = datetime.fromtimestamp(value / 1000, tz=UTC)
        except (OverflowError, OSError, ValueError):
            raise _Misfit from None
    else:
        raise _Misfit
    if not _DATE_MIN <= moment < _DATE_MAX:
        raise _Misfit
    return format_timestamp(moment)


def _keyword(value: Any) -> str:
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, bool):  # Elasticsearch indexes a boolean given to a keyword as "true"
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    raise _Misfit  # an object where a keyword belongs


_CONVERTERS: dict[str, Callable[[Any], Any]] = {
    "long": _long, "float": _float, "boolean": _boolean, "ip": _ip, "date": _date,
    "keyword": _keyword, "text": _keyword,
}


def coerce_value(kind: str, value: Any) -> Any:
    """``value`` as an ECS ``kind`` (long, float, boolean, ip, date, keyword, text); raises
    ValueError when it does not fit. Lists are coerced element by element."""
    convert = _CONVERTERS.get(kind, _clean_any)
    try:
        if isinstance(value, list | tuple):
            return [convert(v) for v in value]
        return convert(value)
    except _Misfit:
        raise ValueError(f"{value!r} is not a {kind}") from None


def _clean_any(value: Any) -> Any:
    """A value of a field the table does not list: its strings cleaned, its type kept."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list | tuple):
        return [_clean_any(v) for v in value]
    if isinstance(value, Mapping):
        return {clean_text(str(k)): _clean_any(v) for k, v in value.items()}
    return value


def _as_text(value: Any) -> str:
    if isinstance(value, str):
        return clean_text(value)
    return clean_text(json.dumps(value, ensure_ascii=False, default=str))


#: Field -> its converter, and the fields whose values are text (the common, fast case).
_CONVERTER_OF: dict[str, Callable[[Any], Any]] = {name: _CONVERTERS.get(kind, _clean_any)
                                                 for name, kind in FIELDS.items()}
_TEXT_FIELDS = frozenset(name for name, kind in FIELDS.items() if kind in ("keyword", "text"))


#: Field -> how its values are checked on the fast path of coerce_fields.
#: (_OTHER: a listed type without a fast path; a field the table does not list has none.)
_OTHER, _TEXTUAL, _LONG_KIND, _IP_KIND = 0, 1, 2, 3
_FAST_KIND: dict[str, int] = {
    name: {"keyword": _TEXTUAL, "text": _TEXTUAL, "long": _LONG_KIND, "ip": _IP_KIND}.get(kind, _OTHER)
    for name, kind in FIELDS.items()}


def coerce_fields(fields: Mapping[str, Any]) -> dict[str, Any]:
    """Every field coerced to its declared type; misfits moved to ``govsoc.malformed.<field>``
    (a list keeps its fitting elements in place) and the event flagged."""
    out: dict[str, Any] = {}
    malformed: dict[str, Any] = {}
    flags: list[str] = []
    objects: list[tuple[str, Any]] = []
    kinds = _FAST_KIND
    ipv4 = _IPV4.fullmatch
    for name, value in fields.items():
        # The common cases first, inline (this runs for every field of every event): a value
        # that is already what its converter gives (the converters' own first tests) is kept as
        # it is, a list too (nothing downstream changes a stored list in place). An empty list
        # is not: the general path drops it.
        kind = kinds.get(name)
        textual = kind == _TEXTUAL or (kind is None and name.isascii())
        kind_of = type(value)
        if kind_of is str:
            if textual and value.isascii() and "\x00" not in value or kind == _IP_KIND and ipv4(value):
                out[name] = value
                continue
        elif kind_of is int:
            if kind == _LONG_KIND and _LONG_MIN <= value <= _LONG_MAX:
                out[name] = value
                continue
        elif kind_of is list and value:
            if textual and all(type(v) is str and v.isascii() and "\x00" not in v for v in value) \
                    or kind == _IP_KIND and all(type(v) is str and ipv4(v) for v in value):
                out[name] = value
                continue
        elif kind_of is dict and value:
            objects.append((name, value))
            continue
        _coerce_one(name, value, out, malformed)
    if objects:
        _put_objects(objects, out, malformed)
    if malformed:
        for name, value in malformed.items():
            out[MALFORMED + name] = value
        flags.append(TYPE_ERROR_FLAG)
        out["tags"] = [*_listed(out.get("tags")), TYPE_ERROR_TAG]
    original = fields.get("event.original")
    if isinstance(original, str) and out.get("event.original") != original:
        flags.append(SANITIZED_FLAG)
        out.setdefault("govsoc.original_base64", _base64(original))
    if flags:
        out["govsoc.flags"] = [*_listed(out.get("govsoc.flags")), *flags]
    return out


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
    kind = _FAST_KIND.get(name)
    textual = kind == _TEXTUAL or (kind is None and name.isascii())
    if kind_of is str:
        return KEPT_IF_TEXT if textual else KEPT_IF_IPV4 if kind == _IP_KIND else GENERAL
    if kind_of is int and kind == _LONG_KIND:
        return KEPT_IF_LONG
    if kind_of is list:
        return KEPT_IF_TEXTS if textual else KEPT_IF_IPV4S if kind == _IP_KIND else GENERAL
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
    quad_lines = _IPV4_LINES.fullmatch
    chain = itertools.chain.from_iterable

    def check(many: Sequence[Mapping[str, Any]]) -> bool:
        numbers = list(chain(map(longs, many)))
        if numbers and (min(numbers) < _LONG_MIN or max(numbers) > _LONG_MAX):
            return False
        lists = list(chain(map(text_lists, many)))
        if not all(lists):  # an empty list is dropped
            return False
        elements = list(chain(lists))
        if set(map(type, elements)) - _STR:
            return False
        text = "".join(chain(map(texts, many))) + "".join(elements)
        if not text.isascii() or "\x00" in text:
            return False
        address_lists = list(chain(map(quad_lists, many)))
        if not all(address_lists):
            return False
        addresses = [*chain(map(quads, many)), *chain(address_lists)]
        if not addresses:
            return True
        if set(map(type, addresses)) - _STR:
            return False
        # one match for all: each is a dotted quad when the lines are and none holds a newline
        text = "\n".join(addresses)
        return quad_lines(text) is not None and text.count("\n") == len(addresses) - 1

    return check


_STR: Final = frozenset({str})
_IPV4_LINES: Final = re.compile(f"(?:{_IPV4.pattern}\n)*{_IPV4.pattern}")


def values_at(names: Sequence[str]) -> Callable[[Mapping[str, Any]], tuple[Any, ...]]:
    """A function giving the values at ``names`` of a mapping, as a tuple (itemgetter's, which
    gives a lone value for one name)."""
    if not names:
        return lambda _fields: ()
    if len(names) == 1:
        name = names[0]
        return lambda fields: (fields[name],)
    return operator.itemgetter(*names)


def _coerce_one(name: str, value: Any, out: dict[str, Any], malformed: dict[str, Any]) -> None:
    """The general path of coerce_fields for one field: its coerced value into ``out``, what
    does not fit into ``malformed``."""
    if value is None:
        return
    if not name.isascii():
        name = clean_text(name)
    if type(value) is str and (name in _TEXT_FIELDS or name not in _CONVERTER_OF):
        out[name] = value if value.isascii() and "\x00" not in value else clean_text(value)
        return
    convert = _CONVERTER_OF.get(name)
    if convert is None:
        out[name] = _clean_any(value)
        return
    if isinstance(value, list | tuple):
        kept, bad = [], []
        for item in value:
            try:
                kept.append(convert(item))
            except _Misfit:
                bad.append(_as_text(item))
        if kept:
            out[name] = kept
        if bad:
            malformed[name] = bad
        return
    try:
        out[name] = convert(value)
    except _Misfit:
        malformed[name] = _as_text(value)


def _put_objects(objects: list[tuple[str, Any]], out: dict[str, Any], malformed: dict[str, Any]) -> None:
    """Objects under field names, as the dotted fields below them: ``{"user": {"name": "root"}}``
    is ``user.name``, and ``{"k8s": {"obj.name": "x"}}`` is ``k8s.obj.name``, as Elasticsearch
    reads both (a dot in a key is a level of objects) and as a store gives the event back; each
    leaf coerced to its own field's type. A name that some other spelling of the event filled
    already holds both values, as it would on Elasticsearch (R12 F5: SQLite found the value of
    a dotted key, or of a nested ECS field, by neither spelling)."""
    for name, value in objects:
        for leaf, item in flatten(value, name + "."):
            single: dict[str, Any] = {}
            _coerce_one(leaf, item, single, malformed)
            for key, coerced in single.items():
                out[key] = [*_listed(out[key]), *_listed(coerced)] if key in out else coerced


def _listed(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def _base64(text: str) -> str:
    """The bytes ``text`` was decoded from: surrogateescape undoes a lossless decode of
    invalid UTF-8; any other lone surrogate is kept as its own (surrogatepass) bytes."""
    try:
        raw = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        raw = text.encode("utf-8", "surrogatepass")
    return base64.b64encode(raw).decode("ascii")


def stored_document(event: Event, *, ingested: str) -> dict[str, Any]:
    """The nested ECS document a store keeps for ``event``: :func:`storable`'s event as
    Event.to_document gives it, built in one pass (this runs for every event written).
    ``ingested`` is the write time as format_timestamp writes it (a batch shares one)."""
    fields = coerce_fields(event.fields)
    fields["event.ingested"] = ingested
    fields["event.id"] = clean_text(event.id)
    fields["event.dataset"] = clean_text(event.dataset)
    doc: dict[str, Any] = {"@timestamp": format_timestamp(event.timestamp)}
    for name, value in fields.items():
        path = _PATHS.get(name)
        if path is None:
            if len(_PATHS) > 50_000:  # hostile input with ever new field names: stay bounded
                _PATHS.clear()
            path = _PATHS[name] = (tuple(name.split(".")[:-1]), name.rpartition(".")[2])
        node = doc
        for part in path[0]:
            child = node.get(part)
            if child is None:
                child = node[part] = {}
            elif type(child) is not dict:
                raise ValueError(f"field {name!r} nests under the value of {part!r}")
            node = child
        node[path[1]] = value
    return doc


#: Dotted name -> (parent names, leaf name), the split done once per name.
_PATHS: dict[str, tuple[tuple[str, ...], str]] = {}


def storable(event: Event, *, ingested: datetime) -> Event:
    """The event as a store keeps it: fields coerced (see :func:`coerce_fields`), id and
    dataset cleaned, and ``event.ingested`` set to ``ingested`` (UTC, microseconds)."""
    fields = coerce_fields(event.fields)
    fields["event.ingested"] = format_timestamp(ingested)
    return Event(id=clean_text(event.id), timestamp=event.timestamp, dataset=clean_text(event.dataset),
                 fields=fields)
