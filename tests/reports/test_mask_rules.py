"""The reports mask accounts (and the personal data of their evidence lines) by the rules in
govsoc.classification.masking.MASK_RULES, a deployment's replacements included: the situation
report (accounts targeted, evidence), the alert summary (latest alerts) and the alert report's
rows, rendered. Before F15k they called masking.mask_account by name, and a replaced account rule
was bypassed there (R15-19)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from govsoc.classification.masking import MASK_RULES
from govsoc.core.alert import Alert
from govsoc.core.event import make_id
from govsoc.core.evidence import Evidence
from govsoc.reports import build_report, renderers
from govsoc.reports.build import build
from govsoc.store.sqlite import SqliteStore

START = datetime(2026, 11, 28, 16, tzinfo=UTC)
END = START + timedelta(days=1)
USER = "zhangsan"
MOBILE = "13812345678"


def _alerts() -> list[Alert]:
    out = []
    for j in range(6):
        at = START + timedelta(hours=j)
        evidence = Evidence(event_id=make_id("mr", j), timestamp=at, dataset="linux.auth",
                            fields={"user.name": USER},
                            original=f"Failed password for {USER} from 203.0.113.9 phone {MOBILE}")
        out.append(Alert(id=make_id("mr-alert", j), rule_id="r-1", rule_title="SSH 暴力破解", level="high",
                         kind="match", start=at, end=at, event_ids=(make_id("mr", j),), evidence=(evidence,),
                         context={"source.ip": "203.0.113.9", "user.name": USER}))
    return out


def _rendered(store: SqliteStore, kind: str) -> str:
    document = build(kind, store, start=START, end=END, lang="zh", masked=True, timezone="Asia/Shanghai", now=END)
    return renderers.get("html")().render(document).decode("utf-8") + json.dumps(document.to_dict(),
                                                                                ensure_ascii=False)


@pytest.mark.parametrize("kind", ["situation", "alerts"])
def test_a_report_masks_accounts_by_the_rule_in_force(kind: str, sqlite_store: SqliteStore,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    sqlite_store.write_alerts(_alerts())
    sqlite_store.refresh()
    builtin = _rendered(sqlite_store, kind)
    assert USER not in builtin and "z***" in builtin  # the built-in rule, first
    monkeypatch.setitem(MASK_RULES, "account", lambda text: "[account hidden]")
    replaced = _rendered(sqlite_store, kind)
    assert "[account hidden]" in replaced and "z***" not in replaced and USER not in replaced


def test_the_situation_evidence_masks_by_the_rules_in_force(sqlite_store: SqliteStore,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    sqlite_store.write_alerts(_alerts())
    sqlite_store.refresh()
    monkeypatch.setitem(MASK_RULES, "mobile", lambda text: "[mobile hidden]")
    shown = _rendered(sqlite_store, "situation")
    assert "[mobile hidden]" in shown and MOBILE not in shown and "138****5678" not in shown


def test_the_alert_report_rows_use_the_rule_in_force(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(MASK_RULES, "account", lambda text: "[account hidden]")
    report = build_report(_alerts(), store="sqlite", now=END)
    page = renderers.get("html")().render(report).decode("utf-8")
    assert "[account hidden]" in page and USER not in page and "z***" not in page
