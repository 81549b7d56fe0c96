"""The Elasticsearch store's check in Python of what a query asks that the node cannot decide for
some documents (store/elasticsearch.py, store/elasticsearch_query.py)."""

from __future__ import annotations

import itertools
from collections.abc import Collection, Generator, Iterable, Iterator, Mapping
from typing import Any

from govsoc.core.coercion import TYPE_ERROR_FLAG
from govsoc.core.event import Event
from govsoc.store.base import Query
from govsoc.store.elasticsearch_query import DOTTED_I, ExactNative, decode_native, too_long

#: Candidates checked in Python at once: the first batch is small, so that a search with a small
#: limit checks few candidates; each next one is four times larger, up to the last size.
_CHECK_BATCHES = (16, 64, 256, 1000)
#: Documents holding a value that some field did not index (a keyword over ignore_above):
#: Elasticsearch lists those fields in the ``_ignored`` metadata field, for documents of any age;
#: and documents with a value moved out of its field because its type cannot hold it (a number
#: beyond 64 bits: govsoc.core.coercion), which a rule still compares (R12 F6). Both are
#: candidates that the rule's exact check decides.
IGNORED: dict[str, Any] = {"bool": {"should": [{"exists": {"field": "_ignored"}},
                                                {"term": {"govsoc.flags": TYPE_ERROR_FLAG}}],
                                     "minimum_should_match": 1}}


class Check:
    """What a query asks that Elasticsearch cannot decide for some documents, checked here.

    An exact native's rule (store/elasticsearch_query.py) is checked with its SQLite condition
    on an in-memory SQLite store: for every candidate of a superset, and otherwise for the
    candidates holding a value some field did not index (``_ignored``), which its Lucene query
    cannot see. A term too long to be indexed is compared with the document's values, again for
    the ``_ignored`` candidates only (the others matched the indexed terms exactly).
    """

    def __init__(self, exact: ExactNative | None, terms: dict[str, tuple[Any, ...]]) -> None:
        self.exact = exact
        #: The query's terms, compared for the candidates holding an unindexed value (a term too
        #: long to be indexed, or a field the index does not map: R59b-1); Elasticsearch matched
        #: the others on the indexed terms exactly.
        self.terms = terms
        #: Every hit needs the check (a superset), not only those with unindexed values.
        self.every_hit = exact is not None and exact.superset
        #: Whether only Python can decide the query (an aggregation reads its events): a rule, or a
        #: term too long to be indexed; plain terms the node answers for the documents it indexed.
        self.python_only = exact is not None or any(any(map(too_long, values)) for values in terms.values())

    @classmethod
    def of(cls, query: Query) -> Check | None:
        """The check a query needs, or None when Elasticsearch answers it alone."""
        exact = decode_native(query.native) if query.native else None
        terms = {name: tuple(values) for name, values in query.terms.items()}
        return cls(exact, terms) if exact is not None or terms else None

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
        checked = [s for s in checked if all(_holds(s, name, values) for name, values in self.terms.items())]
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
    """Whether a document had a value moved out of its field (see IGNORED)."""
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
