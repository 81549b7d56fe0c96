"""``syslog.mixed``: syslog from many kinds of sender in one file or stream (a relay's file, a
receiver shared by switches, firewalls and servers), each line read by the parser its format
needs. collectors.detect.line_parser names the device parser of a line (Huawei, H3C, Sangfor,
Hillstone, Topsec, NSFOCUS); any other line is a host's, read by ``linux.auth``.
"""

from __future__ import annotations

from collections.abc import Iterator

from govsoc.collectors.base import ParseContext, Parser, RawRecord, parsers
from govsoc.collectors.detect import line_parser
from govsoc.core.event import Event

__all__ = ["MixedSyslogParser"]


@parsers.register("syslog.mixed")
class MixedSyslogParser:
    """Dispatches each syslog line to its device parser, else to ``linux.auth``."""

    dataset = "syslog.mixed"

    def __init__(self) -> None:
        self._parsers: dict[str, Parser] = {}

    def parse(self, record: RawRecord, context: ParseContext) -> Iterator[Event]:
        """The events of the parser the line needs; its ParseError passes through."""
        parser_id = line_parser(record.text()) or "linux.auth"
        parser = self._parsers.get(parser_id)
        if parser is None:
            parser = self._parsers[parser_id] = parsers.get(parser_id)()
        return parser.parse(record, context)
