"""The SQLite store's query surface: the SQL a rule backend may put into ``Query.native``.

Everything a backend needs to say about events is built here, so that no module outside the store
knows the table, its columns or how a document is laid out (issue 12, "Boundaries"). A backend
writes conditions over the expressions these functions return and over the SQL functions that
govsoc.store.sqlite_functions installs on every connection (govsoc_match, govsoc_cidr, govsoc_fold,
govsoc_number, govsoc_re2, govsoc_regexp, REGEXP; described there).

Speed (issue 12 benchmark): the string, keyword and CIDR builders put a native **prefilter**
before each Python check (govsoc.store.sqlite_prefilter explains why each is a superset of the
exact condition), and :func:`text_prefilter_sql` / :func:`cidr_prefilter_sql` give the prefilter
alone, which a backend ANDs in front of a whole rule so that SQLite narrows the rows natively, by
an index where one fits (govsoc.store.sqlite_query_indexes, built-in expressions only), before any
Python function runs. ``LIKE`` is ASCII-caseless on every connection
(govsoc.store.sqlite_functions.register_functions sets it), as those prefilters need.

The layout side (:func:`column_sql`, :func:`field_expression`, :func:`any_element_sql`) follows the
row layout of govsoc.store.sqlite_layout: fields with a column (the HOT fields, ``event.id``,
``event.dataset``) and ``message``, ``event.original`` and ``@timestamp`` are native expressions;
any other field is read from the row's compressed document through ``govsoc_field`` /
``govsoc_json``, which the store registers on its connection (the same values ``json_extract``
gave on the version-3 document).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from typing import Final

from govsoc.core.caseless import fold
from govsoc.core.ecs import ARRAYS, FIELDS, HOT, INDEXED, NUMERIC_TYPES, field_type
from govsoc.store.sqlite_functions import sql_number
from govsoc.store.sqlite_layout import (
    FIELD_FUNCTION,
    ID_TEXT,
    JSON_FUNCTION,
    LISTS_FLAG,
    LISTS_INDEXED,
    LISTS_UNKNOWN,
    MESSAGE,
    ORIGINAL,
    TIMESTAMP_TEXT,
    column_fields_under,
    field_call,
    quote_ident,
)
from govsoc.store.sqlite_prefilter import (
    Pattern,
    Wildcard,
    all_sql,
    any_sql,
    cidr_prefilter_sql,
    glob_sql,
    key_index_sql,
    key_sql,
    like_sql,
    sql_string,
)

__all__ = [
    "ELEMENT", "KEY_INDEXED", "Pattern", "Wildcard", "all_sql",
    "any_element_sql", "any_sql", "cidr_prefilter_sql", "cidr_sql", "column_sql",
    "each_value_sql", "field_expression", "fold_sql", "holds_list_sql", "keyword_prefilter_sql",
    "keyword_sql", "match_sql", "may_hold_lists_sql", "number_eq_sql", "number_sql", "present_sql", "regexp_sql",
    "sql_string", "terms_sql", "text_match_sql", "text_prefilter_sql",
]

#: The value of one element of a multi-valued field, inside :func:`any_element_sql`: json_each's
#: value, except a JSON boolean, which json_each gives as 1/0 and which reads as its word, as a
#: single boolean does (govsoc.store.sqlite_layout, govsoc_field).
ELEMENT: Final[str] = "iif(je.type = 'true', 'true', iif(je.type = 'false', 'false', je.value))"

#: Fields computed from the row's own columns (see govsoc.store.sqlite_layout).
_NATIVE: Final[dict[str, str]] = {
    "event.id": ID_TEXT, "event.dataset": "dataset", "message": MESSAGE, "event.original": ORIGINAL,
    "@timestamp": TIMESTAMP_TEXT,
}

#: Layout: cheap expressions whose texts contain every substring of a field's value. ``message``
#: is ``message_text`` when that is set, else a part of ``event.original``
#: (govsoc.store.sqlite_layout), so the coalesce of the two holds it (one LIKE over plain columns
#: instead of message's substr expression: a third of a 1M-event combined scan).
_CONTAINING: Final[dict[str, tuple[str, ...]]] = {"message": (f"coalesce(message_text, {ORIGINAL})",)}

#: Where keywords (Sigma values without a field) are searched: the text after the syslog header
#: and the raw record, which still has the header (SigmaHQ keyword rules quote both).
_KEYWORD_SOURCES: Final[tuple[str, ...]] = ("message", "event.original")


def json_path_sql(field: str) -> str:
    """The JSON path of a dotted ECS field in a nested document (alerts keep one), as a SQL
    string literal.

    Field names come from users (--where, rule files), so the literal is escaped here, once,
    for every caller: a quote in a name cannot end the literal.
    """
    path = "$." + ".".join('"' + part.replace('"', '\\"') + '"' for part in field.split("."))
    return "'" + path.replace("'", "''") + "'"


def column_sql(field: str) -> str | None:
    """The native expression of a field with one value per event held in the row itself (a
    column, or message and @timestamp computed from columns), or None when the field is read from
    the event's remaining-fields document (possibly an array)."""
    special = _NATIVE.get(field)
    if special is not None:
        return special
    if field in HOT:
        return quote_ident(field)
    return None


