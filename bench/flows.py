"""pcap -> flows benchmark (issue 14): packets per second and peak memory of govsoc's flow
assembly beside scapy's rdpcap, dpkt, nfstream and a bare struct read loop, on the same
generated capture, in one run; and what a user gets: the capture to ECS events with protocol
metadata (no store, ``govsoc events``) and `govsoc ingest` of it end to end into SQLite, each
govsoc row with its ratio to every baseline (wall and CPU) under the table.

    python -m bench.flows                      # 1,000,000 packets (generated once, cached)
    python -m bench.flows --packets 200000     # quicker
    python -m bench.flows --scapy-packets 0    # leave scapy out
    python -m bench.flows --repeat 3           # best of three rounds (a shared machine)

The capture is generated here (deterministic): TCP connections with handshake, data both ways
and FIN teardown, UDP DNS query/answer pairs, ICMP echoes, a share on 802.1Q VLANs and a share
over IPv6, on Ethernet. Every contender runs in a child process of its own, so its peak
resident memory (ru_maxrss) is its own; its library is imported before the clock starts (govsoc's
compiled code is loaded from numba's cache, or compiled once when the cache is cold: the "import s"
column says how long that took). scapy's rdpcap holds every packet in memory and reads
about 3,500 packets/s when it dissects them (its layers loaded, as any user has them); it is
timed on the first ``--scapy-packets`` packets of the same file (said under the table) and its
rate compared: a subset flatters scapy, whose rate falls as its packet list grows. Rates are
given by wall time and by CPU time (the process and its children: nfstream's meters), since the
machine may be shared. The baselines come from the ``bench`` extra
(``pip install 'govsoc[bench]'``); a missing one is printed as unavailable.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import struct
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

CACHE = Path(os.environ.get("GOVSOC_BENCH_CACHE", Path.home() / ".cache" / "govsoc"))
MAC = b"\x00\x11\x22\x33\x44\x55\x66\x77\x88\x99\xaa\xbb"


def _ipv4(src: bytes, dst: bytes, proto: int, payload: bytes) -> bytes:
    return struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 0, 0x4000, 64, proto, 0, src, dst) + payload


def _ipv6(src: bytes, dst: bytes, proto: int, payload: bytes) -> bytes:
    return struct.pack("!IHBB16s16s", 0x60000000, len(payload), proto, 64, src, dst) + payload


def _frame(ip: bytes, v6: bool, vlan: int) -> bytes:
    ethertype = b"\x86\xdd" if v6 else b"\x08\x00"
    if vlan:
        return MAC + struct.pack("!HH", 0x8100, vlan) + ethertype + ip
    return MAC + ethertype + ip


def _tcp(sport: int, dport: int, seq: int, ack: int, flags: int, data: bytes) -> bytes:
    return struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 0x50, flags, 65535, 0, 0) + data


def _connection(rng: random.Random, a: bytes, b: bytes, ip: Callable[[bytes, bytes, int, bytes], bytes], v6: bool,
                vlan: int, payloads: list[bytes]) -> list[bytes]:
    """One TCP connection's frames: handshake, data both ways, FIN teardown."""
    frames: list[bytes] = []
    sport, dport = rng.randrange(1024, 65535), rng.choice((80, 443, 22, 3306, 8080))
    cs, ss = rng.randrange(1 << 32), rng.randrange(1 << 32)

    def seg(src: bytes, dst: bytes, sp: int, dp: int, seq: int, ack: int, flags: int, data: bytes) -> None:
        segment = _tcp(sp, dp, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF, flags, data)
        frames.append(_frame(ip(src, dst, 6, segment), v6, vlan))

    seg(a, b, sport, dport, cs, 0, 0x02, b"")
    seg(b, a, dport, sport, ss, cs + 1, 0x12, b"")
    seg(a, b, sport, dport, cs + 1, ss + 1, 0x10, b"")
    c, s = cs + 1, ss + 1
    for _ in range(rng.randrange(2, 60)):
        data = rng.choice(payloads)
        if rng.random() < 0.4:
            seg(a, b, sport, dport, c, s, 0x18, data)
            c += len(data)
        else:
            seg(b, a, dport, sport, s, c, 0x18, data)
            s += len(data)
    seg(a, b, sport, dport, c, s, 0x11, b"")
    seg(b, a, dport, sport, s, c + 1, 0x11, b"")
    seg(a, b, sport, dport, c + 1, s + 1, 0x10, b"")
    return frames


