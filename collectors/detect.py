"""Which parser a file needs when none is named (no --parser, no configured source): by its
suffix, then by its first lines; and which device parser one syslog line needs (line_parser).

The recognisers are a table: parser id -> a test of one line. The file's first non-empty lines
(at most SAMPLE_LINES, read through gzip when the file is compressed) are tested, and the parser
that recognises most of them wins; a file nobody recognises gets the fallback (``linux.auth``),
whose parse failures then say what was wrong. Within a syslog file, each line's header layout
(RFC 3164, ISO 8601, RFC 5424) is decided per line by collectors.syslog.header, so a file that
mixes them needs no choice here; a file (or a receiver's stream) that mixes network devices and
hosts is read by ``syslog.mixed`` (collectors.syslog.mixed), which asks line_parser per line.
"""

from __future__ import annotations

import json
import re
import zlib
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from govsoc.collectors.base import SUFFIX_PARSERS, ParseContext
from govsoc.collectors.devices.infocenter import MARKER as _INFOCENTER
from govsoc.collectors.files.binary import sniff_binary
from govsoc.collectors.files.identity import FileView, open_content
from govsoc.collectors.syslog.charset import decode_message
from govsoc.collectors.syslog.header import SyslogHeaderParser
from govsoc.collectors.web.access import LINE as _ACCESS_LINE
from govsoc.core.errors import GovsocError

#: How many non-empty lines of a file's head are looked at, and how many bytes at most.
SAMPLE_LINES = 20
SAMPLE_BYTES = 64 * 1024
_CONTEXT = ParseContext(timezone=ZoneInfo("UTC"), reference=datetime(2000, 1, 1, tzinfo=UTC))


def _syslog(line: str) -> bool:
    try:
        SyslogHeaderParser().parse(line, _CONTEXT)
    except GovsocError:
        return False
    return True


def _json_object(line: str) -> dict[str, object] | None:
    """The line as a JSON object, or None."""
    if not line.startswith("{"):
        return None
    try:
        document = json.loads(line)
    except ValueError:
        return None
    return document if isinstance(document, dict) else None


def _winlogbeat(line: str) -> bool:
    document = _json_object(line)
    return document is not None and isinstance(document.get("winlog"), dict)


_AUDIT = re.compile(r"(?:node=\S+ )?type=\S+ msg=audit\(\d+\.\d+:\d+\): ")


def _auditd(line: str) -> bool:
    return _AUDIT.match(line) is not None


_ZEEK_ROW = re.compile(r"\d{9,10}\.\d{6}\t")
_ZEEK_HEADER = ("#separator", "#set_separator", "#empty_field", "#unset_field", "#path", "#fields", "#types")


def _zeek(line: str) -> bool:
    if line.startswith(_ZEEK_HEADER) or _ZEEK_ROW.match(line):
        return True
    document = _json_object(line)
    return document is not None and "ts" in document and ("uid" in document or "_path" in document)


def _access(line: str) -> bool:
    # common, combined and their variants: nginx writes them as Apache does (see PATH_HINTS)
    return _ACCESS_LINE.match(line) is not None


_NGINX_ERROR = re.compile(r"\d{4}/\d\d/\d\d \d\d:\d\d:\d\d \[\w+\] \d+#\d+: ")
_APACHE_ERROR = re.compile(r"\[(?:[A-Z][a-z]{2} )?[A-Z][a-z]{2} +\d{1,2} \d\d:\d\d:\d\d(?:\.\d+)? \d{4}\] \[[\w:]+\] ")


#: Information-center format version (``%%vv``) -> vendor parser.
INFOCENTER_VERSIONS = {"01": "huawei", "10": "h3c"}
# H3C's log buffer / log file line: "%Mmm dd hh:mm:ss:mmm yyyy Sysname MODULE/LEVEL/DIGEST:"
_H3C_BUFFER = re.compile(r"%[A-Z][a-z]{2} +\d{1,2} \d\d:\d\d:\d\d:\d{3} \d{4} \S+ [A-Za-z][\w-]*/[0-7]/\w+:")
# Huawei's own date ("Mmm dd yyyy hh:mm:ss") then a host and MODULE/LEVEL/BRIEF: without "%%01",
# as USG writes its configuration-change and trap logs
_HUAWEI_BARE = re.compile(r"(?:<\d{1,3}>)?[A-Z][a-z]{2} +\d{1,2} \d{4} \d\d:\d\d:\d\d(?:[+-]\d\d:\d\d)? \S+ "
                          r"[A-Z][A-Z0-9_-]*/[0-7]/\w+:")
