"""Rule health: for each loaded rule, whether it converts for each store, whether govsoc collects
its log source (active, or "no source" with the source it needs), and the reasons when not.

One function, :func:`check_rules`, serves ``govsoc rules check`` and the SigmaHQ compatibility
table (``python -m bench.sigmahq``); :class:`HealthTable` counts the checks by group. Rules that
did not load are the RuleSet's errors (with file:line), counted beside these.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sigma.correlations import SigmaCorrelationRule
from sigma.rule import SigmaRule

from govsoc.core.errors import RuleError
from govsoc.rules.backends import RuleBackend, backend_for
from govsoc.rules.correlate import compile_correlation
from govsoc.rules.loader import RuleSet
from govsoc.rules.pipeline import rule_source_status

__all__ = ["STORE_KINDS", "HealthTable", "RuleHealth", "check_rules"]

#: The stores a rule is converted for, in table order.
STORE_KINDS: tuple[str, ...] = ("sqlite", "elasticsearch")


@dataclass(frozen=True, slots=True, kw_only=True)
class RuleHealth:
    """One loaded rule: converted per store (None, or why not), active or the source it needs."""

    id: str
    title: str
    path: Path | None
    correlation: bool
    active: bool
    source: str
    failures: dict[str, str | None]

    def converts(self, kind: str) -> bool:
        """Whether the rule converts for stores of ``kind``."""
        return self.failures.get(kind) is None

    @property
    def runs(self) -> bool:
        """Active and convertible for every store: what ``govsoc detect`` runs everywhere."""
        return self.active and all(reason is None for reason in self.failures.values())


def check_rules(ruleset: RuleSet, kinds: Sequence[str] = STORE_KINDS) -> list[RuleHealth]:
    """Convert every rule of ``ruleset`` for each store kind and look up its log source.

    A correlation converts for a store when it compiles and every rule it reads converts (through
    the correlations it refers to, too).
    Conversion errors are caught per rule: one rule never stops the check.
    """
    backends: dict[str, RuleBackend | str] = {}
    for kind in kinds:
        try:
            backends[kind] = backend_for(kind)
        except ImportError:
            backends[kind] = f"{kind}: needs the es extra (pip install 'govsoc[es]')"
    checks: dict[str, RuleHealth] = {}
    for rule in ruleset.rules:
        checks[str(rule.id)] = _health(rule, ruleset, {k: _convert_error(b, rule) for k, b in backends.items()})
    for corr in ruleset.correlations:
        failures = {kind: _correlation_error(corr, kind, checks) for kind in kinds}
        checks[str(corr.id)] = _health(corr, ruleset, failures)
    return list(checks.values())


def _health(rule: SigmaRule | SigmaCorrelationRule, ruleset: RuleSet, failures: dict[str, str | None]) -> RuleHealth:
    active, source = rule_source_status(rule)
    return RuleHealth(id=str(rule.id), title=rule.title, path=ruleset.files.get(str(rule.id)),
                      correlation=isinstance(rule, SigmaCorrelationRule), active=active, source=source,
                      failures=failures)


def _convert_error(backend: RuleBackend | str, rule: SigmaRule) -> str | None:
    if isinstance(backend, str):
        return backend
    try:
        backend.convert(rule)
    except RuleError as e:
        return e.message
    return None


def _correlation_error(corr: SigmaCorrelationRule, kind: str, checks: dict[str, RuleHealth]) -> str | None:
    try:
        compiled = compile_correlation(corr)
    except RuleError as e:
        return e.message
    for rule_id, _ in compiled.routes():  # the base rules, also those read through a chained correlation
        referred = checks.get(rule_id)
        if referred is None or not referred.converts(kind):
            return f"{kind}: a rule it refers to does not convert"
    return None


@dataclass(slots=True)
class HealthTable:
    """Counts of a rule check, by group (a folder, a product): the compatibility table."""

    kinds: tuple[str, ...] = STORE_KINDS
    rows: dict[str, Counter[str]] = field(default_factory=dict)
    no_source: Counter[str] = field(default_factory=Counter)
    failures: dict[str, Counter[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, checks: Iterable[RuleHealth], errors: Iterable[RuleError], group: Callable[[Path | None], str],
           kinds: Sequence[str] = STORE_KINDS) -> HealthTable:
        """Count ``checks`` (and load ``errors``) per ``group(path)``."""
        table = cls(kinds=tuple(kinds), failures={kind: Counter() for kind in kinds})
        for error in errors:
            path = Path(error.location.path) if error.location and error.location.path else None
            table._row(group(path))["load failed"] += 1
        for check in checks:
            row = table._row(group(check.path))
            row["loaded"] += 1
            for kind in table.kinds:
                reason = check.failures.get(kind)
                if reason is None:
                    row[kind] += 1
                else:
                    table.failures[kind][_reason(reason)] += 1
            if check.active:
                row["active"] += 1
            else:
                table.no_source[check.source] += 1
            if check.runs:
                row["runs"] += 1
        return table

    def _row(self, name: str) -> Counter[str]:
        return self.rows.setdefault(name, Counter())

    @property
    def columns(self) -> tuple[str, ...]:
        """Column names, in order."""
        return ("loaded", "load failed", *self.kinds, "active", "runs")

    def total(self) -> Counter[str]:
        """The sum of every row."""
        total: Counter[str] = Counter()
        for row in self.rows.values():
            total.update(row)
        return total

    def render(self) -> str:
        """The table as aligned text: one row per group and a total, then why rules do not run."""
        header = ("group", *self.columns)
        lines = [header] + [(name, *(str(row[c]) for c in self.columns)) for name, row in sorted(self.rows.items())]
        total = self.total()
        lines.append(("total", *(str(total[c]) for c in self.columns)))
        widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
        out = ["  ".join(cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(line, widths,
                                                                                                     strict=True)))
               for line in lines]
        out.append("")
        out.append("no source (log source govsoc does not collect -> rules):")
        out.extend(f"  {count:5d}  {needs}" for needs, count in self.no_source.most_common())
        for kind in self.kinds:
            out.append(f"not converted for {kind} (reason -> rules):")
            out.extend(f"  {count:5d}  {reason}" for reason, count in self.failures[kind].most_common())
        return "\n".join(out)


def _reason(message: str) -> str:
    """A conversion error without the rule-specific part, so that alike failures count together."""
    head = message.split(": ", 1)[-1]
    for cut in (" '", ' "', ": "):
        if cut in head:
            head = head.split(cut, 1)[0]
    return head[:100]
