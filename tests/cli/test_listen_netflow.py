"""`govsoc listen --netflow` as an administrator runs it: a real govsoc process receives the
NetFlow v9 export of a real exporter (softflowd reading a Zeek trace) beside a syslog receiver,
SIGTERM or SIGHUP ends it with every record stored, and its closing line says what it received."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from govsoc.cli import main
from tests.collectors.netflow.peers import softflowd_export
from tests.conftest import CORPUS


# review r14d HIGH 1: SIGHUP (a closed terminal or session, `kill -HUP`) killed the process by its
# default action, losing what the receivers held; it now stops it as SIGTERM does
@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_listen_netflow_beside_syslog(home: Path, tmp_path: Path, capsys, stop: signal.Signals) -> None:  # type: ignore[no-untyped-def]
    env = {**os.environ, "GOVSOC_HOME": str(home)}
    process = subprocess.Popen([sys.executable, "-m", "govsoc.cli", "listen", "--netflow", "127.0.0.1:0", "--udp",
                                "127.0.0.1:0"], env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        found: dict[str, int] = {}
        assert process.stderr is not None
        while len(found) < 2:
            line = process.stderr.readline()
            assert line, "govsoc listen ended before it listened"
            match = re.search(r"listening: (netflow udp|\S+ udp) \S+:(\d+)", line)
            if match:
                found["netflow" if match[1] == "netflow udp" else "syslog"] = int(match[2])
        softflowd_export(CORPUS / "zeek" / "traces" / "wikipedia.pcap", "9", found["netflow"], tmp_path, "-a")
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
            udp.sendto(b"<38>Nov 30 10:00:00 web01 sshd[7]: Accepted password for ops from 192.0.2.7 port 2 ssh2",
                       ("127.0.0.1", found["syslog"]))
        live: dict[str, object] = {}
        while live.get("received") != 3:  # `govsoc status` shows the running listener (saved every second)
            assert process.poll() is None
            capsys.readouterr()
            assert main(["status", "--format", "json"]) == 0
            live = next((r for r in json.loads(capsys.readouterr().out)["receivers"] if r["transport"] == "netflow"),
                        {})
        assert live["running"] is True and live["unit"] == "datagram" and list(live["senders"]) == ["127.0.0.1"]
        process.send_signal(stop)
        out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err
    # softflowd's v9 export of this trace: 57 flow records (as nfcapd counts them, see
    # tests/collectors/netflow/test_softflowd.py) and one options record (its sampling)
    assert re.search(r"netflow udp 127\.0\.0\.1:\d+: 3 datagrams from 1 exporters, 58 records, 58 events stored, "
                     r"0 spooled, 0 dropped; 0 dropped by the kernel; problems: none", out), out
    assert "1 received, 1 accepted (1 stored" in out
    capsys.readouterr()
    assert main(["events", "--count", "--where", "event.dataset=netflow.log"]) == 0
    assert capsys.readouterr().out.strip() == "58"
    assert main(["status", "--format", "json"]) == 0
    receivers = {r["transport"]: r for r in json.loads(capsys.readouterr().out)["receivers"]}
    # datagrams, records and events each counted as what they are (the row said "58 stored" of 3 received)
    netflow = receivers["netflow"]
    assert (netflow["unit"], netflow["received"], netflow["records"], netflow["events_stored"], netflow["stored"],
            netflow["in_flight"], netflow["running"]) == ("datagram", 3, 58, 58, 0, 0, False)
    syslog = receivers["udp"]
    assert (syslog["unit"], syslog["received"], syslog["records"], syslog["stored"], syslog["events_stored"]) == (
        "message", 1, 1, 1, 1)
    assert main(["status"]) == 0
    table = capsys.readouterr().out
    assert "3 datagrams" in table and "1 messages" in table


def test_listen_ipfix_over_tcp(home: Path, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    # RFC 7011 10.4: `--netflow tcp://HOST:PORT`; softflowd -P tcp connects and streams its messages
    env = {**os.environ, "GOVSOC_HOME": str(home)}
    process = subprocess.Popen([sys.executable, "-m", "govsoc.cli", "listen", "--netflow", "tcp://127.0.0.1:0"],
                               env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert process.stderr is not None
        port = None
        while port is None:
            line = process.stderr.readline()
            assert line, "govsoc listen ended before it listened"
            match = re.search(r"listening: netflow tcp \S+:(\d+) \(IPFIX, RFC 7011 10\.4\)", line)
            port = int(match[1]) if match else None
        softflowd_export(CORPUS / "zeek" / "traces" / "wikipedia.pcap", "10", port, tmp_path, "-a", "-P", "tcp")
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err
    found = re.search(r"netflow tcp 127\.0\.0\.1:\d+: (\d+) messages from 1 exporters, (\d+) records, (\d+) events "
                      r"stored, 0 spooled, 0 dropped; 0 dropped by the kernel; problems: none", out)
    assert found, out
    assert int(found[1]) > 1 and int(found[2]) > 50 and found[2] == found[3]
    capsys.readouterr()
    assert main(["events", "--count", "--where", "event.dataset=netflow.log"]) == 0
    assert capsys.readouterr().out.strip() == found[2]


def test_each_netflow_receiver_closing_line_has_its_own_counts(home: Path) -> None:
    # review 14 finding 7: the closing lines were zipped with summaries in thread-finishing order
    env = {**os.environ, "GOVSOC_HOME": str(home)}
    process = subprocess.Popen([sys.executable, "-m", "govsoc.cli", "listen", "--netflow", "127.0.0.1:0",
                                "--netflow", "127.0.0.1:0"], env=env, text=True, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    try:
        ports: list[int] = []
        assert process.stderr is not None
        while len(ports) < 2:
            line = process.stderr.readline()
            assert line, "govsoc listen ended before it listened"
            match = re.search(r"listening: netflow udp \S+:(\d+)", line)
            if match:
                ports.append(int(match[1]))
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
            for port, count in zip(ports, (5, 1), strict=True):
                for n in range(count):  # garbage: each one a pipeline_error event
                    udp.sendto(b"\x00\x07not netflow at all, twenty bytes %d %d" % (port, n), ("127.0.0.1", port))
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err
    for port, count in zip(ports, (5, 1), strict=True):
        assert re.search(rf"netflow udp 127\.0\.0\.1:{port}: {count} datagrams from 1 exporters, 0 records, "
                         rf"{count} events stored", out), out
