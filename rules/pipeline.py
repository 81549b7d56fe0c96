"""The govsoc_ecs processing pipeline: Sigma log sources and field names onto govsoc's ECS events.

Applied before every backend, so a rule means the same on SQLite and on Elasticsearch. The log
sources govsoc collects are tables (govsoc.rules.mappings: linux.py, ...): for each, the ECS
condition that selects its events, added to every rule of that source, and its field names. A
rule is matched to its table row by its exact (product, category, service), so a zeek or Cisco
rule never runs over sshd lines; a rule whose log source has no row is "no source"
(:func:`rule_source_status`) and the engine does not run it. Field names of sources without a
table of their own go through FIELD_MAP, SigmaHQ's generic names.

:func:`ecs_field` is the one way to map a Sigma field name for a rule (conversion, correlation
``group-by`` and ``value_count`` fields).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Final

from sigma.correlations import SigmaCorrelationRule
from sigma.processing.conditions import IncludeFieldCondition, RuleProcessingCondition
from sigma.processing.pipeline import ProcessingItem, ProcessingPipeline
from sigma.processing.transformations import (
    AddConditionTransformation,
    AddFieldnamePrefixTransformation,
    FieldMappingTransformation,
)
from sigma.rule import SigmaRule

from govsoc.rules.mappings import ECS_ROOTS, LogSource, describe_logsource
from govsoc.rules.mappings import alibaba as _alibaba
from govsoc.rules.mappings import aws as _aws
from govsoc.rules.mappings import devices as _devices
from govsoc.rules.mappings import flows as _flows
from govsoc.rules.mappings import huaweicloud as _huaweicloud
from govsoc.rules.mappings import kubernetes as _kubernetes
from govsoc.rules.mappings import linux as _linux
from govsoc.rules.mappings import suricata as _suricata
from govsoc.rules.mappings import web as _web
from govsoc.rules.mappings import windows as _windows
from govsoc.rules.mappings import zeek as _zeek

__all__ = ["FIELD_MAP", "SOURCES", "TABLE", "LogsourceIn", "SourceTable", "ecs_field", "govsoc_ecs_pipeline",
           "rule_logsource", "rule_source", "rule_source_status"]

#: Every log source govsoc collects, from all tables. Add a product family's table here.
SOURCES: Final[tuple[LogSource, ...]] = (*_aws.SOURCES, *_kubernetes.SOURCES, *_linux.SOURCES, *_windows.SOURCES,
                                         *_web.SOURCES, *_devices.SOURCES, *_alibaba.SOURCES,
                                         *_flows.SOURCES, *_zeek.SOURCES, *_suricata.SOURCES,
                                         *_huaweicloud.SOURCES)

#: SigmaHQ's generic field names -> ECS, for rules whose log source has no field table.
FIELD_MAP: Final[dict[str, str]] = {
    "User": "user.name",
    "user": "user.name",
    "Image": "process.executable",
    "CommandLine": "process.command_line",
    "ParentImage": "process.parent.executable",
    "ParentCommandLine": "process.parent.command_line",
    "ProcessId": "process.pid",
    "ParentProcessId": "process.parent.pid",
    "CurrentDirectory": "process.working_directory",
    "TargetFilename": "file.path",
    "Hostname": "host.name",
    "hostname": "host.name",
    # network
    "src_ip": "source.ip",
    "src_port": "source.port",
    "dst_ip": "destination.ip",
    "dst_port": "destination.port",
    "SourceIp": "source.ip",
    "SourcePort": "source.port",
    "DestinationIp": "destination.ip",
    "DestinationPort": "destination.port",
    "DestinationHostname": "destination.domain",
    # web server (W3C names used by SigmaHQ web rules)
    "c-ip": "source.ip",
    "cs-method": "http.request.method",
    "cs-uri-stem": "url.path",
    "cs-uri-query": "url.query",
    "c-useragent": "user_agent.original",
    "sc-status": "http.response.status_code",
    "cs-referer": "http.request.referrer",
}

Rule = SigmaRule | SigmaCorrelationRule
Key = tuple[str | None, str | None, str | None]


class SourceTable:
    """Log-source rows (govsoc.rules.mappings) and what follows from them: which row a rule runs
    over, how its field names map, and the pySigma pipeline that does both during conversion."""

    def __init__(self, sources: Iterable[LogSource]) -> None:
        self.sources = tuple(sources)
        self._by_key = {s.key: s for s in self.sources}
        if len(self._by_key) != len(self.sources):
            raise ValueError("two log-source rows for the same (product, category, service)")

    def source(self, rule: SigmaRule) -> LogSource | None:
        """The collected log source a rule runs over, or None when govsoc does not collect it."""
        return self._by_key.get(rule_logsource(rule))

    def status(self, rule: Rule, _within: frozenset[int] = frozenset()) -> tuple[bool, str]:
        """See :func:`rule_source_status` (``_within``: the correlations being asked about, so
        that a cycle of correlations, which the engine refuses, ends here)."""
        if isinstance(rule, SigmaCorrelationRule):
            within = _within | {id(rule)}
            statuses = [self.status(ref.rule, within) for ref in rule.rules or ()
                        if _resolved(ref.rule) and id(ref.rule) not in within]
            missing = sorted({needs for active, needs in statuses if not active})
            if missing:
                return False, "; ".join(missing)
            return True, "; ".join(sorted({needs for _, needs in statuses}))
        return self.source(rule) is not None, describe_logsource(*rule_logsource(rule))

    def ecs_field(self, name: str, rule: Rule | None = None, _within: frozenset[int] = frozenset()) -> str:
        """See :func:`ecs_field` (``_within`` as for :meth:`status`)."""
        if isinstance(rule, SigmaCorrelationRule):
            within = _within | {id(rule)}
            mapped = [self.ecs_field(name, ref.rule, within) for ref in rule.rules or ()
                      if _resolved(ref.rule) and id(ref.rule) not in within]
            return next((m for m in mapped if m != name), name)
        source = self.source(rule) if isinstance(rule, SigmaRule) else None
        if source is None or source.fields is None:
            return FIELD_MAP.get(name, name)
        if name in source.fields:
            return source.fields[name]
        if source.field_prefix and _prefixed(name, source):
            return source.field_prefix + name
        return name

    def pipeline(self) -> ProcessingPipeline:
        """The pySigma pipeline: each source's condition, then the field tables (one item per
        distinct table or prefix, shared by the sources that have it: pySigma re-checks every
        item for every rule), then FIELD_MAP for rules whose source has no field table."""
        items = [_condition_item(source) for source in self.sources]
        tables: dict[tuple[tuple[str, str], ...], set[Key]] = {}
        prefixes: dict[tuple[str, bool], set[Key]] = {}
        targets: dict[tuple[str, bool], set[str]] = {}
        for source in self.sources:
            if source.fields is not None:
                tables.setdefault(tuple(sorted(source.fields.items())), set()).add(source.key)
            if source.field_prefix:
                prefixes.setdefault((source.field_prefix, source.prefix_dotted), set()).add(source.key)
                mapped = (source.fields or {}).values()
                targets.setdefault((source.field_prefix, source.prefix_dotted), set()).update(mapped)
        for n, (table, keys) in enumerate(tables.items()):
            items.append(ProcessingItem(identifier=f"govsoc_fields_{n}", rule_conditions=[LogsourceIn(frozenset(keys))],
                                        transformation=FieldMappingTransformation(_mapping(dict(table)))))
        for (prefix, dotted), keys in prefixes.items():
            # Only names no table mapped and that are not ECS names (any dotted name, unless the
            # source's own names are dotted: then names under an ECS field set, or the prefix).
            kept = _ECS_NAME if dotted else r"\w+\."
            if dotted:
                # a name the table gave is final, also one in the vendor namespace (zeek.session_id)
                given = "".join(f"|{re.escape(t)}$" for t in sorted(targets[(prefix, dotted)]))
                kept = f"(?:{kept}|{re.escape(prefix)}{given})"
            items.append(ProcessingItem(identifier=f"govsoc_prefix_{prefix.rstrip('.')}",
                                        rule_conditions=[LogsourceIn(frozenset(keys))],
                                        transformation=AddFieldnamePrefixTransformation(prefix),
                                        field_name_conditions=[IncludeFieldCondition(fields=[kept], mode="re")],
                                        field_name_condition_negation=True))
        tabled = frozenset(s.key for s in self.sources if s.fields is not None)
        items.append(ProcessingItem(identifier="govsoc_ecs_fields",
                                    transformation=FieldMappingTransformation(_mapping(FIELD_MAP)),
                                    rule_conditions=[LogsourceIn(keys=tabled)], rule_condition_negation=True))
        return ProcessingPipeline(name="govsoc ECS", priority=20, items=items)


#: The log sources govsoc collects, from every table.
TABLE: Final[SourceTable] = SourceTable(SOURCES)


def rule_logsource(rule: SigmaRule) -> tuple[str | None, str | None, str | None]:
    """A rule's (product, category, service), lower-case."""
    ls = rule.logsource
    return (_lower(ls.product), _lower(ls.category), _lower(ls.service))


