"""Grading (分级) of column decisions and roll-up to tables and datasets (stage: classification).

Three views of one finding (shared/reference/classification.md §2-§4):

- GB/T 43697-2024: core > important > general data; general data split G4..G1 (Annex H).
  govsoc never assigns 核心 or 重要 itself: a dataset holding sensitive personal information of
  a large scale is flagged as a *candidate* for 重要数据 review (Annex G, §2.8).
- PIPL art. 28: whether the personal information is sensitive (金融账户, 医疗健康, 行踪轨迹,
  特定身份, 生物识别, 宗教信仰, minors under 14) -- each recognizer says so (``pi_class``).
- A local scheme (YAML data under classification/schemes/, or a file of the same shape): labels
  for the levels (浙江 L4..L1), per-recognizer overrides and combination rules (就高从严).

A table's level is the highest of its columns, raised by the scheme's combination rules; a
dataset's is the highest of its tables.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

import govsoc.classification.recognizers  # noqa: F401  (registers the built-ins that schemes name)
from govsoc.classification.columns import ColumnDecision
from govsoc.classification.recognizer import recognizers
from govsoc.classification.table_copies import counted_rows
from govsoc.core.errors import ConfigError
from govsoc.core.yamlfile import load_yaml, locate, locate_validation_error

__all__ = ["LEVELS", "Scheme", "Grade", "TableGrade", "load_scheme", "grade_column", "grade_table", "rank",
           "IDENTITY_DOCUMENTS", "PIPL_SENSITIVE", "tagged_recognizers", "column_kinds",
           "dataset_candidates"]

Level = Literal["CORE", "IMPORTANT", "G4", "G3", "G2", "G1"]
#: Internal scale, highest first.
LEVELS: Final[tuple[Level, ...]] = ("CORE", "IMPORTANT", "G4", "G3", "G2", "G1")
#: PIPL art. 28 categories, the words reasons use.
PIPL_SENSITIVE: Final = ("生物识别", "宗教信仰", "特定身份", "医疗健康", "金融账户", "行踪轨迹", "不满十四周岁未成年人")
_PERSON: Final = ("cn_person_name",)
#: Identity documents (GB/T 35273-2020 Annex B lists 个人身份信息 — 身份证, 护照, 通行证, 居住证 — as
#: sensitive PI). GB/T 45574-2025 and the TC260 guide hold an ID number *alone* not sensitive and
#: ask for a re-assessment when it is combined with other PI: beside a person's name in one table it
#: identifies the person, and the field counts as sensitive (review r18d finding 13).
IDENTITY_DOCUMENTS: Final = ("cn_resident_id", "cn_resident_id_15", "cn_foreign_permanent_resident_id",
                             "cn_foreign_permanent_resident_id_2017", "cn_passport",
                             "cn_hk_macau_permit", "cn_taiwan_permit", "cn_mainland_travel_permit")


def rank(level: str) -> int:
    """Higher is more sensitive (G1 = 1 ... CORE = 6)."""
    return len(LEVELS) - LEVELS.index(level)


class _Override(BaseModel):
    model_config = ConfigDict(extra="forbid")
    level: Level | None = None
    category: str | None = None


class _Combination(BaseModel):
    model_config = ConfigDict(extra="forbid")
    when_all: list[str] = []
    when_any_with_person: list[str] = []
    level: Level
    why: str


class Scheme(BaseModel):
    """A grading scheme as data: level labels, overrides by recognizer id, combination rules."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str
    title: str
    labels: dict[Level, str]
    overrides: dict[str, _Override] = {}
    combinations: list[_Combination] = []
    important_review_rows: int = 1_000_000

    def label(self, level: str) -> str:
        """The scheme's name for an internal level."""
        return self.labels.get(level, level)  # type: ignore[call-overload, no-any-return]


def load_scheme(name_or_path: str) -> Scheme:
    """A built-in scheme by name (gbt43697, zhejiang) or a YAML file of the same shape."""
    path = Path(name_or_path)
    if not path.suffix:
        ref = resources.files("govsoc.classification") / "schemes" / f"{name_or_path}.yaml"
        if not ref.is_file():
            known = sorted(p.name.removesuffix(".yaml") for p in (resources.files("govsoc.classification")
                                                                  / "schemes").iterdir() if p.name.endswith(".yaml"))
            raise ConfigError(f"unknown grading scheme {name_or_path!r} (built in: {', '.join(known)}; or a YAML path)")
        path = Path(str(ref))
    data, positions = load_yaml(path)
    try:
        scheme = Scheme.model_validate(data)
    except ValidationError as e:
        first = e.errors()[0]
        raise ConfigError(first["msg"], location=locate_validation_error(path, positions, first)) from e
    for ident in scheme.overrides:
        try:
            recognizers.get(ident)  # a ConfigError naming the known ids for a typo
        except ConfigError as e:  # said where the typo is, as the file's other errors are (R15at-12)
            raise ConfigError(e.message, location=locate(path, positions, ("overrides", ident), at_value=False)) from e
    return scheme


