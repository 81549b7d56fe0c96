"""The enrichment hook of the ingest pipeline (stage: core).

collectors/ may not import the stages above it (classification, rules: import-linter layers),
yet ingest-time classification must see every event before it is stored. So the pipeline takes
objects of this shape from its caller (the CLI, the scheduler) and calls them on each finished
event's fields; classification.tagging.ClassificationTagger is one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

__all__ = ["Enricher"]


class Enricher(Protocol):
    """Adds or replaces fields of an event before it is stored."""

    def enrich(self, fields: Mapping[str, Any], source: str) -> Mapping[str, Any]:
        """Fields to set on the event (empty: nothing). ``source`` names where the event came
        from (a file path or a receiver's origin), for per-source settings."""
        ...  # pragma: no cover
