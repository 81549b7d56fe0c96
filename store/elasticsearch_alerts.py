"""The Elasticsearch store's alerts index (store/elasticsearch.py): alerts upserted by id
without overwriting a concurrent writer, triage changes, searches and deletes."""

from __future__ import annotations

import json
import random
import time
from collections.abc import Collection, Iterable, Iterator
from datetime import datetime
from typing import Any, Literal

from govsoc.core.alert import Alert, AlertReceipt, TriageChange, keep_triage, reopened
from govsoc.core.errors import StoreError
from govsoc.core.event import format_timestamp
from govsoc.store.elasticsearch_bulk import BULK_THREADS, BulkWrites
from govsoc.store.elasticsearch_errors import item_reason, overloaded_item
from govsoc.store.elasticsearch_search import PAGE, EventSearch

#: Values of one terms query over alert event ids: below index.max_terms_count (65,536 by
#: default), and small enough to send again with every page of a scan (~350 KB).
_TERMS_CHUNK = 10_000
#: How often an alert upsert or triage change is retried after losing a race to another writer,
#: each retry after a random pause of up to 10 ms doubled each round (at most 0.5 s), so that two
#: writers in lockstep (a pass and an analyst on one alert) stop conflicting with each other.
_UPSERT_ROUNDS = 10
#: The alert fields holding the event ids an alert is found by (Alert.rests_on).
_RESTING_FIELDS = ("event.ids", "alert.matched", "alert.matched.keyword", "alert.judged_copies",
                   "alert.judged_copies.keyword")


def backoff(round_: int) -> None:
    """Sleep before retry ``round_`` (1, 2, ...) of a write that lost a race: random, growing."""
    time.sleep(random.uniform(0, min(0.5, 0.01 * 2 ** round_)))


