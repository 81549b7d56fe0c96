"""The classification-and-grading inventory (数据分类分级清单) and its report section
(stage: classification; shared/reference/classification.md §9).

One record per field: where it is (dataset, table, field, comment), what it holds (recognizer,
category, PI class), its level (internal G-scale and the scheme's label), confidence, the reason,
masked examples and the audit trail (sample size, hits, hit ratio, runners-up, scheme). Tables
carry their roll-up level and the 重要数据 review flag. :meth:`Inventory.to_dict` is the JSON
written by ``govsoc classify``; :meth:`Inventory.section` is the model a report renderer lays out
(reports/ imports classification, never the other way).

Saved results (issue 18 contract): :func:`save_inventory` keeps each source's latest inventory as
``<data dir>/results/classification/<source>.json`` (govsoc.core.results: safe names, the newest run
replacing the file); :func:`load_inventories` reads such a folder back for the reports, one inventory
per source. reports/inventory.py turns one into the report's 数据分类分级 section.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from govsoc.classification.attribute_values import pivoted
from govsoc.classification.columns import ColumnClassifier, ColumnDecision
from govsoc.classification.free_text import mask_free_text
from govsoc.classification.grading import (
    Scheme,
    TableGrade,
    dataset_candidates,
    grade_column,
    grade_table,
    rank,
    tagged_recognizers,
)
from govsoc.classification.identifier_names import mask_person_names
from govsoc.classification.linked_tables import Keys, keys_of, linked
from govsoc.classification.recognizer import recognizers
from govsoc.classification.saved import (
    one_scan_per_table,
    path_keys,
    replace_unkeyed,
    source_key,
    summarise,
    summed_by_folder,
)
from govsoc.classification.shown_names import ShownNames
from govsoc.classification.sources.base import Skipped, TableSample, decoded_name, escaped_name, name_notice
from govsoc.classification.table_copies import content_key
from govsoc.core.errors import Location
from govsoc.core.results import RESULTS_DIR, read_results, write_result

__all__ = ["FieldRecord", "TableRecord", "Inventory", "ReportSection", "build_inventory", "save_inventory",
           "load_inventories", "shown_source", "RESULTS_SUBDIR"]

#: Where under the data directory the saved inventories live.
RESULTS_SUBDIR: Final = Path(RESULTS_DIR, "classification")


@dataclass(frozen=True, slots=True, kw_only=True)
class FieldRecord:
    """One field of the inventory."""

    dataset: str
    table: str
    field: str
    comment: str
    status: str
    recognizer: str | None
    entity: str
    category: str
    pi_class: str
    pipl_sensitive: bool
    level: str
    level_label: str
    grade_basis: str
    confidence: float
    reason: str
    masked_examples: tuple[str, ...]
    sampled: int
    hits: int
    hit_ratio: float
    runners_up: tuple[tuple[str, float], ...]
    #: the masking rule (classification.masking) that displays this field's values
    mask_rule: str
    #: auto until a person confirms or overrides the decision (reference §9)
    review: str = "auto"
    #: every recognizer the field holds, the decided one first (grading.column_kinds, R15d-5);
    #: ``entity`` and ``category`` name them all
    kinds: tuple[str, ...] = ()
    #: every category of those, highest level first
    categories: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class TableRecord:
    """One table (file, sheet, index) with its roll-up."""

    dataset: str
    table: str
    rows: int | None
    level: str
    level_label: str
    basis: str
    important_candidate: bool
    important_reason: str
    fields: tuple[FieldRecord, ...]
    #: where the table was read from, as classification.saved compares it (never shown)
    dataset_keys: tuple[str, ...] = ()
    #: a digest of its values, the same for a copy of it (table_copies.content_key; never shown)
    content_key: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class ReportSection:
    """A report section as data: title, column headings, rows of text, notes."""

    title: str
    headings: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    notes: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Inventory:
    """The inventory of one scan."""

    source: str
    scheme: str
    scheme_title: str
    #: the scheme's 重要数据 scale, saved so that scans under a YAML scheme are summed too (R15g-16)
    scheme_scale: int | None = None
    generated: str
    sample_size: int
    recognizers: tuple[str, ...]
    tables: tuple[TableRecord, ...]
    #: parts of the source left unclassified (first few per table) and how many in all
    skipped: tuple[Skipped, ...] = ()
    skipped_count: int = 0
    #: the source's real path as classification.saved compares it: a masked name is no key (R15f-11)
    source_keys: tuple[str, ...] = ()
    #: whether those keys are keyed with the data folder's secret (classification.path_secret)
    keyed: bool = False
    #: the plain keys results saved before the secret gave this source (never saved: save_inventory
    #: replaces those results with their plain keys, so that one source is not counted twice)
    unkeyed_keys: tuple[str, ...] = ()

    @property
    def level(self) -> str:
        """The highest level of all tables."""
        return max((t.level for t in self.tables), key=rank, default="G1")

    def summary(self) -> dict[str, Any]:
        """Counts for the report's first lines."""
        return summarise([asdict(t) for t in self.tables], self.skipped_count)

    def to_dict(self) -> dict[str, Any]:
        """The inventory as JSON-ready data."""
        return {"title": "数据分类分级清单", "source": self.source, "source_keys": list(self.source_keys),
                **({"keys": "hmac-sha256"} if self.keyed else {}),
                "scheme": {"name": self.scheme, "title": self.scheme_title, "important_review_rows": self.scheme_scale},
                "generated": self.generated,
                "sample_size": self.sample_size, "recognizers": list(self.recognizers), "summary": self.summary(),
                "tables": [_plain(asdict(t)) for t in self.tables],
                "skipped": [{"path": s.location.path, "line": s.location.line, "column": s.location.column,
                             "field": s.location.field, "reason": s.reason, **({"note": True} if s.note else {})}
                            for s in self.skipped]}

    def section(self) -> ReportSection:
        """The 数据分类分级清单 section: one row per field that holds something (masked examples only)."""
        rows = tuple((t.dataset, t.table, f.field, f.category, f.level_label, f"{f.confidence:.2f}", f.reason,
                      " ".join(f.masked_examples))
                     for t in self.tables for f in t.fields if f.status != "none")
        notes = tuple(f"{t.table}: {t.level_label} ({t.basis})" for t in self.tables) + \
            tuple(f"{t.table}: {t.important_reason}" for t in self.tables if t.important_candidate)
        return ReportSection(title=f"数据分类分级清单（{self.scheme_title}）",
                             headings=("数据集", "表", "字段", "类别", "级别", "置信度", "依据", "脱敏示例"),
                             rows=rows, notes=notes)


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _field(table: TableSample, d: ColumnDecision, scheme: Scheme, beside: frozenset[str],
           place: Callable[[str], str], rolled: TableGrade | None = None) -> FieldRecord:
    grade = grade_column(d, scheme, beside) if d.status != "none" else None
    # the table's verdict: beside a minor's data every PI field is sensitive (PIPL art. 28, R15d-8),
    # and graded as the minors' own column is: 4级 (reference §4 未成年人 (<14) -> G4; R15at-7); a
    # field holding no PI (pi_class none) is neither (RRR15av-9, RRR15ax-9: a school's credit code
    # kept its level but was labelled a child's sensitive PI). Only a table holding minors' data:
    # an adult's bank card is sensitive on its own, at its scheme's level, in no children's table
    # (RRR15bp-4: every sensitive field of every table was raised and said so)
    if (grade is not None and rolled is not None and rolled.minors_fields and d.field in rolled.sensitive_pi_fields
            and not d.minors and grade.pi_class != "none"):
        # the share: one child among 40 adults holds the table at 4级 (就高从严) but makes no adult a child
        # (RRR15bs-8: every field read "in a table of holders under 14")
        level, (young, sampled) = max(grade.level, "G4", key=rank), rolled.minors_share
        grade = replace(grade, pipl_sensitive=True, level=level, label=scheme.label(level),
                        basis=grade.basis + f"; in a table holding data of holders under 14 ({young:,} of {sampled:,}"
                                            " sampled) (PIPL art. 28)")
    # a comment is free text written by whoever designed the schema: '如 110105199001011237（张三）' (R15d-3)
    return FieldRecord(dataset=place(table.dataset), table=place(table.table), field=d.field,
                       comment=mask_free_text(d.comment),
                       status=d.status,
                       recognizer=d.recognizer, entity=_entities(grade.kinds) if grade else d.entity,
                       category=grade.category if grade else "",
                       kinds=grade.kinds if grade else (), categories=grade.categories if grade else (),
                       pi_class=grade.pi_class if grade else "none",
                       pipl_sensitive=grade.pipl_sensitive if grade else False,
                       level=grade.level if grade else "G1", level_label=grade.label if grade else scheme.label("G1"),
                       grade_basis=grade.basis if grade else "",
                       confidence=d.confidence, reason=d.reason, masked_examples=d.masked_examples, sampled=d.sampled,
                       hits=d.hits, hit_ratio=d.hit_ratio, runners_up=d.runners_up,
                       mask_rule=recognizers.get(d.recognizer).mask_rule if d.recognizer else "")


