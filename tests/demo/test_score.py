"""demo.score: a planted attack is detected only when every pack rule written for it is in the
pack and raised an alert for it (review r17d finding 6). Real CTS traces go through the
huaweicloud.cts parser into SQLite and the real detection pass; only the pack folder varies."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

from govsoc.collectors import ingest_file
from govsoc.demo.score import score_alerts
from govsoc.demo.truth import Attack, GroundTruth
from govsoc.rules import detect, load_rules
from govsoc.rules.loader import BUILTIN_PACKS
from govsoc.store.sqlite import SqliteStore

WHEN = datetime(2026, 11, 27, 15, 30, 2, tzinfo=UTC)
TRACKER, MFA = "huaweicloud_cts_tracker_deleted.yml", "huaweicloud_console_login_without_mfa.yml"


def _trace(name: str, service: str, code: int, at: datetime, mfa: str | None = None) -> str:
    """A CTS v3 trace of user hw-tmp from 203.0.113.77 (the attack's address)."""
    ms = int(at.timestamp() * 1000)
    user: dict[str, object] = {"id": "u-hw-tmp", "name": "hw-tmp", "domain": {"id": "d0001", "name": "zwy-city"}}
    if mfa is not None:
        user["session_context"] = {"attributes": {"created_at": str(ms), "mfa_authenticated": mfa}}
    return json.dumps({"trace_id": f"t-{name}", "trace_name": name, "trace_rating": "normal",
                       "trace_type": "ConsoleAction" if name == "login" else "ApiCall", "service_type": service,
                       "resource_type": "user" if service == "IAM" else "tracker", "resource_name": "system",
                       "source_ip": "203.0.113.77", "code": str(code), "time": ms, "user": user})


def _score(tmp_path: Path, pack_files: list[str], mfa: str) -> dict[str, object]:
    """Ingest a login (MFA ``mfa``) and a tracker deletion, run ``pack_files`` of the egov pack
    from a folder of their own, and score the alerts against the one attack naming both rules."""
    folder = tmp_path / f"{mfa}-{len(pack_files)}"
    pack = folder / "pack"
    pack.mkdir(parents=True)
    for name in pack_files:
        shutil.copy(BUILTIN_PACKS / "egov" / name, pack / name)
    log = folder / "cts.json"
    log.write_text(_trace("login", "IAM", 302, WHEN, mfa) + "\n"
                   + _trace("deleteTracker", "CTS", 204, WHEN + timedelta(minutes=3)) + "\n", encoding="utf-8")
    store = SqliteStore(folder / "events.db")
    try:
        summary = ingest_file(log, parser_id="huaweicloud.cts", store=store, data_dir=folder / "state")
        assert (summary.receipt.created, summary.parse_failures) == (2, 0)
        ruleset = load_rules([pack])
        assert ruleset.errors == []
        detect(store, ruleset, start=WHEN - timedelta(hours=1), end=WHEN + timedelta(hours=1))
        attack = Attack(id="cts-tracker-deleted", kind="cloud misconfiguration", title="华为云无MFA登录后删除CTS追踪器",
                        source="cloud/huaweicloud_cts.json", channel="file", start=WHEN, records=2,
                        ips=frozenset({"203.0.113.77"}), names=frozenset({"hw-tmp"}), rules=(TRACKER, MFA))
        score = score_alerts(store.alerts(), GroundTruth(attacks=[attack]), pack)
    finally:
        store.close()
    (outcome,) = score.to_dict()["attacks"]  # type: ignore[misc]
    assert isinstance(outcome, dict)
    return {"detected": outcome["detected"], "missed": [o.attack.id for o in score.missed],
            "missing": outcome["missing_rules"], "silent": outcome["silent_rules"], "alerts": outcome["alerts"]}


def test_an_attack_is_missed_when_a_rule_it_names_is_missing_or_silent(tmp_path: Path) -> None:
    # the console-login rule absent: the tracker rule's alert alone used to count as detected
    absent = _score(tmp_path, [TRACKER], "false")
    assert absent["alerts"] == {"Huawei Cloud CTS Tracker Deleted Or Changed": 1}
    assert (absent["detected"], absent["missed"], absent["missing"]) == (False, ["cts-tracker-deleted"], [MFA])
    # both rules in the pack, but the login passed MFA: the MFA rule is silent, the attack missed
    silent = _score(tmp_path, [TRACKER, MFA], "true")
    assert (silent["detected"], silent["missed"], silent["silent"]) == (False, ["cts-tracker-deleted"], [MFA])
    # both in the pack and both raise their alert: detected
    both = _score(tmp_path, [TRACKER, MFA], "false")
    assert (both["detected"], both["missed"], both["missing"], both["silent"]) == (True, [], [], [])
    assert len(both["alerts"]) == 2  # type: ignore[arg-type]
