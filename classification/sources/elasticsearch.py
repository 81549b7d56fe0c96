"""Elasticsearch indices (stage: classification): a random sample of documents per index.

``es://INDEX`` names an index, alias or pattern on the configured cluster (store.elasticsearch of
govsoc.yaml: url, ca_certs, verify_certs, request_timeout; GOVSOC_ES_URL / GOVSOC_ES_CA over them, as
for the store: core.config.es_settings, RRR15aw-7; credentials
from GOVSOC_ES_API_KEY or GOVSOC_ES_USER + GOVSOC_ES_PASSWORD(_FILE), never the command line), through
the store's own client (store/elasticsearch_client.connect: R15at-6), TLS verified unless the
configuration says otherwise. Documents are drawn with a seeded ``random_score`` so that a sample
spans the index, not its first segment; ``_source`` fields become dotted paths as for JSON lines.
The mapping (GET INDEX/_mapping) names the fields ``_source`` keeps out (``_source.excludes``,
stored or doc-values-only fields): those are read from the same documents through
``docvalue_fields`` / ``stored_fields``, and one that cannot be read is still listed (judged by its
name: "no values sampled") and counted as skipped. Only searches, counts and mapping reads are sent.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from typing import Any

from govsoc.classification.columns import ColumnSample
from govsoc.classification.sources.base import RENAMED, Skipped, TableSample, named
from govsoc.classification.sources.es_mapping import HiddenField, hidden_fields
from govsoc.classification.sources.json_records import record_columns
from govsoc.core.config import ElasticsearchSettings, es_credentials, es_settings, redact_url
from govsoc.core.errors import ConfigError, GovsocError, Location

__all__ = ["EsSource"]


class EsSource:
    """The indices an index pattern covers."""

    def __init__(self, index: str, *, sample: int, env: Mapping[str, str] | None = None,
                 url: str | None = None, settings: ElasticsearchSettings | None = None) -> None:
        env = os.environ if env is None else env
        # the environment over the file, as the store has it (RRR15aw-7: the file's CA won here)
        settings = es_settings(settings or ElasticsearchSettings(), env)
        url = url or settings.url
        if not index:
            raise ConfigError("es:// needs an index name or pattern, e.g. es://govsoc-events-*")
        if not url:
            raise ConfigError("no Elasticsearch URL: set store.elasticsearch.url in govsoc.yaml or GOVSOC_ES_URL")
        try:
            from govsoc.store.elasticsearch_client import connect
        except ImportError as e:
            raise ConfigError("Elasticsearch indices need the es extra: pip install 'govsoc[es]'") from e
        self.client = connect(settings.model_copy(update={"url": url}), es_credentials(env))
        self.index = index
        self.sample = sample
        self.name = f"es://{index} on {redact_url(url)}"

    def _indices(self) -> list[str]:
        try:
            found = self.client.indices.get(index=self.index, expand_wildcards="open")
        except Exception as e:  # ApiError / TransportError: the client's tree, named in the message
            raise GovsocError(f"{self.name}: {type(e).__name__}: {e}") from None
        return sorted(found)

    def count(self) -> int | None:
        """The number of concrete indices."""
        return len(self._indices())

    def tables(self) -> Iterator[TableSample]:
        """One sample per concrete index (the client is closed at the end)."""
        try:
            yield from self._samples()
        finally:
            self.client.close()

    def _samples(self) -> Iterator[TableSample]:
        for index in self._indices():
            try:
                total = int(self.client.count(index=index)["count"])
                found = self.client.search(index=index, size=self.sample, source=True,
                                           query={"function_score": {"random_score": {"seed": 15, "field": "_seq_no"}}})
                mappings = self.client.indices.get_mapping(index=index)[index]["mappings"]
            except Exception as e:
                raise GovsocError(f"{self.name}: {type(e).__name__}: {e}") from None
            hits = found["hits"]["hits"]
            records = [hit["_source"] for hit in hits if isinstance(hit.get("_source"), dict)]
            renamed: list[str] = []  # Elasticsearch keeps a key "sfz\udc00" as it was sent
            columns = record_columns(records, self.name, total, renamed)
            hidden, unread = self._hidden(index, mappings, [hit["_id"] for hit in hits], total, renamed)
            skipped = tuple(Skipped(location=Location(path=self.name, field=f"{index}.{name}"), reason=RENAMED)
                            for name in renamed) + unread
            yield TableSample(dataset=self.name, table=index, rows=total, columns=columns + hidden,
                              skipped=skipped, skipped_count=len(skipped))

    def _hidden(self, index: str, mappings: Mapping[str, Any], ids: list[str], total: int,
                renamed: list[str]) -> tuple[tuple[ColumnSample, ...], tuple[Skipped, ...]]:
        """The mapped fields ``_source`` keeps out, as columns: sampled from the same documents
        (``ids``) through doc values or stored fields where they can be, empty (judged by name)
        where not, each of those also listed as skipped with why."""
        fields = hidden_fields(mappings)
        readable = [f for f in fields if f.docvalue or f.stored]
        values: dict[str, list[str]] = {f.path: [] for f in fields}
        why = {f.path: f.why for f in fields if f.why}
        if readable and ids:
            try:
                values.update(self._read(index, ids, readable))
            except Exception as e:  # one field the node refuses to return must not lose the index
                why.update((f.path, f"kept out of _source, reading it failed: {type(e).__name__}: {e}")
                           for f in readable)
        columns = tuple(ColumnSample(dataset=self.name, field=named(path, renamed), values=[] if path in why else v,
                                     rows=total) for path, v in values.items())
        unread = tuple(Skipped(location=Location(path=self.name, field=f"{index}.{path}"), reason=reason)
                       for path, reason in why.items())
        return columns, unread

    def _read(self, index: str, ids: list[str], readable: list[HiddenField]) -> dict[str, list[str]]:
        """The values of the ``readable`` hidden fields in the documents ``ids``, by field path."""
        docvalues = sorted({f.docvalue for f in readable if f.docvalue})
        stored = sorted({f.stored for f in readable if f.stored})
        found = self.client.search(index=index, size=len(ids), source=False, query={"ids": {"values": ids}},
                                   docvalue_fields=[{"field": name} for name in docvalues] or None,
                                   stored_fields=stored or None)
        values: dict[str, list[str]] = {f.path: [] for f in readable}
        for hit in found["hits"]["hits"]:
            got = hit.get("fields") or {}
            for f in readable:
                read = got.get(f.stored or f.docvalue or "") or []
                values[f.path].extend(str(v) for v in read if v is not None and not isinstance(v, bool))
        return values
