"""The Elasticsearch store's event search (store/elasticsearch.py): a Query as Query DSL, pages
read with search_after, the first pages of many queries in one _msearch, and counts."""

from __future__ import annotations

import dataclasses
import itertools
import re
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from typing import Any

from elasticsearch import ApiError, TransportError

from govsoc.core.caseless import fold
from govsoc.core.coercion import clean_text
from govsoc.core.errors import StoreError
from govsoc.core.event import Event, format_timestamp, parse_timestamp
from govsoc.store.base import Query
from govsoc.store.elasticsearch_check import IGNORED, Check
from govsoc.store.elasticsearch_client import ElasticsearchBase
from govsoc.store.elasticsearch_errors import error_reason
from govsoc.store.elasticsearch_many import FIRST_PAGE, FirstPages, page_body
from govsoc.store.elasticsearch_query import (
    GRAMS_FIELD,
    SEARCH_SPAN,
    SEARCH_TEXT_FIELD,
    decode_native,
    too_long,
    without_grams,
)

PAGE = 5000
#: Mapping types of fields that hold no values of their own (has_field).
_OBJECTS = frozenset({"object", "nested"})
#: Fields the events mapping has for searching, never in a document (_source excludes them).
_SEARCH_ONLY = frozenset({SEARCH_TEXT_FIELD, GRAMS_FIELD})
#: The names of the sub-fields govsoc's mappings give fields (store/elasticsearch_mappings.py).
_MULTI_FIELDS = frozenset({"caseless", "exact"})
#: How far back an incremental read reaches before its ``after`` position: longer than a bulk
#: request stays in flight plus the refresh interval (1 s), and than the clock skew between the
#: hosts that write and the host that detects.
INGEST_MARGIN = timedelta(seconds=30)


class EventSearch(ElasticsearchBase):
    """Events found, paged and counted."""

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

    def _query(self, query: Query, *, ignored: bool | None = None, unindexed: bool = True) -> dict[str, Any]:
        """The Query DSL of a query; what it cannot decide alone goes to :class:`Check`.

        The documents that hold a value some field did not index (``_ignored``) are candidates
        of every exact native (store/elasticsearch_query.py) and of every term too long to be
        indexed. ``ignored`` True/False keeps only the documents with / without such a value
        (the first kind are then decided by the check alone: their rule and long terms are left
        out of the query). ``unindexed`` False leaves out the documents where a term's field is not
        indexed (an aggregation in the node, which no check follows: Check.python_only).
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
            if ignored is False or not unindexed and len(short) == len(values):
                filters.append({"terms": {name: short}})
            elif len(short) < len(values) and ignored is None:  # a long value: its documents are candidates
                filters.append({"bool": {"should": [{"terms": {name: short}}, IGNORED], "minimum_should_match": 1}})
            else:
                # so are those where the field is not indexed at all: a vendor key past the index's
                # field limit (R59b-1: a correlation grouped by it never fired); Check compares them
                filters.append({"bool": {"should": [{"terms": {name: short}}, {"term": {"_ignored": name}}],
                                         "minimum_should_match": 1}})
        for name, values in sorted(query.exclude.items()):
            if any(map(too_long, values)):  # not indexed: a document holding it could not be left out
                raise StoreError(f"Query.exclude {name}: a value longer than the keyword limit")
            must_not.append({"terms": {name: list(values)}})
        if query.text:
            filters.append(_text_filter(query.text))
        if ignored is True:
            filters.append(IGNORED)
        elif ignored is False:
            must_not.append(IGNORED)
        if exact is not None:
            # A superset's candidates too: its Lucene query cannot see an unindexed value either
            # (a request target padded past the keyword limit), and every hit is checked anyway.
            lucene = self._lucene(exact.lucene)
            if ignored is False:
                filters.append(lucene)
            elif ignored is None:
                filters.append({"bool": {"should": [lucene, IGNORED], "minimum_should_match": 1}})
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
        check = Check.of(query)
        return check is None or not check.every_hit

    def _msearch(self, bodies: list[dict[str, Any]]) -> list[dict[str, Any]]:
        header = {"index": self.events_pattern, "allow_no_indices": True, "ignore_unavailable": True}
        searches = [line for body in bodies for line in (header, body)]
        answer = self._call(lambda: self.client.msearch(searches=searches), "search failed")
        return list(answer["responses"])

    def _refused(self, response: dict[str, Any]) -> StoreError:
        return StoreError(f"search failed: HTTP {response.get('status')} {error_reason(response.get('error'))}",
                          location=self._where)

    def _continued(self, query: Query, pages: FirstPages, index: int) -> Iterator[Event]:
        hits = pages.take(index)
        check = Check.of(query)
        if check is not None:  # the candidates go through the store's check (see Check)
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
        check = Check.of(query)
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
        ``page`` hits a request (at most PAGE).

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
                size = min(PAGE, page or PAGE) if limit is None else min(PAGE, limit - seen)
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

    def has_field(self, name: str) -> bool:
        """Whether the events indices map the field as one that holds values (a field some event
        held: govsoc maps no field it was not sent, beyond the ECS table's, through its dynamic
        templates). Not what the mapping has beside the events' own fields, which the SQLite store
        has no name for (R50c-5): an object (the parent of fields), a search sub-field of a field
        (``message.caseless``, ``user.name.caseless``) and the fields kept for searching only."""
        if name in _SEARCH_ONLY:
            return False
        parent, _, last = name.rpartition(".")
        asked = [name, parent] if parent else [name]
        answer = self._call(lambda: self.client.field_caps(index=self.events_pattern, fields=asked,
                                                           allow_no_indices=True, ignore_unavailable=True),
                            "cannot list fields")
        fields = answer.get("fields", {})
        return _holds_values(fields, name) and not _sub_field(fields, parent, last)

    def field_names(self) -> list[str]:
        """The fields the events indices map that hold values (as :meth:`has_field` takes them)."""
        answer = self._call(lambda: self.client.field_caps(index=self.events_pattern, fields="*",
                                                           allow_no_indices=True, ignore_unavailable=True),
                            "cannot list fields")
        fields = answer.get("fields", {})
        return sorted(name for name in fields if not name.startswith("_") and name not in _SEARCH_ONLY
                      and _holds_values(fields, name) and not _sub_field(fields, *name.rpartition(".")[::2]))

    def count(self, query: Query) -> int:
        """How many events match."""
        check = Check.of(query)
        if check is None:
            return self._count(self._query(query))
        whole = dataclasses.replace(query, limit=None)
        if check.every_hit or check.exact is not None and check.exact.apart:
            # a document holding İ is checked too (Check._apart): the node cannot count it
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


def _holds_values(fields: dict[str, Any], name: str) -> bool:
    """Whether field_caps' ``fields`` map ``name`` as a field of values in some index (a type
    other than an object's)."""
    return any(kind not in _OBJECTS for kind in fields.get(name, {}))


