"""The demo's alerts against the day's ground truth: which planted attacks raised alerts (and by
which rules), which alerts belong to no attack (false positives of the rules on that day).

An alert belongs to an attack when one of its evidence snapshots has a field the attack owns
(demo.truth.Attack.owns) or its raw record names one of the attack's addresses: matching by the
records, never by rule names, so a new rule for an attack counts without changing this file.

An attack that names the pack rules written for it (Attack.rules) is detected only when every one
of them is in the pack that ran and raised an alert of its own for it: a named rule file that is
missing, or that raised nothing, makes the attack MISSED even when another rule's alert belongs to
it (review r17d finding 6: the CTS attack counted as detected by its tracker rule alone while its
console-login rule did not exist).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

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
    #: Each rule file the attack names -> the alerts that rule raised for it (0: silent).
    named: Counter[str] = field(default_factory=Counter)
    #: The rule files the attack names that are not in the pack run.
    absent: tuple[str, ...] = ()

    @property
    def silent(self) -> list[str]:
        """Named rule files in the pack that raised no alert for this attack."""
        return [name for name in self.attack.rules if name not in self.absent and not self.named[name]]

    @property
    def detected(self) -> bool:
        """Every rule file the attack names is in the pack and raised an alert for it; an attack
        naming none is detected by any alert."""
        if self.attack.rules:
            return not self.absent and not self.silent
        return bool(self.rules)


@dataclass(slots=True)
class Score:
    """Every attack's outcome and the alerts that belong to none."""

    outcomes: list[AttackOutcome]
    false_positives: Counter[str]

    @property
    def missed(self) -> list[AttackOutcome]:
        """Attacks that name pack rules one of which is missing or raised nothing for them."""
        return [o for o in self.outcomes if o.attack.rules and not o.detected]

    def to_dict(self) -> dict[str, object]:
        """JSON form."""
        return {"attacks": [{"id": o.attack.id, "title": o.attack.title, "kind": o.attack.kind,
                             "records": o.attack.records, "detected": o.detected, "rule_in_pack": o.rule_in_pack,
                             "missing_rules": list(o.absent), "silent_rules": o.silent,
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


def _rule_files(pack: Path) -> dict[str, str]:
    """Rule id -> file name of each rule in ``pack`` (one rule a file, as the pack's tests hold)."""
    files: dict[str, str] = {}
    for path in sorted(pack.rglob("*.yml")):
        for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            if isinstance(doc, dict) and doc.get("id"):
                files[str(doc["id"])] = path.name
    return files


def score_alerts(alerts: Iterable[Alert], truth: GroundTruth, pack: Path) -> Score:
    """Match the alerts to the truth's attacks; ``pack`` is the rule folder that ran."""
    files = _rule_files(pack)
    shipped = set(files.values())
    outcomes = {a.id: AttackOutcome(attack=a, rule_in_pack=bool(shipped.intersection(a.rules)),
                                    absent=tuple(r for r in a.rules if r not in shipped))
                for a in truth.attacks}
    false_positives: Counter[str] = Counter()
    for alert in alerts:
        owner = _owner(alert, truth)
        if owner is None:
            false_positives[alert.rule_title] += 1
            continue
        outcome = outcomes[owner.id]
        outcome.rules[alert.rule_title] += 1
        name = files.get(alert.rule_id)
        if name in owner.rules:
            outcome.named[name] += 1
    return Score(outcomes=list(outcomes.values()), false_positives=false_positives)
