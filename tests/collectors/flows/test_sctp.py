"""Review R14 F6: SCTP flows were stored with ports 0, so every association between two hosts
was one flow and network.community_id hashed ports 0/0. SCTP's common header (RFC 9260 3.1)
carries the ports as TCP and UDP do; Community ID v1 hashes them (its spec's SCTP vector)."""

from __future__ import annotations

import io
import struct
from pathlib import Path

import pytest

from govsoc.collectors.flows.assemble import FlowAssembler

from .packets import ethernet, ipv4, pcap
from .stored import stored_flows


def _sctp(sport: int, dport: int, tag: int, chunk: bytes) -> bytes:
    """An SCTP packet: the common header (ports, verification tag, checksum) and one chunk."""
    return struct.pack("!HHII", sport, dport, tag, 0) + chunk


INIT = struct.pack("!BBHIIHHI", 1, 0, 20, 0x01020304, 65535, 10, 10, 1)  # RFC 9260 3.3.2
DATA = struct.pack("!BBHIHHI", 0, 3, 20, 1, 0, 0, 0) + b"diam"  # a DATA chunk, 4 bytes of user data


def _capture() -> bytes:
    a, b = "192.168.170.8", "192.168.170.56"
    frames = [ethernet(ipv4(a, b, 132, _sctp(7, 7, 0, INIT))),
              ethernet(ipv4(b, a, 132, _sctp(7, 7, 0x01020304, DATA))),
              ethernet(ipv4(a, b, 132, _sctp(3868, 3868, 0, INIT)))]  # another association: Diameter
    return pcap([(1_700_000_000 + i / 10, frame) for i, frame in enumerate(frames)])


@pytest.mark.parametrize("engine", ["python", "native"])
def test_sctp_associations_are_flows_of_their_own_ports(engine: str) -> None:
    flows = FlowAssembler(io.BytesIO(_capture()), engine=engine).flows()
    assert sorted((f.orig_port, f.resp_port, f.orig_packets, f.resp_packets) for f in flows) == [
        (7, 7, 1, 1), (3868, 3868, 1, 0)]


def test_sctp_flows_are_stored_with_ports_and_the_community_id_of_the_spec(tmp_path: Path) -> None:
    path = tmp_path / "sctp.pcap"
    path.write_bytes(_capture())
    stored = {e.fields["source.port"]: e.fields for e in stored_flows(path)}
    assert stored[7]["network.transport"] == "sctp" and stored[7]["destination.port"] == 7
    assert stored[7]["network.community_id"] == "1:MP2EtRCAUIZvTw6MxJHLV7N7JDs="  # the spec's SCTP vector
    assert stored[3868]["destination.port"] == 3868
