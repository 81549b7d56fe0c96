"""Live capture on a veth pair this test creates (one end in a network namespace of its own):
real TCP, UDP and ICMP traffic crosses it while govsoc captures the interface through dumpcap
and, independently, a second dumpcap writes a pcapng file of the same traffic. The flows of
the live capture equal the flows of the file (addresses, ports, protocol, packets and bytes
each way, Zeek's conn_state and history)."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from govsoc.collectors.flows import FlowAssembler
from govsoc.collectors.flows.flow import Flow
from govsoc.collectors.flows.live import LiveCapture
from tests.conftest import need

pytestmark = [pytest.mark.netns, pytest.mark.capture]
HOST, PEER = "10.231.7.1", "10.231.7.2"
#: runs in the namespace: a TCP server that answers each line, and a UDP echo
SERVER = """
import socket, threading
def tcp():
    s = socket.socket(); s.bind(("0.0.0.0", 8080)); s.listen()
    while True:
        c, _ = s.accept()
        with c:
            data = c.recv(65536)
            c.sendall(b"HTTP/1.1 200 OK\\r\\nContent-Length: 2\\r\\n\\r\\nok")
def udp():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("0.0.0.0", 5353))
    while True:
        d, a = s.recvfrom(2048); s.sendto(d[::-1], a)
threading.Thread(target=udp, daemon=True).start()
print("ready", flush=True)
tcp()
"""


def _ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True)


@pytest.fixture
def veth() -> Iterator[tuple[str, str]]:
    """A veth pair: (our end, namespace), the namespace's end at PEER with a server running."""
    need(os.geteuid() == 0 and shutil.which("ip") is not None, "creating a network namespace needs root and iproute2")
    need(shutil.which("dumpcap") is not None, "dumpcap is missing (scripts/system-packages.sh installs tshark)")
    tag = uuid.uuid4().hex[:6]
    ns, ours, theirs = f"govsoc-{tag}", f"gsa{tag}", f"gsb{tag}"
    _ip("netns", "add", ns)
    server = None
    try:
        _ip("link", "add", ours, "type", "veth", "peer", "name", theirs)
        _ip("link", "set", theirs, "netns", ns)
        _ip("addr", "add", f"{HOST}/24", "dev", ours)
        _ip("link", "set", ours, "up")
        _ip("netns", "exec", ns, "ip", "addr", "add", f"{PEER}/24", "dev", theirs)
        _ip("netns", "exec", ns, "ip", "link", "set", theirs, "up")
        _ip("netns", "exec", ns, "ip", "link", "set", "lo", "up")
        server = subprocess.Popen(["ip", "netns", "exec", ns, sys.executable, "-c", SERVER], stdout=subprocess.PIPE,
                                  text=True)
        assert server.stdout is not None and server.stdout.readline().strip() == "ready"
        yield ours, ns
    finally:
        if server is not None:
            server.kill()
            server.communicate()
        subprocess.run(["ip", "link", "del", ours], capture_output=True)
        subprocess.run(["ip", "netns", "del", ns], capture_output=True)


def _traffic() -> None:
    """Five HTTP-like TCP exchanges, ten UDP round trips, three ICMP echoes."""
    for n in range(5):
        with socket.create_connection((PEER, 8080), timeout=5) as conn:
            conn.sendall(b"GET /%d HTTP/1.1\r\nHost: peer\r\n\r\n" % n)
            while conn.recv(65536):
                pass
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
        udp.settimeout(5)
        for n in range(10):
            udp.sendto(b"query %d" % n, (PEER, 5353))
            udp.recvfrom(2048)
    with socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP) as icmp:
        icmp.settimeout(5)
        for n in range(3):  # echo requests (RFC 792), answered by the namespace's kernel
            body = struct.pack("!HH", 0x6f76, n) + b"govsoc-ping"
            checksum = _checksum(struct.pack("!BBH", 8, 0, 0) + body)
            icmp.sendto(struct.pack("!BBH", 8, 0, checksum) + body, (PEER, 0))
            icmp.recvfrom(2048)