def rule_source(rule: SigmaRule) -> LogSource | None:
    """The collected log source a rule runs over, or None when govsoc does not collect it."""
    return TABLE.source(rule)


def rule_source_status(rule: Rule) -> tuple[bool, str]:
    """Whether govsoc can run ``rule``, and the log source it needs.

    Returns ``(True, "product: linux, service: sshd")`` for a rule whose log source govsoc
    collects, ``(False, "product: linux, category: process_creation")`` for one it does not
    (listed as "no source": never run, since it could never match). A correlation is active when
    every rule it refers to is; otherwise it needs their missing sources (joined by "; ").
    For ``govsoc detect`` and ``govsoc rules check``.
    """
    return TABLE.status(rule)


def ecs_field(name: str, rule: Rule | None = None) -> str:
    """The ECS name govsoc stores a Sigma field under, for a rule's log source.

    The one mapping every user of Sigma field names goes through (rule conversion, correlation
    ``group-by`` and ``value_count`` fields). For a correlation, the field is mapped as in the
    first rule it refers to whose source maps it (Sigma's ``aliases`` rename per rule before
    this). Names no table maps are ECS names already.
    """
    return TABLE.ecs_field(name, rule)


@dataclass
class LogsourceIn(RuleProcessingCondition):
    """True for a rule whose exact (product, category, service) is one of ``keys``.

    pySigma's LogsourceCondition treats what it leaves out as "any": product: linux alone would
    also select the auditd and process_creation rules, which govsoc does not collect.
    """

    keys: frozenset[tuple[str | None, str | None, str | None]] = field(default_factory=frozenset)

    def match(self, rule: Rule) -> bool:
        if isinstance(rule, SigmaCorrelationRule):
            return any(self.match(ref.rule) for ref in rule.rules or () if _resolved(ref.rule))
        return rule_logsource(rule) in self.keys


