"""Windows event records to ECS, the way Winlogbeat and Elastic's Windows integration write them.

Stage: collectors (normalise). Input is one event as Windows holds it: the ``System`` block, the
named ``EventData`` values (or ``UserData``). Output is flat ECS fields:

- ``winlog.*`` as Winlogbeat writes them: ``channel``, ``event_id`` and ``record_id`` (strings, as
  Winlogbeat 8 maps them), ``provider_name``, ``provider_guid``, ``computer_name``, ``process.pid``,
  ``process.thread.id``, ``user.identifier``, ``keywords``, ``version``, ``activity_id``;
- ``winlog.event_data.<Name>``: every EventData value, verbatim, as a string (Sigma rules compare
  against these names); unnamed data become ``param1``, ``param2``, ... as in Winlogbeat;
  ``winlog.user_data.<Name>`` for events that carry UserData instead;
- ``event.code``, ``event.provider``, ``event.kind``, ``event.module``, ``host.name``, ``log.level``;
- the ECS fields Elastic's Sysmon and Security modules derive (collectors.windows.sysmon and
  collectors.windows.security), never overwriting a field the record already has.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Final

from govsoc.collectors.windows.security import security_fields
from govsoc.collectors.windows.sysmon import SYSMON_CHANNEL, sysmon_fields
from govsoc.core.errors import ParseError
from govsoc.core.event import parse_timestamp

#: winlog.channel -> event.dataset, as Elastic's integrations name their data streams.
CHANNEL_DATASETS: Final[dict[str, str]] = {
    SYSMON_CHANNEL: "windows.sysmon_operational",
    "Security": "system.security",
    "System": "system.system",
    "Application": "system.application",
    "Microsoft-Windows-PowerShell/Operational": "windows.powershell_operational",
    "PowerShellCore/Operational": "windows.powershell_operational",
    "Windows PowerShell": "windows.powershell",
    "ForwardedEvents": "windows.forwarded",
}
#: The dataset of every other channel (Elastic's custom Windows event log integration).
DEFAULT_DATASET: Final = "windows.eventlog"

#: winlog.channel -> event.module.
CHANNEL_MODULES: Final[dict[str, str]] = {SYSMON_CHANNEL: "sysmon", "Security": "security",
                                          "Microsoft-Windows-PowerShell/Operational": "powershell",
                                          "Windows PowerShell": "powershell"}

#: System/Level -> log.level, as Winlogbeat renders it.
LEVELS: Final[dict[int, str]] = {0: "information", 1: "critical", 2: "error", 3: "warning", 4: "information",
                                 5: "verbose"}

#: Keyword bits -> the names Winlogbeat puts in winlog.keywords.
KEYWORDS: Final[dict[int, str]] = {0x20000000000000: "Audit Success", 0x10000000000000: "Audit Failure",
                                   0x80000000000000: "Classic", 0x4000000000000: "Correlation Hint",
                                   0x8000000000000: "Response Time", 0x40000000000000: "WDI Diag",
                                   0x2000000000000: "SQM"}


def dataset_of(channel: str) -> str:
    """The event.dataset of a channel's events."""
    return CHANNEL_DATASETS.get(channel, DEFAULT_DATASET)


def text(value: Any) -> str:
    """A value as Winlogbeat writes event data: a string (booleans in lower case)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def attributes(node: Any) -> Mapping[str, Any]:
    """The XML attributes of an element in evtx's JSON rendering (``#attributes``)."""
    if isinstance(node, Mapping):
        found = node.get("#attributes")
        if isinstance(found, Mapping):
            return found
    return {}


def event_data(data: Any) -> dict[str, str]:
    """Named EventData values as strings; unnamed values as param1, param2, ... (Winlogbeat)."""
    if not isinstance(data, Mapping):
        return {} if data in (None, "") else {"param1": text(data)}
    out: dict[str, str] = {}
    for name, value in data.items():
        if name == "#attributes":
            continue
        if name in ("Data", "#text"):
            values = value.get("#text", value) if isinstance(value, Mapping) else value
            for i, item in enumerate(values if isinstance(values, list) else [values], start=1):
                out[f"param{i}"] = text(item)
        elif isinstance(value, Mapping) and "#text" in value:
            out[name] = text(value["#text"])
        elif isinstance(value, list):
            out[name] = ",".join(text(v) for v in value)
        elif isinstance(value, Mapping):
            out[name] = text(None) if not value else str(dict(value))
        else:
            out[name] = text(value)
    return out


