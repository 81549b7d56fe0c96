"""Forms (登记表, 采集表, 审批表) laid out as label cells beside value cells (stage: classification; a
part of sources/files.py).

A 个人信息采集表 is not a table: under its title, rows of label and value cells side by side
(``姓名,孙芳军,性别,男`` / ``身份证号,<ID>,联系电话,<mobile>`` / ``家庭住址,<address>,银行卡号,<card>``),
one person per sheet, or one block per person down a sheet. Read as a table, its first row of
pairs was the header (the person's name a column name, shown in clear: R15d-2, R15e-10) and the
ID number and bank card were values of columns named 男 and 孙芳军, never found. A form is read as
records: each label a field, the value beside it its value, a record ending where a label comes
again (the next person's block).

A row of pairs is read over its filled cells: a template merges a value over two or three columns
(openpyxl and a WPS CSV export give the merged range's other cells as empty: ``姓名,<name>,,性别,男,``)
and draws the form from column B (R15f-4). A label is a short cell holding no value and no digit; its
value the filled cell after it, unless that one stands apart from it (empty cells between) and names
a column itself: then the label's value is blank and that cell the next label.

A text is a form when, above its first header row, after its title rows, the rows that are not
blank, one-cell headings (家庭主要成员及重要社会关系) or note rows (编号：2024001, 填表人：王五 / 填表日期：…)
are rows of pairs (an odd row among them, fewer than the rows of pairs, is left and said, not the form
undone: R15g-8); at least FORM_LABELS labels name known columns (姓名, 身份证号, 联系电话), the values
are mostly not column words (与户主关系 = 户主 is a value: R15f-5; a header row is all column words)
and some value is data a recognizer takes under its label (a 数据字典's 姓名 = varchar(50) is none:
R15f-34); a first row of column names (字段名称,字段类型) makes a table.

A value of the kind of the one before it (联系电话,<mobile>,<mobile>) is the label's second field; a
label naming a column may be longer than a value-free label (申请人家庭上年度人均可支配月收入（元）).

A header row (three or more column names side by side, one merged over two columns among them)
below the form's rows ends the form: the
rows from it are a table (a 低保申请审批表's 家庭成员, a 干部任免审批表's 家庭主要成员, a 汇总名单 after 15
登记表 blocks: R15f-6, R15f-14, R15f-1), read by the caller.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from itertools import pairwise
from typing import Final

from govsoc.classification.columns import ColumnSample
from govsoc.classification.sources.base import TableSample, named
from govsoc.classification.sources.cells import Numbered, column_hits
from govsoc.classification.sources.layout import HEADING_ENDS, LABEL, heading_row
from govsoc.classification.sources.sampling import reservoir
from govsoc.classification.sources.skips import Skips

__all__ = ["FORM_AHEAD", "FORM_LABELS", "is_form", "form_records", "form_table"]

#: Labels naming known columns a form needs (fewer: a table's header, a note line).
FORM_LABELS: Final = 3
#: Rows read ahead below a header of its own to see whether a form begins there again (审批表 blocks
#: down one file: its rows of pairs up to the 家庭成员 header).
FORM_AHEAD: Final = 8
#: Longest label (characters).
_LABEL: Final = 16
#: Fewest column names of a header row inside a form (与户主关系,户主 is a label and its value).
_HEADER: Final = 3

#: How the labels of sign-off and title items begin (填表人, 填报日期, 审核人, 编号, 单位, 日期).
_NOTES: Final = ("填表", "填报", "审核", "审批", "制表", "经办", "录入", "报送", "负责人", "签字", "签名", "盖章",
                 "编号", "日期", "单位")
#: How they end (单位负责人, 本人签字, 单位盖章); never 单位, 日期 or 编号: 工作单位, 所在单位, 出生日期
#: and 证件编号 are a person's fields (R15h: a row holding 工作单位 was dropped as a note).
_NOTE_ENDS: Final = ("填表人", "填报人", "审核人", "审批人", "制表人", "经办人", "负责人", "签字", "签名", "盖章")
#: Blanks between the letters of a label spaced out for alignment (姓  名, 姓　　名, 住    址).
_BLANK: Final = "[ \t\u3000\xa0]"
#: One letter of a spaced label, then blanks or the label's colon.
_SPACED_LETTER: Final = re.compile(f"([^\\W\\d_])(?:{_BLANK}+|(?={_BLANK}*[：:]))")
#: The last letter of a spaced label, ending its cell (人 of 填  表  人: no blank after it).
_LAST_LETTER: Final = re.compile(r"[^\W\d_]")
#: Where a label：value item's label ends.
_ITEM: Final = re.compile(r"\s*[：:]\s*")

#: A label and its value in one cell split by blanks: spaces, a full-width space, a tab (R15h-19).
_SPACED: Final = re.compile(r"([^\W\d_][^\W\d]{0,11})[ \t\u3000\xa0]+(\S.*)", re.S)

Test = Callable[[str], bool]
Pairs = list[tuple[str, str]]
#: a row numbered (its line or sheet row) and a header found below a form, put there by form_records
Found = list[tuple[int, list[str]]]


def _filled(row: list[str]) -> list[tuple[int, str]]:
    """``row``'s filled cells, stripped, with their positions."""
    return [(i, cell.strip()) for i, cell in enumerate(row) if cell.strip()]


