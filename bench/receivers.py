"""Receiver benchmark (issue 13): syslog messages per second from the wire into the store, per
transport, beside a bare socket receive loop that stores nothing, in the same run.

    python -m bench.receivers                     # 100,000 messages per transport
    python -m bench.receivers --messages 20000    # quicker

The messages are loghub's OpenSSH_2k lines (shared/corpus/loghub, real) with a PRI in front,
repeated to the requested count. A separate process sends them as fast as it can: one datagram
each over UDP, newline framing over TCP, octet counting over TLS (RFC 5425). Per transport:

* ``bare``: the ceiling, a plain loop that reads the socket and counts messages (no framing
  beyond a newline count, no decoding, no parsing, no store);
* ``govsoc``: `govsoc listen`'s objects (collectors.receivers.ReceiverSet, parser ``auto``)
  into an embedded SQLite store: framing, charset, parser detection and parsing per message,
  event ids, store writes. The rate counts events stored, from the first send to the last
  event stored.

A last row reads the same lines from a file through the pipeline (`govsoc ingest`'s path) into
the same kind of store: the receivers add their network side to that path, so their rate is
bounded by it, not by the sockets. UDP rows also show what the kernel dropped (the sender is
faster than any Python reader; the loss is counted, never silent).
"""

from __future__ import annotations

import argparse
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from govsoc.collectors import IngestOptions, Pipeline
from govsoc.collectors.receivers import ReceiverSet
from govsoc.collectors.receivers.udp import socket_drops
from govsoc.core.collector_settings import ReceiverSettings
from govsoc.store.sqlite import SqliteStore

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT.parent / "shared" / "corpus" / "loghub" / "OpenSSH" / "OpenSSH_2k.log"


def messages(count: int) -> list[bytes]:
    """``count`` real sshd lines with PRI 38 (auth.info) in front."""
    lines = [b"<38>" + line for line in SAMPLE.read_bytes().splitlines() if line.strip()]
    return [lines[n % len(lines)] for n in range(count)]


# -- the sender (a process of its own) ---------------------------------------------------------
def send(transport: str, host: str, port: int, count: int, cafile: str | None) -> None:
    """Send ``count`` messages to ``host:port`` as fast as possible."""
    batch = messages(count)
    if transport == "udp":
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as datagrams:
            for message in batch:
                datagrams.sendto(message, (host, port))
        return
    raw = socket.create_connection((host, port))
    sock: socket.socket = raw
    if transport == "tls":
        sock = ssl.create_default_context(cafile=cafile).wrap_socket(raw, server_hostname=host)
    framed = [b"%d %s" % (len(m), m) for m in batch] if transport == "tls" else [m + b"\n" for m in batch]
    for start in range(0, count, 1000):
        sock.sendall(b"".join(framed[start:start + 1000]))
    close_politely(sock)


def close_politely(raw: socket.socket) -> None:
    """End the connection with a FIN and wait for the peer to close: a socket closed with unread
    data (TLS 1.3 session tickets the client never read) sends a reset instead, and the peer's
    kernel then throws away what it had received but not yet handed to the receiver."""
    raw.shutdown(socket.SHUT_WR)
    raw.settimeout(60)
    try:
        while raw.recv(65536):
            pass
    except OSError:
        pass
    raw.close()


def start_sender(transport: str, address: tuple[str, int], count: int, cafile: Path | None) -> subprocess.Popen[bytes]:
    args = [sys.executable, "-m", "bench.receivers", "--send", transport, address[0], str(address[1]), str(count)]
    return subprocess.Popen(args + ([str(cafile)] if cafile else []), cwd=ROOT)


# -- the ceiling: a bare receive loop ----------------------------------------------------------
def bare(transport: str, count: int, pki: tuple[Path, Path, Path] | None) -> tuple[float, int, int]:
    """(messages/s, received, kernel drops) of a loop that only reads and counts."""
    if transport == "udp":
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
        sock.bind(("127.0.0.1", 0))
        sender = start_sender(transport, sock.getsockname(), count, None)
        sock.settimeout(30.0)
        sock.recvfrom(65536)  # the clock starts at the first message
        sock.settimeout(1.0)
        started, received, last = time.perf_counter(), 1, time.perf_counter()
        try:
            while received < count:
                sock.recvfrom(65536)
                received += 1
                last = time.perf_counter()
        except TimeoutError:
            pass
        sender.wait()
        drops = socket_drops(sock) or 0
        sock.close()
        return received / (last - started), received, drops
    server = socket.create_server(("127.0.0.1", 0))
    sender = start_sender(transport, server.getsockname(), count, pki[0] if pki else None)
    conn, _peer = server.accept()
    started = time.perf_counter()  # the clock starts at the connection (TLS: its handshake counts)
    if transport == "tls" and pki is not None:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(pki[1], pki[2])
        conn = context.wrap_socket(conn, server_side=True)
    received = 0
    while True:
        data = conn.recv(262144)
        if not data:
            break
        received += data.count(b"\n") if transport == "tcp" else data.count(b" <38>") + data.startswith(b"<38>")
    elapsed = time.perf_counter() - started
    conn.close()
    server.close()
    sender.wait()
    return received / elapsed, received, 0


