"""One demo day being written: records per output file with their times, the attacks planted so
far, and the time formats the sources use (all local to Asia/Shanghai, as the city's devices)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from govsoc.demo.city import City
from govsoc.demo.truth import Attack, GroundTruth

__all__ = ["Day", "ZONE", "syslog_time", "clf_time"]

ZONE = ZoneInfo("Asia/Shanghai")


def syslog_time(when: datetime) -> str:
    """RFC 3164's TIMESTAMP: ``Nov  9 08:01:02`` (day padded with a space)."""
    return f"{when:%b} {when.day:2d} {when:%H:%M:%S}"


def clf_time(when: datetime) -> str:
    """The common log format's time: ``29/Nov/2026:08:01:02 +0800``."""
    return when.strftime("%d/%b/%Y:%H:%M:%S %z")


@dataclass(slots=True)
class Day:
    """The records of one day of a city, by file, before they are written in time order."""

    city: City
    day: date
    rng: random.Random
    truth: GroundTruth = field(default_factory=GroundTruth)
    records: dict[str, list[tuple[datetime, bytes]]] = field(default_factory=dict)
    _used_ips: set[str] = field(default_factory=set)

    def at(self, hour: int, minute: int = 0, second: int = 0) -> datetime:
        """A local time of the day."""
        return datetime.combine(self.day, time(hour, minute, second), ZONE)

    def any_time(self, start_hour: int = 0, end_hour: int = 24) -> datetime:
        """A random time between the two hours (working hours are busier: callers pass 8-18)."""
        span = (end_hour - start_hour) * 3600
        return self.at(start_hour) + timedelta(seconds=self.rng.randrange(span))

    def add(self, file: str, when: datetime, text: str | bytes) -> None:
        """One record (a line, without its newline) of ``file``."""
        data = text.encode("utf-8") if isinstance(text, str) else text
        self.records.setdefault(file, []).append((when, data))

    def public_ip(self) -> str:
        """An internet address no other record of the day uses (attackers get their own)."""
        while True:
            first = self.rng.choice((36, 39, 42, 45, 58, 61, 101, 103, 112, 116, 117, 118, 121, 123, 175, 182, 185,
                                     193, 194, 212, 218, 222))
            ip = f"{first}.{self.rng.randrange(1, 255)}.{self.rng.randrange(0, 255)}.{self.rng.randrange(1, 254)}"
            if ip not in self._used_ips:
                self._used_ips.add(ip)
                return ip

    def plant(self, attack: Attack) -> Attack:
        """Record an attack in the ground truth."""
        self.truth.attacks.append(attack)
        return attack

    def write(self, folder: Path) -> list[Path]:
        """Every file, records in time order (stable for equal times), one per line."""
        written = []
        for name, items in sorted(self.records.items()):
            path = folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            items.sort(key=lambda item: item[0])
            with path.open("wb") as out:
                for _when, data in items:
                    out.write(data + b"\n")
            self.truth.records[name] = self.truth.events[name] = len(items)
            written.append(path)
        return written
