"""Tables of one source joined by a key graded together for the combination rules (stage:
classification; GB/T 43697-2024 §6.6 汇聚融合, 就高从严; shared/reference/classification.md §2.6).

A relational 业务系统 (人口库, 社保, 民政) keeps a person's name in one table and the person's ID
number in another (person(id, xm), cert(person_id, zjhm)); a workbook is split into 基本信息 and
证件信息 sheets by 编号. Graded table by table, the ID table is "an ID number alone" (3级) where the
pair, joined by the key, is 身份证件号码与姓名同表 (4级, R15g-3). :func:`linked` finds the tables of a
scan that share a key column and applies the scheme's combination rules to what the linked tables
hold together: a table that holds a part of a combination the others complete is raised to the
combination's level, its basis naming the tables it is linked to and by which key; an identity
document's field linked to a name is sensitive as it is beside one (grading.IDENTITY_DOCUMENTS).

Two columns are a key between two tables when their headings are the same (编号 and 编号; not a
surrogate id, which every table has), or one is the other's table and heading (person.id and
cert.person_id); one of them identifies a record (nearly all distinct, at least MIN_KEYS values,
not a running 1..n number unless its heading names its table, not dates nor a category: link_keys,
R15h-2) and the other's values come from its set: half of them are in it (estimated from bottom-k
sketches, :class:`Keys`: a scan keeps no table's values; a file's over all its rows, sources.key_sketch,
R15h-15). A row-number heading (序号) is no key. A foreign key the database declares links its two
tables whatever their samples share (R15h-8). A key repeated over different people (names or
identity documents differing under most of its values: 5 employees under their enterprise's code)
is a group's, and links no person's information to its record (R15i-19, :func:`_of_groups`); a
household's (户号, or a 与户主关系 column marking each one's 户主) is not: its head is the person
another table keeps under it (户主身份证号码, R15k-10).
"""

from __future__ import annotations

from array import array
from collections.abc import Collection, Sequence
from dataclasses import Field, dataclass, replace
from itertools import combinations, product
from typing import Any, ClassVar, Final, Protocol, TypeVar

from govsoc.classification.columns import ColumnDecision
from govsoc.classification.grading import IDENTITY_DOCUMENTS, Scheme, column_kinds, rank, tagged_recognizers
from govsoc.classification.link_keys import MIN_KEYS, SKETCH, Keys, keys_of
from govsoc.classification.sources.key_sketch import EMPTY

__all__ = ["linked", "Link", "links", "Keys", "keys_of", "SKETCH"]

_PERSON: Final = "cn_person_name"
#: Hashes of a small table's keys in the range a large one's deep hashes cover (all of its values'
#: hashes there) from which their share found in it measures its containment.
PROBES: Final = 2
#: What names one person in a row: a key under which these differ is a group's (_of_groups).
_PEOPLE: Final = frozenset({_PERSON, *IDENTITY_DOCUMENTS})