def _checksum(data: bytes) -> int:
    total = sum(struct.unpack(f"!{len(data) // 2}H", data[:len(data) // 2 * 2])) + (data[-1] << 8 if len(data) % 2
                                                                                    else 0)
    total = (total >> 16) + (total & 0xFFFF)
    return ~(total + (total >> 16)) & 0xFFFF


def _key(flow: Flow) -> tuple[object, ...]:
    state, history = flow.state_and_history()
    return (flow.orig_addr, flow.orig_port, flow.resp_addr, flow.resp_port, flow.proto, flow.orig_packets,
            flow.resp_packets, flow.orig_ip_bytes, flow.resp_ip_bytes, state, history)


def _probe() -> None:
    """A connection attempt to a closed port (SYN, RST): traffic that shows a capture is running."""
    with socket.socket() as probe:
        probe.settimeout(1)
        try:
            probe.connect((PEER, 9))
        except OSError:
            pass


def _ours_only(flows: list[tuple[object, ...]]) -> list[tuple[object, ...]]:
    """The test's own flows between HOST and PEER, without the readiness probes (port 9); a new
    link's IPv6 chatter (MLD, neighbour discovery) starts before the second capture does."""
    ends = {socket.inet_aton(HOST), socket.inet_aton(PEER)}
    return sorted((k for k in flows if {k[0], k[2]} == ends and k[3] != 9), key=repr)


def test_live_capture_gives_the_flows_of_a_pcap_of_the_same_traffic(veth: tuple[str, str], tmp_path: Path) -> None:
    interface, _ = veth
    pcap = tmp_path / "same.pcapng"
    # the peer capture: dumpcap writing a file, not quiet, so that it says when it sees packets
    recorder = subprocess.Popen(["dumpcap", "-i", interface, "-w", str(pcap)], stderr=subprocess.PIPE)
    said: list[bytes] = []
    assert recorder.stderr is not None
    listening = threading.Thread(target=lambda: said.extend(iter(lambda: recorder.stderr.read(64), b"")))  # type: ignore[union-attr]
    listening.start()
    live = LiveCapture(interface)
    live.start()
    flows: list[Flow] = []
    reading = threading.Thread(target=lambda: flows.extend(live.flows()))
    reading.start()
    # dumpcap says "Capturing on" a moment before it captures: probe until both captures see packets
    deadline = time.monotonic() + 60
    while not (b"Packets:" in b"".join(said) and live.assembler is not None and live.assembler.packets > 0):
        assert time.monotonic() < deadline, "the captures saw no packet in 60 s"
        _probe()
        time.sleep(0.1)
    _traffic()
    time.sleep(0.5)
    live.stop()
    recorder.send_signal(signal.SIGTERM)
    recorder.wait(timeout=60)
    listening.join(timeout=60)
    recorder.stderr.close()
    reading.join(timeout=180)  # the first capture of a process may compile the native engine (numba)
    assert not reading.is_alive()
    with pcap.open("rb") as handle:
        from_file = _ours_only([_key(f) for f in FlowAssembler(handle).flows()])
    ours = _ours_only([_key(f) for f in flows])
    tcp = [k for k in ours if k[4] == 6 and k[3] == 8080]
    assert len(tcp) == 5 and all(k[9] == "SF" for k in tcp), (ours, live.report)  # five whole TCP exchanges
    assert any(k[4] == 17 and k[3] == 5353 and k[5] == 10 and k[6] == 10 for k in ours)  # the UDP round trips
    assert any(k[4] == 1 and k[5] == 3 and k[6] == 3 for k in ours)  # the echoes and their replies
    assert ours == from_file
    assert "Packets" in live.report


# review r14d HIGH 1: SIGHUP (a closed terminal or session, `kill -HUP`) killed the capture by its
# default action, its open flows lost; it now stops it as SIGTERM does
@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_govsoc_capture_stores_the_flows(veth: tuple[str, str], tmp_path: Path, monkeypatch, capsys,  # type: ignore[no-untyped-def]
                                         stop: signal.Signals) -> None:
    from govsoc.cli import main

    interface, _ = veth
    monkeypatch.setenv("GOVSOC_HOME", str(tmp_path / "home"))
    env = {**os.environ, "GOVSOC_HOME": str(tmp_path / "home")}
    process = subprocess.Popen([sys.executable, "-m", "govsoc.cli", "capture", "-i", interface, "--filter",
                                f"host {PEER}"], env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert process.stderr is not None
        assert "capturing:" in process.stderr.readline()  # said once dumpcap captures (and a second after)
        for _ in range(3):  # rounds a second apart: a capture that started late still sees some whole
            _traffic()
            time.sleep(1.0)
        process.send_signal(stop)
        out, err = process.communicate(timeout=180)  # it may compile the native engine first (numba)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err
    flows = int(re.search(r"(\d+) flows, (\d+) events stored", out)[1])  # type: ignore[index]
    assert f"{flows} flows, {flows} events stored" in out, out
    capsys.readouterr()
    assert main(["events", "--count", "--where", "network.transport=tcp", "--where",
                 "govsoc.flow.conn_state=SF", "--where", "destination.port=8080"]) == 0
    assert int(capsys.readouterr().out) >= 5


def test_dumpcap_dies_with_a_killed_govsoc(tmp_path: Path) -> None:
    # review 14 finding 5: after kill -9 of govsoc capture, its dumpcap kept running, orphaned
    env = {**os.environ, "GOVSOC_HOME": str(tmp_path / "home")}
    process = subprocess.Popen([sys.executable, "-m", "govsoc.cli", "capture", "-i", "lo", "--filter",
                                "udp port 9"], env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert process.stderr is not None
        assert "capturing:" in process.stderr.readline()
        children = [int(pid) for task in Path(f"/proc/{process.pid}/task").iterdir()
                    for pid in (task / "children").read_text().split()]
        dumpcaps = [pid for pid in children if Path(f"/proc/{pid}/comm").read_text().strip() == "dumpcap"]
        assert len(dumpcaps) == 1, children
        process.kill()
        process.communicate()
        for _ in range(600):  # the kernel signals it at once; wait until it has exited
            try:
                state = Path(f"/proc/{dumpcaps[0]}/stat").read_text().rsplit(")", 1)[1].split()[0]
            except FileNotFoundError:
                break
            if state in ("Z", "X"):
                break
            time.sleep(0.05)
        else:
            os.kill(dumpcaps[0], signal.SIGKILL)
            raise AssertionError(f"dumpcap {dumpcaps[0]} outlived govsoc capture")
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