_SANGFOR = re.compile(r"\s(?:fwlog|nat)(?:\[\d+\])?: \S+:")
_HILLSTONE = re.compile(r"\w{10,20}\([^)]*\) [0-9a-fA-F]{8} (?:HillstoneNetworks#)?\w+@\w+:")
_TOPSEC = re.compile(r'(?:^|\s)id=(?:tos |"(?:NGTOS|ngtos)")')
_DBAPP = re.compile(r"\sDBAppWAF: ")
_NSFOCUS = re.compile(r"time:\d{4}-\d\d-\d\d \d\d:\d\d:\d\d;danger_degree:")


def _infocenter(line: str) -> str | None:
    marker = _INFOCENTER.search(line) if "%" in line else None
    if marker is not None:
        return INFOCENTER_VERSIONS.get(marker[1])
    if line.startswith("%") and _H3C_BUFFER.match(line):
        return "h3c"
    return "huawei" if "/" in line and _HUAWEI_BARE.match(line) else None


#: Device parser -> whether one line is of its format (ASCII cues only: GBK bodies may not decode).
#: Each regex runs only on a line holding a literal its every match holds (an ``in`` test costs
#: next to nothing; a search that fails walks the whole line): syslog.mixed asks them all of
#: every line that is no device's.
DEVICE_RECOGNISERS: tuple[tuple[str, Callable[[str], bool]], ...] = (
    ("huawei", lambda line: _infocenter(line) == "huawei"),
    ("h3c", lambda line: _infocenter(line) == "h3c"),
    ("sangfor.af", lambda line: ("fwlog" in line or "nat" in line) and _SANGFOR.search(line) is not None),
    ("hillstone.stoneos", lambda line: "@" in line and _HILLSTONE.search(line) is not None),
    ("topsec.tos", lambda line: "id=" in line and _TOPSEC.search(line) is not None),
    ("nsfocus.ips", lambda line: ";danger_degree:" in line and _NSFOCUS.search(line) is not None),
    ("dbappsecurity.waf", lambda line: "DBAppWAF: " in line and _DBAPP.search(line) is not None),
)
#: The parsers of syslog lines: a file whose lines need more than one of them is read by
#: syslog.mixed, which chooses per line (line_parser).
SYSLOG_PARSERS = frozenset({"linux.auth", *(parser for parser, _ in DEVICE_RECOGNISERS)})


#: The recognisers after the two information-center ones, which line_parser asks at once.
_NOT_INFOCENTER = DEVICE_RECOGNISERS[2:]
assert [parser for parser, _ in DEVICE_RECOGNISERS[:2]] == ["huawei", "h3c"]


def line_parser(line: str) -> str | None:
    """The device parser of one syslog line, None when no device format recognises it."""
    return _infocenter(line) or next((parser for parser, recognises in _NOT_INFOCENTER if recognises(line)), None)


#: JSON log formats by the keys their records always have (read in the raw text, so that a record
#: longer than the sample, a CloudTrail file of one line, is still recognised).
JSON_KEYS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("aws.cloudtrail", ('"eventVersion"', '"eventSource"', '"awsRegion"')),
    ("alibaba.actiontrail", ('"eventId"', '"acsRegion"')),
    ("huaweicloud.cts", ('"trace_id"', '"trace_name"')),
    ("kubernetes.audit", ('"audit.k8s.io/', '"auditID"')),
    ("suricata.eve", ('"event_type"', '"timestamp"')),
)


def _json_keys(keys: tuple[str, ...]) -> Callable[[str], bool]:
    def recognise(line: str) -> bool:
        return line.startswith(("{", "[")) and all(key in line for key in keys)
    return recognise


