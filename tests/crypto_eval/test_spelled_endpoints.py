"""One endpoint spelt several ways is one probe and one evaluation object (issue 16, third
review, finding 12): 127.0.0.1, 2130706433, 0x7f000001, 0177.0.0.1 and 127.1 are one address
(inet_aton(3), which the resolver and so every connection uses), and listing a channel again
under another spelling moved the score (the reviewer's x/inv6.yaml: `dup-spelled` 77.63 and
`dup-tls` 78.92 against `one` 78.27; an exact duplicate was already merged). The shapes are the
reviewer's: a TLS portal and a plain-HTTP login page, listed once, twice, and spelt differently."""

from __future__ import annotations

import ipaddress
import socket
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from govsoc.classification.tagging import ClassificationTagger
from govsoc.core.event import Event, make_id
from govsoc.core.inventory_model import InventoryModel, System
from govsoc.crypto_eval.evaluate import endpoint_addresses, evaluate_inventory, evaluate_system, unique_targets
from govsoc.crypto_eval.passive import gather_passive
from govsoc.crypto_eval.probes.address import numeric_address, server_name_of
from govsoc.crypto_eval.probes.runner import EndpointReport
from govsoc.store.sqlite import SqliteStore
from tests.servers.certs import CertFiles
from tests.servers.cleartext import http_server
from tests.servers.tls import python_tls_server

#: 127.0.0.1 as inet_aton(3) reads it: four parts, three (the last 16 bits), two (the last 24 bits),
#: one 32-bit number, decimal, octal (leading 0) and hexadecimal (0x).
SPELLINGS = ["127.0.0.1", "2130706433", "0x7f000001", "0177.0.0.1", "127.1", "127.0.1", "0x7f.0.0.0x1"]


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_every_spelling_is_the_address_the_resolver_reads(spelling: str) -> None:
    # the peer: what the C library's resolver (getaddrinfo, used by every connect) makes of it
    peer = socket.getaddrinfo(spelling, None, socket.AF_INET, socket.SOCK_STREAM)[0][4][0]
    assert numeric_address(spelling) == peer == "127.0.0.1"
    assert server_name_of(spelling, None) is None  # an address is never sent as SNI (RFC 6066 §3)


@pytest.mark.parametrize("spelling", ["::ffff:127.0.0.1", "[::ffff:7f00:1]", "0:0:0:0:0:ffff:7f00:1"])
def test_an_ipv4_mapped_ipv6_address_is_the_ipv4_address(spelling: str) -> None:
    # RFC 4291 2.5.5.2 (fourth review, finding 11): the peer is the ipaddress module's own mapping
    peer = ipaddress.IPv6Address(spelling.strip("[]")).ipv4_mapped
    assert numeric_address(spelling) == str(peer) == "127.0.0.1"


@pytest.mark.parametrize("host", ["portal.gov.cn", "cafe.be", "add.1", "localhost"])
def test_host_names_are_not_addresses(host: str) -> None:
    assert numeric_address(host) is None and server_name_of(host, None) == host


def _systems(*systems: dict[str, Any]) -> list[System]:
    return list(InventoryModel.model_validate({"systems": list(systems)}).systems)


