"""Load Sigma rules from files and folders, collecting every problem and going on.

Single rules, multi-document collections and correlation rules load with pySigma. A broken file
or rule becomes a RuleError that names the file, the line and the key it concerns (pySigma does
not keep positions, so they are found again in the YAML node graph), and every other rule still
loads. Correlation rules are resolved against all rules loaded together, across files.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from sigma.collection import SigmaCollection
from sigma.correlations import SigmaCorrelationRule
from sigma.exceptions import SigmaError
from sigma.filters import SigmaFilter
from sigma.rule import SigmaRule

from govsoc.core.errors import Location, RuleError
from govsoc.core.yamlfile import yaml_location, yaml_problem
from govsoc.rules.correlation_condition import split_range

BUILTIN_PACKS = Path(__file__).parent / "packs"
_QUOTED = re.compile(r"'([^']+)'")


@dataclass(slots=True)
class RuleSet:
    """Rules that loaded (with their files) and the problems of those that did not."""

    rules: list[SigmaRule] = field(default_factory=list)
    correlations: list[SigmaCorrelationRule] = field(default_factory=list)
    errors: list[RuleError] = field(default_factory=list)
    files: dict[str, Path] = field(default_factory=dict)
    #: The line each rule's document starts on in its file (rule id -> line).
    lines: dict[str, int] = field(default_factory=dict)

    def where(self, rule_id: str) -> str:
        """``path:line`` of a loaded rule (empty when it came from no file)."""
        path = self.files.get(rule_id)
        return f"{path}:{self.lines[rule_id]}" if path is not None and rule_id in self.lines else str(path or "")

    def __len__(self) -> int:
        return len(self.rules) + len(self.correlations)


def rule_files(paths: Iterable[Path]) -> list[Path]:
    """Every .yml/.yaml file under the given files and folders, sorted."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.suffix in (".yml", ".yaml") and p.is_file()))
        else:
            found.append(path)
    return found


def load_rules(paths: Iterable[Path]) -> RuleSet:
    """Load every rule under ``paths``; problems are collected in ``RuleSet.errors``."""
    ruleset = RuleSet()
    loaded: list[SigmaRule | SigmaCorrelationRule | SigmaFilter] = []
    for path in rule_files(paths):
        loaded.extend(_load_file(path, ruleset))
    collection = SigmaCollection(loaded, resolve_references=False)
    for rule in collection:
        if isinstance(rule, SigmaRule):
            ruleset.rules.append(rule)
            continue
        if not isinstance(rule, SigmaCorrelationRule):
            continue
        # Resolved one by one, so that one dangling reference does not stop other correlations.
        try:
            rule.resolve_rule_references(collection)
        except SigmaError as e:
            ruleset.errors.append(RuleError(
                f"correlation {rule.title!r}: {str(e).splitlines()[0]}",
                location=Location(path=str(ruleset.files.get(str(rule.id), "")), field="correlation.rules")))
            continue
        ruleset.correlations.append(rule)
    return ruleset


def _load_file(path: Path, ruleset: RuleSet) -> list[SigmaRule | SigmaCorrelationRule]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        ruleset.errors.append(RuleError(f"cannot read: {e}", location=Location(path=str(path))))
        return []
    try:
        documents = list(yaml.compose_all(text, Loader=yaml.SafeLoader))
        data = list(yaml.safe_load_all(text))
    except yaml.YAMLError as e:
        error = RuleError(f"invalid YAML: {yaml_problem(e)}", location=yaml_location(e, text, path))
        error.__cause__ = e
        ruleset.errors.append(error)
        return []
    rules: list[SigmaRule | SigmaCorrelationRule] = []
    for node, doc in zip(documents, data, strict=True):
        if not isinstance(doc, dict):
            continue
        rule = _load_document(doc, path, node, ruleset)
        if rule is not None:
            rules.append(rule)
    return rules


