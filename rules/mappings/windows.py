"""Windows log sources govsoc collects: Windows event logs read from EVTX files (windows.evtx) or
Winlogbeat JSON (windows.winlogbeat), normalised as Elastic's Windows integration does
(govsoc.collectors.windows): ``winlog.channel``, ``event.code`` (the event id, a string),
``winlog.event_data.<Name>`` for every EventData value, and ECS process/file/registry/network
fields where Elastic's Sysmon and Security modules derive them.

Log sources (pySigma's own tables where they exist):

- ``service``: the event log channel, from pySigma's ``windows_logsource_mapping``
  (sigma.pipelines.common, the table pysigma-pipeline-windows and the Elasticsearch backend's
  ``ecs_windows`` pipeline use).
- ``category``: the Sysmon event ids of pysigma-pipeline-sysmon
  (``sysmon_generic_logsource_eventid_mapping``, copied: that package is not a dependency), the
  PowerShell categories of pysigma-pipeline-windows, and
  ``process_creation`` from Security 4688 as well as Sysmon 1 (as SigmaHQ's own THOR log-source
  configuration has it). Sysmon and Security ids do not overlap, so channel and id lists ANDed
  select exactly those pairs.

Field names: SigmaHQ writes Windows rules with the EventData names. Those whose value the
collector copies verbatim into an ECS field map to it (so a process_creation rule also finds
Security 4688 events, whose NewProcessName fills process.executable); every other name is read
from ``winlog.event_data.<Name>``, which always holds the original text. Names whose ECS form
changes the value stay event data: ``User`` (ECS splits DOMAIN\\user), ``Hashes`` (ECS splits the
list), ``Details``, ``OriginalFileName`` and the other PE fields ("-" is not copied to ECS).
"""

from __future__ import annotations

from typing import Final

from sigma.pipelines.common import windows_logsource_mapping

from govsoc.rules.mappings import LogSource

SYSMON_CHANNEL: Final = "Microsoft-Windows-Sysmon/Operational"
SECURITY_CHANNEL: Final = "Security"
EVENT_DATA: Final = "winlog.event_data."
USER_DATA: Final = "winlog.user_data."
_PARSER = "windows.evtx"

#: Sigma names every Windows log source has: the System block of the event.
SYSTEM_FIELDS: Final[dict[str, str]] = {
    "EventID": "event.code",
    "Channel": "winlog.channel",
    "Provider_Name": "winlog.provider_name",
    "Computer": "winlog.computer_name",
    "ComputerName": "winlog.computer_name",
}

#: Sysmon's EventData names whose ECS field holds the same value (collectors.windows.sysmon).
SYSMON_FIELDS: Final[dict[str, str]] = {
    **SYSTEM_FIELDS,
    "Image": "process.executable",
    "CommandLine": "process.command_line",
    "ParentImage": "process.parent.executable",
    "ParentCommandLine": "process.parent.command_line",
    "ProcessId": "process.pid",
    "ParentProcessId": "process.parent.pid",
    "ProcessGuid": "process.entity_id",
    "ParentProcessGuid": "process.parent.entity_id",
    "CurrentDirectory": "process.working_directory",
    "SourceImage": "process.executable",
    "SourceProcessId": "process.pid",
    "TargetFilename": "file.path",
    "ImageLoaded": "file.path",
    "TargetObject": "registry.path",
    "SourceIp": "source.ip",
    "SourcePort": "source.port",
    "DestinationIp": "destination.ip",
    "DestinationPort": "destination.port",
    "QueryName": "dns.question.name",
}

#: Sigma category -> Sysmon event ids (pysigma-pipeline-sysmon's table, as strings: event.code
#: is a keyword).
SYSMON_CATEGORIES: Final[dict[str, list[str]]] = {
    "process_creation": ["1"],
    "file_change": ["2"],
    "network_connection": ["3"],
    "sysmon_status": ["4", "16"],
    "process_termination": ["5"],
    "driver_load": ["6"],
    "image_load": ["7"],
    "create_remote_thread": ["8"],
    "raw_access_thread": ["9"],
    "process_access": ["10"],
    "file_event": ["11"],
    "registry_add": ["12"],
    "registry_delete": ["12"],
    "registry_set": ["13"],
    "registry_rename": ["14"],
    "registry_event": ["12", "13", "14"],
    "create_stream_hash": ["15"],
    "pipe_created": ["17", "18"],
    "wmi_event": ["19", "20", "21"],
    "dns_query": ["22"],
    "file_delete": ["23"],
    "clipboard_capture": ["24"],
    "process_tampering": ["25"],
    "file_delete_detected": ["26"],
    "file_block_executable": ["27"],
    "file_block_shredding": ["28"],
    "file_executable_detected": ["29"],
    "sysmon_error": ["255"],
}

