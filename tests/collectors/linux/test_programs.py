"""Linux programs other than sshd's own lines: PAM, sudo, su, login, account tools, logind,
cron, unix_chkpwd, pam_faillock, ftpd, sshd-session; each row a real line unless marked.

Samples and their licences:
- "elastic": elastic/integrations packages/system/data_stream/auth/_dev/test/pipeline/*.log,
  test data of Elastic's system integration (Elastic License 2.0); test-auth-ubuntu1204.log is
  a capture from an Ubuntu 12.04 box.
- "loghub": logpai/loghub Linux_2k / OpenSSH_2k (loghub licence, shared/corpus/loghub/LICENSE).
- "composed": written here for a shape no public sample had; named as such.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govsoc.collectors.base import ParseContext, RawRecord
from govsoc.collectors.linux import messages
from govsoc.collectors.linux.auth import PROGRAM_TABLES, LinuxAuthParser
from govsoc.collectors.linux.messages import MessageTable

CONTEXT = ParseContext(timezone=ZoneInfo("UTC"), reference=datetime(2026, 11, 30, tzinfo=UTC))
PARSER = LinuxAuthParser()


def fields_of(line: str) -> dict[str, Any]:
    (event,) = PARSER.parse(RawRecord(data=line.encode(), origin="file:///auth.log", offset=0), CONTEXT)
    return dict(event.fields)


ROWS: list[tuple[str, dict[str, Any]]] = [
    # elastic test-pam-extraction.log: the user of current pam_unix's failure, and PAM's module prefix
    ("Mar 15 10:30:01 webserver sshd[12345]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 "
     "tty=ssh ruser= rhost=10.0.0.5  user=admin",
     {"event.action": "authentication_failure", "event.outcome": "failure", "user.name": "admin",
      "source.ip": "10.0.0.5", "related.ip": ["10.0.0.5"], "linux.auth.pam.module": "pam_unix",
      "linux.auth.pam.type": "auth", "process.name": "sshd"}),
    # elastic: "PAM n more" stands for n failures
    ("Mar 15 10:30:02 webserver sshd[12346]: PAM 2 more authentication failures; logname= uid=0 euid=0 tty=ssh "
     "ruser= rhost=10.0.0.5  user=deploy",
     {"event.action": "authentication_failure", "event.count": 2, "user.name": "deploy"}),
    # elastic: a password change
    ("Mar 15 10:30:03 webserver passwd[12347]: pam_unix(passwd:chauthtok): password changed for jsmith",
     {"event.action": "password-changed", "event.outcome": "success", "event.category": ["iam"],
      "event.type": ["user", "change"], "user.name": "jsmith"}),
    # elastic test-pam-chauthtok-iso8601.log: a refused new password, ISO timestamp
    ("2026-05-17T17:57:48.123456+00:00 host12345 passwd[9999999]: pam_unix(passwd:chauthtok): new password not "
     "acceptable", {"event.action": "password-changed", "event.outcome": "failure", "host.name": "host12345"}),
    # elastic test-auth.log: sudo's PAM failure with an empty rhost: no source
    ("Jun  2 19:08:43 host.name sudo[654321]: pam_unix(sudo:auth): authentication failure; logname=bob uid=1117 "
     "euid=0 tty=/dev/pts/1 ruser=alice rhost= user=root",
     {"event.action": "authentication_failure", "user.name": "root", "source.address": None,
      "linux.auth.pam.ruser": "alice"}),
    # elastic test-pam-faillock.log
    ("2026-05-17T18:00:01.000000+00:00 host12345 sshd[1234567]: pam_faillock(sshd:auth): Consecutive login "
     "failures for user test account temporarily locked",
     {"event.action": "account-locked", "event.outcome": "failure", "user.name": "test",
      "linux.auth.pam.module": "pam_faillock"}),
    # elastic test-unix-chkpwd.log
    ("2026-05-17T18:01:02.000000+00:00 host12345 unix_chkpwd[2345678]: password check failed for user (testuser)",
     {"event.action": "authentication_failure", "event.outcome": "failure", "user.name": "testuser"}),
    # elastic test-auth-ubuntu1204.log: sudo, its user padded with spaces
    ("Feb  9 21:19:40 precise32 sudo:  vagrant : TTY=pts/0 ; PWD=/home/vagrant ; USER=root ; COMMAND=/bin/ls",
     {"event.action": "sudo", "event.outcome": "success", "event.category": ["process"], "event.type": ["start"],
      "user.name": "vagrant", "user.effective.name": "root", "linux.auth.sudo.command": "/bin/ls",
      "linux.auth.sudo.tty": "pts/0", "related.user": ["vagrant", "root"]}),
    # elastic: a refused sudo
    ("Feb 24 00:13:02 precise32 sudo:      tsg : user NOT in sudoers ; TTY=pts/1 ; PWD=/home/vagrant ; USER=root ; "
     "COMMAND=/bin/ls", {"event.action": "sudo", "event.outcome": "failure", "user.name": "tsg",
                         "linux.auth.sudo.error": "user NOT in sudoers"}),
    # elastic test-sudo-no-tty.log: no TTY= part
    ("Aug  6 19:42:10 server01 sudo[18432]: alice : PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/id",
     {"event.action": "sudo", "user.name": "alice", "linux.auth.sudo.tty": None}),
    # elastic: sudo's session: the actor is user.name, the session's user the effective one
    ("Feb  9 21:19:40 precise32 sudo: pam_unix(sudo:session): session opened for user root by vagrant(uid=1000)",
     {"event.action": "logged-on", "user.name": "vagrant", "user.id": "1000", "user.effective.name": "root"}),
    # composed (the case): a current pam_unix session line with the uid after the name
    ("Nov 30 03:20:38 gate sshd-session[812]: pam_unix(sshd:session): session opened for user alice(uid=1000) "
     "by alice(uid=0)", {"user.name": "alice", "user.effective.name": "alice", "process.name": "sshd-session"}),
    ("Nov 30 03:20:38 gate sshd[812]: pam_unix(sshd:session): session opened for user alice(uid=1000) by (uid=0)",
     {"event.action": "logged-on", "user.name": "alice", "user.id": "1000", "user.effective.name": None}),
    # elastic: cron's session
    ("Feb 22 11:17:01 precise32 CRON[3448]: pam_unix(cron:session): session closed for user root",
     {"event.action": "logged-off", "event.type": ["end"], "user.name": "root"}),
    # elastic: su
    ("Feb 24 00:12:14 precise32 su[4496]: Successful su for tsg by root",
     {"event.action": "su", "event.outcome": "success", "user.name": "root", "user.effective.name": "tsg"}),
    ("Feb 24 00:12:14 precise32 su[4496]: + /dev/pts/1 root:tsg",
     {"event.action": "su", "event.outcome": "success", "user.name": "root", "user.effective.name": "tsg"}),
    # elastic: account tools
    ("Feb 22 11:47:05 localhost groupadd[6991]: new group: name=apache, GID=48",
     {"event.action": "added-group-account", "event.category": ["iam"], "event.type": ["group", "creation"],
      "group.name": "apache", "group.id": "48"}),
    ("Feb 22 11:47:05 localhost useradd[6995]: new user: name=apache, UID=48, GID=48, home=/usr/share/httpd, "
     "shell=/sbin/nologin", {"event.action": "added-user-account", "event.type": ["user", "creation"],
                             "user.name": "apache", "user.id": "48", "linux.auth.useradd.shell": "/sbin/nologin"}),
    ("Feb 24 00:12:02 precise32 groupadd[4480]: group added to /etc/group: name=tsg, GID=1003",
     {"event.action": "added-group-account", "group.name": "tsg", "group.id": "1003"}),
    ("2026-05-17T18:02:03.000000+00:00 host12345 gpasswd[3456789]: user alice added by root to group sudo",
     {"event.action": "group-user-added", "user.name": "root", "user.target.name": "alice", "group.name": "sudo",
      "related.user": ["root", "alice"]}),
    ("2026-05-17T18:02:04.000000+00:00 host12345 gpasswd[3456789]: user alice removed by root from group sudo",
     {"event.action": "group-user-removed", "user.target.name": "alice"}),
    ("2026-05-17T18:04:00.000000+00:00 host12345 usermod[5678901]: add 'testuser' to group 'wheel'",
     {"event.action": "group-member-added", "user.name": "testuser", "group.name": "wheel"}),
    ("2026-05-17T18:05:02.000000+00:00 host12345 userdel[2499712]: delete user 'siem_test'",
     {"event.action": "deleted-user-account", "event.type": ["user", "deletion"], "user.name": "siem_test"}),
    ("2026-05-17T18:05:00.000000+00:00 host12345 userdel[2499712]: delete 'siem_test' from group 'tcpdump'",
     {"event.action": "group-member-removed", "user.name": "siem_test", "group.name": "tcpdump"}),
    ("2026-05-17T18:05:04.000000+00:00 host12345 userdel[2499713]: removed shadow group 'siem_group'",
     {"event.action": "deleted-group-account", "group.name": "siem_group"}),
    ("Jul  1 11:05:59 host1 groupdel[3870987]: group 'fleet' removed from /etc/group",
     {"event.action": "deleted-group-account", "event.type": ["group", "deletion"], "group.name": "fleet"}),
    ("Feb 24 00:12:10 precise32 chfn[4492]: changed user 'tsg' information",
     {"event.action": "modified-user-account", "user.name": "tsg"}),
    # elastic test-secure-rhel7.log: sshd's PAM max-retries summary
    ("Feb 22 16:45:26 slave22 sshd[2738]: PAM service(sshd) ignoring max retries; 5 > 3",
     {"event.action": "max-retries-exceeded", "event.outcome": "failure"}),
    # elastic: an older sshd's "Received disconnect" without a port
    ("Feb 22 10:26:52 precise32 sshd[1332]: Received disconnect from 10.0.2.2: 11: disconnected by user",
     {"event.action": "ssh_disconnect", "source.ip": "10.0.2.2", "source.port": None}),
    # elastic test-auth.log: a key fingerprint after "ssh2:"
    ("Feb 21 21:54:44 localhost sshd[3402]: Accepted publickey for vagrant from 10.0.2.2 port 63673 ssh2: RSA "
     "39:33:99:e9:a0:dc:f2:33:a3:e5:72:3b:7c:3a:56:84",
     {"event.action": "ssh_login", "event.outcome": "success", "user.name": "vagrant",
      "linux.auth.ssh.signature": "RSA 39:33:99:e9:a0:dc:f2:33:a3:e5:72:3b:7c:3a:56:84"}),
    # composed: OpenSSH >= 7.4 / 9.8 shapes (sshd-session), PAM rhost as a host name
    ("Nov 30 03:20:38 gate sshd-session[8812]: Connection closed by authenticating user root 198.51.100.7 port 40022 "
     "[preauth]", {"event.action": "ssh_auth_aborted", "event.outcome": "failure", "user.name": "root",
                   "source.ip": "198.51.100.7", "source.port": 40022}),
    ("Nov 30 03:20:38 gate sshd-session[8812]: error: maximum authentication attempts exceeded for invalid user "
     "admin from 198.51.100.7 port 40022 ssh2 [preauth]",
     {"event.action": "ssh_max_attempts", "event.outcome": "failure", "user.name": "admin",
      "linux.auth.ssh.invalid_user": True}),
    ("Nov 30 03:20:38 gate sshd-session[8812]: Disconnecting invalid user admin 198.51.100.7 port 40022: Too many "
     "authentication failures [preauth]", {"event.action": "ssh_too_many_failures", "user.name": "admin"}),
    ("Nov 30 03:20:38 gate systemd-logind[612]: New session 12 of user alice.",
     {"event.action": "new-session", "event.type": ["start"], "user.name": "alice",
      "linux.auth.logind.session": "12"}),
    ("Nov 30 03:20:38 gate systemd-logind[612]: Removed session 12.",
     {"event.action": "removed-session", "event.type": ["end"]}),
    ("Nov 30 03:20:38 gate CRON[4170]: (root) CMD (run-parts --report /etc/cron.hourly)",
     {"event.action": "cron-command", "user.name": "root",
      "linux.auth.cron.command": "run-parts --report /etc/cron.hourly"}),
    ("Nov 30 03:20:38 gate login[990]: FAILED LOGIN 1 FROM tty1 FOR root, Authentication failure",
     {"event.action": "authentication_failure", "user.name": "root", "error.message": "Authentication failure"}),
    ("Nov 30 03:20:38 gate su[4496]: FAILED SU (to root) alice on pts/0",
     {"event.action": "su", "event.outcome": "failure", "user.name": "alice", "user.effective.name": "root"}),
    # loghub Linux_2k: ftpd with an empty reverse name, and klogind whose "name" is the address again
    ("Jun 17 19:43:13 combo ftpd[31438]: connection from 211.107.232.1 () at Fri Jun 17 19:43:13 2005",
     {"event.action": "connection-accepted", "source.ip": "211.107.232.1", "source.domain": None}),
    # composed: RFC 5424 with PRI gives the facility and severity names
    ("<86>1 2026-11-30T03:20:38.1+08:00 gate sshd 812 - - Failed password for root from 192.0.2.4 port 22 ssh2",
     {"event.action": "ssh_login", "log.syslog.facility.name": "authpriv", "log.syslog.severity.name":
      "informational", "log.syslog.procid": "812", "process.pid": 812}),
]


@pytest.mark.parametrize(("line", "expected"), ROWS)
def test_program_lines(line: str, expected: dict[str, Any]) -> None:
    fields = fields_of(line)
    assert {k: fields.get(k) for k in expected} == expected
    assert fields["event.original"] == line and fields["event.kind"] == "event"


def test_every_program_table_has_a_real_or_composed_row() -> None:
    # the tables of gdm, ftpd and klogind are checked line by line on loghub's Linux_2k
    tables = {id(table) for tables in PROGRAM_TABLES.values() for table in tables}
    assert all(isinstance(t, MessageTable) for ts in PROGRAM_TABLES.values() for t in ts)
    used = {id(table) for line, _ in ROWS
            for table in PROGRAM_TABLES.get(str(fields_of(line).get("log.syslog.appname")), ())}
    elsewhere = {id(table) for name in ("gdm", "klogind") for table in PROGRAM_TABLES[name]}
    assert tables - used == elsewhere


def test_one_leading_word_look_up_per_line(monkeypatch: pytest.MonkeyPatch) -> None:
    # P13a 4: a program's tables, then PAM's and login's, are one joined table: a message the
    # last of them knows costs one look-up of its leading word, not one per table (three here)
    words: list[str] = []
    real = messages._MESSAGE_WORD

    class Counted:
        def match(self, text: str) -> Any:
            words.append(text)
            return real.match(text)

    monkeypatch.setattr(messages, "_MESSAGE_WORD", Counted())
    fields = fields_of("Nov 30 03:20:38 gate sshd[1]: ROOT LOGIN ON tty1")  # composed: login's shape under sshd
    assert (fields["event.action"], fields["user.name"]) == ("logged-in", "root")
    assert words == ["ROOT LOGIN ON tty1"]


_PROGRAMS = st.sampled_from(sorted(PROGRAM_TABLES) + ["sshd(pam_unix)", "kernel", "-- root", "syslogd 1.4.1"])
_WORDS = st.sampled_from(["Failed", "password", "for", "invalid", "user", "from", "port", "ssh2", "root", "1.2.3.4",
                          "::1", "session", "opened", "by", "(uid=0)", "authentication", "failure;", "rhost=",
                          "user=", "PAM", "new", "group:", "name=", "'x'", "COMMAND=", ";", ":", "[preauth]", "[",
                          "]", "\u00e9", "\x00", "message", "repeated", "2", "times:", "pam_unix(sshd:auth):"])


@settings(max_examples=300)
@given(_PROGRAMS, st.lists(_WORDS, max_size=14).map(" ".join))
def test_table_shaped_junk_gives_an_event(program: str, message: str) -> None:
    fields = fields_of(f"Nov 30 03:20:38 gate {program}[1]: {message}")
    assert fields["event.kind"] == "event"
    if "event.action" in fields:
        assert set(fields["event.category"]) <= {"authentication", "session", "network", "process", "iam",
                                                 "configuration"}
