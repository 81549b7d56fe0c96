"""New alerts go to Elasticsearch as bulk lines written by the store (not the bulk helper): each
chunk of bulk_chunk_size alerts is one request, every alert is stored whole, and a request the
node refuses reports each of its alerts with the node's reason, the other requests' alerts stored."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from govsoc.core.alert import Alert, AlertReceipt
from govsoc.core.event import make_id
from govsoc.core.evidence import Evidence
from govsoc.store.elasticsearch import ElasticsearchStore

T0 = datetime(2026, 5, 4, 8, tzinfo=UTC)


def alert(n: int, *, alert_id: str | None = None) -> Alert:
    when = T0 + timedelta(seconds=n)
    return Alert(id=alert_id or make_id("writes", n), rule_id="r-w", rule_title="writes", level="low", kind="match",
                 start=when, end=when, event_ids=(make_id("event", n),), context={"user.name": f"张三{n}"},
                 evidence=(Evidence(event_id=make_id("event", n), timestamp=when, dataset="linux.auth",
                                    fields={"message": f"Failed password for 张三{n} \"quoted\" \\ back"},
                                    original=f"raw line {n}"),))


@pytest.mark.es
def test_new_alerts_are_sent_in_chunks_and_a_refused_one_is_reported(elastic9_store: ElasticsearchStore,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    store = elastic9_store
    monkeypatch.setattr(store, "settings", store.settings.model_copy(update={"bulk_chunk_size": 3}))
    requests: list[int] = []
    bulk = store.client.bulk

    def counted(**kwargs: object) -> object:
        operations = kwargs["operations"]
        assert isinstance(operations, list)
        requests.append(len(operations) // 2)
        return bulk(**kwargs)

    monkeypatch.setattr(store.client, "bulk", counted)
    # Elasticsearch refuses a bulk request holding an _id longer than 512 bytes (a validation
    # error of the whole request, HTTP 400): its alerts are refused, the other requests' stored
    too_long = "x" * 600
    alerts = [alert(n) for n in range(6)] + [alert(6, alert_id=too_long), alert(7)]
    receipt = store.write_alerts(alerts)
    assert receipt.created == 6 and receipt.updated == receipt.unchanged == 0
    assert sorted(i for i, _ in receipt.rejected) == sorted([too_long, alerts[7].id])
    assert all("too long" in reason for _, reason in receipt.rejected)
    assert requests == [3, 3, 2]
    assert list(store.alerts()) == alerts[:6]  # stored whole: text, quotes, backslashes, CJK
    # written again: each create conflicts (409), then the stored ones are read and left unchanged
    requests.clear()
    assert store.write_alerts(alerts[:6]) == AlertReceipt(unchanged=6)
    assert requests == [3, 3]
