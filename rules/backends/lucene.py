"""Sigma -> Lucene query_string for the Elasticsearch store, with pySigma's Elasticsearch backend.

The store runs the string as a ``query_string`` filter whose default field is ``message.lc`` (the
whole message, lower-cased, as a keyword): keyword rules, which this backend writes as
``*value*``, are then case-insensitive substring searches of the message, as on SQLite.
"""

from __future__ import annotations

import copy
from typing import Any

from sigma.backends.elasticsearch.elasticsearch_lucene import LuceneBackend
from sigma.conditions import ConditionFieldEqualsValueExpression
from sigma.types import SigmaRegularExpression

from govsoc.rules.backends.base import RuleBackend, backends
from govsoc.rules.pipeline import govsoc_ecs_pipeline


class GovsocLuceneBackend(LuceneBackend):
    """pySigma's Lucene backend with Sigma's regular-expression semantics.

    Sigma's ``|re`` searches (matches anywhere, ``^``/``$`` anchor); a Lucene regexp must match
    the whole term and has no anchors. Without this, ``|re: 'adm'`` would match only "adm", and
    ``^adm`` nothing at all, while SQLite (Python's re.search) matches both.
    """

    def convert_condition_field_eq_val_re(self, cond: ConditionFieldEqualsValueExpression, state: Any) -> Any:
        if not isinstance(cond.value, SigmaRegularExpression):
            return super().convert_condition_field_eq_val_re(cond, state)
        anchored = copy.copy(cond)
        anchored.value = SigmaRegularExpression(lucene_search_regexp(str(cond.value.regexp)), cond.value.flags)
        return super().convert_condition_field_eq_val_re(anchored, state)


def lucene_search_regexp(pattern: str) -> str:
    """A search regexp (anchors optional) as a Lucene whole-term regexp."""
    head = pattern[1:] if pattern.startswith("^") else ".*" + pattern
    trailing_escapes = len(head[:-1]) - len(head[:-1].rstrip("\\"))
    if head.endswith("$") and trailing_escapes % 2 == 0:
        return head[:-1]
    return head + ".*"


@backends.register("elasticsearch")
class LuceneRuleBackend(RuleBackend):
    """Rules for the Elasticsearch store."""

    store_kind = "elasticsearch"

    def _backend(self) -> Any:
        return GovsocLuceneBackend(govsoc_ecs_pipeline())
