"""The layout of a table read from a file (stage: classification; a part of sources/files.py).

Where the header is. A roster (花名册) as offices keep it puts a title above the header: one merged
cell or one filled cell ("某县2024年低保对象花名册"), sometimes a line of who filled it in and when,
then the column names, then the data. The first HEAD_ROWS rows are read before anything is decided.
Title rows open the file: rows that fill at most half the widest row's cells (one cell at least
counts as a title) and hold no value (a recognizer's hit, a number, a date). The header is the first
row, among them or just after them, whose cells are all short non-numeric text holding no value and
that fills more than half the widest row, or that holds no value and names a column a recognizer
knows (姓名, 身份证号 beside years or months: 姓名,身份证号,2023,2024; or beside a long name).
Rows above the first row naming a known column that fill fewer cells than it are titles and notes
whatever they hold (填报日期 beside a date cell, 联系电话 beside a number, a title beside 单位：元
over a roster of three columns), and so are rows as full as it whose cells are all label：value items
(a 填报 line, 单位：某乡,填报人：张三,电话：138...,日期：2024-01-31: R15d-13): data does not come above a
header. A row naming KNOWN_NAMES known columns or more (姓名,身份证号码,联系电话; a cell of free text, past
NAME_LIMIT or holding a sentence's punctuation, names none: R15k-20) is the header whatever
the rows above it hold, unless one is a record of its columns (two cells or more that the named
columns' recognizers take): a 填报 line with a bare date or name among its items is a title (R15e-6);
but a table above it (a plain row of names, then two rows or more of as many cells) is a table of its
own, read first, the row naming known columns a header of its own below it (R15f-33).
Failing a header, the first
plain row of two cells or more among the titles, or a row of one cell naming a known column just
above the data (姓名 over rows of name, ID number and mobile), is the header (short of names, see
below); failing that there is no header: the rows after the titles are data, in columns column_1,
column_2 ... A header of two rows is one header: a row naming known columns over the blanks of the
header below it (姓名,身份证号码,家庭成员情况 over ,,关系,姓名,...), or a row of names under the header's
merged cells (序号,姓名,基本情况,, over ,,性别,身份证号码,住址); a merged cell's name heads the names
under it (家庭成员情况.姓名, as a JSON record's paths). A file whose first row is the header, or data,
reads as before. Title rows are
reported once (their lines, and the header's) and not classified.

Hand-made exports are not always square: a header that lacks its last names leaves cells past it in
every row. Those cells are data like any other: each position past the header becomes a column of
its own, named as a headerless file's columns are (``column_3``), and the file is reported once
(the first such row's line, how many rows) so that the operator sees the header is short.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from govsoc.classification.sources.skips import Skips

__all__ = ["Width", "HEAD_ROWS", "HEADING_ENDS", "LABEL", "NAME_LIMIT", "VACANT", "find_header", "heading_row",
           "other_shape", "short_record", "split_head", "KNOWN_NAMES"]

#: Rows read before the header is looked for (title rows, the header, the first data rows): a
#: 统计报表's title and 填表说明 run past ten lines (R15e-6).
HEAD_ROWS: Final = 40
#: Known columns a row names that make it the header whatever the rows above it hold.
KNOWN_NAMES: Final = 3
#: How a column name ends, whatever a recognizer knows (发放日期, 金额, 备注, 对方账号): a row of
#: such names below the records is a header of its own (files appended: R15e-5).
HEADING_ENDS: Final = ("日期", "时间", "金额", "备注", "编号", "序号", "名称", "类型", "状态", "数量", "说明",
                       "地址", "号码", "账号", "户名", "姓名", "电话", "代码", "年龄", "性别", "民族", "职务",
                       "原因", "结果", "方式", "情况", "单位", "部门", "证号", "手机", "住址", "卡号", "关系", "职业",
                       "学历", "籍贯", "等级", "标准")
#: Longest cell (characters) that can be a column name.
NAME_LIMIT: Final = 64
#: Longest name of a header that names no known column (村组, 户数, 人数: R15g-20).
_SHORT: Final = 8
# a number (序号 1, 12.5, 1,234, 50%) or a date (2024-01-31, 2024/1/31 08:00, 2024年1月31日): data
_NUMBER: Final = re.compile(r"[-+]?(?:\d[\d,]*)?\.?\d+%?|\d{4}[-/.年]\d{1,2}(?:[-/.月]\d{1,2}日?)?(?:\s.*)?")

# a sentence's punctuation: a note's, no column name's (R15k-20)
_SENTENCE: Final = re.compile(r"[，。；！？]")
# a heading's bracketed fill-in instruction (身份证号码（18位，末位X大写）, 姓名（必填！）): no sentence (R15n-19)
_BRACKETED: Final = re.compile(r"（[^（）]*）|\([^()]*\)|【[^【】]*】|\[[^\[\]]*\]")
# how a heading ends before its instruction (证件号（必填）, 身份证；); a note's words do not
_NAME_ENDS: Final = (*HEADING_ENDS, "件号", "身份证", "年月", "邮箱")
# a digit anywhere: no column name holds one
_DIGIT: Final = re.compile(r"\d")
# a control character inside a cell: a line break (Alt+Enter), a tab, ESC
_CONTROL: Final = re.compile(r"[\x00-\x1f\x7f]")

#: A cell saying that nothing is there: a vacant post's name (空缺, 暂缺), a dash or a slash (R15h-5).
VACANT: Final = re.compile(r"[-—–－─_/／\\]+|[（(【\[]?(?:空缺|暂缺|暂空|空|缺|无|暂无|待定|待配备?|未配备?)[）)】\]]?")

# a label and its value (填报人：张三, 日期:2024-01-31, 审核：): a short label of letters, no digit
LABEL: Final = re.compile(r"[^\W\d_][^\W\d]{0,11}\s*[：:].*", re.S)

@dataclass(slots=True)
class Width:
    """Rows holding a non-empty cell past the header: how many, where the first is, how far the
    widest reaches. ``header`` is the header's width once known (until then no row is wider)."""

    header: int = sys.maxsize
    #: the line (or row) the last row read starts on, kept by the reader
    last: int = 0
    rows: int = 0
    first: int | None = None
    widest: int = 0

    def note(self, row: list[str], line: int) -> None:
        """Count ``row``, one longer than the header, when a cell past the header holds something
        (trailing empty cells, as a spreadsheet pads a row, are nothing lost)."""
        last = next((i for i in range(len(row) - 1, self.header - 1, -1) if row[i].strip()), -1)
        if last < 0:
            return
        self.rows += 1
        if self.first is None:
            self.first = line
        self.widest = max(self.widest, last + 1)

    def restart(self, header: int) -> None:
        """Count again under a header of ``header`` names (a table of its own below: R15e-5)."""
        self.header, self.rows, self.first, self.widest = header, 0, None, 0

    def names(self, header: list[str]) -> list[str]:
        """``header`` widened to the widest row: the positions past it are unnamed (column_N)."""
        return header + [""] * (self.widest - len(header))

    def reason(self, *, headed: bool, unit: str = "line") -> str | None:
        """What to report once per file (None: no row is wider than the header)."""
        if not self.rows:
            return None
        width = self.header
        extra = f"column_{width + 1}" + (f"..column_{self.widest}" if self.widest > width + 1 else "")
        what = f"the header's {width} name{'s' if width > 1 else ''}" if headed else f"the first row's {width} cells"
        rows = f"{self.rows:,} rows hold" if self.rows > 1 else "1 row holds"
        return (f"{rows} cells past {what} (the first on this {unit}): classified as {extra}"
                + ("; is the header short of names?" if headed else ""))


