"""Review 14c finding 1: `govsoc capture` lost the packets sent while its flow engine compiled
(a cold numba cache: the first capture after an install), yet said "0 dropped (100.0%)".

The test gives the capture a cold engine (NUMBA_CACHE_DIR at an empty folder of its own: the
compiled engine is compiled again, tens of seconds), starts it on the veth pair test_live
creates with a peer dumpcap beside it on the same interface and filter, and sends at once 50
UDP datagrams of 3,000 to 7,900 bytes, fragmented by the kernel (MTU 1500): more than the 64 KiB
pipe holds. The peer capture, the arithmetic of RFC 791 fragmentation and govsoc must agree on
every packet, and the stored flows on each datagram's packets and bytes. Before the fix, dumpcap
blocked on the full pipe and 52 of 222 packets were captured."""

from __future__ import annotations

import json
import math
import os
import re
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from govsoc.collectors.flows import FlowAssembler
from govsoc.collectors.flows.live import wait_until_capturing

from .test_live import HOST, PEER, veth  # noqa: F401 - veth is the fixture

pytestmark = [pytest.mark.netns, pytest.mark.capture]
SIZES = [3000 + 100 * n for n in range(50)]
PORTS = range(9000, 9005)
#: IPv4 fragments of a UDP datagram of ``size`` bytes of data on a 1500-byte MTU: 1480 bytes of
#: the IP payload (UDP header included) per fragment (RFC 791: a multiple of 8 under MTU - 20)
EXPECTED = sum(math.ceil((size + 8) / 1480) for size in SIZES)


class PeerCapture:
    """A dumpcap writing a pcapng file of the same interface and filter, not quiet: its stderr
    says how many packets it has so far."""

    def __init__(self, interface: str, capture_filter: str, path: Path) -> None:
        self.path = path
        self.process = subprocess.Popen(["dumpcap", "-i", interface, "-f", capture_filter, "-w", str(path)],
                                        stderr=subprocess.PIPE)
        self.said = b""
        self.changed = threading.Condition()
        self.listening = threading.Thread(target=self._listen, daemon=True)
        self.listening.start()
        wait_until_capturing(self.process, 30)

    def _listen(self) -> None:
        assert self.process.stderr is not None
        for piece in iter(lambda: self.process.stderr.read1(256), b""):  # type: ignore[union-attr]
            with self.changed:
                self.said += piece
                self.changed.notify_all()

    def packets(self) -> int:
        """The last packet count dumpcap printed."""
        counts = re.findall(rb"Packets: (\d+)", self.said)
        return int(counts[-1]) if counts else 0

    def wait_for(self, count: int) -> None:
        """Until dumpcap says it has ``count`` packets (a bounded wait, not a timed assertion)."""
        with self.changed:
            assert self.changed.wait_for(lambda: self.packets() >= count, timeout=120), self.said

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=60)
        self.listening.join(timeout=60)
        assert self.process.stderr is not None
        self.process.stderr.close()


def test_packets_sent_while_the_engine_compiles_are_all_read(veth: tuple[str, str], tmp_path: Path) -> None:  # noqa: F811
    interface, _ = veth
    capture_filter = f"udp and dst host {PEER}"
    peer = PeerCapture(interface, capture_filter, tmp_path / "peer.pcapng")
    env = {**os.environ, "GOVSOC_HOME": str(tmp_path / "home"), "NUMBA_CACHE_DIR": str(tmp_path / "numba")}
    process = subprocess.Popen([sys.executable, "-m", "govsoc.cli", "capture", "-i", interface, "-f", capture_filter],
                               env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert process.stderr is not None
        assert "capturing:" in process.stderr.readline()  # said once dumpcap's capture ring runs
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
            udp.bind((HOST, 0))
            for n, size in enumerate(SIZES):
                udp.sendto(bytes([n]) * size, (PEER, PORTS[n % len(PORTS)]))
        peer.wait_for(EXPECTED)
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=600)  # it compiles the engine first
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
        peer.stop()
    assert process.returncode == 0, err
    with peer.path.open("rb") as handle:
        assembler = FlowAssembler(handle, engine="python")
        from_peer = {(f.resp_port, f.orig_packets, f.orig_ip_bytes) for f in assembler.flows()}
    assert assembler.packets == EXPECTED
    assert f"{EXPECTED} of the {EXPECTED} packets dumpcap captured read, none lost" in out, out
    listed = subprocess.run([sys.executable, "-m", "govsoc.cli", "events", "--format", "json", "--where",
                             "network.transport=udp", "--limit", "100"], env=env, text=True, capture_output=True,
                            check=True).stdout
    stored = {(int(e["destination.port"]), int(e["source.packets"]), int(e["source.bytes"]))
              for e in json.loads(listed) if e.get("destination.ip") == PEER}
    # ten datagrams per port, each counted once with its whole length (reassembled)
    assert {port for port, packets, _ in stored} == set(PORTS) and {p for _, p, _ in stored} == {10}
    assert stored == from_peer
