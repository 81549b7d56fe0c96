"""Linux syslog (/var/log/auth.log, /var/log/secure, /var/log/messages) to ECS.

Source: syslog lines in any of the header layouts of collectors.syslog.header (RFC 3164, ISO
8601 timestamped, RFC 5424). Normalised: the programs of the message tables in this package
(sshd_messages, pam_messages, account_messages, login_messages), chosen by the program name,
then PAM's and login's tables for any program; kernel netfilter LOG lines (iptables, nftables,
ufw) go to collectors.linux.netfilter and the ``linux.iptables`` dataset. A line of any other
program, or a message no table knows, is kept as a generic event of the dataset (host, process,
message), never dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from govsoc.collectors.base import FILE_ORIGIN, ParseContext, RawRecord, parsers
from govsoc.collectors.linux.account_messages import ACCOUNTS
from govsoc.collectors.linux.login_messages import LOGIN, TABLES
from govsoc.collectors.linux.messages import MessageTable, add_related
from govsoc.collectors.linux.netfilter import normalise_netfilter
from govsoc.collectors.linux.pam_messages import PAM, PAM_PREFIX
from govsoc.collectors.linux.sshd_messages import SSHD
from govsoc.collectors.syslog.header import SyslogHeaderParser, SyslogLine
from govsoc.collectors.syslog.line import PRIORITY_FIELDS
from govsoc.core.event import Event

_ACCOUNT_PROGRAMS = ("useradd", "userdel", "usermod", "groupadd", "groupdel", "groupmod", "gpasswd", "passwd",
                     "chpasswd", "chage", "chfn", "newusers")
#: Program name -> its tables, tried before the tables every program gets (PAM, login).
PROGRAM_TABLES: dict[str, tuple[MessageTable, ...]] = {
    "sshd": (SSHD,), "sshd-session": (SSHD,), "sshd-auth": (SSHD,),
    **{name: (table,) for names, table in TABLES for name in names},
    **{name: (ACCOUNTS,) for name in _ACCOUNT_PROGRAMS},
}
#: The dataset of kernel netfilter LOG lines (iptables, nftables, ufw), as Elastic's iptables.log.
NETFILTER_DATASET = "linux.iptables"
_ANY_PROGRAM = MessageTable.joined((PAM, LOGIN))
#: Program -> one table of its own rules, then PAM's and login's (one word look-up per line).
_TABLE_OF = {name: MessageTable.joined((*tables, PAM, LOGIN)) for name, tables in PROGRAM_TABLES.items()}
#: "message repeated N times: [ inner ]" wraps another message (rsyslog's repeat reduction).
REPEATED = re.compile(r"message repeated (?P<times>\d+) times: \[ ?(?P<inner>.*?) ?\]$", re.DOTALL)
# "sshd(pam_unix)": PAM of old releases logging under its own tag
_LEGACY_PAM = re.compile(r"([\w.-]+)\((pam_[\w-]+)\)$")
_PROCESS_NAME = re.compile(r"[\w.-]*[A-Za-z][\w.-]*")


@parsers.register("linux.auth")
class LinuxAuthParser:
    """Linux syslog lines: authentication, sessions, privilege and account events to ECS."""

    dataset = "linux.auth"

    def __init__(self) -> None:
        self._header = SyslogHeaderParser()

    def parse(self, record: RawRecord, context: ParseContext) -> Iterator[Event]:
        """One event per line; raises ParseError when the line is not syslog."""
        text = record.text()
        line = self._header.parse(text, context)
        fields = header_fields(line)
        fields["event.original"] = text
        fields["log.offset"] = record.offset
        if record.origin.startswith(FILE_ORIGIN):
            fields["log.file.path"] = record.file_path_text
        dataset = self.dataset
        if line.program == "kernel" and "IN=" in line.message:
            found = normalise_netfilter(line.message)
            if found:
                fields.update(found)
                dataset = NETFILTER_DATASET
        elif line.program is not None:
            found = normalise(line.program, line.message)
            if found:
                fields.update(found)
                add_related(fields)
        yield Event(id=record.provisional_id(), dataset=dataset, fields=fields,
                    timestamp=line.timestamp or record.received or context.reference)


def header_fields(line: SyslogLine) -> dict[str, Any]:
    """The ECS fields of a syslog header (``log.syslog.*``, host, process)."""
    host, program = line.host, line.program
    fields: dict[str, Any] = {"message": line.message, "event.module": "linux", "event.kind": "event"}
    if host is not None:
        fields["host.name"] = fields["host.hostname"] = fields["log.syslog.hostname"] = host
        fields["related.hosts"] = [host]
    if program is not None:
        fields["log.syslog.appname"] = program
        name = _NAMES.get(program)
        if name is None:
            match = _PROCESS_NAME.match(program.split("(", 1)[0].split(" ", 1)[0])
            name = _NAMES[program] = match[0] if match else ""
            if len(_NAMES) > 4096:
                _NAMES.clear()
        if name:
            fields["process.name"] = name
    if line.pid is not None:
        fields["process.pid"] = line.pid
    if line.priority is not None:
        fields.update(PRIORITY_FIELDS[line.priority])
    if line.layout == "rfc5424":
        fields["log.syslog.version"] = "1"
        for key, value in (("log.syslog.procid", line.procid), ("log.syslog.msgid", line.msgid)):
            if value is not None:
                fields[key] = value
        if line.structured_data:
            fields["log.syslog.structured_data"] = line.structured_data
    return fields


#: Program (TAG) -> process.name ("" when it has none, as "-- root"): few programs, many lines.
_NAMES: dict[str, str] = {}


def normalise(program: str, message: str) -> dict[str, Any]:
    """The ECS fields a program's message carries (empty when no table knows it)."""
    repeated = REPEATED.match(message) if message.startswith("message repeated") else None
    if repeated:
        inner = normalise(program, repeated["inner"])
        if inner:
            inner["event.count"] = int(repeated["times"]) * inner.get("event.count", 1)
        return inner
    legacy = _LEGACY_PAM.match(program) if program.endswith(")") else None
    if legacy is not None:
        return _pam(message, legacy[2], legacy[1], None)
    if message.startswith("pam_"):
        prefix = PAM_PREFIX.match(message)
        if prefix is not None:
            return _pam(message[prefix.end():], *prefix.groups())
    return _TABLE_OF.get(program, _ANY_PROGRAM).normalise(message) or {}


def _pam(message: str, module: str, service: str, kind: str | None) -> dict[str, Any]:
    fields = PAM.normalise(message) or {}
    fields["linux.auth.pam.module"] = module
    if service:
        fields["linux.auth.pam.service"] = service
    if kind:
        fields["linux.auth.pam.type"] = kind
    return fields