def find_header(head: list[list[str]], has_value: Callable[[str], bool],
                names_column: Callable[[str], bool] = lambda cell: False,
                fits: Callable[[list[str], list[str]], int] = lambda header, row: 0) -> tuple[int, bool]:
    """(how many title rows open ``head``, the file's first rows; whether the row after them is the
    header): the module docstring says how they are told apart. ``names_column``: whether a cell is
    a column name a recognizer knows (姓名, 身份证号, sfzh); ``fits``: how many cells of a row hold
    what the recognizers of the column a header names there take (张伟 under 姓名)."""
    counts = [sum(1 for cell in row if cell.strip()) for row in head]
    widest = max(counts, default=0)
    half = widest // 2
    filled = [[_first_line(cell.strip(), names_column) for cell in row if cell.strip()] for row in head]
    valued = [any(has_value(cell) for cell in cells) for cells in filled]
    known = [counts[i] > half and not valued[i] and any(names_column(cell) for cell in cells
                                                       if not _NUMBER.fullmatch(cell))
             for i, cells in enumerate(filled)]
    # the first row naming a known column: the rows above it that fill fewer cells are titles and
    # notes whatever they hold (填报日期 beside a date cell, 联系电话 beside a number: R15c-9; a
    # title beside 单位：元 over a roster of three columns: R15c-16); data does not come above a header
    named = next((i for i, is_known in enumerate(known) if is_known), None)
    if (named is not None and len({cell for cell in filled[named] if names_column(cell) and not _is_text(cell)})
            >= KNOWN_NAMES
            and all(fits(head[named], row) < 2 for row in head[:named])):
        # a row naming several known columns is the header whatever the rows above it hold (a 填报
        # line whose date or name has no label, 某乡民政办,张三,138...,2024-01-31: R15e-6), unless one
        # of them is a record of its columns (张伟 under 姓名, an ID number under 身份证号码); a table
        # of its own above it is read first (R15f-33)
        return _table_above(counts, filled, valued, named), True
    short = None  # the first row of names too short to cover the data: a header short of names
    for i, cells in enumerate(filled):
        if known[i]:
            # a row naming a known column is the header, beside years or months (姓名,身份证号,2023,2024:
            # R15c-1) and long names (a column's definition in its name: R15c-14)
            return i, True
        if named is not None and (counts[i] < counts[named] or is_note(cells)):
            continue
        plain = not valued[i] and not any(_NUMBER.fullmatch(cell) for cell in cells)
        if plain and cells and all(len(cell) <= NAME_LIMIT for cell in cells):
            if counts[i] > half:
                return i, True
            if short is None and counts[i] > 1:
                short = i
        if not plain or counts[i] > max(1, half) or counts[i] == widest:
            if short is None and i and counts[i - 1] == 1 and known_alone(filled[i - 1], valued[i - 1],
                                                                          names_column):
                return i - 1, True  # one name over the data: a header short of names (R15c-2)
            return (short, True) if short is not None else (i, False)  # not a title row: data
    return (short, True) if short is not None else (0, False)