class AlertIndex(EventSearch, BulkWrites):
    """Alerts in the alerts index."""

    def delete_alerts_before(self, cutoff: datetime, *, dry_run: bool = False) -> int:
        """Drop alerts whose last event is before ``cutoff``: their ids are read through a point
        in time and deleted in bulk (no _delete_by_query, which the minimal distribution lacks)."""
        expired = {"range": {"event.end": {"lt": format_timestamp(cutoff)}}}
        self.refresh_alerts()
        if dry_run:
            answer = self._call(lambda: self.client.count(index=self.alerts_index, query=expired,
                                                          allow_no_indices=True, ignore_unavailable=True),
                                "count failed")
            return int(answer["count"])
        ids = [doc["alert.id"] for doc in self._scan(self.alerts_index, expired, [("alert.id", "asc")], None,
                                                     snapshot=True)]
        dropped = 0
        for _, ok, result in self._bulk_results({"_op_type": "delete", "_index": self.alerts_index, "_id": i}
                                                for i in ids):
            if ok:
                dropped += 1
            elif result.get("status") != 404:  # already gone: another retention run
                raise StoreError(f"cannot delete alert {result.get('_id')}: {item_reason(result)}",
                                 location=self._where)
        self._call(lambda: self.client.indices.refresh(index=self.alerts_index, ignore_unavailable=True),
                   "refresh failed")
        return dropped

    def delete_alerts(self, ids: Iterable[str]) -> int:
        """Drop alerts by id, in bulk; an id not stored (404) is not an error."""
        dropped = 0
        for _, ok, result in self._bulk_results({"_op_type": "delete", "_index": self.alerts_index, "_id": i}
                                                for i in sorted(set(ids))):
            if ok:
                dropped += 1
            elif result.get("status") != 404:
                raise StoreError(f"cannot delete alert {result.get('_id')}: {item_reason(result)}",
                                 location=self._where)
        self._alerts_dirty = True
        return dropped

    def write_alerts(self, alerts: Iterable[Alert]) -> AlertReceipt:
        """Upsert alerts by id, keeping stored triage fields (see Store.write_alerts).

        Every alert is first written with ``create``, which stores a new id and answers a
        conflict for a stored one (most alerts of a pass are new: one request instead of a read
        and a write). Stored alerts are then read with a realtime multi-get, and changed ones
        written with ``index`` guarded by the sequence number that was read, so a concurrent
        writer (an analyst's triage, another pass) is never overwritten: its conflict sends that
        alert round again, merged with what is stored now.
        """
        self._prepared(self.alerts_index)
        pending = {a.id: a for a in alerts}
        receipt = AlertReceipt()
        for round_ in range(1 + _UPSERT_ROUNDS):
            if not pending:
                break
            if round_:
                backoff(round_)
            round_receipt, conflicted = self._upsert_round(list(pending.values()), read=round_ > 0)
            receipt += round_receipt
            pending = {i: pending[i] for i in conflicted}
        if pending:
            receipt += AlertReceipt(rejected=tuple((i, "kept conflicting with concurrent writers")
                                                   for i in sorted(pending)))
        self._alerts_dirty = True  # searched after a refresh (refresh_alerts); read by id at once
        return receipt

    def _stored_alerts(self, ids: list[str]) -> dict[str, dict[str, Any]]:
        if not ids:
            return {}
        answer = self._call(lambda: self.client.mget(index=self.alerts_index, ids=ids, realtime=True),
                            "cannot read alerts")
        for doc in answer["docs"]:  # no alerts index yet: each id answers index_not_found
            error = doc.get("error")
            if error and not (isinstance(error, dict) and error.get("type") == "index_not_found_exception"):
                raise StoreError(f"cannot read alert {doc.get('_id')}: {error}", location=self._where)
        return {d["_id"]: d for d in answer["docs"] if d.get("found")}

    def _upsert_round(self, batch: list[Alert], *, read: bool) -> tuple[AlertReceipt, list[str]]:
        stored: dict[str, dict[str, Any]] = {}
        for start in range(0, len(batch) if read else 0, PAGE):
            stored.update(self._stored_alerts([a.id for a in batch[start:start + PAGE]]))
        actions: list[dict[str, Any]] = []
        unchanged = 0
        opening: set[str] = set()  # ids whose update opens a closed alert again (counted once written)
        for alert in batch:
            hit = stored.get(alert.id)
            if hit is None:
                # The document as JSON text: the bulk helper sends text as it is, and orjson
                # writes it at a tenth of the cost of the client's json.dumps.
                actions.append({"_op_type": "create", "_index": self.alerts_index, "_id": alert.id,
                                "_source": alert.to_json()})
                continue
            doc = json.loads(json.dumps(keep_triage(alert.to_document(), hit["_source"],
                                                   judged_elsewhere=alert.judged_elsewhere)))
            if doc == hit["_source"]:
                unchanged += 1
                continue
            actions.append({"_op_type": "index", "_index": self.alerts_index, "_id": alert.id, "_source": doc,
                            "if_seq_no": hit["_seq_no"], "if_primary_term": hit["_primary_term"]})
            if reopened(doc, hit["_source"]):
                opening.add(alert.id)
        created = updated = opened = 0
        conflicted: list[str] = []
        rejected: list[tuple[str, str]] = []
        creates = all(a["_op_type"] == "create" for a in actions)
        for op, ok, result in (self._create_results(actions) if creates
                               else self._bulk_results(actions, threads=BULK_THREADS)):
            if ok:
                created += op == "create"
                updated += op == "index"
                opened += op == "index" and str(result.get("_id")) in opening
            elif result.get("status") == 409 or overloaded_item(result):  # both go round again
                conflicted.append(str(result.get("_id")))
            else:
                rejected.append((str(result.get("_id")), item_reason(result)))
        return AlertReceipt(created=created, updated=updated, unchanged=unchanged,
                            rejected=tuple(rejected), reopened=opened), conflicted

    def alert(self, alert_id: str) -> Alert | None:
        """The stored alert with this id, or None."""
        hit = self._stored_alerts([alert_id]).get(alert_id)
        return None if hit is None else Alert.from_document(hit["_source"])

    def update_alert(self, alert_id: str, change: TriageChange) -> Alert:
        """Apply a triage change, guarded by the sequence number read (retried on a conflict)."""
        for round_ in range(_UPSERT_ROUNDS):
            if round_:
                backoff(round_)
            hit = self._stored_alerts([alert_id]).get(alert_id)
            if hit is None:
                raise StoreError(f"no alert {alert_id!r}; list them with `govsoc alerts`", location=self._where)
            changed = change.apply(Alert.from_document(hit["_source"]))
            if self._unless(409, self.client.index, "alert update failed", index=self.alerts_index, id=alert_id,
                            document=changed.to_document(), if_seq_no=hit["_seq_no"],
                            if_primary_term=hit["_primary_term"], refresh=True) is not None:
                return changed
        raise StoreError(f"alert {alert_id!r} kept changing under concurrent writers; try again",
                         location=self._where)

    def alerts(self, *, rule_id: str | None = None, start: datetime | None = None,
               end: datetime | None = None, limit: int | None = None,
               order: Literal["asc", "desc"] = "asc",
               event_ids: Collection[str] | None = None) -> Iterator[Alert]:
        """Stored alerts by start time then id. Many ``event_ids`` are asked by chunks, their
        answers joined (V12 F9: one terms query of more than index.max_terms_count, 65,536 values,
        is refused with HTTP 400, and Store.delete asks after the events are gone)."""
        wanted = None if event_ids is None else list(dict.fromkeys(event_ids))
        if wanted is not None and len(wanted) > _TERMS_CHUNK:
            found: dict[str, Alert] = {}
            for begin in range(0, len(wanted), _TERMS_CHUNK):
                found.update((a.id, a) for a in self.alerts(rule_id=rule_id, start=start, end=end, limit=limit,
                                                           order=order, event_ids=wanted[begin:begin + _TERMS_CHUNK]))
            # the order the store sorts by (@timestamp is date_nanos: the same as Python's datetimes)
            ordered = sorted(found.values(), key=lambda a: (a.start, a.id), reverse=order == "desc")
            yield from ordered[:limit]
            return
        filters: list[dict[str, Any]] = []
        if rule_id:
            filters.append({"term": {"rule.id": rule_id}})
        if wanted is not None:
            # a suppressed window is found by its newest matches too (Alert.rests_on)
            # (and alert.matched.keyword where a document mapped alert.matched dynamically first)
            filters.append({"bool": {"should": [{"terms": {name: wanted}} for name in _RESTING_FIELDS],
                                     "minimum_should_match": 1}})
        bounds = {k: format_timestamp(v) for k, v in (("gte", start), ("lt", end)) if v is not None}
        if bounds:
            filters.append({"range": {"@timestamp": bounds}})
        self.refresh_alerts()
        asked = None if wanted is None else set(wanted)
        for source in self._scan(self.alerts_index, {"bool": {"filter": filters}},
                                 [("@timestamp", order), ("alert.id", order)], limit, snapshot=True):
            alert = Alert.from_document(source)
            # alert.judged_copies holds the copies beside their completed lines: an alert is
            # found by the lines alone (Alert.rests_on), as SQLite's alert_events rows find it
            if asked is None or not asked.isdisjoint(alert.rests_on):
                yield alert

    def refresh(self) -> None:
        """Make all writes searchable."""
        self._call(lambda: self.client.indices.refresh(index=f"{self.prefix}-*", ignore_unavailable=True,
                                                       allow_no_indices=True), "refresh failed")
        self._alerts_dirty = False

    def refresh_alerts(self) -> None:
        """Make this store's alert writes searchable, to every reader: before this store searches
        alerts, at the end of a detection pass, at close. Writes leave the refresh to here (one
        refresh per pass, not one per rule or per request), and the alerts index refreshes by
        itself only every ALERTS_REFRESH_INTERVAL."""
        if self._alerts_dirty:
            self._call(lambda: self.client.indices.refresh(index=self.alerts_index, ignore_unavailable=True),
                       "refresh failed")
            self._alerts_dirty = False
