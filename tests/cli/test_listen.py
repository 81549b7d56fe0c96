"""`govsoc listen` as administrators run it: a real process, real datagrams and streams, SIGTERM
ends it within seconds with what was accepted stored, and `govsoc status` shows the counters."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from govsoc.cli import main

LINE = b"<38>Nov 30 10:00:00 web01 sshd[7]: Failed password for root from 192.0.2.10 port %d ssh2"


def _listening(process: subprocess.Popen[str], count: int) -> dict[str, tuple[str, int]]:
    found: dict[str, tuple[str, int]] = {}
    assert process.stderr is not None
    while len(found) < count:
        line = process.stderr.readline()
        assert line, "govsoc listen ended before it listened"
        match = re.search(r"listening: (\S+) (udp|tcp|tls) (\S+):(\d+)", line)
        if match:
            found[match[2]] = (match[3], int(match[4]))
    return found


def test_listen_stores_and_stops_on_sigterm(home: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    env = {**os.environ, "GOVSOC_HOME": str(home)}  # the fixture's fresh home, no configuration
    process = subprocess.Popen([sys.executable, "-m", "govsoc.cli", "listen", "--udp", "127.0.0.1:0", "--tcp",
                                "127.0.0.1:0", "--allow", "127.0.0.1/32"], env=env, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        addresses = _listening(process, 2)
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
            for n in range(100):
                udp.sendto(LINE % n, addresses["udp"])
        with socket.create_connection(addresses["tcp"]) as tcp:
            tcp.sendall(b"".join(LINE % n + b"\n" for n in range(100, 1100)))
        time.sleep(0.5)
        stopping = time.monotonic()
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=30)
        assert time.monotonic() - stopping < 10
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err
    assert "100 received, 100 accepted (100 stored" in out
    assert "1000 received, 1000 accepted (1000 stored" in out
    capsys.readouterr()
    assert main(["status", "--format", "json"]) == 0
    status = json.loads(capsys.readouterr().out)
    assert main(["events", "--count"]) == 0
    counted = capsys.readouterr().out
    receivers = {r["transport"]: r for r in status["receivers"]}
    assert receivers["udp"]["received"] == receivers["udp"]["stored"] == 100
    assert receivers["tcp"]["received"] == receivers["tcp"]["stored"] == 1000
    assert receivers["tcp"]["running"] is False and receivers["tcp"]["connections"] == 1
    assert "1100" in counted
    assert receivers["udp"]["senders"]["127.0.0.1"]["messages"] == 100
    assert receivers["tcp"]["senders"]["127.0.0.1"]["messages"] == 1000
    assert main(["status", "--senders"]) == 0
    assert "senders (2)" in capsys.readouterr().out


def test_listen_needs_a_receiver(govsoc) -> None:  # type: ignore[no-untyped-def]
    code, _out, err = govsoc("listen")
    assert code == 2 and "no receivers" in err and "collectors.receivers" in err
    code, _out, err = govsoc("listen", "--tls", "127.0.0.1:0")
    assert code == 2 and "--cert" in err
    code, _out, err = govsoc("listen", "--udp", "nonsense")
    assert code == 2 and "HOST:PORT" in err


def test_listen_runs_the_configured_receivers(home: Path, tmp_path: Path, govsoc) -> None:  # type: ignore[no-untyped-def]
    config = tmp_path / "govsoc.yaml"
    config.write_text(f"data_dir: {home}\ncollectors:\n  receivers:\n"
                      "    - {name: edge, transport: udp, listen: '127.0.0.1:0', allow: [10.0.0.0/8],\n"
                      "       senders: [{match: [10.1.0.0/16], timezone: UTC, charset: gbk}]}\n", encoding="utf-8")
    code, out, err = govsoc("--config", str(config), "listen", "--stop-after", "0.5")
    assert code == 0, err
    assert re.search(r"listening: edge udp 127\.0\.0\.1:\d+ \(allow: 10\.0\.0\.0/8\)", err)
    assert out.startswith("edge (udp 127.0.0.1:")
    code, out, _err = govsoc("--config", str(config), "status", "--format", "json")
    assert [r["name"] for r in json.loads(out)["receivers"]] == ["edge"]


def test_a_dead_listener_is_not_shown_as_listening(home: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    """The process runs on, but one listener's socket was closed under its thread (UDP) and the
    other's server stopped (TCP): `govsoc status` says so instead of "listening"."""
    from govsoc.collectors import Pipeline
    from govsoc.collectors.receivers import ReceiverSet
    from govsoc.core.collector_settings import ReceiverSettings
    from govsoc.store.sqlite import SqliteStore

    home.mkdir(parents=True, exist_ok=True)
    store = SqliteStore(home / "events.db")
    settings = [ReceiverSettings(name=name, transport=transport, listen="127.0.0.1:0")
                for name, transport in (("udp", "udp"), ("tcp", "tcp"), ("healthy", "udp"))]
    notices: list[str] = []
    receivers = ReceiverSet(settings, Pipeline(store, data_dir=home), data_dir=home, notice=notices.append)
    receivers.start()
    try:
        udp = next(r for r in receivers._udp if r.counters.name == "udp")
        assert udp.sock is not None
        udp.sock.close()
        streams = receivers._streams
        assert streams is not None and streams.receivers[0].server is not None
        streams.loop.call_soon_threadsafe(streams.receivers[0].server.close)
        deadline = time.monotonic() + 30
        while len(notices) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        capsys.readouterr()
        assert main(["status", "--format", "json"]) == 0
        rows = {r["name"]: r for r in json.loads(capsys.readouterr().out)["receivers"]}
        assert rows["healthy"]["listening"] is True and rows["healthy"]["running"] is True
        for name in ("udp", "tcp"):
            assert rows[name]["running"] is True and rows[name]["listening"] is False, rows[name]
            assert rows[name]["problem"]
        assert main(["status"]) == 0
        table = capsys.readouterr().out
        assert table.count("NOT LISTENING") == 2 and table.count("listening") == 1
        assert sorted(n.split(" (")[0] for n in notices) == ["receiver tcp", "receiver udp"]
    finally:
        receivers.stop()
        store.close()