def field_expression(field: str) -> str:
    """The SQL value of a field: its column expression, or the value read from the document as
    json_extract reads it (an array's JSON text; use :func:`any_element_sql` for "any element
    matches")."""
    return column_sql(field) or field_call(FIELD_FUNCTION, field)


def any_element_sql(field: str, condition: str) -> str:
    """True when some element of ``field`` (or its one value) satisfies ``condition``, a SQL
    condition written over :data:`ELEMENT`."""
    column = column_sql(field)
    values = field_call(JSON_FUNCTION, field)
    if column is not None:  # a list under a column field is kept in the document
        values = f"coalesce({values}, iif({column} IS NULL, NULL, json_quote({column})))"
    return f"EXISTS (SELECT 1 FROM json_each({values}) AS je WHERE {condition})"


def holds_list_sql(field: str) -> str | None:
    """True when ``field`` holds several values (a JSON array) in this row; None for the fields
    computed from the row's own columns, which never do.

    Answered from the row's ``lists`` text (a column: rows without a list under ``field`` pay
    nothing more); a row an older govsoc wrote (LISTS_UNKNOWN) is tested exactly."""
    if field in _NATIVE:
        return None
    return (f"({LISTS_FLAG} > '' AND (instr({LISTS_FLAG}, {sql_string(_list_key(field))}) > 0 OR "
            f"({LISTS_FLAG} = '{LISTS_UNKNOWN}' AND json_type({field_call(JSON_FUNCTION, field)}) = 'array')))")


def present_sql(field: str) -> str | None:
    """A native superset of "the row has ``field``", for a field read from the document (None
    for a column's): the row was deflated against a codec whose shape names the field, one of
    its parent objects or a field below it, or against one whose shape is unknown (no codec, or
    one an older govsoc made). The codecs are few, so the set is made once per statement and
    each row costs a lookup of its codec: a rule over fields no event of the store has (a
    Windows rule on a store without Windows events) reads no document at all."""
    if column_sql(field) is not None or column_fields_under(field):
        return None  # (an object with column fields below it, such as source, is rebuilt from them)
    return shaped_sql(field, below=True)


def shaped_sql(field: str, *, below: bool) -> str:
    """The rows deflated against a codec whose shape names ``field`` or one of its parent objects
    (``below``: or a field below it), or against one whose shape is unknown: :func:`present_sql`'s
    superset, and without ``below`` the rows that may hold a value at ``field`` itself (an object
    there is made of the fields below it: Store.has_field asks for values, not objects)."""
    parts = field.split(".")
    keys = [sql_string("|" + ".".join(parts[:cut]) + "|") for cut in range(1, len(parts) + 1)]
    named = " OR ".join(f"instr(names, {key}) > 0" for key in [*keys, *([sql_string(f"|{field}.")] if below else [])])
    return (f"(events.codec IN (SELECT id FROM codecs WHERE names IS NULL OR {named}) "
            f"OR (events.codec IS NULL AND events.doc IS NOT NULL))")


