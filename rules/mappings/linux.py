"""Linux log sources govsoc collects: syslog lines (auth.log, secure, syslog, messages) read by
the linux.auth parser (govsoc.collectors.linux), which sets ``event.module: linux``,
``event.dataset: linux.auth`` and ``process.name`` from the syslog program name.

SigmaHQ names Linux log sources after the file or the daemon (``service: sshd``, ``cron``, ...);
a daemon's lines are selected by its syslog program name. The rules of these sources are keyword
rules over the line's text, so the generic field table serves them.

``service: auditd`` is /var/log/audit/audit.log read by the linux.auditd parser: one event per
audit record, every key of the record under ``auditd.log.<key>`` as auditd wrote it (``a0``,
``exe``, ``name``, ``SYSCALL`` of the ENRICHED format), the record type as
``auditd.log.record_type``. SigmaHQ's auditd rules name those keys and ``type``; each of them has
a trigger and a near-miss record in tests/rules/test_sigmahq_triggers.py.

Not collected yet, and therefore "no source": the process_creation, file_event and
network_connection categories (they need Sysmon for Linux or Elastic Defend events; auditd's
EXECVE records are not one process event each, and SigmaHQ writes separate rules for them).
"""

from __future__ import annotations

from govsoc.rules.mappings import LogSource

_LINUX = {"event.module": "linux"}
_PARSER = "linux.auth"

SOURCES: tuple[LogSource, ...] = (
    # product: linux alone is "any Linux log": every syslog line govsoc has read.
    LogSource(product="linux", condition=_LINUX, collector=_PARSER),
    # /var/log/syslog (Debian) carries every facility, so it is every line as well.
    LogSource(product="linux", service="syslog", condition=_LINUX, collector=_PARSER),
    # /var/log/auth.log and /var/log/secure: the linux.auth dataset.
    LogSource(product="linux", service="auth", condition={"event.dataset": "linux.auth"}, collector=_PARSER),
    # OpenSSH 9.8 moved the per-connection work (and its log lines) to sshd-session.
    LogSource(product="linux", service="sshd", condition={**_LINUX, "process.name": ["sshd", "sshd-session"]},
              collector=_PARSER),
    # crontab(1) logs "(root) REPLACE (root)"; the daemon logs as cron, CRON (Debian) or crond.
    LogSource(product="linux", service="cron",
              condition={**_LINUX, "process.name": ["cron", "CRON", "crond", "crontab"]}, collector=_PARSER),
    # vsftpd with syslog_enable=YES.
    LogSource(product="linux", service="vsftpd", condition={**_LINUX, "process.name": "vsftpd"},
              collector=_PARSER),
    # "... FOUND" verdicts come from clamd, the on-access scanner and the milter.
    LogSource(product="linux", service="clamav",
              condition={**_LINUX, "process.name": ["clamd", "clamonacc", "clamav-milter", "freshclam"]},
              collector=_PARSER),
    # audit.log: a rule's fields are the record's own keys.
    LogSource(product="linux", service="auditd", condition={"event.dataset": "linux.auditd"},
              collector="linux.auditd", fields={"type": "auditd.log.record_type"}, field_prefix="auditd.log."),
    # guacd logs "User ... joined connection ... (N users now present)".
    LogSource(product="linux", service="guacamole", condition={**_LINUX, "process.name": "guacd"},
              collector=_PARSER),
)
