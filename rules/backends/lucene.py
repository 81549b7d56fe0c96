"""Sigma -> Lucene query_string for the Elasticsearch store, with pySigma's Elasticsearch backend.

The backend names only fields the store publishes for queries (govsoc.store.elasticsearch_query):
strings compare caselessly on ``.caseless`` sub-fields, with the value folded as the store's
normalizer folds (govsoc.core.caseless), unless ``|cased``; keywords search the store's search
text (the message and the raw record). Regular expressions are translated from the flavour the
Sigma specification defines (modifiers appendix: ``.``, ``^``/``$``, quantifiers, classes,
groups, alternation; flags ``i``, ``m``, ``s``) into Lucene's whole-term regexps, so that they
search the way Python's ``re.search`` does on the SQLite store.

What Lucene cannot say it does not guess at. A rule with a condition Lucene cannot express
(``|fieldref``, which needs scripts the minimal distribution lacks; a ``|re`` with ``\\b`` or a
lookaround) is sent as a superset: each such condition becomes "every document" where it counts
positively and "no document" under an odd number of NOTs, so no match can be lost, and the
store checks every candidate with the rule's SQLite condition. A ``|re`` too costly for the node
(a long bounded repetition; a long regexp with loops, when the rule has that condition) is sent
as a looser regexp, checked the same way. Every other rule carries that condition too, for the
few documents whose values are too long for a keyword field to index
(govsoc.store.elasticsearch_query, "exact native").
"""

from __future__ import annotations

import copy
import re
from typing import Any

from sigma.backends.elasticsearch.elasticsearch_lucene import LuceneBackend
from sigma.conditions import ConditionFieldEqualsValueExpression, ConditionOR, ConditionValueExpression
from sigma.exceptions import SigmaError
from sigma.rule import SigmaRule
from sigma.types import (
    SigmaCIDRExpression,
    SigmaCompareExpression,
    SigmaNumber,
    SigmaRegularExpression,
    SigmaRegularExpressionFlag,
    SigmaString,
    SpecialChars,
)

from govsoc.core.caseless import fold
from govsoc.core.ecs import FIELDS, NUMERIC_TYPES, field_type
from govsoc.core.errors import RuleError
from govsoc.rules.backends.base import RuleBackend, backends, value_of
from govsoc.rules.backends.lucene_values import (
    contains_phrase,
    is_address,
    is_pattern,
    number_spelling,
    sigma_regexp,
    string_length,
    unescaped_parts,
)
from govsoc.rules.backends.regex import inline_flags, lucene_regexp, regexp_size, relax_loops
from govsoc.rules.backends.sqlite import SqliteRuleBackend
from govsoc.rules.pipeline import govsoc_ecs_pipeline
from govsoc.store.elasticsearch_query import (
    DOTTED_I,
    SEARCH_SPAN,
    SEARCH_TEXT_FIELD,
    cidr_query,
    exact_native,
    search_field,
)

#: The raw record: stored, not indexed (store/elasticsearch.py), found through the search text.
_NOT_INDEXED = "event.original"
#: The values a long field holds.
_LONG_MIN, _LONG_MAX = -(2**63), 2**63 - 1
_OPS = SigmaCompareExpression.CompareOperators
#: Every document, and none (a purely negative group matches nothing in query_string).
_EVERYTHING = "*:*"
_NOTHING = "(NOT *:*)"
#: The longest bounded repetition ({m,n} or {n}, n above this) sent to Elasticsearch as it is: the
#: node refused [^"]{0,64} before a word as too complex to determinize, and [ab]*a[ab]{12}: a count
#: after text its repeated part can also match makes the automaton remember every position among
#: the last n, 2^n states; it builds 2^8. A longer count goes as a superset checked exactly.
_MAX_BOUNDED = 8
#: The longest Lucene regexp with loops sent as it is. Elasticsearch builds a regexp's automaton
#: on every shard (a daily index each): the egov pack's SQL injection patterns (300-600
#: characters, overlapping loops such as a comment's [^*/]*) cost 0.5-3 s a shard each, and the
#: rule timed out over eight days of events. Longer ones go as relax_loops' superset, checked.
_MAX_REGEXP = 128
#: The most wildcards a rule's Lucene query may hold as it is (R12c F6). Each wildcard term is
#: an automaton the node builds on every shard and holds while the query runs: SigmaHQ's
#: "Vulnerable Driver Load" (Hashes|contains: 4,400 values, 8,870 wildcards, a 4.5 MB query)
#: alone took a 1 GB node's heap to 864 MiB for over 30 s, and a full Windows pass, 20 rules a
#: _msearch, ran it out of heap. A rule over this sends its long lists of patterns as a superset,
#: checked exactly (17 SigmaHQ Windows rules hold more than 256 wildcards, 150 more than 64).
MAX_WILDCARDS = 256
#: Patterns in one OR (a rule's list of values) from which such a rule sends it as a superset.
_LIST_PATTERNS = 16
_WILDCARD = re.compile(r"(?<!\\)\*")
#: What query_string's grammar takes for white space between terms (Lucene's classic query
#: parser, _WHITESPACE): pySigma escapes the space alone, so a value holding a tab, a line feed, a
#: carriage return or U+3000 (全角空格) was cut into several terms (R58b-1: missed alerts, and one
#: leading a value matched every document of its log source). Escaped, each is a character.
_QUERY_WHITESPACE = "\t\n\r\u3000"
#: The grammar's operator words: a whole value spelled so (only |cased keeps its capitals) is
#: escaped, else it is an operator and the query fails to parse (R58b-12). A value opening with < or
#: > goes as a phrase (convert_value_str).
_OPERATOR_WORDS = frozenset({"AND", "OR", "NOT"})


