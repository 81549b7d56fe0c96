"""Linux authentication logs (/var/log/auth.log, /var/log/secure) to ECS.

Source: BSD syslog lines (collectors.syslog.rfc3164). Normalised: sshd and PAM messages per the
table in sshd_messages.py; any other program's line is kept as a generic event of the dataset
(host, process, message) rather than dropped.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from typing import Any

from govsoc.collectors.base import ParseContext, RawRecord, parsers
from govsoc.collectors.linux.sshd_messages import REPEATED, SSHD_MESSAGES
from govsoc.collectors.syslog.rfc3164 import parse_rfc3164
from govsoc.core.event import Event, make_id


@parsers.register("linux.auth")
class LinuxAuthParser:
    """sshd / PAM authentication events from BSD syslog lines."""

    dataset = "linux.auth"

    def parse(self, record: RawRecord, context: ParseContext) -> Iterator[Event]:
        """One event per line; raises ParseError when the line is not BSD syslog."""
        text = record.text()
        line = parse_rfc3164(text, context)
        fields: dict[str, Any] = {
            "message": line.message,
            "event.original": text,
            "event.module": "linux",
            "event.kind": "event",
            "host.name": line.host,
            "host.hostname": line.host,
            "log.syslog.hostname": line.host,
            "log.syslog.appname": line.program,
            "process.name": line.program.split("(")[0],
            "log.offset": record.offset,
        }
        if record.file_path:
            fields["log.file.path"] = record.file_path
        if line.pid is not None:
            fields["process.pid"] = line.pid
        if fields["process.name"] == "sshd":
            fields.update(normalise_sshd(line.message))
        yield Event(id=make_id(record.origin, record.offset), timestamp=line.timestamp,
                    dataset=self.dataset, fields=fields)


def normalise_sshd(message: str) -> dict[str, Any]:
    """The ECS fields an sshd message carries (empty when the message is not in the table)."""
    repeated = REPEATED.match(message)
    if repeated:
        inner = normalise_sshd(repeated["inner"])
        if inner:
            inner["event.count"] = int(repeated["times"])
        return inner
    for rule in SSHD_MESSAGES:
        match = rule.pattern.match(message)
        if match is None:
            continue
        found = {k: v for k, v in match.groupdict().items() if v}
        fields: dict[str, Any] = {
            "event.action": rule.action,
            "event.category": list(rule.category),
            "event.type": list(rule.type),
        }
        if rule.outcome:
            fields["event.outcome"] = rule.outcome
        if "user" in found:
            fields["user.name"] = found["user"]
            fields["related.user"] = [found["user"]]
        address = found.get("ip") or found.get("rhost")
        if address:
            fields.update(_address(address))
        if found.get("domain"):
            fields["source.domain"] = found["domain"]
        if "port" in found:
            fields["source.port"] = int(found["port"])
        if "method" in found:
            fields["linux.auth.ssh.method"] = found["method"]
        return fields
    return {}


def _address(text: str) -> dict[str, Any]:
    try:
        ip = str(ipaddress.ip_address(text))
    except ValueError:
        return {"source.domain": text, "source.address": text}
    return {"source.ip": ip, "source.address": text, "related.ip": [ip]}
