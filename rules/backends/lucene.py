"""Sigma -> Lucene query_string for the Elasticsearch store, with pySigma's Elasticsearch backend.

The store runs the string as a ``query_string`` filter with ``message`` as the default field, so
keyword rules search the message as they do on SQLite.
"""

from __future__ import annotations

from typing import Any

from sigma.backends.elasticsearch import LuceneBackend

from govsoc.rules.backends.base import RuleBackend, backends
from govsoc.rules.pipeline import govsoc_ecs_pipeline


@backends.register("elasticsearch")
class LuceneRuleBackend(RuleBackend):
    """Rules for the Elasticsearch store."""

    store_kind = "elasticsearch"

    def _backend(self) -> Any:
        return LuceneBackend(govsoc_ecs_pipeline())