def _items(row: list[str], names_column: Test) -> list[str]:
    """``row`` with each label：value item split into a label cell and a value cell (姓名：张三,性别：男:
    a Word or 问卷 form pasted into Excel, R15g-10) when its filled cells are all such items; those
    of a sign-off's or a title's label (填表人：王五, 填报日期：…, 编号：2024001, 单位：某乡) left out,
    the row a note when they are all such (R15h: 家庭住址：… beside 工作单位：… or 填表人：… was dropped).
    A label and its value split by blanks (姓名 张三, 姓名　张三, 姓名<tab>张三: R15h-19) is read as
    such an item (see _spaced), and a label spaced out for alignment as its word (see _joined)."""
    row = _spaced([_joined(cell, names_column) for cell in row], names_column)
    filled = [cell.strip() for cell in row if cell.strip()]
    if not filled or not all(LABEL.fullmatch(cell) for cell in filled):
        return row
    # a sign-off item beside a field's (家庭住址：…, 填表人：王五) is left out, the field read (R15h)
    kept = [cell for cell in row if not cell.strip() or not _is_note(_ITEM.split(cell.strip(), 1)[0])]
    if not any(cell.strip() for cell in kept):
        return row  # sign-offs only: a note
    return [part.strip() for cell in kept for part in (_ITEM.split(cell.strip(), 1) if cell.strip() else [cell])]


def _joined(cell: str, names_column: Test) -> str:
    """``cell`` with a label spaced out for alignment written as its word and a colon (姓  名 张三,
    姓　　名：张三 -> 姓名：张三): letters each followed by blanks, joined when a colon follows them, or
    when they join into a known label (a column name, a column word's ending: 姓名, 性别, 家庭住址),
    the longest ending as a column word or a sign-off does (出生日期, not 出生; 填表人, not 填表; 身份证号码,
    not 姓名张 of 姓 名 张 三);
    else ``cell`` as it is (张 三 is a value)."""
    text, letters, ends = cell.strip(), "", [0]
    while m := _SPACED_LETTER.match(text, ends[-1]):
        letters, ends = letters + m[1], [*ends, m.end()]
    if letters and _LAST_LETTER.fullmatch(text, ends[-1]):  # 填  表  人 alone: 人 ends the cell, no blank
        letters, ends = letters + text[ends[-1]:], [*ends, len(text)]
    if len(letters) < 2:
        return cell
    if (colon := _ITEM.match(text, ends[-1])) is not None:
        return f"{letters}：{text[colon.end():]}"
    known = [k for k in range(2, len(letters) + 1) if names_column(letters[:k]) or _is_note(letters[:k])
             or letters[:k].endswith(HEADING_ENDS)]
    if not known:
        return cell
    k = max((k for k in known if letters[:k].endswith((*HEADING_ENDS, *_NOTE_ENDS))), default=known[0])
    # a label alone in its cell (填  表  人, its value in the next cell) is the label, no item (R15j-7)
    return f"{letters[:k]}：{text[ends[k]:]}" if ends[k] < len(text) else letters[:k]


