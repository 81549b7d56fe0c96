"""govsoc.rules: Sigma rules and correlations run against the event store.

load_rules() reads rule files and folders (collecting every problem), backends convert each rule
for the store in use (SQL for SQLite, Lucene for Elasticsearch) through one ECS pipeline, and
detect() runs a pass and writes deterministic alerts. Bundled rule packs live in rules/packs/.
"""

from __future__ import annotations

from govsoc.rules.engine import DetectionSummary, detect
from govsoc.rules.loader import BUILTIN_PACKS, RuleSet, load_rules

__all__ = ["BUILTIN_PACKS", "DetectionSummary", "RuleSet", "detect", "load_rules"]
