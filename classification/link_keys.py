"""What a table keeps for linking to the other tables of a scan (stage: classification; a part of
linked_tables.py, GB/T 43697-2024 §6.6 汇聚融合).

A column links two tables only when it may identify a record: the key headings of each table
(编号, and person_id for person.id) and, per column, a bottom-k sketch of its values (the SKETCH
smallest CRC-32s: two sketches share as large a part as their columns' values do) and what makes
it no key however its values overlap another's (R15h-2):

- a running number: integers within 1..rows (every roster numbers its rows, every table's
  autoincrement id counts from 1): a key only by a heading naming its table (cert.person_id for
  person.id) or its records (人员编号), or between the sheets of one workbook or the tables of one
  database (编号 of 基本信息 and 证件信息: one list spread over sheets, R15i-5), never by a plain
  heading two files share (编号 and 编号 of two rosters);
- dates (2024-03-01, 2024年3月1日, 20240301): every table of one month shares them;
- a category: a heading naming one (单位, 部门, 性别, 民族...), fewer than MIN_KEYS values, which
  repeat (单位 of three offices), or values each on REPEATS sampled rows and more (20 units' codes
  over 400 staff): a group of people, not a person.

No value is kept: a table's sample gives its hashes, or the reader's sketch of all the column's
values when it saw more rows than it sampled (sources.key_sketch, R15h-15).
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import Final

from govsoc.classification import households
from govsoc.classification.column_sample import row_for_row
from govsoc.classification.columns import ColumnSample
from govsoc.classification.households import HEADS, HOUSEHOLD_KEYS
from govsoc.classification.sources.base import TableSample
from govsoc.classification.sources.key_sketch import DATE as _DATE
from govsoc.classification.sources.key_sketch import MIN_KEYS, SKETCH, KeySketch, value_hash

__all__ = ["Keys", "keys_of", "SKETCH", "MIN_KEYS", "REPEATS", "ROW_NUMBERS", "SURROGATES", "CATEGORIES", "PEOPLE",
           "own_name", "varying", "VARIED", "household", "HOUSEHOLD_KEYS", "HEADS"]

#: Sampled rows a value of a column holds on average from which the column is a category (a unit's code).
REPEATS: Final = 20
#: Values of a key seen on two sampled rows and more from which :func:`varying` tells what differs under one.
VARIED: Final = 3
#: Headings of row numbers, never a key between tables (lower case).
ROW_NUMBERS: Final = frozenset({"序号", "行号", "序", "顺序号", "no", "no.", "#", "index", "rownum", "row", "line"})
#: Headings of a table's own surrogate key, which join another table only as ``<table>_id`` (lower case).
SURROGATES: Final = frozenset({"id", "_id", "pk", "rowid", "oid", "uuid", "key"})
#: Headings of a category of people (a group, never one person's record), lower case.
CATEGORIES: Final = frozenset({
    "单位", "部门", "科室", "处室", "所属单位", "所在单位", "工作单位", "单位名称", "部门名称", "机构", "所属机构",
    "性别", "民族", "地区", "区县", "区划", "乡镇", "街道", "社区", "村", "村组", "类型", "类别", "状态",
    "职务", "职级", "dept", "department", "unit", "org", "gender", "sex", "type", "status", "category"})
_FILE_PART: Final = re.compile(r" \((?:line|row) \d+\)$")
#: What a heading numbering people ends its kind with (人员编号, 工号, 学号, 持有人编号, user_id), lower case.
PEOPLE: Final = ("人员", "人", "工", "职工", "员工", "学", "学生", "用户", "客户", "会员", "患者", "病人", "person",
                 "user", "staff", "employee", "emp", "member", "customer", "patient")
#: A heading naming one kind of record's number (人员编号, 档案编号, 工号, 人员ID, person_no, user_id): a
#: running number under it is that record's key whatever its table is called (a 人员库's two exported
#: files, 人员信息.csv and 证件信息.csv, both by 人员编号 1..n: R15i-1). A bare 编号, id or No. names none.
_NUMBER_WORDS: Final = ("编号", "编码", "代码", "号", "number", "code", "id", "no.", "no")


@dataclass(frozen=True, slots=True, kw_only=True)
class Keys:
    """What a table keeps for linking (not its values): the name of each column that may be a key
    (key heading -> column index; ``qualified``: the headings naming the table, person_id of
    person.id), a bottom-k sketch of each column's values (distinct values, hashes, nearly all
    distinct), its running-number columns (``numbered``: keys only by a qualified heading) and
    its columns that are no key (``unkeyed``: dates, categories); the table's ``name`` and ``fields``
    and the foreign keys its database declares (``declared``: column -> (table, field), R15h-8)."""

    headings: dict[str, int]
    sketches: tuple[tuple[int, frozenset[int], bool], ...]
    qualified: frozenset[str] = frozenset()
    numbered: frozenset[int] = frozenset()
    unkeyed: frozenset[int] = frozenset()
    name: str = ""
    fields: tuple[str, ...] = ()
    declared: tuple[tuple[int, str, str], ...] = ()
    #: the file or database the table is part of (a workbook's sheets share one)
    dataset: str = ""
    #: per column repeated in the sample, the other columns whose values differ between its rows of one
    #: value (参保人员: 5 employees' ID numbers under one 统一社会信用代码; R15i-19), :func:`varying`
    varies: tuple[frozenset[int], ...] = ()
    #: per column that may hold a small table's keys past its sketch, its values' DEEP smallest hashes
    #: (sources.key_sketch: a 抽查 list contained in a register, R15i-21) packed as unsigned 32-bit
    #: integers (8 KiB, not a set's 120), else b""
    deep: tuple[bytes, ...] = ()


def own_name(table: TableSample) -> str:
    """The table's own name, lower case: the last part of ``db.table`` or ``file.xlsx:sheet``, a
    file's stem (roster of roster.csv: every CSV's ``id`` is not ``csv_id``, R15h-2)."""
    name = _FILE_PART.sub("", (table.table or table.dataset).strip())
    if name == PurePath(table.dataset).name or not table.table:
        name = PurePath(name).stem
    return re.split(r"[.:/\\]", name)[-1].lower()


def keys_of(table: TableSample) -> Keys:
    """The table's :class:`Keys` (its headings as keys: 编号, and person_id as person.id is)."""
    headings: dict[str, int] = {}
    qualified: set[str] = set()
    sketches = []
    numbered, unkeyed = set(), set()
    own = own_name(table)
    for i, column in enumerate(table.columns):
        values = {v.strip() for v in column.values if v.strip()}
        sketches.append(_sketch(column, values, _whole(table, i)))
        field = column.field.strip().lower()
        if _numbered(values, table.rows):
            numbered.add(i)
        if field in CATEGORIES or _dated(values) or _category(values, column, people=_names_people(field)):
            unkeyed.add(i)
        if field and field not in ROW_NUMBERS:
            # every table's own id 1..n: a key of another table only as person_id; one of values (UUIDs)
            # two tables share is one entity's, split by columns (user / user_profile: R15i-22)
            if field not in SURROGATES or i not in numbered:
                headings.setdefault(field, i)
                if _names_records(field):
                    qualified.add(field)
            if own and not field.startswith(own):
                for heading in (f"{own}_{field}", f"{own}{field}"):
                    headings.setdefault(heading, i)
                    qualified.add(heading)
    fields = tuple(c.field for c in table.columns)
    declared = tuple((fields.index(r.column), r.table, r.other_column) for r in table.references if r.column in fields)
    return Keys(headings=headings, sketches=tuple(sketches), qualified=frozenset(qualified),
                numbered=frozenset(numbered), unkeyed=frozenset(unkeyed), name=table.table, fields=fields,
                declared=declared, dataset=table.dataset,
                varies=tuple(varying(table, i) if i not in unkeyed and not sketches[i][2] else frozenset()
                             for i in range(len(table.columns))),
                deep=tuple(b"" if i in unkeyed else _deep(table, i, sketches[i]) for i in range(len(table.columns))))


