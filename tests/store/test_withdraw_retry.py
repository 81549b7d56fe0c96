"""Store.delete's withdrawal of the alerts on a deleted partial copy, failing midway and done
again (R12d N2): the ingest keeps the copies it could not delete (checkpoint.superseded) and its
next run calls delete again. The retry must finish what the first left and say each thing once.

The store going away between two alert writes is played by a SqliteStore whose Nth update_alert
raises StoreError (the withdrawal's logic is govsoc.store.base's, the same on every store)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from govsoc.core.alert import Alert, Note, TriageChange
from govsoc.core.errors import StoreError
from govsoc.core.event import Event, make_id
from govsoc.store.sqlite import SqliteStore

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


class GoesAway(SqliteStore):
    """A store whose ``fail_at``-th alert update fails as if the store had gone away."""

    fail_at: int | None = None
    updates = 0

    def update_alert(self, alert_id: str, change: TriageChange) -> Alert:
        self.updates += 1
        if self.updates == self.fail_at:
            raise StoreError("the store went away")
        return super().update_alert(alert_id, change)


def alert(n: int, kind: str, *ids: str) -> Alert:
    return Alert(id=make_id("retry", n), rule_id="r", rule_title="r", level="low", kind=kind,
                 start=T0 + timedelta(seconds=n), end=T0 + timedelta(seconds=n), event_ids=ids)


@pytest.mark.parametrize("fail_at", [1, 2, 3])  # each of the three alerts' note fails once
def test_a_withdrawal_that_failed_midway_is_finished_by_the_retry_saying_each_thing_once(
        tmp_path: Path, fail_at: int) -> None:
    store = GoesAway(tmp_path / "events.db")
    events = [Event(id=make_id("retry-event", n), timestamp=T0 + timedelta(seconds=n), dataset="linux.auth",
                    fields={"message": f"line {n}"}) for n in range(4)]
    store.write(events)
    copy = events[3].id  # the partial copy
    closed, acknowledged = alert(1, "match", copy), alert(2, "match", copy)
    burst = alert(3, "correlation", events[0].id, events[1].id, copy)
    store.write_alerts([closed, acknowledged, burst])
    for stored, status in ((closed, "closed"), (acknowledged, "acknowledged"), (burst, "acknowledged")):
        store.update_alert(stored.id, TriageChange(status=status, note=Note(author="analyst", time=T0, text="seen")))
    store.updates, store.fail_at = 0, fail_at
    with pytest.raises(StoreError):
        store.delete([copy])
    store.fail_at = None
    store.delete([copy])  # the ingest's next run
    after = {a.id: a for a in store.alerts()}
    said = {i: [n for n in a.notes if n.author == "govsoc"] for i, a in after.items()}
    assert {i: len(notes) for i, notes in said.items()} == {closed.id: 1, acknowledged.id: 1, burst.id: 1}
    assert [after[i].status for i in (closed.id, acknowledged.id, burst.id)] == ["closed", "closed", "acknowledged"]
    assert after[burst.id].event_ids == (events[0].id, events[1].id)
    assert copy in said[burst.id][0].text
    store.close()
