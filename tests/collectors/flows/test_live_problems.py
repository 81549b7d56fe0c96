"""Review 14c finding 2: a live capture reported no problem at all, so an overlap attack (RFC
1858) on a watched link left no trace. Damaged packets are sent by scapy onto the veth pair
test_live creates while `govsoc capture` and a peer dumpcap capture it with the same filter;
the capture's pipeline_error events must be those an ingest of the peer's file gives (the same
text: packet number, byte offset, reason), one for each damaged packet, naming it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from scapy.layers.inet import IP, TCP, UDP
from scapy.layers.l2 import Ether
from scapy.packet import Raw
from scapy.sendrecv import sendp

from .test_live import HOST, veth  # noqa: F401 - veth is the fixture
from .test_live_backlog import PeerCapture

pytestmark = [pytest.mark.netns, pytest.mark.capture]
#: an address nobody on the link has: the namespace's stack never answers the damaged packets
TARGET = "10.231.7.77"


def _packets() -> list[tuple[bytes, str | None]]:
    """The packets sent, in order, each with the problem it must raise (None: a sound packet)."""
    ether = Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")
    ip = {"src": HOST, "dst": TARGET}
    return [
        (bytes(ether / IP(**ip) / UDP(sport=4000, dport=4001) / Raw(b"sound")), None),
        # a first fragment whose datagram never completes (RFC 791 3.2)
        (bytes(ether / IP(**ip, id=111, flags="MF", proto=17) / Raw(b"a" * 64)), "never reassembled"),
        # two fragments of one datagram, the second overlapping the first with other data (RFC 1858, 5722)
        (bytes(ether / IP(**ip, id=222, flags="MF", proto=17) / Raw(b"b" * 64)), None),
        (bytes(ether / IP(**ip, id=222, frag=4, proto=17) / Raw(b"c" * 64)), "overlap"),
        # an IPv4 header length of 12 bytes (IHL 3, RFC 791: at least 5)
        (bytes(ether / IP(**ip, ihl=3) / Raw(b"d" * 40)), "IPv4 header length"),
        # a TCP data offset of 2 (8 bytes, RFC 9293: at least 5)
        (bytes(ether / IP(**ip) / TCP(sport=4002, dport=80, dataofs=2) / Raw(b"e" * 8)), "TCP header length"),
    ]


def _errors(env: dict[str, str]) -> list[str]:
    listed = subprocess.run([sys.executable, "-m", "govsoc.cli", "events", "--format", "json", "--where",
                             "event.kind=pipeline_error", "--limit", "100"], env=env, text=True,
                            capture_output=True, check=True).stdout
    return sorted(str(e["error.message"]) for e in json.loads(listed))


def test_a_live_capture_reports_the_problems_an_ingest_of_its_traffic_reports(
        veth: tuple[str, str], tmp_path: Path) -> None:  # noqa: F811
    interface, _ = veth
    capture_filter = f"ip dst host {TARGET}"
    peer = PeerCapture(interface, capture_filter, tmp_path / "peer.pcapng")
    live = {**os.environ, "GOVSOC_HOME": str(tmp_path / "live")}
    process = subprocess.Popen([sys.executable, "-m", "govsoc.cli", "capture", "-i", interface, "-f", capture_filter],
                               env=live, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    packets = _packets()
    try:
        assert process.stderr is not None
        assert "capturing:" in process.stderr.readline()
        for data, _ in packets:
            sendp(Ether(data), iface=interface, verbose=False)
        peer.wait_for(len(packets))
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=300)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
        peer.stop()
    assert process.returncode == 0, err
    ingested = {**os.environ, "GOVSOC_HOME": str(tmp_path / "ingested")}
    subprocess.run([sys.executable, "-m", "govsoc.cli", "ingest", "-p", "network.pcap", str(peer.path)], env=ingested,
                   check=True, capture_output=True)
    from_file, from_live = _errors(ingested), _errors(live)
    assert from_live == from_file, (out, from_live, from_file)
    expected = {number: why for number, (_, why) in enumerate(packets, 1) if why is not None}
    assert len(from_live) == len(expected)
    for number, why in expected.items():  # each damaged packet named, with its reason
        assert any(text.startswith(f"packet {number} at byte ") and why in text for text in from_live), (number, why)
    assert f"{len(expected)} problems" in out, out
