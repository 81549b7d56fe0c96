"""One bad value in a NetFlow/IPFIX record costs that record, never its datagram (review R14c
finding 5): the record is reported as a problem naming exporter, template, record and field, and
counted; the records around it are kept. Hand-built IPFIX messages (RFC 7011 3.4), since no
exporter we can run sends such values."""

from __future__ import annotations

import struct

from govsoc.collectors.base import RawRecord
from govsoc.collectors.netflow.decoder import NetflowDecoder
from govsoc.collectors.netflow.parser import NetflowParser
from tests.collectors.netflow.test_decoder import A, flow_set, ipfix, template

#: flow template: addresses, protocolIdentifier (1 byte), octetDeltaCount, packetDeltaCount (8 each)
FLOW = template(256, (8, 4), (12, 4), (4, 1), (1, 8), (2, 8))
#: options template (RFC 7011 3.4.2.2): scope selectorId (302, 4 bytes); samplingProbability (311,
#: float64, RFC 5477 6.5.2.6)
PROBABILITY = struct.pack("!HHH", 258, 2, 1) + struct.pack("!HHHH", 302, 4, 311, 8)


def _flow(octets: int) -> bytes:
    return bytes([10, 0, 0, 1, 10, 0, 0, 2, 6]) + struct.pack("!QQ", octets, 10)


def test_a_sampling_probability_too_small_to_invert_is_that_records_problem() -> None:
    # 5e-324 is a float64 in (0, 1] (RFC 5477 allows it); 1/5e-324 is infinite: no usable rate
    message = ipfix(1, flow_set(2, FLOW), flow_set(3, PROBABILITY), flow_set(256, _flow(1000)),
                    flow_set(258, struct.pack("!Id", 8, 5e-324)), flow_set(256, _flow(2000)))
    decoder = NetflowDecoder()
    result = decoder.decode(message, A, now=0)
    flows = [r for r in result.records if not r.options]
    assert [r.values["octet_delta_count"] for r in flows] == [1000, 2000]
    assert all(r.sampling == 1 for r in flows)  # nothing scaled by an infinite rate
    assert [(p.kind, p.exporter) for p in result.problems] == [("sampling", A)]
    assert "template 258 record 0: sampling_probability 5e-324" in result.problems[0].reason
    assert decoder.problems["sampling"] == 1 and decoder.records == 3


def test_a_protocol_over_255_in_a_widened_field_drops_that_record_alone() -> None:
    # protocolIdentifier is unsigned8 (RFC 7012 5.4.1); this template gives it 2 bytes
    wide = template(256, (8, 4), (12, 4), (7, 2), (11, 2), (4, 2), (1, 8), (2, 8))

    def flow(protocol: int) -> bytes:
        return bytes([10, 0, 0, 1, 10, 0, 0, 2]) + struct.pack("!HHHQQ", 40000, 443, protocol, 1000, 10)

    parser = NetflowParser()
    raw = RawRecord(data=ipfix(1, flow_set(2, wide), flow_set(256, flow(6) + flow(262))),
                    origin=f"udp://{A}", offset=0)
    events = list(parser.parse(raw, None))  # type: ignore[arg-type]
    assert [e.fields["event.kind"] for e in events] == ["event", "pipeline_error"]
    assert events[0].fields["network.transport"] == "tcp"
    assert events[1].fields["netflow.problems"] == ["value-range"]
    assert "template 256 record 1" in events[1].fields["error.message"]
    assert "protocol_identifier: 262" in events[1].fields["error.message"]
    assert parser.decoder.problems["value-range"] == 1
