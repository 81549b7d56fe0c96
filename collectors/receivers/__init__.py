"""Syslog receivers: UDP (RFC 5426), TCP (RFC 6587) and TLS (RFC 5425) listeners that feed the
ingest pipeline (collectors.pipeline) through the same delivery and spool as files.

:class:`ReceiverSet` runs configured receivers (core.config.ReceiverSettings) until stopped;
`govsoc listen` and the scheduler daemon use it. See collectors.receivers.delivery for what
"nothing lost, nothing twice" means for a network stream.
"""

from __future__ import annotations

from govsoc.collectors.receivers.counters import (
    COUNTERS,
    OUTCOMES,
    REFUSE_REASONS,
    REJECT_REASONS,
    ReceiverCounters,
    load_counters,
)
from govsoc.collectors.receivers.handoff import Handoff
from govsoc.collectors.receivers.service import ReceiverSet, counters_folder

__all__ = ["COUNTERS", "OUTCOMES", "REFUSE_REASONS", "REJECT_REASONS", "Handoff", "ReceiverCounters", "ReceiverSet",
           "counters_folder", "load_counters"]
