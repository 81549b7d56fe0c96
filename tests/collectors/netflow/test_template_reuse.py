"""Review r14d: a data set that arrives when its template has expired or been withdrawn waits
for a template; when one of the same id but another layout came, the set was decoded with it
(its bytes read as the wrong fields: 10.0.0.1 became an octet count of 167772161). Now a held
set is decoded only with a template of the layout it was written with (the expired or withdrawn
one), else reported as a ``template-changed`` problem and not decoded; a set that no template
preceded still takes the first one that comes (RFC 7011 8: data may arrive before its template)."""

from __future__ import annotations

import struct
from pathlib import Path

from govsoc.collectors.netflow.decoder import NetflowDecoder
from govsoc.store.base import Query
from tests.collectors.netflow.peers import serve_datagrams
from tests.collectors.netflow.test_decoder import flow_set, ipfix, template

#: addresses then octets, and the same elements in another order (octets first)
LAYOUT_A = template(256, (8, 4), (12, 4), (1, 4))
LAYOUT_B = template(256, (1, 4), (8, 4), (12, 4))
WITHDRAW = struct.pack("!HH", 256, 0)  # RFC 7011 8.1: a template record with no fields


def _a(octets: int) -> bytes:
    return ipfix(1, flow_set(256, bytes([10, 0, 0, 1, 10, 0, 0, 2]) + struct.pack("!I", octets)))


def _b(octets: int) -> bytes:
    return ipfix(1, flow_set(256, struct.pack("!I", octets) + bytes([10, 0, 0, 3, 10, 0, 0, 4])))


def test_a_set_held_after_a_withdrawal_is_not_decoded_with_a_new_layout(tmp_path: Path) -> None:
    datagrams = [ipfix(1, flow_set(2, LAYOUT_A)), _a(77),
                 ipfix(1, flow_set(2, WITHDRAW)), _a(88),  # written with A, arrives after A was withdrawn
                 ipfix(1, flow_set(2, LAYOUT_B)), _b(99)]  # the id reused for another layout
    store, receiver, _, _ = serve_datagrams(datagrams, tmp_path)
    try:
        flows = list(store.search(Query(terms={"netflow.type": ("netflow_flow",)})))
        got = sorted((e.get("network.bytes"), e.get("source.ip"), e.get("destination.ip")) for e in flows)
        assert got == [(77, "10.0.0.1", "10.0.0.2"), (99, "10.0.0.3", "10.0.0.4")]
        assert receiver.parser.decoder.problems["template-changed"] == 1
        errors = [e.get("error.message") for e in store.search(Query(terms={"event.kind": ("pipeline_error",)}))]
        assert len(errors) == 1 and "template 256 (12 bytes)" in errors[0] and "another layout" in errors[0], errors
    finally:
        store.close()


def test_a_set_held_after_expiry_takes_its_layout_sent_again_not_another() -> None:
    for resent, expected in ((LAYOUT_A, [{"source_ipv4_address": "10.0.0.1", "destination_ipv4_address": "10.0.0.2",
                                          "octet_delta_count": 88}]),  # the same layout refreshed: decoded
                             (LAYOUT_B, [])):  # another layout: not decoded, counted
        decoder = NetflowDecoder(template_lifetime=100)
        decoder.decode(ipfix(1, flow_set(2, LAYOUT_A)), "192.0.2.7:4739", now=0)
        decoder.decode(_a(88), "192.0.2.7:4739", now=150)  # A expired at 100: held
        assert decoder.pending == 1
        result = decoder.decode(ipfix(1, flow_set(2, resent)), "192.0.2.7:4739", now=151)
        assert [r.values for r in result.records] == expected
        assert decoder.problems["template-changed"] == (0 if expected else 1) and decoder.pending == 0
