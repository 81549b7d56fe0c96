"""密评 benchmark (issue 16): 256 loopback endpoints probed concurrently beside the same
endpoints probed one at a time, in the same run; then the whole command path the same way:
`govsoc crypto-eval` in a fresh process (inventory of 8 systems x 32 endpoints -> probes ->
evidence -> scoring -> saved results and -o report JSON), at --concurrency 1 and 128.

    python -m bench.crypto_eval                    # 256 endpoints, concurrency 128
    python -m bench.crypto_eval --endpoints 64     # quicker

Separate server processes (this module with --serve; two by default, --servers) listen on the
endpoints: Python ssl
servers (TLS 1.2 and 1.3, RSA), the TLCP / TLS 1.3-SM test server's answers (tests/servers;
dual mode, real SM2 certificates from openssl) and cleartext telnet/FTP greetings, in the
proportions 5 : 2 : 1. Every endpoint gets the probes its protocol calls for (TLS versions,
weak suites, TLCP, RFC 8998; or the greeting), each question with a 3 s time-out. The target:
the concurrent command finishes 256 endpoints in under 10 s. Both probe runs must recognise the same
protocol on every endpoint (the table's last column). On loopback there is no network latency
to overlap, so the speed-up over the sequential run is small (both processes are CPU-bound);
against real networks, where every question waits a round trip or a time-out, it is what
concurrency buys.

Measured on the shared 2-CPU machine (2026-12-01). Idle (load 0.7): probes 2.4 s sequential /
1.3 s concurrent; command 3.3 s / 2.3 s (2.2 s of the command's own CPU): target met. At load
9-12: probes 12.0 / 7.6 s; command 15.1 / 12.8 s (2.6 s CPU; the rest is waiting for the CPU the
servers and the other load hold): not met. The figures swing with the machine's load. Before the command path was
profiled, 3.8 s went to matching every report against every listing, 2.9 s to the pure-Python
indenting JSON encoder and 0.6 s to reading the inventory (cProfile, same run).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import ssl
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from govsoc.cli.progress import progress
from govsoc.collectors.protocols import tls
from govsoc.core.errors import ParseError
from govsoc.crypto_eval.probes.runner import EndpointReport, Target, run_probes

ROOT = Path(__file__).resolve().parents[1]
FTP_GREETING = b"220 (vsFTPd 3.0.3)\r\n"
#: Loopback addresses the endpoints are spread over (Linux routes all of 127/8 to lo): 32 hosts of
#: 8 endpoints each, so the probe's per-host cap (runner.PER_HOST) is not what the run measures.
HOSTS = 32


async def _hello(reader: asyncio.StreamReader) -> tuple[int, tls.ClientHello, bytes] | None:
    data = b""
    while True:
        try:
            records, _ = tls.parse_records(data)
        except ParseError:
            return None
        for kind, body in tls.iter_handshakes(records):
            if kind == 1:
                try:
                    return records[0].version, tls.parse_client_hello(body), body
                except ParseError:
                    return None
        chunk = await reader.read(65536)
        if not chunk:
            return None
        data += chunk


async def _serve(count: int, offset: int) -> None:
    sys.path.insert(0, str(ROOT))
    from tests.servers.certs import make_cert, make_sm2_cert, sm2_private_scalar
    from tests.servers.tlcp_server import SmServerConfig, answer

    folder = Path(tempfile.mkdtemp(prefix="bench-crypto-eval-"))
    cert = make_cert(folder, "rsa")
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert.cert, cert.key)
    sign, enc = make_sm2_cert(folder, "sign"), make_sm2_cert(folder, "enc", usage="keyEncipherment")
    config = SmServerConfig(mode="dual", sign_cert=sign.der, enc_cert=enc.der, sign_key=sm2_private_scalar(sign.key))
    asyncio.get_running_loop().set_exception_handler(lambda loop, context: None)  # refused handshakes are normal

    async def tls_conn(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await asyncio.wait_for(reader.read(1), 5)
        except (OSError, TimeoutError):
            pass
        writer.close()

    async def sm_conn(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            got = await asyncio.wait_for(_hello(reader), 5)
            flight = answer(config, *got[:3]) if got else b""
            if flight:
                writer.write(flight)
                await writer.drain()
                await asyncio.wait_for(reader.read(1), 1)
        except (OSError, TimeoutError):
            pass
        writer.close()

    async def greeting_conn(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(FTP_GREETING)
        try:
            await writer.drain()
            await asyncio.wait_for(reader.read(1), 1)
        except (OSError, TimeoutError):
            pass
        writer.close()

    endpoints = []
    for index in range(offset, offset + count):
        kind = ("tls", "tls", "tls", "tls", "tls", "sm", "sm", "ftp")[index % 8]
        host = f"127.0.0.{1 + index % HOSTS}"  # many hosts, as 256 endpoints are: the probe caps each host
        if kind == "tls":
            server = await asyncio.start_server(tls_conn, host, 0, ssl=ctx, backlog=256)
        elif kind == "sm":
            server = await asyncio.start_server(sm_conn, host, 0, backlog=256)
        else:
            server = await asyncio.start_server(greeting_conn, host, 0, backlog=256)
        endpoints.append({"host": host, "port": server.sockets[0].getsockname()[1], "kind": kind})
    print(json.dumps(endpoints), flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)  # until the parent closes stdin


def _recognised(report: EndpointReport) -> str:
    if report.timed_out or not report.reachable:
        return "none"
    if report.cleartext is not None and report.cleartext.service:
        return report.cleartext.service
    parts = []
    if report.tls is not None and report.tls.accepted():
        parts.append("tls")
    if report.tlcp is not None and report.tlcp.supported:
        parts.append("tlcp")
    if report.tls13_sm is not None and report.tls13_sm.supported:
        parts.append("tls13sm")
    return "+".join(parts) or "unknown"


#: The inventory the command run reads: the endpoints as systems of this many endpoints each.
SYSTEM_SIZE = 32


def _command_run(endpoints: list[dict[str, object]], concurrency: int, folder: Path) -> tuple[float, float, int]:
    """`govsoc crypto-eval` on the endpoints, in a fresh process as a user runs it (inventory ->
    probes -> evidence -> scoring -> saved results and report JSON): wall seconds, the command's
    CPU seconds, exit status."""
    protocols = {"tls": "https", "sm": "tlcp", "ftp": "ftp"}
    systems = [{"name": f"bench-{i // SYSTEM_SIZE}", "level": 3, "endpoints": [
        {"host": e["host"], "port": e["port"], "protocol": protocols[str(e["kind"])], "kind": "web"}
        for e in endpoints[i:i + SYSTEM_SIZE]]} for i in range(0, len(endpoints), SYSTEM_SIZE)]
    inventory = folder / "inventory.yaml"
    inventory.write_text(json.dumps({"systems": systems}), encoding="utf-8")  # JSON is YAML
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "govsoc.cli", "crypto-eval", "--inventory", str(inventory),
                           "--no-passive", "--no-self-test", "--concurrency", str(concurrency),
                           "--output", str(folder / f"out-{concurrency}")],
                          cwd=ROOT, env={**os.environ, "GOVSOC_HOME": str(folder / "home")},
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 3):
        raise SystemExit(f"govsoc crypto-eval failed ({done.returncode}): {done.stderr[-2000:]}")
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return seconds, cpu, done.returncode


def main() -> None:
    """Run the benchmark and print its table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--endpoints", type=int, default=256)
    parser.add_argument("--concurrency", type=int, default=128)
    parser.add_argument("--servers", type=int, default=2,
                        help="server processes the endpoints are spread over (256 endpoints are many hosts)")
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--offset", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        asyncio.run(_serve(args.serve, args.offset))
        return
    share = -(-args.endpoints // args.servers)
    servers = [subprocess.Popen([sys.executable, "-m", "bench.crypto_eval", "--offset", str(start),
                                 "--serve", str(min(share, args.endpoints - start))],
                                cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
               for start in range(0, args.endpoints, share)]
    try:
        endpoints = []
        for server in servers:
            assert server.stdout is not None
            endpoints += json.loads(server.stdout.readline())
        protocols = {"tls": "https", "sm": "tlcp"}
        targets = [Target(host=e["host"], port=e["port"], protocol=protocols.get(e["kind"], "tcp"))
                   for e in endpoints]
        rows = []
        found = {}
        for mode, concurrency in (("sequential", 1), ("concurrent", args.concurrency)):
            with progress() as bar:  # shown on a terminal only, as in `govsoc crypto-eval`
                task = bar.add_task(f"{mode} probes", total=len(targets))
                started, cpu = time.perf_counter(), time.process_time()
                reports = run_probes(targets, concurrency=concurrency, question_timeout=3.0, endpoint_timeout=60.0,
                                     on_done=lambda _r, t=task: bar.advance(t))  # type: ignore[misc]
                seconds = time.perf_counter() - started
                cpu = time.process_time() - cpu
            found[mode] = [_recognised(r) for r in reports]
            rows.append((mode, concurrency, seconds, cpu, Counter(found[mode])))
        same = found["sequential"] == found["concurrent"]
        commands = []
        with tempfile.TemporaryDirectory(prefix="bench-crypto-eval-cmd-") as folder:
            for mode, concurrency in (("sequential", 1), ("concurrent", args.concurrency)):
                commands.append((mode, concurrency, *_command_run(endpoints, concurrency, Path(folder))))
        print(f"{'run':<12}{'conc.':>6}{'endpoints':>10}{'seconds':>9}{'probe CPU s':>12}{'endp/s':>8}  recognised")
        for mode, concurrency, seconds, cpu, counts in rows:
            summary = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
            rate = len(targets) / seconds
            print(f"{mode:<12}{concurrency:>6}{len(targets):>10}{seconds:>9.2f}{cpu:>12.2f}{rate:>8.1f}  {summary}")
        print(f"{'command':<12}{'conc.':>6}{'endpoints':>10}{'seconds':>9}{'CPU s':>12}{'endp/s':>8}  exit")
        for mode, concurrency, seconds, cpu, status in commands:
            print(f"{mode:<12}{concurrency:>6}{len(targets):>10}{seconds:>9.2f}{cpu:>12.2f}"
                  f"{len(targets) / seconds:>8.1f}  {status}")
        speedup = rows[0][2] / rows[1][2]
        whole = commands[1][2]
        target_ok = whole < 10.0 if len(targets) >= 256 else None
        print(f"probes: speed-up {speedup:.1f}x; same protocol found on every endpoint: {same}; command: speed-up "
              f"{commands[0][2] / whole:.1f}x; target (256 endpoints through `govsoc crypto-eval` < 10 s): "
              f"{'met' if target_ok else 'not met' if target_ok is False else 'n/a'}")
    finally:
        for server in servers:
            if server.stdin:
                server.stdin.close()
            server.wait(timeout=30)
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(f"server processes' CPU over both runs: {used.ru_utime + used.ru_stime:.2f} s "
          f"(the probes' own CPU is the table's column; the rest of the wall time is the machine's other load)")


if __name__ == "__main__":
    main()
