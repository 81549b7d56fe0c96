"""Sigma -> SQL over the embedded store, with pySigma's sqlite backend.

The backend reaches the store only through govsoc.store.sqlite_query, the SQL the store
publishes for queries: field expressions, "any element" of a multi-valued field, and SQL
functions for Sigma's string, CIDR and keyword matching. Strings compare caselessly unless
``|cased`` (Sigma specification, modifiers appendix), with the folding Elasticsearch applies, so
both stores give the same answer; keywords (values without a field), which pySigma's sqlite
backend rejects, are searched in the message and in the raw record.

Speed without a change of meaning: every string and CIDR condition carries a native prefilter
before its exact Python check (govsoc.store.sqlite_prefilter proves each a superset), and the
whole rule is preceded by its **prefilter tree**: the rule's condition with each leaf replaced by
its prefilter, ``NOT`` and leaves without one by "true", so it is a superset of the rule. SQLite
then narrows the rows natively (through the dataset, address or folded-value indexes where the
tree has such terms at its top level) and runs the Python checks on the candidates only:
``prefilter_tree AND condition`` equals ``condition``.
"""

from __future__ import annotations

import copy
from typing import Any

from sigma.backends.sqlite.sqlite import sqliteBackend
from sigma.conditions import (
    ConditionAND,
    ConditionFieldEqualsValueExpression,
    ConditionNOT,
    ConditionOR,
    ConditionValueExpression,
)
from sigma.types import (
    SigmaBool,
    SigmaCasedString,
    SigmaCIDRExpression,
    SigmaCompareExpression,
    SigmaExists,
    SigmaFieldReference,
    SigmaNumber,
    SigmaRegularExpression,
    SigmaString,
    SigmaTimestampPart,
)

from govsoc.core.coercion import MALFORMED
from govsoc.core.ecs import ARRAYS, INDEXED, NUMERIC_TYPES, field_type
from govsoc.rules.backends.base import RuleBackend, backends, value_of
from govsoc.rules.backends.pcre import python_regexp
from govsoc.rules.backends.re2_syntax import re2_regexp
from govsoc.rules.backends.regex import inline_flags
from govsoc.rules.backends.sqlite_patterns import keyword_pattern, keyword_regex, pattern_of, search_regex
from govsoc.rules.pipeline import govsoc_ecs_pipeline
from govsoc.store.sqlite_query import (
    ELEMENT,
    all_sql,
    any_element_sql,
    any_sql,
    cidr_prefilter_sql,
    cidr_sql,
    column_sql,
    each_value_sql,
    field_expression,
    fold_sql,
    holds_list_sql,
    keyword_prefilter_sql,
    keyword_sql,
    may_hold_lists_sql,
    number_eq_sql,
    number_sql,
    present_sql,
    regexp_sql,
    text_match_sql,
    text_prefilter_sql,
)

_ELEMENT = "\x00element"  # stands for one element of an array while a condition on it is built
_ELEMENT_TYPES = (SigmaString, SigmaNumber, SigmaRegularExpression, SigmaCIDRExpression, SigmaBool,
                  SigmaCompareExpression)


