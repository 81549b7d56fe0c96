"""Sampling rates that are not whole numbers (review R14c finding 2). RFC 5477 6.5.2.2/6.5.2.3:
samplingPacketInterval 2 and samplingPacketSpace 3 select 2 of every 5 packets, so each counted
packet stands for 2.5; samplingProbability (6.5.2.6) 0.4 likewise, 0.3 for 3.33. The rate was
rounded (Python's round(2.5) is 2): 20 % under. Hand-built IPFIX (no exporter we run samples so)."""

from __future__ import annotations

import struct

import pytest

from govsoc.collectors.netflow import state
from govsoc.collectors.netflow.decoder import NetflowDecoder
from govsoc.collectors.netflow.ecs import record_fields
from tests.collectors.netflow.test_decoder import A, flow_set, ipfix, template

#: addresses, protocol, octetDeltaCount, packetDeltaCount, selectorId
FLOW = template(256, (8, 4), (12, 4), (4, 1), (1, 8), (2, 8), (302, 4))
#: scope selectorId; samplingPacketInterval, samplingPacketSpace
SYSTEMATIC = struct.pack("!HHH", 257, 3, 1) + struct.pack("!HHHHHH", 302, 4, 305, 4, 306, 4)
#: scope selectorId; samplingProbability (float64)
RANDOM = struct.pack("!HHH", 258, 2, 1) + struct.pack("!HHHH", 302, 4, 311, 8)


def _flow(selector: int) -> bytes:
    return bytes([10, 0, 0, 1, 10, 0, 0, 2, 6]) + struct.pack("!QQI", 1000, 1000, selector)


@pytest.mark.parametrize(("options", "rate", "packets"), [
    # 2 selected, 3 skipped: 1000 counted stand for 2500
    (flow_set(3, SYSTEMATIC) + flow_set(257, struct.pack("!III", 7, 2, 3)), 2.5, 2500),
    # probability 0.4: the same estimate
    (flow_set(3, RANDOM) + flow_set(258, struct.pack("!Id", 7, 0.4)), 2.5, 2500),
    # probability 0.3: 1000 / 0.3 = 3333.3, not 3000
    (flow_set(3, RANDOM) + flow_set(258, struct.pack("!Id", 7, 0.3)), 1 / 0.3, 3333),
])
def test_a_fractional_rate_scales_by_itself_not_its_rounding(options: bytes, rate: float, packets: int) -> None:
    decoder = NetflowDecoder()
    result = decoder.decode(ipfix(1, options, flow_set(2, FLOW), flow_set(256, _flow(7))), A, now=0)
    (flow,) = [r for r in result.records if not r.options]
    fields = record_fields(flow)
    assert fields["netflow.sampling_rate"] == pytest.approx(rate)
    assert fields["network.packets"] == fields["network.bytes"] == packets
    # kept across a restart as it was announced
    again = NetflowDecoder()
    state.restore(again, state.dump(decoder, now=0), now=0)
    assert again.sampling[(A, 1, ("selector_id", 7))] == pytest.approx(rate)