def _is_text(cell: str) -> bool:
    """Whether ``cell`` is a record's free text, no column's name: past NAME_LIMIT, or holding a sentence's
    punctuation (，。；！？) (R15k-20's notes under 序号,走访日期,走访情况,存在问题,处理意见), unless it is only a
    heading's instruction in brackets or its closing mark after a column's name (身份证号码（18位，末位X大写）,
    联系电话；: R15n-19), not after what a note says of one (户主身份证号码过期；, （经核实，…）: R15o-7)."""
    bare = _BRACKETED.sub("", cell).rstrip("，；！？ ")
    return len(cell) > NAME_LIMIT or _SENTENCE.search(bare) is not None \
        or (_SENTENCE.search(cell) is not None and not bare.endswith(_NAME_ENDS))


def _table_above(counts: list[int], filled: list[list[str]], valued: list[bool], named: int) -> int:
    """The header of a table of its own above the row ``named`` (a small table over a roster:
    序号,发放金额,备注 and its 12 rows, R15f-33): its first row of two cells or more, when it is plain
    (no value, number or date; no label：value note) and the two rows or more below it up to ``named``
    each fill as many cells, none a note; else ``named``, the rows above it titles."""
    first = next((i for i in range(named) if counts[i] > 1), None)
    # three names at least: label, value pairs in two cells (填报单位,某乡 / 填报人,张三) stay titles
    if first is None or counts[first] < 3 or valued[first] or is_note(filled[first]) or any(
            _NUMBER.fullmatch(cell) or len(cell) > NAME_LIMIT for cell in filled[first]):
        return named
    rows = [i for i in range(first + 1, named) if counts[i]]
    fill = all(counts[i] == counts[first] and not is_note(filled[i]) for i in rows)
    return first if len(rows) >= 2 and fill else named