def _load_document(doc: dict[str, Any], path: Path, node: yaml.Node,
                   ruleset: RuleSet) -> SigmaRule | SigmaCorrelationRule | None:
    try:
        # A range condition (gt + lte) is valid Sigma that pySigma holds one operator of.
        with warnings.catch_warnings():
            # pySigma checks a |re with Python's re, which warns of PCRE's POSIX classes
            # ([[:alpha:]]); the backends give them PCRE's meaning (rules/backends/pcre.py).
            warnings.filterwarnings("ignore", "Possible nested set", FutureWarning)
            collection = SigmaCollection.from_dicts([_one_condition(split_range(doc))], collect_errors=True,
                                                    resolve_references=False)
    except SigmaError as e:
        ruleset.errors.append(_rule_error(e, path, node))
        return None
    rules = list(collection)
    # A rule's own errors are also listed on its collection: take them once.
    errors = [e for r in rules for e in getattr(r, "errors", [])] or list(getattr(collection, "errors", []))
    if errors or not rules:
        for error in errors or [SigmaError("not a Sigma rule")]:
            ruleset.errors.append(_rule_error(error, path, node))
        return None
    rule = rules[0]
    if not isinstance(rule, SigmaRule | SigmaCorrelationRule):
        ruleset.errors.append(RuleError(f"{type(rule).__name__} documents are not supported yet",
                                        location=Location(path=str(path), line=node.start_mark.line + 1)))
        return None
    if rule.id is None:
        ruleset.errors.append(RuleError("the rule has no id (alert ids are derived from it)",
                                        location=Location(path=str(path), line=node.start_mark.line + 1, field="id")))
        return None
    rule_id, line = str(rule.id), node.start_mark.line + 1
    if rule_id in ruleset.files:
        # pySigma's IdentifierUniquenessValidator finds the same collision after loading; here it
        # is refused while loading, so the two rules never share alert ids (one would silently
        # lose its alerts to the other). The first file in sorted order keeps the id.
        ruleset.errors.append(RuleError(
            f"duplicate rule id {rule_id}: {rule.title!r} here and {ruleset.where(rule_id)}; this one is not "
            "loaded (give it a new id: python -c 'import uuid; print(uuid.uuid4())')",
            location=Location(path=str(path), line=line, field="id")))
        return None
    ruleset.files[rule_id] = path
    ruleset.lines[rule_id] = line
    return rule


def _one_condition(doc: dict[str, Any]) -> dict[str, Any]:
    """``doc`` with a list of conditions joined into one: the Sigma rules specification's
    "The condition can be a list, in this case, each of them generates a query. They are logically
    linked with OR." A store runs one query a rule (R58b-8: "converts to 2 queries, expected one")."""
    detection = doc.get("detection")
    if not isinstance(detection, dict):
        return doc
    conditions = detection.get("condition")
    if not isinstance(conditions, list) or len(conditions) < 2 or not all(isinstance(c, str) for c in conditions):
        return doc
    return {**doc, "detection": {**detection, "condition": " or ".join(f"({c})" for c in conditions)}}


def _rule_error(error: Exception, path: Path, node: yaml.Node) -> RuleError:
    """A RuleError at the key the message is about, or at the document's first line."""
    message = str(error).split("\n")[0]
    line, column, key = node.start_mark.line + 1, node.start_mark.column + 1, None
    tokens = _QUOTED.findall(message)
    for found_key, found_node in _keys(node, ()):
        if any(token in found_key[-1] for token in tokens):
            line, column = found_node.start_mark.line + 1, found_node.start_mark.column + 1
            key = ".".join(found_key)
            break
    return RuleError(message, location=Location(path=str(path), line=line, column=column, field=key))


def _keys(node: yaml.Node, prefix: tuple[str, ...]) -> Iterable[tuple[tuple[str, ...], yaml.Node]]:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = prefix + (str(key_node.value),)
            yield key, key_node
            yield from _keys(value_node, key)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _keys(item, prefix)
