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
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import json
import random
import re
import ssl
import threading
import time
import uuid
from collections.abc import Callable, Collection, Generator, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal, cast

import orjson
from elasticsearch import ApiError, Elasticsearch, JsonSerializer, NotFoundError, TransportError, helpers

from govsoc.core.alert import Alert, AlertReceipt, TriageChange, keep_triage
from govsoc.core.coercion import TYPE_ERROR_FLAG, clean_text, stored_document
from govsoc.core.config import ElasticsearchSettings, EsCredentials, redact_url
from govsoc.core.ecs import FIELDS, NUMERIC_TYPES
from govsoc.core.errors import DamagedStateError, Location, StoreConfigError, StoreError
from govsoc.core.event import Event, format_timestamp, parse_timestamp
from govsoc.store import deleted
from govsoc.store.base import (
    Bucket,
    Group,
    Query,
    Store,
    Target,
    WriteReceipt,
    readable_state,
    state_document,
    week_start,
)
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
from govsoc.store.elasticsearch_many import CHUNK, FIRST_PAGE, FirstPages, page_body
from govsoc.store.elasticsearch_query import (
    CASELESS,
    DOTTED_I,
    GRAMS_FIELD,
    KEYWORD_IGNORE_ABOVE,
    SEARCH_TEXT_FIELD,
    ExactNative,
    decode_native,
    too_long,
    with_search_text,
    without_grams,
)
from govsoc.store.registry import stores

_PAGE = 5000
#: Values of one terms query over alert event ids: below index.max_terms_count (65,536 by
#: default), and small enough to send again with every page of a scan (~350 KB).
_TERMS_CHUNK = 10_000
#: The state document whose mark changes at each delete of events (Store.deletes).
_DELETES = "event-deletes"
#: Seconds a state document's change (update_state) is tried again while other processes change
#: it: against one changing it back to back, alerts' 10 rounds (2.6 s of back-off at most) may be too few.
_STATE_PATIENCE = 30.0
#: How far back an incremental read reaches before its ``after`` position: longer than a bulk
#: request stays in flight plus the refresh interval (1 s), and than the clock skew between the
#: hosts that write and the host that detects.
INGEST_MARGIN = timedelta(seconds=30)
#: How often the node makes new alerts searchable by itself (the alerts index's refresh_interval).
#: Each refresh in a pass writing thousands of alerts was node work (P12j: 0.5 s of a 2.6 s pass
#: at 200,000 events, at the default 1 s); a pass ends with one refresh of its own
#: (:meth:`ElasticsearchStore.refresh_alerts`), so this bounds only how long the alerts of a pass
#: that died stay unsearchable.
ALERTS_REFRESH_INTERVAL = "30s"
#: Threads that send bulk chunks of events at once (elasticsearch.helpers.parallel_bulk).
_BULK_THREADS = 2
#: How often an alert upsert or triage change is retried after losing a race to another writer,
#: each retry after a random pause of up to 10 ms doubled each round (at most 0.5 s), so that two
#: writers in lockstep (a pass and an analyst on one alert) stop conflicting with each other.
_UPSERT_ROUNDS = 10


def _backoff(round_: int) -> None:
    """Sleep before retry ``round_`` (1, 2, ...) of a write that lost a race: random, growing."""
    time.sleep(random.uniform(0, min(0.5, 0.01 * 2 ** round_)))
#: Candidates checked in Python at once: the first batch is small, so that a search with a small
#: limit checks few candidates; each next one is four times larger, up to the last size.
_CHECK_BATCHES = (16, 64, 256, 1000)
#: Documents holding a value that some field did not index (a keyword over ignore_above):
#: Elasticsearch lists those fields in the ``_ignored`` metadata field, for documents of any age;
#: and documents with a value moved out of its field because its type cannot hold it (a number
#: beyond 64 bits: govsoc.core.coercion), which a rule still compares (R12 F6). Both are
#: candidates that the rule's exact check decides.
_IGNORED: dict[str, Any] = {"bool": {"should": [{"exists": {"field": "_ignored"}},
                                                {"term": {"govsoc.flags": TYPE_ERROR_FLAG}}],
                                     "minimum_should_match": 1}}
__all__ = ["KEYWORD_IGNORE_ABOVE", "ElasticsearchStore", "ecs_mappings"]
#: What a bulk answer needs to say of each item (id, status, error): the node writes, and the
#: client reads, a fifth of the answer (index, version, shards and sequence numbers left out).
_BULK_ANSWER = "errors,items.*._id,items.*.status,items.*.error"
_DAY_SUFFIX = re.compile(r"-(\d{4})\.(\d{2})\.(\d{2})$")
#: The events mapping's ``_meta`` key saying that its index was created with GRAMS_FIELD.
_GRAMS_META = "govsoc_grams"
#: The events mapping's ``_meta`` key saying that its numeric fields have a ``.caseless`` sub-field.
_NUMBER_TEXT_META = "govsoc_number_text"
#: The mapping of GRAMS_FIELD: hex tokens, one per run of characters, at consecutive positions
#: (a phrase needs positions, not frequencies or norms; store/elasticsearch_query.py).
_GRAMS_MAPPING: dict[str, Any] = {"type": "text", "analyzer": "standard", "norms": False,
                                  "index_options": "positions"}


def _mapping_for(kind: str) -> dict[str, Any]:
    if kind == "text":
        return {"type": "text"}
    if kind == "date":
        return {"type": "date_nanos"}
    if kind == "keyword":
        return _KEYWORD
    if kind == "ip" or kind in NUMERIC_TYPES:
        # An address or a number also as text, for Sigma's string patterns on it
        # (startswith: '10.', DestinationPort|startswith: '44'; R12 F2).
        return {"type": kind, "fields": {"caseless": _KEYWORD["fields"]["caseless"]}}
    return {"type": kind}


def number_text_mappings() -> dict[str, Any]:
    """The numeric fields of :func:`ecs_mappings` (nested ``properties``), for adding their
    ``.caseless`` sub-field to an events index created before it (_find_older)."""
    root: dict[str, Any] = {}
    for name, kind in FIELDS.items():
        if kind in NUMERIC_TYPES:
            node = root
            *parents, leaf = name.split(".")
            for part in parents:
                node = node.setdefault(part, {"properties": {}})["properties"]
            node[leaf] = _mapping_for(kind)
    return root


#: A keyword field with its ``.caseless`` sub-field (store/elasticsearch_query.py).
_KEYWORD: dict[str, Any] = {
    "type": "keyword", "ignore_above": KEYWORD_IGNORE_ABOVE,
    "fields": {"caseless": {"type": "keyword", "normalizer": CASELESS, "ignore_above": KEYWORD_IGNORE_ABOVE}}}


