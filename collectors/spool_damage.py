"""What a damaged spool record was, as far as its bytes still say (collectors.spool).

A damaged record (a flipped bit, a torn tail) is never replayed: its checksum fails. It was
spooled for a source, and that source's counters said "spooled" for it for ever, while the
notice named no source, file or line (R11v-4: `govsoc status` showed "spooled 2" after the drain,
and nothing told which 2 lines of small.log were lost). Most of a damaged record's JSON is
still readable: its source (``src``, a checkpoint identity), and the file and byte offset of its
line (``log.file.path``, ``log.offset``) when the damage spared them. They are read here with
patterns, never trusted as data: a source named is credited the loss (its row stops saying
"spooled"), a place named is said so that the line can be found in the file.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

#: The source a record was spooled for (a checkpoint identity, 32 hex digits for a file).
_SOURCE = re.compile(rb'"src":"([^"\\]{1,200})"')
_PATH = re.compile(rb'"log\.file\.path":("(?:[^"\\]|\\.){1,4096}")')
_OFFSET = re.compile(rb'"log\.offset":(\d{1,19})[,}]')
#: Places said in one notice, at most.
SAID = 5


@dataclass(frozen=True, slots=True)
class Damage:
    """One damaged record: the source it was spooled for and where its line was, when known."""

    source: str | None = None
    path: str | None = None
    offset: int | None = None

    @property
    def place(self) -> str:
        """file byte N, else the file, else the source's identity, else "unknown source"."""
        if self.path is not None:
            return self.path if self.offset is None else f"{self.path} byte {self.offset}"
        return f"source {self.source}" if self.source is not None else "unknown source"


def salvage(stretch: bytes) -> Damage:
    """What the damaged bytes ``stretch`` (one record's, from its header) still say."""
    source = _SOURCE.search(stretch)
    path = _PATH.search(stretch)
    offset = _OFFSET.search(stretch)
    text: str | None = None
    if path is not None:
        try:
            text = str(json.loads(path.group(1).decode("utf-8", "surrogatepass")))
        except (ValueError, UnicodeDecodeError):
            text = None
    return Damage(source=None if source is None else source.group(1).decode("utf-8", "replace"), path=text,
                  offset=None if offset is None else int(offset.group(1)))


def told(damaged: tuple[Damage, ...]) -> str:
    """The places of ``damaged`` for a notice: "a.log byte 120, source 3f…; and 4 more"."""
    places = [d.place for d in damaged[:SAID]]
    more = f"; and {len(damaged) - SAID} more" if len(damaged) > SAID else ""
    return ", ".join(places) + more
