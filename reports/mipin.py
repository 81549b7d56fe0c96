"""The 密评 section of a report: one system's commercial-cryptography application evaluation
(GB/T 39786-2021, scored per 量化评估规则 2023) as a reports.document.Section.

``mipin_section(evaluation_json, lang)`` takes a saved evaluation (crypto_eval.report.to_json, as
``load_results`` reads it back from ``<data dir>/results/crypto_eval/``) and states it as blocks:
the headline figures (total, verdict, high-risk items), a warning when the system was scored
against another level than its own, the high-risk items, the layer scores, then per layer every
item (测评单元) with its score, risk, evidence and remediation (整改建议), item by item.
Chinese by default; ``lang="en"`` gives English labels and item titles. Evidence is quoted as
recorded (the probes and declarations write it in Chinese); the renderers escape every string.
Unless ``masked`` is false, the evaluation's free text (what was observed, why, the objects, the
mitigations) goes through the reports' one masking path first (classification.free_text): server
banners and certificate subjects name people (CN=张三, emailAddress=…, 管理员：李四 138…).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from govsoc.classification.distinguished_names import mask_distinguished_names
from govsoc.core.errors import ReportError
from govsoc.crypto_eval.catalogue import Catalogue, load_catalogue
from govsoc.crypto_eval.report import CONCLUSIVE
from govsoc.crypto_eval.scoring import INCOMPLETE
from govsoc.reports.document import Figure, Figures, Finding, Findings, Paragraph, Section, Table
from govsoc.reports.mipin_en import english
from govsoc.reports.period import local_text
from govsoc.reports.standard_words import item_remediation, item_title, verdict_word

__all__ = ["mipin_section", "LABELS", "masked_section"]

#: Every fixed string of the section, per language.
LABELS: dict[str, dict[str, str]] = {
    "zh": {
        "title": "商用密码应用安全性评估：{system}", "total": "密评量化得分", "verdict": "结论", "level": "等保级别",
        "basis": "评估依据", "high_risk": "高风险项", "mitigated": "已缓解高风险项", "problems": "存在问题的测评单元",
        "missing": "缺少证据的测评单元", "points": "分", "undetermined": "需人工判定（总分无定义）",
        "level_warning": "定级与评估依据不符", "high_title": "高风险项", "layers_title": "各层面得分",
        "layer": "层面", "weight": "权重", "score": "得分", "na": "不适用", "clause": "条款", "unit": "测评单元",
        "requirement": "要求", "strength": "强度", "risk": "风险", "items_caption": "{layer}：测评单元得分",
        "objects": "测评对象", "summary": "{system}（等保{level}级）密评量化得分 {total}，结论：{verdict}；"
        "高风险项 {high} 个，已缓解 {mitigated} 个，存在问题的测评单元 {problems} 个，缺少证据 {missing} 个。",
        "mitigation": "缓解措施：{m}", "no_evidence": "无", "evaluated_at": "评估时间：{t}",
        "none": "无", "missing_mark": "缺少证据", "problems_caption": "存在问题的测评单元", "found": "发现",
        "advice": "整改建议",
        "incomplete": "有 {missing} 个测评单元缺少证据（端点无法连接、探测无应答或未列出端点），按0分计：证据补齐前"
                      "不给出符合或基本符合的结论。",
        "last_conclusive": "本次评估证据不足，不替代上次有证据的结论：{verdict}，{total} 分，高风险项 {high} 个"
                           "（评估时间：{t}；保存为 {file}）。",
        "detail_note": "以上列出存在问题（失分、有风险或缺少证据）的 {shown} 个测评单元，共 {total} 个；"
                       "每个测评单元的对象、证据与得分见保存的评估结果（<数据目录>/results/crypto_eval/）。",
    },
    "en": {
        "title": "Commercial cryptography evaluation (GB/T 39786-2021): {system}", "total": "Score",
        "verdict": "Verdict", "level": "Protection level", "basis": "Requirements scored",
        "high_risk": "High-risk items", "mitigated": "Mitigated high-risk items", "problems": "Items with problems",
        "missing": "Items missing evidence",
        "points": "points", "undetermined": "undetermined (no total defined: an evaluator must decide)",
        "level_warning": "Level differs from the requirements scored", "high_title": "High-risk items",
        "layers_title": "Layer scores", "layer": "Layer", "weight": "Weight", "score": "Score", "na": "n/a",
        "clause": "Clause", "unit": "Unit", "requirement": "Requirement", "strength": "Strength", "risk": "Risk",
        "items_caption": "{layer}: item scores", "objects": "Objects",
        "summary": "{system} (protection level {level}) scored {total}; verdict: {verdict}; {high} high-risk items, "
                   "{mitigated} mitigated, {problems} items with problems, {missing} missing evidence.",
        "mitigation": "Mitigation: {m}", "no_evidence": "none", "evaluated_at": "Evaluated at {t}",
        "none": "none", "missing_mark": "missing evidence", "problems_caption": "Items with a problem",
        "found": "Found", "advice": "Remediation",
        "incomplete": "{missing} items lack evidence (endpoint unreachable, no answer to the probe or no endpoint "
                      "listed) and score 0: no compliant or basically compliant verdict until the evidence is there.",
        "last_conclusive": "This run lacks evidence and does not replace the last verdict drawn on evidence: "
                           "{verdict}, {total} points, {high} high-risk items (evaluated at {t}; kept as {file}).",
        "detail_note": "The {shown} of {total} items that lost points, carry a risk or lack evidence are listed; "
                       "every item's objects, evidence and score are in the saved evaluation "
                       "(<data dir>/results/crypto_eval/).",
    },
}
_STRENGTH = {"zh": {"shall": "应", "should": "宜", "may": "可"}, "en": {"shall": "shall", "should": "should",
                                                                          "may": "may"}}
_RISK = {"zh": {"高": "高", "中": "中", "低": "低", "无": "无"},
         "en": {"高": "high", "中": "medium", "低": "low", "无": "none"}}
_LEVEL = {"高": "high", "中": "medium", "低": "low", "无": "info"}
_LAYER_EN = {"physical": "Physical and environment", "network": "Network and communication",
             "device": "Device and computing", "application": "Application and data", "policies": "Policies",
             "people": "Personnel", "build_run": "Build and operation", "emergency": "Emergency response"}
_MARK = {True: "✓", False: "✗", None: "—"}
#: Longest "what was found" cell of the compact problems table (the full text is in the saved result).
_FOUND_CHARS = 240


def _risk(item: Mapping[str, Any]) -> str:
    """高/中/低/无 of an item: high with any high-risk finding, else the worst risk of a finding
    that marks a problem, when the item lost points or lacks evidence."""
    findings = item.get("findings") or []
    if any(f.get("high_risk") for f in findings):
        return "高"
    lost = item.get("score") not in (None, "1.0000", "1") or any(o.get("missing_evidence")
                                                                 for o in item.get("objects") or [])
    risks = {f.get("risk") for f in findings
             if f.get("risk") and not (f.get("factor") == "INFO" and f.get("satisfied"))}
    for level in ("高", "中", "低"):
        if level in risks and (lost or level == "高"):
            return level
    return "无"


def _evidence(item: Mapping[str, Any], lang: str = "zh") -> tuple[str, ...]:
    out = []
    tr = _translator(lang)
    colon, open_, close = (": ", " (", ")") if lang == "en" else ("：", "（", "）")
    for f in item.get("findings") or []:
        factor = f.get("factor", "")
        mark = "" if factor in ("INFO", "MISSING", "NA") else f"[{factor}{_MARK.get(f.get('satisfied'))}] "
        text = f"{mark}{tr(str(f.get('object', '')))}{colon}{tr(str(f.get('why', '')))}"
        observed = tr(str(f.get("observed") or ""))
        if observed and observed not in text:
            text += f"{open_}{observed}{close}"
        out.append(text)
    return tuple(dict.fromkeys(out))


def _translator(lang: str) -> Callable[[str], str]:
    """crypto_eval's Chinese free text in the report's language (reports.mipin_en)."""
    return english if lang == "en" else str


def _objects(item: Mapping[str, Any], labels: Mapping[str, str], lang: str = "zh") -> str:
    parts = []
    tr = _translator(lang)
    for o in item.get("objects") or []:
        if not o.get("applicable", True):
            parts.append(f"{tr(str(o.get('name')))} {labels['na']}")
            continue
        factors = " ".join(f"{x}{_MARK.get(o.get(x))}" for x in "DAK")
        missing = f" ({labels['missing_mark']})" if o.get("missing_evidence") else ""
        parts.append(f"{tr(str(o.get('name')))}: {factors} → {o.get('score')}{missing}")
    return "; ".join(parts)


def _title(item: Mapping[str, Any], catalogue: Catalogue, lang: str) -> str:
    return item_title(str(item.get("id")), lang, str(item.get("title", "")))


def _advice(item: Mapping[str, Any], catalogue: Catalogue, lang: str = "zh") -> str:
    if _risk(item) == "无" and item.get("score") in (None, "1.0000", "1"):
        return ""
    return item_remediation(str(item.get("id")), lang)


def _layer_section(system: str, layer: Mapping[str, Any], catalogue: Catalogue, lang: str) -> Section:
    labels = LABELS[lang]
    name = _LAYER_EN.get(str(layer.get("id")), str(layer.get("name"))) if lang == "en" else str(layer.get("name"))
    items = layer.get("items") or []
    rows = tuple((str(i.get("clause", "")), str(i.get("unit", "")), _title(i, catalogue, lang),
                  _STRENGTH[lang].get(str(i.get("strength")), str(i.get("strength"))), str(i.get("weight", "")),
                  labels["na"] if i.get("score") is None else str(i.get("score")), _RISK[lang][_risk(i)])
                 for i in items)
    table = Table(columns=(labels["clause"], labels["unit"], labels["requirement"], labels["strength"],
                           labels["weight"], labels["score"], labels["risk"]),
                  rows=rows, caption=labels["items_caption"].format(layer=name))
    findings = tuple(Finding(
        level=_LEVEL[_risk(i)],
        title=f"{i.get('unit', '')} {_title(i, catalogue, lang)} — {labels['score']} "
              f"{labels['na'] if i.get('score') is None else i.get('score')}",
        text=f"{labels['objects']}: {_objects(i, labels, lang) or labels['none']}",
        evidence=_evidence(i, lang), advice=_advice(i, catalogue, lang), reference=str(i.get("clause", "")))
        for i in items)
    return Section(id=f"mipin.{system}.{layer.get('id')}", title=name, blocks=(table, Findings(items=findings)))


#: The evaluation's keys whose strings are free text quoting what a server or a declaration said.
_FREE_TEXT_KEYS = frozenset({"observed", "why", "object", "name", "mitigation", "level_note"})


#: The keys of crypto_eval.report.section (the Chinese report section) whose strings quote evidence.
_SECTION_FREE_TEXT_KEYS = frozenset({"证据", "问题", "观察", "对象", "名称", "缓解措施"})


def _masked(value: Any, key: str = "", keys: frozenset[str] = _FREE_TEXT_KEYS) -> Any:
    """``value`` (a saved evaluation or a part of it) with the strings under ``keys`` masked."""
    if isinstance(value, Mapping):
        return {k: _masked(v, k, keys) for k, v in value.items()}
    if isinstance(value, list):
        return [_masked(v, key, keys) for v in value]
    # certificate subjects and issuers first (a person's certificate: CN 张三, review r16f), then free text
    return mask_distinguished_names(value) if isinstance(value, str) and key in keys else value


def masked_section(section: Mapping[str, Any]) -> dict[str, Any]:
    """crypto_eval.report.section's Chinese report section with the personal data its evidence
    quotes (certificate subjects: name, ID number, phone, e-mail) masked as reports show it
    (R16d F6: `crypto-eval -o` wrote it raw)."""
    return dict(_masked(section, keys=_SECTION_FREE_TEXT_KEYS))


def mipin_section(evaluation_json: Mapping[str, Any], lang: str = "zh", *, timezone: str = "Asia/Shanghai",
                  compact: bool = False, masked: bool = True) -> Section:
    """The report section of one system's saved 密评 evaluation (ReportError when it is not one);
    its evaluation time is shown in ``timezone``, the report's. ``compact`` (the compliance
    report, one chapter per system of a city): the layers' table and one table of the items with
    a problem instead of every item's detail, and where the full detail is kept."""
    if lang not in LABELS:
        raise ReportError(f"unknown report language {lang!r} (zh or en)")
    if not isinstance(evaluation_json.get("system"), str) or not isinstance(evaluation_json.get("layers"), list):
        raise ReportError("not a 密评 evaluation: 'system' and 'layers' are required "
                          "(crypto_eval.report.to_json / load_results)")
    e, labels, catalogue = _masked(evaluation_json) if masked else evaluation_json, LABELS[lang], load_catalogue()
    system = e["system"]
    verdict = e.get("verdict")
    shown_verdict = (labels["undetermined"] if verdict is None else
                     verdict_word(verdict, lang))
    total = e.get("total")
    high, mitigated = e.get("high_risk") or [], e.get("mitigated") or []
    level, basis = e.get("level"), e.get("catalogue_level", 3)
    figures = Figures(items=(
        Figure(label=labels["total"], value=total if total is not None else "—", unit=labels["points"]),
        Figure(label=labels["verdict"], value=shown_verdict),
        Figure(label=labels["high_risk"], value=len(high)), Figure(label=labels["mitigated"], value=len(mitigated)),
        Figure(label=labels["problems"], value=e.get("problems")), Figure(label=labels["missing"],
                                                                           value=e.get("missing_evidence")),
        Figure(label=labels["level"], value=level), Figure(label=labels["basis"], value=f"GB/T 39786-2021 L{basis}")))
    summary = labels["summary"].format(system=system, level=level, total=total if total is not None else "—",
                                       verdict=shown_verdict, high=len(high), mitigated=len(mitigated),
                                       problems=e.get("problems"), missing=e.get("missing_evidence"))
    if e.get("evaluated_at"):
        summary += " " + labels["evaluated_at"].format(t=local_text(e["evaluated_at"], timezone))
    blocks: list[Any] = [figures, Paragraph(text=summary)]
    if verdict == INCOMPLETE:
        blocks.append(Paragraph(text=labels["incomplete"].format(missing=e.get("missing_evidence"))))
    last = e.get("last_conclusive")
    if verdict not in CONCLUSIVE and isinstance(last, dict):
        at = local_text(last["evaluated_at"], timezone) if last.get("evaluated_at") else "—"
        blocks.append(Paragraph(text=labels["last_conclusive"].format(
            verdict=verdict_word(str(last.get("verdict")), lang), total=last.get("total"), high=last.get("high_risk"),
            t=at, file=last.get("file"))))
    if e.get("level_note"):
        blocks.append(Findings(items=(Finding(level="high", title=labels["level_warning"],
                                              text=_translator(lang)(str(e["level_note"])),
                                              reference=f"GB/T 39786-2021 L{basis}"),)))
    tr = _translator(lang)
    risky = [Finding(level="high", title=_risk_title(f, lang, tr),
                     text=tr(str(f.get("why", ""))),
                     evidence=(tr(str(f.get("observed", ""))),) if f.get("observed") else (),
                     advice=_item_advice(e, f.get("item"), catalogue, lang), reference=str(f.get("clause", "")))
             for f in high]
    risky += [Finding(level="medium", title=_risk_title(f, lang, tr),
                      text=tr(str(f.get("why", ""))),
                      advice=labels["mitigation"].format(m=f.get("mitigation", "")), reference=str(f.get("clause", "")))
              for f in mitigated]
    if risky:
        blocks.append(Section(id=f"mipin.{system}.high_risk", title=labels["high_title"],
                              blocks=(Findings(items=tuple(risky)),)))
    layers = e["layers"]
    blocks.append(Table(columns=(labels["layer"], labels["weight"], labels["score"]), caption=labels["layers_title"],
                        rows=tuple((_LAYER_EN.get(str(x.get("id")), str(x.get("name"))) if lang == "en"
                                    else str(x.get("name")), str(x.get("weight", "")),
                                    labels["na"] if x.get("score") is None else str(x.get("score"))) for x in layers)))
    if compact:
        blocks += _problems(layers, catalogue, lang)
    else:
        blocks += [_layer_section(system, x, catalogue, lang) for x in layers]
    return Section(id=f"mipin.{system}", title=labels["title"].format(system=system), blocks=tuple(blocks))


