"""The 密评 report section (reports/mipin.py) from saved evaluations of systems probed on loopback:
a TLS portal and a telnet admin port (high risk), declarations for the rest, and a level-2 system
scored against level 3. The section's figures, items and advice are checked against the saved
evaluation JSON and the catalogue, in Chinese and English."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from govsoc.core.errors import ReportError
from govsoc.core.inventory import InventoryModel
from govsoc.crypto_eval.catalogue import load_catalogue
from govsoc.crypto_eval.evaluate import evaluate_inventory
from govsoc.crypto_eval.report import load_results, save_results
from govsoc.reports.document import Document, Figures, Findings, Paragraph, Section, Table, walk
from govsoc.reports.mipin import LABELS, mipin_section
from tests.servers.certs import make_cert
from tests.servers.cleartext import telnet_listener
from tests.servers.tls import python_tls_server

PRODUCT = {"name": "SSL VPN 网关", "certificate_no": "GM0033122202300001", "module_level": 2,
           "used_for": ["network", "device", "application"]}


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, dict[str, Any]]]:
    folder = tmp_path_factory.mktemp("mipin")
    cert = make_cert(folder, "portal")
    with python_tls_server(cert) as tls_port, telnet_listener() as telnet_port:
        systems = InventoryModel.model_validate({"systems": [
            {"name": "一网通办<门户>", "level": 3, "endpoints": [
                {"host": "127.0.0.1", "port": tls_port, "protocol": "https", "kind": "web",
                 "server_name": "localhost"},
                {"host": "127.0.0.1", "port": telnet_port, "protocol": "telnet", "kind": "admin"}],
             "crypto": {"products": [PRODUCT], "important_data": ["个人信息"],
                        "key_management": {"storage": "服务器密码机", "keys_in_plaintext": False},
                        "declarations": {"gbt39786.l3.8.5.a": {"judgement": "符合", "evidence": "制度 v2"},
                                         "gbt39786.l3.8.1.a": {"judgement": "不适用", "na_reason": "云上机房"}}}},
            {"name": "二级系统", "level": 2}]}).systems
        evaluations = evaluate_inventory(systems, question_timeout=1.0)
    results = folder / "results" / "crypto_eval"
    save_results(evaluations, results)
    yield {e["system"]: e for e in load_results(results)}


def _blocks(section: Section, kind: type) -> list[Any]:
    return [b for s in walk((section,)) for b in s.blocks if isinstance(b, kind)]


def test_chinese_section_states_the_saved_evaluation(saved: dict[str, dict[str, Any]]) -> None:
    e = saved["一网通办<门户>"]
    section = mipin_section(e, "zh")
    assert section.id == "mipin.一网通办<门户>" and "一网通办<门户>" in section.title
    figures = {f.label: f.value for f in _blocks(section, Figures)[0].items}
    assert figures["密评量化得分"] == e["total"] and figures["结论"] == e["verdict"] == "不符合"
    assert figures["高风险项"] == len(e["high_risk"]) > 0 and figures["缺少证据的测评单元"] == e["missing_evidence"]
    # every catalogue item once, in its layer's table and as one finding with its evidence
    catalogue = load_catalogue()
    layers = {s.id.rsplit(".", 1)[1]: s for s in walk((section,)) if s.id.count(".") == 2 and s.id[-9:] != "high_risk"}
    assert sorted(layers) == sorted(layer.id for layer in catalogue.layers)
    for layer in catalogue.layers:
        table, findings = layers[layer.id].blocks
        assert isinstance(table, Table) and isinstance(findings, Findings)
        assert [row[1] for row in table.rows] == [item.unit for item in layer.items]
        assert len(findings.items) == len(layer.items)
    by_unit = {r[1]: r for s in layers.values() for r in s.blocks[0].rows}  # type: ignore[union-attr]
    saved_items = {i["unit"]: i for x in e["layers"] for i in x["items"]}
    assert {u: r[5] for u, r in by_unit.items()} == {u: i["score"] if i["score"] is not None else "不适用"
                                                     for u, i in saved_items.items()}
    # the telnet admin channel: high risk, with the catalogue's remediation as advice
    admin = next(f for s in layers.values() for f in s.blocks[1].items if f.reference.endswith("6.3.2"))  # type: ignore[union-attr]
    assert admin.level == "high" and admin.advice == catalogue.item("gbt39786.l3.8.3.b").remediation
    assert any("telnet 明文传输" in line for line in admin.evidence)
    high = next(s for s in walk((section,)) if s.id.endswith(".high_risk"))
    assert {f.reference for f in high.blocks[0].items} >= {f["clause"] for f in e["high_risk"]}  # type: ignore[union-attr]
    # a 不适用 item with its reason, a fully met one without advice
    physical = next(f for f in layers["physical"].blocks[1].items if f.reference.endswith("6.1.1"))  # type: ignore[union-attr]
    assert "不适用" in physical.title and physical.advice == ""
    json.dumps(Document(kind="compliance", title="t", lang="zh", generated="2026-11-30T00:00:00Z", timezone="UTC",
                        masked=True, sections=(section,)).to_dict(), ensure_ascii=False)


def test_english_section(saved: dict[str, dict[str, Any]]) -> None:
    e = saved["一网通办<门户>"]
    section = mipin_section(e, "en")
    figures = {f.label: f.value for f in _blocks(section, Figures)[0].items}
    assert figures["Verdict"] == "non-compliant" and figures["Score"] == e["total"]
    titles = [s.title for s in walk((section,))]
    assert "Network and communication" in titles and "Policies" in titles
    tables = _blocks(section, Table)
    assert tables[0].columns == ("Layer", "Weight", "Score")
    assert load_catalogue().item("gbt39786.l3.8.2.c").title_en in {r[2] for t in tables[1:] for r in t.rows}
    assert not any(label in str(b) for b in _blocks(section, Paragraph) for label in ("结论", "高风险项"))


def test_level_2_system_carries_the_warning(saved: dict[str, dict[str, Any]]) -> None:
    e = saved["二级系统"]
    assert e["level"] == 2 and e["level_note"]
    for lang in LABELS:
        warning = _blocks(mipin_section(e, lang), Findings)[0].items[0]
        assert warning.level == "high"
        # the note in the report's language: as crypto_eval wrote it, or its English
        assert warning.text == e["level_note"] if lang == "zh" else (
            "MLPS level is 2" in warning.text and "level 3 requirements" in warning.text)
        assert warning.title == LABELS[lang]["level_warning"]
    assert not any(f.items[0].title == LABELS["zh"]["level_warning"]
                   for f in _blocks(mipin_section(saved["一网通办<门户>"], "zh"), Findings))


def test_bad_input_is_a_report_error(saved: dict[str, dict[str, Any]], tmp_path: Path) -> None:
    with pytest.raises(ReportError, match="system"):
        mipin_section({"evaluation": saved["二级系统"]}, "zh")
    with pytest.raises(ReportError, match="language"):
        mipin_section(saved["二级系统"], "fr")
    (tmp_path / "broken.json").write_text("{", encoding="utf-8")
    (tmp_path / "other.json").write_text('{"kind": "inventory"}', encoding="utf-8")
    assert load_results(tmp_path) == [] and load_results(tmp_path / "absent") == []
    # newest wins: an -o copy of an older run beside the saved result
    older = {**saved["二级系统"], "evaluated_at": "2026-01-01T00:00:00+00:00", "total": "1.00"}
    newer = {**saved["二级系统"], "evaluated_at": "2026-02-01T00:00:00+00:00"}
    (tmp_path / "a.json").write_text(json.dumps({"evaluation": newer}), encoding="utf-8")
    (tmp_path / "b.json").write_text(json.dumps(older), encoding="utf-8")
    assert [r["evaluated_at"] for r in load_results(tmp_path)] == ["2026-02-01T00:00:00+00:00"]


def test_compact_section_lists_only_the_items_with_problems(saved: dict[str, dict[str, Any]]) -> None:
    """The compliance report's chapter of a system: no per-item detail, one table of the items
    that lost points, carry a risk or lack evidence (crypto_eval counts them as ``problems``)."""
    e = saved["一网通办<门户>"]
    full, compact = mipin_section(e, "zh"), mipin_section(e, "zh", compact=True)
    items = [i for layer in e["layers"] for i in layer["items"]]
    assert len([s for s in walk((full,)) if s is not full]) > len(e["layers"])
    assert [s.id for s in walk((compact,)) if s is not compact] == ["mipin.一网通办<门户>.high_risk"]
    [problems] = [t for t in _blocks(compact, Table) if t.caption == "存在问题的测评单元"]
    # an item lost points, lacks evidence for an object, or has a high-risk finding
    wanted = [i["unit"] for i in items if i["score"] not in (None, "1.0000")
              or any(o.get("missing_evidence") for o in i.get("objects") or [])
              or any(f.get("high_risk") for f in i.get("findings") or [])]
    assert [row[0] for row in problems.rows] == wanted and 0 < len(wanted) < len(items)
    # the telnet admin port (high risk) is among them with its remediation
    remote = load_catalogue().item("gbt39786.l3.8.3.b")
    assert any(row[0] == remote.unit and row[3] == "高" and row[5] == remote.remediation for row in problems.rows)
    assert len(repr(compact)) < len(repr(full))


#: What the operator wrote in this module's inventory: data, shown in its own language.
DATA = ("一网通办<门户>", "二级系统", "SSL VPN 网关", "制度 v2", "云上机房", "服务器密码机")


def test_english_compliance_report_has_no_chinese_outside_data(saved: dict[str, dict[str, Any]],
                                                                tmp_path: Path) -> None:
    """--lang en: item titles, verdicts, evidence, advice, level notes, 等保 and 密评 rows and
    every label in English; Chinese only inside the names and texts the inventory gave."""
    import re
    from datetime import UTC, datetime

    from govsoc.core.alert import Alert
    from govsoc.core.event import make_id
    from govsoc.reports.build import build
    from govsoc.reports.renderers import document_text, renderers
    from govsoc.store.sqlite import SqliteStore

    folder = tmp_path / "results" / "crypto_eval"
    folder.mkdir(parents=True)
    for name, evaluation in saved.items():
        (folder / f"{len(name)}-{abs(hash(name))}.json").write_text(json.dumps(evaluation, ensure_ascii=False),
                                                                   encoding="utf-8")
    start, end = datetime(2026, 11, 28, 16, tzinfo=UTC), datetime(2099, 1, 1, tzinfo=UTC)
    with SqliteStore(tmp_path / "events.db") as store:
        store.write_alerts([Alert(id=make_id("e", i), rule_id="r", rule_title="Telnet", level="high", kind="match",
                                  start=start, end=start, event_ids=(), tags=tags) for i, tags in enumerate(
            [("djbh.l3.8.1.4.1.c", "mipin.gbt39786.l3.8.3.b"), ("djbh.l3.8.1.2.2.b",), ("mipin.gbt39786.l3.8.2.c",)])])
        store.refresh()
        document = build("compliance", store, start=start, end=end, lang="en", data_dir=tmp_path,
                         timezone="Asia/Shanghai", now=start)
    markdown = renderers.get("md")().render(document).decode()
    texts = [*document_text(document), markdown]
    assert "一网通办\\<门户\\>" in markdown  # the data is there (Markdown escapes "<")
    cjk = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]")
    left = []
    for text in texts:
        for value in sorted(DATA, key=len, reverse=True):
            text = text.replace(value, "").replace(value.replace("<", "\\<").replace(">", "\\>"), "")
        left += [line for line in text.splitlines() if cjk.search(line)]
    assert left == []