# -- govsoc ------------------------------------------------------------------------------------
def govsoc(transport: str, count: int, pki: tuple[Path, Path, Path] | None, folder: Path) -> tuple[float, int, int]:
    """(events stored/s, stored, kernel drops) through a ReceiverSet into SQLite."""
    store = SqliteStore(folder / f"{transport}.db")
    data_dir = folder / transport
    settings: dict[str, object] = {"name": transport, "transport": transport, "listen": "127.0.0.1:0"}
    if transport == "tls" and pki is not None:
        settings["tls"] = {"cert": pki[1], "key": pki[2]}
    receivers = ReceiverSet([ReceiverSettings.model_validate(settings)], Pipeline(store, data_dir=data_dir),
                            data_dir=data_dir)
    receivers.start()
    counters = receivers.counters[0]
    sender = start_sender(transport, receivers.addresses[transport], count, pki[0] if pki else None)
    while not counters.bytes:  # the clock starts at the first bytes (a connection: its first data)
        time.sleep(0.002)
    started = time.perf_counter()
    last_change, seen, finished = started, -1, started
    while True:  # until everything received is stored and nothing new arrived for a second
        time.sleep(0.02)
        now = time.perf_counter()
        if counters.stored != seen:
            seen, finished = counters.stored, now
            last_change = now
        if sender.poll() is not None and counters.stored >= counters.accepted and now - last_change > 1.0:
            break
    receivers.stop()
    store.close()
    return counters.stored / (finished - started), counters.stored, counters.kernel_drops


def from_file(count: int, folder: Path) -> float:
    """Lines/s of the same messages read from a file by the ingest pipeline into SQLite."""
    path = folder / "messages.log"
    path.write_bytes(b"\n".join(messages(count)) + b"\n")
    store = SqliteStore(folder / "file.db")
    started = time.perf_counter()
    summary = Pipeline(store, data_dir=folder / "file").ingest_file(path, IngestOptions(parser=None))
    elapsed = time.perf_counter() - started
    store.close()
    return summary.receipt.accepted / elapsed


def make_pki(folder: Path) -> tuple[Path, Path, Path]:
    """A throw-away CA and server certificate for 127.0.0.1 (cryptography, from the dev extra)."""
    import datetime as dt
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    def name(text: str) -> x509.Name:
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, text)])

    now = dt.datetime.now(dt.UTC)
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca = (x509.CertificateBuilder().subject_name(name("bench CA")).issuer_name(name("bench CA"))
          .public_key(ca_key.public_key()).serial_number(1).not_valid_before(now - dt.timedelta(hours=1))
          .not_valid_after(now + dt.timedelta(days=1))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True).sign(ca_key, hashes.SHA256()))
    cert = (x509.CertificateBuilder().subject_name(name("127.0.0.1")).issuer_name(ca.subject)
            .public_key(key.public_key()).serial_number(2).not_valid_before(now - dt.timedelta(hours=1))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False).sign(ca_key, hashes.SHA256()))
    paths = folder / "ca.pem", folder / "server.pem", folder / "server.key"
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return paths


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print one row per transport and path."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--transports", default="udp,tcp,tls")
    parser.add_argument("--send", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.send:
        transport, host, port, count, *ca = args.send
        send(transport, host, int(port), int(count), ca[0] if ca else None)
        return 0
    threading.current_thread().name = "bench"
    with tempfile.TemporaryDirectory(prefix="govsoc-bench-receivers-") as temp:
        folder = Path(temp)
        pki = make_pki(folder)
        print(f"{args.messages:,} real sshd messages per transport (loghub OpenSSH_2k)")
        print(f"{'transport':<9} {'bare msg/s':>11} {'govsoc ev/s':>12} {'ratio':>6}  {'stored':>8} "
              f"{'kernel drops':>12}")
        for transport in args.transports.split(","):
            ceiling, _received, bare_drops = bare(transport, args.messages, pki)
            rate, stored, drops = govsoc(transport, args.messages, pki, folder)
            print(f"{transport:<9} {ceiling:>11,.0f} {rate:>12,.0f} {rate / ceiling:>6.3f}  {stored:>8,} "
                  f"{drops:>12,}" + (f"  (bare loop: {bare_drops:,} dropped)" if transport == "udp" else ""))
        file_rate = from_file(args.messages, folder)
        print(f"{'file':<9} {'':>11} {file_rate:>12,.0f}  (the same lines through `govsoc ingest`'s pipeline)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
