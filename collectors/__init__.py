"""govsoc.collectors: source -> parse -> normalise to ECS events -> spool -> store.

Parsers register under stable ids (``linux.auth``). :class:`Pipeline` runs any source through a
parser into a store, keeping what it cannot parse as pipeline_error events, a checkpoint per
source and a durable spool for when the store is down; :func:`ingest_file` is the one-file
entry point.
"""

from __future__ import annotations

from govsoc.collectors import cloud as _cloud  # noqa: F401  (registers the cloud audit trail parsers)
from govsoc.collectors import devices as _devices  # noqa: F401  (registers the device parsers)
from govsoc.collectors import flows as _flows  # noqa: F401  (registers the pcap flow parser)
from govsoc.collectors import kubernetes as _kubernetes  # noqa: F401  (registers the Kubernetes audit parser)
from govsoc.collectors import linux as _linux  # noqa: F401  (registers the Linux parsers)
from govsoc.collectors import netflow as _netflow  # noqa: F401  (registers the NetFlow/IPFIX parser)
from govsoc.collectors import suricata as _suricata  # noqa: F401  (registers the Suricata EVE parser)
from govsoc.collectors import web as _web  # noqa: F401  (registers the web server parsers)
from govsoc.collectors import windows as _windows  # noqa: F401  (registers the Windows parsers)
from govsoc.collectors import zeek as _zeek  # noqa: F401  (registers the Zeek log parser)
from govsoc.collectors.base import FlushingParser, ParseContext, Parser, RawRecord, Source, parsers, path_text
from govsoc.collectors.pipeline import IngestOptions, Pipeline, ingest_file
from govsoc.collectors.summary import IngestSummary
from govsoc.collectors.syslog import mixed as _mixed  # noqa: F401  (registers syslog.mixed)

__all__ = ["FlushingParser", "IngestOptions", "IngestSummary", "ParseContext", "Parser", "Pipeline", "RawRecord",
           "Source", "ingest_file", "parsers", "path_text"]
