"""What the NetFlow decoder (collectors.netflow.decoder) hands out: the header of an export
message (NetFlow v5, v9 RFC 3954 5.1, IPFIX RFC 7011 3.1), its decoded data and options records,
the problems met, one datagram's result, and a data set held until its template comes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from govsoc.collectors.netflow.templates import Template

#: The problem kind of a late message that fills a gap reported lost (not counted as a problem).
LATE_FILL = "sequence-gap-filled"


@dataclass(frozen=True, slots=True, kw_only=True)
class ExportHeader:
    """What a message's header says: who sent it, when, and in which domain."""

    exporter: str
    version: int
    domain: int
    sequence: int
    export_time: datetime
    uptime_ms: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class FlowRecord:
    """One decoded data record: its header, template, values by element name, and the sampling
    rate in force for its exporter and domain (1: every packet counted)."""

    header: ExportHeader
    template_id: int
    options: bool
    values: dict[str, Any]
    #: packets on the wire per packet counted: 2.5 for 2-in-5 sampling (RFC 5477), never rounded
    sampling: float = 1
    #: False when the record names a sampler or selector no options record has described yet
    #: (RFC 3954 8 and RFC 7011 3.4.2.2 let options come later): counted as exported, flagged
    sampling_known: bool = True


@dataclass(frozen=True, slots=True, kw_only=True)
class Problem:
    """Something in a message that could not be decoded: where and why."""

    exporter: str
    domain: int | None
    kind: str
    reason: str

    def __str__(self) -> str:
        where = self.exporter if self.domain is None else f"{self.exporter} domain {self.domain}"
        return f"{where}: {self.reason}"


@dataclass(slots=True)
class DecodeResult:
    """The records of one datagram (and of held sets its templates released), and its problems."""

    records: list[FlowRecord] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


@dataclass(slots=True)
class _Held:
    header: ExportHeader
    body: bytes
    since: float
    #: the template of its id that had expired or been withdrawn when the set arrived, if any
    written_with: Template | None = None
