"""What a detection pass did (rules.engine): rules run, failed and not run for want of their log
source, matches and alerts written by kind, gaps, damaged state dropped, the time spent waiting
for alert writes, and the closing lines the CLI prints.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from govsoc.core.alert import AlertReceipt
from govsoc.core.errors import RuleError


@dataclass(slots=True)
class DetectionSummary:
    """What a detection pass did."""

    rules: int = 0
    failed: list[RuleError] = field(default_factory=list)
    #: Rules not run because govsoc does not collect their log source: rule id -> the source needed.
    no_source: dict[str, str] = field(default_factory=dict)
    matches: dict[str, int] = field(default_factory=dict)
    kinds: Counter[str] = field(default_factory=Counter)
    receipt: AlertReceipt = field(default_factory=AlertReceipt)
    gaps: list[str] = field(default_factory=list)
    #: Damaged state the pass dropped and went on without, one line each (e.g. a bad rejudge entry).
    notices: list[str] = field(default_factory=list)
    #: Seconds the pass waited for alert writes (all of their time when they are not written
    #: beside the searches).
    write_wait: float = 0.0

    @property
    def alerts(self) -> int:
        """Alerts written (new, updated or unchanged)."""
        return sum(self.kinds.values())

    def line(self) -> str:
        """The closing line of a pass: rules run, not run for want of their log source, failed."""
        return (f"{self.rules} rules run, {len(self.no_source)} no source, {len(self.failed)} failed; "
                f"{self.alerts} alerts ({self.receipt.line()})")

    def no_source_lines(self) -> list[str]:
        """One line per missing log source: how many rules need it, most needed first."""
        needed = Counter(self.no_source.values())
        return [f"no source: {count} rule{'s' if count != 1 else ''} need {needs}"
                for needs, count in sorted(needed.items(), key=lambda item: (-item[1], item[0]))]
