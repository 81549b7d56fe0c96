"""govsoc.core: the pieces every stage shares.

Events and alerts (ECS documents with deterministic ids), the error tree, configuration
(govsoc.yaml), the asset inventory and the registries that plug-ins fill.
Nothing here imports another govsoc stage.
"""

from __future__ import annotations

from govsoc.core.alert import Alert
from govsoc.core.errors import (
    ConfigError,
    GovsocError,
    Location,
    ParseError,
    ProbeError,
    ReportError,
    RuleError,
    StoreError,
)
from govsoc.core.event import Event, make_id

__all__ = [
    "Alert",
    "ConfigError",
    "Event",
    "GovsocError",
    "Location",
    "ParseError",
    "ProbeError",
    "ReportError",
    "RuleError",
    "StoreError",
    "make_id",
]
