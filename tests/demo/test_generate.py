"""The demo city generator (govsoc.demo): the same seed gives the same bytes, every log file is
read by its collector without a failure and yields the records the ground truth says were written
(the pcap and NetFlow are counted in test_run.py, through the receivers),
attack addresses belong to their attack only, and the planted identity numbers are valid by
GB 11643-1999's own example."""

from __future__ import annotations

import csv
import hashlib
from datetime import date
from pathlib import Path

import pytest

from govsoc.collectors import ingest_file
from govsoc.core.inventory import Inventory
from govsoc.demo import generate_day
from govsoc.demo.generate import CSV_FILE, read_datagrams
from govsoc.demo.people import check_char
from govsoc.store.sqlite import SqliteStore

#: Each written file and the parser that reads it (traffic/ and data/ are checked apart).
PARSERS = {
    "servers/auth.log": "linux.auth", "web/nginx_access.log": "nginx.access", "web/apache_access.log": "apache.access",
    "devices/huawei_usg.log": "huawei", "devices/h3c_f1070.log": "h3c", "devices/sangfor_af.log": "sangfor.af",
    "cloud/actiontrail.json": "alibaba.actiontrail", "cloud/huaweicloud_cts.json": "huaweicloud.cts",
    "cloud/k8s_audit.log": "kubernetes.audit",
}


def digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_same_seed_same_day_same_bytes(tmp_path: Path) -> None:
    one = generate_day(tmp_path / "a", seed=7, scale="small", day=date(2026, 3, 2))
    two = generate_day(tmp_path / "b", seed=7, scale="small", day=date(2026, 3, 2))
    other = generate_day(tmp_path / "c", seed=8, scale="small", day=date(2026, 3, 2))
    assert digest(one.folder) == digest(two.folder)
    assert digest(one.folder) != digest(other.folder)
    assert set(digest(one.folder)) == {*PARSERS, CSV_FILE, "traffic/yzw_border.pcap", "traffic/netflow.dat",
                                       "inventory.yaml", "ground_truth.json"}


def test_gb11643_check_character() -> None:
    # the standard's own example (GB 11643-1999 annex): 11010519491231002X
    assert check_char("11010519491231002") == "X"


def test_every_file_is_read_whole_by_its_collector(tmp_path: Path) -> None:
    day = generate_day(tmp_path / "day", seed=11, scale="small")
    store = SqliteStore(tmp_path / "events.db")
    inventory = Inventory.load(day.inventory)
    try:
        for name, parser in PARSERS.items():
            summary = ingest_file(day.path(name), parser_id=parser, store=store, data_dir=tmp_path / "state",
                                  inventory=inventory, timezone="Asia/Shanghai", year=day.day.year)
            assert (summary.receipt.created, summary.parse_failures) == (day.truth.records[name], 0), name
    finally:
        store.close()
    assert len(list(read_datagrams(day.path("traffic/netflow.dat")))) == day.truth.records["traffic/netflow.dat"]
    with day.path(CSV_FILE).open(encoding="utf-8") as f:
        ids = [row["身份证号"] for row in csv.DictReader(f)]
    assert len(ids) == day.truth.records[CSV_FILE] and all(check_char(i[:17]) == i[17] for i in ids)


def test_attack_addresses_are_the_attacks_own(tmp_path: Path) -> None:
    day = generate_day(tmp_path / "day", seed=3, scale="small")
    texts = {name: day.path(name).read_bytes().decode("gbk" if "sangfor" in name else "utf-8") for name in PARSERS}
    for attack in day.truth.attacks:
        assert attack.ips or attack.names, attack.id
        for ip in attack.ips:
            holders = {name for name, text in texts.items() if ip in text}
            # the address appears only in the attack's own file (traffic is checked by its count)
            assert holders <= {attack.source}, (attack.id, ip, holders)
    ids = [a.id for a in day.truth.attacks]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("scale", ["small", "city"])
def test_scale_sizes(scale: str, tmp_path: Path) -> None:
    day = generate_day(tmp_path / scale, scale=scale)
    agencies = len(day.city.agencies)
    assert agencies == {"small": 12, "city": 300}[scale]
    assert len({a.subnet for a in day.city.agencies}) == agencies
    assert sum(1 for s in day.city.systems if s.level == 3) >= {"small": 8, "city": 30}[scale]
