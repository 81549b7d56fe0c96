"""Footer rows of a roster (stage: classification; a part of sources/files.py).

A roster (花名册) as offices keep it ends as it begins: below the records, a totals row (合计, 小计, 总计: a
sum under the amounts), notes (注, 备注, 说明) and who filled it in and checked it (填报人, 审核人, 制表人,
负责人), each filling fewer cells than the header. Counted as records they put the row count off (rows=63 for
60 people, R15d-6) and put 审核人：张三 among the ID numbers. A row whose first cell opens with such a word
(FOOTER: 填报单位, 填表日期 too) and that fills fewer cells than the header, or whose cells are all
label：value items (填报单位：…,填报人：…,填报日期：…,电话：… under a roster of four columns: R15j-17), is a
footer candidate; it is left out of the records only when no cell past its first holds a value that its
column's recognizers take (an ID number, a name under 姓名: ``hits``), a cell of its own label：value
(电话：138...) aside: 负责人,马刚,110105..., is a member of a 班子成员 roster whose 职务 comes first, and
注,王勇,110105... a record with a remark (R15e-4). A totals row (合计, 小计, 总计) so empty is left out
wherever it stands (a 小计 closes each group); a note or sign-off row is a footer only below the last record:
it is held until what follows tells, and read as a record when a record follows it. Footers are reported once
with their count and the first one's line, as title rows are (sources/layout.py), and their cells are not
classified (a phone in a 注 line is the office's); a footer whose cells hold values a recognizer finds
(注：以下人员待核实 黄霞110105...) is named in that report, since a note naming people is personal data.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Final

from govsoc.classification.sources.layout import LABEL
from govsoc.classification.sources.skips import Skips

__all__ = ["FOOTER", "WORDS", "Footers", "Hits", "no_hits"]

#: The first cell of a totals, notes or sign-off row: the word alone, or before a colon or a space.
#: Who filled it in, for which office and when (填报人, 填报单位, 填表日期, 制表时间: R15j-17) are sign-offs alike.
FOOTER: Final = re.compile(r"\s*(?:合\s*计|小\s*计|总\s*计|注|备\s*注|说\s*明"
                           r"|[填制]\s*[报表]\s*(?:人|单\s*位|日\s*期|时\s*间)|审\s*核\s*人|制\s*表|负\s*责\s*人"
                           r"|单位负责人)(?:\s*[:：\s].*)?", re.S)
#: The first cell of a totals row, which is left out wherever it stands.
TOTALS: Final = re.compile(r"\s*[合小总]\s*计")
#: The first cells a footer row opens with alone (as forms space them too); any other opens with a
#: word and a colon (注：…, 填报人：李四): a record whose first cell is none of these and holds no colon
#: is no footer (one set lookup and a substring test a record, not a match: files of millions).
WORDS: Final = frozenset({"合计", "小计", "总计", "合 计", "小 计", "总 计", "合  计", "小  计", "总  计", "注", "备注",
                          "说明", "审核人", "制表", "负责人", "单位负责人",
                          *(f"{a}{b}{c}" for a in "填制" for b in "报表" for c in ("人", "单位", "日期", "时间"))})
#: Note or sign-off rows held at once until a record or the end tells (past it, they are footers).
HELD: Final = 1000

#: (cell, its column's position) -> the names of what the column's recognizers find in it
Hits = Callable[[str, int], list[str]]


def no_hits(cell: str, column: int) -> list[str]:
    """Nothing found anywhere: every footer candidate is a footer."""
    return []


@dataclass(slots=True)
class Footers:
    """The footer rows found in one table: how many, the first's line (or row), and the note and
    sign-off rows held until a record or the end of the table says what they are."""

    width: int
    hits: Hits = no_hits
    count: int = 0
    first: int = 0
    #: footers whose cells hold values: how many, the first's line, what the values are
    valued: int = 0
    valued_at: int = 0
    found: set[str] = field(default_factory=set)
    held: list[tuple[list[str], int]] = field(default_factory=list)

    def take(self, row: list[str], line: int) -> bool:
        """Whether ``row`` (on ``line``) is a footer row: left out, or held (``release`` hands the
        held rows back as records when a record follows them)."""
        if not row or not FOOTER.fullmatch(row[0]):
            return False
        filled = [cell.strip() for cell in row if cell.strip()]
        # a 填报 line as wide as the roster is all label：value items (填报单位：…,填报人：…,日期：…): R15j-17
        if len(filled) >= self.width and not all(LABEL.fullmatch(cell) for cell in filled):
            return False
        if any(cell.strip() and not LABEL.fullmatch(cell.strip()) and self.hits(cell.strip(), i)
               for i, cell in enumerate(row[1:], 1)):
            return False  # a record whose first cell is a role or a remark (负责人,马刚,110105...)
        if TOTALS.match(row[0]) or len(self.held) >= HELD:
            self._count(row, line)
        else:
            self.held.append((row, line))
        return True

    def release(self) -> list[list[str]]:
        """The held rows, records after all: a record follows them (负责人,, in the middle of a roster)."""
        rows = [row for row, _ in self.held]
        self.held.clear()
        return rows

    def kept(self, rows: Iterable[tuple[int, list[str]]]) -> Iterator[list[str]]:
        """The records of ``rows`` ((line, row) pairs), footers left out."""
        for line, row in rows:
            if self.take(row, line):
                continue
            if self.held:
                yield from self.release()
            yield row

    def _count(self, row: list[str], line: int) -> None:
        self.count += 1
        self.first = min(self.first, line) if self.first else line
        found = {name for i, cell in enumerate(row) if cell.strip() for name in self.hits(cell.strip(), i)}
        if found:
            self.valued += 1
            self.valued_at = self.valued_at or line
            self.found |= found

    def report(self, skips: Skips, unit: str = "line", where: str = "") -> None:
        """Say what was left out, once (nothing when nothing was): the rows still held are footers."""
        for row, line in self.held:
            self._count(row, line)
        self.held.clear()
        if self.count:
            rows = f"{self.count} rows" if self.count > 1 else "1 row"
            skips.add(f"{where}{rows} of totals, notes or sign-offs (合计, 注, 填报人 ...; the first on this {unit}): "
                      "not records, not classified" + self._values(unit), line=self.first)

    def _values(self, unit: str) -> str:
        if not self.valued:
            return ""
        which = f"{self.valued} of them hold" if self.valued > 1 else "1 of them holds"
        return (f"; {which} {', '.join(sorted(self.found))} (the first on {unit} {self.valued_at}): "
                "a note naming people is personal data, look at it")