def heading_row(cells: list[str], has_value: Callable[[str], bool], names_column: Callable[[str], bool]) -> bool:
    """Whether ``cells`` (stripped) are column names: two or more, each short and without a digit,
    none after an empty cell, and each naming a known column (与户主关系, 成员姓名) or ending as a
    column name does (HEADING_ENDS) and holding no value (发放日期,金额,备注; 交易时间,金额,对方户名,对方账号);
    or two of them so at least and none holding a value, whatever the others (月份,发放金额,银行卡号:
    R15f-8)."""
    filled = [cell for cell in cells if cell]
    if len(filled) < 2 or cells[:len(filled)] != filled or any(
            len(cell) > NAME_LIMIT or _DIGIT.search(cell) for cell in filled):
        return False
    named = 0
    for i, cell in enumerate(filled):
        if names_column(cell) or cell.endswith(HEADING_ENDS) and not has_value(cell):
            named += 1
        elif named + len(filled) - i - 1 < 2:
            return False  # a record of words: given up as soon as two names cannot be found
    return named == len(filled) or not any(has_value(cell) for cell in filled)


def other_shape(cells: list[str], above: list[str] | None, below: Callable[[], list[str] | None],
                has_value: Callable[[str], bool], hits: Callable[[str, int], list[str]]) -> bool:
    """Whether ``cells`` (stripped), a row of two short words or more, none after an empty cell, no
    digit, no value and nothing its column's recognizers take (``hits``), head rows of another shape
    than the record ``above``: the row ``below`` (read only then) holds a digit in a column where
    that record holds words, or past its end (村组,户数,人数 over 1组,45,160 below a roster of names:
    R15g-20). A cell of the record left empty or holding a placeholder (空缺, 暂缺, —: a vacant post,
    R15h-5) says nothing of its column: a vacant post over another is no header."""
    filled = [cell for cell in cells if cell]
    if above is None or len(filled) < 2 or cells[:len(filled)] != filled or any(
            len(cell) > _SHORT or _DIGIT.search(cell) or has_value(cell) or hits(cell, i)
            for i, cell in enumerate(filled)):
        return False
    words = [bool(cell.strip()) and not VACANT.fullmatch(cell.strip()) and not _DIGIT.search(cell)
             for cell in above]
    after = below()
    return after is not None and any(_DIGIT.search(cell) and (i >= len(words) or words[i])
                                     for i, cell in enumerate(after))


def short_record(cells: list[str], above: list[str] | None, below: Callable[[], list[str] | None]) -> bool:
    """Whether ``cells``, column names as heading_row takes them, are a record short of cells, not a
    header of its own (a post no one holds, 财务部门,负责人,,,: R15f-24): they fill fewer cells than the
    record ``above`` and the row ``below`` gives (read only then)."""
    filled = sum(1 for cell in cells if cell.strip())
    if filled >= sum(1 for cell in above or () if cell.strip()):
        return False
    after = below()
    return after is not None and filled < sum(1 for cell in after if cell.strip())


def _first_line(cell: str, names_column: Callable[[str], bool]) -> str:
    """``cell`` as a heading is judged: its text before a control character (a line break, a tab,
    ESC) when that text names a known column (身份证号 over a second line, 姓名 before a tab: R15d-37),
    else the whole cell. Such a header is the header; its names are the cells as they are."""
    first = _CONTROL.split(cell, 1)[0].strip()
    return first if first != cell and first and names_column(first) else cell


def is_note(cells: list[str]) -> bool:
    """Whether a row's filled ``cells`` are all label：value items (单位：某乡, 电话：138..., 审核：李四),
    one a cell as a 填报 line spreads them across the width, or the value of a bare label before it
    (填报日期：, then a date cell): a note, not a record."""
    labels = [LABEL.fullmatch(cell) is not None for cell in cells]
    bare = [label and cell.rstrip()[-1] in "：:" for label, cell in zip(labels, cells, strict=True)]
    return any(labels) and all(labels[i] or (i and bare[i - 1]) for i in range(len(cells)))


def known_alone(cells: list[str], valued: bool, names_column: Callable[[str], bool]) -> bool:
    """Whether a row of one filled cell names a known column (姓名 over rows of name, ID number and
    mobile), holding no value, number or date: the header, short of names, not a title."""
    (cell,) = cells
    return not valued and not _NUMBER.fullmatch(cell) and len(cell) <= NAME_LIMIT and names_column(cell)