def generate(path: Path, packets: int, seed: int = 14) -> None:
    """Write a capture of about ``packets`` packets to ``path``."""
    rng = random.Random(seed)
    out = path.open("wb")
    out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
    written, now = 0, 1_700_000_000.0
    payloads = [bytes(rng.randrange(256) for _ in range(n)) for n in (0, 64, 200, 512, 1200, 1448)]
    while written < packets:
        now += rng.expovariate(2000)
        v6, vlan = rng.random() < 0.2, (rng.choice((10, 20, 30)) if rng.random() < 0.3 else 0)
        if v6:
            a, b = b"\x20\x01\x0d\xb8" + rng.randbytes(12), b"\x20\x01\x0d\xb8" + rng.randbytes(12)
            ip = _ipv6
        else:
            a, b = bytes([10, rng.randrange(256), rng.randrange(256), rng.randrange(1, 255)]), \
                bytes([172, 16, rng.randrange(256), rng.randrange(1, 255)])
            ip = _ipv4
        kind = rng.random()
        frames: list[bytes] = []
        if kind < 0.8:  # a TCP connection
            frames = _connection(rng, a, b, ip, v6, vlan, payloads)
        elif kind < 0.97:  # DNS
            sport = rng.randrange(1024, 65535)
            query = (struct.pack("!HHHHHH", rng.randrange(65536), 0x0100, 1, 0, 0, 0)
                     + b"\x07example\x03com\x00\x00\x01\x00\x01")
            answer = (query[:2] + b"\x81\x80" + query[4:6] + b"\x00\x01" + query[8:]
                      + b"\xc0\x0c\x00\x01\x00\x01\x00\x00\x0e\x10\x00\x04\x5d\xb8\xd8\x22")
            frames.append(_frame(ip(a, b, 17, struct.pack("!HHHH", sport, 53, 8 + len(query), 0) + query), v6, vlan))
            frames.append(_frame(ip(b, a, 17, struct.pack("!HHHH", 53, sport, 8 + len(answer), 0) + answer), v6, vlan))
        else:  # ping (ICMPv4 only)
            if v6:
                continue
            for sequence in range(4):
                echo = struct.pack("!BBHHH", 8, 0, 0, 1, sequence) + bytes(56)
                frames.append(_frame(_ipv4(a, b, 1, echo), False, vlan))
                frames.append(_frame(_ipv4(b, a, 1, b"\x00" + echo[1:]), False, vlan))
        for frame in frames:
            if written >= packets:
                break
            now += rng.expovariate(50000)
            seconds = int(now)
            out.write(struct.pack("<IIII", seconds, int((now - seconds) * 1e6), len(frame), len(frame)) + frame)
            written += 1
    out.close()


def capture(packets: int) -> Path:
    """The cached generated capture of ``packets`` packets."""
    path = CACHE / f"bench-flows-{packets}.pcap"
    if not path.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".part")
        generate(partial, packets)
        partial.rename(path)
    return path


# -- contenders (each runs in its own child process) ----------------------------------------------
def run_govsoc(path: Path, limit: int) -> tuple[int, int]:
    from govsoc.collectors.flows.assemble import FlowAssembler

    with path.open("rb") as handle:
        assembler = FlowAssembler(handle)
        flows = sum(1 for _ in assembler.flows())
    return assembler.packets, flows


