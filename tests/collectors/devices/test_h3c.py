"""H3C Comware and SecPath lines (real, see tests/data/collectors/devices/README.md), fields
derived from H3C's information-center format and the field ids (log-formats.md section 4)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from govsoc.collectors.base import ParseContext, RawRecord
from govsoc.collectors.detect import line_parser
from govsoc.collectors.devices import H3cParser

Sample = Callable[[str, str], list[dict[str, Any]]]
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(("line", "expected"), [
    # FILTER policy hit, H3C "date" time (year after the time)
    (0, {"event.dataset": "h3c.secpath", "event.type": ["connection", "allowed"], "event.action": "policy-permit",
         "source.ip": "172.16.100.151", "destination.port": 80, "network.transport": "tcp", "rule.id": "0",
         "observer.ingress.zone": "Trust", "@timestamp": datetime(2018, 5, 5, 2, 59, 34, tzinfo=SHANGHAI)}),
    # ISO time with Z from a relay that writes the device address first
    (1, {"@timestamp": datetime.fromisoformat("2020-08-31T12:07:36+00:00"), "network.transport": "udp",
         "destination.ip": "114.114.114.114", "rule.ruleset": "Trust-UnTrust"}),
    # session log: NAT addresses, counters, lower-case module, "(8)Session created"
    (2, {"event.type": ["connection", "start"], "event.action": "session-created", "source.nat.ip": "112.35.18.188",
         "source.nat.port": 9460, "source.packets": 1, "source.bytes": 60, "destination.bytes": 0,
         "h3c.module": "session"}),
    # IPS alert that permitted and logged: allowed, LOW severity
    (3, {"event.kind": "alert", "event.type": ["allowed"],
         "rule.name": "INFOMATION_GATHER__Robot_Spider_Crawler(Baidu)",
         "rule.id": "23302", "rule.ruleset": "ips_wznetdttdxod5rofa2i3m6kk7u", "event.severity": 1}),
    # IPS alert in GBK with "SN:" after %%10: the attack name decodes, reset -> denied
    (4, {"observer.serial_number": "219801A2N89211Q0008N", "event.type": ["denied"], "event.severity": 4,
         "rule.name": "CVE-2017-5638 Apache Struts2 S2-046 远程命令执行漏洞", "rule.category": "漏洞",
         "vulnerability.id": "CVE-2017-5638", "user.name": "192.168.1.171"}),
    # an unmatched CLI command: failure, the user as the device writes it
    (5, {"event.category": ["configuration"], "event.outcome": "failure", "process.command_line": "dis object-policy",
         "user.name": "admgbzwy@system(@context5)"}),
    # a login from a line, not an address
    (6, {"event.category": ["authentication"], "event.action": "logged-in", "h3c.line": "vty1", "source.ip": None}),
    # the "-DevIP=...;" source part before the text
    (7, {"user.name": "yicheng", "source.ip": "10.10.10.10", "observer.name": "DianXin-route"}),
    # the log buffer form: no %%10, milliseconds
    (8, {"event.outcome": "success", "user.name": "admin", "source.ip": "192.148.120.4", "h3c.severity": 5}),
    # a display command is an access, not a change
    (9, {"event.type": ["access"], "process.command_line": "display acl all", "h3c.line": "vt0"}),
    # H3C's manual example: a blacklist entry ("--" means none)
    (10, {"event.code": "BLS/BLS_ENTRY_ADD", "source.ip": "192.168.100.12", "h3c.dslitetunnelpeer": None}),
    # a console login failure: the user "a", from a line
    (11, {"event.outcome": "failure", "event.action": "logon-failed", "user.name": "a", "h3c.line": "aux0"}),
    # "AUX user" is the kind of line, not a user name
    (12, {"event.outcome": "failure", "user.name": None, "h3c.line": "AUX0"}),
    # an SSH public-key failure without a header: the reason kept, the time is the reference's
    (13, {"event.outcome": "failure", "user.name": "ubuntu", "source.ip": "81.217.210.119",
          "event.reason": "public key authentication for wrong public key", "observer.name": None}),
    # SHELL_LOGINFAIL names the kind of line, the user, the address and the VTY line (review R17 finding 8)
    (14, {"event.action": "logon-failed", "event.outcome": "failure", "user.name": "xjdl",
          "source.ip": "192.168.10.20", "h3c.line": "VTY0", "observer.name": "wangkongshi"}),
    # SSHS_LOG: one credential refused, the client's port, and why
    (15, {"event.category": ["authentication"], "event.action": "logon-failed", "event.outcome": "failure",
          "user.name": "xjdl", "source.ip": "172.20.99.241", "source.port": 17601,
          "event.reason": "invalid username or wrong password", "event.code": "SSHS/SSHS_LOG"}),
    # SSHS_LOG as SecPath writes it (OpenSSH's "ssh2" ending), after the -DevIP source part
    (16, {"event.action": "logon-failed", "event.outcome": "failure", "user.name": "oracle",
          "source.ip": "202.201.255.200", "source.port": 55578}),
    # the retries used up: a failure, but not one more refused credential (SSHS_LOG counted each)
    (17, {"event.category": ["authentication"], "event.action": "logon-retries-exceeded", "event.outcome": "failure",
          "user.name": "admin", "source.ip": "193.201.224.232"}),
    # SHELL_LOGINFAIL after the source part
    (18, {"event.action": "logon-failed", "user.name": "admin2", "source.ip": "80.147.210.170", "h3c.line": "VTY0"}),
    # no credential was tried: a version mismatch and an authentication timeout are no login failures
    (19, {"event.action": "sshs-version-mismatch", "event.outcome": None}),
    (20, {"event.action": "ssh-auth-timeout", "event.outcome": None}),
    # the server's summary of failures it already logged one by one
    (21, {"event.action": "sshs-log", "event.outcome": None}),
    # an SSH session's end and start (SFTP here: no SHELL_LOGIN), who and from where
    (22, {"event.category": ["authentication"], "event.type": ["end"], "event.action": "ssh-disconnected",
          "user.name": "root", "source.ip": "202.201.255.200"}),
    (23, {"event.category": ["authentication"], "event.type": ["start"], "event.action": "ssh-connected",
          "event.outcome": "success", "user.name": "zzy", "source.ip": "192.168.56.1", "observer.name": "H3C"}),
])
def test_h3c_lines(sample: Sample, line: int, expected: dict[str, Any]) -> None:
    event = sample("h3c", "h3c.log")[line]
    assert {k: event.get(k) for k in expected} == expected


# composed after log-formats.md 4.1: H3C's "cmcc" log-host format has a single "%"
def test_the_cmcc_format_with_one_percent_sign(sample: Sample) -> None:

    line = "<189>Nov 23 10:00:00 2026 FW-H3C-01 %10SHELL/5/SHELL_LOGIN(l): admin logged in from 192.0.2.10."
    context = ParseContext(timezone=SHANGHAI, reference=datetime(2026, 11, 30, tzinfo=SHANGHAI))
    (event,) = H3cParser().parse(RawRecord(data=line.encode(), origin="x", offset=0), context)
    assert (event.get("user.name"), event.get("source.ip"), event.get("observer.name")) == (
        "admin", "192.0.2.10", "FW-H3C-01")
    assert line_parser(line) == "h3c"
