"""Sampling applies to what the options record's scope names (review R14c finding 6). RFC 3954
6.1 and RFC 7011 3.4.2.1: the scope says what the options describe; a router sampling interface 2
and exporting interface 7 unsampled had every interface-7 flow scaled by interface 2's rate.
Hand-built datagrams (nfcapd never scales by announced sampling, so it cannot judge this)."""

from __future__ import annotations

import struct

import pytest

from govsoc.collectors.netflow.decoder import NetflowDecoder
from tests.collectors.netflow.test_decoder import A, flow_set, ipfix, template, v9

#: v9 flow template without FLOW_SAMPLER_ID: addresses, protocol, IN_BYTES, IN_PKTS, INPUT_SNMP (2)
V9_FLOW = template(256, (8, 4), (12, 4), (4, 1), (1, 4), (2, 4), (10, 2))
#: v9 options template, scope Interface (type 2, 4 bytes): FLOW_SAMPLER_ID, MODE, RANDOM_INTERVAL
V9_SAMPLER = struct.pack("!HHH", 257, 4, 12) + struct.pack("!HHHHHHHH", 2, 4, 48, 1, 49, 1, 50, 4)
#: v9 options template, scope Interface: SAMPLING_INTERVAL (34), SAMPLING_ALGORITHM (35)
V9_INTERVAL = struct.pack("!HHH", 258, 4, 8) + struct.pack("!HHHHHH", 2, 4, 34, 4, 35, 1)
#: IPFIX options template, scope ingressInterface (10): samplingPacketInterval/Space (305/306)
IPFIX_INTERVAL = struct.pack("!HHH", 259, 3, 1) + struct.pack("!HHHHHH", 10, 4, 305, 4, 306, 4)


def _flow(interface: int) -> bytes:
    return bytes([10, 0, 0, interface, 10, 0, 0, 99, 6]) + struct.pack("!IIH", 1500, 3, interface)


def _rates(records: list) -> dict[int, int]:  # type: ignore[type-arg]
    return {r.values["ingress_interface"]: r.sampling for r in records if not r.options}


@pytest.mark.parametrize("options", [
    # sampler 1 (random, 1 in 100) described for interface 2; the flows name no sampler
    flow_set(1, V9_SAMPLER) + flow_set(257, struct.pack("!IBBI", 2, 1, 2, 100)),
    # an exporter-style 1 in 100 scoped to interface 2
    flow_set(1, V9_INTERVAL) + flow_set(258, struct.pack("!IIB", 2, 100, 2)),
])
def test_a_v9_rate_scoped_to_an_interface_scales_that_interfaces_flows_only(options: bytes) -> None:
    datagram = v9(0, options, flow_set(0, V9_FLOW), flow_set(256, _flow(7) + _flow(2)))
    result = NetflowDecoder().decode(datagram, A, now=0)
    assert _rates(result.records) == {7: 1, 2: 100}
    assert [r.values.get("scope_interface") for r in result.records if r.options] == [2]


def test_an_ipfix_rate_scoped_to_an_ingress_interface_scales_that_interfaces_flows_only() -> None:
    # 1 selected, 9 skipped: 1 in 10 (RFC 5477 6.5.2.2/6.5.2.3) on interface 2
    flow = template(256, (8, 4), (12, 4), (4, 1), (1, 4), (2, 4), (10, 2))
    datagram = ipfix(1, flow_set(3, IPFIX_INTERVAL), flow_set(259, struct.pack("!III", 2, 1, 9)),
                     flow_set(2, flow), flow_set(256, _flow(7) + _flow(2)))
    result = NetflowDecoder().decode(datagram, A, now=0)
    assert _rates(result.records) == {7: 1, 2: 10}