def ecs_mappings() -> dict[str, Any]:
    """Index mappings built from the ECS field table (nested ``properties``)."""
    root: dict[str, Any] = {}
    for name, kind in FIELDS.items():
        node = root
        *parents, leaf = name.split(".")
        for part in parents:
            node = node.setdefault(part, {"properties": {}})["properties"]
        node[leaf] = _mapping_for(kind)
    # The raw record is kept, not searched: it may be large and is never a query target.
    root["event"]["properties"]["original"] = {"type": "keyword", "index": False, "doc_values": False}
    # Field conditions on message compare the whole message as a keyword: caselessly, or
    # exactly for |cased (store/elasticsearch_query.py); keywords search SEARCH_TEXT_FIELD,
    # which also finds text in messages longer than a keyword field indexes.
    root["message"]["fields"] = {"caseless": _KEYWORD["fields"]["caseless"],
                                 "exact": {"type": "keyword", "ignore_above": KEYWORD_IGNORE_ABOVE}}
    root["govsoc"]["properties"]["search_text"] = {"type": "keyword", "normalizer": CASELESS}
    root["govsoc"]["properties"][GRAMS_FIELD.rpartition(".")[2]] = _GRAMS_MAPPING
    root["govsoc"]["properties"]["original_base64"] = {"type": "keyword", "index": False, "doc_values": False}
    return {
        "_meta": {_GRAMS_META: True, _NUMBER_TEXT_META: True},
        "_source": {"excludes": [SEARCH_TEXT_FIELD, GRAMS_FIELD]},
        # Fields outside the ECS table are vendor fields (kubernetes.audit.*, aws.cloudtrail.*): the
        # same key holds a number in one event and text in another (a status code 403, "ALLOW"),
        # so every dynamic scalar is a keyword; a typed dynamic mapping would reject the event
        # whose value disagrees with the first one seen.
        "dynamic_templates": [
            {f"{kind}s_as_keyword": {"match_mapping_type": kind, "mapping": _KEYWORD}}
            for kind in ("string", "long", "double", "boolean")
        ],
        "properties": root,
    }


ALERT_MAPPINGS: dict[str, Any] = {
    "properties": {
        "alert": {"properties": {
            "id": {"type": "keyword"}, "status": {"type": "keyword"}, "assignee": {"type": "keyword"},
            # alert.count_ticket (and b20b8a6's alert.counted) is read from _source only: left to
            # dynamic mapping (as on indices made before it), so no older index's mapping conflicts.
            "suppressed": {"type": "long"}, "matched": {"type": "keyword"},
            "notes": {"properties": {"author": {"type": "keyword"}, "@timestamp": {"type": "date_nanos"},
                                     "message": {"type": "text"}}},
            # Snapshots of events are read with the alert, never searched: raw lines may be long.
            "evidence": {"type": "object", "enabled": False}}},
        "rule": {"properties": {"id": {"type": "keyword"}, "name": {"type": "keyword"},
                                "author": {"type": "keyword"}, "reference": {"type": "keyword"}}},
        "tags": {"type": "keyword"},
        "event": {"properties": {"severity_name": {"type": "keyword"}, "kind": {"type": "keyword"},
                                 "end": {"type": "date_nanos"}, "count": {"type": "long"},
                                 "ids": {"type": "keyword"}}},
        "@timestamp": {"type": "date_nanos"},
        "group": {"type": "flattened"},
        "context": {"type": "flattened"},
    }
}


class _Responses(JsonSerializer):
    """The client's JSON serializer, reading answers with orjson: a detection pass's search
    answers hold every hit's source, and orjson reads them in a third of json's time. Requests
    are written as before. What orjson refuses, json reads. orjson reads an integer beyond 64
    bits as a float where json keeps it exact; no stored event holds one (a long field refuses
    it, and so does dynamic mapping, which maps integers as long)."""

    def json_loads(self, data: bytes) -> Any:
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError:
            return super().json_loads(data)


#: The alert fields holding the event ids an alert is found by (Alert.rests_on).
_RESTING_FIELDS = ("event.ids", "alert.matched", "alert.matched.keyword")

#: The key of an index template's ``_meta`` that holds the digest of the template as put.
_TEMPLATE_DIGEST = "govsoc_template_digest"

#: The most characters of index names one delete request of drop_all carries (Elasticsearch
#: refuses a request line over 4 KB).
_DROP_URL_CHARS = 3000

