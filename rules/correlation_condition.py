"""Sigma correlation conditions (govsoc.rules.correlate): a range of several operators
(``gt: 100`` + ``lte: 200``), which pySigma cannot hold and the loader keeps aside
(:func:`split_range`), and pySigma's extended (boolean) conditions of the temporal types.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sigma.correlations import (
    CorrelationConditionAND,
    CorrelationConditionNOT,
    CorrelationConditionOR,
    SigmaCorrelationCondition,
    SigmaCorrelationRule,
    SigmaRuleReference,
)
from sigma.correlations import SigmaCorrelationConditionOperator as Op

from govsoc.core.errors import RuleError

__all__ = ["COMPARE", "RANGE_ATTRIBUTE", "evaluate_condition", "has_not", "rule_conditions", "split_range"]

#: Where the loader keeps a range condition (all its operators) that pySigma cannot hold.
RANGE_ATTRIBUTE = "govsoc.condition"
_OPS = {op.name.lower(): op for op in Op}
COMPARE = {
    Op.GT: lambda a, b: a > b, Op.GTE: lambda a, b: a >= b, Op.LT: lambda a, b: a < b,
    Op.LTE: lambda a, b: a <= b, Op.EQ: lambda a, b: a == b, Op.NEQ: lambda a, b: a != b,
}


def split_range(doc: dict[str, Any]) -> dict[str, Any]:
    """A correlation document pySigma can load: a condition with several operators (a range)
    keeps its first one, and the whole condition goes to ``custom_attributes`` under
    RANGE_ATTRIBUTE, where govsoc.rules.correlate.compile_correlation reads it. Other documents are
    returned as they are."""
    corr = doc.get("correlation")
    if not isinstance(corr, dict) or not isinstance(corr.get("condition"), dict):
        return doc
    condition: dict[str, Any] = corr["condition"]
    ops = [k for k in condition if k in _OPS]
    if len(ops) < 2:
        return doc
    kept = {k: v for k, v in condition.items() if k not in ops[1:]}
    return {**doc, "correlation": {**corr, "condition": kept},
            RANGE_ATTRIBUTE: {k: condition[k] for k in ops}}


def rule_conditions(rule: SigmaCorrelationRule) -> tuple[tuple[Op, int], ...]:
    raw = rule.custom_attributes.get(RANGE_ATTRIBUTE)
    if isinstance(raw, dict):
        try:
            return tuple((_OPS[k], int(v)) for k, v in raw.items())
        except (KeyError, TypeError, ValueError) as e:
            raise RuleError(f"invalid correlation condition {raw!r}") from e
    condition = rule.condition
    assert isinstance(condition, SigmaCorrelationCondition)
    return ((condition.op, condition.count),)


def evaluate_condition(node: Any, present: frozenset[int], positions: Mapping[str, int]) -> bool:
    if isinstance(node, SigmaRuleReference):
        return positions[node.reference] in present
    if isinstance(node, CorrelationConditionNOT):
        return not evaluate_condition(node.args[0], present, positions)
    if isinstance(node, CorrelationConditionAND):
        return all(evaluate_condition(a, present, positions) for a in node.args)
    if isinstance(node, CorrelationConditionOR):
        return any(evaluate_condition(a, present, positions) for a in node.args)
    raise RuleError(f"unknown extended condition element {type(node).__name__}")


def has_not(node: Any) -> bool:
    if node is None or isinstance(node, SigmaRuleReference):
        return False
    return isinstance(node, CorrelationConditionNOT) or any(has_not(a) for a in node.args)