def may_hold_lists_sql(field: str) -> str:
    """True for the rows that may hold a list under ``field`` (one outside ecs.ARRAYS): what a
    superset of a condition on it must also let through. The first term is served by the
    store's index of the rows holding lists."""
    return (f"({LISTS_INDEXED} AND (instr({LISTS_FLAG}, {sql_string(_list_key(field))}) > 0 "
            f"OR {LISTS_FLAG} = '{LISTS_UNKNOWN}'))")


def _list_key(field: str) -> str:
    return f"|{field}|"


def each_value_sql(field: str, scalar: str, element: str) -> str:
    """A condition on a field that may hold one value or several: ``scalar`` (written over the
    field's expression) for one value, ``element`` (written over :data:`ELEMENT`) for any element
    of a list. Elasticsearch indexes every field as multi-valued, so any field of a JSON source
    may be a list and a condition holds when one element satisfies it, never by the list's text."""
    test = holds_list_sql(field)
    if test is None:
        return scalar
    return f"(CASE WHEN {test} THEN {any_element_sql(field, element)} ELSE {scalar} END)"


def terms_sql(field: str, values: Sequence[str | int | float | bool]) -> str:
    """``field`` holds one of ``values`` exactly (``Query.terms``: ``--where``, suppression
    recounts), as Elasticsearch's terms query answers it: one element of a list is enough; a
    field ECS types as a number compares numbers, an address compares addresses, any other field
    is a keyword, which holds the text of its value (``true`` for a JSON true, ``1.0`` for the
    number 1.0) and compares it case-sensitively."""
    kind = field_type(field)
    if kind in NUMERIC_TYPES:
        numbers = [sql_number(v) if not isinstance(v, bool) else None for v in values]
        listed = ", ".join(repr(n) for n in numbers if n is not None)
        scalar = element = (f"{{expr}} IN ({listed})" if listed else "0")
    else:
        texts = [_term_text(v, address=kind == "ip") for v in values]
        listed = ", ".join(sql_string(t) for t in texts)
        column = column_sql(field)
        # A column holds text (TEXT affinity) and keeps its index; a value read from the
        # document, or an element, may be a number: compared as its text.
        scalar = f"{{expr}} IN ({listed})" if column is not None else f"CAST({{expr}} AS TEXT) IN ({listed})"
        element = f"CAST({{expr}} AS TEXT) IN ({listed})"
    on_element = element.format(expr=ELEMENT)
    if field in ARRAYS:
        clause = any_element_sql(field, on_element)
    else:
        clause = each_value_sql(field, scalar.format(expr=field_expression(field)), on_element)
    # A row holds one of the values only if it has the field: rows of shapes without it are
    # passed over before their document is read (a report's filter on govsoc.source_zone).
    present = present_sql(field)
    return clause if present is None else f"({present} AND {clause})"


def _term_text(value: str | int | float | bool, *, address: bool) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    if address:  # addresses are stored canonical (govsoc.core.coercion)
        try:
            return str(ipaddress.ip_address(text.strip()))
        except ValueError:
            return text
    return text


def match_sql(expr: str, regex: str, *, caseless: bool) -> str:
    """Sigma string match of ``expr`` against a Python search ``regex``."""
    return f"govsoc_match({expr}, {sql_string(regex)}, {int(caseless)})"


def regexp_sql(expr: str, pattern: str, *, linear: str | None = None, field: str = "a field") -> str:
    """``expr`` (``field``'s expression) searched with a regular expression, flags inline: the
    RE2 expression ``linear`` when there is one, else the Python ``pattern`` under a CPU bound
    (govsoc.store.sqlite_regexp)."""
    if linear is not None:
        return f"govsoc_re2({expr}, {sql_string(linear)}, {sql_string(field)})"
    return f"govsoc_regexp({expr}, {sql_string(pattern)}, {sql_string(field)})"


