"""The 密评 result as JSON and as a Chinese report-section model that reports/ renders.

``to_json(evaluation)`` keeps every number as a string (Decimal, exact) and every finding with its
clause and evidence. ``save_results`` writes one such JSON per system to a folder (the saved-results
contract: ``<data dir>/results/crypto_eval/<system>.json``, named by ``result_file_name``, the newest
run of a system replacing its file); ``load_results`` reads a folder back for the reports.
``section(evaluation)`` is the 商用密码应用安全性评估 chapter: a summary
(总分, 结论, 高风险项), then per layer and item the objects with D/A/K, the score, the evidence,
the risk and the remediation advice (整改建议).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

import orjson

from govsoc.core.results import make_folder, read_results, result_file_name, write_file
from govsoc.crypto_eval.assess import ItemResult, ObjectResult, SystemEvaluation
from govsoc.crypto_eval.catalogue import STRENGTH_ZH

__all__ = ["to_json", "document_bytes", "section", "result_file_name", "save_results", "load_results",
           "RESULTS_SUBDIR", "CONCLUSIVE", "LAST_EVIDENCE_SUFFIX"]


#: Where under the data directory the saved evaluations live.
RESULTS_SUBDIR = Path("results", "crypto_eval")

_MARK = {True: "✓", False: "✗", None: "—"}


def _num(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _object_json(o: ObjectResult) -> dict[str, Any]:
    return {"name": o.name, "applicable": o.applicable, "score": _num(o.score), "D": o.d, "A": o.a, "K": o.k,
            "Ra": str(o.ra), "Rk": str(o.rk), "missing_evidence": o.missing, "provenance": o.provenance}


def _item_json(r: ItemResult) -> dict[str, Any]:
    return {"id": r.item.id, "unit": r.item.unit, "clause": r.item.clause, "title": r.item.title,
            "strength": r.item.strength, "weight": str(r.item.weight), "score": _num(r.score),
            "objects": [_object_json(o) for o in r.objects], "findings": [f.to_json() for f in r.findings]}


def to_json(e: SystemEvaluation) -> dict[str, Any]:
    """The whole evaluation, JSON-ready."""
    return {
        "system": e.system, "level": e.level, "catalogue_level": e.catalogue_level, "level_note": e.level_note,
        "total": _num(e.total), "verdict": e.verdict,
        "high_risk": [f.to_json() for f in e.high_risk],
        "mitigated": [{**f.to_json(), "mitigation": m} for f, m in e.mitigated],
        "problems": e.problems, "missing_evidence": e.missing,
        "layers": [{"id": x.layer.id, "name": x.layer.name, "kind": x.layer.kind, "weight": str(x.layer.weight),
                    "score": _num(x.score), "items": [_item_json(r) for r in x.items]} for x in e.layers],
    }


def _risk(r: ItemResult) -> str:
    risks = [f.risk for f in r.findings if f.risk and not (f.factor == "INFO" and f.satisfied)]
    if any(f.high_risk for f in r.findings):
        return "高"
    for level in ("高", "中", "低"):
        if level in risks and (r.score is None or r.score < 1 or level == "高"):
            return level
    return "无"


def _evidence(r: ItemResult) -> list[str]:
    out = []
    for f in r.findings:
        mark = "" if f.factor in ("INFO", "MISSING", "NA") else f"[{f.factor}{_MARK[f.satisfied]}] "
        text = f"{mark}{f.object}：{f.why}"
        if f.observed and f.observed not in f.why:
            text += f"（观察：{f.observed}）"
        out.append(text)
    return out


def section(e: SystemEvaluation) -> dict[str, Any]:
    """The Chinese report-section model (plain data; reports/ renders it)."""
    verdict = e.verdict or "需人工判定（总分无定义：一组层面全部不适用）"
    summary = (f"{e.system}（等保{e.level}级）密评量化得分 {e.total if e.total is not None else '—'} 分，"
               f"结论：{verdict}；高风险项 {len(e.high_risk)} 个，已缓解 {len(e.mitigated)} 个，"
               f"存在问题的测评单元 {e.problems} 个，缺少证据 {e.missing} 个。")
    if e.level_note:
        summary = f"注意：{e.level_note}。" + summary
    layers = []
    for x in e.layers:
        items = []
        for r in x.items:
            items.append({
                "条款": r.item.clause, "测评单元": r.item.unit, "要求": r.item.title,
                "强度": STRENGTH_ZH[r.item.strength], "权重": str(r.item.weight),
                "得分": "不适用" if r.score is None else str(r.score),
                "对象": [{"名称": o.name, "D": _MARK[o.d], "A": _MARK[o.a], "K": _MARK[o.k],
                          "得分": "不适用" if not o.applicable else _num(o.score),
                          "来源": {"auto": "自动探测", "declared": "人工声明", "passive": "流量分析"}.get(
                              o.provenance, o.provenance), "缺少证据": o.missing} for o in r.objects],
                "证据": _evidence(r), "风险": _risk(r),
                "整改建议": "" if r.score is None or (r.score == 1 and not r.missing) else r.item.remediation,
            })
        layers.append({"层面": x.layer.name, "权重": str(x.layer.weight),
                       "得分": "不适用" if x.score is None else str(x.score), "测评单元": items})
    return {"标题": f"商用密码应用安全性评估：{e.system}", "摘要": summary, "总分": _num(e.total), "结论": verdict,
            "评估依据": f"GB/T 39786-2021 第{e.catalogue_level}级", "定级不符": e.level_note,
            "高风险项": [{"条款": f.clause, "对象": f.object, "问题": f.why, "观察": f.observed} for f in e.high_risk],
            "已缓解高风险项": [{"条款": f.clause, "对象": f.object, "问题": f.why, "缓解措施": m}
                               for f, m in e.mitigated],
            "层面": layers}


#: Conclusions drawn on evidence (scoring.INCOMPLETE and None are not).
CONCLUSIVE: Final = frozenset({"符合", "基本符合", "不符合"})
#: The suffix of the copy of a system's last conclusive result kept beside a newer inconclusive one.
LAST_EVIDENCE_SUFFIX: Final = ".last-evidence.json"


def document_bytes(data: Any) -> bytes:
    """``data`` as indented UTF-8 JSON, as json.dumps(ensure_ascii=False, indent=2) writes it,
    by orjson: the json module's encoder is pure Python once it indents, and a 256-endpoint run's
    results took seconds to write. What orjson refuses (an integer over 64 bits, a non-string key)
    is written by the json module."""
    try:
        return orjson.dumps(data, option=orjson.OPT_INDENT_2)
    except TypeError:  # orjson.JSONEncodeError is a TypeError
        return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


def save_results(evaluations: Iterable[SystemEvaluation], folder: Path, *,
                 now: datetime | None = None) -> list[Path]:
    """Write each evaluation's JSON (with ``evaluated_at``) to ``folder``, atomically per file.

    A run whose evidence is incomplete (证据不足: endpoints that did not answer, a firewall, a
    service down when the weekly scan came) is no new evidence against the last run that had it:
    when it would replace a conclusive result, that result is kept beside it (``<name>.last-evidence.json``,
    still read by reports of earlier periods) and the new result names it under ``last_conclusive``
    (verdict, total, high risks, when), carried on through later inconclusive runs. The new result
    is the current one: it says what this run could (not) see."""
    make_folder(folder)
    stamp = (now or datetime.now(UTC)).isoformat(timespec="seconds")
    written = []
    for e in evaluations:
        path = folder / result_file_name(e.system)
        data: dict[str, Any] = {**to_json(e), "evaluated_at": stamp}
        if e.verdict not in CONCLUSIVE:
            last = _last_conclusive(path)
            if last is not None:
                data["last_conclusive"] = last
        write_file(path, document_bytes(data))
        written.append(path)
    return written


def _last_conclusive(path: Path) -> dict[str, Any] | None:
    """The conclusive result ``path`` holds (kept aside as a copy), or the one it names."""
    try:
        old = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    if not isinstance(old, dict):
        return None
    if old.get("verdict") in CONCLUSIVE:
        copy = path.with_name(path.name[:-len(".json")] + LAST_EVIDENCE_SUFFIX)
        write_file(copy, path.read_bytes())
        return {"verdict": old["verdict"], "total": old.get("total"), "high_risk": len(old.get("high_risk") or []),
                "missing_evidence": old.get("missing_evidence"), "evaluated_at": old.get("evaluated_at"),
                "file": copy.name}
    last = old.get("last_conclusive")
    return last if isinstance(last, dict) else None


def _evaluation(data: Any) -> Any:
    """A ``-o`` file's evaluation sits under "evaluation"; a saved result is the evaluation itself."""
    return data["evaluation"] if isinstance(data, dict) and isinstance(data.get("evaluation"), dict) else data


def load_results(folder: Path) -> list[dict[str, Any]]:
    """Every saved evaluation in ``folder`` (also ``-o`` files), one per system, the newest
    ``evaluated_at`` winning; sorted by system name (core.results.read_results: unreadable files
    are logged and skipped; a missing folder is no result)."""
    return read_results(folder, key="system", stamp="evaluated_at", unwrap=_evaluation,
                        valid=lambda data: isinstance(data.get("layers"), list))
