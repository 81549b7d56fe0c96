"""The asset inventory: longest-prefix zones and systems, enrichment, located errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from govsoc.core.errors import ConfigError
from govsoc.core.inventory import AssetContext, Inventory

INVENTORY = """\
agencies:
  - {id: dsj, name: 市大数据管理局}
  - {id: gaj, name: 市公安局}
zones:
  - {name: 政务外网, kind: extranet, cidrs: [10.0.0.0/8]}
  - {name: 政务云, kind: cloud, cidrs: [10.20.0.0/16, "fd00:20::/32"]}
systems:
  - name: 一网通办门户
    agency: dsj
    level: 3
    addresses: [10.20.1.0/24]
    hosts: [portal-web-01]
    endpoints:
      - {host: 10.20.1.5, port: 443, protocol: https, kind: web, server_name: www.example.gov.cn}
  - name: 门户数据库
    agency: dsj
    level: 3
    addresses: [10.20.1.10/32]
  - name: 档案系统
    level: 2
    hosts: [dagl-app-01]
"""


@pytest.fixture
def inventory(tmp_path: Path) -> Inventory:
    path = tmp_path / "inventory.yaml"
    path.write_text(INVENTORY, encoding="utf-8")
    return Inventory.load(path)


@pytest.mark.parametrize(("address", "host", "expected"), [
    ("10.1.2.3", None, AssetContext(zone="政务外网")),                          # the wider zone
    ("10.20.9.9", None, AssetContext(zone="政务云")),                            # the narrower zone wins
    ("10.20.1.5", None, AssetContext("政务云", "市大数据管理局", "一网通办门户", 3)),  # a system's range
    ("10.20.1.10", None, AssetContext("政务云", "市大数据管理局", "门户数据库", 3)),   # the /32 wins over /24
    ("fd00:20::5", None, AssetContext(zone="政务云")),                           # IPv6
    ("8.8.8.8", None, AssetContext(zone="internet")),                          # outside every zone
    # host names, any case; the zone is the zone of the system's addresses (review r18c finding 9)
    (None, "PORTAL-WEB-01", AssetContext("政务云", "市大数据管理局", "一网通办门户", 3)),
    (None, "dagl-app-01", AssetContext("unknown", None, "档案系统", 2)),  # a system that lists no address
    ("not-an-ip", None, None),
])
def test_lookup(inventory: Inventory, address: str | None, host: str | None, expected: AssetContext | None) -> None:
    assert inventory.lookup(address=address, host=host) == expected


@pytest.mark.parametrize(("fields", "system", "zone"), [
    # an Apache vhost_combined line: the vhost is an endpoint's server_name
    ({"source.ip": "10.1.2.3", "destination.domain": "WWW.example.gov.cn"}, "一网通办门户", "政务云"),
    # a switch's own log (a login to the device): its name, with no address in the event
    ({"source.ip": "10.1.2.3", "observer.name": "dagl-app-01"}, "档案系统", "unknown"),
    # a firewall's traffic log: the destination is the asset, not the device that saw it
    ({"source.ip": "10.1.2.3", "destination.ip": "10.20.1.10", "observer.name": "dagl-app-01"}, "门户数据库", "政务云"),
    # an nginx access line names only its client: the client is the source, never the asset
    ({"source.ip": "10.20.1.7"}, None, None),
])
def test_attribution_order(inventory: Inventory, fields: dict[str, str], system: str | None,
                           zone: str | None) -> None:
    out = inventory.enrich(fields)
    assert out.get("govsoc.system") == system and out.get("govsoc.zone") == zone, out


def test_a_file_named_to_its_host_is_attributed(inventory: Inventory, tmp_path: Path) -> None:
    # `govsoc ingest --host portal-web-01` of an nginx access log: each event gets that host.name
    from govsoc.collectors.pipeline import IngestOptions, Pipeline
    from govsoc.store.base import Query
    from govsoc.store.sqlite import SqliteStore

    log = tmp_path / "access.log"
    log.write_text('10.1.2.3 - - [29/Nov/2026:10:00:00 +0800] "GET / HTTP/1.1" 200 512 "-" "curl"\n'
                   'host-in-line - - [29/Nov/2026:10:00:01 +0800] "GET / HTTP/1.1" 200 512 "-" "curl"\n',
                   encoding="utf-8")
    with SqliteStore(tmp_path / "events.db") as store:
        pipeline = Pipeline(store, data_dir=tmp_path, inventory=inventory)
        summary = pipeline.ingest_file(log, IngestOptions(parser="nginx.access", host="portal-web-01"))
        pipeline.drain()
        store.refresh()
        assert summary.receipt.created >= 1
        found = [e.fields for e in store.search(Query())]
    assert found and all(f.get("host.name") == "portal-web-01" and f.get("govsoc.system") == "一网通办门户"
                         and f.get("govsoc.zone") == "政务云" for f in found if f.get("event.kind") != "pipeline_error")


def test_enrich_describes_the_asset_and_the_source_zone(inventory: Inventory) -> None:
    fields = {"source.ip": "203.0.113.9", "destination.ip": "10.20.1.5"}
    assert inventory.enrich(fields) == {
        "govsoc.zone": "政务云", "govsoc.agency": "市大数据管理局", "govsoc.system": "一网通办门户",
        "govsoc.dengbao_level": 3, "govsoc.source_zone": "internet", "govsoc.source_zone_kind": "internet",
        "govsoc.zone_kind": "cloud"}
    assert inventory.enrich({"host.name": "other"}) == {}


def test_errors_name_line_and_key(tmp_path: Path) -> None:
    path = tmp_path / "inventory.yaml"
    too_high = INVENTORY.replace("level: 3\n    addresses: [10.20.1.0/24]", "level: 9\n    addresses: [10.20.1.0/24]")
    path.write_text(too_high, encoding="utf-8")
    with pytest.raises(ConfigError, match=rf"^{path}:10:12 systems\.0\.level: .*less than or equal to 5"):
        Inventory.load(path)
    path.write_text(INVENTORY.replace("agency: dsj\n    level: 3\n    addresses: [10.20.1.0/24]",
                                      "agency: nobody\n    level: 3\n    addresses: [10.20.1.0/24]"), encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown agency 'nobody'"):
        Inventory.load(path)


LINKS = """\
agencies:
  - {id: dsj, name: 市大数据管理局, allow_from: ["*"]}
  - {id: gaj, name: 市公安局, allow_from: [wjw]}
  - {id: wjw, name: 市卫健委}
  - {id: jyj, name: 市教育局}
