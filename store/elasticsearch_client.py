"""The Elasticsearch store's connection (store/elasticsearch.py): the client with its credentials
and TLS set-up, the calls that turn the client's failures into StoreError, the index names, and
the alerts and state indices made ahead of a pass's writes."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import orjson
from elasticsearch import ApiError, Elasticsearch, JsonSerializer, TransportError

from govsoc.core.config import ElasticsearchSettings, EsCredentials
from govsoc.core.errors import Location, StoreError
from govsoc.core.event import Event
from govsoc.store.base import Store, week_start
from govsoc.store.elasticsearch_errors import describe, failure


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


def connect(settings: ElasticsearchSettings, credentials: EsCredentials | None) -> Elasticsearch:
    """The client of the cluster at ``settings.url``, with an API key or a user's password, and
    the CA that signs the node's certificate when one is set."""
    credentials = credentials or EsCredentials()
    auth: dict[str, Any] = {}
    if credentials.api_key:
        auth["api_key"] = credentials.api_key
    elif credentials.user:
        auth["basic_auth"] = (credentials.user, credentials.password or "")
    if settings.ca_certs:
        auth["ca_certs"] = str(settings.ca_certs)
    return Elasticsearch(
        settings.url, verify_certs=settings.verify_certs, request_timeout=settings.request_timeout,
        serializers={"application/json": _Responses()}, **auth)


class ElasticsearchBase(Store):
    """What every part of the Elasticsearch store stands on (its attributes are set by
    :class:`govsoc.store.elasticsearch.ElasticsearchStore`)."""

    settings: ElasticsearchSettings
    retention_days: int
    prefix: str
    client: Elasticsearch
    _alerts_dirty: bool
    _preparing: dict[str, threading.Thread]
    _looked: dict[str, threading.Event]
    _missing: set[str]
    _where: Location
    _older: list[str]

    def _call(self, fn: Any, what: str) -> Any:
        try:
            return fn()
        except (ApiError, TransportError) as e:
            raise failure(what, e, self._where) from e

    def _unless(self, status: int, call: Callable[..., Any], what: str, **arguments: Any) -> Any:
        """``call(**arguments)``'s answer, or None when the node answers ``status`` (404: no such
        document; 409: a write guarded by the sequence number read, or a create, found another
        writer first); StoreError ``what`` when it failed otherwise."""
        try:
            return call(**arguments)
        except ApiError as e:
            if e.meta.status == status:
                return None
            raise StoreError(f"{what}: {describe(e)}", location=self._where) from e
        except TransportError as e:
            raise StoreError(f"{what}: {describe(e)}", location=self._where) from e

    @property
    def events_pattern(self) -> str:
        """The index pattern that covers every events index."""
        return f"{self.prefix}-events-*"

    @property
    def alerts_index(self) -> str:
        """The alerts index."""
        return f"{self.prefix}-alerts"

    @property
    def state_index(self) -> str:
        """The index of the engine's state documents."""
        return f"{self.prefix}-state"

    def index_for(self, event: Event) -> str:
        """The weekly index of an event's time: the Monday of its UTC ISO week."""
        return f"{self.prefix}-events-{week_start(event.timestamp):%Y.%m.%d}"

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