@dataclass(frozen=True, slots=True, kw_only=True)
class Grade:
    """The grade of one tagged column."""

    level: str
    label: str
    #: the categories of :attr:`categories` joined (、), highest level first
    category: str
    pi_class: str
    pipl_sensitive: bool
    basis: str
    #: every category the column's kinds fall in, highest level first
    categories: tuple[str, ...] = ()
    #: the recognizers the column holds (:func:`column_kinds`)
    kinds: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class TableGrade:
    """A table's (or file's, or index's) roll-up: highest level, why, review flags."""

    dataset: str
    level: str
    label: str
    basis: str
    sensitive_pi_fields: tuple[str, ...]
    important_candidate: bool
    important_reason: str
    #: the fields counting holders under 14: beside them every PI field is a child's, sensitive and
    #: 4级 (PIPL art. 28; reference §4); a table without them holds no minor's data (RRR15bp-4)
    minors_fields: tuple[str, ...] = ()
    #: (holders under 14, holders sampled) of the minors field counting most: a field beside them
    #: says the share, one child among 40 adults being no children's table (RRR15bs-8)
    minors_share: tuple[int, int] = (0, 0)


def column_kinds(decision: ColumnDecision) -> tuple[str, ...]:
    """The recognizers a column holds: its decision's, then (a tagged column) its runners-up, each
    of which passed the bar a winner passes in it (ColumnDecision.runners_up): a 情况说明 column of
    ID number, mobile, address and bank card holds all four (R15d-5)."""
    if decision.recognizer is None:
        return ()
    if decision.status != "tagged":
        return (decision.recognizer,)
    return tuple(dict.fromkeys((decision.recognizer, *(r for r, _ in decision.runners_up))))


def tagged_recognizers(decisions: Sequence[ColumnDecision]) -> frozenset[str]:
    """The recognizers of a table's tagged columns, every kind of each (:func:`column_kinds`):
    what :func:`grade_column` judges a column beside and the combinations see."""
    return frozenset(k for d in decisions if d.status == "tagged" for k in column_kinds(d))


def grade_column(decision: ColumnDecision, scheme: Scheme, beside: Collection[str] = ()) -> Grade | None:
    """The grade of a tagged (or suspected) column; None for columns holding nothing. ``beside``:
    the recognizers of the table's tagged columns (:func:`tagged_recognizers`): an identity
    document beside a person's name is sensitive PI (:data:`IDENTITY_DOCUMENTS`). A column holding
    several kinds (:func:`column_kinds`) takes the highest level among them, every category and
    the sensitivity of any (GB/T 43697-2024 就高从严, R15d-5)."""
    kinds = [_kind_grade(k, scheme, beside) for k in column_kinds(decision)]
    if not kinds:
        return None
    level = max((k.level for k in kinds), key=rank)
    sensitive = any(k.pipl_sensitive for k in kinds)
    basis = kinds[0].basis if len(kinds) == 1 else \
        f"highest of {len(kinds)} kinds held (就高从严): " + "; ".join(f"[{k.basis}]" for k in kinds)
    if decision.minors:
        # PIPL art. 28: all personal information of a child under 14 is sensitive
        sensitive, level = True, max(level, "G4", key=rank)
        basis += f"; {decision.minors} of {decision.sampled} sampled holders are under 14"
    if sensitive:
        basis += "; PIPL art. 28 sensitive personal information"
    categories = tuple(dict.fromkeys(k.category for k in sorted(kinds, key=lambda k: rank(k.level), reverse=True)))
    pi_class = next((c for c in ("sensitive", "general") if any(k.pi_class == c for k in kinds)), kinds[0].pi_class)
    return Grade(level=level, label=scheme.label(level), category="、".join(categories), categories=categories,
                 kinds=tuple(k.kinds[0] for k in kinds), pi_class=pi_class, pipl_sensitive=sensitive, basis=basis)


