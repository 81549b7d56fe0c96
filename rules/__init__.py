"""govsoc.rules: Sigma rules and correlations run against the event store.

load_rules() reads rule files and folders (collecting every problem), backends convert each rule
for the store in use (SQL for SQLite, Lucene for Elasticsearch) through one ECS pipeline, and
detect() runs a pass and writes deterministic alerts. A rule runs only over the events of its
log source; rule_source_status() says whether govsoc collects a rule's source ("no source" rules
are not run) and check_rules() reports, per rule, conversion per store and source (rule health).
Bundled rule packs live in rules/packs/.
"""

from __future__ import annotations

from govsoc.rules.engine import DetectionSummary, detect
from govsoc.rules.health import RuleHealth, check_rules
from govsoc.rules.loader import BUILTIN_PACKS, RuleSet, load_rules
from govsoc.rules.modifiers import register_modifiers
from govsoc.rules.pipeline import ecs_field, rule_source_status

register_modifiers()

__all__ = ["BUILTIN_PACKS", "DetectionSummary", "RuleHealth", "RuleSet", "check_rules", "detect", "ecs_field",
           "load_rules", "rule_source_status"]
