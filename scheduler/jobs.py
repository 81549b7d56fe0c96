"""The daemon's jobs: which `govsoc` commands each one runs, from the ``schedule`` section.

    detection        govsoc detect                  (an incremental pass; exit 3 = some rules failed)
    retention        govsoc retention
    classification   govsoc classify TARGET, per target   (saved as <data>/results/classification/<source>.json)
    crypto_eval      govsoc crypto-eval                   (the inventory's level-3 systems, saved as
                                                           <data>/results/crypto_eval/<system>.json)
    reports          govsoc report KIND --period day|week|month --at <inside the last whole one>,
                     per kind (situation, compliance, alerts), every format at once; periods
                     missed while the daemon was down are caught up, oldest first, each once
                     (at most CATCH_UP_LIMIT back: see owed_runs); the periods before it
                     (REISSUE_LATE) whose events or alerts arrived after their report was
                     issued are reported again (--reissue-late, reports.reissue)

`govsoc report` is the reports contract of issue 18 (reports.build, then reports.write, which
renders and signs); the daemon runs it, as every job, as a child process (scheduler.children
says why). Reports are signed: without the key (`govsoc keys init`) each report run fails with
that advice, shown by `govsoc status`, unless ``schedule.reports.unsigned`` is set. Database
passwords, the signing passphrase (GOVSOC_KEY_PASSPHRASE, or the 0600 file
GOVSOC_KEY_PASSPHRASE_FILE names) and Elasticsearch credentials reach the children through the
daemon's environment, never their command lines.

A job is a table row, not a class: its name, its schedule, the command lines of one run (given
the run's start, for the report's period) and, when it cannot run, why (``off``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from govsoc.core.config import Config
from govsoc.core.schedule import JobSchedule
from govsoc.scheduler.clock import occurrences_between

__all__ = ["CATCH_UP_LIMIT", "EXIT_PARTIAL", "REISSUE_LATE", "Job", "jobs_for", "owed_runs", "period_label"]

#: `govsoc detect`: the pass ran but some rules failed to load or run (cli/commands/detect.py);
#: `govsoc crypto-eval`: the run finished but some system's verdict is 证据不足 (its EXIT_INCOMPLETE).
EXIT_PARTIAL = 3
#: The most report periods a restarted daemon catches up (a month of daily reports); older
#: missed periods are said and skipped (`govsoc report --at` writes them by hand).
CATCH_UP_LIMIT = 31

#: How many periods before the one a report run writes are reported again when events or alerts
#: of theirs arrived after their report was issued (reports.reissue): a week of days, four weeks,
#: two months.
REISSUE_LATE = {"day": 7, "week": 4, "month": 2}

Commands = Callable[[datetime], list[list[str]]]


@dataclass(frozen=True, slots=True, kw_only=True)
class Job:
    """One scheduled job: ``commands(start)`` are the govsoc argument lists of a run, run in turn."""

    name: str
    schedule: JobSchedule
    commands: Commands
    #: Why the job does not run (None: it runs), e.g. "no targets (schedule.classification.targets)".
    off: str | None = None
    #: Exit codes that mean "ran, with parts failed": recorded, but not retried.
    partial_codes: frozenset[int] = frozenset()
    #: For a job that covers periods (the reports): the label of the period a run at a given
    #: time covers. Its ``at`` times missed while the daemon was down are then run afterwards,
    #: one per period, oldest first, at most ``catch_up`` of them (owed_runs).
    period_of: Callable[[datetime], str] | None = None
    #: The kind of period (day, week, month) of a period job: a change of kind is a new series.
    period_kind: str | None = None
    catch_up: int = 0

    @property
    def periodic(self) -> bool:
        """Whether missed ``at`` times are caught up, one run per period (owed_runs)."""
        return self.period_of is not None and self.catch_up > 0 and self.schedule.at is not None

    @property
    def runs(self) -> bool:
        """Whether the daemon runs it (switched on, and nothing it needs missing)."""
        return self.schedule.enabled and self.off is None

    def describe(self) -> str:
        """Its schedule in a few words, or why it is off."""
        return f"off: {self.off}" if self.schedule.enabled and self.off else self.schedule.describe()


def _inside_last_period(start: datetime, period: str, zone: ZoneInfo) -> datetime:
    """Noon of a day inside the last whole ``period`` (day, ISO week, month) before ``start``'s
    own, in ``zone``: what `govsoc report --period P --at` reports."""
    today = start.astimezone(zone).date()
    day = {"day": today - timedelta(days=1), "week": today - timedelta(days=7),
           "month": today.replace(day=1) - timedelta(days=1)}[period]
    return datetime.combine(day, time(12), tzinfo=zone)


def period_label(start: datetime, period: str, zone: ZoneInfo) -> str:
    """The period a report run at ``start`` covers: ``2026-11-29``, ``2026-W48`` or ``2026-11``."""
    inside = _inside_last_period(start, period, zone).date()
    if period == "week":
        year, week, _ = inside.isocalendar()
        return f"{year}-W{week:02d}"
    return inside.isoformat() if period == "day" else inside.strftime("%Y-%m")


def owed_runs(job: Job, owed: Sequence[datetime], after: datetime, now: datetime,
              zone: ZoneInfo) -> tuple[list[datetime], int]:
    """The runs a period job owes at ``now``: those still ``owed`` from before and every ``at``
    time in (after, now], one per period (the earliest time of each), oldest first, at most
    ``job.catch_up``; and how many older periods fell off."""
    if job.period_of is None or not job.periodic:
        return [now], 0
    first: dict[str, datetime] = {}
    for when in sorted([*owed, *occurrences_between(job.schedule, after, now, zone)]):
        first.setdefault(job.period_of(when), when)
    runs = sorted(first.values())
    return runs[-job.catch_up:], max(0, len(runs) - job.catch_up)


def jobs_for(config: Config) -> list[Job]:
    """Every job of the configuration (switched-off ones too, with ``off`` set)."""
    schedule = config.schedule
    scans = schedule.classification

    def classify(_start: datetime) -> list[list[str]]:
        return [["classify", target, "--scheme", scans.scheme] for target in scans.targets]

    def report(start: datetime) -> list[list[str]]:
        job = schedule.reports
        at = _inside_last_period(start, job.period, ZoneInfo(config.reports.timezone)).isoformat()
        lang = ["--lang", job.lang] if job.lang else []
        formats = [part for fmt in job.formats for part in ("--format", fmt)]
        unsigned = ["--unsigned"] if job.unsigned else []
        late = ["--reissue-late", str(REISSUE_LATE[job.period])]
        return [["report", kind, "--period", job.period, "--at", at, *formats, *lang, *unsigned, *late,
                 "--folder", str(config.report_dir)] for kind in job.kinds]

    return [
        Job(name="detection", schedule=schedule.detection, commands=lambda _s: [["detect"]],
            partial_codes=frozenset({EXIT_PARTIAL})),
        Job(name="retention", schedule=schedule.retention, commands=lambda _s: [["retention"]]),
        Job(name="classification", schedule=scans, commands=classify,
            off=None if scans.targets else "no targets (schedule.classification.targets)"),
        Job(name="crypto_eval", schedule=schedule.crypto_eval,
            commands=lambda _s: [["crypto-eval", "--format", "json"]], partial_codes=frozenset({EXIT_PARTIAL}),
            off=None if config.inventory else "no inventory (inventory: in govsoc.yaml)"),
        Job(name="reports", schedule=schedule.reports, commands=report, catch_up=CATCH_UP_LIMIT,
            period_kind=schedule.reports.period,
            period_of=lambda start: period_label(start, schedule.reports.period, ZoneInfo(config.reports.timezone))),
    ]