def user_data(data: Any) -> dict[str, str]:
    """UserData's single child element flattened, with its element name under ``xml_name``."""
    if not isinstance(data, Mapping):
        return {}
    for name, child in data.items():
        if name == "#attributes":
            continue
        fields = event_data(child)
        fields["xml_name"] = name
        return fields
    return {}


def system_fields(system: Mapping[str, Any]) -> tuple[datetime, dict[str, Any]]:
    """The event time and the winlog/event/host fields of a record's System block."""
    try:
        provider = attributes(system.get("Provider"))
        event_id = system["EventID"]
        if isinstance(event_id, Mapping):  # <EventID Qualifiers="...">7036</EventID>
            event_id = event_id.get("#text")
        channel = text(system["Channel"])
        when = parse_timestamp(str(attributes(system.get("TimeCreated"))["SystemTime"]))
    except (KeyError, TypeError, ValueError) as e:
        raise ParseError(f"not a Windows event record: System has no usable {e}") from e
    fields: dict[str, Any] = {
        "winlog.channel": channel,
        "winlog.event_id": text(event_id),
        "winlog.provider_name": text(provider.get("Name")),
        "winlog.computer_name": text(system.get("Computer")),
        "event.code": text(event_id),
        "event.provider": text(provider.get("Name")),
        "event.kind": "event",
        "event.module": CHANNEL_MODULES.get(channel, "windows"),
        "host.name": text(system.get("Computer")),
    }
    optional = {
        "winlog.provider_guid": provider.get("Guid"),
        "winlog.record_id": system.get("EventRecordID"),
        "winlog.version": system.get("Version"),
        "winlog.process.pid": attributes(system.get("Execution")).get("ProcessID"),
        "winlog.process.thread.id": attributes(system.get("Execution")).get("ThreadID"),
        "winlog.user.identifier": attributes(system.get("Security")).get("UserID"),
        "winlog.activity_id": attributes(system.get("Correlation")).get("ActivityID"),
    }
    for name, value in optional.items():
        if value not in (None, ""):
            fields[name] = value if name.endswith((".pid", ".id", "version")) and isinstance(value, int) \
                else text(value)
    level = system.get("Level")
    if isinstance(level, int) and level in LEVELS:
        fields["log.level"] = LEVELS[level]
    keywords = _keywords(system.get("Keywords"))
    if keywords:
        fields["winlog.keywords"] = keywords
    return when, fields


def _keywords(raw: Any) -> list[str]:
    try:
        bits = int(str(raw), 16)
    except ValueError:
        return []
    return [name for bit, name in KEYWORDS.items() if bits & bit]


def ecs_fields(channel: str, event_id: str, data: Mapping[str, str]) -> dict[str, Any]:
    """The ECS fields Elastic's modules derive from a Sysmon or Security event's data."""
    if channel == SYSMON_CHANNEL:
        return sysmon_fields(event_id, data)
    if channel == "Security":
        return security_fields(event_id, data)
    return {}


def normalise(system: Mapping[str, Any], data: Any = None, udata: Any = None) -> tuple[datetime, str, dict[str, Any]]:
    """Time, dataset and flat ECS fields of one Windows event (System, EventData, UserData)."""
    when, fields = system_fields(system)
    named = event_data(data)
    for name, value in named.items():
        fields[f"winlog.event_data.{name}"] = value
    for name, value in user_data(udata).items():
        fields[f"winlog.user_data.{name}"] = value
    for name, value in ecs_fields(fields["winlog.channel"], fields["winlog.event_id"], named).items():
        fields.setdefault(name, value)
    return when, dataset_of(fields["winlog.channel"]), fields
