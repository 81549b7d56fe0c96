"""Real NetFlow peers for the tests: Debian's softflowd (an exporter that reads a pcap) and
nfdump's nfcapd (a collector), run on 127.0.0.1 with free ports and stopped after.

softflowd 1.1.0 reading a file waits on its control socket between batches of packets, so
:func:`softflowd_export` keeps connecting to that socket (asking for statistics) until it exits.
:func:`tee` receives every export datagram and hands a copy to each of its destinations, so
nfcapd and govsoc see the very same bytes."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.conftest import need


def free_udp_port() -> int:
    """A UDP port on 127.0.0.1 nobody listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def softflowd_export(pcap: Path, version: str, port: int, work: Path, *extra: str) -> str:
    """Run softflowd over ``pcap``, exporting NetFlow ``version`` (5, 9, 10) to 127.0.0.1:``port``;
    returns its closing statistics."""
    need(shutil.which("softflowd") is not None, "softflowd is missing (scripts/system-packages.sh installs it)")
    control = work / f"softflowd-{version}.ctl"
    # softflowd keeps only the first 16 characters of the file name it reads: a short relative one
    (work / "in.pcap").unlink(missing_ok=True)
    (work / "in.pcap").symlink_to(pcap.resolve())
    args = ["softflowd", "-d", "-r", "in.pcap", "-n", f"127.0.0.1:{port}", "-v", version,
            "-p", str(work / "softflowd.pid"), "-c", str(control), *extra]
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=work)
    deadline = time.monotonic() + 60
    while process.poll() is None and time.monotonic() < deadline:
        try:
            with socket.socket(socket.AF_UNIX) as client:
                client.settimeout(2)
                client.connect(str(control))
                client.sendall(b"statistics\n")
                while client.recv(65536):  # to the end: softflowd dies of SIGPIPE on a closed socket
                    pass
        except OSError:
            time.sleep(0.01)
    if process.poll() is None:
        process.kill()
    output = process.communicate(timeout=10)[0]
    assert process.returncode == 0, output
    return output


@contextmanager
def tee(destinations: list[int]) -> Iterator[tuple[int, list[bytes]]]:
    """A UDP port whose datagrams are copied to each destination port (and kept, in order)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(0.2)
    kept: list[bytes] = []
    stop = threading.Event()

    def relay() -> None:
        while not stop.is_set():
            try:
                data = sock.recv(65535)
            except TimeoutError:
                continue
            kept.append(data)
            for port in destinations:
                sock.sendto(data, ("127.0.0.1", port))

    thread = threading.Thread(target=relay, daemon=True)
    thread.start()
    try:
        yield int(sock.getsockname()[1]), kept
    finally:
        time.sleep(0.3)  # let the last datagrams through
        stop.set()
        thread.join()
        sock.close()


@contextmanager
def nfcapd(work: Path) -> Iterator[tuple[int, Path]]:
    """nfcapd listening on a free 127.0.0.1 port, writing under ``work``/nfcapd; stopped (and
    its file closed) when the block ends."""
    need(shutil.which("nfcapd") is not None, "nfcapd is missing (scripts/system-packages.sh installs nfdump)")
    port, folder = free_udp_port(), work / "nfcapd"
    folder.mkdir()
    process = subprocess.Popen(["nfcapd", "-w", str(folder), "-p", str(port), "-b", "127.0.0.1"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    time.sleep(0.5)
    try:
        yield port, folder
    finally:
        process.terminate()
        process.communicate(timeout=20)


def nfdump_totals(folder: Path) -> dict[str, int]:
    """nfdump's own summary of what nfcapd stored: flows, packets, bytes (``nfdump -I``)."""
    out = subprocess.run(["nfdump", "-R", str(folder), "-I"], capture_output=True, text=True, check=True).stdout
    totals = {}
    for line in out.splitlines():
        name, _, value = line.partition(":")
        if name in ("Flows", "Packets", "Bytes"):
            totals[name.lower()] = int(value)
    return totals


def nfdump_records(folder: Path) -> list[dict[str, str]]:
    """Every record nfcapd stored, as rows of nfdump's CSV output (times in UTC)."""
    out = subprocess.run(["nfdump", "-R", str(folder), "-o", "csv"], capture_output=True, text=True, check=True,
                         env={**os.environ, "TZ": "UTC"}).stdout.splitlines()
    header = out[0].split(",")
    rows = []
    for line in out[1:]:
        if line.startswith("Summary") or not line:
            break
        rows.append({name: cell.strip() for name, cell in zip(header, line.split(","), strict=False)})
    return rows


def serve_datagrams(datagrams: list[bytes], folder: Path) -> tuple[Any, Any, Any, int]:
    """Send ``datagrams`` over loopback to a real receiver, which stores them in a new SQLite
    store in ``folder`` (all are in its socket buffer before serving starts; serving drains them,
    then stops). Returns the store (open: the caller closes it), the receiver, its summary and
    the port the datagrams came from."""
    from govsoc.collectors.netflow.receiver import NetflowReceiver
    from govsoc.collectors.pipeline import Pipeline
    from govsoc.store.sqlite import SqliteStore

    store = SqliteStore(folder / "events.db")
    receiver = NetflowReceiver("127.0.0.1", 0)
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as exporter:
            exporter.bind(("127.0.0.1", 0))
            for datagram in datagrams:
                exporter.sendto(datagram, receiver.address)
            port = int(exporter.getsockname()[1])
        stop = threading.Event()
        stop.set()
        summary = receiver.serve(Pipeline(store, data_dir=folder), stop=stop)
    finally:
        receiver.close()
    return store, receiver, summary, port