def run_govsoc_events(path: Path, limit: int) -> tuple[int, int]:
    """pcap -> ECS events without a store: the flows, their ECS fields and protocol metadata as
    the network.pcap source's records, each parsed into its events (what ingest does before the
    pipeline's enrichment, ids and store)."""
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from govsoc.collectors.base import ParseContext
    from govsoc.collectors.flows.source import PcapFileSource, PcapFlowParser

    source, parser = PcapFileSource(path), PcapFlowParser()
    context = ParseContext(timezone=ZoneInfo("UTC"), reference=datetime.now(UTC))
    events = sum(1 for record in source.records() for _ in parser.parse(record, context))
    return source.packets, events


def run_govsoc_ingest(path: Path, limit: int) -> tuple[int, int]:
    """What `govsoc ingest x.pcap` does, end to end (review 14 finding 16): flows, their ECS fields
    and protocol metadata as records, parsing, event ids, checkpoints and the SQLite store (its
    writer process's CPU counts: it has ended when the clock stops)."""
    import tempfile

    from govsoc.collectors import Pipeline
    from govsoc.collectors.pipeline import IngestOptions
    from govsoc.store.sqlite import SqliteStore

    with tempfile.TemporaryDirectory() as folder:
        store = SqliteStore(Path(folder) / "events.db")
        try:
            summary = Pipeline(store, data_dir=Path(folder)).ingest_file(path, IngestOptions(parser="network.pcap"))
        finally:
            store.close()
    assert summary.receipt.created == summary.records, summary
    return int(path.stem.rsplit("-", 1)[1]), summary.records  # the generated capture's packet count


def run_struct(path: Path, limit: int) -> tuple[int, int]:
    """A bare read loop: blocks read, record headers unpacked, packets sliced, nothing decoded."""
    record = struct.Struct("<IIII")
    count = 0
    with path.open("rb") as handle:
        handle.read(24)
        data, position = b"", 0
        while True:
            block = handle.read(4 << 20)
            if not block:
                break
            data = data[position:] + block
            position, end = 0, len(data)
            while position + 16 <= end:
                caplen = record.unpack_from(data, position)[2]
                if position + 16 + caplen > end:
                    break
                _ = data[position + 16:position + 16 + caplen]
                position += 16 + caplen
                count += 1
    return count, 0


def run_dpkt(path: Path, limit: int) -> tuple[int, int]:
    """dpkt's reader and decoders, packets counted into a 5-tuple table."""
    import dpkt

    flows: dict[tuple[object, ...], list[int]] = {}
    count = 0
    with path.open("rb") as handle:
        for _, buf in dpkt.pcap.Reader(handle):
            count += 1
            ip = dpkt.ethernet.Ethernet(buf).data
            if not isinstance(ip, (dpkt.ip.IP, dpkt.ip6.IP6)):
                continue
            transport = ip.data
            ported = isinstance(transport, (dpkt.tcp.TCP, dpkt.udp.UDP))
            ports = (transport.sport, transport.dport) if ported else (0, 0)
            a, b = (ip.src, ports[0]), (ip.dst, ports[1])
            key = (ip.p, *min(a, b), *max(a, b))
            entry = flows.setdefault(key, [0, 0])
            entry[0] += 1
            entry[1] += len(buf)
    return count, len(flows)


def run_scapy(path: Path, limit: int) -> tuple[int, int]:
    """scapy's rdpcap of the first ``limit`` packets, each dissected into its layers (parsing
    only, as the issue measures it). scapy dissects only the link types its layers registered:
    with ``scapy.utils`` alone every packet stays Raw bytes, which measures a slow read loop,
    not scapy; so the layers are loaded (prepare) and a Raw first packet is an error."""
    from scapy.layers.l2 import Ether
    from scapy.utils import rdpcap

    packets = rdpcap(str(path), count=limit)
    if not packets or not packets[0].haslayer(Ether):
        raise RuntimeError("scapy did not dissect the packets (its layers are not loaded)")
    return len(packets), 0


