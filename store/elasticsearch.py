"""The Elasticsearch event store, through the official client and its bulk helpers.

Layout: one index per UTC ISO week of *event* time, shared by every dataset,
``<prefix>-events-YYYY.MM.DD`` named after the week's Monday, all under one index template with
ECS mappings (govsoc.core.ecs); alerts in ``<prefix>-alerts``. The shard count grows with weeks
kept (26 for the default 180 days), not with datasets times days (daily indices per dataset gave
50 datasets x 180 days = 9,000 shards, nine times the default per-node limit). Because the index
follows from the event's own time, a re-sent event lands in the same index, and since every
``_id`` is the event id and writes use ``create``, it is answered with a conflict and counted as
a duplicate. Retention drops whole weeks of indices (store.base.week_start): no ILM, data streams
or _delete_by_query, which the minimal distribution lacks. ``@timestamp`` is date_nanos so that
microsecond times order and filter exactly as in SQLite. Values are coerced to their ECS types
before they are sent (govsoc.core.coercion), so both stores hold the same values.

Ingest order is ``event.ingested``, stamped as each document is handed to a bulk request.
Elasticsearch has no commit sequence: a document stamped before a reader's position may become
searchable after the reader looked (a bulk still in flight, an index not yet refreshed), so
``Query.after`` reads INGEST_MARGIN further back than asked. Documents read twice give the same
alerts under the same ids (alerts are upserted by id), so the margin costs a little re-reading
and never a duplicate. Engine state (rule checkpoints) is kept in ``<prefix>-state``.

The store is assembled here from its parts, one module each: the client and TLS set-up
(elasticsearch_client), index templates and mappings (elasticsearch_templates,
elasticsearch_mappings), the bulk writer (elasticsearch_bulk), event search and paging
(elasticsearch_search, elasticsearch_check), alerts (elasticsearch_alerts) and engine state
(elasticsearch_state); events' deletes, retention and aggregations stay here.
"""

from __future__ import annotations

import dataclasses
import re
import threading
import uuid
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from elasticsearch import ApiError, Elasticsearch

from govsoc.core.config import ElasticsearchSettings, EsCredentials, redact_url
from govsoc.core.errors import DamagedStateError, Location, StoreError
from govsoc.core.event import Event
from govsoc.store import deleted
from govsoc.store.base import Bucket, Group, Query, Target, week_start
from govsoc.store.elasticsearch_aggs import (
    alert_query,
    cardinality_aggs,
    groups_aggs,
    histogram_aggs,
    python_cardinality,
    python_groups,
    python_histogram,
    read_groups,
    read_histogram,
)
from govsoc.store.elasticsearch_alerts import AlertIndex
from govsoc.store.elasticsearch_check import Check
from govsoc.store.elasticsearch_client import connect
from govsoc.store.elasticsearch_errors import error_reason as _reason  # noqa: F401  (tests/rules/test_regex_meaning.py)
from govsoc.store.elasticsearch_many import CHUNK
from govsoc.store.elasticsearch_mappings import ALERT_MAPPINGS as ALERT_MAPPINGS
from govsoc.store.elasticsearch_mappings import ecs_mappings
from govsoc.store.elasticsearch_query import KEYWORD_IGNORE_ABOVE
from govsoc.store.elasticsearch_search import INGEST_MARGIN as INGEST_MARGIN
from govsoc.store.elasticsearch_state import EngineState
from govsoc.store.elasticsearch_templates import IndexTemplates
from govsoc.store.registry import stores

__all__ = ["KEYWORD_IGNORE_ABOVE", "ElasticsearchStore", "ecs_mappings"]
#: The state document whose mark changes at each delete of events (Store.deletes).
_DELETES = "event-deletes"
_DAY_SUFFIX = re.compile(r"-(\d{4})\.(\d{2})\.(\d{2})$")

#: The most characters of index names one delete request of drop_all carries (Elasticsearch
#: refuses a request line over 4 KB).
_DROP_URL_CHARS = 3000