def folded(value: SigmaString) -> SigmaString:
    """A Sigma string with its literal parts folded (wildcards kept)."""
    out = copy.copy(value)
    out.s = [fold(part) if isinstance(part, str) else part for part in value.s]
    return out


class GovsocLuceneBackend(LuceneBackend):
    """pySigma's Lucene backend with Sigma's case, regular-expression and keyword semantics."""

    #: A field's absence as a group with a positive clause: pySigma's bare ``NOT _exists_:f``
    #: becomes ``NOT NOT _exists_:f`` under a NOT, which query_string refuses (HTTP 400), and in
    #: ``NOT _exists_:a OR NOT _exists_:b`` both clauses are MUST_NOT, i.e. an AND.
    field_not_exists_expression = "(*:* AND NOT _exists_:{field})"
    add_escaped = LuceneBackend.add_escaped + _QUERY_WHITESPACE
    #: Convert what Lucene cannot express to a superset (see the module docstring) rather than fail.
    superset = False
    #: Whether a costly regexp may go as a looser one (the rule has an exact check to fall back on).
    relax = False
    #: Whether long lists of patterns go as a superset (a rule over MAX_WILDCARDS, in superset mode).
    bounded = False
    _negations = 0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: Fields of caseless regexps whose documents holding İ the exact check decides (_dotted_i).
        self.apart: set[str] = set()

    def convert_value_str(self, s: SigmaString, state: Any) -> str:
        converted: str = super().convert_value_str(s, state)
        if converted in _OPERATOR_WORDS:
            return "\\" + converted
        if converted[:2] in ("\\<", "\\>") and not s.contains_special():
            # Elasticsearch reads a term opening with < or > as a one-sided range whether or not it is
            # escaped (its query_string parser looks at the unescaped text): a phrase is read as the
            # term it is (R58b-14: '>x' matched "zebra", missed ">x")
            plain = str(s.to_plain())
            return '"' + plain.replace("\\", "\\\\").replace('"', '\\"') + '"'
        return converted

    def convert_condition_or(self, cond: ConditionOR, state: Any) -> Any:
        if self.bounded and sum(map(is_pattern, cond.args)) >= _LIST_PATTERNS:
            return self._inexpressible(RuleError(f"elasticsearch: more than {_LIST_PATTERNS} patterns in one list"))
        return super().convert_condition_or(cond, state)

    def convert_condition_not(self, cond: Any, state: Any) -> Any:
        self._negations += 1
        try:
            return super().convert_condition_not(cond, state)
        finally:
            self._negations -= 1

    def convert_condition_field_eq_val(self, cond: ConditionFieldEqualsValueExpression, state: Any) -> Any:
        try:
            if cond.field == _NOT_INDEXED:
                return self._raw_record(cond, state)
            return super().convert_condition_field_eq_val(cond, state)
        except (RuleError, SigmaError, NotImplementedError) as e:
            return self._inexpressible(e)

    # A vendor key (one the ECS table does not list) may hold an object in some events, whose keys
    # the events index holds as leaves below it (store/elasticsearch_mappings.py: subobjects false),
    # not as a field of its own: the key is present, and not null, when it or a leaf below it is,
    # as in the SQLite store (R59a-5: `x|exists: true` missed the events where x was an object).
    def _present(self, cond: ConditionFieldEqualsValueExpression) -> str | None:
        name = str(cond.field)
        if name in FIELDS:
            return None
        # query_string reads `f.\*` as f and every field below it (a bare `_exists_:f.*` finds nothing)
        return f"_exists_:{self.escape_and_quote_field(name)}.\\*"

    def convert_condition_field_exists(self, cond: ConditionFieldEqualsValueExpression, state: Any) -> Any:
        present = self._present(cond)
        return super().convert_condition_field_exists(cond, state) if present is None else present

    def convert_condition_field_not_exists(self, cond: ConditionFieldEqualsValueExpression, state: Any) -> Any:
        present = self._present(cond)
        return super().convert_condition_field_not_exists(cond, state) if present is None \
            else f"(*:* AND NOT {present})"

    def convert_condition_field_eq_val_null(self, cond: ConditionFieldEqualsValueExpression, state: Any) -> Any:
        present = self._present(cond)
        return super().convert_condition_field_eq_val_null(cond, state) if present is None \
            else f"(*:* AND NOT {present})"

    def convert_condition_field_compare_op_val(self, cond: ConditionFieldEqualsValueExpression, state: Any) -> Any:
        # A range over a keyword field orders text ("9" > "50"); Sigma compares numbers, which
        # only the numeric fields hold.
        kind = field_type(str(cond.field))
        if kind not in NUMERIC_TYPES:
            raise RuleError(f"elasticsearch: |lt/|gt on {cond.field}, a text field, would compare text")
        value = value_of(cond, SigmaCompareExpression)
        number = value.number.number if isinstance(value.number, SigmaNumber) else value.number
        if kind == "long" and not _LONG_MIN <= number <= _LONG_MAX:
            # A bound a long field cannot hold fails the whole query (HTTP 400: out of range for a
            # long; R12 F6): every indexed value is on one side of it. Values beyond 64 bits
            # themselves are kept as text (govsoc.core.coercion) and checked exactly by the store.
            below = value.op in (_OPS.LT, _OPS.LTE)
            return f"_exists_:{self.escape_and_quote_field(str(cond.field))}" if below == (number > 0) else _NOTHING
        return super().convert_condition_field_compare_op_val(cond, state)

    def convert_condition_val(self, cond: ConditionValueExpression, state: Any) -> Any:
        try:
            return super().convert_condition_val(cond, state)
        except (RuleError, SigmaError, NotImplementedError) as e:
            return self._inexpressible(e)

    def _raw_record(self, cond: ConditionFieldEqualsValueExpression, state: Any) -> str:
        """A condition on the raw record, which the index keeps but does not search: a string is
        the superset "each of its fixed parts somewhere in the search text" (which holds pieces of
        the raw record), anything else every document; checked exactly either way."""
        if not self.superset:
            raise RuleError(f"elasticsearch: {_NOT_INDEXED} is stored, not indexed")
        if isinstance(cond.value, SigmaString):
            return self._fixed_parts(unescaped_parts(folded(cond.value)), state)
        return self._inexpressible(RuleError(f"elasticsearch: {_NOT_INDEXED} is not indexed"))

    def _fixed_parts(self, value: SigmaString, state: Any) -> str:
        """The superset of a string searched in the search text: each part between two ``*``
        found in some piece (a part of at most SEARCH_SPAN characters lies wholly in one); under
        an odd number of NOTs, no document."""
        if self._negations % 2:
            return _NOTHING
        parts: list[list[Any]] = [[]]
        for part in value.s:
            if part == SpecialChars.WILDCARD_MULTI:
                parts.append([])
            else:
                parts[-1].append(part)
        field = self.escape_and_quote_field(SEARCH_TEXT_FIELD)
        terms = []
        for fixed in parts:
            if fixed and string_length(fixed) <= SEARCH_SPAN:
                piece = SigmaString("")
                piece.s = [SpecialChars.WILDCARD_MULTI, *fixed, SpecialChars.WILDCARD_MULTI]
                converted = sigma_regexp(piece) or super(LuceneBackend, self).convert_value_str(piece, state)
                terms.append(f"{field}:{converted}")
        return "(" + " AND ".join(terms) + ")" if terms else _EVERYTHING

    def _inexpressible(self, error: Exception) -> str:
        """A condition Lucene cannot express: the error, or in superset mode whatever keeps
        every match (everything where it counts positively, nothing where it is negated)."""
        if not self.superset:
            raise error
        return _NOTHING if self._negations % 2 else _EVERYTHING

    def decide_convert_condition_as_in_expression(self, cond: Any, state: Any) -> bool:
        # Each value is converted on its own: cased and caseless values search different fields.
        return False

    def convert_condition_field_eq_expansion(self, cond: ConditionFieldEqualsValueExpression, state: Any) -> Any:
        # pySigma-backend-elasticsearch 2.1 ORs the expansion itself instead of its values
        # (windash, base64offset fail); the generic conversion ORs the values, and the group
        # keeps that OR inside an AND around it.
        ored = super(LuceneBackend, self).convert_condition_field_eq_expansion(cond, state)
        return self.group_expression.format(expr=ored)

    def convert_condition_field_eq_val_str(self, cond: ConditionFieldEqualsValueExpression, state: Any) -> Any:
        value = value_of(cond, SigmaString)
        if field_type(str(cond.field)) == "ip" and not value.contains_special() and not is_address(value):
            # Not an address (localhost, '-', a padded one): the ip type would refuse the term
            # (HTTP 400, R12c F4); read as the SQLite store reads it (sqlite_prefilter.parse_network).
            return cidr_query(str(cond.field), str(value.to_plain()), self.escape_and_quote_field)[0]
        caseless = copy.copy(cond)
        caseless.value = folded(value)
        phrase = contains_phrase(str(cond.field), caseless.value)
        if phrase is not None:
            return phrase
        caseless.field = search_field(cond.field, caseless=True,
                                      pattern=caseless.value.contains_special() or number_spelling(cond, value))
        sigmas = sigma_regexp(caseless.value)
        if sigmas is not None:
            return f"{self.escape_and_quote_field(caseless.field)}:{sigmas}"
        return super().convert_condition_field_eq_val_str(caseless, state)

    def convert_condition_field_eq_val_str_case_sensitive(self, cond: ConditionFieldEqualsValueExpression,
                                                          state: Any) -> Any:
        exact = copy.copy(cond)
        value = value_of(cond, SigmaString)
        no_address = field_type(str(cond.field)) == "ip" and not is_address(value)
        exact.field = search_field(cond.field, caseless=False, pattern=value.contains_special()
                                   or number_spelling(cond, value) or no_address)
        return super().convert_condition_field_eq_val_str(exact, state)

    def convert_condition_field_eq_val_cidr(self, cond: ConditionFieldEqualsValueExpression, state: Any) -> str:
        # pySigma's "field:network" only holds on ip fields, where it also put IPv4 in ::/0.
        query, exact = cidr_query(str(cond.field), str(value_of(cond, SigmaCIDRExpression).network),
                                  self.escape_and_quote_field)
        if exact:
            return query
        if not self.superset:
            raise RuleError(f"elasticsearch: |cidr on {cond.field}, a text field, is answered only by a superset "
                            "checked candidate by candidate")
        return _NOTHING if self._negations % 2 else query

    def convert_condition_field_eq_val_re(self, cond: ConditionFieldEqualsValueExpression, state: Any) -> str:
        value = value_of(cond, SigmaRegularExpression)
        ignore_case = (SigmaRegularExpressionFlag.IGNORECASE in value.flags
                       or "i" in inline_flags(str(value.regexp))[0])
        options = {"ignore_case": ignore_case, "multiline": SigmaRegularExpressionFlag.MULTILINE in value.flags,
                   "dotall": SigmaRegularExpressionFlag.DOTALL in value.flags}
        try:
            pattern = lucene_regexp(str(value.regexp), **options)
            relaxed = lucene_regexp(str(value.regexp), **options, relax_above=_MAX_BOUNDED)
            if self.relax and regexp_size(relaxed) > _MAX_REGEXP:
                relaxed = relax_loops(relaxed)
        except ValueError as e:
            raise RuleError(f"elasticsearch: |re {str(value.regexp)!r}: {e}") from e
        if relaxed != pattern:
            # A long bounded repetition (the node would refuse the regexp as too complex to
            # determinize) or a long regexp with loops (slow to build on every shard): sent as
            # the superset with {m,} or .* for the loops, every candidate checked exactly.
            if not self.superset:
                raise RuleError(f"elasticsearch: |re {str(value.regexp)!r}: a bounded repetition over "
                                f"{_MAX_BOUNDED}, or over {_MAX_REGEXP} characters with loops, is too "
                                "complex for Elasticsearch")
            if self._negations % 2:  # under NOT a superset would be a subset: keep every document
                return _NOTHING
            pattern = relaxed
        # A number's or an address's text: its .caseless (the ip type itself refuses a regexp: R12c F4).
        typed = field_type(str(cond.field)) in {"ip", *NUMERIC_TYPES}
        searched = search_field(cond.field, caseless=ignore_case, pattern=typed)
        field = self.escape_and_quote_field(searched)
        # a caseless search that reads another field than a case-sensitive one: a lower-cased field
        if ignore_case and not typed and self.relax and searched != search_field(cond.field, caseless=False):
            return self._dotted_i(str(cond.field), f"{field}:/{pattern}/")
        return f"{field}:/{pattern}/"

    def _dotted_i(self, name: str, query: str) -> str:
        """A caseless regexp on a lower-cased field, where İ is an i that PCRE's caseless
        matching keeps apart (F12l): the field is noted, and the rule's whole query becomes a
        candidate for every document whose field holds İ (LuceneRuleBackend.convert, once per
        field), which the exact check decides (ExactNative.apart)."""
        self.apart.add(name)
        return query

    def dotted_i_candidates(self, lucene: str) -> str:
        """``lucene`` or any document holding İ in a field :meth:`_dotted_i` noted: a superset
        only on those documents, each checked exactly."""
        if not self.apart:
            return lucene
        held = [f"{self.escape_and_quote_field(search_field(name, caseless=False))}:*{DOTTED_I}*"
                for name in sorted(self.apart)]
        return f"({lucene}) OR {' OR '.join(held)}"

    def convert_condition_val_str(self, cond: ConditionValueExpression, state: Any) -> str:
        value = folded(value_of(cond, SigmaString))
        # A keyword is found anywhere in the text: *value*, searched in every piece of it.
        if not value.startswith(SpecialChars.WILDCARD_MULTI):
            value = SpecialChars.WILDCARD_MULTI + value
        if not value.endswith(SpecialChars.WILDCARD_MULTI):
            value = value + SpecialChars.WILDCARD_MULTI
        if string_length(value.s[1:-1]) > SEARCH_SPAN or SpecialChars.WILDCARD_MULTI in value.s[1:-1]:
            # The match may be longer than the pieces overlap by: found in no single piece.
            if not self.superset:
                raise RuleError("elasticsearch: a keyword that may span more than one piece of the search text")
            return self._fixed_parts(value, state)
        converted = sigma_regexp(value) or super(LuceneBackend, self).convert_value_str(value, state)
        return f"{self.escape_and_quote_field(SEARCH_TEXT_FIELD)}:{converted}"

    def convert_condition_val_num(self, cond: ConditionValueExpression, state: Any) -> str:
        as_text = copy.copy(cond)
        as_text.value = SigmaString(str(cond.value))
        return self.convert_condition_val_str(as_text, state)


