"""Footer rows of a roster (stage: classification; a part of sources/files.py).

A roster (花名册) as offices keep it ends as it begins: below the records, a totals row (合计, 小计,
总计: a sum under the amounts), notes (注, 备注, 说明) and who filled it in and checked it (填报人,
审核人, 制表人, 负责人), each filling fewer cells than the header. Counted as records they put the
row count off (rows=63 for 60 people, R15d-6) and put 审核人：张三 among the ID numbers. A row whose
first cell opens with such a word (FOOTER) and that fills fewer cells than the header is left out
of the records, wherever it stands (a 小计 closes each group), and reported once with its count
and the first one's line, as title rows are (sources/layout.py). Their cells are not classified
(a phone in a 注 line is the office's, as a title's are).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from govsoc.classification.sources.skips import Skips

__all__ = ["FOOTER", "WORDS", "Footers"]

#: The first cell of a totals, notes or sign-off row: the word alone, or before a colon or a space.
FOOTER: Final = re.compile(r"\s*(?:合\s*计|小\s*计|总\s*计|注|备\s*注|说\s*明|填\s*报\s*人|填\s*表\s*人|审\s*核\s*人"
                           r"|制\s*表\s*人|制\s*表|负\s*责\s*人|单位负责人)(?:\s*[:：\s].*)?", re.S)
#: The first cells a footer row opens with alone (as forms space them too); any other opens with a
#: word and a colon (注：…, 填报人：李四): a record whose first cell is none of these and holds no colon
#: is no footer (one set lookup and a substring test a record, not a match: files of millions).
WORDS: Final = frozenset({"合计", "小计", "总计", "合 计", "小 计", "总 计", "合  计", "小  计", "总  计", "注", "备注",
                          "说明", "填报人", "填表人", "审核人", "制表人", "制表", "负责人", "单位负责人"})


@dataclass(slots=True)
class Footers:
    """The footer rows found in one table: how many, the first's line (or row)."""

    width: int
    count: int = 0
    first: int = 0

    def left_out(self, row: list[str], line: int) -> bool:
        """Whether ``row`` (on ``line``) is a footer row: counted, not a record."""
        if not row or not FOOTER.fullmatch(row[0]) or sum(1 for cell in row if cell.strip()) >= self.width:
            return False
        self.count += 1
        self.first = self.first or line
        return True

    def report(self, skips: Skips, unit: str = "line", where: str = "") -> None:
        """Say what was left out, once (nothing when nothing was)."""
        if self.count:
            rows = f"{self.count} rows" if self.count > 1 else "1 row"
            skips.add(f"{where}{rows} of totals, notes or sign-offs (合计, 注, 填报人 ...; the first on this {unit}): "
                      "not records, not classified", line=self.first)
