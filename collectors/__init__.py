"""govsoc.collectors: source -> parse -> normalise to ECS events.

Parsers register under stable ids (``linux.auth``); :func:`ingest_file` runs a file through one
of them into a store, keeping what it cannot parse as pipeline_error events.
"""

from __future__ import annotations

from govsoc.collectors import linux as _linux  # noqa: F401  (registers the Linux parsers)
from govsoc.collectors.base import ParseContext, Parser, RawRecord, Source, parsers
from govsoc.collectors.ingest import IngestSummary, ingest_file

__all__ = ["IngestSummary", "ParseContext", "Parser", "RawRecord", "Source", "ingest_file", "parsers"]