def _whole(table: TableSample, i: int) -> KeySketch | None:
    """The reader's sketch of column ``i`` over all the rows, when it made one."""
    return table.keys[i] if i < len(table.keys) and table.keys[i].field == table.columns[i].field else None


def _deep(table: TableSample, i: int, sketch: tuple[int, frozenset[int], bool]) -> bytes:
    """Column ``i``'s deep hashes (sources.key_sketch), packed, when it may hold another table's keys
    past its sketch: nearly all distinct, more values than the sketch holds, more rows than sampled."""
    whole = _whole(table, i)
    size, _, unique = sketch
    if whole is None or not unique or size <= SKETCH or whole.rows <= len(table.columns[i].values):
        return b""
    return array("I", sorted(whole.deep)).tobytes()


def varying(table: TableSample, key: int) -> frozenset[int]:
    """The columns of ``table`` whose values differ between the sampled rows of one value of column
    ``key`` in half the values seen on two rows and more (VARIED of them at least, half the values
    seen): 5 employees' ID numbers under their enterprise's code, where a person's log repeats one
    ID number under a 工号. A household's key (:func:`household`) is no group's: none.
    Columns are paired row for row (column_sample.row_for_row)."""
    rows = row_for_row(table.columns)
    keys = rows[key]
    if keys is None:
        return frozenset()
    groups: dict[str, list[int]] = {}
    for place, value in enumerate(keys):
        if value.strip():
            groups.setdefault(value.strip(), []).append(place)
    repeated = [places for places in groups.values() if len(places) > 1]
    # most values repeat, as a group's members are its rule; a person holding a second document is
    # the exception in a table of people's documents (fk_cert of R15i: 1 in 3 people, held linked)
    if len(repeated) < VARIED or len(repeated) * 2 < len(groups):
        return frozenset()
    if household(table.columns[key].field, table.columns, rows, repeated):
        return frozenset()
    found = set()
    for i, cells in enumerate(rows):
        if i == key or cells is None:
            continue
        seen = [{cells[p].strip() for p in places} - {""} for places in repeated]
        seen = [values for values in seen if values]
        if len(seen) >= VARIED and sum(1 for values in seen if len(values) > 1) * 2 >= len(seen):
            found.add(i)
    return frozenset(found)


