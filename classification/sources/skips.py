"""What a file source leaves out, and how it says so (stage: classification; a part of sources/files.py).

Bulk work goes on past bad parts (pySigma's collect_errors): each part left out is a Skipped with
its file, line, column and field, the first LISTED of a table listed, all of them counted. Field
names are masked like values before they are listed: a header or a JSON key can be an ID number.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Final

from govsoc.classification.recognizer import masked_text
from govsoc.classification.scanner import Scanner
from govsoc.classification.sources.base import RENAMED, Skipped
from govsoc.core.errors import Location

__all__ = ["Skips", "LISTED", "MAX_CELL", "scanner"]

#: Longest cell (characters) that is sampled; longer ones are reported and left out.
MAX_CELL: Final = 128 * 1024
#: Skipped parts listed per table (all are counted).
LISTED: Final = 20


@dataclass(slots=True)
class Skips:
    """The skipped parts of one file: the first LISTED kept, all counted."""

    path: str
    listed: list[Skipped] = field(default_factory=list)
    count: int = 0
    #: the lines of records a cell of which was left out (too long): records whatever is left
    blanked: set[int] = field(default_factory=set)

    def add(self, reason: str, *, line: int | None = None, column: int | None = None,
            name: str | None = None) -> None:
        """Count one part left out; list it while fewer than LISTED are."""
        self.count += 1
        if len(self.listed) < LISTED:
            shown = None if name is None else masked_text(name, scanner().scan(name))
            self.listed.append(Skipped(location=Location(path=self.path, line=line, column=column, field=shown),
                                       reason=reason))

    def note(self, reason: str, *, line: int | None = None) -> None:
        """List what is said of the file while nothing is left out (a delimiter other than its
        suffix's, title rows, a bound): listed like a skip, not counted as one (R15d-26)."""
        if len(self.listed) < LISTED:
            self.listed.append(Skipped(location=Location(path=self.path, line=line), reason=reason, note=True))

    def renamed(self, names: list[str]) -> None:
        """Count each name printable_name escaped (base.named)."""
        for name in names:
            self.add(RENAMED, name=name)


@lru_cache(maxsize=1)
def scanner() -> Scanner:
    """One scanner with every recognizer, shared by the file readers (field names, header rows)."""
    return Scanner()
