"""Sigma -> SQL over the embedded store, with pySigma's sqlite backend.

The backend is told how govsoc keeps events: hot fields are generated columns, other fields are
read from the JSON document, and multi-valued (ECS array) fields match when any element does,
through json_each. Keyword rules (values without a field), which pySigma's sqlite backend
rejects, search ``message``: through the trigram FTS5 index when the keyword has no wildcard and
three or more characters, else with LIKE. Both are substring matches, as Sigma keywords are.
"""

from __future__ import annotations

import copy
from typing import Any

from sigma.backends.sqlite.sqlite import sqliteBackend
from sigma.conditions import ConditionFieldEqualsValueExpression, ConditionValueExpression
from sigma.types import SigmaString, SpecialChars

from govsoc.core.ecs import ARRAYS
from govsoc.rules.backends.base import RuleBackend, backends
from govsoc.rules.pipeline import govsoc_ecs_pipeline
from govsoc.store.sqlite import field_sql, json_path_sql

_ELEMENT = "\x00element"  # stands for json_each's value while a condition on an array is built


class GovsocSqliteBackend(sqliteBackend):
    """pySigma's sqlite backend, speaking govsoc's events table."""

    def escape_and_quote_field(self, field: str) -> str:
        if field == _ELEMENT:
            return "je.value"
        return field_sql(field) or f"json_extract(events.doc, {json_path_sql(field)})"

    def convert_condition_field_eq_val(self, cond: ConditionFieldEqualsValueExpression, state: Any) -> Any:
        if cond.field not in ARRAYS:
            return super().convert_condition_field_eq_val(cond, state)
        return self._any_element(cond, state, super().convert_condition_field_eq_val)

    def convert_condition_as_in_expression(self, cond: Any, state: Any) -> Any:
        field = cond.args[0].field
        if field not in ARRAYS:
            return super().convert_condition_as_in_expression(cond, state)
        return self._any_element(cond, state, super().convert_condition_as_in_expression)

    def _any_element(self, cond: Any, state: Any, convert: Any) -> str:
        field = cond.field if hasattr(cond, "field") else cond.args[0].field
        inner = copy.copy(cond)
        if hasattr(inner, "args"):
            inner.args = [copy.copy(a) for a in cond.args]
            for arg in inner.args:
                arg.field = _ELEMENT
        else:
            inner.field = _ELEMENT
        return (f"EXISTS (SELECT 1 FROM json_each(events.doc, {json_path_sql(field)}) AS je "
                f"WHERE {convert(inner, state)})")

    def convert_condition_val_str(self, cond: ConditionValueExpression, state: Any) -> str:
        value = cond.value
        if not isinstance(value, SigmaString):
            raise TypeError(f"a keyword must be a string, not {type(value).__name__}")
        plain = value.to_plain() if not value.contains_special() else None
        if plain is not None and len(plain) >= 3:
            phrase = '"' + plain.replace('"', '""') + '"'
            return "seq IN (SELECT rowid FROM events_fts WHERE events_fts MATCH " + self._sql_string(phrase) + ")"
        pattern = "%" + self._like_body(value) + "%"
        # The store matches LIKE case-sensitively (as Elasticsearch matches keywords); keywords
        # search the message case-insensitively, as the FTS index and Elasticsearch's text do.
        return f"lower(message) LIKE lower({self._sql_string(pattern)}) ESCAPE '\\'"

    def convert_condition_val_num(self, cond: ConditionValueExpression, state: Any) -> str:
        # A number as a keyword is the digits searched in the message, as Lucene does.
        as_text = copy.copy(cond)
        as_text.value = SigmaString(str(cond.value))
        return self.convert_condition_val_str(as_text, state)

    @staticmethod
    def _sql_string(text: str) -> str:
        return "'" + text.replace("'", "''") + "'"

    @staticmethod
    def _like_body(value: SigmaString) -> str:
        out = []
        for part in value.s:
            if part == SpecialChars.WILDCARD_MULTI:
                out.append("%")
            elif part == SpecialChars.WILDCARD_SINGLE:
                out.append("_")
            else:
                out.append(str(part).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_"))
        return "".join(out)

    def finalize_query_default(self, rule: Any, query: str, index: int, state: Any) -> str:
        # The store adds SELECT, time range and order: only the condition is wanted.
        return query


@backends.register("sqlite")
class SqliteRuleBackend(RuleBackend):
    """Rules for the SQLite store."""

    store_kind = "sqlite"

    def _backend(self) -> Any:
        return GovsocSqliteBackend(govsoc_ecs_pipeline())  # type: ignore[no-untyped-call]
