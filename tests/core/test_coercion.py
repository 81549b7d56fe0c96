"""Write-time coercion to ECS types (govsoc.core.coercion), the one function both stores use."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from govsoc.core.coercion import (
    _coerce_one,
    clean_text,
    coerce_fields,
    coerce_value,
    storable,
)
from govsoc.core.event import Event
from govsoc.core.unchanged_check import unchanged_all_check, unchanged_check, unchanged_columns_check


@pytest.mark.parametrize(("kind", "value", "expected"), [
    ("long", "1", 1),                          # numbers given as text become numbers
    ("long", " 42 ", 42),                      # surrounding blanks are not part of the number
    ("long", 7.0, 7),                          # an integral float is an integer
    ("long", "7.0", 7),                        # ... also as text
    ("long", -(2**63), -(2**63)),              # the smallest long fits
    ("float", "0.5", 0.5),
    ("float", 3, 3.0),
    ("boolean", "TRUE", True),                 # Elasticsearch's own spelling, any case
    ("boolean", 0, False),
    ("ip", "10.0.0.1", "10.0.0.1"),
    ("ip", "2001:DB8:0:0::1", "2001:db8::1"),  # one spelling per address, as Elasticsearch keeps it
    ("date", "2026-03-01T08:00:00+08:00", "2026-03-01T00:00:00.000000Z"),  # to UTC, microseconds
    ("date", datetime(2026, 3, 1, tzinfo=UTC), "2026-03-01T00:00:00.000000Z"),
    ("date", 0, "1970-01-01T00:00:00.000000Z"),  # a number is epoch milliseconds, as ES reads it
    ("keyword", 4624, "4624"),                 # Elasticsearch indexes a number given to a keyword as text
    ("keyword", True, "true"),
    ("keyword", ["a", 1], ["a", "1"]),         # arrays element by element
])
def test_values_that_fit_are_coerced(kind: str, value: Any, expected: Any) -> None:
    assert coerce_value(kind, value) == expected


@pytest.mark.parametrize(("kind", "value"), [
    ("long", "abc"),            # the case: text compared with numbers
    ("long", 1.5),              # Elasticsearch would silently truncate it to 1
    ("long", 2**63),            # out of range
    ("long", True),             # a boolean is not a count
    ("long", "0x10"),           # not decimal
    ("float", "nan"),           # not finite: Elasticsearch refuses it
    ("boolean", "yes"),
    ("boolean", 2),
    ("ip", "999.1.1.1"),
    ("ip", "fe80::1%eth0"),     # a zone the ip type cannot hold
    ("ip", 167772161),          # a number is not an address here
    ("date", "yesterday"),
    ("date", "1969-12-31T23:59:59Z"),  # before what date_nanos holds
    ("keyword", {"a": 1}),      # an object where a keyword belongs
])
def test_values_that_do_not_fit_are_refused(kind: str, value: Any) -> None:
    with pytest.raises(ValueError):
        coerce_value(kind, value)


def test_a_misfit_is_kept_under_malformed_and_flagged() -> None:
    out = coerce_fields({"source.bytes": "abc", "destination.bytes": "12", "related.ip": ["10.0.0.1", "nope"],
                         "tags": ["seen"], "custom.thing": 5})
    assert out["destination.bytes"] == 12
    assert "source.bytes" not in out
    assert out["govsoc.malformed.source.bytes"] == "abc"
    assert out["related.ip"] == ["10.0.0.1"]            # the fitting elements stay in place
    assert out["govsoc.malformed.related.ip"] == ["nope"]
    assert out["govsoc.flags"] == ["type_error"]
    assert out["tags"] == ["seen", "_govsoc_type_error"]
    assert out["custom.thing"] == 5                     # fields ECS does not list keep their type


def test_nul_and_lone_surrogates_are_replaced_and_the_original_kept() -> None:
    raw = b"sshd: user \xff\x00admin logged in"
    original = raw.decode("utf-8", "surrogateescape")   # how a lossless decoder hands it over
    out = coerce_fields({"event.original": original, "message": "a\x00b \ud800 c"})
    assert out["message"] == "a\ufffdb \ufffd c"        # the text after the NUL is still there
    assert out["event.original"] == "sshd: user \ufffd\ufffdadmin logged in"
    assert base64.b64decode(out["govsoc.original_base64"]) == raw
    assert out["govsoc.flags"] == ["sanitized"]
    assert coerce_fields({"event.original": "clean"}) == {"event.original": "clean"}


def test_storable_stamps_event_ingested() -> None:
    event = Event(id="x\ud800", timestamp=datetime(2026, 3, 1, tzinfo=UTC), dataset="d", fields={"message": "m"})
    stored = storable(event, ingested=datetime(2026, 3, 2, 1, 2, 3, 456789, tzinfo=UTC))
    assert stored.fields["event.ingested"] == "2026-03-02T01:02:03.456789Z"
    assert stored.id == "x\ufffd"


@given(st.text())
def test_clean_text_is_always_encodable_and_keeps_length(text: str) -> None:
    cleaned = clean_text(text)
    cleaned.encode("utf-8")
    assert len(cleaned) == len(text) and "\x00" not in cleaned


_NAMES = st.sampled_from([
    "message", "user.name", "related.user", "tags",            # keyword / text
    "source.port", "process.pid", "event.count",               # long
    "source.ip", "related.ip",                                 # ip
    "event.created", "tls.established", "network.bytes",       # date, boolean, long
    "custom.thing", "linux.auth.ssh.method", "名前",            # not listed (one not ASCII)
])
_SCALARS = (st.text(max_size=12) | st.sampled_from(["10.0.0.1", "010.0.0.1", "1.2.3.4", "::1", "a\x00b", "\ud800"])
            | st.integers(min_value=-(2**64), max_value=2**64) | st.floats(allow_nan=True) | st.booleans()
            | st.none())
_VALUES = _SCALARS | st.lists(_SCALARS, max_size=4)


def _same(a: Any, b: Any) -> bool:
    # Equality that takes NaN as itself (hypothesis draws NaN; NaN != NaN under ==).
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(map(_same, a, b))
    if isinstance(a, float) and isinstance(b, float) and a != a and b != b:
        return True
    return bool(a == b) and type(a) is type(b)


@given(st.dictionaries(_NAMES, _VALUES, max_size=8))
@example({"custom.thing": float("nan"), "network.bytes": [float("nan")]})
def test_the_fast_path_keeps_exactly_what_the_general_path_gives(fields: dict[str, Any]) -> None:
    # coerce_fields keeps values that are already of their type without calling the converters;
    # field by field, the result must be what the converters (the general path) give.
    out: dict[str, Any] = {}
    malformed: dict[str, Any] = {}
    for name, value in fields.items():
        _coerce_one(name, value, out, malformed)
    got = coerce_fields(fields)
    for name, value in out.items():
        if name != "tags":  # (a type error adds its tag to tags: the tail of coerce_fields)
            assert _same(got[name], value), name
    for name, value in malformed.items():
        assert _same(got["govsoc.malformed." + name], value), name
    assert {n for n in got if not n.startswith("govsoc.") and n != "tags"} == {n for n in out if n != "tags"}


_ADDRESSES = st.sampled_from(["10.0.0.1", "1.2.3.4", "1.2.3.4\n5.6.7.8", "010.0.0.1", "::1", "256.1.1.1", ""])
_SHAPED = _SCALARS | _ADDRESSES | st.lists(_SCALARS | _ADDRESSES, max_size=4)


@given(st.dictionaries(_NAMES, _SHAPED, max_size=8))
def test_unchanged_check_holds_only_when_coercion_changes_nothing(fields: dict[str, Any]) -> None:
    # The shape's check lets a caller skip coerce_fields: when it holds, coerce_fields must give
    # the very same values back, in the same order, and nothing added.
    check = unchanged_check(tuple(fields), tuple(map(type, fields.values())))
    if check is not None and check(fields):
        got = coerce_fields(fields)
        assert list(got) == list(fields)
        assert all(got[name] is value or got[name] == value for name, value in fields.items())



@given(st.lists(_NAMES, unique=True, max_size=6).flatmap(
    lambda names: st.lists(st.fixed_dictionaries({name: _SHAPED for name in names}), min_size=1, max_size=6)))
def test_the_check_of_many_events_holds_when_each_ones_holds(many: list[dict[str, Any]]) -> None:
    # A writer checks the events of a shape together: the check of several events of one shape
    # must hold exactly when the check of each of them holds.
    # A shape is names and types in order (hypothesis's fixed_dictionaries may order the names
    # differently from one dict to the next: grouped by types alone, a text and a number could
    # swap places and the check of a shape was called on dicts of another one).
    shapes: dict[tuple[tuple[str, ...], tuple[type, ...]], list[dict[str, Any]]] = {}
    for fields in many:
        shapes.setdefault((tuple(fields), tuple(map(type, fields.values()))), []).append(fields)
    for (names, types), group in shapes.items():
        check, check_all = unchanged_check(names, types), unchanged_all_check(names, types)
        assert (check is None) == (check_all is None)
        if check is not None and check_all is not None:
            assert check_all(group) == all(check(fields) for fields in group)

@given(st.lists(_NAMES, unique=True, max_size=6).flatmap(
    lambda names: st.lists(st.fixed_dictionaries({name: _SHAPED for name in names}), min_size=1, max_size=6)))
def test_the_check_of_many_events_values_is_the_check_of_the_events(many: list[dict[str, Any]]) -> None:
    # A writer checks a chunk's events of one shape from their values laid end to end (a
    # field's values are a slice: no tuple made for each event, issue 11): it must hold exactly
    # when the check of the events as mappings holds, and be None for the same shapes.
    shapes: dict[tuple[tuple[str, ...], tuple[type, ...]], list[dict[str, Any]]] = {}
    for fields in many:
        shapes.setdefault((tuple(fields), tuple(map(type, fields.values()))), []).append(fields)
    for (names, types), group in shapes.items():
        check_all, check_columns = unchanged_all_check(names, types), unchanged_columns_check(names, types)
        assert (check_all is None) == (check_columns is None)
        if check_all is not None and check_columns is not None:
            values = [value for fields in group for value in fields.values()]
            assert check_columns(values) == check_all(group)


def test_unchanged_check_passes_an_ordinary_event_and_stops_one_value_that_changes() -> None:
    fields: dict[str, Any] = {"user.name": "root", "source.ip": "10.0.0.1", "related.ip": ["10.0.0.1", "1.2.3.4"],
                              "process.pid": 7, "linux.auth.ssh.invalid_user": True, "event.type": ["info"]}
    check = unchanged_check(tuple(fields), tuple(map(type, fields.values())))
    assert check is not None and check(fields) and coerce_fields(fields) == fields
    for name, changed in (("source.ip", "010.0.0.1"), ("related.ip", ["10.0.0.1", "1.2.3.4\n5.6.7.8"]),
                          ("user.name", "ro\x00ot"), ("event.type", []), ("process.pid", 2**63)):
        assert not check({**fields, name: changed}), name
        assert coerce_fields({**fields, name: changed}) != {**fields, name: changed}
    # a type that coercion converts makes no check at all
    assert unchanged_check(("source.port",), (str,)) is None


def test_objects_are_the_dotted_fields_below_them() -> None:
    # Elasticsearch reads a dot in a key as a level of objects (R12 F5): every spelling is one
    # field, coerced to its own type, and two spellings in one event give the field both values.
    out = coerce_fields({"user": {"name": "root"}, "vendor": {"obj.count": "9"}, "source": {"port": "22"},
                         "k.a": "x", "k": {"a": "y"}, "empty": {}})
    assert out["user.name"] == "root"
    assert out["vendor.obj.count"] == "9"  # a field the ECS table does not type keeps its text
    assert out["source.port"] == 22  # an ECS long, as if written source.port
    assert out["k.a"] == ["x", "y"]
    assert "user" not in out and "vendor" not in out and out["empty"] == {}