def test_spelt_endpoints_are_one_object_and_the_score_does_not_move(rsa_cert: CertFiles) -> None:
    with python_tls_server(rsa_cert) as tls_port, http_server() as http_port:
        tls = {"host": "127.0.0.1", "port": tls_port, "protocol": "https", "kind": "web", "server_name": "localhost"}
        http = {"host": "127.0.0.1", "port": http_port, "protocol": "http", "kind": "web"}
        shapes = {
            "one": [tls, http],
            "dup-same": [tls, http, dict(http)],
            "dup-spelled": [tls, http, *(dict(http, host=s) for s in [*SPELLINGS[1:], "::ffff:127.0.0.1"])],
            "dup-mapped": [tls, dict(tls, host="::ffff:127.0.0.1"), dict(tls, host="[::ffff:7f00:1]"), http],
            "dup-tls": [tls, dict(tls), *(dict(tls, host=s) for s in SPELLINGS[1:4]), http],
            "spelled-first": [dict(tls, host="2130706433"), dict(http, host="0x7f000001"), tls, http],
        }
        systems = _systems(*({"name": name, "level": 3, "endpoints": endpoints} for name, endpoints in shapes.items()))
        assert len(unique_targets(systems)) == 2  # seven spellings, two endpoints
        done: list[EndpointReport] = []
        results = {e.system: e for e in evaluate_inventory(systems, question_timeout=1.0, on_done=done.append)}
    assert len(done) == 2
    one = results["one"]
    assert one.total is not None and one.high_risk  # the login page in the clear: a real defect, scored
    objects = {f.object for f in one.findings if f.item == "gbt39786.l3.8.2.c"}
    assert objects == {f"127.0.0.1:{tls_port}", f"127.0.0.1:{http_port}"}
    for name, e in results.items():
        assert e.total == one.total, name
        assert [(layer.score) for layer in e.layers] == [layer.score for layer in one.layers], name
        seen = {f.object for f in e.findings if f.item == "gbt39786.l3.8.2.c"}
        if name == "spelled-first":  # an object is named as the system first lists it
            assert seen == {f"2130706433:{tls_port}", f"0x7f000001:{http_port}"}
        else:
            assert seen == objects, name


@pytest.mark.parametrize("spelling", ["10.2.2.2", "0x0a020202", "167903746", "10.131586"])
def test_traffic_to_a_spelt_endpoint_is_that_endpoint(tmp_path: Path, spelling: str) -> None:
    """Traffic names the address (destination.ip as the flow carried it); the listing may spell it
    another way, and the traffic is judged under the listing's object, as the probe's is."""
    fields = {"source.ip": "10.1.1.1", "source.port": 50000, "destination.ip": "10.2.2.2", "destination.port": 80,
              "network.protocol": "http", "url.scheme": "http",
              "url.original": "/query?sfzh=11010519491231002X&name=x"}  # GB 11643 example ID
    fields.update(ClassificationTagger().enrich(fields, "flows"))
    (system,) = _systems({"name": "办事系统", "level": 3, "endpoints": [
        {"host": spelling, "port": 80, "protocol": "http", "kind": "web"}]})
    addresses = endpoint_addresses([system])
    with SqliteStore(tmp_path / "events.db") as store:
        store.write([Event(id=make_id("http", 1), timestamp=datetime(2026, 11, 1, tzinfo=UTC), dataset="flows",
                           fields=fields)])
        observations = gather_passive(store, [(addresses[spelling], 80)])
    assert [o.endpoint for o in observations] == ["10.2.2.2:80"]
    evaluation = evaluate_system(system, observations, addresses=addresses)
    high = {(f.item, f.object, f.factor) for f in evaluation.high_risk}
    assert ("gbt39786.l3.8.2.c", f"{spelling}:80", "D") in high


def test_a_redirect_to_a_listed_endpoint_spelt_otherwise_is_listed(rsa_cert: CertFiles) -> None:
    """A plain-HTTP redirect to https://127.0.0.1:PORT/ leads to the endpoint listed as 2130706433:
    it is probed, so the redirect carries no missing evidence (third review, findings 12 and 13)."""
    with python_tls_server(rsa_cert) as tls_port, \
            http_server(redirect_to_https=True, location=f"https://127.0.0.1:{tls_port}/") as http_port:
        (system,) = _systems({"name": "spelt-target", "level": 3, "endpoints": [
            {"host": "2130706433", "port": tls_port, "protocol": "https", "kind": "web", "server_name": "localhost"},
            {"host": "127.0.0.1", "port": http_port, "protocol": "http", "kind": "web"}]})
        (e,) = evaluate_inventory([system], question_timeout=1.0)
    http = [f for f in e.findings if f.item == "gbt39786.l3.8.2.c" and f.object == f"127.0.0.1:{http_port}"]
    assert [f.factor for f in http] == ["INFO"] and "重定向" in http[0].why
