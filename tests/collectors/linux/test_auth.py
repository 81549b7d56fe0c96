"""Linux auth parsing, checked line by line against loghub's hand-checked parse of OpenSSH_2k."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govsoc.collectors.base import ParseContext, RawRecord
from govsoc.collectors.files.lines import LineFileSource
from govsoc.collectors.linux.auth import LinuxAuthParser, normalise

CONTEXT = ParseContext(timezone=ZoneInfo("Asia/Shanghai"), reference=datetime(2026, 11, 25, tzinfo=UTC))


def parse_line(text: str) -> dict[str, Any]:
    record = RawRecord(data=text.encode(), origin="file:///t.log", offset=0, line=1)
    (event,) = LinuxAuthParser().parse(record, CONTEXT)
    return {"@timestamp": event.timestamp, **event.fields}


def test_every_line_agrees_with_loghubs_structured_parse(corpus: Path) -> None:
    folder = corpus / "loghub/OpenSSH"
    with (folder / "OpenSSH_2k.log_structured.csv").open(encoding="utf-8") as handle:
        truth = {int(row["LineId"]): row for row in csv.DictReader(handle)}
    parser = LinuxAuthParser()
    records = list(LineFileSource(folder / "OpenSSH_2k.log").records())
    assert len(records) == len(truth) == 2000
    unknown = []
    for record in records:
        (event,) = parser.parse(record, CONTEXT)
        row = truth[record.line or 0]
        local = event.timestamp.astimezone(ZoneInfo("Asia/Shanghai"))
        when = (local.strftime("%b"), local.day, local.strftime("%H:%M:%S"))
        assert when == (row["Date"], int(row["Day"]), row["Time"])
        assert event.get("host.name") == row["Component"]          # loghub calls the host "Component"
        assert event.get("process.pid") == int(row["Pid"])
        assert event.get("message") == row["Content"].strip()
        if event.get("event.action") is None:
            unknown.append(row["EventTemplate"])
    # every template but sshd's rare fatal write failure is normalised
    assert unknown == ["fatal: Write failed: Connection reset by peer [preauth]"]


@pytest.mark.parametrize(("message", "expected"), [
    # a failed password for an existing account
    ("Failed password for root from 5.36.59.76 port 42393 ssh2",
     {"event.action": "ssh_login", "event.outcome": "failure", "user.name": "root", "source.ip": "5.36.59.76",
      "source.port": 42393, "linux.auth.ssh.method": "password"}),
    # invalid user: the user name is what was tried
    ("Failed password for invalid user test9 from 52.80.34.196 port 36060 ssh2",
     {"event.action": "ssh_login", "event.outcome": "failure", "user.name": "test9"}),
    # OpenSSH 6.8+: a failed public key ends with its type and fingerprint, as an accepted one (R58a-13)
    ("Failed publickey for root from 203.0.113.6 port 50001 ssh2: RSA "
     "SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU",
     {"event.action": "ssh_login", "event.outcome": "failure", "user.name": "root", "source.ip": "203.0.113.6",
      "source.port": 50001, "linux.auth.ssh.method": "publickey",
      "linux.auth.ssh.signature": "RSA SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU"}),
    # ... and a name that holds such an ending is the name: the address is the client's (R58c-1)
    ("Failed password for invalid user x from 198.51.100.7 port 1 ssh2: y from 203.0.113.9 port 51022 ssh2",
     {"event.action": "ssh_login", "event.outcome": "failure", "source.ip": "203.0.113.9", "source.port": 51022,
      "user.name": "x from 198.51.100.7 port 1 ssh2: y"}),
    ("Failed publickey for invalid user x from 198.51.100.7 port 1 ssh2: RSA SHA256:a from 203.0.113.9 port 2 ssh2: "
     "RSA SHA256:b", {"source.ip": "203.0.113.9", "linux.auth.ssh.signature": "RSA SHA256:b"}),
    # a success: categories and type as Elastic's system/auth pipeline writes them
    ("Accepted publickey for fztu from 119.137.62.142 port 49116 ssh2",
     {"event.action": "ssh_login", "event.outcome": "success", "linux.auth.ssh.method": "publickey",
      "event.category": ["authentication", "session"], "event.type": ["info"]}),
    # rsyslog's repeat reduction keeps the inner event and the count
    ("message repeated 2 times: [ Failed password for root from 183.62.140.253 port 35112 ssh2]",
     {"event.action": "ssh_login", "event.outcome": "failure", "event.count": 2, "source.ip": "183.62.140.253"}),
    # PAM's rhost may be a name, not an address
    ("pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=host.example  user=root",
     {"event.action": "authentication_failure", "source.domain": "host.example", "user.name": "root",
      "linux.auth.pam.module": "pam_unix", "linux.auth.pam.service": "sshd", "linux.auth.pam.type": "auth"}),
    # IPv6 sources are normalised
    ("Invalid user admin from 2001:DB8::1 port 22", {"event.action": "invalid_user", "source.ip": "2001:db8::1"}),
    # the reverse-mapping warning names both the claimed name and the address
    ("reverse mapping checking getaddrinfo for ns.example.com [173.234.31.186] failed - POSSIBLE BREAK-IN ATTEMPT!",
     {"event.action": "reverse_mapping_failed", "source.domain": "ns.example.com", "source.ip": "173.234.31.186"}),
    # an unknown message normalises to nothing (the event is still kept, with its message)
    ("Server listening on 0.0.0.0 port 22.", {}),
])
def test_sshd_messages(message: str, expected: dict[str, Any]) -> None:
    fields = normalise("sshd", message)
    assert {k: fields.get(k) for k in expected} == expected
    if not expected:
        assert fields == {}


def test_other_programs_and_gbk_lines_are_kept() -> None:
    fields = parse_line("Dec 10 06:55:46 fw01 kernel: 丢弃 来自 10.0.0.1")
    assert fields["process.name"] == "kernel" and "event.action" not in fields
    record = RawRecord(data="Dec 10 06:55:46 sw01 sshd[1]: 用户登录失败".encode("gbk"), origin="o", offset=0)
    (event,) = LinuxAuthParser().parse(record, CONTEXT)
    assert event.get("message") == "用户登录失败"


@pytest.mark.parametrize(("line", "expected"), [
    # loghub Linux_2k: PAM of Red Hat 9 era logs as "sshd(pam_unix)", without the module prefix
    ("Jun 14 15:16:01 combo sshd(pam_unix)[19939]: authentication failure; logname= uid=0 euid=0 tty=NODEVssh "
     "ruser= rhost=218.188.2.4 ",
     {"process.name": "sshd", "event.action": "authentication_failure", "event.outcome": "failure",
      "source.ip": "218.188.2.4", "user.name": None}),
    ("Jun 15 12:12:34 combo sshd(pam_unix)[23397]: authentication failure; logname= uid=0 euid=0 tty=NODEVssh "
     "ruser= rhost=218.188.2.4  user=root",
     {"event.outcome": "failure", "source.ip": "218.188.2.4", "user.name": "root"}),
    ("Jun 15 02:04:59 combo sshd(pam_unix)[20892]: check pass; user unknown",
     {"event.action": "unknown-user", "event.outcome": "failure"}),
    ("Jun 17 07:07:00 combo sshd(pam_unix)[16843]: session opened for user test by (uid=509)",
     {"event.action": "logged-on", "user.name": "test", "user.id": None}),
])
def test_old_pam_program_name_lines(line: str, expected: dict[str, Any]) -> None:
    fields = parse_line(line)
    assert {k: fields.get(k) for k in expected} == expected


@given(st.text(max_size=300))
def test_any_sshd_message_normalises_without_raising(message: str) -> None:
    fields = normalise("sshd", message)
    assert all(name.startswith(("event.", "user.", "source.", "linux.auth.", "error.")) for name in fields)