def split_head(head: list[list[str]], lines: list[int], *, has_value: Callable[[str], bool], width: Width,
               skips: Skips, unit: str = "line", where: str = "",
               names_column: Callable[[str], bool] = lambda cell: False,
               fits: Callable[[list[str], list[str]], int] = lambda header, row: 0,
               ) -> tuple[list[str], list[list[str]], bool]:
    """(column names, the data rows of ``head``, whether a header was found) for the file's first
    rows ``head`` starting on ``lines``; title rows are reported to ``skips`` (``where`` before the
    reason: a sheet's name), and ``width`` learns the header's width (the data rows of ``head``
    noted against it); ``fits`` as find_header's."""
    at, headed = find_header(head, has_value, names_column, fits)
    merged = two_row_header(head[at - 1], head[at], names_column) if headed and at else None
    first = at - 1 if merged is not None else at  # the header's first row
    if headed and merged is None and at + 1 < len(head) and _names_below(head[at], head[at + 1], has_value):
        merged = two_row_header(head[at], head[at + 1], lambda name: True)
        at += 1
    if headed:
        header, data = merged or head[at], head[at + 1:]
    else:
        header, data = [f"column_{i + 1}" for i in range(len(head[at]) if at < len(head) else 0)], head[at:]
    if first:
        above = f"{unit} {lines[0]}" if first == 1 else f"{unit}s {lines[0]}-{lines[first - 1]}"
        rows = f"{unit} {lines[at]}" if first == at else f"{unit}s {lines[first]}-{lines[at]}"
        below = f"the header ({rows})" if headed else f"the data (no header row; {unit} {lines[at]} on)"
        skips.note(f"{where}{above} above {below} read as a title: not classified", line=lines[0])
    width.header = len(header)
    for row, line in zip(data, lines[len(head) - len(data):], strict=True):
        if len(row) > width.header:
            width.note(row, line)
    return header, data, headed


def _names_below(header: list[str], row: list[str], has_value: Callable[[str], bool]) -> bool:
    """Whether ``row``, under the header, names the columns of its merged cells: it holds no value,
    number or date, and its cells stand only under the header's blanks and the names that head them
    (序号,姓名,基本情况,,, over ,,性别,身份证号码,住址: a group over its names), within the header's
    width, leaving a name of the header alone. A first record under a short header (王芳 under 姓名,
    cells past the header) is no such row."""
    names = [cell.strip() for cell in header]
    cells = [cell.strip() for cell in row]
    filled = [i for i, cell in enumerate(cells) if cell]
    if not filled or filled[-1] >= len(names):
        return False
    if any(has_value(cells[i]) or _NUMBER.fullmatch(cells[i]) or len(cells[i]) > NAME_LIMIT for i in filled):
        return False
    heads = {i for i, name in enumerate(names) if name and i + 1 < len(names) and not names[i + 1]}
    return all(not names[i] or i in heads for i in filled) and any(
        name and (i >= len(cells) or not cells[i]) for i, name in enumerate(names))


def two_row_header(top: list[str], header: list[str], names_column: Callable[[str], bool]) -> list[str] | None:
    """The header of two rows when the row above ``header`` names known columns over its blanks
    (姓名,身份证号码,家庭成员情况,,, over ,,关系,姓名,身份证号,电话: R15c-3), else None (a title or a group
    row over a full header stays a title). A name of the top row over names of the lower one (a merged
    cell) heads them: 家庭成员情况.关系, 家庭成员情况.姓名 ... as a JSON record's paths do."""
    width = max(len(top), len(header))
    upper = [cell.strip() for cell in top] + [""] * (width - len(top))
    lower = [cell.strip() for cell in header] + [""] * (width - len(header))
    alone = [name for name, below in zip(upper, lower, strict=True) if name and not below]
    if not alone or not all(len(name) <= NAME_LIMIT and names_column(name) for name in alone):
        return None
    # a name over a name heads a merged cell: the cell after it is blank (not 姓名,身份证号 over a record)
    if any(name and below and (i + 1 >= width or upper[i + 1])
           for i, (name, below) in enumerate(zip(upper, lower, strict=True))):
        return None
    names, group = [], ""
    for name, below in zip(upper, lower, strict=True):
        if name and not below:
            group = ""
            names.append(name)
        else:
            group = name or (group if below else "")
            names.append(f"{group}.{below}" if group and below else below)
    return names