@stores.register("elasticsearch")
class ElasticsearchStore(Store):
    """Events and alerts in an Elasticsearch cluster."""

    kind = "elasticsearch"
    #: The client is thread-safe, and alert writes touch no state a search reads.
    concurrent_alert_writes = True
    #: One _msearch request's rules (store/elasticsearch_many.py): a pass converts the next
    #: chunk's rules while the node searches this one's.
    search_batch = CHUNK

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
        credentials = credentials or EsCredentials()
        auth: dict[str, Any] = {}
        if credentials.api_key:
            auth["api_key"] = credentials.api_key
        elif credentials.user:
            auth["basic_auth"] = (credentials.user, credentials.password or "")
        if settings.ca_certs:
            auth["ca_certs"] = str(settings.ca_certs)
        self.client = client or Elasticsearch(
            settings.url, verify_certs=settings.verify_certs, request_timeout=settings.request_timeout,
            serializers={"application/json": _Responses()}, **auth)
        self._call(lambda: self.client.cluster.health(), "cannot reach the cluster")
        self._install_templates()
        #: Events indices created before GRAMS_FIELD (see _find_older).
        self._older: list[str] = self._find_older()

    # -- plumbing ----------------------------------------------------------------------------
    def _call(self, fn: Any, what: str) -> Any:
        try:
            return fn()
        except (ApiError, TransportError) as e:
            raise _failure(what, e, self._where) from e

    @property
    def events_pattern(self) -> str:
        """The index pattern that covers every events index."""
        return f"{self.prefix}-events-*"

    @property
    def alerts_index(self) -> str:
        """The alerts index."""
        return f"{self.prefix}-alerts"

    def index_for(self, event: Event) -> str:
        """The weekly index of an event's time: the Monday of its UTC ISO week."""
        return f"{self.prefix}-events-{week_start(event.timestamp):%Y.%m.%d}"

    def _install_templates(self) -> None:
        """Put the events, alerts and state index templates, each only when the cluster lacks it
        or holds another version of it: every put is a cluster-state update, and every govsoc
        command (and every test) opens a store. A template's ``_meta`` carries the digest of what
        was put; one whose digest, index patterns or priority differ (another govsoc version, an
        edit by hand) is put again. An edit of its settings or mappings alone that kept the
        ``_meta`` is kept."""
        settings = {"number_of_shards": 1, "number_of_replicas": self.settings.number_of_replicas,
                    "analysis": {"normalizer": {CASELESS: {"type": "custom", "filter": ["lowercase"]}}}}
        alerts = {**settings, "refresh_interval": ALERTS_REFRESH_INTERVAL}
        wanted = {"events": (self.events_pattern, settings, ecs_mappings()),
                  "alerts": (self.alerts_index, alerts, ALERT_MAPPINGS),
                  "state": (self.state_index, settings, {"dynamic": False, "properties": {}})}
        installed = self._installed_templates()
        for kind, (pattern, index_settings, mappings) in wanted.items():
            body: dict[str, Any] = {"index_patterns": [pattern], "priority": 200,
                                    "template": {"settings": index_settings, "mappings": mappings}}
            meta = {_TEMPLATE_DIGEST: hashlib.sha256(orjson.dumps(body, option=orjson.OPT_SORT_KEYS)).hexdigest()}
            name = f"{self.prefix}-{kind}"
            if installed.get(name) != {"index_patterns": [pattern], "priority": 200, "_meta": meta}:
                if kind == "alerts":  # before the template: a failure here is tried again at the next open
                    self._add_alert_fields()
                    self._upgrade_alerts_settings()
                self._call(lambda n=name, b=body, m=meta: self.client.indices.put_index_template(name=n, meta=m, **b),
                           f"cannot install the {kind} template")

    def _add_alert_fields(self) -> None:
        """Give an alerts index made from an older template the searched fields added since
        (alert.matched). One that a writer's document already mapped otherwise (dynamic text with
        a .keyword sub-field) keeps it: the search asks that sub-field too (:meth:`alerts`); the
        text field itself then finds an id by its tokens, which for govsoc's ids (make_id: one
        lower-case hex token) is the id itself."""
        try:
            self.client.indices.put_mapping(index=self.alerts_index, properties={
                "alert": {"properties": {"matched": ALERT_MAPPINGS["properties"]["alert"]["properties"]["matched"]}}})
        except ApiError as e:
            if e.meta.status not in (400, 404):  # 404: no alerts index yet; 400: mapped otherwise (kept)
                raise StoreError(f"cannot add the new alert fields: {_describe(e)}", location=self._where) from e
        except TransportError as e:
            raise StoreError(f"cannot add the new alert fields: {_describe(e)}", location=self._where) from e

    def _upgrade_alerts_settings(self) -> None:
        """Give an alerts index made from an older template the refresh interval of this one
        (ALERTS_REFRESH_INTERVAL): at the default 1 s the node refreshed it every second of a
        pass. A dynamic setting, changed in place."""
        try:
            self.client.indices.put_settings(index=self.alerts_index,
                                             settings={"index": {"refresh_interval": ALERTS_REFRESH_INTERVAL}})
        except ApiError as e:
            if e.meta.status != 404:  # 404: no alerts index yet (the template gives the new one its interval)
                raise StoreError(f"cannot set the alerts index's refresh interval: {_describe(e)}",
                                 location=self._where) from e
        except TransportError as e:
            raise StoreError(f"cannot set the alerts index's refresh interval: {_describe(e)}",
                             location=self._where) from e

    def _installed_templates(self) -> dict[str, dict[str, Any]]:
        """This prefix's index templates -> their index patterns, priority and ``_meta`` (one
        read, without the mappings)."""
        fields = ",".join(f"index_templates.index_template.{key}" for key in ("index_patterns", "priority", "_meta"))
        try:
            found = self.client.indices.get_index_template(name=f"{self.prefix}-*",
                                                           filter_path=f"index_templates.name,{fields}")
        except NotFoundError:  # none of them
            return {}
        except (ApiError, TransportError) as e:
            raise StoreError(f"cannot read the index templates: {_describe(e)}", location=self._where) from e
        return {t["name"]: t.get("index_template", {}) for t in found.get("index_templates", [])}

    def _find_older(self) -> list[str]:
        """The events indices created before GRAMS_FIELD (no marker in their mapping). The
        field is added to their mappings, so that what is written there from now on has it; they
        are searched the older way (store/elasticsearch_query.py, without_grams), which also
        finds the documents written before.

        Indices created before the numeric fields' ``.caseless`` sub-field get it too (and its
        marker), for what is written from now on. Their earlier documents are not indexed into
        it (their ``_source`` lacks the derived search fields, so they cannot be reindexed in
        place): a string pattern on a number does not find them, as it did not before."""
        names = self._call(lambda: self.client.indices.get_alias(index=self.events_pattern, allow_no_indices=True,
                                                                  ignore_unavailable=True), "cannot list indices")
        metas = self._call(lambda: self.client.indices.get_mapping(
            index=self.events_pattern, allow_no_indices=True, ignore_unavailable=True,
            filter_path="*.mappings._meta"), "cannot read mappings") or {}
        meta_of = {name: dict(metas.get(name, {}).get("mappings", {}).get("_meta", {})) for name in names}
        for name, meta in meta_of.items():
            if not meta.get(_NUMBER_TEXT_META):
                try:
                    self.client.indices.put_mapping(index=name, properties=number_text_mappings(),
                                                    meta={**meta, _NUMBER_TEXT_META: True})
                except ApiError:  # a closed index: string patterns on numbers miss there
                    pass
        older = sorted(name for name, meta in meta_of.items() if not meta.get(_GRAMS_META))
        parent, _, leaf = GRAMS_FIELD.rpartition(".")
        for name in older:
            try:
                self.client.indices.put_mapping(index=name, properties={
                    parent: {"properties": {leaf: _GRAMS_MAPPING}}})
            except ApiError:  # a closed index; it is searched the older way all the same
                pass
        return older

    def _lucene(self, text: str) -> dict[str, Any]:
        """A query_string; in the events indices created before GRAMS_FIELD its phrases on that
        field are searched as the patterns they stand for (see _find_older)."""
        query = {"query_string": {"query": text, "default_field": "message.caseless"}}
        if not self._older or GRAMS_FIELD not in text:
            return query
        older = {"terms": {"_index": self._older}}
        fallback = {"query_string": {"query": without_grams(text), "default_field": "message.caseless"}}
        return {"bool": {"should": [{"bool": {"filter": [query], "must_not": [older]}},
                                    {"bool": {"filter": [older, fallback]}}], "minimum_should_match": 1}}

    # -- writing -----------------------------------------------------------------------------
    def write(self, events: Iterable[Event]) -> WriteReceipt:
        """Bulk-create events; conflicts (the id exists) are duplicates, other refusals rejects."""
        def actions() -> Iterator[dict[str, Any]]:
            for n, event in enumerate(events):
                # Stamped every 500 documents, a few chunks before they are sent (the threads'
                # queue): seconds before they are searchable, well inside INGEST_MARGIN.
                if n % 500 == 0:
                    ingested = format_timestamp(datetime.now(UTC))
                yield self.create_action(event, ingested)

        return self._bulk(actions())

    def create_action(self, event: Event, ingested: str) -> dict[str, Any]:
        """The bulk action that stores one event: ``create`` under its id in its week's index,
        its document coerced to ECS types and with the search text keywords are found in."""
        return {"_op_type": "create", "_index": self.index_for(event), "_id": clean_text(event.id),
                "_source": with_search_text(stored_document(event, ingested=ingested))}

    def _bulk(self, actions: Iterable[dict[str, Any]]) -> WriteReceipt:
        """Send the actions in chunks from _BULK_THREADS threads (the node indexes one chunk
        while the next is built and sent); items the node refused as overloaded (429) or while
        recovering (5xx) are sent once more with the client's backoff, and what it still refuses
        is handed back for the caller to send again later (``retry``). Only the actions in
        flight are held (and those to send again), whatever the caller passes."""
        in_flight: dict[str, dict[str, Any]] = {}

        def noted() -> Iterator[dict[str, Any]]:
            for action in actions:
                in_flight[str(action["_id"])] = action
                yield action

        overloaded: list[dict[str, Any]] = []

        def answered(results: Iterable[tuple[str, bool, dict[str, Any]]]) -> Iterator[tuple[str, bool, dict[str, Any]]]:
            for op, ok, result in results:
                action = in_flight.pop(str(result.get("_id")), None)
                if action is not None and _overloaded(result):
                    overloaded.append(action)
                yield op, ok, result

        first = _Tally.of(answered(self._bulk_results(noted(), threads=_BULK_THREADS)))
        again = _Tally.of(self._bulk_results(overloaded)) if overloaded else _Tally()
        return WriteReceipt(created=first.created + again.created, duplicates=first.duplicates + again.duplicates,
                            rejected=tuple(first.rejected + again.rejected), retry=tuple(again.retry))

    def delete(self, ids: Collection[str]) -> int:
        """Remove events by id, wherever their index: find them, then bulk-delete (the minimal
        distribution has no _delete_by_query)."""
        wanted = list(ids)
        deleted.record(self, wanted)  # before the mark (R12e E3: told from retention's deletes)
        removed = 0
        # A search sees what the last refresh made searchable, and an id to delete may have been
        # indexed just before (a partial copy stored by a run killed before its checkpoint, whose
        # note the next run supersedes at once): not found, it stayed for good (42 events for 41
        # lines on ES 9.2, now and then). The events indices are refreshed first.
        self._call(lambda: self.client.indices.refresh(index=self.events_pattern, allow_no_indices=True,
                                                       ignore_unavailable=True), "delete failed")
        for start in range(0, len(wanted), 1000):
            chunk = wanted[start:start + 1000]
            found = self._call(lambda c=chunk: self.client.search(
                index=self.events_pattern, query={"ids": {"values": c}}, size=len(c), source=False,
                allow_no_indices=True, ignore_unavailable=True), "delete failed")
            actions = [{"delete": {"_index": hit["_index"], "_id": hit["_id"]}} for hit in found["hits"]["hits"]]
            if actions:
                self._call(lambda a=actions: self.client.bulk(operations=a, refresh=True), "delete failed")
                removed += len(actions)
        if removed:
            # A pass that read the events before and writes its alerts after this mark looks for
            # what they rest on again (Store.deletes, V13 V11); one that wrote before it is
            # found by the withdrawal below, once the alerts written so far are searchable.
            self.put_state(_DELETES, {"mark": uuid.uuid4().hex})
            self._alerts_dirty = True
        self.withdraw_alerts_on(wanted)
        return removed

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

    # -- reading -----------------------------------------------------------------------------
    def _query(self, query: Query, *, ignored: bool | None = None) -> dict[str, Any]:
        """The Query DSL of a query; what it cannot decide alone goes to :class:`_Check`.

        The documents that hold a value some field did not index (``_ignored``) are candidates
        of every exact native (store/elasticsearch_query.py) and of every term too long to be
        indexed. ``ignored`` True/False keeps only the documents with / without such a value
        (the first kind are then decided by the check alone: their rule and long terms are left
        out of the query).
        """
        filters: list[dict[str, Any]] = []
        must_not: list[dict[str, Any]] = []
        exact = decode_native(query.native) if query.native else None
        if query.start is not None or query.end is not None:
            bounds = {}
            if query.start is not None:
                bounds["gte"] = format_timestamp(query.start)
            if query.end is not None:
                bounds["lt"] = format_timestamp(query.end)
            filters.append({"range": {"@timestamp": bounds}})  # first too (see event.ingested below)
        for name, values in sorted(query.terms.items()):
            short = [v for v in values if not too_long(v)]
            if len(short) == len(values) or ignored is False:
                filters.append({"terms": {name: short}})
            elif ignored is None:  # a long value: its documents are candidates, compared by _Check
                filters.append({"bool": {"should": [{"terms": {name: short}}, _IGNORED], "minimum_should_match": 1}})
        for name, values in sorted(query.exclude.items()):
            if any(map(too_long, values)):  # not indexed: a document holding it could not be left out
                raise StoreError(f"Query.exclude {name}: a value longer than the keyword limit")
            must_not.append({"terms": {name: list(values)}})
        if query.text:
            pattern = "*" + re.sub(r"([*?\\])", r"\\\1", query.text) + "*"
            filters.append({"wildcard": {"message.caseless": {"value": pattern, "case_insensitive": True}}})
        if ignored is True:
            filters.append(_IGNORED)
        elif ignored is False:
            must_not.append(_IGNORED)
        if exact is not None:
            # A superset's candidates too: its Lucene query cannot see an unindexed value either
            # (a request target padded past the keyword limit), and every hit is checked anyway.
            lucene = self._lucene(exact.lucene)
            if ignored is False:
                filters.append(lucene)
            elif ignored is None:
                filters.append({"bool": {"should": [lucene, _IGNORED], "minimum_should_match": 1}})
        elif query.native:
            filters.append(self._lucene(query.native))
        ingested: dict[str, str] = {}
        if query.after is not None:
            ingested["gt"] = format_timestamp(_position(query.after) - INGEST_MARGIN)
        if query.until is not None:
            ingested["lte"] = format_timestamp(_position(query.until))
        if ingested:
            # First: Lucene builds a conjunction's clauses in order and stops at the first that
            # matches nothing in a segment. The ingest range rules out every segment written
            # before the pass's range at once; a wildcard built before it would walk each such
            # segment's terms first (an incremental pass of 20 message rules: 6.5 s -> 0.3 s).
            filters.insert(0, {"range": {"event.ingested": ingested}})
        if not filters and not must_not:
            return {"match_all": {}}
        return {"bool": {"filter": filters, **({"must_not": must_not} if must_not else {})}}

    def search(self, query: Query) -> Iterator[Event]:
        """Matching events in time order then id, paged with search_after."""
        for source in self._sources(query):
            yield Event.from_document(source)

    def search_many(self, queries: Sequence[Query]) -> list[Iterator[Event]]:
        """The events of each query; the first pages of many queries come from one ``_msearch``
        request (store/elasticsearch_many.py)."""
        bodies = [page_body(self._query(q), _event_sort(q), FIRST_PAGE if q.limit is None
                            else min(FIRST_PAGE, q.limit), None) if self._prefetchable(q) else None
                  for q in queries]
        pages = FirstPages(self._msearch, self._refused, bodies)
        return [self._continued(q, pages, i) if bodies[i] is not None else self.search(q)
                for i, q in enumerate(queries)]

    def _prefetchable(self, query: Query) -> bool:
        """Whether a query's first page can come from the shared request: every one but those
        whose every hit is checked (a superset: few candidates pass, it reads on at once)."""
        check = _Check.of(query)
        return check is None or not check.every_hit

    def _msearch(self, bodies: list[dict[str, Any]]) -> list[dict[str, Any]]:
        header = {"index": self.events_pattern, "allow_no_indices": True, "ignore_unavailable": True}
        searches = [line for body in bodies for line in (header, body)]
        answer = self._call(lambda: self.client.msearch(searches=searches), "search failed")
        return list(answer["responses"])

    def _refused(self, response: dict[str, Any]) -> StoreError:
        return StoreError(f"search failed: HTTP {response.get('status')} {_reason(response.get('error'))}",
                          location=self._where)

    def _continued(self, query: Query, pages: FirstPages, index: int) -> Iterator[Event]:
        hits = pages.take(index)
        check = _Check.of(query)
        if check is not None:  # the candidates go through the store's check (see _Check)
            rest = [] if len(hits) < pages.size(index) else self._scan(
                self.events_pattern, self._query(query), _event_sort(query), None, after=hits[-1]["sort"], hits=True)
            for source in check.passing(itertools.chain(hits, rest), query.limit):
                yield Event.from_document(source)
            return
        for hit in hits:
            yield Event.from_document(hit["_source"])
        if len(hits) < pages.size(index) or (query.limit is not None and len(hits) >= query.limit):
            return
        rest_count = None if query.limit is None else query.limit - len(hits)
        for source in self._scan(self.events_pattern, self._query(query), _event_sort(query), rest_count,
                                 after=hits[-1]["sort"]):
            yield Event.from_document(source)

    def _sources(self, query: Query) -> Iterator[dict[str, Any]]:
        sort: list[tuple[str, str]] = [("@timestamp", query.order), ("event.id", query.order)]
        check = _Check.of(query)
        if check is None:
            yield from self._scan(self.events_pattern, self._query(query), sort, query.limit)
            return
        hits = self._scan(self.events_pattern, self._query(query), sort, None, hits=True,
                          page=None if query.limit is None else max(4 * query.limit, 100))
        yield from check.passing(hits, query.limit)

    def _scan(self, index: str, es_query: dict[str, Any], sort: list[tuple[str, str]],
              limit: int | None, *, snapshot: bool = False, after: list[Any] | None = None,
              hits: bool = False, page: int | None = None) -> Iterator[dict[str, Any]]:
        """Every hit's source (or the whole hit, with ``hits``), paged with search_after on a sort
        that is a total order (time or key, then id), from after the sort values ``after``,
        ``page`` hits a request (at most _PAGE).

        Events are never changed once stored, so their pages need no point in time: each page
        is one request instead of four (an exists check, opening and closing the point in time),
        which dominated detection passes of many rules that find a few hits each. A later page
        sees the index as refreshed by then, never less than a point in time opened at the start
        would, and an event's sort keys never change, so no hit is skipped or returned twice.
        Alerts are updated in place (a burst that grows moves its start), so their scans read a
        ``snapshot``: one point in time for all pages.
        """
        # an alerts scan of a pass on a new store: the index prepare_writes is creating (a point
        # in time or a search on its starting shard failed "HTTP 503 all shards failed")
        self._prepared(index)
        pit_id: str | None = None
        if snapshot:
            if not self._call(lambda: self.client.indices.exists(index=index, allow_no_indices=False),
                              "cannot list indices"):
                return
            pit_id = self._call(lambda: self.client.open_point_in_time(
                index=index, keep_alive="2m", ignore_unavailable=True), "cannot open a point in time")["id"]
        seen = 0
        try:
            while limit is None or seen < limit:
                size = min(_PAGE, page or _PAGE) if limit is None else min(_PAGE, limit - seen)
                body = page_body(es_query, sort, size, after)
                if pit_id is None:
                    body.update(index=index, allow_no_indices=True, ignore_unavailable=True)
                else:
                    body["pit"] = {"id": pit_id, "keep_alive": "2m"}
                answer = self._call(lambda b=body: self.client.search(**b), "search failed")
                pit_id = answer.get("pit_id", pit_id)
                found = answer["hits"]["hits"]
                for hit in found:
                    yield hit if hits else hit["_source"]
                seen += len(found)
                if len(found) < size:
                    break
                after = found[-1]["sort"]
        finally:
            if pit_id is not None:
                try:
                    self.client.close_point_in_time(id=pit_id)
                except (ApiError, TransportError):  # it expires by itself; nothing is lost
                    pass

    def count(self, query: Query) -> int:
        """How many events match."""
        check = _Check.of(query)
        if check is None:
            return self._count(self._query(query))
        whole = dataclasses.replace(query, limit=None)
        if check.every_hit or check.exact is not None and check.exact.apart:
            # a document holding İ is checked too (_Check._apart): the node cannot count it
            return sum(1 for _ in self._sources(whole))
        # Elasticsearch counts the documents it indexed whole; the others are checked one by one.
        sort: list[tuple[str, str]] = [("@timestamp", "asc"), ("event.id", "asc")]
        others = self._scan(self.events_pattern, self._query(whole, ignored=True), sort, None, hits=True)
        return self._count(self._query(whole, ignored=False)) + sum(1 for _ in check.passing(others, None))

    def _count(self, es_query: dict[str, Any]) -> int:
        answer = self._call(lambda: self.client.count(index=self.events_pattern, query=es_query,
                                                      allow_no_indices=True, ignore_unavailable=True),
                            "count failed")
        return int(answer["count"])

    def aggregate(self, query: Query, field: str, size: int = 10) -> list[Bucket]:
        """A terms aggregation ordered by count, then value, like the SQLite store."""
        if _Check.of(query) is not None:
            return _count_values(self.search(dataclasses.replace(query, limit=None)), field, size)
        answer = self._call(lambda: self.client.search(
            index=self.events_pattern, size=0, query=self._query(query), allow_no_indices=True,
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
            index, es_query = self.events_pattern, self._query(query)
        answer: dict[str, Any] = self._call(lambda: self.client.search(
            index=index, size=0, query=es_query, aggs=aggs, allow_no_indices=True, ignore_unavailable=True),
            "aggregation failed")
        return answer

    def _checked(self, query: Query, target: Target) -> Iterator[Event] | None:
        """The events of a query that only Python can decide (aggregated one by one), else None."""
        if target == "events" and _Check.of(query) is not None:
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

    # -- alerts ------------------------------------------------------------------------------
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
                raise StoreError(f"cannot delete alert {result.get('_id')}: {_item_reason(result)}",
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
                raise StoreError(f"cannot delete alert {result.get('_id')}: {_item_reason(result)}",
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
                _backoff(round_)
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
        for start in range(0, len(batch) if read else 0, _PAGE):
            stored.update(self._stored_alerts([a.id for a in batch[start:start + _PAGE]]))
        actions: list[dict[str, Any]] = []
        unchanged = 0
        for alert in batch:
            hit = stored.get(alert.id)
            if hit is None:
                # The document as JSON text: the bulk helper sends text as it is, and orjson
                # writes it at a tenth of the cost of the client's json.dumps.
                actions.append({"_op_type": "create", "_index": self.alerts_index, "_id": alert.id,
                                "_source": alert.to_json()})
                continue
            doc = json.loads(json.dumps(keep_triage(alert.to_document(), hit["_source"])))
            if doc == hit["_source"]:
                unchanged += 1
                continue
            actions.append({"_op_type": "index", "_index": self.alerts_index, "_id": alert.id, "_source": doc,
                            "if_seq_no": hit["_seq_no"], "if_primary_term": hit["_primary_term"]})
        created = updated = 0
        conflicted: list[str] = []
        rejected: list[tuple[str, str]] = []
        creates = all(a["_op_type"] == "create" for a in actions)
        for op, ok, result in (self._create_results(actions) if creates
                               else self._bulk_results(actions, threads=_BULK_THREADS)):
            if ok:
                created += op == "create"
                updated += op == "index"
            elif result.get("status") == 409 or _overloaded(result):  # both go round again
                conflicted.append(str(result.get("_id")))
            else:
                rejected.append((str(result.get("_id")), _item_reason(result)))
        return AlertReceipt(created=created, updated=updated, unchanged=unchanged,
                            rejected=tuple(rejected)), conflicted

    def _create_results(self, actions: list[dict[str, Any]]) -> Iterator[tuple[str, bool, dict[str, Any]]]:
        """Each create action's (operation, ok, result), as :meth:`_bulk_results` gives them, for
        actions whose source is JSON text: the request's lines are written here, a chunk at a
        time (bulk_chunk_size), and handed to the client as they are. The bulk helper's work per
        action (copying it, writing its header with json, sizing it) was half of a detection
        pass's client time in alert writes (48,574 alerts: 1.2 s -> 0.6 s of CPU). A request the
        node refuses as a whole fails each of its items with the request's status and reason,
        as the helper reports it (429 and 5xx are then overloaded: sent again)."""
        size = self.settings.bulk_chunk_size
        for start in range(0, len(actions), size):
            chunk = actions[start:start + size]
            lines: list[str] = []
            for action in chunk:
                header = {"create": {"_index": action["_index"], "_id": action["_id"]}}
                lines += (orjson.dumps(header).decode(), action["_source"])
            try:
                # (the client's NDJSON serializer sends text lines as they are; its type names only objects)
                answer = self.client.bulk(operations=cast(Any, lines), filter_path=_BULK_ANSWER)
            except ApiError as e:
                for action in chunk:
                    yield "create", False, {"_id": action["_id"], "status": e.status_code, "error": str(e)}
                continue
            except TransportError as e:
                raise _failure("bulk write failed", e, self._where) from e
            for item in answer["items"]:
                op, result = next(iter(item.items()))
                yield op, 200 <= int(result.get("status", 500)) < 300, result

    def _bulk_results(self, actions: Iterable[dict[str, Any]], *,
                      threads: int = 1) -> Iterator[tuple[str, bool, dict[str, Any]]]:
        """Each item's (operation, ok, result); one thread retries overloaded items itself."""
        if threads > 1:
            results = helpers.parallel_bulk(self.client, actions, thread_count=threads, queue_size=threads,
                                            chunk_size=self.settings.bulk_chunk_size, raise_on_error=False,
                                            raise_on_exception=False, filter_path=_BULK_ANSWER)
        else:
            results = helpers.streaming_bulk(self.client, actions, chunk_size=self.settings.bulk_chunk_size,
                                             raise_on_error=False, raise_on_exception=False, max_retries=3,
                                             filter_path=_BULK_ANSWER)
        try:
            for ok, item in results:
                op, result = next(iter(item.items()))
                yield op, ok, result
        except (ApiError, TransportError) as e:
            raise _failure("bulk write failed", e, self._where) from e

    def alert(self, alert_id: str) -> Alert | None:
        """The stored alert with this id, or None."""
        hit = self._stored_alerts([alert_id]).get(alert_id)
        return None if hit is None else Alert.from_document(hit["_source"])

    def update_alert(self, alert_id: str, change: TriageChange) -> Alert:
        """Apply a triage change, guarded by the sequence number read (retried on a conflict)."""
        for round_ in range(_UPSERT_ROUNDS):
            if round_:
                _backoff(round_)
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

    def _unless(self, status: int, call: Callable[..., Any], what: str, **arguments: Any) -> Any:
        """``call(**arguments)``'s answer, or None when the node answers ``status`` (404: no such
        document; 409: a write guarded by the sequence number read, or a create, found another
        writer first); StoreError ``what`` when it failed otherwise."""
        try:
            return call(**arguments)
        except ApiError as e:
            if e.meta.status == status:
                return None
            raise StoreError(f"{what}: {_describe(e)}", location=self._where) from e
        except TransportError as e:
            raise StoreError(f"{what}: {_describe(e)}", location=self._where) from e

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
        for source in self._scan(self.alerts_index, {"bool": {"filter": filters}},
                                 [("@timestamp", order), ("alert.id", order)], limit, snapshot=True):
            yield Alert.from_document(source)

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

    # -- ingest positions and engine state -----------------------------------------------------
    def position(self) -> str | None:
        """Now, on the clock that stamps ``event.ingested``: every event handed to the store
        before this call is at or before it (see INGEST_MARGIN for those not yet searchable)."""
        return format_timestamp(datetime.now(UTC))

    @property
    def state_index(self) -> str:
        """The index of the engine's state documents."""
        return f"{self.prefix}-state"

    def get_state(self, key: str) -> dict[str, Any] | None:
        """A state document (a realtime get: no refresh needed)."""
        if self._being_made(self.state_index):
            return None
        found = self._unless(404, self.client.get, f"cannot read state {key!r}", index=self.state_index, id=key)
        return None if found is None else state_document(key, _state_text(found))

    def update_state(self, key: str, change: Callable[[dict[str, Any] | None], dict[str, Any]], *,
                     damaged: Callable[[str], None] | None = None) -> None:
        """Read a state document with its sequence number, change it, and write it guarded by
        that number (a new one with ``create``); a concurrent writer's conflict sends it round
        again, read anew (Store.update_state)."""
        self._prepared(self.state_index)  # as put_state: the index prepare_writes creates
        deadline = time.monotonic() + _STATE_PATIENCE
        for round_ in itertools.count():
            if round_:
                if time.monotonic() > deadline:
                    break
                _backoff(round_)
            found = self._unless(404, self.client.get, f"cannot read state {key!r}", index=self.state_index, id=key)
            try:
                doc = None if found is None else state_document(key, _state_text(found))
            except DamagedStateError as e:
                if damaged is None:
                    raise
                damaged(e.message)
                doc = None
            body = {"value": json.dumps(change(doc), ensure_ascii=False)}
            guard = {} if found is None else {"if_seq_no": found["_seq_no"], "if_primary_term": found["_primary_term"]}
            if self._unless(409, self.client.index if found else self.client.create, f"cannot write state {key!r}",
                            index=self.state_index, id=key, document=body, **guard) is not None:
                return
        raise StoreError(f"state {key!r} kept changing under concurrent writers; try again", location=self._where)

    def get_states(self, keys: Sequence[str], *,
                   damaged: Callable[[str], None] | None = None) -> dict[str, dict[str, Any]]:
        """Many state documents in one realtime multi-get (a damaged one: Store.get_states)."""
        if not keys or self._being_made(self.state_index):
            return {}
        answer = self._call(lambda: self.client.mget(index=self.state_index, ids=list(keys), realtime=True),
                            "cannot read state")
        found: dict[str, dict[str, Any]] = {}
        for doc in answer["docs"]:
            error = doc.get("error")
            if error and not (isinstance(error, dict) and error.get("type") == "index_not_found_exception"):
                raise StoreError(f"cannot read state {doc.get('_id')!r}: {error}", location=self._where)
            if doc.get("found") and (state := readable_state(doc["_id"], _state_text(doc), damaged)) is not None:
                found[doc["_id"]] = state
        return found

    def prepare_writes(self) -> None:
        """Create the alerts and state indices, when missing, each on a thread of its own (once
        per store). A new index is a cluster-state update and a shard to start: 1-3 s on a busy
        node, which a pass on a new store spent inside its first alert write (both alert
        writers, then the pass behind its full queue) and its first mid-pass state save on its
        own thread (P12d 2). A write to one of them waits for its thread first."""
        for index in (self.alerts_index, self.state_index):
            if index not in self._preparing:
                thread = threading.Thread(target=self._create_missing, args=(index,), name="govsoc-es-prepare",
                                          daemon=True)
                self._preparing[index] = thread
                self._looked[index] = threading.Event()
                thread.start()

    def _create_missing(self, index: str) -> None:
        try:
            if not self.client.indices.exists(index=index):
                self._missing.add(index)
                self._looked[index].set()
                self.client.indices.create(index=index)
        except (ApiError, TransportError):
            pass  # created meanwhile by another writer; else the write that needs it says why
        finally:
            self._looked[index].set()

    def _being_made(self, index: str) -> bool:
        """Whether ``index`` was missing when prepare_writes looked and is being created now: it
        holds nothing yet, so a read answers at once instead of waiting for the creation (a
        cluster-state update, 0.4-0.6 s on the shared node, in which a first pass on a new store
        sent no search: it was reading its states and kept conversions). Otherwise (the index
        existed, or its creation ended) a read waits as a write does: a get on a shard still
        starting fails."""
        thread = self._preparing.get(index)
        if thread is None:
            return False
        self._looked[index].wait()
        if index in self._missing and thread.is_alive():
            return True
        self._prepared(index)
        return False

    def _prepared(self, *indices: str) -> None:
        """Wait until prepare_writes made these indices (every one when none is named)."""
        for index, thread in list(self._preparing.items()):
            if not indices or index in indices:
                thread.join()

    def put_states(self, values: Mapping[str, dict[str, Any]]) -> None:
        """Write many state documents in one bulk request (readable at once by id)."""
        self._prepared(self.state_index)
        for _, ok, result in self._bulk_results(
                {"_op_type": "index", "_index": self.state_index, "_id": key,
                 "_source": {"value": json.dumps(value, ensure_ascii=False)}} for key, value in values.items()):
            if not ok:
                raise StoreError(f"cannot write state {result.get('_id')!r}: {_item_reason(result)}",
                                 location=self._where)

    def put_state(self, key: str, value: dict[str, Any]) -> None:
        """Write a state document; kept as a JSON string, so its fields never grow the mapping."""
        self._prepared(self.state_index)
        self._call(lambda: self.client.index(index=self.state_index, id=key,
                                             document={"value": json.dumps(value, ensure_ascii=False)}),
                   "cannot write state")

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


@dataclass(slots=True)
class _Tally:
    """What a bulk write of events did, item by item."""

    created: int = 0
    duplicates: int = 0
    rejected: list[tuple[str, str]] = field(default_factory=list)
    retry: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, results: Iterable[tuple[str, bool, dict[str, Any]]]) -> _Tally:
        """Count bulk results: a conflict (the id exists) is a duplicate, an overloaded or
        recovering node (429, 5xx) asks for the item again, anything else rejects it."""
        tally = cls()
        for _, ok, result in results:
            status = int(result.get("status") or 0)
            if ok:
                tally.created += 1
            elif status == 409:
                tally.duplicates += 1
            elif _overloaded(result):
                tally.retry.append(str(result.get("_id")))
            else:
                tally.rejected.append((str(result.get("_id")), _item_reason(result)))
        return tally


def _overloaded(result: dict[str, Any]) -> bool:
    """Whether the node refused an item for now (overloaded, or recovering), not for good."""
    status = int(result.get("status") or 0)
    return status == 429 or status >= 500


def _event_sort(query: Query) -> list[tuple[str, str]]:
    return [("@timestamp", query.order), ("event.id", query.order)]


def _position(position: str) -> datetime:
    try:
        return parse_timestamp(position)
    except ValueError:
        raise StoreError(f"{position!r} is not an ingest position of an Elasticsearch store (a position "
                         "from another store?)") from None


def _item_reason(result: dict[str, Any]) -> str:
    """Why Elasticsearch refused one bulk item."""
    error = result.get("error", {})
    return str(error.get("reason", error)) if isinstance(error, dict) else str(error)


def _failure(what: str, e: Exception, where: Location) -> StoreError:
    """The StoreError of a failed call: a StoreConfigError when the node's certificate did not
    verify (R11i-7: an outage to the pipeline, spooled for ever, not a word about certificates),
    naming the problem as the TLS library states it and the setting that fixes it."""
    problem = _unverified(e)
    if problem is None:
        return StoreError(f"{what}: {_describe(e)}", location=where)
    return StoreConfigError(f"the node's TLS certificate does not verify: {problem}; set store.elasticsearch.ca_certs "
                            "(or GOVSOC_ES_CA) to the CA that signed it, or fix the URL's host name", location=where)


def _unverified(e: BaseException) -> str | None:
    """Why the certificate did not verify (ssl's verify message), when ``e`` comes of that."""
    seen: set[int] = set()
    todo: list[BaseException] = [e]
    while todo:
        error = todo.pop()
        if id(error) in seen:
            continue
        seen.add(id(error))
        if isinstance(error, ssl.SSLCertVerificationError):
            return str(error.verify_message or error.reason or "certificate verify failed")
        todo += [x for x in (error.__cause__, error.__context__, *getattr(error, "errors", ()))
                 if isinstance(x, BaseException)]
        todo += [x for x in error.args if isinstance(x, BaseException)]
    return None


def _describe(e: Exception) -> str:
    if isinstance(e, ApiError):
        info = e.info if isinstance(e.info, dict) else {}
        return f"HTTP {e.meta.status} {_reason(info.get('error')) or e.message}"
    return type(e).__name__ + ": " + str(e).split("\n")[0]


#: Lucene's words for a regexp whose automaton it will not build (Operations.determinize).
_TOO_COMPLEX = ("Determinizing automaton", "too_complex_to_determinize")


def _reason(error: Any) -> str:
    """What an error answer says went wrong: the first root cause's reason where the top one
    only counts shards ("all shards failed" said nothing of which regexp the node refused, F12k),
    and, for a regexp Lucene will not determinize, what that means for a rule."""
    if not isinstance(error, dict):
        return "" if error is None else str(error)
    reason = str(error.get("reason") or error.get("type") or "")
    causes = [c for c in error.get("root_cause") or () if isinstance(c, dict) and c.get("reason")]
    if causes and str(causes[0]["reason"]) != reason:
        reason = f"{reason}: {causes[0]['reason']}" if reason else str(causes[0]["reason"])
    if any(words in reason for words in _TOO_COMPLEX):
        reason = ("the node refused a regular expression of this rule as too complex to build (a count such as "
                  "{12} after text its repeated part can also match: [ab]*a[ab]{12}); the SQLite store runs it. "
                  + reason)
    return reason


class _Check:
    """What a query asks that Elasticsearch cannot decide for some documents, checked here.

    An exact native's rule (store/elasticsearch_query.py) is checked with its SQLite condition
    on an in-memory SQLite store: for every candidate of a superset, and otherwise for the
    candidates holding a value some field did not index (``_ignored``), which its Lucene query
    cannot see. A term too long to be indexed is compared with the document's values, again for
    the ``_ignored`` candidates only (the others matched the indexed terms exactly).
    """

    def __init__(self, exact: ExactNative | None, long_terms: dict[str, tuple[Any, ...]]) -> None:
        self.exact = exact
        self.long_terms = long_terms
        #: Every hit needs the check (a superset), not only those with unindexed values.
        self.every_hit = exact is not None and exact.superset

    @classmethod
    def of(cls, query: Query) -> _Check | None:
        """The check a query needs, or None when Elasticsearch answers it alone."""
        exact = decode_native(query.native) if query.native else None
        long_terms = {name: tuple(values) for name, values in query.terms.items() if any(map(too_long, values))}
        return cls(exact, long_terms) if exact is not None or long_terms else None

    def passing(self, hits: Iterable[dict[str, Any]], limit: int | None) -> Iterator[dict[str, Any]]:
        """The sources of the hits that pass, in their order, at most ``limit`` (no hit after the
        last one needed is read or checked)."""
        decided = self._decided(hits)
        try:
            yield from itertools.islice(decided, limit)
        finally:
            decided.close()

    def _decided(self, hits: Iterable[dict[str, Any]]) -> Generator[dict[str, Any], None, None]:
        """The sources of the hits that pass, in their order: undecided hits are checked in
        batches (small ones first: a small limit checks few), the others pass at once when no
        undecided hit is before them."""
        pending: list[tuple[dict[str, Any], bool]] = []
        undecided = 0
        sizes = iter(_CHECK_BATCHES)
        size = next(sizes)
        memory: Any = None
        try:
            for hit in hits:
                needs = self.every_hit or "_ignored" in hit or _moved(hit["_source"]) or self._apart(hit["_source"])
                if not needs and not pending:
                    yield hit["_source"]
                    continue
                pending.append((hit, needs))
                undecided += needs
                if undecided >= size:
                    memory = memory or _memory_store()
                    yield from self._decide(pending, memory)
                    pending, undecided, size = [], 0, next(sizes, size)
            if pending:
                memory = memory or _memory_store()
                yield from self._decide(pending, memory)
        finally:
            if memory is not None:
                memory.close()

    def _apart(self, source: Mapping[str, Any]) -> bool:
        """Whether a document holds İ in a field a caseless ``|re`` of the rule searched on its
        lower-cased sub-field, where it is an i (ExactNative.apart): the check decides it."""
        return self.exact is not None and any(
            isinstance(item, str) and DOTTED_I in item for name in self.exact.apart for item in _values(source, name))

    def _decide(self, pending: list[tuple[dict[str, Any], bool]], memory: Any) -> Iterator[dict[str, Any]]:
        checked = [hit["_source"] for hit, needs in pending if needs]
        checked = [s for s in checked if all(_holds(s, name, values) for name, values in self.long_terms.items())]
        accepted = {id(s) for s in checked}
        if self.exact is not None and checked:
            events = [Event.from_document(s) for s in checked]
            memory.write(events)
            try:
                ok = {e.id for e in memory.search(Query(native=self.exact.sql))}
            finally:
                memory.delete([e.id for e in events])
            accepted = {id(s) for s, e in zip(checked, events, strict=True) if e.id in ok}
        for hit, needs in pending:
            if not needs or id(hit["_source"]) in accepted:
                yield hit["_source"]


def _moved(source: Mapping[str, Any]) -> bool:
    """Whether a document had a value moved out of its field (see _IGNORED)."""
    flags = source.get("govsoc", {}).get("flags") if isinstance(source.get("govsoc"), Mapping) else None
    return flags == TYPE_ERROR_FLAG or isinstance(flags, list) and TYPE_ERROR_FLAG in flags


def _memory_store() -> Any:
    """An in-memory SQLite store for exact checks (imported here: only such queries need it)."""
    from pathlib import Path

    from govsoc.store.sqlite import SqliteStore

    return SqliteStore(Path(":memory:"))


def _holds(source: Mapping[str, Any], name: str, values: Collection[Any]) -> bool:
    """Whether a document's field (any element of it) equals one of ``values``, as a term does."""
    wanted = {str(v) for v in values}
    return any(str(item) in wanted for item in _values(source, name) if item is not None)


def _values(source: Mapping[str, Any], name: str) -> list[Any]:
    """The values of a document's field (its elements, for a list)."""
    node: Any = source
    for part in name.split("."):
        node = node.get(part) if isinstance(node, Mapping) else None
    return node if isinstance(node, list) else [node]


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


def _state_text(found: Any) -> Any:
    """The JSON text a state document's hit holds (None when its source has no text: damaged)."""
    source = found.get("_source")
    return source.get("value") if isinstance(source, dict) else None