def govsoc_ecs_pipeline() -> ProcessingPipeline:
    """The pipeline every govsoc backend applies (and sigma-cli's ``-p govsoc_ecs``).

    Built once and shared: pySigma re-binds a pipeline's items to each conversion (as when one
    backend converts many rules), and building the items for every rule cost more than
    converting it. Do not change the returned pipeline.
    """
    return _shared_pipeline()


@cache
def _shared_pipeline() -> ProcessingPipeline:
    return TABLE.pipeline()


def _condition_item(source: LogSource) -> ProcessingItem:
    name = "_".join(part or "any" for part in source.key)
    return ProcessingItem(identifier=f"govsoc_logsource_{name}", rule_conditions=[LogsourceIn(frozenset({source.key}))],
                          transformation=AddConditionTransformation(dict(source.condition)))


#: A dotted name under an ECS field set (what a prefix_dotted source leaves as it is).
_ECS_NAME = "(?:" + "|".join(sorted(ECS_ROOTS)) + r")\."


def _prefixed(name: str, source: LogSource) -> bool:
    """Whether the source's prefix goes before ``name`` (see LogSource.prefix_dotted)."""
    if "." not in name:
        return True
    return source.prefix_dotted and not re.match(_ECS_NAME, name) and not name.startswith(str(source.field_prefix))


def _mapping(fields: Mapping[str, str]) -> dict[str | None, str | list[str]]:
    return {name: ecs for name, ecs in fields.items()}


def _resolved(rule: object) -> bool:
    return isinstance(rule, SigmaRule | SigmaCorrelationRule)


def _lower(value: str | None) -> str | None:
    return value.lower() if value else None
