"""The Elasticsearch store's ingest positions and engine state (store/elasticsearch.py): state
documents in ``<prefix>-state``, read in real time and changed under a sequence-number guard."""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from elasticsearch import ApiError, NotFoundError, TransportError, helpers

from govsoc.core.errors import DamagedStateError, StoreError
from govsoc.core.event import format_timestamp
from govsoc.store.elasticsearch_alerts import backoff
from govsoc.store.elasticsearch_bulk import BulkWrites
from govsoc.store.elasticsearch_errors import failure, item_reason
from govsoc.store.state_document import readable_state, state_document

#: Seconds a state document's change (update_state) is tried again while other processes change
#: it: against one changing it back to back, alerts' 10 rounds (2.6 s of back-off at most) may be too few.
_STATE_PATIENCE = 30.0


class EngineState(BulkWrites):
    """Ingest positions and state documents."""

    def position(self) -> str | None:
        """Now, on the clock that stamps ``event.ingested``: every event handed to the store
        before this call is at or before it (see INGEST_MARGIN for those not yet searchable)."""
        return format_timestamp(datetime.now(UTC))

    def get_state(self, key: str) -> dict[str, Any] | None:
        """A state document (a realtime get: no refresh needed)."""
        if self._being_made(self.state_index):
            return None
        found = self._unless(404, self.client.get, f"cannot read state {key!r}", index=self.state_index, id=key)
        return None if found is None else state_document(key, _state_text(found))

    def state_keys(self, prefix: str) -> list[str]:
        """Keys of state documents starting with ``prefix`` (Store.state_keys): the state index
        refreshed, then its ids scanned (a few hundred documents; a prefix query on _id is not
        one every version allows)."""
        if self._being_made(self.state_index):
            return []
        if self._unless(404, self.client.indices.refresh, "cannot refresh the state index",
                        index=self.state_index) is None:
            return []
        keys: list[str] = []
        try:
            for hit in helpers.scan(self.client, index=self.state_index, query={"query": {"match_all": {}}},
                                    _source=False, size=1000):
                if str(hit["_id"]).startswith(prefix):
                    keys.append(str(hit["_id"]))
        except NotFoundError:
            return []
        except (ApiError, TransportError) as e:
            raise failure("cannot list state documents", e, self._where) from e
        return sorted(keys)

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
                backoff(round_)
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

    def put_states(self, values: Mapping[str, dict[str, Any]]) -> None:
        """Write many state documents in one bulk request (readable at once by id)."""
        self._prepared(self.state_index)
        for _, ok, result in self._bulk_results(
                {"_op_type": "index", "_index": self.state_index, "_id": key,
                 "_source": {"value": json.dumps(value, ensure_ascii=False)}} for key, value in values.items()):
            if not ok:
                raise StoreError(f"cannot write state {result.get('_id')!r}: {item_reason(result)}",
                                 location=self._where)

    def put_state(self, key: str, value: dict[str, Any]) -> None:
        """Write a state document; kept as a JSON string, so its fields never grow the mapping."""
        self._prepared(self.state_index)
        self._call(lambda: self.client.index(index=self.state_index, id=key,
                                             document={"value": json.dumps(value, ensure_ascii=False)}),
                   "cannot write state")


def _state_text(found: Any) -> Any:
    """The JSON text a state document's hit holds (None when its source has no text: damaged)."""
    source = found.get("_source")
    return source.get("value") if isinstance(source, dict) else None
