"""The daemon's job table (scheduler.jobs): the govsoc command lines of each job, at fixed times."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from govsoc.core.config import load_config
from govsoc.scheduler.jobs import Job, jobs_for


def _jobs(tmp_path: Path, text: str) -> dict[str, Job]:
    config = tmp_path / "govsoc.yaml"
    config.write_text(f"data_dir: {tmp_path / 'data'}\n{text}", encoding="utf-8")
    return {job.name: job for job in jobs_for(load_config(config, env={}))}


def test_the_report_covers_the_previous_local_day(tmp_path: Path) -> None:
    jobs = _jobs(tmp_path, "schedule:\n  reports: {at: '00:30', formats: [html, json]}\n")
    report = jobs["reports"]
    # 00:30 in Shanghai on 30 November is 16:30 UTC on the 29th: the day reported is the 29th
    # in Shanghai, not the UTC date before the start
    commands = report.commands(datetime.fromisoformat("2026-11-29T16:30:00+00:00"))
    assert [c[c.index("--from") + 1] for c in commands] == ["2026-11-29T00:00:00+08:00"] * 2
    assert [c[c.index("--to") + 1] for c in commands] == ["2026-11-30T00:00:00+08:00"] * 2
    assert [Path(c[c.index("-o") + 1]).name for c in commands] == ["alerts-2026-11-29.html", "alerts-2026-11-29.json"]


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