class _Field(Protocol):
    """What is read of an inventory.FieldRecord (a dataclass: inventory imports this module)."""

    __dataclass_fields__: ClassVar[dict[str, Field[Any]]]

    @property
    def field(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def kinds(self) -> tuple[str, ...]: ...
    @property
    def pipl_sensitive(self) -> bool: ...
    @property
    def grade_basis(self) -> str: ...


class _Table(Protocol):
    """What is read of an inventory.TableRecord."""

    __dataclass_fields__: ClassVar[dict[str, Field[Any]]]

    @property
    def table(self) -> str: ...
    @property
    def level(self) -> str: ...
    @property
    def basis(self) -> str: ...
    @property
    def rows(self) -> int | None: ...
    @property
    def important_candidate(self) -> bool: ...
    @property
    def fields(self) -> Sequence[_Field]: ...


TableRecord = TypeVar("TableRecord", bound=_Table)


@dataclass(frozen=True, slots=True, kw_only=True)
class Link:
    """Column ``column`` of table ``table`` holds the key column ``other_column`` of ``other``."""

    table: int
    column: int
    other: int
    other_column: int
    shared: int
    declared: bool = False


def links(tables: Sequence[Keys], kinds: Sequence[frozenset[str]]) -> list[Link]:
    """Every key between two of ``tables`` whose ``kinds`` differ (linking same-kind tables
    changes nothing: a folder of monthly rosters is never compared pair by pair), one a pair of
    columns."""
    by_heading: dict[str, list[tuple[int, int]]] = {}
    for i, keys in enumerate(tables):
        for heading, column in keys.headings.items():
            by_heading.setdefault(heading, []).append((i, column))
    found: dict[tuple[int, int, int, int], Link] = {}
    for heading, members in by_heading.items():
        # the tables under one heading by what they hold: only tables of different kinds are compared,
        # so 1,200 monthly rosters under 编号 cost no pair at all
        groups: dict[frozenset[str], list[tuple[int, int]]] = {}
        for i, a in members:
            groups.setdefault(kinds[i], []).append((i, a))
        for first, second in combinations(groups.values(), 2):
            for one, two in product(first, second):
                (i, a), (j, b) = sorted((one, two))  # in scan order
                # a running number is a key under a heading naming its table or records, or between
                # parts of one file or database (a workbook's sheets: R15i-5), not of two files
                named = (heading in tables[i].qualified or heading in tables[j].qualified
                         or bool(tables[i].dataset) and tables[i].dataset == tables[j].dataset)
                shared = _shared(_side(tables[i], a, named), _side(tables[j], b, named)) if i != j else 0
                if shared:
                    found[(i, a, j, b)] = Link(table=i, column=a, other=j, other_column=b, shared=shared)
    found.update(_declared(tables, found))
    return list(found.values())


def _declared(tables: Sequence[Keys], found: dict[tuple[int, int, int, int], Link],
              ) -> dict[tuple[int, int, int, int], Link]:
    """The links the database declares (cert.person_id REFERENCES person(id), R15h-8): made whatever
    the samples share (tables sampled apart may share no value), when the referred column may
    identify a record and the referring one is no date nor category (link_keys)."""
    by_name = {keys.name: j for j, keys in enumerate(tables) if keys.name}
    declared: dict[tuple[int, int, int, int], Link] = {}
    for i, keys in enumerate(tables):
        for a, other, field in keys.declared:
            j = by_name.get(other, i)
            b = tables[j].fields.index(field) if field in tables[j].fields else -1
            referred = _side(tables[j], b, True) if j != i and b >= 0 else None
            if referred is None or not referred[3] or a in keys.unkeyed:
                continue
            pair = (*min((i, a), (j, b)), *max((i, a), (j, b)))  # in scan order
            shared = found[pair].shared if pair in found else 0
            declared[pair] = Link(table=pair[0], column=pair[1], other=pair[2], other_column=pair[3], shared=shared,
                                  declared=True)
    return declared


_Side = tuple[int, frozenset[int], bool, bool, bytes]


def _side(keys: Keys, column: int, named: bool) -> _Side | None:
    """The column's (distinct values, sketch, nearly all distinct, may identify a record, its deep
    hashes packed or b""), None when it is no key at all (dates, a category: link_keys). A running
    number identifies a record only under a heading naming its table (person.id as cert.person_id),
    never under a plain one (编号)."""
    if column in keys.unkeyed:
        return None
    size, sketch, unique = keys.sketches[column]
    deep = keys.deep[column] if column < len(keys.deep) else b""
    return size, sketch, unique, unique and size >= MIN_KEYS and (named or column not in keys.numbered), deep


def _shared(first: _Side | None, second: _Side | None) -> int:
    """Values (estimated past a sketch) the two columns share when one identifies a record and most
    of the other's values come from its set (R15h-2), else 0."""
    if first is None or second is None:
        return 0
    (size, sketch, _, keyed, _), (other_size, other_sketch, _, other_keyed, _) = first, second
    if size < 2 or other_size < 2 or not (keyed or other_keyed):
        return 0
    union = sorted(sketch | other_sketch)[:SKETCH]
    both = sum(1 for h in union if h in sketch and h in other_sketch)
    # |A∩B| from the sketches' Jaccard share J: J(|A|+|B|)/(1+J)
    jaccard = both / len(union)
    shared = round(jaccard * (size + other_size) / (1 + jaccard))
    # the values of the referring column come from the key's set: half its values are in it at least
    referring = [other_size] * keyed + [size] * other_keyed
    if shared >= 2 and shared * 2 >= min(referring):
        return shared
    # a small table's keys drawn from a large one's share too small a part of their union to be seen
    # in it (a 抽查 list of 500 of a register's 100,000: R15i-21): the part contained, by the deep hashes
    contained = max(_contained(first, second) if keyed else 0, _contained(second, first) if other_keyed else 0)
    return contained if contained >= 2 else 0


def _contained(key: _Side, referring: _Side) -> int:
    """The referring column's values (estimated) in the key column's set: the key's deep hashes are
    all of its values' hashes up to the largest of them (sources.key_sketch.DEEP), so the referring
    sketch's hashes in that range are each in the set or not; the share in it (half at least, of
    PROBES hashes and more) times the referring values. 0 when the key has no deep hashes."""
    if not key[4]:
        return 0
    deep, (size, hashes) = array("I", key[4]), referring[:2]
    top = min(deep[-1], max(hashes, default=0) if len(hashes) >= SKETCH else EMPTY)
    probes = [h for h in hashes if h <= top]
    found = len(set(probes) & set(deep))
    return round(found * size / len(probes)) if len(probes) >= PROBES and found * 2 >= len(probes) else 0


def linked(records: Sequence[TableRecord], tables: Sequence[tuple[Keys, Sequence[ColumnDecision]]],
           scheme: Scheme) -> list[TableRecord]:
    """``records`` (one per table of ``tables``, in order) with the combination rules applied over
    the tables linked by a key (module docstring)."""
    kinds = [tagged_recognizers(d) for _, d in tables]
    found = [k for k in links([t for t, _ in tables], kinds) if not _of_groups(k, tables)]
    if not found:
        return list(records)
    out = list(records)
    for i, record in enumerate(records):
        mine = [k for k in found if i in (k.table, k.other)]
        others = sorted({k.other if k.table == i else k.table for k in mine})
        together = set(kinds[i]).union(*(kinds[j] for j in others))
        raised = _raised(record, kinds[i], together, scheme)
        if raised is None and not _identity_named(kinds[i], together):
            continue
        by = "; ".join(_said(k, i, records) for k in mine)
        out[i] = _with_link(record, raised, by, kinds[i], together, scheme)
    return out


def _of_groups(link: Link, tables: Sequence[tuple[Keys, Sequence[ColumnDecision]]]) -> bool:
    """Whether a side of the link repeats its key over different people: a person's name or identity
    document differs between the sampled rows of one key value (Keys.varies). GB/T 43697-2024 §6.6
    combines the personal information of one person (PIPL art. 4: information of an identified
    natural person); the rows of 5 employees under their enterprise's 统一社会信用代码 are 5 people,
    and none of them is the 法定代表人 named on the enterprise's row (R15i-19). A key repeated with
    one person on all its rows (a 门禁 log by 工号, the same ID number on each: R15i-18) is that
    person's and links."""
    for table, column in ((link.table, link.column), (link.other, link.other_column)):
        keys, decisions = tables[table]
        varies = keys.varies[column] if column < len(keys.varies) else frozenset()
        if any(i < len(decisions) and decisions[i].status == "tagged"
               and set(column_kinds(decisions[i])) & _PEOPLE for i in varies):
            return True
    return False


def _said(link: Link, i: int, records: Sequence[TableRecord]) -> str:
    mine, theirs = (link.column, link.other_column) if link.table == i else (link.other_column, link.column)
    other = records[link.other if link.table == i else link.table]
    how = "a foreign key the database declares" if link.declared else f"{link.shared:,} sampled values shared"
    return f"table {other.table} by {records[i].fields[mine].field} = {other.fields[theirs].field} ({how})"


def _hits(rule_all: Collection[str], rule_person: Collection[str], present: Collection[str]) -> bool:
    return bool((rule_all and all(r in present for r in rule_all))
                or (rule_person and _PERSON in present and set(present) & set(rule_person)))


def _raised(record: TableRecord, own: Collection[str], together: Collection[str],
            scheme: Scheme) -> tuple[str, str] | None:
    """(level, why) of the highest combination the linked tables complete and this one alone does
    not, when it is above the table's level and the table holds a part of it."""
    best: tuple[str, str] | None = None
    for rule in scheme.combinations:
        parts = {*rule.when_all, *rule.when_any_with_person, *([_PERSON] if rule.when_any_with_person else [])}
        if not _hits(rule.when_all, rule.when_any_with_person, together) or \
                _hits(rule.when_all, rule.when_any_with_person, own) or not parts & set(own):
            continue
        if rank(rule.level) > rank(best[0] if best else record.level):
            best = (rule.level, rule.why)
    return best


def _identity_named(own: Collection[str], together: Collection[str]) -> bool:
    """Whether an identity document here is linked to a person's name held elsewhere."""
    return _PERSON not in own and _PERSON in together and bool(set(own) & set(IDENTITY_DOCUMENTS))


def _with_link(record: TableRecord, raised: tuple[str, str] | None, by: str, own: Collection[str],
               together: Collection[str], scheme: Scheme) -> TableRecord:
    if raised is not None:
        level, why = raised
        basis = (f"{record.basis}; linked to {by}: {why} across the linked tables (汇聚融合, GB/T 43697-2024 "
                 f"§6.6, 就高从严) -> {scheme.label(level)}")
        record = replace(record, level=level, level_label=scheme.label(level), basis=basis)
    if not _identity_named(own, together):
        return record
    note = f"; linked to a person's name ({by}): GB/T 35273-2020 Annex B 个人身份信息"
    fields = tuple(replace(f, pipl_sensitive=True, grade_basis=f.grade_basis + note)
                   if set(f.kinds) & set(IDENTITY_DOCUMENTS) and not f.pipl_sensitive and f.status == "tagged" else f
                   for f in record.fields)
    record = replace(record, fields=fields)
    if record.important_candidate or (record.rows or 0) < scheme.important_review_rows:
        return record
    # now holding sensitive PI at the scale by itself: flagged as grading.grade_table flags a table
    sensitive = ", ".join(f.field for f in fields if f.pipl_sensitive)
    return replace(record, important_candidate=True, important_reason=(
        f"{record.rows:,} rows of sensitive personal information ({sensitive}, linked to names): review against "
        "GB/T 43697 Annex G (重要数据识别)"))
