"""The Elasticsearch store's query surface: the field names a rule backend may put into a
``query_string`` (``Query.native``), and the derived fields the store indexes for them.

Sigma compares strings caselessly unless ``|cased`` (Sigma specification, modifiers appendix).
Every keyword field has a ``.caseless`` sub-field, the same value through a lowercase normalizer
(ECS does the same for its ``.caseless`` multi-fields), ``message`` has ``.caseless`` and
``.exact`` keyword sub-fields, and ip and numeric fields a ``.caseless`` one for string patterns
(``destination.port|startswith: '44'`` matches the text of the number, as on SQLite).

A caseless ``|contains`` of a fixed string on ``message`` is searched as a phrase in
:data:`GRAMS_FIELD` (:func:`contains_field`). The store writes there every run of :data:`GRAM`
characters of the folded message (govsoc.core.caseless), in order, each run as the hex of its
UTF-8 bytes, so that the node's standard tokenizer (the only one the minimal distribution has:
no ``ngram``, no ``wildcard`` field) makes each run one token at the position where the run
starts. The string's own runs at consecutive positions (:func:`grams_phrase`) are then exactly
its occurrences in the message. A wildcard ``*string*`` on a keyword field walks every distinct
message in the index instead: at 200,000 events ~120 ms a rule against a few for the phrase.
An events index created before this field existed holds documents without it; there the store
searches the pattern the phrase stands for (:func:`without_grams`), as it did then.
Keywords (values without a field) are searched in :data:`SEARCH_TEXT_FIELD`, which the store
fills at write time with overlapping pieces of the message and the raw record (a JSON record's
escapes decoded, govsoc.core.json_text): a keyword field
is not indexed beyond ``ignore_above`` characters, so a 20,000-character line would otherwise be
invisible to keyword rules. Any text up to :data:`SEARCH_SPAN` characters long lies wholly
inside one piece.

Some rules Lucene cannot express (``|fieldref`` needs scripts, which the minimal distribution
lacks; ``|re`` with ``\\b`` or lookarounds has no Lucene regexp; a keyword whose ``*`` may span
more than the pieces overlap; conditions on ``event.original``, which is not indexed), and a
keyword field indexes no value over ``ignore_above`` characters, so a term query never finds a
20,000-character command line. For both, the backend sends an **exact native**
(:func:`exact_native`): a Lucene query that is the rule itself or a provable superset of it, and
the rule as a condition over the SQLite store's query surface. The store checks candidates with
that condition (in an in-memory SQLite store, store/elasticsearch.py): every candidate of a
superset, and otherwise only the documents holding a value some field did not index, which
Elasticsearch lists in their ``_ignored`` metadata field and which the store adds to every
candidate set. The answer is then the SQLite store's, by construction.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Final

from govsoc.core.caseless import fold
from govsoc.core.ecs import NUMERIC_TYPES, field_type
from govsoc.core.json_text import json_text
from govsoc.store.sqlite_prefilter import parse_network

__all__ = ["CASELESS", "DOTTED_I", "ExactNative", "GRAM", "GRAMS_FIELD", "SEARCH_SPAN", "SEARCH_TEXT_FIELD",
           "cidr_query", "contains_field", "decode_native", "exact_native", "grams_phrase", "grams_text",
           "search_field", "search_text", "too_long", "with_search_text", "without_grams"]

#: The normalizer name the index template defines and every ``.caseless`` sub-field uses.
CASELESS: Final[str] = "govsoc_lowercase"
#: Where a caseless |contains on message is searched (see the module docstring), and the run length.
GRAMS_FIELD: Final[str] = "govsoc.message_grams"
GRAM: Final[int] = 3
#: Where keywords are searched: pieces of ``message`` and ``event.original``.
SEARCH_TEXT_FIELD: Final[str] = "govsoc.search_text"
#: The longest keyword match guaranteed to be found (the pieces overlap by this much).
SEARCH_SPAN: Final[int] = 2048
_PIECE = 2 * SEARCH_SPAN  # characters; at 4 bytes each well under Lucene's 32,766-byte term limit
_SOURCES: Final[tuple[str, ...]] = ("message", "event.original")
#: The longest value a keyword field indexes, in Java chars (UTF-16 code units, as
#: ``ignore_above`` counts them): Lucene refuses a term over 32,766 bytes, and 8,191 such units
#: take at most 32,764 bytes of UTF-8.
KEYWORD_IGNORE_ABOVE: Final[int] = 32766 // 4
_EXACT_PREFIX: Final[str] = '{"govsoc_exact":'


def search_field(field: str, *, caseless: bool, pattern: bool = False) -> str:
    """The field a string condition on ``field`` searches: its ``.caseless`` sub-field, or the
    field itself (``message.exact`` for ``message``) for case-sensitive matching. Typed fields
    (numbers, dates, booleans) have no case and are searched as they are; an ip field compares
    addresses, and an ip or numeric field its text (``.caseless``: digits have no case) when the
    value is a ``pattern`` (wildcards, a regular expression), which only text can match."""
    kind = field_type(field)
    if kind == "text":
        return f"{field}.caseless" if caseless else f"{field}.exact"
    if (kind == "keyword" and caseless) or (pattern and (kind == "ip" or kind in NUMERIC_TYPES)):
        return f"{field}.caseless"
    return field


#: Where the ip type keeps IPv4 addresses: as IPv4-mapped IPv6 (RFC 4291 2.5.5.2).
_MAPPED: Final = ipaddress.IPv6Network("::ffff:0:0/96")
#: Text that may spell an address other than by a dotted-decimal prefix: leading whitespace (the
#: exact check strips what str.strip strips), an IPv6 spelling (a colon anywhere: also an
#: IPv4-mapped one). Lucene regexps, whose classes take these characters as they are.
_OTHER_SPELLINGS: Final = ("/[" + "".join(c for c in map(chr, range(0x3001)) if c.isspace()) + "].*/", "/.*:.*/")


def cidr_query(field: str, network: str, quote: Callable[[str], str]) -> tuple[str, bool]:
    """Sigma's ``|cidr``, "``field`` holds an address inside ``network``" (read as the exact
    check reads it: govsoc.store.sqlite_prefilter.parse_network, an IPv4 address is never in
    an IPv6 network unless that network lies inside ::ffff:0:0/96), as a query_string with the
    field names given by ``quote``, and whether it is exact.

    On an ip field it is exact: an IPv4 network as itself; an IPv6 network as itself when it
    holds no part of the mapped range where the ip type keeps IPv4 addresses, else as the
    ranges around that part (``::/0`` matched every IPv4 address: R12 F4). Any other field
    holds text (Windows ``IpAddress``, vendor fields): the answer is a superset, to be checked
    exactly, of the values that spell such an address, on the field's caseless text: an IPv4
    network's dotted-decimal prefixes, and every value that may spell an address otherwise
    (R12 F1: the text was compared with the network's own text and never matched)."""
    net = parse_network(network)
    if net is None:
        return "(NOT *:*)", True
    if field_type(field) == "ip":
        name = quote(field)
        if isinstance(net, ipaddress.IPv4Network):
            return f"{name}:{net.network_address}\\/{net.prefixlen}", True
        if not net.overlaps(_MAPPED):
            return f'{name}:"{net}"', True
        ranges = [(net[0], _MAPPED[0] - 1), (_MAPPED[-1] + 1, net[-1])]
        terms = [f'{name}:["{low}" TO "{high}"]' for low, high in ranges if low <= high]
        return ("(" + " OR ".join(terms) + ")" if terms else "(NOT *:*)"), True
    name = quote(search_field(field, caseless=True, pattern=True))
    patterns = list(_OTHER_SPELLINGS)
    if isinstance(net, ipaddress.IPv4Network):
        if net.prefixlen == 0:
            patterns.append("/[0-9].*/")
        else:
            patterns.extend(f"{prefix}*".replace(".", "\\.") for prefix in _dotted_prefixes(net))
    return "(" + " OR ".join(f"{name}:{p}" for p in patterns) + ")", False


def _dotted_prefixes(net: ipaddress.IPv4Network) -> list[str]:
    """Dotted-decimal prefixes that every address of ``net`` (/1 or longer) begins with one of:
    its whole octets, then each value its partial octet takes (a dot after each but the last)."""
    octets = str(net.network_address).split(".")
    full, rest = divmod(net.prefixlen, 8)
    fixed = octets[:full]
    if not rest:
        return [".".join(fixed) + ("." if full < 4 else "")]
    low = int(octets[full])
    tail = "." if full < 3 else ""
    return [".".join([*fixed, str(v)]) + tail for v in range(low, low + 2 ** (8 - rest))]


def contains_field(field: str) -> str | None:
    """The field where a caseless ``|contains`` of a fixed string of at least :data:`GRAM`
    characters on ``field`` is searched with :func:`grams_phrase`, or None when there is none
    (then :func:`search_field` with a wildcard pattern)."""
    return GRAMS_FIELD if field == "message" else None


def grams_text(text: str) -> str:
    """Every run of :data:`GRAM` characters of ``text`` folded, in order, as hex tokens."""
    folded = fold(text)
    if folded.isascii():  # a character is a byte: the runs are windows of the text's hex
        whole = folded.encode().hex()
        return " ".join([whole[i:i + 2 * GRAM] for i in range(0, len(whole) - 2 * GRAM + 2, 2)])
    return " ".join([folded[i:i + GRAM].encode("utf-8", "surrogatepass").hex()
                     for i in range(len(folded) - GRAM + 1)])


def grams_phrase(fixed: str) -> str | None:
    """The query_string phrase (quotes included) that finds ``fixed`` in :data:`GRAMS_FIELD`,
    or None when it is shorter than :data:`GRAM` characters."""
    return f'"{grams_text(fixed)}"' if len(fixed) >= GRAM else None


_PHRASE = re.compile(r"(?<![\w.\\])" + re.escape(GRAMS_FIELD) + r':"([0-9a-f ]+)"')


def without_grams(lucene: str) -> str:
    """A query_string with each :func:`grams_phrase` on :data:`GRAMS_FIELD` replaced by the
    pattern it stands for on ``message``'s caseless sub-field (``*string*``), for indices whose
    documents may lack the runs."""
    def pattern(match: re.Match[str]) -> str:
        runs = [bytes.fromhex(token).decode("utf-8", "surrogatepass") for token in match[1].split()]
        fixed = runs[0] + "".join(run[-1] for run in runs[1:])
        escaped = "".join(c if c.isalnum() else "\\" + c for c in fixed)
        return f"{search_field('message', caseless=True)}:*{escaped}*"

    return _PHRASE.sub(pattern, lucene)


def search_text(doc: Mapping[str, Any]) -> list[str]:
    """The pieces of a document's message and raw record that keywords are searched in."""
    pieces: list[str] = []
    for text in _texts(doc):
        pieces.extend(text[start:start + _PIECE]
                      for start in range(0, max(len(text) - SEARCH_SPAN, 1), SEARCH_SPAN))
    return list(dict.fromkeys(pieces))


def with_search_text(doc: dict[str, Any]) -> dict[str, Any]:
    """The document as indexed: with :data:`SEARCH_TEXT_FIELD` and :data:`GRAMS_FIELD` (both
    kept out of ``_source``)."""
    pieces = search_text(doc)
    message = doc.get("message")
    messages = message if isinstance(message, list) else [message]
    # A message too long for its keyword fields gets none either: such a document is in
    # ``_ignored``, a candidate of every rule, and decided by the rule's exact check.
    grams = [grams_text(m) for m in messages if isinstance(m, str) and len(m) >= GRAM and not too_long(m)]
    if pieces or grams:
        parent, _, leaf = SEARCH_TEXT_FIELD.rpartition(".")
        node = doc.get(parent)
        added: dict[str, Any] = {leaf: pieces} if pieces else {}
        if grams:
            added[GRAMS_FIELD.rpartition(".")[2]] = grams
        doc = {**doc, parent: {**(node if isinstance(node, dict) else {}), **added}}
    return doc


def _texts(doc: Mapping[str, Any]) -> Iterator[str]:
    """The message and the raw record as keywords see it (govsoc.core.json_text)."""
    for name in _SOURCES:
        node: Any = doc
        for part in name.split("."):
            node = node.get(part) if isinstance(node, Mapping) else None
        if isinstance(node, str) and node:
            yield json_text(node) if name == "event.original" else node


@dataclass(frozen=True, slots=True)
class ExactNative:
    """A rule for the Elasticsearch store with its exact check (see the module docstring)."""

    #: A query_string: the rule itself, or a superset of it when ``superset``.
    lucene: str
    #: The rule as a condition over the SQLite store's query surface (govsoc.store.sqlite_query).
    sql: str
    #: Every candidate must be checked with ``sql`` (else only documents with unindexed values).
    superset: bool
    #: Fields whose documents holding :data:`DOTTED_I` are checked too: a caseless ``|re`` on
    #: them is searched in ``.caseless``, where İ is an i, which PCRE's caseless matching keeps
    #: apart (rules/backends/lucene.py sends such documents as candidates).
    apart: tuple[str, ...] = ()


#: The letter the lower-cased field holds as another (İ as i) where PCRE keeps them apart.
DOTTED_I: Final[str] = "\u0130"


def exact_native(lucene: str, sql: str, *, superset: bool, apart: tuple[str, ...] = ()) -> str:
    """The ``Query.native`` text of a rule with an exact check."""
    return _EXACT_PREFIX + json.dumps([lucene, sql, superset, *([list(apart)] if apart else [])],
                                      ensure_ascii=False) + "}"


def decode_native(native: str) -> ExactNative | None:
    """The exact native a ``Query.native`` holds, or None for a plain query_string (no
    query_string begins like an encoded one: ``{`` opens a range, never a quoted name)."""
    if not native.startswith(_EXACT_PREFIX):
        return None
    lucene, sql, superset, *apart = json.loads(native[len(_EXACT_PREFIX):-1])
    return ExactNative(lucene=str(lucene), sql=str(sql), superset=bool(superset),
                       apart=tuple(map(str, apart[0])) if apart else ())


def too_long(value: Any) -> bool:
    """Whether a value is a string longer than a keyword field indexes (in UTF-16 code units:
    a character outside the Basic Multilingual Plane counts twice)."""
    return isinstance(value, str) and len(value) > KEYWORD_IGNORE_ABOVE // 2 and \
        len(value.encode("utf-16-le")) // 2 > KEYWORD_IGNORE_ABOVE
