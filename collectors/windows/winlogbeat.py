"""Winlogbeat JSON (one document per line, as Winlogbeat's file and Logstash outputs write it):
the ``windows.winlogbeat`` parser.

Stage: collectors (parse + normalise). The document is already ECS-shaped; it is flattened to
dotted names and completed as Elastic's Windows integration would complete it: ``event.code`` and
``winlog.event_id`` as strings, every ``winlog.event_data`` value as a string, ``host.name`` from
``winlog.computer_name``, and the Sysmon/Security ECS fields (collectors.windows.winlog) where the
document does not carry them yet (Winlogbeat 8 leaves that to Elasticsearch ingest pipelines).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from govsoc.collectors.base import ParseContext, RawRecord, parsers
from govsoc.collectors.windows.winlog import CHANNEL_MODULES, DEFAULT_DATASET, dataset_of, ecs_fields, text
from govsoc.core.errors import ParseError
from govsoc.core.event import Event, flatten, parse_timestamp

#: Beat bookkeeping that is not part of the event.
DROPPED = ("@metadata.",)


@parsers.register("windows.winlogbeat")
class WinlogbeatParser:
    """Winlogbeat NDJSON lines to ECS events."""

    dataset = DEFAULT_DATASET

    def parse(self, record: RawRecord, context: ParseContext) -> Iterator[Event]:
        """One event per line; ParseError when the line is not a Winlogbeat document."""
        del context  # Winlogbeat's @timestamp is UTC with a zone
        original = record.text()
        try:
            doc = json.loads(original)
        except ValueError as e:
            raise ParseError(f"not JSON: {e}") from e
        if not isinstance(doc, Mapping) or not isinstance(doc.get("winlog"), Mapping):
            raise ParseError("not a Winlogbeat event (no winlog object)")
        fields = {name: value for name, value in flatten(doc) if not name.startswith(DROPPED)}
        try:
            when = parse_timestamp(str(fields.pop("@timestamp")))
        except (KeyError, ValueError) as e:
            raise ParseError(f"no usable @timestamp: {e}") from e
        dataset = fields.pop("event.dataset", None)
        fields.pop("event.id", None)
        fields.update(_completed(fields))
        fields["event.original"] = original
        if record.file_path:
            fields["log.file.path"] = record.file_path_text
            fields["log.offset"] = record.offset
        channel = str(fields.get("winlog.channel", ""))
        try:
            event = Event(id=record.event_id(), timestamp=when, dataset=str(dataset or dataset_of(channel)),
                          fields=fields)
            event.to_document()  # a scalar where an object is needed ("event": "x") cannot be stored
        except ValueError as e:
            raise ParseError(f"not a Winlogbeat event: {e}") from e
        yield event


def _completed(fields: dict[str, Any]) -> dict[str, Any]:
    """Strings where Winlogbeat 8 has keywords, and the ECS fields its modules add."""
    out: dict[str, Any] = {}
    prefix = "winlog.event_data."
    data = {name[len(prefix):]: text(value) for name, value in fields.items() if name.startswith(prefix)}
    out.update({prefix + name: value for name, value in data.items()})
    event_id = fields.get("winlog.event_id", fields.get("event.code"))
    if event_id is None:
        raise ParseError("not a Winlogbeat event (no winlog.event_id or event.code)")
    out["winlog.event_id"] = text(event_id)
    out["event.code"] = text(fields.get("event.code", event_id))
    if "winlog.record_id" in fields:
        out["winlog.record_id"] = text(fields["winlog.record_id"])
    if "winlog.provider_name" in fields:
        out.setdefault("event.provider", fields.get("event.provider", fields["winlog.provider_name"]))
    if "winlog.computer_name" in fields and "host.name" not in fields:
        out["host.name"] = fields["winlog.computer_name"]
    out.setdefault("event.kind", fields.get("event.kind", "event"))
    channel = str(fields.get("winlog.channel", ""))
    if "event.module" not in fields:
        out["event.module"] = CHANNEL_MODULES.get(channel, "windows")
    for name, value in ecs_fields(channel, out["winlog.event_id"], data).items():
        if name not in fields:
            out[name] = value
    return out
