"""Elasticsearch indices (stage: classification): a random sample of documents per index.

``es://INDEX`` names an index, alias or pattern on the configured cluster (store.elasticsearch.url
or GOVSOC_ES_URL; credentials from GOVSOC_ES_API_KEY or GOVSOC_ES_USER + GOVSOC_ES_PASSWORD(_FILE),
never the command line). Documents are drawn with a seeded ``random_score`` so that a sample
spans the index, not its first segment; ``_source`` fields become dotted paths as for JSON lines.
Only searches and counts are sent.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from typing import Any

from govsoc.classification.sources.base import RENAMED, Skipped, TableSample
from govsoc.classification.sources.json_records import record_columns
from govsoc.core.config import es_credentials, redact_url
from govsoc.core.errors import ConfigError, GovsocError, Location

__all__ = ["EsSource"]


class EsSource:
    """The indices an index pattern covers."""

    def __init__(self, index: str, *, sample: int, env: Mapping[str, str] | None = None,
                 url: str | None = None) -> None:
        env = os.environ if env is None else env
        url = url or env.get("GOVSOC_ES_URL")
        if not index:
            raise ConfigError("es:// needs an index name or pattern, e.g. es://govsoc-events-*")
        if not url:
            raise ConfigError("no Elasticsearch URL: set store.elasticsearch.url in govsoc.yaml or GOVSOC_ES_URL")
        try:
            from elasticsearch import Elasticsearch
        except ImportError as e:
            raise ConfigError("Elasticsearch indices need the es extra: pip install 'govsoc[es]'") from e
        credentials = es_credentials(env)
        auth: dict[str, Any] = {}
        if credentials.api_key:
            auth["api_key"] = credentials.api_key
        elif credentials.user:
            auth["basic_auth"] = (credentials.user, credentials.password or "")
        if env.get("GOVSOC_ES_CA"):
            auth["ca_certs"] = env["GOVSOC_ES_CA"]
        self.client = Elasticsearch(url, request_timeout=60, **auth)
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
            except Exception as e:
                raise GovsocError(f"{self.name}: {type(e).__name__}: {e}") from None
            records = [hit["_source"] for hit in found["hits"]["hits"] if isinstance(hit.get("_source"), dict)]
            renamed: list[str] = []  # Elasticsearch keeps a key "sfz\udc00" as it was sent
            columns = record_columns(records, self.name, total, renamed)
            skipped = tuple(Skipped(location=Location(path=self.name, field=f"{index}.{name}"), reason=RENAMED)
                            for name in renamed)
            yield TableSample(dataset=self.name, table=index, rows=total, columns=columns,
                              skipped=skipped, skipped_count=len(skipped))