def _is_note(label: str) -> bool:
    """Whether ``label`` is a sign-off's or a title's (填表人, 填报日期, 编号, 单位)."""
    return label.startswith(_NOTES) or label.endswith(_NOTE_ENDS)


def _spaced(row: list[str], names_column: Test) -> list[str]:
    """``row`` with its label-blanks-value cells written label：value (姓名 张三 -> 姓名：张三), when its
    filled cells are all such cells or label：value items and most of the labels split by blanks are
    column words or a note's (姓名, 性别, 家庭住址, 填表人; not 张伟 before a phone number, nor 北京市
    before 朝阳区); else ``row`` as it is."""
    filled = [cell.strip() for cell in row if cell.strip()]
    spaced = [m for cell in filled if not LABEL.fullmatch(cell) and (m := _SPACED.fullmatch(cell))]
    if not spaced or len(spaced) + sum(1 for cell in filled if LABEL.fullmatch(cell)) < len(filled):
        return row
    words = sum(names_column(m[1]) or m[1].endswith(HEADING_ENDS) or _is_note(m[1]) for m in spaced)
    if 2 * words <= len(spaced):
        return row
    return [f"{m[1]}：{m[2].strip()}" if (m := _SPACED.fullmatch(cell.strip())) and not LABEL.fullmatch(cell.strip())
            else cell for cell in row]


def _label(cell: str, has_value: Test, names_column: Test) -> bool:
    """Whether ``cell`` can be a label: short, not mostly digits (序号 15, a date, an ID number;
    联系电话2 is a label), no value unless it names a column (与户主关系 holds the relation word 户主).
    A longer one is a label when it names a column and holds no value (申请人家庭上年度人均可支配月收入
    （元）: R15g-8); a sentence (本人承诺以上所填信息真实有效…) is none."""
    if 2 * sum(ch.isdigit() for ch in cell) >= len(cell):
        return False
    if len(cell) > _LABEL:
        return names_column(cell) and not has_value(cell)
    return names_column(cell) or not has_value(cell)


def _pairs(cells: list[tuple[int, str]], has_value: Test, names_column: Test) -> Pairs | None:
    """The (label, value) pairs of a row of filled ``cells`` when it is a row of pairs, else None."""
    if len(cells) < 2:
        return None
    pairs: Pairs = []
    i, more = 0, False
    while i < len(cells):
        at, label = cells[i]
        if not _label(label, has_value, names_column):
            return None
        after = cells[i + 1] if i + 1 < len(cells) else None
        if after is None or after[0] > at + 1 and _label(after[1], has_value, names_column) and names_column(after[1]):
            pairs.append((label, ""))  # 姓名,,性别,男: a blank value, 性别 the next label
            i += 1
        else:
            pairs.append((label, after[1]))
            past = _more_values(cells, i + 2, pairs)
            more, i = more or past > i + 2, past
    # one label and its values is a record per column (姓名,张三,李四: a table drawn sideways), no pairs
    return None if more and len({label for label, _ in pairs}) == 1 else pairs


def _more_values(cells: list[tuple[int, str]], i: int, pairs: Pairs) -> int:
    """The place after the values at ``i`` of the kind of the last pair's (联系电话,<mobile>,<mobile>:
    a second phone, R15g-8), each put in ``pairs`` under its label (a second field of it)."""
    label, first = pairs[-1]
    hits = column_hits([label])
    kinds = set(hits(first, 0))
    while i < len(cells) and kinds and kinds & set(hits(cells[i][1], 0)):
        pairs.append((label, cells[i][1]))
        i += 1
    return i


def _note(cells: list[tuple[int, str]]) -> bool:
    """Whether filled ``cells`` (two or more) are a title or sign-off row: label：value items
    (填表人：王五,,,填表日期：…), or a title apart from them (个人信息采集表,,,编号：2024001); a label
    beside its value (备注,电话：已核实) is a pair."""
    items = all(LABEL.fullmatch(cell) for _, cell in cells[1:])
    return items and (bool(LABEL.fullmatch(cells[0][1])) or cells[1][0] > cells[0][0] + 1)