def cidr_sql(expr: str, network: str, *, field: str | None = None) -> str:
    """``expr`` is an address inside ``network``; with the ip-typed ``field`` that ``expr``
    reads (its column or one element of it), a native range prefilter comes first."""
    exact = f"govsoc_cidr({expr}, {sql_string(network)})"
    pre = cidr_prefilter_sql(expr, network) if field is not None and field_type(field) == "ip" else None
    return f"({pre} AND {exact})" if pre else exact


def text_match_sql(field: str | None, expr: str, patterns: Sequence[Pattern], regex: str, *,
                   caseless: bool) -> str:
    """Sigma string match of ``expr`` (``field``'s expression, or one element of it) against
    any of ``patterns``, whose exact form is the Python search ``regex``: the native prefilter
    of :func:`text_prefilter_sql` (without index terms: this condition may sit anywhere in a
    rule), then the exact check."""
    exact = match_sql(expr, regex, caseless=caseless)
    pre = text_prefilter_sql(field, expr, patterns, caseless=caseless, indexed=False)
    return f"({pre} AND {exact})" if pre else exact


def text_prefilter_sql(field: str | None, expr: str, patterns: Sequence[Pattern], *, caseless: bool,
                       indexed: bool = True) -> str | None:
    """A native superset of "``expr`` matches one of ``patterns``" (Sigma literals, not yet
    folded); None when there is none. With ``indexed`` and an expression that is a
    :data:`KEY_INDEXED` field's column, the terms its key index serves are added."""
    real_safe = field is None or _typed_text(field)
    texts = []
    for pattern in patterns:
        # A substring of message is a substring of one of its sources: plain columns, cheaper
        # to read than message's own expression.
        contained = len(pattern) > 1 and pattern[0] is Wildcard.MANY and pattern[-1] is Wildcard.MANY
        sources = (_CONTAINING.get(field, (expr,)) if contained and field is not None and expr == column_sql(field)
                   else (expr,))
        alternatives = [like_sql(source, _folded(pattern), real_safe=real_safe) if caseless
                        else glob_sql(source, pattern, real_safe=real_safe) for source in sources]
        if any(a is None for a in alternatives):
            return None  # one alternative admits every value
        texts.append(any_sql([str(a) for a in alternatives]))
    pre = any_sql(texts)
    if indexed and field in KEY_INDEXED and expr == column_sql(field):
        index_terms = [key_index_sql(key_sql(expr), p, caseless=caseless) for p in patterns]
        if all(index_terms):
            pre += f" AND {expr} IS NOT NULL AND " + any_sql([str(t) for t in index_terms])
    return pre


def _folded(pattern: Pattern) -> list[str | Wildcard]:
    return [part if isinstance(part, Wildcard) else fold(part) for part in pattern]


#: Types whose stored values SQLite renders as text exactly as Python does (no REAL values).
_TEXT_SAFE_TYPES: Final[frozenset[str]] = frozenset({"keyword", "text", "ip", "date", "long", "boolean"})


def _typed_text(field: str) -> bool:
    return field in {"event.id", "event.dataset"} or (field in FIELDS and field_type(field) in _TEXT_SAFE_TYPES)


def fold_sql(expr: str) -> str:
    """``expr`` folded for caseless comparison."""
    return f"govsoc_fold({expr})"


def number_sql(expr: str) -> str:
    """``expr`` as a number, or NULL when it is not one (see govsoc_number above)."""
    return f"govsoc_number({expr})"


def number_eq_sql(expr: str, number: int | float, *, field: str | None = None) -> str:
    """``expr`` equals a number, held as a number or as its digits (a keyword field).

    With the ``field`` that ``expr`` reads (its expression, or one element of it): a field the
    ECS table does not type as a number is a keyword, on Elasticsearch too, where a number is
    indexed as the text of its JSON (``1.0`` is "1.0", not "1"), so a value read from the
    document is compared as that text. A column of such a field holds text already (its TEXT
    affinity turns a number into its text) and keeps its plain, indexable comparison."""
    literal = sql_string(str(number))
    if field is not None and field_type(field) not in NUMERIC_TYPES and expr != column_sql(field):
        return f"CAST({expr} AS TEXT) = {literal}"
    return f"({expr} = {number!r} OR {expr} = {literal})"


