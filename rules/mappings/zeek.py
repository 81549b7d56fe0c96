"""Zeek log sources govsoc collects: one row per Zeek log SigmaHQ writes rules for, read by the
``zeek`` parser (govsoc.collectors.zeek), which fills ECS fields from some columns (its tables,
govsoc.collectors.zeek.ecs) and keeps every other column under ``zeek.<log>.<column>``.

SigmaHQ's Zeek rules name Zeek's columns (``query``, ``id.resp_h``, ``certificate.serial``): a
column the parser moved to ECS goes there (the same table the parser uses, so the two cannot
drift), every other one under the log's prefix, dotted ones included (``certificate.key_type``).
One rule over http.log names the W3C fields ``c-uri`` and ``c-useragent``, which mean http.log's
``uri`` and ``user_agent``.
"""

from __future__ import annotations

from govsoc.collectors.zeek.ecs import CONNECTION, FIELDS
from govsoc.rules.mappings import LogSource

#: SigmaHQ service -> the Zeek log it names (they are spelled alike).
LOGS: tuple[str, ...] = ("dns", "http", "smb_files", "dce_rpc", "x509", "rdp", "kerberos", "conn", "ssl", "ssh",
                         "files")
#: Names some rules use for a column under another spelling, per log.
ALIASES: dict[str, dict[str, str]] = {"http": {"c-uri": "url.original", "c-useragent": "user_agent.original"}}


def _fields(log: str) -> dict[str, str]:
    return {**CONNECTION, **FIELDS.get(log, {}), **ALIASES.get(log, {})}


SOURCES: tuple[LogSource, ...] = tuple(
    LogSource(product="zeek", service=log, condition={"event.dataset": f"zeek.{log}"}, collector="zeek",
              fields=_fields(log), field_prefix=f"zeek.{log}.", prefix_dotted=True)
    for log in LOGS)
