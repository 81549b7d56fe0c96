"""The daemon's job table (scheduler.jobs): the govsoc command lines of each job, at fixed times."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from govsoc.core.config import load_config
from govsoc.scheduler.jobs import Job, jobs_for


def _jobs(tmp_path: Path, text: str) -> dict[str, Job]:
    config = tmp_path / "govsoc.yaml"
    config.write_text(f"data_dir: {tmp_path / 'data'}\n{text}", encoding="utf-8")
    return {job.name: job for job in jobs_for(load_config(config, env={}))}


@pytest.mark.parametrize(("period", "start", "at"), [
    # 00:30 in Shanghai on 30 November is 16:30 UTC on the 29th: yesterday is the 29th in
    # Shanghai, not the 28th (the UTC date before the start)
    ("day", "2026-11-29T16:30:00+00:00", "2026-11-29T12:00:00+08:00"),
    # on Monday 30 November the last whole ISO week is 23-29 November
    ("week", "2026-11-30T00:00:00+00:00", "2026-11-23T12:00:00+08:00"),
    # on 1 December (local) the last whole month is November, even on a 31-day boundary
    ("month", "2026-11-30T17:00:00+00:00", "2026-11-30T12:00:00+08:00"),
])
def test_the_report_covers_the_last_whole_period(tmp_path: Path, period: str, start: str, at: str) -> None:
    jobs = _jobs(tmp_path, f"schedule:\n  reports: {{at: '00:30', period: {period}, formats: [html, json]}}\n")
    commands = jobs["reports"].commands(datetime.fromisoformat(start))
    folder = str(tmp_path / "data" / "reports")
    late = {"day": "7", "week": "4", "month": "2"}[period]  # the periods before it re-issued when data came late
    assert commands == [["report", kind, "--period", period, "--at", at, "--format", "html", "--format", "json",
                         "--reissue-late", late, "--folder", folder] for kind in ("situation", "compliance")]


def test_scans_need_what_they_scan(tmp_path: Path) -> None:
    jobs = _jobs(tmp_path, "")
    assert jobs["classification"].off == "no targets (schedule.classification.targets)"
    assert jobs["crypto_eval"].off == "no inventory (inventory: in govsoc.yaml)"
    assert jobs["crypto_eval"].describe() == "off: no inventory (inventory: in govsoc.yaml)"
    assert jobs["detection"].runs and jobs["detection"].describe() == "every 5m"
    off = _jobs(tmp_path, "schedule:\n  detection: {enabled: false}\n")["detection"]
    assert not off.runs and off.describe() == "off"


def test_each_target_is_classified_in_turn(tmp_path: Path) -> None:
    jobs = _jobs(tmp_path, "schedule:\n  classification:\n    at: '02:00'\n    scheme: zhejiang\n    targets: "
                           "[/srv/exports, 'postgresql://auditor@db.example/egov', 'es://logs-app']\n")
    commands = jobs["classification"].commands(datetime.fromisoformat("2026-11-30T02:00:00+08:00"))
    # govsoc classify saves each source's inventory under <data dir>/results/classification itself
    assert commands == [["classify", target, "--scheme", "zhejiang"] for target in
                        ("/srv/exports", "postgresql://auditor@db.example/egov", "es://logs-app")]