def household(field: str, columns: Sequence[ColumnSample], rows: Sequence[Sequence[str] | None],
              repeated: Sequence[Sequence[int]]) -> bool:
    """Whether the key ``field`` repeated over the row places ``repeated`` is a household's
    (GB/T 43697-2024 §6.6; R15k-10, R15s): its heading names one (户号, 家庭编号, 建档立卡户编号), or its
    rows show a family (kin words or GB/T 4761 codes in a relation column, a 户主 once; head and children
    sharing a surname under a …户 the heading leaves open) in VARIED of its repeated values and half of
    them at least (households.household). A household's members are no group of strangers: its head is
    one of them, the person another table's 户主身份证号码 belongs to under the same 户号, so every
    member's name is linked to the head's ID number and phone."""
    field = field.strip().lower()
    return households.household(field, _record_kind(field), columns, rows, repeated, VARIED)


def _names_records(field: str) -> bool:
    """Whether the heading names a kind of record's number (人员编号, person_id), not only a number."""
    return bool(_record_kind(field))


def _record_kind(field: str) -> str:
    """The kind of record a heading names the number of (人员 of 人员编号, person of person_id), or ""."""
    for word in _NUMBER_WORDS:  # the longest first: 编号 is a bare number word, not 编 + 号
        if field.endswith(word):
            what = field.removesuffix(word).strip(" _-")
            named = what and what not in ROW_NUMBERS and what not in SURROGATES and not what.isdigit()
            return what if named and (not what.isascii() or len(what) >= 2) else ""
    return ""


def _names_people(field: str) -> bool:
    """Whether the heading numbers people (人员编号, 工号, 学号, user_id): a person's log repeats it on
    every row of theirs (门禁, 考勤: 365 swipes each), which no more makes it a group's code (R15i-18)."""
    return _record_kind(field).endswith(PEOPLE)


def _sketch(column: ColumnSample, values: set[str], whole: KeySketch | None) -> tuple[int, frozenset[int], bool]:
    """(distinct values, bottom-k hashes, nearly all distinct) of the column: its sampled values, or
    the reader's sketch of all of them (``whole``) when it saw more than the sample holds (R15h-15).
    Nearly all distinct is the sample's (a sample of a unique column is unique)."""
    unique = len(values) * 10 >= len(column.values) * 9
    if whole is not None and whole.rows > len(column.values):
        return max(whole.distinct, len(values)), whole.hashes, unique
    return len(values), frozenset(sorted(value_hash(v) for v in values)[:SKETCH]), unique


def _numbered(values: set[str], rows: int | None) -> bool:
    """Whether the values are row numbers: integers, none past the table's rows (a sample of 1..n)."""
    if len(values) < 2 or not all(v.isascii() and v.isdigit() for v in values):
        return False
    return max(int(v) for v in values) <= max(rows or 0, len(values)) * 21 // 20 + 1


def _dated(values: set[str]) -> bool:
    """Whether nearly all the values are dates (or times of a day)."""
    return bool(values) and sum(1 for v in values if _DATE.fullmatch(v)) * 10 >= len(values) * 9


def _category(values: set[str], column: ColumnSample, *, people: bool = False) -> bool:
    """Whether the column holds a few values, repeated, or each value on REPEATS rows and more of
    its sample (20 units' codes over 400 staff), unless its heading numbers ``people`` (a person's
    门禁 log by 工号): a category, not a person's key."""
    return bool(values) and (len(values) < MIN_KEYS and len(column.values) >= 2 * len(values)
                             or not people and len(column.values) >= REPEATS * len(values))
