"""One demo day of a city, written to a folder: :func:`generate_day`.

The folder holds ``inventory.yaml`` (core.inventory), ``ground_truth.json`` (demo.truth), the
logs by source (servers/, web/, devices/, cloud/), the traffic (traffic/*.pcap and
traffic/netflow.dat: NetFlow/IPFIX datagrams, each a 4-byte big-endian length then its bytes)
and a CSV export with citizens' personal data (data/). The same seed, scale and day give the
same bytes, so a rule pack's false positives can be counted on a fixed day (issue 17).
"""

from __future__ import annotations

import csv
import io
import json
import random
import struct
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import yaml

from govsoc.demo.city import City, Scale, build_city
from govsoc.demo.cloud import cloud_day
from govsoc.demo.day import ZONE, Day
from govsoc.demo.devices import device_day
from govsoc.demo.logs import server_day, web_day
from govsoc.demo.people import address, mobile, person_name, resident_id
from govsoc.demo.traffic import NETFLOW, PCAP, traffic_day
from govsoc.demo.truth import GroundTruth, PlantedData

__all__ = ["DemoDay", "generate_day", "read_datagrams", "CSV_FILE"]

CSV_FILE = "data/ywtb_applicants.csv"
MATTERS = ("最低生活保障申请", "不动产登记", "居住证办理", "公积金提取", "医保异地备案", "残疾人证申领")


@dataclass(frozen=True, slots=True)
class DemoDay:
    """A written demo day: its folder, city, calendar day and ground truth."""

    folder: Path
    city: City
    day: date
    truth: GroundTruth
    inventory: Path
    datagrams: list[bytes] = field(repr=False)

    @property
    def start(self) -> datetime:
        """The day's first instant (Asia/Shanghai)."""
        return datetime.combine(self.day, datetime.min.time(), ZONE)

    @property
    def end(self) -> datetime:
        """The next day's first instant."""
        return self.start + timedelta(days=1)

    def path(self, name: str) -> Path:
        """A file of the day by its relative name (as the truth names it)."""
        return self.folder / name


def generate_day(folder: Path, *, seed: int = 2026, scale: str | Scale = "city", day: date | None = None,
                 probe_endpoints: Mapping[str, tuple[str, int]] | None = None,
                 trust_anchors: Sequence[str] = ()) -> DemoDay:
    """Write one day of a city into ``folder`` (created) and return it with its ground truth.

    ``day`` defaults to 2026-11-29; ``probe_endpoints`` (role -> host, port; see
    demo.city.PROBE_ROLES) points the 密评 endpoints of four systems at real servers, whose
    certificates chain to ``trust_anchors`` (files beside the inventory, which declares them)."""
    city = build_city(seed, scale)
    the_day = Day(city=city, day=day or date(2026, 11, 29), rng=random.Random(f"{seed}-{the_day_key(day)}"))
    folder.mkdir(parents=True, exist_ok=True)
    server_day(the_day)
    web_day(the_day)
    device_day(the_day)
    cloud_day(the_day)
    pcap, datagrams = traffic_day(the_day)
    the_day.write(folder)
    (folder / PCAP).parent.mkdir(parents=True, exist_ok=True)
    (folder / PCAP).write_bytes(pcap)
    (folder / NETFLOW).write_bytes(b"".join(struct.pack("!I", len(d)) + d for d in datagrams))
    _applicants(the_day, folder / CSV_FILE)
    inventory = folder / "inventory.yaml"
    inventory.write_text(yaml.safe_dump(city.inventory(dict(probe_endpoints or {}), trust_anchors), allow_unicode=True,
                                        sort_keys=False), encoding="utf-8")
    truth = the_day.truth
    (folder / "ground_truth.json").write_text(json.dumps(truth.to_dict(), ensure_ascii=False, indent=1),
                                              encoding="utf-8")
    return DemoDay(folder=folder, city=city, day=the_day.day, truth=truth, inventory=inventory, datagrams=datagrams)


def the_day_key(day: date | None) -> str:
    """The part of the random seed that comes from the day."""
    return (day or date(2026, 11, 29)).isoformat()


def _applicants(day: Day, path: Path) -> None:
    """The portal's export of applicants: names, ID and mobile numbers, addresses."""
    rng = day.rng
    rows = max(50, len(day.city.agencies) * 2)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["申请编号", "申请人姓名", "身份证号", "手机号", "联系地址", "申请事项", "受理日期"])
    for n in range(rows):
        writer.writerow([f"YWTB{day.day:%Y%m%d}{n:05d}", person_name(rng), resident_id(rng), mobile(rng),
                         address(rng), rng.choice(MATTERS), day.day.isoformat()])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    day.truth.records[CSV_FILE] = rows
    day.truth.planted += [PlantedData(source=CSV_FILE, entity="cn_resident_id", count=rows, column="身份证号"),
                          PlantedData(source=CSV_FILE, entity="cn_mobile", count=rows, column="手机号")]


def read_datagrams(path: Path) -> Iterator[bytes]:
    """The datagrams of a traffic/netflow.dat file."""
    data = path.read_bytes()
    at = 0
    while at < len(data):
        (size,) = struct.unpack_from("!I", data, at)
        yield data[at + 4:at + 4 + size]
        at += 4 + size
