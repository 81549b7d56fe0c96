"""Native prefilters for Sigma conditions on the SQLite store (issue 12, detection speed).

Sigma's exact string match (``govsoc_match``: fold, then a Python regular expression) and its
``|cidr`` (``govsoc_cidr``: ipaddress) are Python functions, one call per row and condition, and
no index can serve them. Each builder here returns SQL that SQLite evaluates natively, often
through an index, and that is a **superset** of the exact condition: every row the exact check
accepts, the prefilter accepts too. The query surface (govsoc.store.sqlite_query) ANDs a prefilter
*before* its exact check, so the exact check runs only on candidates and the answer is the exact
check's: ``pre AND exact`` equals ``exact`` whenever ``exact`` implies ``pre``. That holds under
``NOT`` as well, and a prefilter is NULL only where its value is NULL, where the exact check is
false (``NULL AND false`` is false).

Why each builder is a superset:

* **Caseless text, LIKE** (:func:`like_sql`). Sigma compares ``fold(value)`` with the folded
  literal (govsoc.core.caseless.fold: one code point to one code point, Java's lowercase).
  SQLite's ``LIKE`` (with ``PRAGMA case_sensitive_like=OFF``, which
  :func:`govsoc.store.sqlite_functions.register_functions` sets on every connection) matches an ASCII
  letter in either case and every other character exactly, ``_`` one character, ``%`` any run.
  A value character that folds to an ASCII character is that character, its ASCII other case,
  or one of the few non-ASCII code points whose fold is ASCII (:data:`ASCII_FOLD_SOURCES`: İ and
  the Kelvin sign K, computed from ``fold`` by the tests over every code point). So the pattern
  keeps each folded ASCII literal character except those (``i``, ``k`` become ``_``), and a
  non-ASCII literal character becomes ``_`` too (one code point folds to one code point), except
  where no other code point folds to it (:data:`UNFOLDED_BLOCKS`: Chinese text).
* **Case-sensitive text** (``|cased``), :func:`glob_sql`: ``GLOB`` is exact on characters, so
  the pattern is the literal with ``*``, ``?`` and ``[`` escaped as one-character classes.
* **Equality and prefix on an indexed field** (:func:`key_index_sql`): an expression index on
  the column's *key* (:func:`key_sql`: ASCII lower case, İ and K replaced by their ASCII fold;
  built-in SQL functions only, so the file stays writable and checkable by any SQLite; see
  :data:`govsoc.store.sqlite_query_indexes.QUERY_INDEXES`). For an ASCII folded literal the key of every
  matching value is the literal (equality), and for a literal prefix the key starts with the
  prefix's ASCII part (a range ``[p, p⁺)``: UTF-8 byte order is code point order, BINARY
  collation's order). A cased literal's values have the literal's own key.
* **``|cidr``** (:func:`cidr_prefilter_sql`): ip-typed fields hold canonical text (the store
  coerces them: govsoc.core.coercion, dotted decimal without leading zeros for IPv4, Python's
  compressed lower-case form for IPv6), so an IPv4 network is a few text ranges over its fixed
  leading octets (a prefix that ends inside an octet enumerates that octet's values), and an
  IPv4-mapped IPv6 address (which the exact check reads as its IPv4 address) lies in the range of
  ``::ffff:``. An IPv6 network is the range of its leading non-zero full groups; without one,
  there is no prefilter.

A value stored as REAL (only possible in fields the store does not type) is rendered as text
differently by SQLite and by Python, so text prefilters on such fields admit every REAL value.
"""

from __future__ import annotations

import enum
import functools
import ipaddress
from collections.abc import Sequence
from typing import Final, TypeAlias

from govsoc.core.caseless import fold

__all__ = [
    "ASCII_FOLDS", "ASCII_FOLD_SOURCES", "Pattern", "Wildcard", "all_sql", "any_sql", "cidr_prefilter_sql",
    "glob_sql", "key_index_sql", "key_of", "key_sql", "like_sql", "parse_network", "sql_string",
]


class Wildcard(enum.Enum):
    """Sigma's wildcards inside a string pattern."""

    MANY = "*"
    ONE = "?"


#: A Sigma string: literal text and wildcards, in order.
Pattern: TypeAlias = Sequence["str | Wildcard"]

