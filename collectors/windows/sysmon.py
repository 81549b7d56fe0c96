"""Sysmon events (channel Microsoft-Windows-Sysmon/Operational) to ECS, as Elastic's Sysmon module
(winlogbeat's sysmon processor, the windows.sysmon_operational data stream) maps them.

Stage: collectors (normalise). Two tables: SYSMON_EVENTS gives each event id its ECS
categorisation; SYSMON_FIELDS maps an EventData name to its ECS field (Sysmon uses one name for
one meaning across event ids: ``Image`` is always the acting process). Values are copied
verbatim, so a Sigma rule finds the same text under the ECS name as under the event data name.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final

SYSMON_CHANNEL: Final = "Microsoft-Windows-Sysmon/Operational"


@dataclass(frozen=True, slots=True)
class EventKind:
    """The ECS categorisation of one Windows event id (Sysmon's, the Security log's)."""

    action: str
    category: tuple[str, ...]
    type: tuple[str, ...]
    outcome: str | None = None

    def fields(self) -> dict[str, Any]:
        """event.action, event.category, event.type (and event.outcome when known)."""
        out: dict[str, Any] = {"event.action": self.action, "event.category": list(self.category),
                               "event.type": list(self.type)}
        if self.outcome:
            out["event.outcome"] = self.outcome
        return out


SYSMON_EVENTS: Final[dict[str, EventKind]] = {
    "1": EventKind("Process Create", ("process",), ("start",)),
    "2": EventKind("File creation time changed", ("file",), ("change",)),
    "3": EventKind("Network connection detected", ("network",), ("connection", "start")),
    "4": EventKind("Sysmon service state changed", ("process",), ("change",)),
    "5": EventKind("Process terminated", ("process",), ("end",)),
    "6": EventKind("Driver loaded", ("driver",), ("start",)),
    "7": EventKind("Image loaded", ("process",), ("change",)),
    "8": EventKind("CreateRemoteThread detected", ("process",), ("change",)),
    "9": EventKind("RawAccessRead detected", ("process",), ("access",)),
    "10": EventKind("Process accessed", ("process",), ("access",)),
    "11": EventKind("File created", ("file",), ("creation",)),
    "12": EventKind("Registry object added or deleted", ("configuration", "registry"), ("change",)),
    "13": EventKind("Registry value set", ("configuration", "registry"), ("change",)),
    "14": EventKind("Registry object renamed", ("configuration", "registry"), ("change",)),
    "15": EventKind("File stream created", ("file",), ("access",)),
    "16": EventKind("Sysmon config state changed", ("configuration",), ("change",)),
    "17": EventKind("Pipe Created", ("file",), ("creation",)),
    "18": EventKind("Pipe Connected", ("file",), ("access",)),
    "19": EventKind("WmiEventFilter activity detected", ("process",), ("change",)),
    "20": EventKind("WmiEventConsumer activity detected", ("process",), ("change",)),
    "21": EventKind("WmiEventConsumerToFilter activity detected", ("process",), ("change",)),
    "22": EventKind("Dns query", ("network",), ("connection", "protocol", "info")),
    "23": EventKind("File Delete archived", ("file",), ("deletion",)),
    "24": EventKind("Clipboard changed", ("process",), ("change",)),
    "25": EventKind("Process Tampering", ("process",), ("change",)),
    "26": EventKind("File Delete logged", ("file",), ("deletion",)),
    "27": EventKind("File Block Executable", ("file",), ("denied",)),
    "28": EventKind("File Block Shredding", ("file",), ("denied",)),
    "29": EventKind("File Executable Detected", ("file",), ("creation",)),
}


def _pid(value: str) -> int | None:
    try:
        return int(value)
    except ValueError:
        return None


def _ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def _hostname(value: str) -> str | None:
    return value if value and value != "-" else None


def _bool(value: str) -> bool | None:
    return {"true": True, "false": False}.get(value.lower())


def _same(value: str) -> str:
    """The value as it is, empty too: an empty value is a value (Sigma: ``''``), not a field that is
    not there (``null``); rules read Sysmon's names from these fields (R58b-2)."""
    return value


