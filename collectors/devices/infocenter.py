"""The information-center line of Huawei VRP and H3C Comware devices (log-formats.md 3.1, 4.1):

    <PRI>TIMESTAMP HOSTNAME %%vvMODULE/SEVERITY/BRIEF(FLAG)[COUNT]:[location;]DESCRIPTION

``vv`` is the format version (``01`` Huawei, ``10`` H3C; H3C's ``cmcc`` format has one ``%``), FLAG
``l`` log, ``t`` trap, ``d`` debug, ``s`` security, COUNT a serial number. H3C SecPath may put
``SN:<serial>`` after the version; H3C's log buffer and log file drop the ``%%vv`` (``%Mar 13
03:47:49:736 2013 Sysname BLS/5/BLS_ENTRY_ADD:``). The header in front is configurable on both, so
the marker is found by searching, not by position, and the envelope (collectors.devices.envelope)
and host are read from what precedes it.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import NamedTuple

from govsoc.collectors.base import ParseContext
from govsoc.collectors.devices.envelope import Envelope, read_envelope
from govsoc.core.errors import ParseError

__all__ = ["MARKER", "InfoCenterLine", "read_infocenter"]

# FLAG in parentheses and COUNT in brackets, or the other way round ("CMDRECORD[l](324):", seen on
# a recent VRP)
_TAIL = r"([A-Za-z][A-Za-z0-9_-]{0,31})/([0-7])/([A-Za-z0-9_]{1,64})(?:[(\[]([a-z])[)\]])?(?:[\[(](\d+)[\])])?: ?"
#: ``%%vv[ SN:serial ]MODULE/SEVERITY/BRIEF(FLAG)[COUNT]:``
MARKER = re.compile(r"%%?(\d\d) ?(?:SN:(\S+) +)?" + _TAIL, re.ASCII)
_BARE = re.compile(r"(\S+) +" + _TAIL, re.ASCII)


class InfoCenterLine(NamedTuple):
    """One information-center line, header split, description untouched."""

    priority: int | None
    timestamp: datetime | None
    host: str | None
    version: str | None
    serial: str | None
    module: str
    severity: int
    brief: str
    flag: str | None
    sequence: int | None
    description: str


def read_infocenter(text: str, context: ParseContext, cache: dict[str, datetime]) -> InfoCenterLine:
    """Split one line; raises ParseError when it has no ``MODULE/SEVERITY/BRIEF:`` marker."""
    marker = MARKER.search(text)
    if marker is not None:
        prefix = text[:marker.start()]
        envelope = read_envelope(prefix, context, cache)
        hosts = prefix[envelope.end:].split()
        if len(hosts) > 1:  # a relay's header in front of the device's own: the device's counts
            inner = read_envelope(prefix, context, cache, envelope.end + len(hosts[0]) + 1)
            if inner.timestamp is not None:
                envelope = Envelope(envelope.priority, inner.timestamp, inner.end)
                hosts = prefix[inner.end:].split()
        version, serial, module, severity, brief, flag, count = marker.groups()
        host = hosts[0] if hosts else None
    else:
        envelope = read_envelope(text, context, cache)
        bare = _BARE.match(text, envelope.end)
        if bare is None or envelope.timestamp is None:
            raise ParseError("no information-center marker (expected '%%vvMODULE/SEVERITY/BRIEF:' or "
                             "'time host MODULE/SEVERITY/BRIEF:')")
        marker = bare
        host, module, severity, brief, flag, count = bare.groups()
        version = serial = None
    return InfoCenterLine(envelope.priority, envelope.timestamp, host, version, serial, module, int(severity),
                          brief, flag, int(count) if count else None, text[marker.end():].strip())