def run_nfstream(path: Path, limit: int) -> tuple[int, int]:
    """nfstream's C engine (bidirectional flows, no statistics, no payload dissection)."""
    from nfstream import NFStreamer

    flows = packets = 0
    for flow in NFStreamer(source=str(path), n_dissections=0, statistical_analysis=False):
        flows += 1
        packets += flow.bidirectional_packets
    return packets, flows


CONTENDERS: dict[str, Callable[[Path, int], tuple[int, int]]] = {
    "struct loop": run_struct, "govsoc": run_govsoc, "govsoc events": run_govsoc_events,
    "govsoc ingest": run_govsoc_ingest, "dpkt": run_dpkt,
    "nfstream": run_nfstream, "scapy": run_scapy,
}


def prepare(name: str) -> float:
    """Import a contender's library before the clock starts (for govsoc: load its compiled code
    from numba's on-disk cache, compiling it when the cache is cold); returns the seconds spent."""
    began = time.perf_counter()
    if name.startswith("govsoc"):
        from govsoc.collectors.flows.assemble import FlowAssembler

        tiny = CACHE / "bench-flows-warm.pcap"
        if not tiny.exists():
            generate(tiny, 200)
        with tiny.open("rb") as handle:  # a tiny capture would take the Python engine by itself
            list(FlowAssembler(handle, engine="native").flows())
    elif name in ("dpkt", "nfstream"):
        __import__(name)
    elif name == "scapy":
        __import__("scapy.all")  # the layers: without them rdpcap leaves every packet Raw
    return time.perf_counter() - began


def child(name: str, path: Path, limit: int) -> None:
    """Run one contender and print its figures as JSON."""
    try:
        warm = prepare(name)
        resident = _resident_kib()
        cpu = _cpu_seconds()
        began = time.perf_counter()
        packets, flows = CONTENDERS[name](path, limit)
    except ImportError as e:
        print(json.dumps({"unavailable": f"{type(e).__name__}: {e}"}))
        return
    seconds = time.perf_counter() - began
    cpu = _cpu_seconds() - cpu
    # the highest of the process's own peak and its largest child's (nfstream's meters, the store's
    # writer): two peaks at different times are not one, so they are not added
    usage = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    print(json.dumps({"packets": packets, "flows": flows, "seconds": seconds, "cpu": cpu, "peak_kib": usage,
                      "grown_kib": usage - resident, "warm": warm}))


def _cpu_seconds() -> float:
    """User and system CPU time of this process and its waited-for children."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _resident_kib() -> int:
    """The resident memory now (before the clock starts: the library and its compiled code)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


def _best(kept: dict[str, object] | None, new: dict[str, object]) -> dict[str, object]:
    """Two runs' figures as one: the lower wall and CPU times, the higher memory."""
    if kept is None or "unavailable" in kept:
        return new
    if "unavailable" in new:
        return kept
    best = dict(kept)
    for key in ("seconds", "cpu"):
        best[key] = min(float(kept[key]), float(new[key]))  # type: ignore[arg-type]
    for key in ("peak_kib", "grown_kib"):
        best[key] = max(int(kept[key]), int(new[key]))  # type: ignore[call-overload]
    return best


def _ratios(results: dict[str, dict[str, object]]) -> None:
    """Each govsoc row against each baseline: how many times its rate, by wall time and by CPU."""
    def rates(figures: dict[str, object]) -> tuple[float, float] | None:
        if "unavailable" in figures or "seconds" not in figures:
            return None
        packets = float(figures["packets"])  # type: ignore[arg-type]
        return packets / float(figures["seconds"]), packets / max(float(figures["cpu"]), 1e-9)  # type: ignore[arg-type]

    baselines = {name: rates(f) for name, f in results.items() if not name.startswith("govsoc") and rates(f)}
    for name, figures in results.items():
        ours = rates(figures) if name.startswith("govsoc") else None
        if ours is None or not baselines:
            continue
        cells = ", ".join(f"{base} {ours[0] / theirs[0]:.1f}x/{ours[1] / theirs[1]:.1f}x"  # type: ignore[index]
                          for base, theirs in baselines.items())
        print(f"{name} is (wall/cpu): {cells}")


