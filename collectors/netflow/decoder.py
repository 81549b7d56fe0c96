"""govsoc's NetFlow v5, v9 and IPFIX decoder: datagrams in, flow and options records out.

Stage: collectors. Formats: NetFlow v5 (Cisco's header and 48-byte record, log-formats.md 16.1),
NetFlow v9 (RFC 3954) and IPFIX (RFC 7011). One :class:`NetflowDecoder` holds the state of
every exporter it hears: templates (collectors.netflow.templates, keyed by exporter and source
id / observation domain), the sampling rate each exporter announced in options records (per
sampler or selector: a data record takes the rate of the one it names), and
data sets that arrived before their template. Those are held (at most ``pending_limit`` sets,
for ``pending_seconds``) and decoded when the template comes (not when the set came after
a template of its id expired or was withdrawn and the one that comes has another layout: then
it is a ``template-changed`` problem); a set that waits too long or
pushes the oldest out is reported, never silently dropped. Every problem is a :class:`Problem`
naming the exporter, domain and reason, counted per reason in ``problems``; decoding goes on
with the next set wherever the message's framing allows. Header sequence numbers are followed
per stream (collectors.netflow.sequence, modulo 2^32): what an exporter sent and we never got is
counted in ``sequence.lost`` and reported as a ``sequence-gap`` problem, which is a loss on the
way, not a record we rejected.
"""

from __future__ import annotations

import socket
import struct
import time
from collections import Counter, OrderedDict
from datetime import UTC, datetime
from typing import Any, NoReturn

from govsoc.collectors.netflow.decoded import LATE_FILL, DecodeResult, ExportHeader, FlowRecord, Problem, _Held
from govsoc.collectors.netflow.sampling import (
    INTERFACE,
    INTERFACE_SCOPES,
    RATE_ELEMENTS,
    Sampler,
    SamplingError,
    _rate,
    _samplers,
)
from govsoc.collectors.netflow.sequence import UNITS, SequenceTracker
from govsoc.collectors.netflow.templates import NetflowError, Template, TemplateCache, read_templates

__all__ = ["DecodeResult", "ExportHeader", "FlowRecord", "NetflowDecoder", "Problem"]

V5_HEADER = struct.Struct("!HHIIIIBBH")
V5_RECORD = struct.Struct("!4s4s4sHHIIIIHHBBBBHHBBH")
V9_HEADER = struct.Struct("!HHIIII")
IPFIX_HEADER = struct.Struct("!HHIII")
SET_HEADER = struct.Struct("!HH")
#: v5 record fields, in wire order, by their IPFIX names (pads as None).
V5_NAMES = ("source_ipv4_address", "destination_ipv4_address", "ip_next_hop_ipv4_address", "ingress_interface",
            "egress_interface", "packet_delta_count", "octet_delta_count", "flow_start_sys_up_time",
            "flow_end_sys_up_time", "source_transport_port", "destination_transport_port", None, "tcp_control_bits",
            "protocol_identifier", "ip_class_of_service", "bgp_source_as_number", "bgp_destination_as_number",
            "source_ipv4_prefix_length", "destination_ipv4_prefix_length", None)