def _entities(kinds: tuple[str, ...]) -> str:
    """What the kinds held are called, joined (、): 居民身份证号 resident ID number、银行卡号 ..."""
    return "、".join(recognizers.get(k).entity for k in kinds)


def build_inventory(tables: Iterable[TableSample], *, source: str, scheme: Scheme, sample_size: int,
                    classifier: ColumnClassifier | None = None,
                    on_table: Callable[[TableSample], None] | None = None, secret: bytes = b"") -> Inventory:
    """Decide and grade every column of every table. Names enter the inventory decoded (a GBK
    name read as GB18030) and with what a recognizer finds in them masked (see shown_names.ShownNames);
    the paths' keys are digests of their bytes (escaped_name) keyed with ``secret`` (the data folder's:
    path_secret.results_secret; plain without)."""
    classifier = classifier or ColumnClassifier(sample_size=sample_size)
    names = ShownNames(classifier)
    records: list[TableRecord] = []
    decided: list[tuple[Keys, list[ColumnDecision]]] = []
    skipped: list[Skipped] = []
    skipped_count = 0
    # a name's keys are digests of its own bytes (escaped_name): a GBK name and a UTF-8 one that read
    # alike once decoded (R15n-9) are two files, and keys saved before stay the same
    keyed_source, notice = escaped_name(source), name_notice(source)
    source = decoded_name(source)
    if notice is not None:
        skipped.append(Skipped(location=Location(path=names.place(source)), reason=notice[0], note=notice[1]))
        skipped_count += not notice[1]
    for table in pivoted(tables, classifier):  # attribute/value rows read as records (R15g-13)
        keyed_dataset = escaped_name(table.dataset)
        table, notices = names.enter(table)
        try:
            decisions = classifier.decide_all(table.columns) if table.readable else []
            names.learn_headings(table, decisions)
            if table.readable:
                records.append(_record(table, decisions, scheme, names, path_keys(keyed_dataset, secret), secret))
                decided.append((keys_of(table), decisions))
        except Exception as e:  # one table's fault costs that table, never the scan's other tables (R15f-2)
            notices.append(_failed(table, e, names))
        skipped.extend(notices)
        skipped.extend(names.skip(s) for s in table.skipped)
        skipped_count += table.skipped_count + sum(not n.note for n in notices)
        if on_table:
            on_table(table)
    records = _datasets(linked(records, decided, scheme), scheme)  # tables joined by a key (R15g-3)
    # the source names the saved result and is shown by every reader of it: masked as the file names
    # in it are (张三_110105199001011237.csv, R15d-4)
    return Inventory(source=names.place(source), scheme=scheme.name, scheme_title=scheme.title,
                     scheme_scale=scheme.important_review_rows,
                     generated=datetime.now(UTC).isoformat(timespec="seconds"), sample_size=sample_size,
                     recognizers=tuple(sorted(classifier.scanner.recognizers)), tables=tuple(records),
                     skipped=tuple(skipped), skipped_count=skipped_count, source_keys=path_keys(keyed_source, secret),
                     keyed=bool(secret), unkeyed_keys=path_keys(keyed_source) if secret else ())


