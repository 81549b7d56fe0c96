"""Parser benchmark (issue 13): syslog lines parsed and normalised per second on one core, per
parser family, beside a bare regular-expression split of the same lines in the same run.

    python -m bench.parsers                          # 20 rounds of 5,000 lines per family
    python -m bench.parsers --lines 2000 --repeat 5  # quicker

The lines are loghub's Linux_2k and OpenSSH_2k (shared/corpus/loghub, real), repeated to the
requested count; the ISO 8601 and RFC 5424 families are the same lines with their header
rewritten into that layout (rsyslog's RSYSLOG_FileFormat, and RFC 5424 with PRI 38 and no SD).
Per family, two rows:

* ``header``: collectors.syslog.header.SyslogHeaderParser.parse (time, host, program, pid,
  message) beside the ceiling, one precompiled regex ``match().groups()`` per line that splits
  the same header without interpreting it. Targets: >= 100,000 lines/s and >= 0.5x the ceiling.
* ``linux.auth``: the whole parser (decode, header, message tables, ECS fields, Event) beside
  the same ceiling over the same bytes (decode + split).

The web and device families (layout ``web`` / ``devices``) are the real samples of
tests/data/collectors/web and .../devices (Filebeat's test inputs, loghub's Apache_2k, the vendors'
lines), repeated likewise; each parser (``nginx.access``, ``huawei``, ...) reads the lines of its
own files, beside one bare split for the family: the common log format's fields for access logs,
``[time] [level] message`` for error logs, ``<PRI>time host body`` for devices (a line the split
does not take still costs its failed match). ``syslog.mixed`` reads every device line, choosing
the parser per line.

Each figure is lines per CPU second of this process (time.process_time), the best of
``--repeat`` rounds (garbage collection off while timing), ours and the ceiling interleaved
within a round, so it is one core's rate even on a shared machine; the ratio is what the
targets are about. Every pass has a new parser, as each file `govsoc ingest`
reads has: caches (of converted times, ...) hold only what one read of the lines learns.

Figures (P13a, 1 December 2026, ``--lines 5000 --repeat 12``, a 2-core machine at load 9-10,
lines per CPU second; "before" is main at 774ed02 measured by this same bench, both twice):

| layout  | row        | before               | after                |
|---------|------------|----------------------|----------------------|
| rfc3164 | header     | 353,540 (0.28-0.30x) | 461,932-488,327 (0.39-0.42x) |
| rfc3164 | linux.auth | 63,864-65,381 (0.06x) | 75,237-77,347 (0.07-0.08x) |
| iso8601 | header     | 507,633-517,351 (0.38-0.39x) | 455,685-507,776 (0.40-0.42x) |
| iso8601 | linux.auth | 74,079-77,080 (0.06x) | 80,279-80,469 (0.07-0.08x) |
| rfc5424 | header     | 459,834-462,105 (0.31-0.34x) | 439,420-488,371 (0.35-0.38x) |
| rfc5424 | linux.auth | 66,442-67,470 (0.05x) | 70,165-72,036 (0.06-0.07x) |

The header rows meet 100,000 lines/s, not yet 0.5x: beyond the split, a header pays a Python
call, the SyslogLine tuple, int() of the pid, rstrip, and a time (a cache hit for BSD lines, a
date plus a clock on a miss, datetime.fromisoformat for every ISO and RFC 5424 line, whose
fractions make each time new); each is a C call, and together they cost what the split does.
The 0.47x once reported for the rfc3164 header came from one parser kept across the rounds:
every BSD time was cached from the second round on.

Web and device rows (P13b, 1 December 2026, ``--lines 2000 --repeat 5``, load 9-10, ratio to
the family's split; "before" is 774ed02 with this same bench file, both twice, interleaved):

| row               | before     | after      | row               | before     | after      |
|-------------------|------------|------------|-------------------|------------|------------|
| nginx.access      | 0.03       | 0.10-0.14  | sangfor.af        | 0.09-0.10  | 0.07-0.11  |
| apache.access     | 0.06       | 0.14-0.15  | hillstone.stoneos | 0.02       | 0.01-0.02  |
| apache.error      | 0.07       | 0.06-0.08  | topsec.tos        | 0.03-0.05  | 0.04       |
| huawei            | 0.02       | 0.02       | nsfocus.ips       | 0.23-0.28  | 0.29-0.30  |
| h3c               | 0.03-0.04  | 0.03-0.04  | dbappsecurity.waf | 0.06-0.08  | 0.08       |
| syslog.mixed      | 0.03       | 0.04-0.06  |                   |            |            |

Access logs gained 3-5x (one anchored match; client part and request line cached); the device
rows are within noise: their cost is per field (20-40 fields a line, each a few Python steps,
then network_fields and the Event), and what changed there is the worst case (five device
regexes were quadratic in a long token: 2.4-3.9 s for 20,000 characters, now milliseconds).
0.5x is out of reach for any parser that makes an Event: decode, this split and an Event whose
18 fields are copied from a template, with nothing interpreted, run at 0.29-0.31x of the split.
"""