class GovsocSqliteBackend(sqliteBackend):
    """pySigma's sqlite backend, speaking the store's published query surface."""

    _array_field: str | None = None  # the field whose element is being converted

    def escape_and_quote_field(self, field: str) -> str:
        return ELEMENT if field == _ELEMENT else field_expression(field)

    def convert_condition_field_eq_val(self, cond: ConditionFieldEqualsValueExpression, state: Any) -> Any:
        if cond.field == _ELEMENT or not isinstance(cond.value, _ELEMENT_TYPES):
            return super().convert_condition_field_eq_val(cond, state)
        if isinstance(cond.value, SigmaCompareExpression) and field_type(str(cond.field)) in NUMERIC_TYPES:
            # A number the field's type cannot hold (beyond 64 bits) is kept as text under
            # govsoc.malformed.<field> (govsoc.core.coercion): it is still a number, compared as
            # the one it spells (R12 F6), beside the field's own values.
            moved = copy.copy(cond)
            moved.field = MALFORMED + str(cond.field)
            return f"({self._each_value(cond, state)} OR {self._each_value(moved, state)})"
        return self._each_value(cond, state)

    def _each_value(self, cond: ConditionFieldEqualsValueExpression, state: Any) -> Any:
        """The condition asked of each value of the field (one, or each element of a list)."""
        element = self._element_condition(cond, state)
        if cond.field in ARRAYS:
            return any_element_sql(cond.field, element)
        # Any other field may hold a list too (JSON sources; Elasticsearch indexes every field as
        # multi-valued): the condition is then asked of each element, not of the list's text.
        return each_value_sql(cond.field, str(super().convert_condition_field_eq_val(cond, state)), element)

    def _element_condition(self, cond: ConditionFieldEqualsValueExpression, state: Any) -> str:
        """The condition written over one element of the field (:data:`ELEMENT`)."""
        inner = copy.copy(cond)
        inner.field = _ELEMENT
        self._array_field = cond.field
        try:
            return str(super().convert_condition_field_eq_val(inner, state))
        finally:
            self._array_field = None

    def convert_condition_field_eq_val_bool(self, cond: ConditionFieldEqualsValueExpression, state: Any) -> str:
        # The store reads a JSON boolean as the word Elasticsearch indexes ("true"/"false"); a
        # column field keeps the 1/0 of its first layout (govsoc.store.sqlite_layout).
        expr = self.escape_and_quote_field(cond.field)
        word = "'true'" if value_of(cond, SigmaBool).boolean else "'false'"
        if cond.field == _ELEMENT:  # json_each gives a JSON boolean as 1/0 and its type as the word
            return f"(je.type = {word} OR {expr} = {word})"
        field = cond.field
        if column_sql(str(field)) is not None:
            return f"({expr} = {word} OR {expr} = {int(value_of(cond, SigmaBool).boolean)})"
        return f"{expr} = {word}"

    def convert_condition_field_eq_val_str(self, cond: ConditionFieldEqualsValueExpression, state: Any) -> str:
        field = self._array_field if cond.field == _ELEMENT else cond.field
        value = value_of(cond, SigmaString)
        expr = self.escape_and_quote_field(cond.field)
        if field_type(str(field)) == "ip" and not value.contains_special():
            # An address equals another spelling of itself (2001:0db8::2 is 2001:db8::2), as
            # Elasticsearch's ip type compares it.
            return cidr_sql(expr, str(value.to_plain()), field=str(field))
        return text_match_sql(str(field), expr, [pattern_of(value)], search_regex(value, caseless=True),
                              caseless=True)

    def convert_condition_field_eq_val_str_case_sensitive(self, cond: ConditionFieldEqualsValueExpression,
                                                          state: Any) -> str:
        field = self._array_field if cond.field == _ELEMENT else cond.field
        if field_type(str(field)) == "ip":
            # An address has no letter case: its hex digits are case-insensitive (RFC 4291 2.2,
            # RFC 5952 2.3), and the store keeps its canonical spelling, not the log's. |cased
            # (values applied case sensitively) leaves an address's comparison as it is, as
            # Elasticsearch's ip type and its lower-cased text compare it; compared as text,
            # FE80::1|cased missed the log's own FE80::1, and 2001:db8:0:0:0:0:a:b|cased the
            # address 2001:db8::a:b, which the value without |cased finds.
            return self.convert_condition_field_eq_val_str(cond, state)
        value = value_of(cond, SigmaCasedString)
        return text_match_sql(str(field), self.escape_and_quote_field(cond.field), [pattern_of(value)],
                              search_regex(value, caseless=False), caseless=False)

    def convert_condition_field_eq_val_num(self, cond: ConditionFieldEqualsValueExpression, state: Any) -> str:
        if isinstance(cond.value, SigmaTimestampPart):  # a number, for pySigma's dispatch: |hour, |month ...
            # the part of the date the value is, as pySigma's SQLite backend reads it (strftime: ISO 8601
            # text, an offset taken to UTC; a text that is no date has none), R58b-3
            return str(self.convert_condition_field_eq_val_timestamp_part(cond, state))
        field = self._array_field if cond.field == _ELEMENT else cond.field
        return number_eq_sql(self.escape_and_quote_field(cond.field), value_of(cond, SigmaNumber).number,
                             field=str(field))

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
        field = self._array_field if cond.field == _ELEMENT else cond.field
        # Flags from modifiers and flags the pattern sets inline at its start are one set; an
        # address's text has no letter case (see the |cased conversion above): matched caselessly.
        inline, pattern = inline_flags(str(value.regexp))
        caseless = {"i"} if field_type(str(field)) == "ip" else set()
        flags = "".join(sorted({value.sigma_to_re_flag[f] for f in value.flags} | set(inline) | caseless))
        # PCRE's meaning, not Python's: ASCII character types, PCRE2's braces (rules/backends/pcre.py);
        # run by RE2, linear in the value, unless RE2 cannot say it (rules/backends/re2_syntax.py).
        python = (f"(?{flags})" if flags else "") + python_regexp(pattern, multiline="m" in flags)
        return regexp_sql(self.escape_and_quote_field(cond.field), python, linear=re2_regexp(pattern, flags),
                          field=str(field) if field != _ELEMENT else "an element")

    def convert_condition_field_eq_val_cidr(self, cond: ConditionFieldEqualsValueExpression, state: Any) -> str:
        field = self._array_field if cond.field == _ELEMENT else cond.field
        return cidr_sql(self.escape_and_quote_field(cond.field), str(value_of(cond, SigmaCIDRExpression).network),
                        field=str(field))

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
            return keyword_sql("|".join(f"(?:{keyword_regex(k)})" for k in keywords),
                               [keyword_pattern(k) for k in keywords])
        values = self._one_field_strings(cond)
        if values is not None:
            # Values of one field (a list in the rule): one match with the alternatives.
            field, strings = values
            regex = "|".join(f"(?:{search_regex(v, caseless=True)})" for v in strings)
            patterns = [pattern_of(v) for v in strings]
            return each_value_sql(field, text_match_sql(field, self.escape_and_quote_field(field), patterns, regex,
                                                        caseless=True),
                                  text_match_sql(field, ELEMENT, patterns, regex, caseless=True))
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
        value = value_of(cond, SigmaString)
        return keyword_sql(keyword_regex(value), [keyword_pattern(value)])

    def convert_condition_val_num(self, cond: ConditionValueExpression, state: Any) -> str:
        # A number as a keyword is its digits searched in the text.
        as_text = copy.copy(cond)
        as_text.value = SigmaString(str(cond.value))
        return self.convert_condition_val_str(as_text, state)

    def finalize_query_default(self, rule: Any, query: str, index: int, state: Any) -> str:
        # The store adds SELECT, time range and order: only the condition is wanted, after
        # the rule's prefilter tree (see the module docstring).
        conditions = rule.detection.parsed_condition
        tree = self.prefilter(conditions[0].parsed, top=True) if len(conditions) == 1 else None
        return f"({tree}) AND ({query})" if tree else query

    def prefilter(self, cond: Any, *, top: bool = False) -> str | None:
        """The prefilter tree of a parsed condition: a native superset of it; None for "true".

        SQLite evaluates an AND's terms in the order written, so at the top the rule's own
        detection comes before the log source's condition, which the pipeline put first and
        which most events of a store satisfy, and within an AND a field of many distinct values
        (ecs.INDEXED: names, addresses) comes first."""
        if isinstance(cond, ConditionAND):
            args = sorted(cond.args[::-1] if top else cond.args,
                          key=lambda arg: str(getattr(arg, "field", None)) not in INDEXED)
            parts = [p for p in (self.prefilter(arg) for arg in args) if p]
            return all_sql(parts) if parts else None
        if isinstance(cond, ConditionOR):
            values = self._one_field_strings(cond)
            if values is not None:  # one field's alternatives: one prefilter, index terms merged
                field, strings = values
                return _and_present(field, _or_list(field, text_prefilter_sql(
                    field, field_expression(field), [pattern_of(v) for v in strings], caseless=True)))
            alternatives = [self.prefilter(arg) for arg in cond.args]
            if not alternatives or any(a is None for a in alternatives):
                return None
            return any_sql([str(a) for a in alternatives])
        if isinstance(cond, ConditionNOT):
            return None  # a superset of NOT x is not made of a superset of x
        return self._leaf_prefilter(cond)

    @staticmethod
    def _leaf_prefilter(cond: Any) -> str | None:
        value = getattr(cond, "value", None)
        if isinstance(cond, ConditionValueExpression):
            return keyword_prefilter_sql([keyword_pattern(value)]) if type(value) is SigmaString else None
        if not isinstance(cond, ConditionFieldEqualsValueExpression):
            return None
        field = str(cond.field)
        if not isinstance(value, _PRESENT_TYPES) or (isinstance(value, SigmaExists) and not value.exists):
            return None  # null and exists: false hold on rows without the field
        if isinstance(value, SigmaCompareExpression) and field_type(field) in NUMERIC_TYPES:
            # the number may be the field's, or one moved out of it (convert_condition_field_eq_val)
            here, moved = present_sql(field), present_sql(MALFORMED + field)
            return None if here is None or moved is None else any_sql([here, moved])
        if field in ARRAYS:
            return _and_present(field, None)
        return _and_present(field, _or_list(field, GovsocSqliteBackend._scalar_prefilter(cond, value)))

    @staticmethod
    def _scalar_prefilter(cond: Any, value: Any) -> str | None:
        field = str(cond.field)
        expr = field_expression(field)
        if isinstance(value, SigmaCIDRExpression):
            return cidr_prefilter_sql(expr, str(value.network)) if field_type(field) == "ip" else None
        strings = (SigmaString, SigmaCasedString)
        if type(value) in strings and field_type(field) == "ip" and not value.contains_special():
            return cidr_prefilter_sql(expr, str(value.to_plain()))
        if isinstance(value, SigmaString) and type(value) in strings:
            # (an address is matched caselessly, |cased or not: convert_condition_field_eq_val_str_case_sensitive)
            return text_prefilter_sql(field, expr, [pattern_of(value)],
                                      caseless=type(value) is SigmaString or field_type(field) == "ip")
        if isinstance(value, SigmaNumber) and not isinstance(value, SigmaTimestampPart):
            return number_eq_sql(expr, value.number, field=field)
        return None


