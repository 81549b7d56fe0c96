"""The 数据分类分级清单 section of a report, from a saved inventory (stage: reports; issue 18 contract).

``inventory_section(inventory_json, lang, masked)`` turns one inventory that ``govsoc classify``
saved (classification.inventory.load_inventories) into a :class:`~govsoc.reports.document.Section`:

- headline figures: tables, fields, sensitive fields, fields to review, PIPL sensitive fields, the
  highest level, 重要数据 candidates and the parts of the source left unclassified;
- a chart of the sensitive fields per level (GB/T 43697 or the scheme's labels), a table per category;
- the tables with their level and its basis; the sensitive fields with category, level, confidence,
  the reason and masked examples (the inventory never holds raw values);
- the 重要数据 candidates as findings (GB/T 43697-2024: identified and reported by the competent
  department, not decided by a tool), and the skipped parts with file, line and column.

Chinese by default, English with ``lang="en"``. With ``masked`` every name in the section (source,
file, table and field names, reasons) is scanned again and what a recognizer finds is masked: a
file or field named by an ID or phone number in an inventory saved before names were masked
(classification.columns) shows masked all the same. All text is data: renderers escape it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any, Final

from govsoc.classification.columns import ColumnClassifier
from govsoc.classification.free_text import mask_free_text
from govsoc.classification.grading import LEVELS, rank
from govsoc.classification.saved import source_key
from govsoc.classification.shown_names import clauses_shown
from govsoc.core.results import result_file_name
from govsoc.reports.document import Chart, Figure, Figures, Finding, Findings, Paragraph, Section, Series, Table
from govsoc.reports.period import local_text
from govsoc.reports.reason_words import reason_in_chinese

__all__ = ["inventory_section", "level_shown", "FIELD_ROWS", "shown_name"]

#: Sensitive fields listed at most (the table's ``total`` says how many there are).
FIELD_ROWS: Final = 500

_WORDS: Final[dict[str, tuple[str, str]]] = {
    "title": ("数据分类分级清单", "Data classification inventory"),
    "about": ("数据源 {source}；分级方案：{scheme}；生成时间 {generated}；每列抽样至多 {sample} 个值。",
              "Source {source}; grading scheme: {scheme}; generated {generated}; up to {sample} values sampled "
              "per column."),
    "masked": ("示例值均已脱敏（清单从不保存原始值）。",
               "Example values are masked (the inventory never stores raw values)."),
    "unmasked": ("清单只保存脱敏后的示例值：不脱敏的报告也无法显示原始值；名称按保存时显示。",
                 "The inventory keeps masked examples only: an unmasked report cannot show raw values; names are "
                 "shown as saved."),
    "tables": ("数据表", "Tables"), "fields": ("字段", "Fields"), "tagged": ("敏感字段", "Sensitive fields"),
    "suspected": ("待复核字段", "Fields to review"), "pipl": ("敏感个人信息字段", "PIPL sensitive fields"),
    "level": ("最高级别", "Highest level"), "important": ("重要数据候选", "Important-data candidates"),
    "skipped": ("未分类部分", "Parts not classified"),
    "per_level": ("各级别敏感字段数", "Sensitive fields per level"),
    "per_category": ("各类别敏感字段", "Sensitive fields per category"),
    "category": ("类别", "Category"), "count": ("字段数", "Fields"),
    "table_list": ("数据表及其级别", "Tables and their levels"),
    "dataset": ("数据集", "Dataset"), "table": ("表", "Table"), "rows": ("行数", "Rows"),
    "basis": ("定级依据", "Basis"), "candidate": ("重要数据候选", "Important-data candidate"),
    "yes": ("是", "yes"), "no": ("否", "no"),
    "field_list": ("敏感字段清单", "Sensitive fields"),
    "field": ("字段", "Field"), "status": ("状态", "Status"), "confidence": ("置信度", "Confidence"),
    "reason": ("识别依据", "Reason"), "examples": ("脱敏示例", "Masked examples"),
    "tagged_status": ("已识别", "tagged"), "suspected_status": ("待复核", "to review"),
    "important_title": ("{table}：重要数据候选", "{table}: important-data candidate"),
    "important_advice": ("按 GB/T 43697-2024 由数据处理者识别、报主管（监管）部门认定；确认前按较高级别保护。",
                         "Under GB/T 43697-2024 the data handler identifies it and the competent authority "
                         "decides; protect it at the higher level until then."),
    "skipped_list": ("未分类的部分（超长单元格、无法读取的行或文件）", "Parts not classified (oversized cells, "
                     "unreadable lines or files)"),
    "where": ("位置", "Where"), "why": ("原因", "Why"), "field_level": ("级别", "Level"),
    "none": ("未发现敏感字段。", "No sensitive field found."),
}


def _words(lang: str) -> Callable[[str], str]:
    index = 1 if lang == "en" else 0
    return lambda key: _WORDS[key][index]


@lru_cache(maxsize=1)
def _classifier() -> ColumnClassifier:
    return ColumnClassifier()


def _identity(text: str) -> str:
    return text


def _shown(name: str) -> str:
    # free-text masking first: it sees an ID or phone whole, and a name beside it (张三_1101….csv);
    # then every recognizer that needs no context, as classify shows names
    return _classifier().shown_name(mask_free_text(name))


def _masker(masked: bool) -> Callable[[str], str]:
    return _shown if masked else _identity


def shown_name(name: str, masked: bool = True) -> str:
    """``name`` (a file path, table or field name) as the inventory chapter shows it: what a
    recognizer finds in it masked, unless ``masked`` is false."""
    return _masker(masked)(name)


def inventory_section(inventory_json: Mapping[str, Any], lang: str = "zh", masked: bool = True, *,
                      timezone: str = "Asia/Shanghai") -> Section:
    """The 数据分类分级清单 section of one saved inventory (see the module docstring); times are
    shown in ``timezone``, the report's."""
    w, shown = _words(lang), _masker(masked)
    key = source_key(inventory_json)
    inventory_json = _in_english(inventory_json) if lang == "en" else _in_chinese(inventory_json)
    summary: Mapping[str, Any] = inventory_json.get("summary") or {}
    tables: list[Mapping[str, Any]] = list(inventory_json.get("tables") or [])
    fields = [(t, f) for t in tables for f in (t.get("fields") or []) if f.get("status") in ("tagged", "suspected")]
    tagged = [(t, f) for t, f in fields if f.get("status") == "tagged"]
    labels = _level_labels(tables)
    source = str(inventory_json.get("source", ""))
    scheme = inventory_json.get("scheme") or {}
    about = w("about").format(source=shown(source), scheme=scheme.get("title") or scheme.get("name", ""),
                              generated=local_text(inventory_json.get("generated"), timezone),
                              sample=inventory_json.get("sample_size", ""))
    blocks: list[Any] = [Paragraph(text=about), Paragraph(text=w("masked") if masked else w("unmasked")),
                         _figures(summary, labels, w)]
    if tagged:
        blocks.append(_per_level(tagged, labels, w))
        blocks.append(_per_category(tagged, w))
    elif not fields:
        blocks.append(Paragraph(text=w("none")))
    blocks.append(Table(caption=w("table_list"), columns=(w("dataset"), w("table"), w("rows"), w("level"), w("basis"),
                                                          w("candidate")),
                        rows=tuple((shown(str(t.get("dataset", ""))), shown(str(t.get("table", ""))), t.get("rows"),
                                    str(t.get("level_label", "")), shown(str(t.get("basis", ""))),
                                    w("yes") if t.get("important_candidate") else w("no")) for t in tables)))
    if fields:
        blocks.append(_field_table(fields, w, shown))
    important = [t for t in tables if t.get("important_candidate")]
    if important:
        blocks.append(Findings(items=tuple(
            Finding(level="medium", title=w("important_title").format(table=shown(str(t.get("table", "")))),
                    text=shown(str(t.get("important_reason", ""))), advice=w("important_advice"),
                    reference="GB/T 43697-2024") for t in important)))
    # notes (a delimiter other than the suffix's, a bound on columns) left nothing unclassified
    skipped = [s for s in inventory_json.get("skipped") or [] if not s.get("note")]
    if skipped:
        blocks.append(Table(caption=w("skipped_list"), columns=(w("where"), w("field"), w("why")),
                            rows=tuple((_where(s, shown), shown(str(s.get("field") or "")),
                                        _reason(str(s.get("reason", "")), shown))
                                       for s in skipped),
                            total=int(summary.get("skipped") or len(skipped))))
    # the id (an HTML anchor) is made of the shown name and the source's key (two sources can show
    # alike, 王**.csv, R15f-11): a raw name would carry what the masking hid
    anchor = result_file_name(f"{key}/{shown(source)}").removesuffix(".json")
    return Section(id=f"inventory.{anchor}",
                   title=f"{w('title')}：{shown(source)}" if lang != "en" else f"{w('title')}: {shown(source)}",
                   blocks=tuple(blocks))


