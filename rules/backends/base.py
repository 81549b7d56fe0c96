"""The backend interface and its registry."""

from __future__ import annotations

import copy
from abc import ABCMeta, abstractmethod
from typing import Any, TypeVar

from sigma.conditions import ConditionFieldEqualsValueExpression, ConditionValueExpression
from sigma.exceptions import SigmaError
from sigma.rule import SigmaRule

from govsoc.core.errors import RuleError
from govsoc.core.registry import Registry

T = TypeVar("T")


def value_of(cond: ConditionFieldEqualsValueExpression | ConditionValueExpression, kind: type[T]) -> T:
    """The condition's value, which pySigma's dispatch guarantees is of ``kind``."""
    if not isinstance(cond.value, kind):
        raise TypeError(f"expected a {kind.__name__}, got {type(cond.value).__name__}")
    return cond.value


class RuleBackend(metaclass=ABCMeta):
    """Converts one Sigma rule into a condition in a store's native language."""

    store_kind: str

    def convert(self, rule: SigmaRule) -> str:
        """The native condition; RuleError when the rule cannot be expressed.

        pySigma's processing mutates the rule it converts, so each backend works on a copy:
        the same loaded rule can then be converted for SQLite and for Elasticsearch.
        """
        work = copy.deepcopy(rule)
        # A rule that a correlation refers to with ``generate: false`` has its output disabled
        # by pySigma (it converts to nothing); govsoc still runs it, to feed the correlation,
        # and decides itself whether its matches raise alerts (govsoc.rules.engine).
        work._output = True
        try:
            queries = self._backend().convert_rule(work)
        except (SigmaError, NotImplementedError, TypeError, ValueError) as e:
            # pySigma backends raise more than SigmaError for what they cannot express: any of
            # them fails this rule only, never the detection pass.
            raise RuleError(f"{self.store_kind}: {str(e).splitlines()[0]}") from e
        if len(queries) != 1:
            raise RuleError(f"{self.store_kind}: the rule converts to {len(queries)} queries, expected one")
        return str(queries[0])

    @abstractmethod
    def _backend(self) -> Any:
        """A fresh pySigma backend configured with the govsoc_ecs pipeline."""


backends: Registry[type[RuleBackend]] = Registry("rule backend", "govsoc.backends")