#: Values that only a present field can hold (not null, not exists: false).
_PRESENT_TYPES = (*_ELEMENT_TYPES, SigmaFieldReference, SigmaExists)


def _and_present(field: str, prefilter: str | None) -> str | None:
    """A field's prefilter behind the store's native "the row may have this field" (for a field
    read from the document): rows of a shape without it are rejected before any document is
    read, so a rule whose log source the store does not hold costs a codec lookup per row."""
    present = present_sql(field)
    if present is None:
        return prefilter
    return present if prefilter is None else all_sql([present, prefilter])


def _or_list(field: str, prefilter: str | None) -> str | None:
    """A field's prefilter widened to the rows that hold a list under that field (the store
    names them per row, and indexes the rows holding any, so an indexed field's OR is still two
    index lookups), whose elements the exact condition checks one by one."""
    if prefilter is None or holds_list_sql(field) is None:
        return prefilter
    return f"({prefilter} OR {may_hold_lists_sql(field)})"


@backends.register("sqlite")
class SqliteRuleBackend(RuleBackend):
    """Rules for the SQLite store."""

    store_kind = "sqlite"

    _converter: GovsocSqliteBackend | None = None

    def _backend(self) -> Any:
        # One pySigma backend for all the rules it converts, as pySigma converts a collection:
        # building the processing pipeline was a third of a rule's conversion (which is most of
        # an incremental pass), and the pipeline starts afresh for each rule it is applied to.
        if self._converter is None:
            self._converter = GovsocSqliteBackend(govsoc_ecs_pipeline())  # type: ignore[no-untyped-call]
        return self._converter
