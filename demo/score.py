"""The demo's alerts against the day's ground truth: which planted attacks raised alerts (and by
which rules), which alerts belong to no attack (false positives of the rules on that day).

An alert belongs to an attack when one of its evidence snapshots has a field the attack owns
(demo.truth.Attack.owns) or its raw record names one of the attack's addresses: matching by the
records, never by rule names, so a new rule for an attack counts without changing this file.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from govsoc.core.alert import Alert
from govsoc.demo.truth import Attack, GroundTruth

__all__ = ["AttackOutcome", "Score", "score_alerts"]


@dataclass(slots=True)
class AttackOutcome:
    """One attack and the alerts it raised (rule titles, with how many alerts each)."""

    attack: Attack
    rules: Counter[str] = field(default_factory=Counter)
    #: Whether one of the pack rules written for this kind of record is in the pack run.
    rule_in_pack: bool = False

    @property
    def detected(self) -> bool:
        """At least one alert."""
        return bool(self.rules)


@dataclass(slots=True)
class Score:
    """Every attack's outcome and the alerts that belong to none."""

    outcomes: list[AttackOutcome]
    false_positives: Counter[str]

    @property
    def missed(self) -> list[AttackOutcome]:
        """Attacks a pack rule was written for that raised nothing."""
        return [o for o in self.outcomes if o.rule_in_pack and not o.detected]

    def to_dict(self) -> dict[str, object]:
        """JSON form."""
        return {"attacks": [{"id": o.attack.id, "title": o.attack.title, "kind": o.attack.kind,
                             "records": o.attack.records, "detected": o.detected, "rule_in_pack": o.rule_in_pack,
                             "alerts": dict(sorted(o.rules.items()))} for o in self.outcomes],
                "false_positives": dict(sorted(self.false_positives.items()))}


def _owner(alert: Alert, truth: GroundTruth) -> Attack | None:
    for evidence in alert.evidence:
        owner = truth.owner([evidence.fields])
        if owner is not None:
            return owner
        original = evidence.original or ""
        for attack in truth.attacks:
            if any(ip in original for ip in attack.ips):
                return attack
    return truth.owner([alert.group, alert.context])


def score_alerts(alerts: Iterable[Alert], truth: GroundTruth, pack: Path) -> Score:
    """Match the alerts to the truth's attacks; ``pack`` is the rule folder that ran."""
    shipped = {p.name for p in pack.rglob("*.yml")}
    outcomes = {a.id: AttackOutcome(attack=a, rule_in_pack=bool(shipped.intersection(a.rules)))
                for a in truth.attacks}
    false_positives: Counter[str] = Counter()
    for alert in alerts:
        owner = _owner(alert, truth)
        if owner is None:
            false_positives[alert.rule_title] += 1
        else:
            outcomes[owner.id].rules[alert.rule_title] += 1
    return Score(outcomes=list(outcomes.values()), false_positives=false_positives)
