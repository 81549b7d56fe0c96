"""A pcap record whose sub-second field is out of range (review R14c finding 4): 1,000,000 µs or
more in a microsecond file, 10^9 ns or more in a nanosecond file. Its lengths are sane, so the
packet is read (libpcap, which Zeek reads with, and tshark read it), reported with its number and
the field, and given the time of the packet before it: it neither drops (µs files dropped it
and resynchronised) nor moves its flow (ns files took 4 s past the second silently)."""

from __future__ import annotations

import io
import struct
from pathlib import Path

import pytest

from govsoc.collectors.flows.assemble import FlowAssembler

from .packets import ethernet, ipv4, pcap, tcp

A, B = "10.0.0.1", "10.0.0.2"
#: a 7-packet HTTP/1.0 connection, one packet every 0.1 s from 1.0 s
PACKETS = [(A, B, 40000, 80, 100, 0, "S"), (B, A, 80, 40000, 500, 101, "SA"), (A, B, 40000, 80, 101, 501, "A"),
           (A, B, 40000, 80, 101, 501, "PA"), (B, A, 80, 40000, 501, 102, "FA"), (A, B, 40000, 80, 102, 502, "FA"),
           (B, A, 80, 40000, 502, 103, "A")]


def _capture(nanos: bool, bad: int) -> bytes:
    frames = [ethernet(ipv4(s, d, 6, tcp(sp, dp, seq, ack, flags, b"x" if flags == "PA" else b"")))
              for s, d, sp, dp, seq, ack, flags in PACKETS]
    data = bytearray(pcap([(1.0 + i / 10, f) for i, f in enumerate(frames)], nanos=nanos))
    struct.pack_into("<I", data, 24 + 16 + len(frames[0]) + 4, bad)  # packet 2's sub-second field
    return bytes(data)


@pytest.mark.parametrize(("nanos", "bad", "unit"), [
    (False, 1_000_000, "microseconds"),  # one past the largest µs value
    (True, 4_000_000_000, "nanoseconds"),  # 4 s in a ns field: moved the flow's end before
])
@pytest.mark.parametrize("engine", ["python", "native"])
def test_an_out_of_range_fraction_keeps_the_packet_and_its_flows_times(nanos: bool, bad: int, unit: str,
                                                                       engine: str) -> None:
    assembler = FlowAssembler(io.BytesIO(_capture(nanos, bad)), engine=engine)
    (flow,) = list(assembler.flows())
    assert (flow.orig_packets, flow.resp_packets) == (4, 3)  # the SYN-ACK is counted
    assert "h" in flow.state_and_history()[1]
    assert flow.start == 1_000_000_000 and flow.last <= 1_600_000_000  # no bogus time moved it
    assert [(p.packet, p.reason.split(":")[0]) for p in assembler.problems.kept] == [(2, f"{unit} field {bad} "
                                                                                        "out of range")]


@pytest.mark.parametrize("name", ["timestamp_invalid_micro.pcap", "timestamp_invalid_nano.pcap"])
def test_the_corpus_files_with_bad_fractions_are_read_whole(corpus: Path, name: str) -> None:
    # index.json and tshark: 3 packets in each; packets 2 and 3 have a fraction out of range
    with (corpus / "malformed-pcaps" / name).open("rb") as handle:
        assembler = FlowAssembler(handle)
        list(assembler.flows())
    assert assembler.packets == 3
    assert [p.packet for p in assembler.problems.kept] == [2, 3]
