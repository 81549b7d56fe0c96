"""rows_of's groups (govsoc.store.sqlite_rows): a chunk's events of the same field names built
together, and what must stay each event's own row whatever its group holds (R11bj)."""

from __future__ import annotations

import math
from typing import Any

from govsoc.store import sqlite_rows
from govsoc.store.sqlite_rows import Unstored, coerce_parts, rows_of, split_row
from tests.store.test_sqlite_rows import INGESTED, ORDINARY, ORIGINAL


def _event(n: int, fields: dict[str, Any]) -> Unstored:
    return f"{n:032x}", 1_772_625_600_000_000 + n, "linux.auth", fields


def _general(events: list[Unstored]) -> tuple[list[Any], list[tuple[str, str]]]:
    """Each event's row by coercion and split (the general path), and the refused ones, in order."""
    rows, refused = [], []
    for event in events:
        try:
            rows.append(split_row(coerce_parts(event, INGESTED)))
        except (TypeError, ValueError) as e:
            refused.append((event[0], f"not storable: {e}"))
    return rows, refused


def test_one_event_of_other_types_leaves_the_rest_of_its_group_together(monkeypatch: Any) -> None:
    # R11bj-1: a chunk of alike events, the first with its process id as text: grouped by names
    # alone, the whole group went one by one (+59 % instructions); the others are built
    # together again, as when groups were by names and types, and only the odd one goes alone.
    alone: list[int] = []
    real = sqlite_rows.row_of

    def counted(event: Unstored, ingested: str) -> Any:
        alone.append(1)
        return real(event, ingested)

    monkeypatch.setattr(sqlite_rows, "row_of", counted)
    events = [_event(n, {**ORDINARY, "process.pid": "7" if n == 0 else 7}) for n in range(2500)]
    assert repr(rows_of(events, INGESTED)) == repr(_general(events))
    assert len(alone) == 1


# Groups of three alike events, each group with a value whose row the plan must get right:
# compared by repr (== takes True for 1 and NaN for nothing).
_SPECIAL: list[dict[str, Any]] = [
    {**ORDINARY, "related.ip": []},  # an empty list of addresses is no field
    {**ORDINARY, "tags": []},  # an empty list of texts is no field
    {**ORDINARY, "process.pid": -(2**63) - 1},  # below a long: set aside
    {**ORDINARY, "process.pid": 2**63},  # above a long: set aside
    {**ORDINARY, "custom.value": math.nan},  # NaN under a field no list names
    {**ORDINARY, "message": ORIGINAL[30:50]},  # a message inside the original, not at its end
    {**ORDINARY, "linux.auth.ssh.invalid_user": 1},  # an int where a bool was
]


def test_each_special_value_gets_its_own_row_in_a_group() -> None:
    for n, fields in enumerate(_SPECIAL):
        events = [_event(3 * n + k, dict(fields)) for k in range(3)]
        assert repr(rows_of(events, INGESTED)) == repr(_general(events)), fields


def test_refusals_of_two_interleaved_groups_are_named_in_the_chunks_order() -> None:
    # Two groups (other names), each refusing events ("labels" a value and a parent at once):
    # the refused are named in the chunk's order, not group by group.
    bad = {"labels": 1, "labels.x": "y"}
    events = [_event(n, {**ORDINARY, **(bad if n % 3 == 0 else {}), **({"event.kind": "event"} if n % 2 else {})})
              for n in range(12)]
    rows, refused = rows_of(events, INGESTED)
    assert repr((rows, refused)) == repr(_general(events))
    assert [event_id for event_id, _ in refused] == [f"{n:032x}" for n in range(0, 12, 3)]
