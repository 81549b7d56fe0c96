"""Log-source tables for the govsoc_ecs pipeline (govsoc.rules.pipeline): one module per product
family (linux.py here; windows.py for the Windows event logs), each exporting ``SOURCES``, a tuple
of :class:`LogSource` rows.

A row says, for one Sigma log source (product, category, service, compared exactly and
case-insensitively), how govsoc's collectors store its events:

- ``condition``: the ECS field values that select those events (ANDed over fields, a list is
  any of its values). Every rule of the source runs with this condition added, so it only ever
  sees its own events. A log source without a row is not collected: its rules are not run and
  are listed as "no source" (see govsoc.rules.pipeline.rule_source_status).
- ``fields``: Sigma field name -> ECS field name for this source. ``None`` means the generic
  table (govsoc.rules.pipeline.FIELD_MAP) applies.
- ``field_prefix``: a prefix for the source's field names that ``fields`` does not map and that
  are not dotted ECS names already (the Windows event data: ``winlog.event_data.``).
- ``prefix_dotted``: the prefix also goes before dotted names, unless their first part is an ECS
  field set (``ecs_roots``): the vendor's own nested names (Kubernetes' ``objectRef.resource``,
  CloudTrail's ``userIdentity.type``) are kept under the vendor namespace as the vendor spells
  them, while a rule written against ECS (``user.name``) keeps its names.
- ``collector``: what produces the events (the parser id), shown by ``govsoc rules check``.

Add a row only when a collector produces the events; everything else stays "no source".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["ECS_ROOTS", "LogSource"]

#: ECS field sets (ECS 8.x), the first part of an ECS field name: a dotted Sigma field starting
#: with one of them is an ECS name, never a vendor's.
ECS_ROOTS: frozenset[str] = frozenset({
    "agent", "as", "client", "cloud", "container", "data_stream", "destination", "device", "dll", "dns", "ecs",
    "email", "error", "event", "faas", "file", "group", "host", "http", "labels", "log", "network", "observer",
    "orchestrator", "organization", "package", "process", "registry", "related", "rule", "server", "service",
    "source", "span", "threat", "tls", "trace", "transaction", "url", "user", "user_agent", "vulnerability",
    "govsoc",
})


@dataclass(frozen=True, slots=True, kw_only=True)
class LogSource:
    """One Sigma log source govsoc collects, and how its events are found and named in ECS."""

    product: str | None = None
    category: str | None = None
    service: str | None = None
    condition: Mapping[str, str | list[str]]
    collector: str
    fields: Mapping[str, str] | None = None
    field_prefix: str | None = None
    prefix_dotted: bool = False

    @property
    def key(self) -> tuple[str | None, str | None, str | None]:
        """(product, category, service), lower-case: what a rule's log source is compared with."""
        return (_lower(self.product), _lower(self.category), _lower(self.service))

    def describe(self) -> str:
        """The log source as SigmaHQ writes it, e.g. ``product: linux, service: sshd``."""
        return describe_logsource(*self.key)


def describe_logsource(product: str | None, category: str | None, service: str | None) -> str:
    """``product: P, category: C, service: S`` with the parts a log source names."""
    parts = [f"{name}: {value}" for name, value in (("product", product), ("category", category),
                                                   ("service", service)) if value]
    return ", ".join(parts) or "no log source"


def _lower(value: str | None) -> str | None:
    return value.lower() if value else None