#: Parser id -> whether one line is of its format; most specific first (ties go to the earlier).
RECOGNISERS: tuple[tuple[str, Callable[[str], bool]], ...] = (
    *((parser, _json_keys(keys)) for parser, keys in JSON_KEYS),
    ("windows.winlogbeat", _winlogbeat),
    ("linux.auditd", _auditd),
    ("zeek", _zeek),
    ("apache.access", _access),
    ("nginx.error", lambda line: _NGINX_ERROR.match(line) is not None),
    ("apache.error", lambda line: _APACHE_ERROR.match(line) is not None),
    *DEVICE_RECOGNISERS,
    ("linux.auth", _syslog),
)
#: (parser the lines chose, word in the file's path) -> the parser instead: a combined access log
#: is nginx's when it sits in an nginx folder or has nginx in its name.
PATH_HINTS: dict[tuple[str, str], str] = {("apache.access", "nginx"): "nginx.access"}
#: Leading bytes -> parser, for record formats that are not lines.
MAGIC_PARSERS: tuple[tuple[bytes, str], ...] = (
    (b"ElfFile\x00", "windows.evtx"),
    # pcap (micro- and nanosecond, both byte orders) and pcapng: flows (collectors.flows)
    (b"\xd4\xc3\xb2\xa1", "network.pcap"), (b"\xa1\xb2\xc3\xd4", "network.pcap"),
    (b"\x4d\x3c\xb2\xa1", "network.pcap"), (b"\xa1\xb2\x3c\x4d", "network.pcap"),
    (b"\x34\xcd\xb2\xa1", "network.pcap"), (b"\xa1\xb2\xcd\x34", "network.pcap"),  # "modified" pcap
    (b"\x0a\x0d\x0d\x0a", "network.pcap"),
)


def detect_parser(path: Path, fallback: str = "linux.auth", charset: str = "auto") -> str:
    """The parser id for ``path``: by suffix, by magic bytes, else by its first lines, read as
    the source's ``charset`` setting says (collectors.syslog.charset)."""
    by_suffix = SUFFIX_PARSERS.get(Path(path).suffix.lower())
    if by_suffix is not None:
        return by_suffix
    head = _head(Path(path))
    for magic, parser in MAGIC_PARSERS:
        if head.startswith(magic):
            return parser
    if not head or sniff_binary(head) is not None:
        return fallback
    found = detect_lines([decode_message(line, charset).text for line in head.splitlines()], fallback)
    path_text = str(path).lower()
    return next((hinted for (chosen, word), hinted in PATH_HINTS.items() if chosen == found and word in path_text),
                found)


def record_format(view: FileView) -> str | None:
    """The parser of a record format that is not lines (EVTX) the file is in, by suffix or by
    magic bytes; None for a line file. Cheap: the pipeline asks it of every file, before it
    knows whether the file changed at all."""
    by_suffix = SUFFIX_PARSERS.get(view.path.suffix.lower())
    if by_suffix is not None:
        return by_suffix
    return next((parser for magic, parser in MAGIC_PARSERS if view.head.startswith(magic)), None)


def detect_lines(lines: list[str], fallback: str = "linux.auth") -> str:
    """The parser that recognises most of the first non-empty ``lines``, else ``fallback``."""
    sample = [line.strip("\r\n\x00") for line in lines if line.strip()][:SAMPLE_LINES]
    best, best_count = fallback, 0
    for parser, recognises in RECOGNISERS:
        count = sum(1 for line in sample if recognises(line))
        if count > best_count:
            best, best_count = parser, count
    if best in SYSLOG_PARSERS:  # a relay's file mixing devices and hosts: chosen per line
        chosen = {line_parser(line) or ("linux.auth" if _syslog(line) else "") for line in sample}
        chosen.discard("")
        if len(chosen) > 1:
            return "syslog.mixed"
    return best


def _head(path: Path) -> bytes:
    try:
        with open_content(path) as stream:
            head = stream.read(SAMPLE_BYTES)
    except (GovsocError, OSError, EOFError, zlib.error):  # zlib.error: gzip damaged within the sample
        return b""
    if len(head) == SAMPLE_BYTES and b"\n" in head:  # drop a cut last line
        head = head[:head.rindex(b"\n")]
    return head