#: EventData name -> (ECS field, conversion; None drops the value).
SYSMON_FIELDS: Final[dict[str, tuple[str, Callable[[str], Any]]]] = {
    "Image": ("process.executable", _same),
    "ProcessId": ("process.pid", _pid),
    "ProcessGuid": ("process.entity_id", _same),
    "CommandLine": ("process.command_line", _same),
    "CurrentDirectory": ("process.working_directory", _same),
    "ParentImage": ("process.parent.executable", _same),
    "ParentProcessId": ("process.parent.pid", _pid),
    "ParentProcessGuid": ("process.parent.entity_id", _same),
    "ParentCommandLine": ("process.parent.command_line", _same),
    "SourceImage": ("process.executable", _same),
    "SourceProcessId": ("process.pid", _pid),
    "SourceProcessGUID": ("process.entity_id", _same),
    "SourceProcessGuid": ("process.entity_id", _same),
    "SourceThreadId": ("process.thread.id", _pid),
    "TargetFilename": ("file.path", _same),
    "ImageLoaded": ("file.path", _same),
    "Device": ("file.path", _same),
    "PipeName": ("file.name", _same),
    "TargetObject": ("registry.path", _same),
    "SourceIp": ("source.ip", _ip),
    "SourcePort": ("source.port", _pid),
    "SourceHostname": ("source.domain", _hostname),
    "DestinationIp": ("destination.ip", _ip),
    "DestinationPort": ("destination.port", _pid),
    "DestinationHostname": ("destination.domain", _hostname),
    "Protocol": ("network.transport", _same),
    "QueryName": ("dns.question.name", _same),
    "Signed": ("file.code_signature.signed", _bool),
    "Signature": ("file.code_signature.subject_name", _same),
    "SignatureStatus": ("file.code_signature.status", _same),
}

#: PE header names: under process.pe.* for process creation, file.pe.* for loaded images/drivers.
PE_FIELDS: Final[dict[str, str]] = {"OriginalFileName": "original_file_name", "Description": "description",
                                    "Product": "product", "Company": "company", "FileVersion": "file_version"}

#: Hashes=SHA1=...,MD5=... algorithm names -> ECS hash field names.
HASHES: Final[dict[str, str]] = {"MD5": "md5", "SHA1": "sha1", "SHA256": "sha256", "IMPHASH": "imphash"}


def basename(path: str) -> str:
    """The last component of a Windows (or POSIX) path."""
    return path.replace("/", "\\").rsplit("\\", 1)[-1]


def split_account(account: str) -> dict[str, str]:
    """``DOMAIN\\user`` as ECS user.domain and user.name."""
    domain, sep, name = account.partition("\\")
    if not sep:
        return {"user.name": account} if account and account != "-" else {}
    return {"user.domain": domain, "user.name": name}


def sysmon_fields(event_id: str, data: Mapping[str, str]) -> dict[str, Any]:
    """ECS fields of one Sysmon event."""
    kind = SYSMON_EVENTS.get(event_id)
    fields: dict[str, Any] = kind.fields() if kind is not None else {}
    for name, value in data.items():
        target = SYSMON_FIELDS.get(name)
        if target is not None:
            converted, held = target[1](value), fields.get(target[0])
            # the first value a field's names give, a non-empty one over an empty one
            if converted is not None and (held is None or (held == "" and converted != "")):
                fields[target[0]] = converted
    owner = "process" if event_id == "1" else "file"
    for name, ecs in PE_FIELDS.items():
        if data.get(name) not in (None, "", "-"):
            fields[f"{owner}.pe.{ecs}"] = data[name]
    for pair in data.get("Hashes", "").split(","):
        algorithm, _, digest = pair.partition("=")
        if algorithm.strip().upper() in HASHES and digest:
            fields[f"{owner}.hash.{HASHES[algorithm.strip().upper()]}"] = digest.strip().lower()
    if "User" in data:
        fields.update(split_account(data["User"]))
    return derived(fields)


def derived(fields: dict[str, Any]) -> dict[str, Any]:
    """Names derived from paths (process.name, process.parent.name, file.name, file.extension,
    file.directory) and related.user, as Elastic's modules add them."""
    for source, target in (("process.executable", "process.name"),
                           ("process.parent.executable", "process.parent.name")):
        if isinstance(fields.get(source), str) and fields[source]:
            fields.setdefault(target, basename(fields[source]))
    path = fields.get("file.path")
    if isinstance(path, str) and path:
        name: str = basename(path)
        fields.setdefault("file.name", name)
        if len(name) < len(path):
            fields.setdefault("file.directory", path[: len(path) - len(name) - 1])
        if "." in name:
            fields.setdefault("file.extension", name.rsplit(".", 1)[1].lower())
    if fields.get("user.name"):
        fields["related.user"] = [fields["user.name"]]
    return fields