def test_a_sender_that_went_silent_is_shown(home: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    """Issue 13: the socket stays open, one device stops sending: its sender row, and the
    receiver's state, say so once it has not been heard for the quiet period (an hour, as
    rules.silence's). Decided against the saved last-heard times, not the clock."""
    from datetime import datetime, timedelta

    from govsoc.cli.commands.status_receivers import SILENT_AFTER, _state, mark_silent, receiver_status
    from govsoc.collectors import Pipeline
    from govsoc.collectors.receivers import ReceiverSet, counters_folder, load_counters
    from govsoc.core.collector_settings import ReceiverSettings
    from govsoc.store.sqlite import SqliteStore

    home.mkdir(parents=True, exist_ok=True)
    store = SqliteStore(home / "events.db")
    receivers = ReceiverSet([ReceiverSettings(name="edge", transport="udp", listen="127.0.0.1:0")],
                            Pipeline(store, data_dir=home), data_dir=home)
    receivers.start()
    try:
        line = b"<38>Nov 30 10:00:00 fw01 sshd[7]: Accepted password for ops from 192.0.2.7 port 2 ssh2"
        for count, source in enumerate(("127.0.0.1", "127.0.0.2"), 1):
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
                udp.bind((source, 0))
                udp.sendto(line, receivers.addresses["edge"])
            deadline = time.monotonic() + 30
            while receivers.counters[0].received < count and time.monotonic() < deadline:
                time.sleep(0.01)
            if count == 1:
                time.sleep(1.1)  # last-heard times are saved to the second: the second sender is a second later
        receivers.save()
        rows = [receiver_status(data) for data in load_counters(counters_folder(home))]
        senders = rows[0]["senders"]
        first = datetime.fromisoformat(senders["127.0.0.1"]["last_heard"])
        assert datetime.fromisoformat(senders["127.0.0.2"]["last_heard"]) > first
        mark_silent(rows, first + SILENT_AFTER + timedelta(seconds=0.5))
        assert (senders["127.0.0.1"]["silent"], senders["127.0.0.2"]["silent"]) == (True, False)
        assert _state(rows[0]) == "listening; 1 of 2 senders SILENT"
        mark_silent(rows, first + SILENT_AFTER)  # not yet past the quiet period
        assert not any(sender["silent"] for sender in senders.values()) and _state(rows[0]) == "listening"
        capsys.readouterr()
        assert main(["status", "--format", "json", "--silent-after", "0"]) == 0
        row = json.loads(capsys.readouterr().out)["receivers"][0]
        assert row["silent_senders"] == 2 and all(sender["silent"] for sender in row["senders"].values())
        assert main(["status", "--senders", "--silent-after", "0"]) == 0
        assert "SILENT" in capsys.readouterr().out
    finally:
        receivers.stop()
        store.close()