zones:
  - {name: 政务外网, kind: extranet, cidrs: [10.0.0.0/8]}
  - {name: 公安局专网, kind: intranet, cidrs: [10.12.0.0/16], agency: gaj}
  - {name: 卫健委办公网, kind: intranet, cidrs: [10.13.0.0/16], agency: wjw}
  - {name: 教育局办公网, kind: intranet, cidrs: [10.14.0.0/16], agency: jyj}
  - {name: 运维管理区, kind: management, cidrs: [10.99.0.0/24]}
systems:
  - name: 数据共享平台
    agency: dsj
    level: 3
    addresses: [10.20.1.0/24]
    endpoints:
      - {host: 10.20.1.6, port: 443, protocol: https, kind: api, expects: [tlcp]}
      - {host: 10.20.1.7, port: 443, protocol: https, kind: web, expects: [tlcp, tls]}
"""


@pytest.mark.parametrize(("source", "destination", "port", "expected"), [
    # the health commission may reach the police's zone (gaj allows wjw); the education bureau may not
    ("10.13.0.5", "10.12.0.9", 443, {"govsoc.source_agency": "市卫健委", "govsoc.agency_link": "allowed"}),
    ("10.14.0.5", "10.12.0.9", 443, {"govsoc.source_agency": "市教育局", "govsoc.agency_link": "not-allowed"}),
    # every agency may reach the big-data bureau's system (allow_from "*"), and within one agency it is "same"
    ("10.14.0.5", "10.20.1.9", 443, {"govsoc.source_agency": "市教育局", "govsoc.agency_link": "allowed"}),
    ("10.12.0.5", "10.12.0.9", 443, {"govsoc.source_agency": "市公安局", "govsoc.agency_link": "same"}),
    # an SM-only endpoint requires SM; one that also speaks plain TLS, or another port, does not
    ("203.0.113.9", "10.20.1.6", 443, {"govsoc.required_crypto": "sm"}),
    ("203.0.113.9", "10.20.1.7", 443, {}),
    ("203.0.113.9", "10.20.1.6", 8443, {}),
])
def test_enrich_agency_links_and_required_crypto(tmp_path: Path, source: str, destination: str, port: int,
                                                 expected: dict[str, str]) -> None:
    path = tmp_path / "inventory.yaml"
    path.write_text(LINKS, encoding="utf-8")
    found = Inventory.load(path).enrich({"source.ip": source, "destination.ip": destination,
                                         "destination.port": port})
    keys = {"govsoc.source_agency", "govsoc.agency_link", "govsoc.required_crypto"}
    assert {k: v for k, v in found.items() if k in keys} == expected


def test_enrich_zone_kinds(inventory: Inventory) -> None:
    found = inventory.enrich({"source.ip": "203.0.113.9", "destination.ip": "10.1.2.3"})
    assert (found["govsoc.source_zone_kind"], found["govsoc.zone_kind"]) == ("internet", "extranet")


def test_every_error_of_the_file_is_named_with_its_line(tmp_path: Path) -> None:
    # R49a-7: two errors gave the first alone; the second showed only once the first was fixed
    path = tmp_path / "inventory.yaml"
    two = INVENTORY.replace("level: 3\n    addresses: [10.20.1.0/24]", "level: 9\n    addresses: [10.20.1.0/24]")
    path.write_text(two.replace("    level: 2\n", "    level: 0\n"), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        Inventory.load(path)
    lines = str(caught.value).splitlines()
    assert len(lines) == 2, lines
    assert lines[0].startswith(f"{path}:10:12 systems.0.level: ") and "less than or equal to 5" in lines[0]
    assert lines[1].startswith(f"{path}:20:12 systems.2.level: ") and "greater than or equal to 1" in lines[1]
