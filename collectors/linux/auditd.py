"""Linux audit records (/var/log/audit/audit.log, auditd's RAW and ENRICHED formats) to ECS,
as Elastic's auditd integration writes them: every key of a record under ``auditd.log.*``
(``record_type``, ``sequence`` and the record's own keys, those of its ``msg='...'`` part too),
plus the ECS fields the record carries (process, user, source address, outcome).

``[node=N ]type=T msg=audit(EPOCH.MS:SERIAL): key=value ...``. Values are plain, "quoted" or, for
strings auditd does not trust (a path, a command line, an EXECVE argument), hex-encoded when they
hold a space, a quote or a control byte: those are decoded (UTF-8, GB18030 if that fails). One
event per record, as Elastic's log integration does; the records of one syscall share
``auditd.log.sequence``. SigmaHQ's auditd rules name these keys (``type``, ``a0``, ``exe``,
``SYSCALL``, ...): rules/mappings/linux.py maps them (``service: auditd``). An EXECVE record's
``message`` is its command line (the arguments decoded and joined), the text Sigma's keywords
over executions look for; every other record's message is the record.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from govsoc.collectors.base import FILE_ORIGIN, ParseContext, RawRecord, parsers
from govsoc.collectors.linux.messages import source_address
from govsoc.collectors.numbers import decimal_number
from govsoc.core.errors import ParseError
from govsoc.core.event import Event, make_id

_RECORD = re.compile(r"(?:node=(?P<node>\S+) )?type=(?P<type>[A-Z_]+|UNKNOWN\[\d+\]) "
                     r"msg=audit\((?P<sec>\d{1,12})\.(?P<ms>\d{3}):(?P<serial>\d+)\): ?(?P<rest>.*)$", re.DOTALL)
_PAIR = re.compile(r"([A-Za-z_][\w-]*)=(\"[^\"]*\"|'[^']*'|\S*)")
_HEX = re.compile(r"(?:[0-9A-F]{2})+")
#: An EXECVE argument's key as auditd writes it: a0, a1, ... (not a1_len, a1[0], a01)
_ARG_KEY = re.compile(r"a(?:0|[1-9][0-9]{0,8})")
#: Keys whose values are untrusted strings (auditd's audit_log_untrustedstring): hex when odd.
_UNTRUSTED = frozenset({"exe", "comm", "name", "cwd", "cmd", "proctitle", "path", "data", "key", "acct", "watch",
                        "vm", "sw", "root_dir", "ocomm", "grp", "new_group"})
_EXECVE_ARG = re.compile(r"a\d+(?:\[\d+\])?$")
#: auditd key -> ECS field.
_ECS = {"pid": "process.pid", "ppid": "process.parent.pid", "exe": "process.executable", "comm": "process.name",
        "proctitle": "process.title", "cwd": "process.working_directory", "uid": "user.id", "auid": "user.audit.id",
        "euid": "user.effective.id", "gid": "user.group.id", "acct": "user.name", "name": "file.path",
        "addr": "source.address", "hostname": "source.domain"}
_INTEGERS = frozenset({"process.pid", "process.parent.pid"})
#: Record type -> (event.category, event.type), where ECS has one.
_CATEGORIES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "SYSCALL": (("process",), ("info",)), "EXECVE": (("process",), ("start",)),
    "USER_AUTH": (("authentication",), ("info",)), "USER_LOGIN": (("authentication", "session"), ("start",)),
    "USER_LOGOUT": (("session",), ("end",)), "USER_START": (("session",), ("start",)),
    "USER_END": (("session",), ("end",)), "USER_CMD": (("process",), ("start",)),
    "ADD_USER": (("iam",), ("user", "creation")), "DEL_USER": (("iam",), ("user", "deletion")),
    "ADD_GROUP": (("iam",), ("group", "creation")), "DEL_GROUP": (("iam",), ("group", "deletion")),
    "USER_MGMT": (("iam",), ("user", "change")), "GRP_MGMT": (("iam",), ("group", "change")),
    "SERVICE_START": (("process",), ("start",)), "SERVICE_STOP": (("process",), ("end",)),
    "CONFIG_CHANGE": (("configuration",), ("change",)), "PATH": (("file",), ("info",)),
}
_NOTHING = frozenset({"", "?", "(null)", "(none)"})


@parsers.register("linux.auditd")
class LinuxAuditdParser:
    """audit.log records to ECS events, one per record."""

    dataset = "linux.auditd"

    def parse(self, record: RawRecord, context: ParseContext) -> Iterator[Event]:
        """One event per record; raises ParseError when the line is not an audit record."""
        text = record.text()
        match = _RECORD.match(text.rstrip())
        if match is None:
            raise ParseError("not an audit record (expected 'type=T msg=audit(EPOCH.MS:SERIAL): key=value ...')")
        kind = match["type"]
        fields: dict[str, Any] = {"message": text.rstrip(), "event.original": text, "event.module": "linux",
                                  "event.kind": "event", "event.action": kind.lower().replace("_", "-"),
                                  "auditd.log.record_type": kind, "auditd.log.sequence": int(match["serial"]),
                                  "log.offset": record.offset}
        if record.origin.startswith(FILE_ORIGIN):
            fields["log.file.path"] = record.file_path_text
        if match["node"]:
            fields["host.name"] = fields["auditd.log.node"] = match["node"]
        values = record_values(match["rest"], kind)
        fields.update({f"auditd.log.{key}": value for key, value in values.items()})
        fields.update(ecs_fields(kind, values))
        if kind == "EXECVE" and "process.command_line" in fields:
            # The text of an execution is its command line: Sigma keywords over EXECVE records
            # ('--to-ports 42') read it; the record itself stays in event.original.
            fields["message"] = fields["process.command_line"]
        timestamp = datetime.fromtimestamp(int(match["sec"]) + int(match["ms"]) / 1000, tz=UTC)
        yield Event(id=make_id(record.origin, record.offset), timestamp=timestamp, dataset=self.dataset,
                    fields=fields)


def record_values(rest: str, kind: str) -> dict[str, str]:
    """The record's key=value pairs (those inside ``msg='...'`` too), decoded; the first of a
    repeated key wins."""
    values: dict[str, str] = {}
    for key, raw in _PAIR.findall(rest):
        if key == "msg" and raw.startswith("'"):
            for inner_key, inner in record_values(raw[1:-1], kind).items():
                values.setdefault(inner_key, inner)
            continue
        if key in values:
            continue
        value = _value(key, raw, kind)
        if value is not None:
            values[key] = value
    return values


def _value(key: str, raw: str, kind: str) -> str | None:
    if raw[:1] in ("\"", "'") and raw[-1:] == raw[:1] and len(raw) >= 2:
        return raw[1:-1]
    if raw in _NOTHING:
        return None
    if (key in _UNTRUSTED or (kind == "EXECVE" and _EXECVE_ARG.match(key))) and _HEX.fullmatch(raw):
        data = bytes.fromhex(raw)
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            return data.decode("gb18030", errors="replace")
    return raw


def ecs_fields(kind: str, values: dict[str, str]) -> dict[str, Any]:
    """The ECS fields of a record's values (see the module docstring)."""
    fields: dict[str, Any] = {}
    for key, target in _ECS.items():
        value = values.get(key)
        if value is None:
            continue
        if target in _INTEGERS:
            number = decimal_number(value)
            if number is not None:
                fields[target] = number
        elif target == "source.address":
            fields.update(source_address(value))
        elif not (target.startswith("user.") and value == "4294967295"):  # unset (-1) ids
            fields[target] = value
    if kind == "EXECVE":
        # a0 .. a(argc-1), those the record holds: counted over the record's own keys, not up to
        # argc (argc=300000000 took minutes a line: a hostile record must not stall the read)
        argc = decimal_number(values.get("argc", "0") or "0") or 0
        held = sorted(int(key[1:]) for key in values if _ARG_KEY.fullmatch(key))
        args = [values[f"a{i}"] for i in held if i < argc]
        if args:
            fields["process.args"], fields["process.args_count"] = args, len(args)
            fields["process.command_line"] = " ".join(args)
    result = values.get("res") or values.get("success")
    if result is not None:
        fields["event.outcome"] = "success" if result in ("success", "yes", "1") else "failure"
    category = _CATEGORIES.get(kind)
    if category is not None:
        fields["event.category"], fields["event.type"] = list(category[0]), list(category[1])
    users = [fields[f] for f in ("user.name",) if fields.get(f)]
    if users:
        fields["related.user"] = users
    if fields.get("source.ip"):
        fields["related.ip"] = [fields["source.ip"]]
    return fields
