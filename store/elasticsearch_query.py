"""The Elasticsearch store's query surface: the field names a rule backend may put into a
``query_string`` (``Query.native``), and the derived fields the store indexes for them.

Sigma compares strings caselessly unless ``|cased`` (Sigma specification, modifiers appendix).
Every keyword field has a ``.caseless`` sub-field, the same value through a lowercase normalizer
(ECS does the same for its ``.caseless`` multi-fields), ``message`` has ``.caseless`` and
``.exact`` keyword sub-fields, and ip fields a ``.caseless`` one for string patterns.
Keywords (values without a field) are searched in :data:`SEARCH_TEXT_FIELD`, which the store
fills at write time with overlapping pieces of the message and the raw record: a keyword field
is not indexed beyond ``ignore_above`` characters, so a 20,000-character line would otherwise be
invisible to keyword rules. Any text up to :data:`SEARCH_SPAN` characters long lies wholly
inside one piece.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Final

from govsoc.core.ecs import field_type

__all__ = ["CASELESS", "SEARCH_SPAN", "SEARCH_TEXT_FIELD", "search_field", "search_text", "with_search_text"]

#: The normalizer name the index template defines and every ``.caseless`` sub-field uses.
CASELESS: Final[str] = "govsoc_lowercase"
#: Where keywords are searched: pieces of ``message`` and ``event.original``.
SEARCH_TEXT_FIELD: Final[str] = "govsoc.search_text"
#: The longest keyword match guaranteed to be found (the pieces overlap by this much).
SEARCH_SPAN: Final[int] = 2048
_PIECE = 2 * SEARCH_SPAN  # characters; at 4 bytes each well under Lucene's 32,766-byte term limit
_SOURCES: Final[tuple[str, ...]] = ("message", "event.original")


def search_field(field: str, *, caseless: bool, pattern: bool = False) -> str:
    """The field a string condition on ``field`` searches: its ``.caseless`` sub-field, or the
    field itself (``message.exact`` for ``message``) for case-sensitive matching. Typed fields
    (numbers, dates, booleans) have no case and are searched as they are; an ip field compares
    addresses, and its text (``.caseless``) when the value is a ``pattern`` with wildcards."""
    kind = field_type(field)
    if kind == "text":
        return f"{field}.caseless" if caseless else f"{field}.exact"
    if (kind == "keyword" and caseless) or (kind == "ip" and pattern):
        return f"{field}.caseless"
    return field


def search_text(doc: Mapping[str, Any]) -> list[str]:
    """The pieces of a document's message and raw record that keywords are searched in."""
    pieces: list[str] = []
    for text in _texts(doc):
        pieces.extend(text[start:start + _PIECE]
                      for start in range(0, max(len(text) - SEARCH_SPAN, 1), SEARCH_SPAN))
    return list(dict.fromkeys(pieces))


def with_search_text(doc: dict[str, Any]) -> dict[str, Any]:
    """The document as indexed: with :data:`SEARCH_TEXT_FIELD` (kept out of ``_source``)."""
    pieces = search_text(doc)
    if pieces:
        parent, _, leaf = SEARCH_TEXT_FIELD.rpartition(".")
        node = doc.get(parent)
        doc = {**doc, parent: {**(node if isinstance(node, dict) else {}), leaf: pieces}}
    return doc


def _texts(doc: Mapping[str, Any]) -> Iterator[str]:
    for name in _SOURCES:
        node: Any = doc
        for part in name.split("."):
            node = node.get(part) if isinstance(node, Mapping) else None
        if isinstance(node, str) and node:
            yield node
