"""The ground truth of a demo day: every attack the generator planted (with what identifies its
events) and every piece of personal data it planted (where, how many).

Alerts are matched to attacks by their events, not by rule names: an alert belongs to an attack
when one of its events has a source address, a device or host name or a user name the attack
owns (each attack gets addresses and names no background record uses). An alert that belongs
to no attack is a false positive of the rules on that day.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

__all__ = ["Attack", "PlantedData", "GroundTruth"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Attack:
    """One attack or finding planted in the day."""

    id: str  # stable: ssh-bruteforce, huawei-scan, ...
    kind: str  # brute force, scan, web attack, exfiltration, weak crypto, cleartext, cloud misconfiguration, ...
    title: str  # in Chinese, for the console table
    source: str  # the file the records are in (relative to the day's folder)
    channel: str  # how the demo feeds them: file, syslog-udp, syslog-tcp, netflow, pcap
    start: datetime
    records: int  # records planted
    ips: frozenset[str] = frozenset()  # source addresses only this attack uses
    names: frozenset[str] = frozenset()  # user, host or device names only this attack uses
    #: Pack rules (file names under rules/packs/egov) written for this kind of record; the attack
    #: is expected to raise an alert when one of them is in the pack.
    rules: tuple[str, ...] = ()

    def owns(self, fields: Mapping[str, Any]) -> bool:
        """Whether an event (its ECS fields) is one of this attack's."""
        for key in ("source.ip", "client.ip"):
            if fields.get(key) in self.ips:
                return True
        for key in ("user.name", "host.name", "host.hostname", "observer.name", "cloud.account.name"):
            value = fields.get(key)
            if isinstance(value, str) and value in self.names:
                return True
        return False

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"id": self.id, "kind": self.kind, "title": self.title, "source": self.source,
                "channel": self.channel, "start": self.start.isoformat(), "records": self.records,
                "ips": sorted(self.ips), "names": sorted(self.names), "rules": list(self.rules)}


@dataclass(frozen=True, slots=True, kw_only=True)
class PlantedData:
    """Personal data planted in one place: ``count`` values of ``entity`` (a recognizer id)."""

    source: str  # file, relative to the day's folder
    entity: str  # cn_resident_id, cn_mobile_phone, ...
    count: int
    column: str | None = None  # the CSV column that holds them (None: inside log lines)

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"source": self.source, "entity": self.entity, "count": self.count, "column": self.column}


@dataclass(slots=True)
class GroundTruth:
    """All attacks and personal data of a day, and the records written per file."""

    attacks: list[Attack] = field(default_factory=list)
    planted: list[PlantedData] = field(default_factory=list)
    records: dict[str, int] = field(default_factory=dict)  # file -> records written (lines, packets, datagrams)
    #: file -> the events its collector stores: one a line; a flow per TCP connection or DNS
    #: query of the pcap; a flow per NetFlow/IPFIX record.
    events: dict[str, int] = field(default_factory=dict)

    def attack(self, ident: str) -> Attack:
        """The attack with this id."""
        return next(a for a in self.attacks if a.id == ident)

    def owner(self, events: Iterable[Mapping[str, Any]]) -> Attack | None:
        """The attack the events belong to (the first event one owns), or None."""
        for fields in events:
            for attack in self.attacks:
                if attack.owns(fields):
                    return attack
        return None

    def to_dict(self) -> dict[str, Any]:
        """JSON form (ground_truth.json beside the day's files)."""
        return {"attacks": [a.to_dict() for a in self.attacks], "planted": [p.to_dict() for p in self.planted],
                "records": dict(sorted(self.records.items())), "events": dict(sorted(self.events.items()))}
