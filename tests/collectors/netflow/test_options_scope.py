"""A NetFlow v9 options template with Option Scope Length 0 (review R14c finding 1). RFC 3954
5.1/6.1: FlowSet ID 1 always carries Options Templates, and nothing there requires a scope, so
its records describe the exporter (here its sampling: SAMPLING_INTERVAL 34 = 100, SAMPLING_ALGORITHM
35 = 2) whatever the scope length. govsoc made such a template a flow template: one phantom
``connection`` event per options record and the sampling lost. The same datagram goes to the real
nfcapd, which stores one flow, and to govsoc's receiver."""

from __future__ import annotations

import socket
import struct
import time
from pathlib import Path

from govsoc.collectors.netflow import state
from govsoc.collectors.netflow.decoder import NetflowDecoder
from govsoc.store.base import Query
from tests.collectors.netflow.peers import nfcapd, nfdump_totals, serve_datagrams
from tests.collectors.netflow.test_decoder import flow_set, template, v9

#: options template 257: Option Scope Length 0, Option Length 8 (two field specifiers)
OPTIONS = struct.pack("!HHH", 257, 0, 8) + struct.pack("!HHHH", 34, 4, 35, 1)
#: flow template 256: addresses, protocol, IN_BYTES, IN_PKTS
FLOW = template(256, (8, 4), (12, 4), (4, 1), (1, 4), (2, 4))
DATAGRAM = v9(0, flow_set(1, OPTIONS), flow_set(257, struct.pack("!IB", 100, 2)), flow_set(0, FLOW),
              flow_set(256, bytes([10, 0, 0, 1, 10, 0, 0, 2, 6]) + struct.pack("!II", 1500, 3)))


def test_scope_length_0_options_records_are_options_not_flows(tmp_path: Path) -> None:
    with nfcapd(tmp_path) as (port, folder):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as exporter:
            exporter.sendto(DATAGRAM, ("127.0.0.1", port))
        time.sleep(0.5)
    theirs = nfdump_totals(folder)
    store, receiver, _, _ = serve_datagrams([DATAGRAM], tmp_path)
    try:
        flows = list(store.search(Query(terms={"netflow.type": ("netflow_flow",)})))
        options = list(store.search(Query(terms={"netflow.type": ("netflow_options",)})))
        assert theirs["flows"] == len(flows) == 1
        assert [e.get("event.type") for e in options] == [["info"]]
        # the exporter-wide rate the options record announced scales the flow (nfcapd never scales)
        assert theirs["packets"] == flows[0].get("netflow.packet_delta_count") == 3
        assert flows[0].get("netflow.sampling_rate") == 100 and flows[0].get("network.packets") == 300
        assert receiver.parser.decoder.problems["set"] == 0
    finally:
        store.close()


def test_a_saved_scope_length_0_options_template_stays_one() -> None:
    decoder = NetflowDecoder()
    decoder.decode(v9(0, flow_set(1, OPTIONS)), "192.0.2.1:2055", now=0)
    again = NetflowDecoder()
    state.restore(again, state.dump(decoder, now=0), now=0)
    result = again.decode(v9(0, flow_set(257, struct.pack("!IB", 100, 2))), "192.0.2.1:2055", now=1)
    assert [r.options for r in result.records] == [True]
    assert again.sampling == {("192.0.2.1:2055", 0, None): 100}
