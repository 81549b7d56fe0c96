"""Counters of one syslog receiver, kept over its life in ``<data_dir>/state/receivers/<name>.json``
for `govsoc status`.

Every message read off the wire is ``received``; it is then either rejected before the pipeline
(``rejected`` by reason: ``sender_not_allowed`` for a datagram from a sender outside the
allow-list, ``overload`` when the hand-off queue is full, which only UDP can reach since TCP
stops reading instead) or ``accepted``. An accepted message ends ``stored`` (all its events are
in the store), ``spooled`` (the store was down: the spool holds them until it answers),
``store_rejected`` (the store refused one of its events; the reason is in the rejects file) or,
only when the store is down and the spool full at shutdown, ``dropped``. These four count
messages, so that at any quiet moment (nothing in the hand-off queue)::

    received = stored + spooled + store_rejected + dropped + sum(rejected)

for the receiver and for each of its senders (``govsoc status`` shows both). ``records`` counts
the records decoded from them (a syslog message is one record; a NetFlow/IPFIX datagram holds
any number of flow records, or only templates) and ``events`` the events the records became;
``events_stored``, ``events_spooled`` and ``events_dropped`` say what became of those events.
``unit`` names what ``received`` counts: ``message`` (syslog: one per datagram or frame),
``datagram`` (NetFlow/IPFIX over UDP) or ``ipfix message`` (IPFIX over TCP). A NetFlow
listener's datagrams have no outcome of their own (a data set may wait in the decoder for its
template and be stored with a later datagram's records): for those, the message outcomes stay
unset and the events' outcomes are what counts.

At a stop with a backlog, the messages not yet parsed go to the shutdown spool as they arrived
(collectors.receivers.backlog): counted ``spooled`` (they wait for the store) and, of those,
``spooled_unparsed``. The start that parses and stores them counts them ``replayed`` (not
``received`` or ``stored`` again, so each run's sum above still holds). Connections
refused before any message was read (a sender outside the allow-list, ``too_many_connections``,
a failed ``tls_handshake``) are counted apart, by reason, in ``refused``: they carry no message.

Beside them: ``truncated`` (over the message size limit), ``decoded_gb18030`` and
``decode_replaced`` (charset fall-backs), ``parse_failures``, ``framing_errors`` and
``skipped_bytes`` (RFC 6587 framing: bytes neither framing explains), ``connections`` and, for
UDP, ``kernel_drops``: datagrams the kernel dropped because the socket's receive buffer was
full (the ``drops`` column of /proc/net/udp), which no application-level count can see.

For UDP, ``received + kernel_drops`` is what reached the host; a sender's count minus it is
what the network lost before the host.

Per sender (address), the messages and bytes received, when it was last heard (a device that
went silent shows: `govsoc status --senders`) and what became of its messages. At most
MAX_SENDERS addresses are kept; messages from further ones are counted under ``other`` (a
flood from spoofed UDP addresses cannot grow the table).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

__all__ = ["COUNTERS", "MAX_SENDERS", "OTHER", "OUTCOMES", "REFUSE_REASONS", "REJECT_REASONS", "ReceiverCounters",
           "load_counters"]

COUNTERS = ("received", "bytes", "accepted", "events", "stored", "spooled", "store_rejected", "dropped",
            "truncated", "decoded_gb18030", "decode_replaced", "parse_failures", "framing_errors",
            "skipped_bytes", "connections", "kernel_drops", "records", "events_stored", "events_spooled",
            "events_dropped", "spooled_unparsed", "replayed")
REJECT_REASONS = ("sender_not_allowed", "overload")
#: Why a connection was refused before any message was read from it.
REFUSE_REASONS = ("sender_not_allowed", "too_many_connections", "tls_handshake")
#: What became of a sender's accepted messages (the delivery side's per-sender counts).
OUTCOMES = ("stored", "spooled", "store_rejected", "dropped")
#: Senders tracked one by one per receiver; the rest are counted together as OTHER.
MAX_SENDERS = 4096
OTHER = "other"


@dataclass(slots=True)
class ReceiverCounters:
    """One receiver's counters (see the module docstring). Each counter is increased by one
    thread only (the network side or the delivery side), so no lock is needed."""

    name: str
    transport: str
    listen: str
    received: int = 0
    bytes: int = 0
    accepted: int = 0
    events: int = 0
    stored: int = 0
    spooled: int = 0
    store_rejected: int = 0
    dropped: int = 0
    truncated: int = 0
    decoded_gb18030: int = 0
    decode_replaced: int = 0
    parse_failures: int = 0
    framing_errors: int = 0
    skipped_bytes: int = 0
    connections: int = 0
    kernel_drops: int = 0
    records: int = 0
    events_stored: int = 0
    events_spooled: int = 0
    events_dropped: int = 0
    spooled_unparsed: int = 0
    replayed: int = 0
    #: What ``received`` counts (module docstring).
    unit: str = "message"
    rejected: dict[str, int] = field(default_factory=dict)
    refused: dict[str, int] = field(default_factory=dict)
    #: Sender address -> [messages, bytes, last heard (epoch seconds), rejected], this run (the
    #: network side's counts).
    senders: dict[str, list[float]] = field(default_factory=dict)
    #: Sender address (as in ``senders``) -> counts in the order of OUTCOMES, this run (the
    #: delivery side's).
    outcomes: dict[str, list[int]] = field(default_factory=dict)
    #: False once the listener's thread or socket died while the process runs on.
    listening: bool = True
    problem: str = ""
    #: Counts of earlier runs, added to this run's when saved.
    before: dict[str, Any] = field(default_factory=dict)
    since: str = ""
    started: str = ""
    address: str = ""

    def reject(self, reason: str, host: str | None = None) -> None:
        """Count one message from ``host`` rejected for ``reason`` (after ``heard``)."""
        self.rejected[reason] = self.rejected.get(reason, 0) + 1
        if host is not None:
            entry = self.senders.get(host) or self.senders.get(OTHER)
            if entry is not None:
                entry[3] += 1

    def refuse(self, reason: str) -> None:
        """Count one connection refused for ``reason`` before it carried a message."""
        self.refused[reason] = self.refused.get(reason, 0) + 1

    def heard(self, host: str, messages: int, size: int, at: float) -> None:
        """Count ``messages`` (``size`` bytes) from the sender at ``host``, heard at ``at``."""
        entry = self.senders.get(host)
        if entry is None:
            if len(self.senders) >= MAX_SENDERS - 1:  # one place stays for OTHER
                host = OTHER
            entry = self.senders.setdefault(host, [0, 0, at, 0])
        entry[0] += messages
        entry[1] += size
        entry[2] = at

    def ended(self, host: str, outcome: int, messages: int = 1) -> None:
        """Count ``messages`` of ``host`` (a delivery-side count) as OUTCOMES[outcome]."""
        key = host if host in self.senders else OTHER  # where the network side counted it
        entry = self.outcomes.get(key)
        if entry is None:
            entry = self.outcomes[key] = [0] * len(OUTCOMES)
        entry[outcome] += messages

    def replayed_as(self, host: str, outcome: int, messages: int = 1) -> None:
        """``messages`` of ``host`` an earlier run counted spooled at its stop (unparsed, in the
        shutdown spool) were replayed and ended OUTCOMES[outcome]: moved there, so that the life
        totals say what became of them (R11v-5: "stored 32000, spooled 68000" for ever, with
        100,000 stored). Never more than the life's spooled count (a replay made again after a
        start killed in the middle of one moves nothing twice)."""
        spooled = OUTCOMES.index("spooled")
        left = int((self.before.get("counters") or {}).get("spooled", 0)) + self.spooled
        messages = min(messages, left)
        if outcome == spooled or messages <= 0:
            return
        known = host in self.senders or host in (self.before.get("senders") or {})
        entry = self.outcomes.setdefault(host if known else OTHER, [0] * len(OUTCOMES))
        entry[spooled] -= messages
        entry[outcome] += messages
        self.spooled -= messages
        setattr(self, OUTCOMES[outcome], getattr(self, OUTCOMES[outcome]) + messages)

    def sender_totals(self) -> dict[str, dict[str, Any]]:
        """Per sender over the receiver's life: messages, bytes, last heard (ISO 8601 UTC),
        rejected and the OUTCOMES of the accepted ones."""
        merged: dict[str, dict[str, Any]] = {host: dict(value) for host, value in
                                             (self.before.get("senders") or {}).items() if isinstance(value, dict)}
        numbers = ("messages", "bytes", "rejected", *OUTCOMES)
        for host, (messages, size, at, rejected) in list(self.senders.items()):
            entry = merged.setdefault(host, {"last_heard": ""})
            for name, value in (("messages", messages), ("bytes", size), ("rejected", rejected)):
                entry[name] = int(entry.get(name, 0)) + int(value)
            entry["last_heard"] = datetime.fromtimestamp(at, UTC).isoformat(timespec="seconds")
        for host, counts in list(self.outcomes.items()):
            entry = merged.setdefault(host, {"last_heard": ""})
            for name, value in zip(OUTCOMES, counts, strict=True):
                entry[name] = int(entry.get(name, 0)) + value
        for entry in merged.values():
            for name in numbers:
                entry[name] = int(entry.get(name, 0))
        if len(merged) > MAX_SENDERS:  # the least recently heard go into OTHER
            keep = sorted(merged, key=lambda h: str(merged[h].get("last_heard", "")), reverse=True)[:MAX_SENDERS - 1]
            keep = [host for host in keep if host != OTHER]
            dropped = [merged[host] for host in set(merged) - set(keep)]
            other: dict[str, Any] = {name: sum(int(e.get(name, 0)) for e in dropped) for name in numbers}
            other["last_heard"] = max(str(e.get("last_heard", "")) for e in dropped)
            merged = {host: merged[host] for host in keep} | {OTHER: other}
        return merged

    def totals(self) -> dict[str, Any]:
        """Counters over the receiver's life: earlier runs plus this one."""
        earlier = self.before.get("counters", {})
        counts = {name: int(earlier.get(name, 0)) + getattr(self, name) for name in COUNTERS}
        rejected_before = self.before.get("rejected", {})
        rejected = {reason: int(rejected_before.get(reason, 0)) + self.rejected.get(reason, 0)
                    for reason in sorted(set(rejected_before) | set(self.rejected))}
        refused_before = self.before.get("refused", {})
        refused = {reason: int(refused_before.get(reason, 0)) + self.refused.get(reason, 0)
                   for reason in sorted(set(refused_before) | set(self.refused))}
        return {"counters": counts, "rejected": rejected, "refused": refused}

    def save(self, folder: Path, *, running: bool) -> None:
        """Write the life totals to ``folder``/<name>.json (atomically; counts, so no fsync)."""
        folder.mkdir(parents=True, exist_ok=True)
        now = datetime.now(UTC).isoformat(timespec="seconds")
        data = {"name": self.name, "transport": self.transport, "listen": self.listen, "address": self.address,
                "unit": self.unit,
                "since": self.since or self.started, "started": self.started, "updated": now,
                "running": running, "listening": running and self.listening, "problem": self.problem,
                "pid": os.getpid(), **self.totals(), "senders": self.sender_totals()}
        temp = folder / f".{self.name}.{os.getpid()}.tmp"
        temp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(temp, folder / f"{self.name}.json")

    @classmethod
    def resume(cls, folder: Path, name: str, transport: str, listen: str) -> ReceiverCounters:
        """Counters for a new run of receiver ``name``, on top of what its earlier runs saved."""
        earlier = next((d for d in load_counters(folder) if d.get("name") == name), {})
        now = datetime.now(UTC).isoformat(timespec="seconds")
        return cls(name=name, transport=transport, listen=listen, before=earlier,
                   since=str(earlier.get("since") or now), started=now)


def load_counters(folder: Path) -> list[dict[str, Any]]:
    """Every receiver's saved counters, by name (unreadable files are skipped)."""
    found: list[dict[str, Any]] = []
    for path in sorted(Path(folder).glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict) and isinstance(data.get("counters"), dict):
            found.append(data)
    return found