#: The non-ASCII code points whose fold is ASCII, with that fold (U+0130 -> i, U+212A -> k).
#: A test recomputes it from govsoc.core.caseless.fold over every code point.
ASCII_FOLDS: Final[dict[str, str]] = {"\u0130": "i", "\u212a": "k"}
#: The ASCII characters that some non-ASCII code point folds to.
ASCII_FOLD_SOURCES: Final[frozenset[str]] = frozenset(ASCII_FOLDS.values())
_KEY_TABLE: Final[dict[int, str]] = {**{ord(c): c.lower() for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"},
                                     **{ord(k): v for k, v in ASCII_FOLDS.items()}}

_LIKE_SPECIAL: Final[frozenset[str]] = frozenset("%_\\")
#: Blocks of characters without case that no other code point folds into (a test checks it over every
#: code point): CJK ideographs (Ext. A and the unified block), kana, Hangul syllables, CJK punctuation.
#: A LIKE pattern keeps them as they are (SQLite compares non-ASCII exactly); every other non-ASCII
#: character is ``_`` (R50c-2: a Chinese phrase's pattern was all ``_``, every row a candidate).
UNFOLDED_BLOCKS: Final[tuple[tuple[int, int], ...]] = (
    (0x3000, 0x303F), (0x3040, 0x30FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xAC00, 0xD7A3))
#: SQLite's longest LIKE or GLOB pattern, in bytes (SQLITE_MAX_LIKE_PATTERN_LENGTH): a longer one fails
#: the query ("LIKE or GLOB pattern too complex", R50c-1), so it is no prefilter; the exact check stays.
MAX_PATTERN_BYTES: Final[int] = 50_000
_GLOB_SPECIAL: Final[frozenset[str]] = frozenset("*?[")
_MAPPED_V4: Final[tuple[str, str]] = ("::ffff:", "::ffff;")  # ';' follows ':' in code point order


def sql_string(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def any_sql(terms: Sequence[str]) -> str:
    """``terms`` joined by OR, nested as a balanced tree: SQLite limits an expression's depth
    (1,000), and a chain of OR is as deep as it is long (a rule may list hundreds of values)."""
    return _balanced(list(terms), "OR")


def all_sql(terms: Sequence[str]) -> str:
    """``terms`` joined by AND, nested as a balanced tree (see :func:`any_sql`)."""
    return _balanced(list(terms), "AND")


def _balanced(terms: list[str], operator: str) -> str:
    if len(terms) == 1:
        return terms[0]
    if len(terms) <= 4:
        return "(" + f" {operator} ".join(f"({t})" for t in terms) + ")"
    middle = len(terms) // 2
    return f"({_balanced(terms[:middle], operator)} {operator} {_balanced(terms[middle:], operator)})"


def like_sql(expr: str, pattern: Pattern, *, real_safe: bool = True) -> str | None:
    """A LIKE prefilter of the caseless match of ``expr`` against ``pattern`` (literals already
    folded); None when the pattern restricts nothing (``*``). ``real_safe``: the expression never
    holds a REAL (a typed field); else REAL values are admitted (see the module docstring)."""
    out: list[str] = []
    for part in pattern:
        if part is Wildcard.MANY:
            out.append("%")
        elif part is Wildcard.ONE:
            out.append("_")
        else:
            for char in str(part):
                if not char.isascii() and _unfolded(char):
                    out.append(char)
                elif not char.isascii() or char in ASCII_FOLD_SOURCES:
                    out.append("_")
                elif char in _LIKE_SPECIAL:
                    out.append("\\" + char)
                else:
                    out.append(char)
    text = "".join(out)
    if text.strip("%") == "" and "%" in text:
        return None
    if "\x00" in text or len(text.encode("utf-8", "surrogatepass")) > MAX_PATTERN_BYTES:
        return None
    sql = f"{expr} LIKE {sql_string(text)} ESCAPE '\\'"
    return sql if real_safe else f"({sql} OR typeof({expr}) = 'real')"


def _unfolded(char: str) -> bool:
    """Whether ``char`` lies in :data:`UNFOLDED_BLOCKS`: it is its own and only fold."""
    point = ord(char)
    return any(low <= point <= high for low, high in UNFOLDED_BLOCKS)


def glob_sql(expr: str, pattern: Pattern, *, real_safe: bool = True) -> str | None:
    """A GLOB prefilter (exact on characters) of the case-sensitive match of ``expr`` against
    ``pattern``; None when it restricts nothing."""
    out: list[str] = []
    for part in pattern:
        if isinstance(part, Wildcard):
            out.append(part.value)
        else:
            out.extend(f"[{c}]" if c in _GLOB_SPECIAL else c for c in part)
    text = "".join(out)
    if (text.strip("*") == "" and "*" in text) or "\x00" in text \
            or len(text.encode("utf-8", "surrogatepass")) > MAX_PATTERN_BYTES:
        return None
    sql = f"{expr} GLOB {sql_string(text)}"
    return sql if real_safe else f"({sql} OR typeof({expr}) = 'real')"


def literal_prefix(pattern: Pattern) -> tuple[str, bool]:
    """The literal text before the first wildcard, and whether that is the whole pattern."""
    prefix: list[str] = []
    for part in pattern:
        if isinstance(part, Wildcard):
            return "".join(prefix), False
        prefix.append(part)
    return "".join(prefix), True


def key_sql(expr: str) -> str:
    """The index key of a text: ASCII letters lower-cased and the code points of
    :data:`ASCII_FOLDS` replaced by their fold, other characters unchanged; built-in functions
    only, so the index it defines needs nothing from govsoc to be written or checked."""
    for source, target in sorted(ASCII_FOLDS.items()):
        expr = f"replace({expr}, {sql_string(source)}, {sql_string(target)})"
    return f"lower({expr})"


def key_of(text: str) -> str:
    """:func:`key_sql` of a Python string."""
    return text.translate(_KEY_TABLE)


def key_index_sql(key_expr: str, pattern: Pattern, *, caseless: bool) -> str | None:
    """A condition on ``key_expr`` (:func:`key_sql` of an indexed column) that the index
    serves and that holds for every value matching ``pattern``: equality with the literal's key
    when it has no wildcard (and, caseless, is ASCII), else a range over the key of its leading
    literal text (caseless: up to its first non-ASCII character); None when there is none.

    Caseless: a value matching the folded literal holds, at each position of an ASCII literal
    character, that character, its other ASCII case or a code point of :data:`ASCII_FOLDS`,
    whose key is the character. Cased: the value holds the literal itself, hence its key.
    """
    prefix, whole = literal_prefix(pattern)
    if caseless:
        prefix = fold(prefix)
        ascii_part = prefix if prefix.isascii() else prefix[:next(i for i, c in enumerate(prefix) if not c.isascii())]
        whole, prefix = whole and ascii_part == prefix, ascii_part
    else:
        prefix = key_of(prefix)
    if "\x00" in prefix:
        return None
    if whole:
        return f"{key_expr} = {sql_string(prefix)}"
    upper = _successor(prefix)
    if upper is None:
        return None
    return f"({key_expr} >= {sql_string(prefix)} AND {key_expr} < {sql_string(upper)})"


def _successor(prefix: str) -> str | None:
    """The smallest string greater than every string that starts with ``prefix``."""
    while prefix:
        last = ord(prefix[-1])
        if last < 0x10FFFF:
            following = 0xE000 if last == 0xD7FF else last + 1  # surrogates are not text
            return prefix[:-1] + chr(following)
        prefix = prefix[:-1]
    return None


@functools.lru_cache(maxsize=512)
def parse_network(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    """A ``|cidr`` network as the exact check reads it: host bits ignored, an IPv4-mapped IPv6
    network of /96 or longer taken as its IPv4 network; None when it is not a network."""
    try:
        net = ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        return None
    if isinstance(net, ipaddress.IPv6Network) and net.network_address.ipv4_mapped is not None \
            and net.prefixlen >= 96:
        return ipaddress.ip_network(f"{net.network_address.ipv4_mapped}/{net.prefixlen - 96}")
    return net


def cidr_prefilter_sql(expr: str, network: str) -> str | None:
    """Text ranges over a canonical address column that contain every address of ``network``
    (the exact check's reading of it); None when no useful range exists."""
    net = parse_network(network)
    if net is None:
        return "0"  # the exact check is false for every value
    if isinstance(net, ipaddress.IPv4Network):
        if net.prefixlen == 0:
            return None
        terms = [_range_sql(expr, low, high) for low, high in _ipv4_ranges(net)]
        terms.append(_range_sql(expr, *_MAPPED_V4))
        return any_sql(terms)
    groups = [int(net.network_address) >> (112 - 16 * i) & 0xFFFF for i in range(net.prefixlen // 16)]
    fixed: list[str] = []
    for group in groups:
        if group == 0:  # a zero group may be written "::" anywhere: stop before it
            break
        fixed.append(f"{group:x}")
    if not fixed:
        return None
    if len(fixed) == 8:
        return f"{expr} = {sql_string(str(net.network_address))}"
    prefix = ":".join(fixed) + ":"
    return _range_sql(expr, prefix, prefix[:-1] + ";")


def _ipv4_ranges(net: ipaddress.IPv4Network) -> list[tuple[str, str]]:
    """[low, high) text ranges covering the dotted-decimal texts of ``net``'s addresses."""
    octets = str(net.network_address).split(".")
    full, rest = divmod(net.prefixlen, 8)
    if rest:
        first = int(octets[full])
        prefixes = [".".join([*octets[:full], str(v)]) for v in range(first, first + (1 << (8 - rest)))]
    else:
        prefixes = [".".join(octets[:full])]
    if prefixes[0].count(".") == 3:  # whole addresses
        return [(p, p + "\x00") for p in prefixes]
    return [(p + ".", p + "/") for p in prefixes]  # '/' follows '.'


def _range_sql(expr: str, low: str, high: str) -> str:
    if high == low + "\x00":
        return f"{expr} = {sql_string(low)}"
    return f"({expr} >= {sql_string(low)} AND {expr} < {sql_string(high)})"
