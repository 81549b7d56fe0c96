"""Events: deterministic ids and a lossless document form."""

from __future__ import annotations

import dataclasses
import pickle
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govsoc.core.errors import Location, ParseError
from govsoc.core.event import Event, make_id

names = st.from_regex(r"[a-z][a-z_]{0,8}(\.[a-z][a-z_]{0,8}){0,2}", fullmatch=True).filter(
    lambda n: n not in ("event.id", "event.dataset") and not n.startswith(("event.id.", "event.dataset.")))
values = st.one_of(st.text(max_size=20), st.integers(-2**53, 2**53), st.booleans(),
                   st.lists(st.text(max_size=5), min_size=1, max_size=3))


def test_ids_depend_on_every_part_and_only_on_them() -> None:
    assert make_id("file:///a.log", 10) == make_id("file:///a.log", 10)
    assert make_id("file:///a.log", 10) != make_id("file:///a.log", 11)
    assert make_id("ab", "c") != make_id("a", "bc")
    assert len(make_id("x")) == 32


@given(st.dictionaries(names, values, max_size=8),
       st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)))
def test_document_round_trip(fields: dict[str, object], at: datetime) -> None:
    # A field cannot be both a leaf and the parent of another (a.b and a.b.c): ECS never does it.
    names_ = sorted(fields)
    if any(b.startswith(a + ".") for a in names_ for b in names_):
        return
    original = Event(id=make_id("h", at), timestamp=at, dataset="test.x", fields=fields)
    assert Event.from_document(original.to_document()) == original


def test_timestamps_are_normalised_to_utc_and_must_be_aware() -> None:
    shanghai = timezone(timedelta(hours=8))
    event = Event(id="1", timestamp=datetime(2025, 12, 10, 6, 55, 46, tzinfo=shanghai), dataset="d")
    assert event.to_document()["@timestamp"] == "2025-12-09T22:55:46.000000Z"
    with pytest.raises(ValueError, match="timezone-aware"):
        Event(id="2", timestamp=datetime(2025, 1, 1), dataset="d")


@pytest.mark.parametrize("name", ["@timestamp", "event.id", "event.dataset"])  # each of core.event.RESERVED
def test_reserved_names_are_attributes(name: str) -> None:
    with pytest.raises(ValueError, match=rf"\['{name}'\] are attributes"):
        Event(id="1", timestamp=datetime.now(UTC), dataset="d", fields={"a.b": 1, name: "x"})
    event = Event(id="1", timestamp=datetime(2025, 1, 1, tzinfo=UTC), dataset="d", fields={"a.b": 1})
    assert (event.get("event.id"), event.get("event.dataset"), event.get("a.b"), event.get("zz", 7)) == ("1", "d", 1, 7)


@pytest.mark.parametrize(("location", "text"), [
    (Location(path="rules/x.yml", line=12, column=5, field="detection.sel"), "rules/x.yml:12:5 detection.sel"),
    (Location(path="a.log", line=3), "a.log:3"),
    (Location(field="store.backend"), "store.backend"),
])
def test_errors_print_where_then_what(location: Location, text: str) -> None:
    assert str(ParseError("bad", location=location)) == f"{text}: bad"
    assert str(ParseError("bad")) == "bad"


def test_the_written_out_init_keeps_a_frozen_dataclass() -> None:
    # P13a 5: Event.__init__ is written out (the slots' setters) for speed; what the generated
    # one gave must hold: frozen, a new fields dict per event, replace, equality, pickling
    when = datetime(2026, 11, 30, tzinfo=UTC)
    first, second = Event(id="a", timestamp=when, dataset="d"), Event(id="a", timestamp=when, dataset="d")
    assert first == second and first.fields == {} and first.fields is not second.fields
    with pytest.raises(dataclasses.FrozenInstanceError):
        first.id = "b"  # type: ignore[misc]
    changed = dataclasses.replace(first, id="b", fields={"message": "m"})
    assert (changed.id, changed.timestamp, changed.fields) == ("b", when, {"message": "m"})
    assert pickle.loads(pickle.dumps(changed)) == changed
    assert [f.name for f in dataclasses.fields(Event)] == ["id", "timestamp", "dataset", "fields"]
