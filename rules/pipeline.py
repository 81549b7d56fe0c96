"""The govsoc_ecs processing pipeline: Sigma log sources and field names onto govsoc's ECS events.

Applied before every backend, so a rule means the same on SQLite and on Elasticsearch. The tables
below are data: FIELD_MAP renames generic Sigma/SigmaHQ field names to ECS; LOGSOURCE_CONDITIONS
restricts a rule to the events of its log source (a keyword rule for sshd must not match
web-server lines). The collectors and detection issues extend both tables.
"""

from __future__ import annotations

from typing import Final

from sigma.processing.conditions import LogsourceCondition
from sigma.processing.pipeline import ProcessingItem, ProcessingPipeline
from sigma.processing.transformations import AddConditionTransformation, FieldMappingTransformation

FIELD_MAP: Final[dict[str, str]] = {
    # linux / generic
    "User": "user.name",
    "user": "user.name",
    "Image": "process.executable",
    "CommandLine": "process.command_line",
    "ParentImage": "process.parent.executable",
    "ProcessId": "process.pid",
    "Hostname": "host.name",
    "hostname": "host.name",
    # network
    "src_ip": "source.ip",
    "src_port": "source.port",
    "dst_ip": "destination.ip",
    "dst_port": "destination.port",
    "SourceIp": "source.ip",
    "DestinationIp": "destination.ip",
    "DestinationPort": "destination.port",
    # web server (W3C names used by SigmaHQ web rules)
    "c-ip": "source.ip",
    "cs-method": "http.request.method",
    "cs-uri-stem": "url.path",
    "cs-uri-query": "url.query",
    "c-useragent": "user_agent.original",
    "sc-status": "http.response.status_code",
    "cs-referer": "http.request.referrer",
}

#: (product, category, service) -> the ECS condition that selects that log source's events.
LOGSOURCE_CONDITIONS: Final[dict[tuple[str | None, str | None, str | None], dict[str, str]]] = {
    ("linux", None, "sshd"): {"process.name": "sshd"},
    ("linux", None, "auth"): {"event.dataset": "linux.auth"},
}


def ecs_field(name: str, rule: object | None = None) -> str:
    """The ECS name govsoc stores a Sigma field under, for a rule's log source.

    The one mapping every user of Sigma field names goes through (rule conversion, correlation
    ``group-by`` and ``value_count`` fields); names without a mapping are already ECS names.
    """
    del rule  # the per-log-source tables come with the log-source work; today one table serves
    return FIELD_MAP.get(name, name)


def govsoc_ecs_pipeline() -> ProcessingPipeline:
    """The pipeline every govsoc backend applies."""
    items = [
        ProcessingItem(
            identifier=f"govsoc_logsource_{product}_{category}_{service}",
            transformation=AddConditionTransformation(dict(condition)),
            rule_conditions=[LogsourceCondition(product=product, category=category, service=service)],
        )
        for (product, category, service), condition in LOGSOURCE_CONDITIONS.items()
    ]
    mapping: dict[str | None, str | list[str]] = {name: ecs for name, ecs in FIELD_MAP.items()}
    items.append(ProcessingItem(identifier="govsoc_ecs_fields", transformation=FieldMappingTransformation(mapping)))
    return ProcessingPipeline(name="govsoc ECS", priority=20, items=items)