def _kind_grade(ident: str, scheme: Scheme, beside: Collection[str]) -> Grade:
    """The grade one recognizer gives a column: its level (the scheme's override), category and
    sensitivity (an identity document beside a person's name)."""
    cls = recognizers.get(ident)
    override = scheme.overrides.get(cls.id)
    level = override.level if override and override.level else cls.level
    category = override.category if override and override.category else cls.category
    sensitive = cls.pi_class == "sensitive"
    basis = f"{cls.entity} -> {category}; default {cls.level}" + (f", {scheme.name} override {level}"
                                                                  if level != cls.level else "")
    if not sensitive and cls.id in IDENTITY_DOCUMENTS and set(_PERSON) & set(beside):
        sensitive = True
        basis += ("; beside a person's name in the table: GB/T 35273-2020 Annex B 个人身份信息 "
                  "(an ID number alone is not sensitive, GB/T 45574-2025)")
    return Grade(level=level, label=scheme.label(level), category=category, categories=(category,), kinds=(ident,),
                 pi_class=cls.pi_class, pipl_sensitive=sensitive, basis=basis)


def grade_table(dataset: str, decisions: Sequence[ColumnDecision], scheme: Scheme,
                rows: int | None = None) -> TableGrade:
    """Roll a table's columns up: the highest column level, raised by the scheme's combinations
    (就高从严); flag it for 重要数据 review when it holds sensitive PI at the scheme's scale.

    就高从严 (GB/T 43697-2024, principles: in doubt, the higher level) also for the columns in
    doubt: a ``suspected`` column (its name says what it holds, its values cannot show it: hashed,
    check characters failing, a PIPL art. 28 category of no shape) counts as what it is suspected
    of until a person reviews it. When that gives a higher level (the column's own, or a
    combination it completes: an ID number beside a name), the table carries it, its basis saying
    "pending review" and what the level is without the suspected columns (R15d-9); so it does the
    holders under 14 a suspected column counts, and the sensitive fields beside them (RRR15bs-2)."""
    rolled = _rolled(dataset, decisions, scheme, rows)
    doubted = [d.field for d in decisions if d.status == "suspected" and d.recognizer]
    if not doubted:
        return rolled
    as_if = _rolled(dataset, [replace(d, status="tagged") if d.status == "suspected" else d for d in decisions],
                    scheme, rows)
    # the holders under 14 a suspected column counts (an ID number's date of birth, its check failing)
    # make it a children's table pending review where the first pass found none (RRR15bs-2); where
    # it found some and the level is the same, nothing depends on the suspected column (RRR15bu-3)
    first_found_none = not rolled.minors_fields and bool(as_if.minors_fields)
    if rank(as_if.level) <= rank(rolled.level) and not first_found_none:
        return rolled
    without = f"without them {rolled.label}" + (", no holders under 14" if first_found_none else "")
    pending = f"pending review (就高从严, GB/T 43697-2024): suspected {', '.join(doubted)} counted until reviewed"
    basis = f"{as_if.label} {pending}, {as_if.basis}; {without}"
    # the 重要数据 review follows the fields counted, as the level does (RRR15bu-4)
    reason = f"{as_if.important_reason} ({pending})" if as_if.important_candidate else ""
    return replace(rolled, level=as_if.level, label=as_if.label, basis=basis, minors_fields=as_if.minors_fields,
                   sensitive_pi_fields=as_if.sensitive_pi_fields, minors_share=as_if.minors_share,
                   important_candidate=as_if.important_candidate, important_reason=reason)


def _rolled(dataset: str, decisions: Sequence[ColumnDecision], scheme: Scheme, rows: int | None) -> TableGrade:
    beside = tagged_recognizers(decisions)
    graded = [(d, g) for d in decisions if d.status == "tagged" for g in [grade_column(d, scheme, beside)] if g]
    if not graded:
        return TableGrade(dataset=dataset, level="G1", label=scheme.label("G1"),
                          basis="no personal or sensitive data found", sensitive_pi_fields=(),
                          important_candidate=False, important_reason="")
    top_decision, top = max(graded, key=lambda x: rank(x[1].level))
    level, basis = top.level, f"highest column {top_decision.field}: {top.label}"
    present = {k for _, g in graded for k in g.kinds}
    minors = [d.field for d, _ in graded if d.minors]
    held = f"holders under 14 in {', '.join(minors)}: all their PI is sensitive (PIPL art. 28)"
    if minors and rank("G4") > rank(level):
        level, basis = "G4", held
    for rule in scheme.combinations:
        hit = (rule.when_all and all(r in present for r in rule.when_all)) or \
              (rule.when_any_with_person and present & set(_PERSON) and present & set(rule.when_any_with_person))
        if hit and rank(rule.level) > rank(level):
            level, basis = rule.level, f"{rule.why} -> {scheme.label(rule.level)}"
    if minors and held not in basis:  # 4级 already: it holds children's PI all the same (RRR15bp-7)
        basis += f"; {held}"
    # beside a minor's data every PI field is sensitive (PIPL art. 28); a field holding no PI (a
    # school's credit code, pi_class none) is none the more for it (RRR15ax-9)
    sensitive = tuple(d.field for d, g in graded if g.pipl_sensitive or (minors and g.pi_class != "none"))
    size = rows if rows is not None else max((d.rows or 0 for d, _ in graded), default=0)
    candidate = bool(sensitive) and size >= scheme.important_review_rows
    reason = (f"{size:,} rows of sensitive personal information ({', '.join(sensitive)}): review against "
              "GB/T 43697 Annex G (重要数据识别)") if candidate else ""
    most = max((d for d, _ in graded if d.minors), key=lambda d: (d.minors, -d.sampled), default=None)
    return TableGrade(dataset=dataset, level=level, label=scheme.label(level), basis=basis,
                      sensitive_pi_fields=sensitive, important_candidate=candidate, important_reason=reason,
                      minors_fields=tuple(minors), minors_share=(most.minors, most.sampled) if most else (0, 0))


