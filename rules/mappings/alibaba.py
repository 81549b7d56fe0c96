"""Alibaba Cloud audit govsoc collects: ActionTrail (操作审计) events read by the
``alibaba.actiontrail`` parser (govsoc.collectors.cloud), which sets ``event.module: alibaba``,
``event.action`` = ``eventName`` and keeps every key under ``alibaba.actiontrail.*`` in
ActionTrail's spelling (``alibaba.actiontrail.requestParameters.SourceCidrIp``).

SigmaHQ has no Alibaba Cloud rules; govsoc's e-government pack names the source
``product: alibaba, service: actiontrail`` and writes those field names.
"""

from __future__ import annotations

from govsoc.rules.mappings import LogSource

SOURCES: tuple[LogSource, ...] = (
    LogSource(product="alibaba", service="actiontrail", condition={"event.module": "alibaba"},
              collector="alibaba.actiontrail"),
)