def _sub_field(fields: dict[str, Any], parent: str, last: str) -> bool:
    """Whether ``parent.last`` is one of the search sub-fields govsoc's mappings give a field of
    values (a multi-field: ``message.caseless``, ``message.exact``), not a field of events: by its
    name, as the parent may hold values in one index and be the object of ``last`` in another
    (R53c-2: a device field that is a scalar one week and an object the next)."""
    return last in _MULTI_FIELDS and _holds_values(fields, parent)


def _text_filter(text: str) -> dict[str, Any]:
    """``Query.text`` where a Sigma keyword is searched (rules/backends/lucene.py): the folded
    phrase in a piece of the message and the raw record (SEARCH_TEXT_FIELD), caselessly, so that
    `govsoc events --text` and a keyword rule agree (R49a-2). A phrase longer than the pieces
    overlap by could lie across two of them and be missed: refused rather than answered wrong. A
    NUL is looked for as stores keep it (coercion.clean_text: U+FFFD, R50c-8)."""
    text = clean_text(text)
    if len(text) > SEARCH_SPAN:
        raise StoreError(f"a text search of {len(text):,} characters: the Elasticsearch store finds "
                         f"at most {SEARCH_SPAN:,} (search a part of it)")
    pattern = "*" + re.sub(r"([*?\\])", r"\\\1", fold(text)) + "*"
    return {"wildcard": {SEARCH_TEXT_FIELD: {"value": pattern, "case_insensitive": True}}}


def _event_sort(query: Query) -> list[tuple[str, str]]:
    return [("@timestamp", query.order), ("event.id", query.order)]


def _position(position: str) -> datetime:
    try:
        return parse_timestamp(position)
    except ValueError:
        raise StoreError(f"{position!r} is not an ingest position of an Elasticsearch store (a position "
                         "from another store?)") from None

