"""Sigma -> SQL over the embedded store, with pySigma's sqlite backend.

The backend reaches the store only through govsoc.store.sqlite_query, the SQL the store
publishes for queries: field expressions, "any element" of a multi-valued field, and SQL
functions for Sigma's string, CIDR and keyword matching. Strings compare caselessly unless
``|cased`` (Sigma specification, modifiers appendix), with the folding Elasticsearch applies, so
both stores give the same answer; keywords (values without a field), which pySigma's sqlite
backend rejects, are searched in the message and in the raw record.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from sigma.backends.sqlite.sqlite import sqliteBackend
from sigma.conditions import ConditionFieldEqualsValueExpression, ConditionOR, ConditionValueExpression
from sigma.types import (
    SigmaBool,
    SigmaCasedString,
    SigmaCIDRExpression,
    SigmaCompareExpression,
    SigmaFieldReference,
    SigmaNumber,
    SigmaRegularExpression,
    SigmaString,
    SpecialChars,
)

from govsoc.core.caseless import fold
from govsoc.core.ecs import ARRAYS, NUMERIC_TYPES, field_type
from govsoc.core.errors import RuleError
from govsoc.rules.backends.base import RuleBackend, backends, value_of
from govsoc.rules.backends.regex import inline_flags
from govsoc.rules.pipeline import govsoc_ecs_pipeline
from govsoc.store.sqlite_query import (
    ELEMENT,
    any_element_sql,
    cidr_sql,
    field_expression,
    fold_sql,
    keyword_sql,
    match_sql,
    number_eq_sql,
    number_sql,
    regexp_sql,
)

_ELEMENT = "\x00element"  # stands for one element of an array while a condition on it is built
_ELEMENT_TYPES = (SigmaString, SigmaNumber, SigmaRegularExpression, SigmaCIDRExpression, SigmaBool)


def search_regex(value: SigmaString, *, caseless: bool) -> str:
    """A Sigma string (wildcards ``*``, ``?``, escapes already resolved by pySigma) as a Python
    search pattern: anchored at each end that has no ``*``, literals folded when ``caseless``."""
    parts = list(value.s)
    head = not (parts and parts[0] == SpecialChars.WILDCARD_MULTI)
    tail = not (parts and parts[-1] == SpecialChars.WILDCARD_MULTI)
    while parts and parts[0] == SpecialChars.WILDCARD_MULTI:
        parts.pop(0)
    while parts and parts[-1] == SpecialChars.WILDCARD_MULTI:
        parts.pop()
    body = []
    for part in parts:
        if part == SpecialChars.WILDCARD_MULTI:
            body.append(".*")
        elif part == SpecialChars.WILDCARD_SINGLE:
            body.append(".")
        elif isinstance(part, str):
            body.append(re.escape(fold(part) if caseless else part))
        else:
            raise RuleError(f"a placeholder is left in {value}: expand it in the pipeline")
    return ("\\A" if head else "") + "".join(body) + ("\\Z" if tail else "")


def keyword_regex(value: SigmaString) -> str:
    """A keyword as a search pattern: found anywhere in the text, as ``*value*`` would be."""
    return search_regex(value, caseless=True).removeprefix("\\A").removesuffix("\\Z")


class GovsocSqliteBackend(sqliteBackend):
    """pySigma's sqlite backend, speaking the store's published query surface."""

    _array_field: str | None = None  # the field whose element is being converted

    def escape_and_quote_field(self, field: str) -> str:
        return ELEMENT if field == _ELEMENT else field_expression(field)

    def convert_condition_field_eq_val(self, cond: ConditionFieldEqualsValueExpression, state: Any) -> Any:
        if cond.field in ARRAYS and isinstance(cond.value, _ELEMENT_TYPES):
            inner = copy.copy(cond)
            inner.field = _ELEMENT
            self._array_field = cond.field
            try:
                return any_element_sql(cond.field, str(super().convert_condition_field_eq_val(inner, state)))
            finally:
                self._array_field = None
        return super().convert_condition_field_eq_val(cond, state)

    def convert_condition_field_eq_val_str(self, cond: ConditionFieldEqualsValueExpression, state: Any) -> str:
        field = self._array_field if cond.field == _ELEMENT else cond.field
        value = value_of(cond, SigmaString)
        if field_type(str(field)) == "ip" and not value.contains_special():
            # An address equals another spelling of itself (2001:0db8::2 is 2001:db8::2), as
            # Elasticsearch's ip type compares it.
            return cidr_sql(self.escape_and_quote_field(cond.field), str(value.to_plain()))
        return match_sql(self.escape_and_quote_field(cond.field), search_regex(value, caseless=True), caseless=True)

    def convert_condition_field_eq_val_str_case_sensitive(self, cond: ConditionFieldEqualsValueExpression,
                                                          state: Any) -> str:
        value = value_of(cond, SigmaCasedString)
        return match_sql(self.escape_and_quote_field(cond.field), search_regex(value, caseless=False),
                         caseless=False)

    def convert_condition_field_eq_val_num(self, cond: ConditionFieldEqualsValueExpression, state: Any) -> str:
        return number_eq_sql(self.escape_and_quote_field(cond.field), value_of(cond, SigmaNumber).number)

    def convert_condition_field_compare_op_val(self, cond: ConditionFieldEqualsValueExpression, state: Any) -> Any:
        field = self._array_field if cond.field == _ELEMENT else cond.field
        if field_type(str(field)) in NUMERIC_TYPES:
            return super().convert_condition_field_compare_op_val(cond, state)
        # Sigma compares numbers (Modifiers, lt/gt): a text field's value is compared as the number it
        # spells, and a value that is no number is in no order with one (never as text: "9" > "50").
        value = value_of(cond, SigmaCompareExpression)
        number = value.number.number if isinstance(value.number, SigmaNumber) else value.number
        return f"{number_sql(self.escape_and_quote_field(cond.field))} {self.compare_operators[value.op]} {number!r}"

    def convert_condition_field_eq_val_re(self, cond: ConditionFieldEqualsValueExpression, state: Any) -> str:
        value = value_of(cond, SigmaRegularExpression)
        # Flags from modifiers and flags the pattern sets inline at its start are one set.
        inline, pattern = inline_flags(str(value.regexp))
        flags = "".join(sorted({value.sigma_to_re_flag[f] for f in value.flags} | set(inline)))
        return regexp_sql(self.escape_and_quote_field(cond.field), (f"(?{flags})" if flags else "") + pattern)

    def convert_condition_field_eq_val_cidr(self, cond: ConditionFieldEqualsValueExpression, state: Any) -> str:
        return cidr_sql(self.escape_and_quote_field(cond.field), str(value_of(cond, SigmaCIDRExpression).network))

    def convert_condition_field_eq_field(self, cond: ConditionFieldEqualsValueExpression, state: Any) -> str:
        ref = value_of(cond, SigmaFieldReference)
        left = fold_sql(self.escape_and_quote_field(cond.field))
        right = fold_sql(self.escape_and_quote_field(ref.field))
        if ref.starts_with and ref.ends_with:
            return f"instr({left}, {right}) > 0"
        if ref.starts_with:
            return f"substr({left}, 1, length({right})) = {right}"
        if ref.ends_with:
            return f"substr({left}, -length({right})) = {right}"
        return f"{left} = {right}"

    def convert_condition_or(self, cond: ConditionOR, state: Any) -> Any:
        keywords = [arg.value for arg in cond.args
                    if isinstance(arg, ConditionValueExpression) and isinstance(arg.value, SigmaString)]
        if len(keywords) > 1 and len(keywords) == len(cond.args):
            # A list of keywords is one search of each text for any of them (one pass, not one
            # per keyword).
            return keyword_sql("|".join(f"(?:{keyword_regex(k)})" for k in keywords))
        values = self._one_field_strings(cond)
        if values is not None:
            # Values of one field (a list in the rule): one match with the alternatives.
            field, strings = values
            regex = "|".join(f"(?:{search_regex(v, caseless=True)})" for v in strings)
            return match_sql(self.escape_and_quote_field(field), regex, caseless=True)
        return super().convert_condition_or(cond, state)

    @staticmethod
    def _one_field_strings(cond: ConditionOR) -> tuple[str, list[SigmaString]] | None:
        """The field and values when every operand compares one plain text field (not an array,
        not an address) with a caseless string; else None."""
        pairs = [(arg.field, arg.value) for arg in cond.args
                 if isinstance(arg, ConditionFieldEqualsValueExpression) and type(arg.value) is SigmaString]
        fields = {f for f, _ in pairs}
        if len(cond.args) < 2 or len(pairs) != len(cond.args) or len(fields) != 1:
            return None
        field = str(next(iter(fields)))
        strings = [v for _, v in pairs if isinstance(v, SigmaString)]
        return None if field in ARRAYS or field == _ELEMENT or field_type(field) == "ip" else (field, strings)

    def convert_condition_val_str(self, cond: ConditionValueExpression, state: Any) -> str:
        return keyword_sql(keyword_regex(value_of(cond, SigmaString)))

    def convert_condition_val_num(self, cond: ConditionValueExpression, state: Any) -> str:
        # A number as a keyword is its digits searched in the text.
        as_text = copy.copy(cond)
        as_text.value = SigmaString(str(cond.value))
        return self.convert_condition_val_str(as_text, state)

    def finalize_query_default(self, rule: Any, query: str, index: int, state: Any) -> str:
        # The store adds SELECT, time range and order: only the condition is wanted.
        return query


@backends.register("sqlite")
class SqliteRuleBackend(RuleBackend):
    """Rules for the SQLite store."""

    store_kind = "sqlite"

    def _backend(self) -> Any:
        return GovsocSqliteBackend(govsoc_ecs_pipeline())  # type: ignore[no-untyped-call]