def _rank(level: object) -> int:
    """rank() of a level the saved file names; 0 for one it does not know (a hand-edited file)."""
    return rank(level) if isinstance(level, str) and level in LEVELS else 0


def level_shown(inventory: Mapping[str, Any], lang: str = "zh") -> str:
    """An inventory's highest level (its summary's code, G1..G4, IMPORTANT, CORE) as the chapter
    words it: the scheme's label ("一般数据（4级）"), in English the level's English name; the
    code itself when the inventory names no label for it."""
    code = str((inventory.get("summary") or {}).get("level", ""))
    if lang == "en":
        return LEVELS_EN.get(code, code)
    return _level_labels(list(inventory.get("tables") or [])).get(code, code)


def _level_labels(tables: list[Mapping[str, Any]]) -> dict[str, str]:
    """G-level -> the scheme's label, as the saved fields and tables spell it."""
    labels: dict[str, str] = {}
    for t in tables:
        for item in (t, *(t.get("fields") or [])):
            if item.get("level") and item.get("level_label"):
                labels.setdefault(str(item["level"]), str(item["level_label"]))
    return labels


#: The grading levels (classification.grading's codes, every scheme's) in English.
LEVELS_EN: Final[dict[str, str]] = {
    "CORE": "core data", "IMPORTANT": "important data", "G4": "general data, level 4",
    "G3": "general data, level 3", "G2": "general data, level 2", "G1": "general data, level 1",
}
#: The recognizers' categories (GB/T 35273 / GB/T 43697 Annex) and the shipped schemes' names and
#: combination rules in English; an operator's own scheme keeps its words.
PHRASES_EN: Final[dict[str, str]] = {
    "个人位置信息": "personal location", "个人基本资料": "personal basic information",
    "个人常用设备信息": "personal device information", "个人财产信息": "personal property information",
    "个人身份信息": "personal identity information", "医疗健康": "medical and health",
    "特定身份": "specific identities", "组织数据": "organisation data", "网络身份标识信息": "online identifiers",
    "自然资源/不动产": "natural resources / real estate",
    "车辆信息": "vehicle information", "金融账户": "financial accounts",
    "GB/T 43697-2024 数据分类分级规则": "GB/T 43697-2024 data classification and grading rules",
    "浙江 DB33/T 2350-2021 公共数据分类分级": "Zhejiang DB33/T 2350-2021 public data classification and grading",
    "身份证件号码与姓名同表（可直接识别个人），就高从严":
        "identity document numbers and names in one table (directly identify a person): the higher level applies",
    "姓名与手机号同表": "names and mobile numbers in one table",
    "可识别个人的金融账户/医疗/精确位置信息":
        "financial accounts, medical data or precise locations of identifiable people",
}