@stores.register("elasticsearch")
class ElasticsearchStore(AlertIndex, EngineState, IndexTemplates):
    """Events and alerts in an Elasticsearch cluster."""

    kind = "elasticsearch"
    #: The client is thread-safe, and alert writes touch no state a search reads.
    concurrent_alert_writes = True
    #: One _msearch request's rules (store/elasticsearch_many.py): a pass converts the next
    #: chunk's rules while the node searches this one's.
    search_batch = CHUNK
    #: An id is unique only inside one week's index (``create`` conflicts there alone): a file
    #: read again after a kill -9 has its uncertain batches looked up first (collectors.files.tracker).
    ids_per_index = True

    def __init__(self, settings: ElasticsearchSettings, *, credentials: EsCredentials | None = None,
                 retention_days: int = 180, client: Elasticsearch | None = None) -> None:
        if not settings.url:
            raise StoreError("no Elasticsearch URL configured")
        self.settings = settings
        self.retention_days = retention_days
        self.prefix = settings.index_prefix
        self._alerts_dirty = False
        #: Creating the alerts and state indices a pass writes to, when missing (prepare_writes).
        self._preparing: dict[str, threading.Thread] = {}
        #: Set once prepare_writes knows whether an index existed; the ones it found missing.
        self._looked: dict[str, threading.Event] = {}
        self._missing: set[str] = set()
        self._where = Location(path=redact_url(settings.url))
        self.client = client or connect(settings, credentials)
        self._call(lambda: self.client.cluster.health(), "cannot reach the cluster")
        self._install_templates()
        #: Events indices created before GRAMS_FIELD (see _find_older).
        self._older: list[str] = self._find_older()

    def delete(self, ids: Collection[str], *, replaced_by: Mapping[str, Sequence[str] | None] | None = None) -> int:
        """Remove events by id, wherever their index: find them, then bulk-delete (the minimal
        distribution has no _delete_by_query)."""
        wanted = list(ids)
        deleted.record(self, wanted)  # before the mark (R12e E3: told from retention's deletes)
        removed = 0
        for hits in self._found(wanted, "delete failed"):
            actions = [{"delete": {"_index": hit["_index"], "_id": hit["_id"]}} for hit in hits]
            if actions:
                self._call(lambda a=actions: self.client.bulk(operations=a, refresh=True), "delete failed")
                removed += len(actions)
        if removed:
            # A pass that read the events before and writes its alerts after this mark looks for
            # what they rest on again (Store.deletes, V13 V11); one that wrote before it is
            # found by the withdrawal below, once the alerts written so far are searchable.
            self.put_state(_DELETES, {"mark": uuid.uuid4().hex})
            self._alerts_dirty = True
        self.withdraw_alerts_on(wanted, replaced_by)
        return removed

    def stored_ids(self, ids: Collection[str]) -> set[str]:
        """The ids among ``ids`` stored already, in whichever week's index (collectors.pipeline
        asks only for a batch a run killed before its checkpoint may have stored: R11v-1)."""
        return {hit["_id"] for hits in self._found(list(ids), "lookup of stored ids failed") for hit in hits}

    def _found(self, wanted: list[str], failed: str) -> Iterator[list[dict[str, Any]]]:
        """The hits (index and id) of the stored events among ``wanted``, 1,000 ids a request."""
        # A search sees what the last refresh made searchable, and an id looked for may have been
        # indexed just before (a partial copy stored by a run killed before its checkpoint, whose
        # note the next run supersedes at once): not found, it stayed for good (42 events for 41
        # lines on ES 9.2, now and then). The events indices are refreshed first.
        if not wanted:
            return
        self._call(lambda: self.client.indices.refresh(index=self.events_pattern, allow_no_indices=True,
                                                       ignore_unavailable=True), failed)
        for start in range(0, len(wanted), 1000):
            chunk = wanted[start:start + 1000]
            found = self._call(lambda c=chunk: self.client.search(
                index=self.events_pattern, query={"ids": {"values": c}}, size=len(c), source=False,
                allow_no_indices=True, ignore_unavailable=True), failed)
            yield found["hits"]["hits"]

    def deletes(self) -> str | None:
        """The mark :meth:`delete` writes when it removed events (a realtime get). A damaged
        document (any writer of the state index can change it) is replaced by a fresh mark and
        read as :func:`govsoc.store.deleted.damaged_mark`, never an error that stops a pass."""
        try:
            doc = self.get_state(_DELETES)
        except DamagedStateError as e:
            why = e.message
        else:
            if doc is None or isinstance(doc.get("mark"), str):
                return None if doc is None else str(doc["mark"])
            why = f"state document {_DELETES!r} is damaged: no mark"
        # Damaged (R12e E1): a mark unlike any other (the caller sees a delete, the safe side),
        # and a fresh one in its place (a delete meanwhile wrote one as fresh).
        self.put_state(_DELETES, {"mark": uuid.uuid4().hex})
        return deleted.damaged_mark(f"{why}: reset")

    def aggregate(self, query: Query, field: str, size: int = 10) -> list[Bucket]:
        """A terms aggregation ordered by count, then value, like the SQLite store."""
        check = Check.of(query)
        if check is not None and check.python_only:
            return _count_values(self.search(dataclasses.replace(query, limit=None)), field, size)
        answer = self._call(lambda: self.client.search(
            index=self.events_pattern, size=0, query=self._query(query, unindexed=False), allow_no_indices=True,
            ignore_unavailable=True,
            aggs={"by": {"terms": {"field": field, "size": size, "shard_size": max(size * 20, 1000),
                                   "order": [{"_count": "desc"}, {"_key": "asc"}]}}}), "aggregation failed")
        buckets = answer.get("aggregations", {}).get("by", {}).get("buckets", [])
        # Boolean keys come back as 1/0, as SQLite holds them.
        return [Bucket(key=b["key"], count=int(b["doc_count"])) for b in buckets]

    def _aggregation(self, query: Query, target: Target, aggs: dict[str, Any]) -> dict[str, Any]:
        """The answer of one size-0 search with ``aggs`` over the events or the alerts."""
        if target == "alerts":
            self.refresh_alerts()
            index, es_query = self.alerts_index, alert_query(query)
        else:
            index, es_query = self.events_pattern, self._query(query, unindexed=False)
        answer: dict[str, Any] = self._call(lambda: self.client.search(
            index=index, size=0, query=es_query, aggs=aggs, allow_no_indices=True, ignore_unavailable=True),
            "aggregation failed")
        return answer

    def _checked(self, query: Query, target: Target) -> Iterator[Event] | None:
        """The events of a query that only Python can decide (aggregated one by one), else None."""
        check = Check.of(query) if target == "events" else None
        if check is not None and check.python_only:
            return self.search(dataclasses.replace(query, limit=None))
        return None

    def groups(self, query: Query, field: str, *, size: int = 10, total: str | None = None, span: bool = False,
               target: Target = "events") -> list[Group]:
        """A terms aggregation with sum and first/last sub-aggregations
        (govsoc.store.elasticsearch_aggs)."""
        events = self._checked(query, target)
        if events is not None:
            return python_groups(events, field, size=size, total=total, span=span)
        answer = self._aggregation(query, target, groups_aggs(field, size=size, total=total, span=span,
                                                              alerts=target == "alerts"))
        return read_groups(answer, span=span, text_keys=target == "alerts")

    def histogram(self, query: Query, *, interval: timedelta, origin: datetime,
                  target: Target = "events") -> list[Bucket]:
        """A fixed-interval date_histogram aligned on ``origin``."""
        events = self._checked(query, target)
        if events is not None:
            return python_histogram(events, interval=interval, origin=origin)
        return read_histogram(self._aggregation(query, target, histogram_aggs(interval=interval, origin=origin)))

    def cardinality(self, query: Query, field: str, *, target: Target = "events") -> int:
        """A cardinality aggregation (exact up to its precision threshold)."""
        events = self._checked(query, target)
        if events is not None:
            return python_cardinality(events, field)
        answer = self._aggregation(query, target, cardinality_aggs(field, keyed=target == "alerts"))
        if "values" in answer.get("aggregations", {}):
            return len(answer["aggregations"]["values"]["buckets"])
        return int(answer.get("aggregations", {}).get("n", {}).get("value") or 0)

    def delete_before(self, cutoff: datetime, *, dry_run: bool = False) -> int:
        """Drop every events index of a week before the cutoff's week. Indices of the older
        layout (one per dataset and day, named after the day) go by the same rule: whole days
        before the cutoff's week."""
        boundary = week_start(cutoff)
        indices = self._call(lambda: self.client.indices.get(index=self.events_pattern, allow_no_indices=True,
                                                             expand_wildcards="open,closed"), "cannot list indices")
        doomed = []
        for name in indices:
            match = _DAY_SUFFIX.search(name)
            if match and datetime(int(match[1]), int(match[2]), int(match[3]), tzinfo=UTC) < boundary:
                doomed.append(name)
        dropped = 0
        for name in sorted(doomed):
            dropped += int(self._call(lambda n=name: self.client.count(index=n), "count failed")["count"])
            if not dry_run:
                self._call(lambda n=name: self.client.indices.delete(index=n), "cannot delete index")
        return dropped

    def drop_all(self, *, templates: bool = True) -> None:
        """Delete every index of this prefix, and its index templates unless ``templates`` is
        False (the tests' clean-up; the tests keep the templates of a prefix they use again). A
        delete is a cluster-state update whatever it names, so the indices go in as few requests
        as the request line allows and the templates in one: a request per index and per
        template made this clean-up most of a short test's time."""
        self._prepared()  # (no index created after the delete)
        patterns = ",".join((self.events_pattern, self.alerts_index, self.state_index))
        names = sorted(self._call(lambda: self.client.indices.get(index=patterns, allow_no_indices=True,
                                                                  ignore_unavailable=True), "cannot list"))
        batches: list[str] = []
        for name in names:
            if batches and len(batches[-1]) + 1 + len(name) <= _DROP_URL_CHARS:
                batches[-1] += f",{name}"
            else:
                batches.append(name)
        for batch in batches:
            self._call(lambda b=batch: self.client.indices.delete(index=b), "cannot delete index")
        if not templates:
            return
        kinds = [f"{self.prefix}-events", f"{self.prefix}-alerts", f"{self.prefix}-state"]
        try:
            self.client.indices.delete_index_template(name=",".join(kinds))
        except ApiError as e:
            if e.status_code != 404:
                raise StoreError(f"cannot delete index templates {kinds}: {e}") from e
            for template in kinds:  # one of them is gone already: the others one by one
                try:
                    self.client.indices.delete_index_template(name=template)
                except ApiError as missing:
                    if missing.status_code != 404:
                        raise StoreError(f"cannot delete index template {template}: {missing}") from missing

    def close(self) -> None:
        """Make alert writes searchable for other readers, then close the client's connections."""
        self._prepared()
        try:
            self.refresh_alerts()
        except StoreError:  # the cluster is gone: its own refresh interval publishes them later
            pass
        self.client.close()


def _count_values(events: Iterable[Event], field: str, size: int) -> list[Bucket]:
    """The most frequent values of a field among events, as a terms aggregation orders them."""
    counts: dict[Any, int] = {}
    for event in events:
        value = event.get(field)
        for item in value if isinstance(value, list) else [value]:
            if item is not None:
                key = int(item) if isinstance(item, bool) else item
                counts[key] = counts.get(key, 0) + 1
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))
    return [Bucket(key=k, count=c) for k, c in ordered[:size]]

