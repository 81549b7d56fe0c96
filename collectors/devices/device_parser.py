"""What every device parser does around its vendor's own part (log-formats.md sections 1.2, 3-8):
take the record's text without its trailers (LF, CR, NUL: Hillstone ends datagrams with LF NUL),
read the syslog envelope in front (with a cache of the timestamp texts already seen: a device
sends the same second many times), find where the vendor's body starts, and make the event
(collectors.devices.device_event).

Two bases, by how the vendor's line is found:

- :class:`DeviceParser`: the envelope (collectors.devices.envelope), then the vendor's marker
  (``MARKER``, searched after the envelope, or matched right at its end with ``ANCHORED``); a line
  without it is a ParseError saying what was expected (``EXPECTED``). The subclass's ``body``
  turns the text from the marker on into fields, and may give a time from the body (Topsec,
  NSFOCUS and DBAppSecurity carry one) that wins over the envelope's.
- :class:`InfoCenterParser`: the Huawei / H3C information-center line
  (collectors.devices.infocenter); ``body`` gives the product (the dataset's second part) and
  the fields.

    @parsers.register("example.fw")
    class ExampleParser(DeviceParser):
        dataset = "example.fw"
        MARKER = re.compile(r"fwlog: ")
        EXPECTED = "not an Example line (expected 'fwlog: key=value ...')"

        def body(self, text, found, context):
            return {"observer.vendor": "Example", **pairs(text[found.end():])}, None
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any, ClassVar

from govsoc.collectors.base import ParseContext, RawRecord
from govsoc.collectors.devices.device_event import device_event
from govsoc.collectors.devices.envelope import read_envelope
from govsoc.collectors.devices.infocenter import InfoCenterLine, read_infocenter
from govsoc.core.errors import ParseError
from govsoc.core.event import Event

__all__ = ["DeviceParser", "InfoCenterParser"]

_TRAILERS = "\r\n\x00"


class _TimedParser:
    """The timestamp cache every device parser keeps (one per parser instance: one source)."""

    dataset: str

    def __init__(self) -> None:
        self._times: dict[str, datetime] = {}


class DeviceParser(_TimedParser):
    """A device whose line is a syslog envelope, then the vendor's marker and body (see the
    module docstring)."""

    #: Where the vendor's part starts.
    MARKER: ClassVar[re.Pattern[str]]
    #: True: the marker must start right where the envelope ends (else it is searched after it).
    ANCHORED: ClassVar[bool] = False
    #: The ParseError of a line without the marker: what the line should have looked like.
    EXPECTED: ClassVar[str]

    def parse(self, record: RawRecord, context: ParseContext) -> Iterator[Event]:
        """One event per line; raises ParseError (``EXPECTED``) when the line is not the vendor's."""
        text = self.clean(record.text().rstrip(_TRAILERS))
        envelope = read_envelope(text, context, self._times)
        found = self.find(text, envelope.end)
        if found is None or not self.accepts(text):
            raise ParseError(self.EXPECTED)
        fields, when = self.body(text, found, context)
        yield device_event(record, context, dataset=self.dataset, text=text, fields=fields,
                           priority=envelope.priority, timestamp=when or envelope.timestamp)

    def find(self, text: str, pos: int) -> re.Match[str] | None:
        """The marker at or after ``pos``, where the envelope ends (default: ``MARKER`` matched
        there, or searched from there)."""
        return (self.MARKER.match if self.ANCHORED else self.MARKER.search)(text, pos)

    def clean(self, text: str) -> str:
        """The line as the event keeps it (default: as read)."""
        return text

    def accepts(self, text: str) -> bool:
        """A further test of a line that has the marker (default: none)."""
        del text
        return True

    def body(self, text: str, found: re.Match[str], context: ParseContext) -> tuple[dict[str, Any], datetime | None]:
        """The fields of the line whose marker is ``found``, and the time the body gives (None:
        the envelope's)."""
        raise NotImplementedError


class InfoCenterParser(_TimedParser):
    """A Huawei or H3C information-center line (see the module docstring)."""

    #: The dataset's first part (event.module): ``huawei``, ``h3c``.
    VENDOR: ClassVar[str]

    def parse(self, record: RawRecord, context: ParseContext) -> Iterator[Event]:
        """One event per line; raises ParseError when the line has no information-center marker."""
        text = record.text().rstrip(_TRAILERS)
        line = read_infocenter(text, context, self._times)
        product, fields = self.body(line)
        yield device_event(record, context, dataset=f"{self.VENDOR}.{product}", text=text, fields=fields,
                           priority=line.priority, timestamp=line.timestamp)

    def body(self, line: InfoCenterLine) -> tuple[str, dict[str, Any]]:
        """The product (``vrp``, ``usg``, ``comware``, ``secpath``) and the fields of ``line``."""
        raise NotImplementedError
