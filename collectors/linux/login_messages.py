"""Login and privilege programs other than sshd: sudo, su, login, gdm, ftpd (wu-ftpd, vsftpd),
klogind, systemd-logind, cron, unix_chkpwd; one table each.

sudo as Elastic's system/auth: the invoking user is ``user.name``, ``USER=`` is
``user.effective.name``, the rest goes to ``linux.auth.sudo.*``; a refused command (``3
incorrect password attempts``, ``user NOT in sudoers``) has ``event.outcome: failure``.
"""

from __future__ import annotations

from govsoc.collectors.linux.messages import MessageRule, MessageTable, rule

_SUDO_TAIL = (r"(?:TTY=(?P<linux__auth__sudo__tty>[^;]*?) ; )?PWD=(?P<linux__auth__sudo__pwd>[^;]*?) ; "
              r"USER=(?P<effective>[^;]*?) ;(?: GROUP=(?P<linux__auth__sudo__group>[^;]*?) ;)?(?: TSID=[^;]*? ;)?"
              r"(?: ENV=[^;]*? ;)? COMMAND=(?P<linux__auth__sudo__command>.*)$")
_PROCESS = ("process",)
_LOGIN = ("authentication",)
_NETWORK = ("network",)

SUDO = MessageTable((
    rule(r"^\s*(?P<user>\S+) : (?P<linux__auth__sudo__error>(?!TTY=|PWD=)[^;]+?) ; " + _SUDO_TAIL,
         "sudo", "failure", _PROCESS, ("info",)),
    rule(r"^\s*(?P<user>\S+) : " + _SUDO_TAIL, "sudo", "success", _PROCESS, ("start",)),
))

SU = MessageTable((
    rule(r"^Successful su for (?P<effective>\S+) by (?P<user>\S+)$", "su", "success"),
    rule(r"^FAILED SU \(to (?P<effective>\S+)\) (?P<user>\S+) on (?P<linux__auth__tty>\S+)$", "su", "failure"),
    rule(r"^\(to (?P<effective>\S+)\) (?P<user>\S+) on (?P<linux__auth__tty>\S+)$", "su", "success"),
    rule(r"^\+ (?P<linux__auth__tty>\S+) (?P<user>[^:\s]+):(?P<effective>\S+)$", "su", "success"),
    rule(r"^- (?P<linux__auth__tty>\S+) (?P<user>[^:\s]+):(?P<effective>\S+)$", "su", "failure"),
    rule(r"^pam_authenticate: (?P<error__message>.+)$", "su", "failure"),
))

#: util-linux / shadow login; also tried for any program (old login logged as "-- root").
LOGIN = MessageTable((
    rule(r"^ROOT LOGIN +(?:ON|on) '?(?P<linux__auth__tty>[^'\s]+)'?(?: FROM '?(?P<ip>[^'\s]+)'?)?$",
         "logged-in", "success", _LOGIN, ("start",), user__name="root"),
    rule(r"^LOGIN ON (?P<linux__auth__tty>\S+) BY (?P<user>\S+)(?: FROM (?P<ip>\S+))?$",
         "logged-in", "success", _LOGIN, ("start",)),
    rule(r"^FAILED LOGIN (?:\d+ |SESSION )?FROM '?(?P<linux__auth__login__from>[^'\s]*)'? FOR '?(?P<user>[^',\s]+)'?, "
         r"(?P<error__message>.+)$", "authentication_failure", "failure"),
    rule(r"^(?P<count>\d+) LOGIN FAILURES? (?:FROM|ON) '?(?P<linux__auth__login__from>[^'\s,]*)'?,? "
         r"(?:FOR )?'?(?P<user>[^',\s]+)'?.*$", "authentication_failure", "failure"),
))

GDM = MessageTable((
    rule(r"^Couldn't authenticate user$", "authentication_failure", "failure"),
))

FTPD = MessageTable((
    rule(r"^connection from (?P<ip>\S+) \((?P<domain>[^)]*)\)(?: at (?P<linux__auth__ftp__time>.+))?$",
         "connection-accepted", None, _NETWORK, ("connection", "start")),
    rule(r"^ANONYMOUS FTP LOGIN FROM (?P<ip>[^\s,]+)(?: \[[^\]]*\])?, +(?P<linux__auth__ftp__anonymous_id>.*)$",
         "logged-in", "success", _LOGIN, ("start",), user__name="anonymous"),
    rule(r"^FTP LOGIN FROM (?P<domain>\S+) \[(?P<ip>[^\]]+)\], (?P<user>\S+)$", "logged-in", "success", _LOGIN,
         ("start",)),
    rule(r"^failed login from (?P<domain>\S+) \[(?P<ip>[^\]]+)\].*$", "authentication_failure", "failure"),
    rule(r"^User (?:unknown|(?P<user>\S+)) timed out after (?P<linux__auth__ftp__timeout>\d+) seconds.*$",
         "session-timeout", None, ("session",), ("end",)),
    rule(r"^getpeername \(ftpd\): (?P<error__message>.+)$", "connection-error", "failure", _NETWORK, ("error",)),
    # vsftpd with syslog_enable=YES
    rule(r"^\[(?P<user>[^\]]+)\] FAIL LOGIN: Client \"(?P<ip>[^\"]+)\".*$", "authentication_failure", "failure"),
    rule(r"^\[(?P<user>[^\]]+)\] OK LOGIN: Client \"(?P<ip>[^\"]+)\".*$", "logged-in", "success", _LOGIN,
         ("start",)),
))

KLOGIND = MessageTable((
    rule(r"^Authentication failed from (?P<ip>\S+) \((?P<domain>[^)]*)\): (?P<error__message>.+)$",
         "authentication_failure", "failure"),
    rule(r"^Kerberos authentication failed$", "authentication_failure", "failure"),
))

LOGIND = MessageTable((
    rule(r"^New session (?P<linux__auth__logind__session>\S+) of user (?P<user>[^\s.]+)\.$", "new-session",
         "success", ("session",), ("start",)),
    rule(r"^Removed session (?P<linux__auth__logind__session>[^\s.]+)\.$", "removed-session", None, ("session",),
         ("end",)),
    rule(r"^Session (?P<linux__auth__logind__session>\S+) logged out\. Waiting for processes to exit\.$",
         "session-logged-out", None, ("session",), ("end",)),
))

CRON = MessageTable((
    rule(r"^\((?P<user>[^)]+)\) CMD \((?P<linux__auth__cron__command>.*)\)$", "cron-command", None, _PROCESS,
         ("start",)),
    rule(r"^\((?P<user>[^)]+)\) (?P<linux__auth__cron__change>REPLACE|DELETE|BEGIN EDIT|END EDIT) "
         r"\((?P<target>[^)]+)\)$", "crontab-edited", None, ("configuration",), ("change",)),
))

UNIX_CHKPWD = MessageTable((
    rule(r"^password check failed for user \(?(?P<user>[^)\s]+)\)?$", "authentication_failure", "failure"),
))

TABLES: tuple[tuple[tuple[str, ...], MessageTable], ...] = (
    (("sudo",), SUDO),
    (("su",), SU),
    (("login",), LOGIN),
    (("gdm", "gdm-binary", "gdm-session-worker"), GDM),
    (("ftpd", "vsftpd", "in.ftpd", "wu-ftpd"), FTPD),
    (("klogind",), KLOGIND),
    (("systemd-logind",), LOGIND),
    (("cron", "CRON", "crond", "crontab"), CRON),
    (("unix_chkpwd",), UNIX_CHKPWD),
)

__all__ = ["TABLES", "MessageRule"]