def keyword_sql(regex: str, patterns: Sequence[Pattern] = ()) -> str:
    """A keyword (a value without a field) found in the message or the raw record; ``regex``
    is its exact search, ``patterns`` the keyword(s) as Sigma patterns (``*word*``), whose
    native prefilter comes first when given. The raw record is searched as its values read
    (govsoc.core.json_text: a JSON record's escapes decoded)."""
    return "(" + " OR ".join(text_match_sql(f, field_expression(f), patterns, regex, caseless=True) if patterns
                             else match_sql(field_expression(f), regex, caseless=True)
                             for f in _KEYWORD_SOURCES if f != "event.original") + " OR " \
        + _raw_keyword_sql(regex, patterns) + ")"


def _raw_keyword_sql(regex: str, patterns: Sequence[Pattern]) -> str:
    """A keyword in the raw record's :func:`~govsoc.core.json_text.json_text`, after the native
    prefilter: the keyword in the text as written, or an escaped record that holds its
    unescapable parts (:func:`_escaped_sql`)."""
    exact = match_sql(f"govsoc_json_text({ORIGINAL})", regex, caseless=True)
    pre = text_prefilter_sql("event.original", ORIGINAL, patterns, caseless=True, indexed=False) if patterns else None
    return f"(({pre} OR {_escaped_sql(patterns)}) AND {exact})" if pre else exact


#: The raw record holds a backslash: it may hold a JSON escape (see :func:`_escaped_sql`).
_ESCAPED: Final[str] = f"instr({ORIGINAL}, '\\') > 0"


def _escaped_sql(patterns: Sequence[Pattern]) -> str:
    """A native superset of "a JSON raw record's values hold one of ``patterns``" for the records
    whose text differs from their values: those with a backslash (every JSON escape starts with
    one), holding the parts of a pattern that JSON encoders write as they are. RFC 8259 makes an
    encoder escape quotes, backslashes and controls; encoders also escape '/', non-ASCII and
    HTML-sensitive characters (Go, .NET), and none escapes an ASCII letter, digit or space, so
    those runs are in the text as written. Without this a keyword rule read every escaped record
    in Python (50,000 Winlogbeat-like records: 0.15 s before the keyword decoded escapes, 3-5 s
    with the backslash alone, 0.2 s with the runs)."""
    runs = [text_prefilter_sql(None, ORIGINAL, [_written_runs(p)], caseless=True) for p in patterns]
    if any(r is None for r in runs):
        return _ESCAPED
    return f"({_ESCAPED} AND {any_sql([str(r) for r in runs])})"


def _written_runs(pattern: Pattern) -> Pattern:
    """``pattern`` with each character an encoder may escape (see :func:`_escaped_sql`), and each
    ``?`` (one character of the value, maybe an escape in the text), written ``*``."""
    out: list[str | Wildcard] = []
    for part in pattern:
        for char in ([part] if isinstance(part, Wildcard) else part):
            if isinstance(char, str) and char.isascii() and (char.isalnum() or char == " "):
                out[-1:] = [out[-1] + char] if out and isinstance(out[-1], str) else [*out[-1:], char]
            elif out[-1:] != [Wildcard.MANY]:
                out.append(Wildcard.MANY)
    return out


def keyword_prefilter_sql(patterns: Sequence[Pattern]) -> str | None:
    """The native prefilter of a keyword search for ``patterns`` (``*word*``) alone: each
    pattern over every text that holds the keyword sources, or an escaped raw record."""
    texts = dict.fromkeys(text for f in _KEYWORD_SOURCES for text in _CONTAINING.get(f, (field_expression(f),)))
    terms = [text_prefilter_sql(None, text, patterns, caseless=True) for text in texts]
    return None if any(t is None for t in terms) else any_sql([*(str(t) for t in terms), _escaped_sql(patterns)])


#: Fields with an expression index on their key (govsoc.store.sqlite_prefilter.key_sql): the
#: keyword fields of ecs.INDEXED (addresses are canonical text: their plain index serves |cidr).
KEY_INDEXED: Final[tuple[str, ...]] = tuple(f for f in INDEXED if field_type(f) != "ip")
