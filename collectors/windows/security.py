"""Windows Security log events (channel Security) to ECS, as Elastic's Security module
(winlogbeat-security.js, the system.security data stream) maps them.

Stage: collectors (normalise). SECURITY_EVENTS gives each event id its ECS categorisation; the
functions below copy the account, address, logon and process data into ECS. The user is the
target account for logons (4624, 4625, 4634, 4647, 4648, 4740) and the subject otherwise;
4720-style account management puts the new account in user.target.*. See
shared/reference/log-formats.md section 11.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from typing import Any, Final

from govsoc.collectors.windows.sysmon import EventKind, derived

SECURITY_EVENTS: Final[dict[str, EventKind]] = {
    "1102": EventKind("audit-log-cleared", ("iam",), ("admin", "change"), "success"),
    "4624": EventKind("logged-in", ("authentication",), ("start",), "success"),
    "4625": EventKind("logon-failed", ("authentication",), ("start",), "failure"),
    "4634": EventKind("logged-out", ("authentication",), ("end",), "success"),
    "4647": EventKind("logged-out", ("authentication",), ("end",), "success"),
    "4648": EventKind("logged-in-explicit", ("authentication",), ("start",), "success"),
    "4672": EventKind("logged-in-special", ("iam",), ("admin",), "success"),
    "4688": EventKind("created-process", ("process",), ("start",), "success"),
    "4689": EventKind("exited-process", ("process",), ("end",), "success"),
    "4697": EventKind("service-installed", ("iam", "configuration"), ("admin", "change"), "success"),
    "4698": EventKind("scheduled-task-created", ("iam", "configuration"), ("creation", "admin"), "success"),
    "4699": EventKind("scheduled-task-deleted", ("iam", "configuration"), ("deletion", "admin"), "success"),
    "4700": EventKind("scheduled-task-enabled", ("iam", "configuration"), ("change", "admin"), "success"),
    "4701": EventKind("scheduled-task-disabled", ("iam", "configuration"), ("change", "admin"), "success"),
    "4702": EventKind("scheduled-task-updated", ("iam", "configuration"), ("change", "admin"), "success"),
    "4720": EventKind("added-user-account", ("iam",), ("user", "creation"), "success"),
    "4726": EventKind("deleted-user-account", ("iam",), ("user", "deletion"), "success"),
    "4740": EventKind("locked-out-user-account", ("iam",), ("user", "change"), "success"),
}

#: Events whose user.* is the target account.
TARGET_USER_EVENTS: Final = frozenset({"4624", "4625", "4634", "4647", "4648", "4740"})
#: Events that put the subject in user.* and the affected account in user.target.*.
ACCOUNT_EVENTS: Final = frozenset({"4720", "4722", "4723", "4724", "4725", "4726", "4738", "4767"})

LOGON_TYPES: Final[dict[str, str]] = {
    "2": "Interactive", "3": "Network", "4": "Batch", "5": "Service", "7": "Unlock",
    "8": "NetworkCleartext", "9": "NewCredentials", "10": "RemoteInteractive", "11": "CachedInteractive",
}


def _present(value: str | None) -> bool:
    return value not in (None, "", "-")


def _number(value: str | None) -> int | None:
    """A pid as Security writes it: hexadecimal (0x1a4) or decimal."""
    if not _present(value):
        return None
    try:
        return int(str(value), 16) if str(value).lower().startswith("0x") else int(str(value))
    except ValueError:
        return None


def _account(data: Mapping[str, str], prefix: str, target: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for suffix, ecs in (("UserName", "name"), ("DomainName", "domain"), ("UserSid", "id")):
        value = data.get(prefix + suffix)
        if _present(value):
            out[f"{target}.{ecs}"] = value
    if "TargetSid" in data and prefix == "Target" and _present(data["TargetSid"]):
        out.setdefault(f"{target}.id", data["TargetSid"])
    return out


def _source(data: Mapping[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    try:
        ip = ipaddress.ip_address(data.get("IpAddress", "").removeprefix("::ffff:"))
    except ValueError:
        ip = None
    if ip is not None and not ip.is_loopback:
        out["source.ip"] = str(ip)
        out["related.ip"] = [str(ip)]
    port = _number(data.get("IpPort"))
    if port:
        out["source.port"] = port
    if _present(data.get("WorkstationName")):
        out["source.domain"] = data["WorkstationName"]
    return out


def _logon(event_id: str, data: Mapping[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if data.get("LogonType") in LOGON_TYPES:
        out["winlog.logon.type"] = LOGON_TYPES[data["LogonType"]]
    logon_id = data.get("TargetLogonId") if event_id in TARGET_USER_EVENTS else data.get("SubjectLogonId")
    if _present(logon_id):
        out["winlog.logon.id"] = logon_id
    for name, ecs in (("Status", "status"), ("SubStatus", "sub_status"), ("FailureReason", "reason")):
        if event_id == "4625" and _present(data.get(name)):
            out[f"winlog.logon.failure.{ecs}"] = data[name]
    return out


def _process(event_id: str, data: Mapping[str, str]) -> dict[str, Any]:
    pairs: tuple[tuple[str, str], ...]
    pids: tuple[tuple[str, str], ...]
    if event_id == "4688":
        pairs = (("NewProcessName", "process.executable"), ("CommandLine", "process.command_line"),
                 ("ParentProcessName", "process.parent.executable"))
        pids = (("NewProcessId", "process.pid"), ("ProcessId", "process.parent.pid"))
    else:
        pairs = (("ProcessName", "process.executable"),)
        pids = (("ProcessId", "process.pid"),)
    out: dict[str, Any] = {ecs: data[name] for name, ecs in pairs if _present(data.get(name))}
    for name, ecs in pids:
        number = _number(data.get(name))
        if number is not None:
            out[ecs] = number
    return out


def security_fields(event_id: str, data: Mapping[str, str]) -> dict[str, Any]:
    """ECS fields of one Security event."""
    kind = SECURITY_EVENTS.get(event_id)
    fields: dict[str, Any] = kind.fields() if kind is not None else {}
    if event_id in TARGET_USER_EVENTS:
        fields.update(_account(data, "Target", "user"))
    else:
        fields.update(_account(data, "Subject", "user"))
        if event_id in ACCOUNT_EVENTS:
            fields.update(_account(data, "Target", "user.target"))
    fields.update(_source(data))
    fields.update(_logon(event_id, data))
    fields.update(_process(event_id, data))
    return derived(fields)