@backends.register("elasticsearch")
class LuceneRuleBackend(RuleBackend):
    """Rules for the Elasticsearch store."""

    store_kind = "elasticsearch"
    _superset = False
    _relax = False
    _bounded = False
    _last: GovsocLuceneBackend | None = None

    def convert(self, rule: SigmaRule) -> str:
        """The rule as Lucene, with its SQLite condition as the exact check when the SQLite
        backend converts it (see the module docstring); a superset when only that way Lucene
        can carry it."""
        try:
            sql: str | None = SqliteRuleBackend().convert(rule)
        except RuleError:
            sql = None
        self._relax = sql is not None
        try:
            lucene = super().convert(rule)
        except RuleError:
            if sql is None:
                raise
            self._superset = True
            try:
                lucene = super().convert(rule)
            finally:
                self._superset = False
            return self._exact(lucene, sql, superset=True)
        if sql is not None and len(_WILDCARD.findall(lucene)) > MAX_WILDCARDS:
            self._superset = self._bounded = True
            try:
                lucene = super().convert(rule)
            finally:
                self._superset = self._bounded = False
            return self._exact(lucene, sql, superset=True)
        return lucene if sql is None else self._exact(lucene, sql, superset=False)

    def _exact(self, lucene: str, sql: str, *, superset: bool) -> str:
        """The exact native, with the documents the last conversion's caseless regexps leave to
        the exact check as candidates too (F12l)."""
        if self._last is None or not self._last.apart:
            return exact_native(lucene, sql, superset=superset)
        return exact_native(self._last.dotted_i_candidates(lucene), sql, superset=superset,
                            apart=tuple(sorted(self._last.apart)))

    def _backend(self) -> Any:
        backend = GovsocLuceneBackend(govsoc_ecs_pipeline())
        backend.superset = self._superset
        backend.relax = self._relax
        backend.bounded = self._bounded
        self._last = backend
        return backend