def _header(cells: list[tuple[int, str]], has_value: Test, names_column: Test, least: int = _HEADER) -> bool:
    """Whether filled ``cells`` are a header row: ``least`` or more column names side by side, or
    labels side by side, most of them column words (称谓,姓名,年龄,政治面貌,工作单位及职务), none of
    them a value a recognizer takes under the one before it (姓名,张英,与户主关系,户主 is pairs)."""
    texts = [cell for _, cell in cells]
    if len(cells) < least or not _side_by_side(cells):
        return False
    # heading_row takes two names among words (月份,发放金额,银行卡号: R15f-8); inside a form a header
    # names a column in every cell (民族,汉族,籍贯,浙江杭州 is pairs)
    if heading_row(texts, has_value, names_column) and all(
            names_column(text) or text.endswith(HEADING_ENDS) and not has_value(text) for text in texts):
        return True
    if not all(_label(text, has_value, names_column) for text in texts):
        return False
    words = sum(names_column(text) or text.endswith(HEADING_ENDS) for text in texts)
    # a column name is no value under the one before it, whatever a recognizer reads in it (与户主关系
    # holds 关系, a name after 户主: R15g-2, an ordinary 户籍 roster read as a 登记表)
    return 2 * words > len(texts) and not any(column_hits([a])(b, 0) for a, b in pairwise(texts)
                                              if not names_column(b))


def _side_by_side(cells: list[tuple[int, str]]) -> bool:
    """Whether filled ``cells`` stand side by side, but for a merged one (称谓,姓名,,年龄,工作单位:
    姓名 over two columns, R15g-8): more cells beside the one before them than apart from it (a row
    of labels with blank values, 姓名,,性别,,民族, is all apart)."""
    apart = sum(b > a + 1 for (a, _), (b, _) in pairwise(cells))
    return not apart or len(cells) - 1 - apart > apart


def _table_head(cells: list[tuple[int, str]], rows: Numbered, has_value: Test, names_column: Test) -> bool:
    """Whether filled ``cells`` inside a form head a table of as many columns (联络员,联系电话 over
    杨强,138...: R15g-9): side by side, labels without a digit, one naming a known column, none a value
    a recognizer takes under the one before it; the row below fills the same cells, its first no
    label naming a column (身份证号,<ID> below 与户主关系,户主 is the form's), and holds what the
    header's columns take."""
    texts = [cell for _, cell in cells]
    if (len(cells) < 2 or cells[-1][0] - cells[0][0] != len(cells) - 1 or any(ch.isdigit() for ch in "".join(texts))
            or not any(names_column(text) for text in texts)):
        return False
    # the row below first (a form's next row opens with a label naming a column): the recognizers last
    under = _filled(rows.peek() or [])
    if [at for at, _ in under] != [at for at, _ in cells] or names_column(under[0][1]):
        return False
    if not all(_label(text, has_value, names_column) for text in texts) or any(
            column_hits([a])(b, 0) for a, b in pairwise(texts) if not names_column(b)):
        return False
    hits = column_hits(texts)
    return any(hits(text, k) for k, (_, text) in enumerate(under))


def _form_rows(head: Iterable[list[str]], has_value: Test, names_column: Test) -> list[Pairs] | None:
    """The rows of pairs of the form ``head`` begins with (up to a header row), None when a row there
    is none of pairs, headings, notes or blank, or the first is a header."""
    rows: list[Pairs] = []
    odd = 0
    for row in head:
        cells = _filled(_items(row, names_column))
        if not cells or len(cells) == 1 or _note(cells):
            continue  # blank, a title or a section heading, a title or sign-off row
        if _header(cells, has_value, names_column, _HEADER if rows else 2):
            break  # 字段名称,字段类型 first: a table; a header below the pairs: the form ends
        pairs = _pairs(cells, has_value, names_column)
        if pairs is None and not rows:
            return None  # a form opens with pairs
        odd += pairs is None  # one odd row does not undo the form (R15g-8): form_records says it is left
        rows.extend([pairs] if pairs is not None else [])
    return rows if odd < len(rows) else None