def _in_english(inventory: Mapping[str, Any]) -> dict[str, Any]:
    """A saved inventory with its levels, categories, scheme title and the shipped schemes' rules
    in English (names of tables and fields, and examples, are data and stay as they are)."""
    def label(item: Mapping[str, Any]) -> dict[str, Any]:
        out = dict(item)
        level, old = str(item.get("level", "")), str(item.get("level_label", ""))
        if level in LEVELS_EN:
            out["level_label"] = LEVELS_EN[level]
            if old and isinstance(item.get("basis"), str):
                out["basis"] = str(item["basis"]).replace(old, LEVELS_EN[level])
        for key in ("category", "basis"):
            if isinstance(out.get(key), str):
                out[key] = _phrases(out[key])
        return out

    copy = dict(inventory)
    copy["tables"] = [{**label(t), "fields": [label(f) for f in t.get("fields") or []]}
                      for t in inventory.get("tables") or []]
    scheme = dict(inventory.get("scheme") or {})
    if isinstance(scheme.get("title"), str):
        scheme["title"] = _phrases(scheme["title"])
    copy["scheme"] = scheme
    return copy


def _in_chinese(inventory: Mapping[str, Any]) -> dict[str, Any]:
    """A saved inventory with each field's reason in Chinese (reports.reason_words)."""
    copy = dict(inventory)
    copy["tables"] = [{**t, "fields": [{**f, "reason": reason_in_chinese(str(f["reason"]))} if f.get("reason") else f
                                       for f in t.get("fields") or []]}
                      for t in inventory.get("tables") or []]
    return copy


