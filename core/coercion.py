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
import json
import math
import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from govsoc.core.ecs import FIELDS
from govsoc.core.event import Event, flatten, format_timestamp, parse_timestamp

__all__ = ["MALFORMED", "SANITIZED_FLAG", "TYPE_ERROR_FLAG", "TYPE_ERROR_TAG", "clean_text", "coerce_fields",
           "coerce_value", "storable", "stored_document"]

#: The prefix under which a value that does not fit its field's type is kept (as text).
MALFORMED = "govsoc.malformed."
TYPE_ERROR_FLAG = "type_error"
TYPE_ERROR_TAG = "_govsoc_type_error"
#: Flag of an event one of whose strings had a NUL or a lone surrogate replaced.
SANITIZED_FLAG = "sanitized"

LONG_MIN, LONG_MAX = -(2**63), 2**63 - 1
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
    if not LONG_MIN <= number <= LONG_MAX:
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
IPV4 = re.compile(r"(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)")


def _ip(value: Any) -> str:
    if not isinstance(value, str):
        raise _Misfit
    if IPV4.fullmatch(value):
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
_OTHER, TEXTUAL, LONG_KIND, IP_KIND = 0, 1, 2, 3
FAST_KIND: dict[str, int] = {
    name: {"keyword": TEXTUAL, "text": TEXTUAL, "long": LONG_KIND, "ip": IP_KIND}.get(kind, _OTHER)
    for name, kind in FIELDS.items()}


def coerce_fields(fields: Mapping[str, Any]) -> dict[str, Any]:
    """Every field coerced to its declared type; misfits moved to ``govsoc.malformed.<field>``
    (a list keeps its fitting elements in place) and the event flagged."""
    out: dict[str, Any] = {}
    malformed: dict[str, Any] = {}
    flags: list[str] = []
    objects: list[tuple[str, Any]] = []
    kinds = FAST_KIND
    ipv4 = IPV4.fullmatch
    for name, value in fields.items():
        # The common cases first, inline (this runs for every field of every event): a value
        # that is already what its converter gives (the converters' own first tests) is kept as
        # it is, a list too (nothing downstream changes a stored list in place). An empty list
        # is not: the general path drops it.
        kind = kinds.get(name)
        textual = kind == TEXTUAL or (kind is None and name.isascii())
        kind_of = type(value)
        if kind_of is str:
            if textual and value.isascii() and "\x00" not in value or kind == IP_KIND and ipv4(value):
                out[name] = value
                continue
        elif kind_of is int:
            if kind == LONG_KIND and LONG_MIN <= value <= LONG_MAX:
                out[name] = value
                continue
        elif kind_of is list and value:
            if textual and all(type(v) is str and v.isascii() and "\x00" not in v for v in value) \
                    or kind == IP_KIND and all(type(v) is str and ipv4(v) for v in value):
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
        if type(node.get(path[1])) is dict and type(value) is not dict:  # its fields came first: not lost
            raise ValueError(f"fields below {name!r} nest under its value")
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