def dataset_candidates(tables: Sequence[tuple[str, int | None, Collection[str]]], scheme: Scheme,
                       copies: Sequence[str] = ()) -> dict[int, str]:
    """重要数据 review of a scan's tables taken together (GB/T 43697-2024 点面结合; §6.6 汇聚融合;
    Annex G's "certain scale" is the data set's, not the storage unit's): ``tables`` are (name,
    rows, categories of its sensitive PI fields) in scan order (a folder's files, a workbook's
    sheets, a database's tables, an index pattern's indices). Where the tables holding one
    category, or all of them, hold the scheme's scale together and none alone (a roster split per month or over
    Excel sheets of 1,048,575 rows at most), each of them gets a reason naming the dataset: table
    index -> reason (R15d-4). ``copies``: each table's content key (table_copies.content_key, "" for
    none): a table holding the values of an earlier one adds no rows to a sum (a backup beside its
    roster, R15i-7), and is flagged with it."""
    # A table at the scale alone has a reason of its own (table_grade); the sum is of the tables
    # below it, so that two half-year exports beside a full year's still add up (R15e-21: a
    # member over the scale hid the others' sum). The categories are summed one by one, then
    # all of them together: Annex G's scale is of people's sensitive personal information, not of
    # one category (a 低保 set split into 发放表 with bank cards and 名册 with ID numbers).
    scale = scheme.important_review_rows
    below = [i for i, (_, rows, categories) in enumerate(tables) if categories and (rows or 0) < scale]
    counted = counted_rows([rows for _, rows, _ in tables], copies)
    by_category: dict[str, list[int]] = {}
    for i in below:
        for category in tables[i][2]:
            by_category.setdefault(category, []).append(i)
    datasets: dict[tuple[int, ...], list[str]] = {}  # the same tables holding several categories: one reason
    for category, members in sorted(by_category.items()):
        if len(members) >= 2 and sum(counted[i] for i in members) >= scale:
            datasets.setdefault(tuple(members), []).append(category)
    together = tuple(below)
    if (len(by_category) >= 2 and len(together) >= 2 and together not in datasets
            and sum(counted[i] for i in together) >= scale):
        datasets[together] = sorted(by_category)
    reasons: dict[int, list[str]] = {}
    for number, (group, categories) in enumerate(datasets.items(), 1):
        rows = sum(counted[i] for i in group)
        copied = sum(1 for i in group if not counted[i] and tables[i][1])
        copies_note = f" ({copied:,} of them a copy of another, counted once)" if copied else ""
        # each member names its group, the total and the first tables only: every name in every
        # member made the reasons quadratic (1,200 files: 56 MB, R15f-27); the summary's
        # important_candidates lists every member once
        reason = (f"{rows:,} rows of sensitive personal information ({', '.join(categories)}) over {len(group):,}"
                  f" tables of this scan{copies_note}, split dataset {number}"
                  f" ({_listed([tables[i][0] for i in group])}): one"
                  " dataset split over files, sheets or tables; review it against GB/T 43697 Annex G (重要数据识别),"
                  " the scale being the dataset's")
        for i in group:
            reasons.setdefault(i, []).append(reason)
    return {i: "; ".join(r) for i, r in reasons.items()}


#: Member names a split dataset's reason lists at most (R15f-27).
NAMES_LISTED: Final = 10


def _listed(names: Sequence[str]) -> str:
    """The first NAMES_LISTED of ``names``, and how many more (all listed in the summary)."""
    shown = ", ".join(names[:NAMES_LISTED])
    more = len(names) - NAMES_LISTED
    return f"{shown}, … and {more:,} more, each listed in the summary's important_candidates" if more > 0 else shown


def roll_up(tables: Iterable[TableGrade]) -> str:
    """The highest level among tables (a dataset's or a whole scan's level)."""
    return max((t.level for t in tables), key=rank, default="G1")
