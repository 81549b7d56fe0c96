"""auditd records (collectors.linux.auditd).

Samples: elastic/integrations packages/auditd/data_stream/log/_dev/test/pipeline/test-auditd-raw.log
(Elastic License 2.0) unless marked composed."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govsoc.collectors.base import ParseContext, RawRecord
from govsoc.collectors.detect import detect_lines
from govsoc.collectors.linux.auditd import LinuxAuditdParser

CONTEXT = ParseContext(timezone=ZoneInfo("UTC"), reference=datetime(2026, 11, 30, tzinfo=UTC))
PARSER = LinuxAuditdParser()


def fields_of(line: str) -> dict[str, Any]:
    (event,) = PARSER.parse(RawRecord(data=line.encode(), origin="file:///audit.log", offset=0), CONTEXT)
    return {"@timestamp": event.timestamp, "event.dataset": event.dataset, **event.fields}


@pytest.mark.parametrize(("line", "expected"), [
    # a syscall record: process and user ids, a hex-encoded exe (it holds a space), -1 auid left out
    ('type=SYSCALL msg=audit(1485893834.891:18877199): arch=c000003e syscall=44 success=yes exit=184 a0=9 items=0 '
     'ppid=1240 pid=1281 auid=4294967295 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) '
     'ses=4294967295 comm="charon" exe=2F7573722F6C6962657865632F7374726F6E677377616E2F636861726F6E202864656C657465'
     '6429 key=(null)',
     {"@timestamp": datetime(2017, 1, 31, 20, 17, 14, 891000, tzinfo=UTC), "event.dataset": "linux.auditd",
      "auditd.log.record_type": "SYSCALL", "auditd.log.sequence": 18877199, "auditd.log.a0": "9",
      "process.executable": "/usr/libexec/strongswan/charon (deleted)", "process.name": "charon",
      "process.pid": 1281, "process.parent.pid": 1240, "user.id": "0", "user.audit.id": None,
      "auditd.log.key": None, "event.outcome": "success", "event.category": ["process"]}),
    # the msg='...' part of a user-space record is read too; addr and hostname are the source
    ("type=USER_LOGIN msg=audit(1481077043.193:421): pid=1298 uid=0 auid=1000 ses=1 subj=system_u:system_r:sshd_t:"
     "s0-s0:c0.c1023 msg='op=login id=1000 exe=\"/usr/sbin/sshd\" hostname=pool-96-241-146-97.washdc.fios.verizon."
     "net addr=89.160.20.156 terminal=/dev/pts/0 res=success'",
     {"event.action": "user-login", "auditd.log.op": "login", "auditd.log.terminal": "/dev/pts/0",
      "source.ip": "89.160.20.156", "source.domain": "pool-96-241-146-97.washdc.fios.verizon.net",
      "user.audit.id": "1000", "event.outcome": "success", "event.category": ["authentication", "session"]}),
    # an EXECVE record: the arguments, and the command line they make
    ("type=EXECVE msg=audit(1581371984.206:579393): argc=1 a0=top",
     {"process.args": ["top"], "process.args_count": 1, "process.command_line": "top", "auditd.log.a0": "top"}),
    # proctitle is hex when it holds a space
    ("type=PROCTITLE msg=audit(1451781471.394:194440): proctitle=737368643A206275726E205B707269765D",
     {"process.title": "sshd: burn [priv]"}),
    # node= in front (auditd's name_format), and a hex command of a USER_CMD record
    ("node=localhost.localdomain type=SERVICE_START msg=audit(1594053514.709:6): pid=1 uid=0 auid=4294967295 "
     "ses=4294967295 subj=system_u:system_r:init_t:s0 msg='unit=auditd comm=\"systemd\" exe=\"/usr/lib/systemd/"
     "systemd\" hostname=? addr=? terminal=? res=success'",
     {"host.name": "localhost.localdomain", "auditd.log.unit": "auditd", "auditd.log.hostname": None,
      "source.address": None}),
    ("type=PATH msg=audit(1481077231.371:479): item=0 name=\"/sbin/auditctl\" inode=17367907 dev=08:01 mode=0100750 "
     "ouid=0 ogid=0 rdev=00:00 obj=system_u:object_r:auditctl_exec_t:s0 objtype=NORMAL",
     {"file.path": "/sbin/auditctl", "event.category": ["file"]}),
])
def test_records(line: str, expected: dict[str, Any]) -> None:
    fields = fields_of(line)
    assert {k: fields.get(k) for k in expected} == expected
    assert fields["event.original"] == line and fields["event.module"] == "linux"


def test_detection_tells_audit_logs_from_syslog() -> None:
    lines = ["type=EXECVE msg=audit(1581371984.206:579393): argc=1 a0=top",
             "node=h type=CWD msg=audit(1481077231.371:479):  cwd=\"/home/some_user\""]
    assert detect_lines(lines) == "linux.auditd"


@given(st.lists(st.sampled_from(["a0=41", "a1=\"x y\"", "msg='", "'", "name=ZZ", "exe=2F", "argc=9", "res=failed",
                                 "pid=x", "addr=::1", "=", "key=(null)", "a2=C3A9"]), max_size=12).map(" ".join))
def test_record_shaped_junk_gives_an_event(rest: str) -> None:
    fields = fields_of(f"type=EXECVE msg=audit(1581371984.206:1): {rest}")
    assert fields["auditd.log.record_type"] == "EXECVE"