from __future__ import annotations

import argparse
import gc
import re
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from govsoc.collectors.base import ParseContext, Parser, RawRecord, parsers
from govsoc.collectors.linux.auth import LinuxAuthParser
from govsoc.collectors.syslog.header import SyslogHeaderParser

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "loghub"
SAMPLES = (CORPUS / "Linux" / "Linux_2k.log", CORPUS / "OpenSSH" / "OpenSSH_2k.log")
CONTEXT = ParseContext(timezone=ZoneInfo("Asia/Shanghai"), reference=datetime(2026, 11, 30, tzinfo=UTC))
_BSD = re.compile(r"(\w{3} +\d+ [\d:]{8}) (\S+) ([^\s:\[]+)(?:\[(\d+)\])?: (.*)")
#: The bare splits: one regex per layout, groups only, nothing interpreted.
CEILINGS = {
    "rfc3164": re.compile(r"(?:<\d+>)?(\w{3} +\d+ [\d:]{8}) +(\S+) +([^:\[]+)(?:\[(\d+)\])?: ?(.*)", re.DOTALL),
    "iso8601": re.compile(r"(?:<\d+>)?(\S+) +(\S+) +([^:\[]+)(?:\[(\d+)\])?: ?(.*)", re.DOTALL),
    "rfc5424": re.compile(r"<(\d+)>1 (\S+) (\S+) (\S+) (\S+) (\S+) (-|\[.*?\]) ?(.*)", re.DOTALL),
}
DATA = ROOT / "tests" / "data" / "collectors"
#: family -> (bare split of its lines, [(parser id, sample files)])
RECORD_FAMILIES: dict[str, tuple[re.Pattern[str], list[tuple[str, tuple[Path, ...]]]]] = {
    "web": (re.compile(r'(\S+) (\S+) (\S+) \[([^\]]+)\] "([^"]*)" (\d+) (\S+)(?: "([^"]*)" "([^"]*)")?(.*)'), [
        ("nginx.access", (DATA / "web/nginx_access.log", DATA / "web/nginx_access_vhost.log")),
        ("apache.access", (DATA / "web/apache_access.log",))]),
    "web ": (re.compile(r"\[([^\]]+)\] \[([^\]]+)\](?: \[([^\]]+)\])? (.*)"), [
        ("apache.error", (CORPUS / "Apache" / "Apache_2k.log", DATA / "web/apache_error.log"))]),
    "devices": (re.compile(r"(?:<(\d+)>)? ?(\w{3} +\d+ (?:\d{4} )?[\d:]{8}(?: \d{4})?|\S+ \S+) (\S+) (.*)"), [
        ("huawei", (DATA / "devices/huawei.log",)), ("h3c", (DATA / "devices/h3c.log",)),
        ("sangfor.af", (DATA / "devices/sangfor_gbk.log",)), ("hillstone.stoneos", (DATA / "devices/hillstone.log",)),
        ("topsec.tos", (DATA / "devices/topsec.log",)), ("nsfocus.ips", (DATA / "devices/nsfocus.log",)),
        ("dbappsecurity.waf", (DATA / "devices/dbappsecurity.log",)),
        ("syslog.mixed", tuple(sorted((DATA / "devices").glob("*.log"))))]),
}
_MONTHS = {m: i for i, m in enumerate(("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
                                       "Nov", "Dec"), start=1)}


def real_lines() -> list[str]:
    """The loghub lines that are syslog (a handful of Linux_2k lines have odd TAGs; kept too)."""
    lines: list[str] = []
    for sample in SAMPLES:
        lines += [line for line in sample.read_text(encoding="utf-8").splitlines() if line.strip()]
    return lines


def in_layout(lines: list[str], layout: str) -> list[str]:
    """The same lines with their header in ``layout`` (the time gets year 2026, zone +08:00)."""
    if layout == "rfc3164":
        return lines
    out: list[str] = []
    for line in lines:
        match = _BSD.match(line)
        if match is None:
            continue
        stamp, host, program, pid, message = match.groups()
        month, day, clock = stamp.split()
        iso = f"2026-{_MONTHS[month]:02d}-{int(day):02d}T{clock}.{len(out) % 1000000:06d}+08:00"
        if layout == "iso8601":
            out.append(f"{iso} {host} {program}{f'[{pid}]' if pid else ''}: {message}")
        else:
            out.append(f"<38>1 {iso} {host} {program} {pid or '-'} - - {message}")
    return out


