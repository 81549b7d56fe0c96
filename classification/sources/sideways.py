"""Tables drawn sideways (stage: classification; a part of sources/files.py, beside sources/layout.py):
a field per row, its name in the first cell, a record per column (a roster pasted transposed, a
申请表's 家庭成员 part: R15g-11), told by the known columns their first cells name and read turned back.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from itertools import zip_longest
from typing import Final

from govsoc.classification.role_names import is_role_heading
from govsoc.classification.sources.layout import KNOWN_NAMES, NAME_LIMIT

__all__ = ["SIDEWAYS", "sideways"]

#: A digit anywhere: no field name holds one.
_DIGIT: Final = re.compile(r"\d")

#: What is said of a table drawn sideways, read turned back (sideways: R15g-11).
SIDEWAYS: Final = ("a table drawn sideways (a field per row, its name in the first cell; a record per column): "
                   "read turned back, each column a record")


def sideways(head: list[list[str]], names_column: Callable[[str], bool],
             fits: Callable[[list[str], list[str]], int] | None = None) -> list[list[str]] | None:
    """``head``, a whole short text that is no form, turned back when it is a table drawn sideways (a
    field per row, its name in the first cell, a record per column: a roster pasted transposed, a
    申请表's 家庭成员 part, R15g-11), else None: rows of three cells or more whose first cells are short
    names without a digit, KNOWN_NAMES of them and half the rows at least naming known columns (姓名,
    身份证号, 联系电话; not a 登记表 over its 家庭成员 table, their names first in rows), and at
    most half the rows with a cell past the first naming one (称谓,户主,配偶 and 健康状况,…,残疾 are
    values; a 登记表's labels in its third column are on every row). A role or kin word first
    (法定代表人, 联系人, 投保人, 受益人, 户主) names no field: it is a value, the row a person's record
    (角色,姓名,身份证号码,手机号码 over 法定代表人,张三,...: R15h-3), and a first row naming two known
    columns past its first cell, none a role, is an ordinary table's header. Two rows (姓名 over
    身份证号, one or two people across) are too few to be told by their names alone: _two_rows."""
    rows = [[cell.strip() for cell in row] for row in head if any(cell.strip() for cell in row)]
    if len(rows) == 2 and fits is not None:
        return _two_rows(rows, names_column, fits)
    if len(rows) < KNOWN_NAMES or any(len(row) < 3 or not row[0] or len(row[0]) > NAME_LIMIT
                                      or _DIGIT.search(row[0]) for row in rows):
        return None
    if sum(1 for cell in rows[0][1:] if cell and _field_name(cell, names_column)) >= 2:
        return None
    known = sum(1 for row in rows if _field_name(row[0], names_column))
    if known < KNOWN_NAMES or known * 2 < len(rows) or sum(
            1 for row in rows if any(names_column(cell) for cell in row[1:] if cell)) > len(rows) // 2:
        return None
    return [list(cells) for cells in zip_longest(*rows, fillvalue="")]


def _two_rows(rows: list[list[str]], names_column: Callable[[str], bool],
              fits: Callable[[list[str], list[str]], int]) -> list[list[str]] | None:
    """Two rows, each a known column's name (not a role) then its values, turned back when every
    record across holds a value its field's recognizers take (``fits``: a valid ID number under
    身份证号). Read by rows, the first row was the header and the person's name a column name, the
    ID number a value of it: 一般数据（1级） (R15j-14). A header over one record never opens with two
    column names down its first column (姓名 over 张三), nor does a 数据字典 hold data."""
    if any(len(row) < 2 or not _field_name(row[0], names_column) for row in rows) or any(
            cell and _field_name(cell, names_column) for row in rows for cell in row[1:]):
        return None
    turned = [list(cells) for cells in zip_longest(*rows, fillvalue="")]
    return turned if all(fits(turned[0], record) for record in turned[1:]) else None


def _field_name(cell: str, names_column: Callable[[str], bool]) -> bool:
    """Whether ``cell`` names a known column as a field does: not a role or kin word (法定代表人,
    受益人, 户主 name a person's part, a value of a 角色 column: R15h-3)."""
    return names_column(cell) and not is_role_heading(cell)