def main(argv: list[str] | None = None) -> int:
    """Run every contender on the same capture and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--packets", type=int, default=1_000_000)
    parser.add_argument("--scapy-packets", type=int, default=20_000)
    parser.add_argument("--only", action="append", help="run only these contenders")
    parser.add_argument("--repeat", type=int, default=1,
                        help="rounds over every contender in turn; each keeps its best wall and CPU times")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    path = capture(args.packets)
    if args.child:
        child(args.child, path, args.scapy_packets)
        return 0
    size = path.stat().st_size
    print(f"capture: {path} ({args.packets:,} packets, {size / 2**20:.0f} MiB)")
    results: dict[str, dict[str, object]] = {}
    names = [name for name in CONTENDERS if (not args.only or name in args.only)
             and not (name == "scapy" and args.scapy_packets <= 0)]
    for _ in range(max(1, args.repeat)):  # rounds interleave the contenders: a busy spell hits them all
        for name in names:
            command = [sys.executable, "-m", "bench.flows", "--packets", str(args.packets), "--scapy-packets",
                       str(args.scapy_packets), "--child", name]
            done = subprocess.run(command, capture_output=True, text=True, cwd=Path(__file__).resolve().parents[1])
            try:
                figures = json.loads(done.stdout.strip().splitlines()[-1])
            except (IndexError, ValueError):
                figures = {"unavailable": (done.stderr.strip().splitlines() or ["failed"])[-1]}
            results[name] = _best(results.get(name), figures)
    ours = results.get("govsoc", {})
    our_wall = float(ours["packets"]) / float(ours["seconds"]) if "seconds" in ours else 0.0  # type: ignore[arg-type]
    our_cpu = float(ours["packets"]) / float(ours["cpu"]) if "cpu" in ours else 0.0  # type: ignore[arg-type]
    print(f"{'contender':<13} {'packets':>10} {'flows':>8} {'wall s':>7} {'cpu s':>7} {'packets/s':>10} "
          f"{'pkt/cpu-s':>10} {'peak MiB':>9} {'run MiB':>8} {'govsoc is (wall, cpu)':>22} {'import s':>9}")
    for name, figures in results.items():
        if "unavailable" in figures:
            print(f"{name:<13} unavailable: {figures['unavailable']}")
            continue
        packets, wall, cpu = int(figures["packets"]), float(figures["seconds"]), float(figures["cpu"])  # type: ignore[call-overload, arg-type]
        rate, cpu_rate = packets / wall, packets / max(cpu, 1e-9)
        note = f"{our_wall / rate:.1f}x, {our_cpu / cpu_rate:.1f}x" if not name.startswith("govsoc") else ""
        flows = f"{figures['flows']:,}" if figures["flows"] else "-"
        print(f"{name:<13} {packets:>10,} {flows:>8} {wall:>7.2f} {cpu:>7.2f} {rate:>10,.0f} {cpu_rate:>10,.0f} "
              f"{int(figures['peak_kib']) / 1024:>9.0f} {int(figures['grown_kib']) / 1024:>8.0f} "  # type: ignore[call-overload]
              f"{note:>22} {float(figures['warm']):>9.2f}")  # type: ignore[arg-type]
    _ratios(results)
    print("peak MiB: the contender's highest resident memory (with its library; the larger of the process's "
          "and its largest child's); run MiB: how much of it came after the library was loaded")
    print("govsoc: the flow assembler alone (Flow objects: no ECS, no protocol metadata, no ids, no store); "
          "govsoc events: pcap -> ECS events with protocol metadata, no store; govsoc ingest: `govsoc ingest` "
          "end to end into SQLite (ECS fields, protocol metadata, parsing, ids, checkpoints, the store's writer)")
    if "scapy" in results and "unavailable" not in results["scapy"]:
        print(f"(scapy read the first {args.scapy_packets:,} packets only, dissected: rdpcap keeps every packet "
              f"in memory, and its rate falls as the list grows, so this flatters scapy)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
