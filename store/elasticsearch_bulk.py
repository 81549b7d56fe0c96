"""The Elasticsearch store's bulk writer (store/elasticsearch.py): events created in parallel
bulk requests, the node's answer counted item by item."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, cast

import orjson
from elasticsearch import ApiError, TransportError, helpers

from govsoc.core.coercion import clean_text, stored_document
from govsoc.core.event import Event, format_timestamp
from govsoc.store.base import WriteReceipt
from govsoc.store.elasticsearch_client import ElasticsearchBase
from govsoc.store.elasticsearch_errors import failure, item_reason, overloaded_item
from govsoc.store.elasticsearch_query import with_search_text

#: Threads that send bulk chunks of events at once (elasticsearch.helpers.parallel_bulk).
BULK_THREADS = 2
#: What a bulk answer needs to say of each item (id, status, error): the node writes, and the
#: client reads, a fifth of the answer (index, version, shards and sequence numbers left out).
_BULK_ANSWER = "errors,items.*._id,items.*.status,items.*.error"


class BulkWrites(ElasticsearchBase):
    """Bulk requests: events written, and each item's answer."""

    def write(self, events: Iterable[Event]) -> WriteReceipt:
        """Bulk-create events; conflicts (the id exists) are duplicates, other refusals rejects.
        An event no document can hold (a field under another field's value, ``x`` = "a" beside
        ``x.y``: core.coercion.stored_document) is refused as the SQLite store refuses it, never
        the write's error (R59a-3: a Kubernetes audit record with both keys was an internal error
        at every run, nothing after it stored)."""
        refused: list[tuple[str, str]] = []

        def actions() -> Iterator[dict[str, Any]]:
            for n, event in enumerate(events):
                # Stamped every 500 documents, a few chunks before they are sent (the threads'
                # queue): seconds before they are searchable, well inside INGEST_MARGIN.
                if n % 500 == 0:
                    ingested = format_timestamp(datetime.now(UTC))
                try:
                    action = self.create_action(event, ingested)
                except (TypeError, ValueError) as e:
                    refused.append((event.id, f"not storable: {e}"))
                    continue
                yield action

        receipt = self._bulk(actions())
        return replace(receipt, rejected=(*receipt.rejected, *refused)) if refused else receipt

    def create_action(self, event: Event, ingested: str) -> dict[str, Any]:
        """The bulk action that stores one event: ``create`` under its id in its week's index,
        its document coerced to ECS types and with the search text keywords are found in."""
        return {"_op_type": "create", "_index": self.index_for(event), "_id": clean_text(event.id),
                "_source": with_search_text(stored_document(event, ingested=ingested))}

    def _bulk(self, actions: Iterable[dict[str, Any]]) -> WriteReceipt:
        """Send the actions in chunks from BULK_THREADS threads (the node indexes one chunk
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
                if action is not None and overloaded_item(result):
                    overloaded.append(action)
                yield op, ok, result

        first = _Tally.of(answered(self._bulk_results(noted(), threads=BULK_THREADS)))
        again = _Tally.of(self._bulk_results(overloaded)) if overloaded else _Tally()
        return WriteReceipt(created=first.created + again.created, duplicates=first.duplicates + again.duplicates,
                            rejected=tuple(first.rejected + again.rejected), retry=tuple(again.retry))

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
                raise failure("bulk write failed", e, self._where) from e
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
            raise failure("bulk write failed", e, self._where) from e


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
            elif overloaded_item(result):
                tally.retry.append(str(result.get("_id")))
            else:
                tally.rejected.append((str(result.get("_id")), item_reason(result)))
        return tally