def _failed(table: TableSample, error: Exception, names: ShownNames) -> Skipped:
    """The skip line of a table whose classification raised ``error``: its file and table named,
    the error's text masked as free text is (it may quote a value, or the table's name: an ID or a
    phone in it masked, RRR15bp-3), not as a column name, which reads prose such as "base 10" or
    "2024年工资" as values (RRR15bs-3)."""
    why = mask_free_text(f"table not classified: internal error {type(error).__name__}: {error}")
    return Skipped(location=Location(path=names.place(table.dataset), field=names.place(table.table)),
                   reason=mask_person_names(why))


def _datasets(records: list[TableRecord], scheme: Scheme) -> list[TableRecord]:
    """The tables of a dataset split over files, sheets or tables flagged for 重要数据 review
    together (grading.dataset_candidates), each table's own reason kept before the dataset's."""
    sensitive = [(t.table, t.rows, {c for f in t.fields if f.status == "tagged" and f.pipl_sensitive
                                    for c in f.categories or (f.category,)})
                 for t in records]
    flagged = dataset_candidates(sensitive, scheme, [t.content_key for t in records])
    return [replace(t, important_candidate=True, important_reason="; ".join(filter(None, (
        t.important_reason, flagged[i])))) if i in flagged else t for i, t in enumerate(records)]


