"""Counters of one syslog receiver, kept over its life in ``<data_dir>/state/receivers/<name>.json``
for `govsoc status`.

Every message read off the wire is ``received``; it is then either rejected before the pipeline
(``rejected`` by reason: ``sender_not_allowed``, ``overload`` when the hand-off queue is full,
which only UDP can reach since TCP stops reading instead, ``too_many_connections``) or
``accepted``. Accepted messages become events that are ``stored``, ``spooled`` (store down),
refused by the store (``store_rejected``, with the reason in the rejects file) or, only when the
store is down and the spool full at shutdown, ``dropped``. Beside them: ``truncated`` (over the
message size limit), ``decoded_gb18030`` and ``decode_replaced`` (charset fall-backs),
``parse_failures``, ``framing_errors`` and ``skipped_bytes`` (RFC 6587 framing), ``connections``
and, for UDP, ``kernel_drops``: datagrams the kernel dropped because the socket's receive buffer
was full (the ``drops`` column of /proc/net/udp), which no application-level count can see.

For UDP, ``received + kernel_drops`` is what reached the host; a sender's count minus it is
what the network lost before the host.

Per sender (address), the messages and bytes received and when it was last heard, so that a
device that went silent shows (`govsoc status --senders`). At most MAX_SENDERS addresses are
kept; messages from further ones are counted under ``other`` (a flood from spoofed UDP
addresses cannot grow the table).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

__all__ = ["COUNTERS", "MAX_SENDERS", "OTHER", "REJECT_REASONS", "ReceiverCounters", "load_counters"]

COUNTERS = ("received", "bytes", "accepted", "events", "stored", "spooled", "store_rejected", "dropped",
            "truncated", "decoded_gb18030", "decode_replaced", "parse_failures", "framing_errors",
            "skipped_bytes", "connections", "kernel_drops")
REJECT_REASONS = ("sender_not_allowed", "overload", "too_many_connections", "tls_handshake")
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
    rejected: dict[str, int] = field(default_factory=dict)
    #: Sender address -> [messages, bytes, last heard (epoch seconds)], this run.
    senders: dict[str, list[float]] = field(default_factory=dict)
    #: Counts of earlier runs, added to this run's when saved.
    before: dict[str, Any] = field(default_factory=dict)
    since: str = ""
    started: str = ""
    address: str = ""

    def reject(self, reason: str, count: int = 1) -> None:
        """Count ``count`` messages (or connections) rejected for ``reason``."""
        self.rejected[reason] = self.rejected.get(reason, 0) + count

    def heard(self, host: str, messages: int, size: int, at: float) -> None:
        """Count ``messages`` (``size`` bytes) from the sender at ``host``, heard at ``at``."""
        entry = self.senders.get(host)
        if entry is None:
            if len(self.senders) >= MAX_SENDERS - 1:  # one place stays for OTHER
                host = OTHER
            entry = self.senders.setdefault(host, [0, 0, at])
        entry[0] += messages
        entry[1] += size
        entry[2] = at

    def sender_totals(self) -> dict[str, dict[str, Any]]:
        """Per sender over the receiver's life: messages, bytes, last heard (ISO 8601 UTC)."""
        merged: dict[str, dict[str, Any]] = {host: dict(value) for host, value in
                                             (self.before.get("senders") or {}).items() if isinstance(value, dict)}
        for host, (messages, size, at) in list(self.senders.items()):
            entry = merged.setdefault(host, {"messages": 0, "bytes": 0, "last_heard": ""})
            entry["messages"] = int(entry.get("messages", 0)) + int(messages)
            entry["bytes"] = int(entry.get("bytes", 0)) + int(size)
            entry["last_heard"] = datetime.fromtimestamp(at, UTC).isoformat(timespec="seconds")
        if len(merged) > MAX_SENDERS:  # the least recently heard go into OTHER
            keep = sorted(merged, key=lambda h: str(merged[h].get("last_heard", "")), reverse=True)[:MAX_SENDERS - 1]
            dropped = [merged[host] for host in set(merged) - set(keep)]
            other = {"messages": sum(int(e.get("messages", 0)) for e in dropped),
                     "bytes": sum(int(e.get("bytes", 0)) for e in dropped),
                     "last_heard": max(str(e.get("last_heard", "")) for e in dropped)}
            merged = {host: merged[host] for host in keep} | {OTHER: other}
        return merged

    def totals(self) -> dict[str, Any]:
        """Counters over the receiver's life: earlier runs plus this one."""
        earlier = self.before.get("counters", {})
        counts = {name: int(earlier.get(name, 0)) + getattr(self, name) for name in COUNTERS}
        rejected_before = self.before.get("rejected", {})
        rejected = {reason: int(rejected_before.get(reason, 0)) + self.rejected.get(reason, 0)
                    for reason in sorted(set(rejected_before) | set(self.rejected))}
        return {"counters": counts, "rejected": rejected}

    def save(self, folder: Path, *, running: bool) -> None:
        """Write the life totals to ``folder``/<name>.json (atomically; counts, so no fsync)."""
        folder.mkdir(parents=True, exist_ok=True)
        now = datetime.now(UTC).isoformat(timespec="seconds")
        data = {"name": self.name, "transport": self.transport, "listen": self.listen, "address": self.address,
                "since": self.since or self.started, "started": self.started, "updated": now,
                "running": running, "pid": os.getpid(), **self.totals(), "senders": self.sender_totals()}
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