def _risk_title(finding: Mapping[str, Any], lang: str, tr: Callable[[str], str]) -> str:
    """A high-risk finding's heading: its clause, the requirement's own words (the item's title, so
    a reader need not look the clause up) and the object: "8.3 b) 远程管理通道安全 172.16.10.9:22"."""
    title = item_title(str(finding.get("item", "")), lang) if finding.get("item") else ""
    return " ".join(part for part in (str(finding.get("clause", "")), title, tr(str(finding.get("object", ""))))
                    if part)


def _has_problem(item: Mapping[str, Any]) -> bool:
    return _risk(item) != "无" or item.get("score") not in (None, "1.0000", "1") or any(
        o.get("missing_evidence") for o in item.get("objects") or [])


def _problems(layers: list[Mapping[str, Any]], catalogue: Catalogue, lang: str) -> list[Any]:
    """One table of the items that lost points, carry a risk or lack evidence (what was found,
    cut to :data:`_FOUND_CHARS`, and the advice), and a line on where every item's detail is."""
    labels = LABELS[lang]
    items = [i for layer in layers for i in layer.get("items") or []]
    rows = []
    for i in (i for i in items if _has_problem(i)):
        found = "; ".join(_evidence(i, lang))
        found = found if len(found) <= _FOUND_CHARS else found[:_FOUND_CHARS - 1] + "…"
        rows.append((str(i.get("unit", "")), _title(i, catalogue, lang),
                     labels["na"] if i.get("score") is None else str(i.get("score")), _RISK[lang][_risk(i)],
                     found, _advice(i, catalogue, lang)))
    table = Table(caption=labels["problems_caption"], columns=(
        labels["unit"], labels["requirement"], labels["score"], labels["risk"], labels["found"], labels["advice"]),
        rows=tuple(rows))
    return [table, Paragraph(text=labels["detail_note"].format(shown=len(rows), total=len(items)))]


def _item_advice(e: Mapping[str, Any], item_id: object, catalogue: Catalogue, lang: str = "zh") -> str:
    for layer in e.get("layers") or []:
        for item in layer.get("items") or []:
            if item.get("id") == item_id:
                return _advice(item, catalogue, lang)
    return ""