def _record(table: TableSample, decided: list[ColumnDecision], scheme: Scheme, names: ShownNames,
            dataset_keys: tuple[str, ...], secret: bytes) -> TableRecord:
    # the names the reasons and the table's basis quote are the ones the fields show (a reason
    # quotes its field's name: "the name 'users.zhang.san@gov.cn.tel' says so")
    place = names.place
    decisions = [names.decision(c.field, d) for c, d in zip(table.columns, decided, strict=True)]
    rolled = grade_table(place(table.table), decisions, scheme, rows=table.rows)
    beside = tagged_recognizers(decisions)
    return TableRecord(dataset=place(table.dataset), table=place(table.table), rows=table.rows, level=rolled.level,
                       level_label=rolled.label, basis=rolled.basis, important_candidate=rolled.important_candidate,
                       important_reason=rolled.important_reason, dataset_keys=dataset_keys,
                       content_key=content_key(table, secret),
                       fields=tuple(_field(table, d, scheme, beside, place, rolled)
                                    for d in decisions))


def _without_surrogates(value: Any) -> Any:
    """A loaded inventory with every lone surrogate escaped (escaped_name): an inventory saved
    before names were escaped holds GBK file names as JSON escapes (\\udcd5), which read back as
    lone surrogates that the HTML and JSON report writers cannot encode."""
    if isinstance(value, str):
        return escaped_name(value)
    if isinstance(value, dict):
        return {_without_surrogates(k): _without_surrogates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_surrogates(v) for v in value]
    return value


def shown_source(name: str) -> str:
    """A source's name as the inventory shows it (build_inventory), for what is printed before the
    inventory exists (a progress line)."""
    return ShownNames(ColumnClassifier()).place(decoded_name(name))


def save_inventory(inventory: Inventory, data_dir: Path) -> Path:
    """Save ``inventory`` as its source's result under ``data_dir`` (replacing the previous run's):
    named by its shown source and its key, since two sources can show alike (王**.csv, R15f-11)."""
    data = inventory.to_dict()
    folder = data_dir / RESULTS_SUBDIR
    written = write_result(folder, f"{source_key(data)}/{inventory.source}", data)
    if inventory.unkeyed_keys:
        replace_unkeyed(folder, inventory.unkeyed_keys, written)
    return written


def _is_inventory(data: dict[str, Any]) -> bool:
    return isinstance(data.get("summary"), dict) and isinstance(data.get("tables"), list)


def load_inventories(folder: Path) -> list[dict[str, Any]]:
    """The inventories saved in ``folder`` (``<data dir>/results/classification``), one per source,
    the newest ``generated`` winning, sorted by source, each table counted once (a file saved both by
    itself and as part of its folder's scan: the newer scan, classification.saved), a dataset split
    over files scanned one by one summed by folder (saved.summed_by_folder); other and broken
    files are logged and skipped."""
    saved = read_results(folder, key="source_key", stamp="generated", valid=_is_inventory, unwrap=_keyed)
    return summed_by_folder(one_scan_per_table(saved))


def _keyed(data: Any) -> Any:
    """A loaded inventory (see _without_surrogates) with its source's key (classification.saved)."""
    data = _without_surrogates(data)
    return {**data, "source_key": source_key(data)} if isinstance(data, dict) else data