def _phrases(text: str) -> str:
    for zh in sorted(PHRASES_EN, key=len, reverse=True):
        text = text.replace(zh, PHRASES_EN[zh])
    return text


def _figures(summary: Mapping[str, Any], labels: dict[str, str], w: Callable[[str], str]) -> Figures:
    level = str(summary.get("level", ""))
    return Figures(items=(
        Figure(label=w("tables"), value=summary.get("tables")), Figure(label=w("fields"), value=summary.get("fields")),
        Figure(label=w("tagged"), value=summary.get("tagged")),
        Figure(label=w("suspected"), value=summary.get("suspected")),
        Figure(label=w("pipl"), value=summary.get("pipl_sensitive_fields")),
        Figure(label=w("level"), value=labels.get(level, level)),
        Figure(label=w("important"), value=len(summary.get("important_candidates") or [])),
        Figure(label=w("skipped"), value=summary.get("skipped", 0)),
    ))


def _per_level(tagged: list[tuple[Mapping[str, Any], Mapping[str, Any]]], labels: dict[str, str],
               w: Callable[[str], str]) -> Chart:
    counts = Counter(str(f.get("level", "")) for _, f in tagged)
    order = sorted(counts, key=_rank, reverse=True)
    return Chart(kind="bar", title=w("per_level"), categories=tuple(labels.get(g, g) for g in order),
                 series=(Series(name=w("count"), values=tuple(float(counts[g]) for g in order)),))


def _per_category(tagged: list[tuple[Mapping[str, Any], Mapping[str, Any]]], w: Callable[[str], str]) -> Table:
    counts: Counter[str] = Counter()
    highest: dict[str, Mapping[str, Any]] = {}
    for _, f in tagged:
        category = str(f.get("category") or "")
        counts[category] += 1
        if category not in highest or _rank(f.get("level")) > _rank(highest[category].get("level")):
            highest[category] = f
    return Table(caption=w("per_category"), columns=(w("category"), w("count"), w("level")),
                 rows=tuple((c, n, str(highest[c].get("level_label", ""))) for c, n in counts.most_common()))


def _field_table(fields: list[tuple[Mapping[str, Any], Mapping[str, Any]]], w: Callable[[str], str],
                 shown: Callable[[str], str]) -> Table:
    ordered = sorted(fields, key=lambda tf: (-_rank(tf[1].get("level")), str(tf[0].get("table", ""))))
    rows = tuple((shown(str(t.get("table", ""))), shown(str(f.get("field", ""))), str(f.get("category", "")),
                  str(f.get("level_label", "")), round(float(f.get("confidence") or 0.0), 2),
                  w("tagged_status") if f.get("status") == "tagged" else w("suspected_status"),
                  shown(str(f.get("reason", ""))), " ".join(str(x) for x in f.get("masked_examples") or []))
                 for t, f in ordered[:FIELD_ROWS])
    return Table(caption=w("field_list"), columns=(w("table"), w("field"), w("category"), w("field_level"),
                                                   w("confidence"),
                                                   w("status"), w("reason"), w("examples")),
                 rows=rows, total=len(fields) if len(fields) > FIELD_ROWS else None)


def _reason(reason: str, shown: Callable[[str], str]) -> str:
    """A skip reason as shown: the names it quotes ("sheet 11010519491231002X: ...") masked as the
    name columns show them (RRR15bp-3), clause by clause as the inventory masks them."""
    return clauses_shown(reason, shown)


def _where(skipped: Mapping[str, Any], shown: Callable[[str], str]) -> str:
    where = shown(str(skipped.get("path") or ""))
    if skipped.get("line") is not None:
        where += f":{skipped['line']}"
        if skipped.get("column") is not None:
            where += f":{skipped['column']}"
    return where
