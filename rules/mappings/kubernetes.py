"""Kubernetes log sources govsoc collects: the API server's audit log, read by the
``kubernetes.audit`` parser (govsoc.collectors.kubernetes), which keeps every key of an audit
event under ``kubernetes.audit.*`` as Kubernetes spells it.

SigmaHQ's Kubernetes rules name the audit event's keys (``verb``, ``objectRef.resource``,
``responseStatus.code``), so they go under that prefix, dotted ones included. Two of them name
``apiGroup`` alone, which an audit event only has as ``objectRef.apiGroup`` (the group of the
object acted on, what those rules mean). ``hostPath`` and ``capabilities`` are facts of a created
pod's specification, which the parser keeps (the host paths of its volumes, the capabilities its
containers add) while it drops the rest of the request object.
"""

from __future__ import annotations

from govsoc.rules.mappings import LogSource

_AUDIT = {"event.dataset": "kubernetes.audit"}
_PARSER = "kubernetes.audit"
_PREFIX = "kubernetes.audit."
FIELDS: dict[str, str] = {"apiGroup": "kubernetes.audit.objectRef.apiGroup"}

SOURCES: tuple[LogSource, ...] = tuple(
    LogSource(product="kubernetes", category=category, service="audit", condition=_AUDIT, collector=_PARSER,
              fields=FIELDS, field_prefix=_PREFIX, prefix_dotted=True)
    # SigmaHQ writes the source both with and without category: application
    for category in (None, "application"))
