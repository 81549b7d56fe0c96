"""Huawei Cloud audit govsoc collects: CTS (云审计服务) traces read by the ``huaweicloud.cts``
parser (govsoc.collectors.cloud), which sets ``event.module: huaweicloud`` and keeps every key
of a trace under ``huaweicloud.cts.*`` in CTS's spelling (``trace_name``, ``trace_type``,
``service_type``, ``user.name``, ``source_ip``, ``code``), besides the ECS fields it fills
(``event.action`` = ``trace_name``, ``cloud.service.name``, ``user.name``, ``source.ip``).

SigmaHQ has no Huawei Cloud rules; as for AWS (``product: aws, service: cloudtrail``) and
Alibaba Cloud (``product: alibaba, service: actiontrail``), govsoc names the source
``product: huaweicloud, service: cts`` (``huaweicloud`` is ECS's cloud.provider value) and a
rule names CTS's keys, dotted ones included (``user.domain.name``); a dotted name whose first
part is an ECS field set (``user.name``, ``source.ip``) is the ECS field, which the parser fills
with the same value.
"""

from __future__ import annotations

from govsoc.rules.mappings import LogSource

SOURCES: tuple[LogSource, ...] = (
    LogSource(product="huaweicloud", service="cts", condition={"event.dataset": "huaweicloud.cts"},
              collector="huaweicloud.cts", fields={}, field_prefix="huaweicloud.cts.", prefix_dotted=True),
)