#: Categories other than Sysmon's: (service whose channel holds them, event ids). Security 4688 is
#: process creation when command-line auditing is on; the PowerShell ones are pysigma-pipeline-
#: windows's windows_generic_category_channel_mapping.
OTHER_CATEGORIES: Final[dict[str, tuple[str, list[str]]]] = {
    "ps_module": ("powershell", ["4103"]),
    "ps_script": ("powershell", ["4104"]),
    "ps_classic_start": ("powershell-classic", ["400"]),
    "ps_classic_provider_start": ("powershell-classic", ["600"]),
    "ps_classic_script": ("powershell-classic", ["800"]),
}


#: Defender names its event data with spaces ("Threat Name"); SigmaHQ's windefend rules write them
#: without (ThreatName), as SigmaHQ's THOR configuration reads them.
DEFENDER_DATA: Final[tuple[str, ...]] = (
    "Product Name", "Product Version", "Detection ID", "Detection Time", "Threat ID", "Threat Name",
    "Severity ID", "Severity Name", "Category ID", "Category Name", "Status Code", "Status Description",
    "Source ID", "Source Name", "Process Name", "Detection User", "Origin ID", "Origin Name", "Execution ID",
    "Execution Name", "Type ID", "Type Name", "Pre Execution Status", "Action ID", "Action Name",
    "Error Code", "Error Description", "Post Clean Status", "Additional Actions ID",
    "Additional Actions String", "Remediation User", "Security intelligence Version", "Engine Version",
    "Old Value", "New Value", "Feature Name", "Feature ID", "Scan ID", "Scan Type", "Scan Parameters",
    "Domain", "User",
)
DEFENDER_FIELDS: Final[dict[str, str]] = {
    **SYSTEM_FIELDS, **{name.replace(" ", ""): EVENT_DATA + name for name in DEFENDER_DATA}}

#: Services whose events carry UserData, not EventData: their rules name UserData's fields.
USER_DATA_SERVICES: Final = frozenset({"wmi", "applocker", "terminalservices-localsessionmanager"})


def channels(service: str) -> list[str]:
    """The event log channels of a Sigma Windows service (pySigma's table)."""
    found = windows_logsource_mapping[service]
    return [found] if isinstance(found, str) else list(found)


def _category_rows() -> list[LogSource]:
    rows = []
    for category, ids in SYSMON_CATEGORIES.items():
        condition: dict[str, str | list[str]] = {"winlog.channel": SYSMON_CHANNEL, "event.code": ids}
        if category == "process_creation":
            condition = {"winlog.channel": [SYSMON_CHANNEL, SECURITY_CHANNEL], "event.code": ["1", "4688"]}
        rows.append(LogSource(product="windows", category=category, condition=condition, collector=_PARSER,
                              fields=SYSMON_FIELDS, field_prefix=EVENT_DATA))
    for category, (service, ids) in OTHER_CATEGORIES.items():
        rows.append(LogSource(product="windows", category=category, collector=_PARSER,
                              condition={"winlog.channel": channels(service), "event.code": ids},
                              fields=SYSTEM_FIELDS, field_prefix=EVENT_DATA))
    return rows


def _service_rows() -> list[LogSource]:
    rows = []
    special = {"sysmon": SYSMON_FIELDS, "windefend": DEFENDER_FIELDS}
    for service in windows_logsource_mapping:
        rows.append(LogSource(product="windows", service=service, condition={"winlog.channel": channels(service)},
                              collector=_PARSER, fields=special.get(service, SYSTEM_FIELDS),
                              field_prefix=USER_DATA if service in USER_DATA_SERVICES else EVENT_DATA))
    return rows


#: ``product: windows`` alone (keyword rules such as SigmaHQ's Mimikatz keywords): any Windows event.
ANY_WINDOWS_EVENT = LogSource(product="windows", condition={"winlog.channel": "*"}, collector=_PARSER,
                              fields=SYSTEM_FIELDS, field_prefix=EVENT_DATA)

SOURCES: tuple[LogSource, ...] = (ANY_WINDOWS_EVENT, *_category_rows(), *_service_rows())
