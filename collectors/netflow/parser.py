"""The ``netflow`` parser: NetFlow v5/v9/IPFIX datagrams (one per record) to ECS flow events.

Stage: collectors (parse + normalise). A record is one datagram as a receiver got it; its
origin is ``udp://<exporter address>:<port>``, its offset the header's sequence number, so the
pipeline's event ids (origin, offset, datagram digest, index) are the same whenever the same
datagram is read again. The parser keeps one :class:`NetflowDecoder` (templates, sampling,
held data sets) across records. A datagram with problems gives its good records and one
``pipeline_error`` event that names the exporter and every reason; a datagram whose header
cannot be read raises ParseError (the pipeline keeps it as a ``pipeline_error`` event too).
Data sets still waiting for a template when the source ends are reported by ``flush()``.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from govsoc.collectors.base import ParseContext, RawRecord, parsers
from govsoc.collectors.netflow.decoder import FlowRecord, NetflowDecoder, Problem
from govsoc.collectors.netflow.ecs import AFTER_EXPORT, FieldRangeError, record_fields
from govsoc.core.event import Event, make_id

DATASET = "netflow.log"
#: The origin scheme of datagrams a UDP receiver read.
UDP_ORIGIN = "udp://"
#: The flag of a record that is the rest of a TCP stream no IPFIX message could be framed from
#: (collectors.netflow.stream).
UNFRAMED = "unframed"
#: The flag of a record that says why a TCP connection was closed or refused (its data: the
#: reason; collectors.netflow.stream): a ``connection`` problem naming the peer.
CLOSED = "connection-closed"
#: Flow times outside [EARLIEST, receipt + AHEAD] are not believed: the record is rejected as a
#: ``time-range`` problem (kept as a pipeline_error naming the exporter and the field), never
#: stored with a time no display or retention can handle (RFC 7011 3.1: Export Time).
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
AHEAD = timedelta(days=1)
#: The record's time fields, named in a problem when one of them makes its times unusable.
TIME_FIELDS = ("flow_start_milliseconds", "flow_end_milliseconds", "flow_start_microseconds", "flow_end_microseconds",
               "flow_start_nanoseconds", "flow_end_nanoseconds", "flow_start_seconds", "flow_end_seconds",
               "flow_start_sys_up_time", "flow_end_sys_up_time", "system_init_time_milliseconds",
               "flow_start_delta_microseconds", "flow_end_delta_microseconds")


def exporter_of(record: RawRecord) -> str:
    """``address:port`` of the exporter that sent ``record`` (over UDP, or TCP: ``tcp://``)."""
    return record.origin.split("://", 1)[1] if "://" in record.origin else record.origin


@parsers.register("netflow")
class NetflowParser:
    """Datagrams to flow events, with one decoder's state across them."""

    dataset = DATASET

    def __init__(self, decoder: NetflowDecoder | None = None) -> None:
        self.decoder = decoder or NetflowDecoder()

    def parse(self, record: RawRecord, context: ParseContext) -> Iterator[Event]:
        """The events of one datagram (see the module docstring); ids are the pipeline's."""
        exporter = exporter_of(record)
        received = record.received or datetime.now(UTC)
        if CLOSED in record.flags:
            self.decoder.problems["connection"] += 1
            problem = Problem(exporter=exporter, domain=None, kind="connection",
                              reason=record.data.decode("utf-8", "replace"))
            yield problem_event([problem], exporter, received, b"")
            return
        if UNFRAMED in record.flags:
            self.decoder.problems["framing"] += 1
            problem = Problem(exporter=exporter, domain=None, kind="framing", reason=_unframed(record.data))
            yield problem_event([problem], exporter, received, record.data)
            return
        result = self.decoder.decode(record.data, exporter, time.monotonic())
        problems = list(result.problems)
        latest = max(received, datetime.now(UTC)) + AHEAD
        for index, flow in enumerate(result.records):
            key = (exporter, flow.header.domain)
            boot = self.decoder.system_init.get(key)
            try:
                fields = record_fields(flow, boot)
                start = fields.get("event.start")
                timestamp = datetime.fromisoformat(start.replace("Z", "+00:00")) if start else flow.header.export_time
                end = fields.get("event.end")
                times = [("event.start" if start else "export time", timestamp)]
                if end:
                    times.append(("event.end", datetime.fromisoformat(end.replace("Z", "+00:00"))))
                wrong = [f"{name} {when.isoformat()}" for name, when in times if not EARLIEST <= when <= latest]
            except FieldRangeError as e:
                self.decoder.problems["value-range"] += 1
                problems.append(Problem(exporter=exporter, domain=flow.header.domain, kind="value-range",
                                        reason=f"template {flow.template_id} record {index} of the datagram: "
                                               f"{e}; record dropped"))
                continue
            except (OverflowError, ValueError, ArithmeticError) as e:
                wrong = [f"{type(e).__name__}: {e}"]
            if wrong:
                self.decoder.problems["time-range"] += 1
                problems.append(Problem(exporter=exporter, domain=flow.header.domain, kind="time-range",
                                        reason=_time_reason(flow.template_id, flow.values, boot, wrong)))
                continue
            if AFTER_EXPORT in fields.get("govsoc.flags", ()):
                self._after_export(flow, fields, boot, problems)
            yield Event(id="", timestamp=timestamp, dataset=DATASET, fields=fields)
        if problems:
            yield problem_event(problems, exporter, received, record.data)

    def _after_export(self, flow: FlowRecord, fields: dict[str, Any], boot: datetime | None,
                      problems: list[Problem]) -> None:
        """Count a record flagged time_after_export; say so once per datagram and template."""
        self.decoder.problems["time-after-export"] += 1
        header = flow.header
        carried = _carried(flow.values, boot)
        reason = (f"template {flow.template_id}: flow time after the export time "
                  f"{header.export_time.isoformat()} (event.start {fields.get('event.start')}, event.end "
                  f"{fields.get('event.end')}; fields: {', '.join(carried)}): stored as read, flagged "
                  f"govsoc.flags: {AFTER_EXPORT}")
        if not any(p.kind == "time-after-export" and p.reason.startswith(f"template {flow.template_id}:")
                   for p in problems):
            problems.append(Problem(exporter=header.exporter, domain=header.domain, kind="time-after-export",
                                    reason=reason))

    def flush(self, context: ParseContext) -> Iterator[Event]:
        """One event for the data sets that never got their template."""
        problems = self.decoder.flush()
        if problems:
            exporters = sorted({p.exporter for p in problems})
            for exporter in exporters:
                mine = [p for p in problems if p.exporter == exporter]
                event = problem_event(mine, exporter, datetime.now(UTC), b"")
                # flush events have no record: their id is the exporter and the problems
                yield Event(id=make_id("netflow-flush", exporter, *map(str, mine)), timestamp=event.timestamp,
                            dataset=DATASET, fields=event.fields)


def _time_reason(template_id: int, values: dict[str, Any], boot: datetime | None, wrong: list[str]) -> str:
    """Why a record's times were not believed, naming the time fields it carried."""
    carried = _carried(values, boot)
    return (f"template {template_id}: flow time out of range (before 1970 or over a day after receipt): "
            f"{', '.join(wrong)}; fields: {', '.join(carried) or 'none'}; record dropped")


def _carried(values: dict[str, Any], boot: datetime | None) -> list[str]:
    """The time fields a record carried, as name=value, and the boot time an options record gave."""
    carried = [f"{name}={values[name]}" for name in TIME_FIELDS if name in values]
    if boot is not None and "system_init_time_milliseconds" not in values:
        carried.append(f"system_init_time_milliseconds={boot} (options record)")
    return carried


def _unframed(data: bytes) -> str:
    version, length = int.from_bytes(data[:2], "big"), int.from_bytes(data[2:4], "big")
    if version == 10 and length >= 16 and len(data) < length:
        return f"the connection ended inside a message: {len(data)} of its {length} bytes"
    return (f"{len(data)} bytes that do not start an IPFIX message (version {version}, length {length}): "
            f"the connection was closed")


def problem_event(problems: list[Problem], exporter: str, when: datetime, datagram: bytes) -> Event:
    """A ``pipeline_error`` event naming the exporter and each problem's reason."""
    reasons = [str(p) for p in problems]
    fields: dict[str, Any] = {
        "event.kind": "pipeline_error",
        "event.module": "netflow",
        "observer.ip": exporter.rsplit(":", 1)[0].strip("[]"),
        "netflow.exporter.address": exporter,
        "error.message": "; ".join(reasons),
        "govsoc.parse_error": "; ".join(reasons),
        "netflow.problems": sorted({p.kind for p in problems}),
        "message": f"NetFlow from {exporter}: {len(problems)} problem(s): " + "; ".join(reasons),
    }
    if datagram:
        fields["netflow.datagram_bytes"] = len(datagram)
    return Event(id="", timestamp=when, dataset=DATASET, fields=fields)
