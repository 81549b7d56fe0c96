"""The event every device parser yields: its vendor's ECS fields plus what all devices share,
``log.syslog.*`` from the PRI, ``observer.*`` (the reporting device), ``event.original``,
``log.offset`` / ``log.file.path``, and the network completion of collectors.devices.network_fields.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from govsoc.collectors.base import ParseContext, RawRecord
from govsoc.collectors.devices.network_fields import complete_network_fields
from govsoc.collectors.syslog.line import PRIORITY_FIELDS
from govsoc.core.event import Event

__all__ = ["device_event"]


def device_event(record: RawRecord, context: ParseContext, *, dataset: str, text: str, fields: dict[str, Any],
                 priority: int | None, timestamp: datetime | None) -> Event:
    """The Event of one device record (``fields`` is completed in place)."""
    fields["event.original"] = text
    fields.setdefault("event.kind", "event")
    fields["event.module"] = dataset.split(".", 1)[0]
    fields["log.offset"] = record.offset
    path = record.file_path_text
    if path:
        fields["log.file.path"] = path
    if priority is not None:
        fields.update(PRIORITY_FIELDS[priority])
    complete_network_fields(fields)
    return Event(id=record.provisional_id(), dataset=dataset, fields=fields,
                 timestamp=timestamp or record.received or context.reference)