def is_form(head: list[list[str]], has_value: Test, names_column: Test) -> bool:
    """Whether the first rows ``head`` of a text are a form's (see the module docstring)."""
    rows = _form_rows(head, has_value, names_column)
    pairs = [pair for row in rows or [] for pair in row]
    values = [(label, value) for label, value in pairs if value]
    if sum(names_column(label) for label, _ in pairs) < FORM_LABELS:
        return False
    if 2 * sum(names_column(value) for _, value in values) > len(values):
        return False  # mostly column words: a header's, not data
    return any(column_hits([label])(value, 0) for label, value in values)


def form_records(rows: Numbered, has_value: Test, names_column: Test,
                 found: Found, left: list[int] | None = None) -> Iterator[dict[str, str]]:
    """The records of a form's numbered rows: label -> value, a new record where the record's first
    label comes again, or any of its labels opening a row or after a row of none (the next block);
    a label again beside another inside a block is a second field (联系电话, 联系电话#2: R15g-18).
    Rows of one cell (titles,
    section headings), notes and blank rows hold none. A header
    row ends them (or a row of names over a record of as many cells: _table_head): it is put in
    ``found`` (the rows after it are a table's, the one read ahead held in ``rows``). The numbers
    of rows of none of these kinds, not read, go to ``left``."""
    record: dict[str, str] = {}
    apart = False  # a blank row, a title or a note since the record's last pair
    for number, row in rows:
        cells = _filled(_items(row, names_column))
        if not cells or len(cells) == 1 or _note(cells):
            apart = True
            continue
        if _header(cells, has_value, names_column) or _table_head(cells, rows, has_value, names_column):
            found.append((number, row))
            break
        pairs = _pairs(cells, has_value, names_column)
        if pairs is None and left is not None:
            left.append(number)
        for at, (label, value) in enumerate(pairs or []):
            # a second 联系电话 beside another label is the block's; a row opening with a label met, the next block's
            if label in record and (apart or not at or label == next(iter(record))):
                yield record
                record = {}
            record[_again(label, record)] = value
            apart = False
    if record:
        yield record


def _again(label: str, record: dict[str, str]) -> str:
    """``label``, or ``label#N`` when ``record`` holds it already (a second 联系电话 in one block)."""
    return next(name for n in range(1, len(record) + 2)
                if (name := label if n == 1 else f"{label}#{n}") not in record)


def form_table(dataset: str, table: str, rows: Numbered, sample: int, skips: Skips,
               where: str = "", *, has_value: Test, names_column: Test, found: Found, unit: str = "row") -> TableSample:
    """The form whose numbered rows are ``rows`` as a table of ``sample`` sampled records, the labels
    its fields (in the order first met); the reading noted in ``skips`` (``where`` before it: a
    sheet). A header row that ends the form is put in ``found`` (the caller reads the table under it)."""
    left: list[int] = []
    records, total = reservoir(form_records(rows, has_value, names_column, found, left), sample)
    fields: dict[str, list[str]] = {}
    for record in records:
        for label, value in record.items():
            fields.setdefault(label, [])
            if value:
                fields[label].append(value)
    after = f"; a header below it ({unit} {found[0][0]}) begins a table" if found else ""
    skips.note(f"{where}a form (label cells beside value cells: {', '.join(list(fields)[:3])} ...): "
               f"read as {total:,} record{'s' if total != 1 else ''}, the labels as fields{after}")
    if left:  # a roster under the form without a header of its own: said, never dropped unseen
        skips.add(f"{where}{len(left):,} {unit}{'s' if len(left) != 1 else ''} inside the form neither label "
                  f"and value cells nor a heading (the first on this {unit}): not read, look at them", line=left[0])
    renamed: list[str] = []
    columns = tuple(ColumnSample(dataset=dataset, field=named(label, renamed), values=values, rows=total)
                    for label, values in fields.items())
    skips.renamed(renamed)
    return TableSample(dataset=dataset, table=table, rows=total, columns=columns, skipped=tuple(skips.listed),
                       skipped_count=skips.count)