def best_times(works: list[Callable[[], object]], repeat: int) -> list[float]:
    """The best CPU time of this process (time.process_time) of each of ``works`` over ``repeat``
    rounds, the works interleaved within each round, so that a machine shared with other jobs
    slows both sides of a ratio alike. CPU time, not wall time: on a machine with more jobs than
    cores the wall time of a pass counts the other jobs' turns, and the ratios of two runs of
    the same code swung from 0.13 to 0.51 (P13a); the figures are lines per CPU second."""
    best = [float("inf")] * len(works)
    gc.disable()
    try:
        for _ in range(repeat):
            for i, work in enumerate(works):
                start = time.process_time()
                work()
                best[i] = min(best[i], time.process_time() - start)
    finally:
        gc.enable()
    return best


def bench(total: int, repeat: int) -> list[tuple[str, str, float, float]]:
    """(layout, what, govsoc lines/s, ceiling lines/s) for each family."""
    base = real_lines()
    rows: list[tuple[str, str, float, float]] = []
    for layout, ceiling in CEILINGS.items():
        rows += family(layout, ceiling, in_layout(base, layout), total, repeat)
    for name, (split, members) in RECORD_FAMILIES.items():
        for parser_id, files in members:
            data = [line for path in files for line in path.read_bytes().splitlines() if line.strip()]
            rows.append(record_family(name.strip(), parser_id, split, data, total, repeat))
    return rows


def record_family(name: str, parser_id: str, ceiling: re.Pattern[str], sample: list[bytes], total: int,
                  repeat: int) -> tuple[str, str, float, float]:
    """One parser over its real lines beside the family's bare split of the same bytes."""
    data = (sample * (total // len(sample) + 1))[:total]
    records = [RawRecord(data=raw, origin="file:///bench.log", offset=i) for i, raw in enumerate(data)]
    match = ceiling.match

    def split_bytes() -> None:
        for raw in data:
            try:
                text = raw.decode()
            except UnicodeDecodeError:
                text = raw.decode("gb18030", errors="replace")
            found = match(text)
            if found is not None:
                found.groups()

    t_bytes, t_parse = best_times([split_bytes, parser_pass(parsers.get(parser_id), records)], repeat)
    return name, parser_id, total / t_parse, total / t_bytes


def header_pass(lines: list[str]) -> Callable[[], None]:
    """One timed pass of the header parser over ``lines``, with a new parser each pass: its
    cache of converted times then holds what one read of a file learns, as in `govsoc ingest`
    (one parser per file); a parser kept across the rounds had every time of the sample cached
    from the second round on, and the header row read 0.47x where one pass does 0.28x."""

    def headers() -> None:
        parse = SyslogHeaderParser().parse
        for line in lines:
            parse(line, CONTEXT)

    return headers


def parser_pass(parser_class: Callable[[], Parser], records: list[RawRecord]) -> Callable[[], None]:
    """One timed pass of a whole parser over ``records``, a new parser each pass (see header_pass)."""

    def parse_all() -> None:
        parse = parser_class().parse
        for record in records:
            for _event in parse(record, CONTEXT):
                pass

    return parse_all


def family(layout: str, ceiling: re.Pattern[str], sample: list[str], total: int,
           repeat: int) -> list[tuple[str, str, float, float]]:
    """The two rows of one header layout (see the module docstring)."""
    lines = (sample * (total // len(sample) + 1))[:total]
    data = [line.encode() for line in lines]
    records = [RawRecord(data=raw, origin="file:///bench.log", offset=i) for i, raw in enumerate(data)]
    match = ceiling.match

    def split() -> None:
        for line in lines:
            match(line).groups()  # type: ignore[union-attr]

    def split_bytes() -> None:
        for raw in data:
            match(raw.decode()).groups()  # type: ignore[union-attr]

    t_split, t_header, t_bytes, t_parse = best_times(
        [split, header_pass(lines), split_bytes, parser_pass(LinuxAuthParser, records)], repeat)
    return [(layout, "header", total / t_header, total / t_split),
            (layout, "linux.auth", total / t_parse, total / t_bytes)]


def main(argv: list[str] | None = None) -> int:
    """Print the table; exit 1 when a target is missed."""
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    args.add_argument("--lines", type=int, default=5_000, help="lines per timed pass (default 5,000)")
    args.add_argument("--repeat", type=int, default=20, help="interleaved rounds, the best counts (default 20)")
    options = args.parse_args(argv)
    rows = bench(options.lines, options.repeat)
    print(f"{'layout':<9} {'what':<17} {'lines/s':>10} {'bare split':>11} {'ratio':>6}  targets")
    missed = 0
    for layout, what, ours, ceiling in rows:
        ratio = ours / ceiling
        goals = [ratio >= 0.5] + ([ours >= 100_000] if what == "header" else [])
        missed += not all(goals)
        verdict = "met" if all(goals) else "MISSED"
        print(f"{layout:<9} {what:<17} {ours:>10,.0f} {ceiling:>11,.0f} {ratio:>6.2f}  {verdict}")
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