class NetflowDecoder:
    """Decodes the datagrams of any number of exporters (see the module docstring)."""

    def __init__(self, *, template_lifetime: float = 1800.0, pending_limit: int = 4096,
                 pending_seconds: float = 60.0) -> None:
        self.templates = TemplateCache(template_lifetime)
        self.pending_limit = pending_limit
        self.pending_seconds = pending_seconds
        self._pending: OrderedDict[tuple[str, int, int, int], _Held] = OrderedDict()
        self._pending_serial = 0
        #: (exporter, domain, sampler) -> sampling rate from options records; the sampler is
        #: (element name, id) of the samplerId (48) or selectorId (302) the options record names,
        #: or None for a rate that holds for the whole exporter and domain
        self.sampling: dict[tuple[str, int, Sampler], float] = {}
        #: (exporter, domain) -> systemInitTimeMilliseconds from options records (IPFIX)
        self.system_init: dict[tuple[str, int], datetime] = {}
        self.problems: Counter[str] = Counter()
        #: (exporter, domain) -> data records stored unscaled because their sampler was unknown
        self.sampling_unknown: Counter[tuple[str, int]] = Counter()
        self.messages: Counter[int] = Counter()
        self.records = 0
        #: data sets that had to wait for their template (most are released when it comes)
        self.held = 0
        #: expected sequence numbers and what was lost before us, per stream
        self.sequence = SequenceTracker()

    # -- entry point --------------------------------------------------------------------------
    def decode(self, datagram: bytes, exporter: str, now: float | None = None) -> DecodeResult:
        """The records of one datagram from ``exporter`` (``address:port``). Raises
        NetflowError when not even the header can be read; problems after it are reported in
        the result and counted."""
        now = time.monotonic() if now is None else now
        result = DecodeResult()
        if len(datagram) < 2:
            self._count(NetflowError(f"{exporter}: datagram of {len(datagram)} bytes"), "short")
        version = int.from_bytes(datagram[:2], "big")
        held = self.held
        advance: int | None
        options = 0
        if version == 5:
            header, advance = self._v5(datagram, exporter, result)
        elif version == 9:
            header, advance = self._v9(datagram, exporter, result, now), 1
        elif version == 10:
            header = self._ipfix(datagram, exporter, result, now)
            # data records of this message (options records are data records too, RFC 7011 3.1,
            # though softflowd leaves its own out: the tracker learns which); unknown when a set
            # waits for its template
            ours = [r for r in result.records if r.header is header]
            advance = None if self.held != held else len(ours)
            options = sum(1 for r in ours if r.options)
        else:
            self._count(NetflowError(f"{exporter}: version {version} is not NetFlow v5, v9 or IPFIX"), "version")
        self._follow(header, advance, options, result)
        self.messages[version] += 1
        self._expire_pending(now, result)
        self.records += len(result.records)
        for problem in result.problems:
            if problem.kind != LATE_FILL:
                self.problems[problem.kind] += 1
        return result

    def _follow(self, header: ExportHeader, advance: int | None, options: int, result: DecodeResult) -> None:
        gap = self.sequence.see(header.exporter, header.version, header.domain, header.sequence, advance, options)
        if gap is not None and gap.lost:
            result.problems.append(Problem(exporter=header.exporter, domain=header.domain, kind="sequence-gap",
                                           reason=f"sequence number {gap.got}, {gap.expected} expected: {gap.lost} "
                                                  f"{UNITS[header.version]} lost before this message"))
        if gap is not None and gap.revised is not None:
            # how the exporter numbers was learnt from this message: the losses counted before
            # it by the other reading are judged again (collectors.netflow.sequence)
            (gaps, units), (now_gaps, now_units) = gap.revised
            self.problems["sequence-gap"] = max(0, self.problems["sequence-gap"] + now_gaps - gaps)
            result.problems.append(Problem(
                exporter=header.exporter, domain=header.domain, kind=LATE_FILL,
                reason=f"sequence number {gap.got} shows how the exporter numbers its {UNITS[header.version]}: "
                       f"the {units} reported lost before it are {now_units} by that numbering"))
        if gap is not None and gap.recovered and not gap.lost:
            # a correction of a loss reported earlier: the message came late (reordered), not lost
            if not gap.missing:
                self.problems["sequence-gap"] -= 1
            result.problems.append(Problem(
                exporter=header.exporter, domain=header.domain, kind=LATE_FILL,
                reason=f"sequence number {gap.got} came late: its {gap.recovered} {UNITS[header.version]} "
                       f"reported lost are not lost ({gap.missing} of that gap still missing)"))

    def _count(self, error: NetflowError, kind: str) -> NoReturn:
        self.problems[kind] += 1
        raise error

    # -- v5 -----------------------------------------------------------------------------------
    def _v5(self, data: bytes, exporter: str, result: DecodeResult) -> tuple[ExportHeader, int]:
        if len(data) < V5_HEADER.size:
            self._count(NetflowError(f"{exporter}: v5 header cut ({len(data)} of 24 bytes)"), "short")
        _, count, uptime, secs, nsecs, sequence, engine_type, engine_id, sampling = V5_HEADER.unpack_from(data)
        header = ExportHeader(exporter=exporter, version=5, domain=engine_type << 8 | engine_id, sequence=sequence,
                              export_time=_epoch(secs, nsecs / 1e9), uptime_ms=uptime)
        fits = (len(data) - V5_HEADER.size) // V5_RECORD.size
        if fits < count:
            result.problems.append(Problem(exporter=exporter, domain=header.domain, kind="v5-count",
                                           reason=f"v5 header counts {count} records, {fits} fit in "
                                                  f"{len(data)} bytes; {count - fits} lost"))
        rate = max(1, sampling & 0x3FFF)
        for index in range(min(count, fits)):
            raw = V5_RECORD.unpack_from(data, V5_HEADER.size + index * V5_RECORD.size)
            values = {name: value for name, value in zip(V5_NAMES, raw, strict=True) if name is not None}
            for name in ("source_ipv4_address", "destination_ipv4_address", "ip_next_hop_ipv4_address"):
                values[name] = socket.inet_ntoa(values[name])
            if sampling:
                values["sampling_interval"], values["sampler_mode"] = sampling & 0x3FFF, sampling >> 14
            result.records.append(FlowRecord(header=header, template_id=0, options=False, values=values,
                                             sampling=rate))
        return header, count

    # -- v9 and IPFIX -------------------------------------------------------------------------
    def _v9(self, data: bytes, exporter: str, result: DecodeResult, now: float) -> ExportHeader:
        if len(data) < V9_HEADER.size:
            self._count(NetflowError(f"{exporter}: v9 header cut ({len(data)} of 20 bytes)"), "short")
        _, _count, uptime, secs, sequence, source_id = V9_HEADER.unpack_from(data)
        header = ExportHeader(exporter=exporter, version=9, domain=source_id, sequence=sequence,
                              export_time=_epoch(secs), uptime_ms=uptime)
        self._sets(data, V9_HEADER.size, header, result, now, template_sets=(0, 1))
        return header

    def _ipfix(self, data: bytes, exporter: str, result: DecodeResult, now: float) -> ExportHeader:
        if len(data) < IPFIX_HEADER.size:
            self._count(NetflowError(f"{exporter}: IPFIX header cut ({len(data)} of 16 bytes)"), "short")
        _, length, secs, sequence, domain = IPFIX_HEADER.unpack_from(data)
        header = ExportHeader(exporter=exporter, version=10, domain=domain, sequence=sequence,
                              export_time=_epoch(secs))
        if length != len(data):
            result.problems.append(Problem(exporter=exporter, domain=domain, kind="message-length",
                                           reason=f"IPFIX message length {length}, datagram {len(data)} bytes"))
            data = data[:length] if length >= IPFIX_HEADER.size else data
        self._sets(data, IPFIX_HEADER.size, header, result, now, template_sets=(2, 3))
        return header

    def _sets(self, data: bytes, at: int, header: ExportHeader, result: DecodeResult, now: float,
              template_sets: tuple[int, int]) -> None:
        """Walk the sets of a message: templates learned, data decoded or held, problems noted."""
        exporter, domain = header.exporter, header.domain
        while len(data) - at >= SET_HEADER.size:
            set_id, length = SET_HEADER.unpack_from(data, at)
            if length < SET_HEADER.size or at + length > len(data):
                if not any(data[at:]):  # v9 exporters may pad the message itself
                    return
                result.problems.append(Problem(exporter=exporter, domain=domain, kind="set-length",
                                               reason=f"set {set_id} at byte {at}: length {length} does not fit "
                                                      f"the {len(data) - at} bytes left; rest of message skipped"))
                return
            body = data[at + SET_HEADER.size:at + length]
            at += length
            try:
                if set_id in template_sets:
                    self._learn(body, set_id, set_id == template_sets[1], header, result, now)
                elif set_id >= 256:
                    self._data(set_id, body, header, result, now)
                else:
                    result.problems.append(Problem(exporter=exporter, domain=domain, kind="set-id",
                                                   reason=f"set id {set_id} is reserved; {len(body)} bytes skipped"))
            except NetflowError as e:
                result.problems.append(Problem(exporter=exporter, domain=domain, kind="set", reason=e.message))

    def _learn(self, body: bytes, set_id: int, options: bool, header: ExportHeader, result: DecodeResult,
               now: float) -> None:
        ipfix = header.version == 10
        for template in read_templates(body, options=options, ipfix=ipfix):
            if isinstance(template, int):
                self.templates.withdraw(header.exporter, header.domain, template, options=options, set_id=set_id)
                continue
            self.templates.learn(header.exporter, header.domain, template, now)
            self._release(header.exporter, header.domain, template, result, now)

    def _data(self, template_id: int, body: bytes, header: ExportHeader, result: DecodeResult, now: float) -> None:
        template = self.templates.get(header.exporter, header.domain, template_id, now)
        if template is None:
            self._hold(template_id, body, header, result, now)
            return
        self._records(template, body, header, result)

    def _records(self, template: Template, body: bytes, header: ExportHeader, result: DecodeResult) -> None:
        key = (header.exporter, header.domain)
        for index, values in enumerate(template.decode(body)):
            try:
                stated = _rate(values)
            except SamplingError as e:
                # a rate that cannot be used: this record's problem, never the datagram's
                result.problems.append(Problem(
                    exporter=header.exporter, domain=header.domain, kind="sampling",
                    reason=f"template {template.id} record {index}: {e.message}; "
                           + ("rate not kept" if template.options else "stored unscaled, flagged "
                                                                       "netflow.sampling_rate_unknown")))
                if not template.options:
                    self.sampling_unknown[key] += 1
                    result.records.append(FlowRecord(header=header, template_id=template.id, options=False,
                                                     values=values, sampling_known=False))
                    continue
                stated = 0
            if template.options:
                self._options(key, values, stated, template)
                result.records.append(FlowRecord(header=header, template_id=template.id, options=True,
                                                 values=values))
                continue
            rate = stated or self._sampler_rate(key, values)
            if rate is None:
                self._unknown_sampler(header, template.id, values, result)
            result.records.append(FlowRecord(header=header, template_id=template.id, options=False, values=values,
                                             sampling=rate or 1, sampling_known=rate is not None))

    def _unknown_sampler(self, header: ExportHeader, template_id: int, values: dict[str, Any],
                         result: DecodeResult) -> None:
        """Count a data record whose sampler's rate is not known (per exporter and domain in
        ``sampling_unknown``) and say so as a ``sampling-unknown`` problem once per datagram and
        sampler (``decode`` counts the problems per kind)."""
        key = (header.exporter, header.domain)
        self.sampling_unknown[key] += 1
        names = ", ".join(f"{name} {ident}" for name, ident in _samplers(values))
        reason = (f"template {template_id}: data record names {names}, whose sampling rate no options record "
                  f"has given yet: stored unscaled, flagged netflow.sampling_rate_unknown")
        if not any(p.reason == reason and p.exporter == header.exporter for p in result.problems):
            result.problems.append(Problem(exporter=header.exporter, domain=header.domain, kind="sampling-unknown",
                                           reason=reason))

    def _sampler_rate(self, key: tuple[str, int], values: dict[str, Any]) -> float | None:
        """The rate in force for a data record: that of the sampler or selector it names (RFC
        3954 8 FLOW_SAMPLER_ID, RFC 5477 selectorId), else that of its ingress, then egress,
        interface when an options record scoped to that interface gave one (RFC 3954 6.1 scope
        type 2, RFC 7011 3.4.2.1 ingress/egressInterface as scope), else the exporter's and
        domain's own rate; a record naming a sampler no options record described gets None
        (unknown). Else, when the domain announced exactly one sampler and no rate scoped to
        an interface, that sampler's (its options record did not scope it to less than the
        exporter); else 1."""
        sampling, (exporter, domain) = self.sampling, key
        for sampler in _samplers(values):
            rate = sampling.get((exporter, domain, sampler))
            if rate is not None:
                return rate
        for name in ("ingress_interface", "egress_interface"):
            interface = values.get(name)
            if isinstance(interface, int) and (rate := sampling.get((exporter, domain, (INTERFACE, interface)))):
                return rate
        rate = sampling.get((exporter, domain, None))
        if rate is not None:
            return rate
        if _samplers(values):
            return None
        named = [(sampler, r) for (e, d, sampler), r in sampling.items() if (e, d) == key and sampler is not None]
        if len(named) == 1 and named[0][0] is not None and named[0][0][0] != INTERFACE:
            return named[0][1]
        return 1

    def _options(self, key: tuple[str, int], values: dict[str, Any], rate: float | None,
                 template: Template) -> None:
        """Keep what an options record says about its exporter: the sampling rate (``rate``, read
        by _rate) of the sampler or selector it names and of the interface its scope names (or
        of the whole exporter and domain), boot time."""
        scope = template.names[:template.scope_count]
        interfaces = tuple((INTERFACE, values[name]) for name in INTERFACE_SCOPES
                           if name in scope and isinstance(values.get(name), int))
        samplers = _samplers(values) + interfaces
        if rate:
            for sampler in samplers or (None,):
                self.sampling[(*key, sampler)] = rate
        elif samplers and any(name in values for name in RATE_ELEMENTS):
            # the sampler described again with no usable rate (an interval of 0): the old rate is
            # no longer known, so its records are flagged rather than scaled by a stale one
            for sampler in samplers:
                self.sampling.pop((*key, sampler), None)
        boot = values.get("system_init_time_milliseconds")
        if isinstance(boot, datetime):
            self.system_init[key] = boot

    # -- data before its template -------------------------------------------------------------
    def _hold(self, template_id: int, body: bytes, header: ExportHeader, result: DecodeResult, now: float) -> None:
        self._pending_serial += 1
        known = self.templates.last_known(header.exporter, header.domain, template_id)
        self._pending[(header.exporter, header.domain, template_id, self._pending_serial)] = _Held(header, body, now,
                                                                                                  known)
        self.held += 1
        while len(self._pending) > self.pending_limit:
            (exporter, domain, tid, _), held = self._pending.popitem(last=False)
            result.problems.append(Problem(exporter=exporter, domain=domain, kind="no-template",
                                           reason=f"data set for template {tid} ({len(held.body)} bytes) dropped: "
                                                  f"more than {self.pending_limit} sets wait for templates"))

    def _release(self, exporter: str, domain: int, template: Template, result: DecodeResult, now: float) -> None:
        if not self._pending:
            return
        ready = [k for k in self._pending if k[:3] == (exporter, domain, template.id)]
        for key in ready:
            held = self._pending.pop(key)
            if held.written_with is not None and not held.written_with.same_layout(template):
                result.problems.append(Problem(
                    exporter=exporter, domain=domain, kind="template-changed",
                    reason=f"data set for template {template.id} ({len(held.body)} bytes) arrived after that "
                           f"template expired or was withdrawn; the template {template.id} sent since has another "
                           f"layout, so the set was written with the old one: not decoded"))
                continue
            try:
                self._records(template, held.body, held.header, result)
            except NetflowError as e:
                result.problems.append(Problem(exporter=exporter, domain=domain, kind="set", reason=e.message))

    def _expire_pending(self, now: float, result: DecodeResult) -> None:
        while self._pending:
            key, held = next(iter(self._pending.items()))
            if now - held.since <= self.pending_seconds:
                return
            del self._pending[key]
            result.problems.append(Problem(exporter=key[0], domain=key[1], kind="no-template",
                                           reason=f"data set for template {key[2]} ({len(held.body)} bytes) dropped: "
                                                  f"no template within {self.pending_seconds:.0f} s"))

    def forget(self, exporter: str) -> None:
        """The transport session of ``exporter`` ended (IPFIX over TCP, RFC 7011 8.1): its templates
        and sequence numbering go; data sets still waiting are reported when they expire."""
        self.templates.forget(exporter)
        for key in [k for k in self.sequence.streams if k[0] == exporter]:
            del self.sequence.streams[key]

    def flush(self) -> list[Problem]:
        """Give up on every held set (the end of a run): each is reported and counted."""
        problems = [Problem(exporter=k[0], domain=k[1], kind="no-template",
                            reason=f"data set for template {k[2]} ({len(h.body)} bytes) never got its template")
                    for k, h in self._pending.items()]
        self._pending.clear()
        if problems:
            self.problems["no-template"] += len(problems)
        return problems

    @property
    def pending(self) -> int:
        """How many data sets wait for their template."""
        return len(self._pending)


def _epoch(seconds: int, fraction: float = 0.0) -> datetime:
    return datetime.fromtimestamp(seconds + fraction, tz=UTC)
