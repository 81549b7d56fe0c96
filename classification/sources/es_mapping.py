"""An Elasticsearch index's mapping read for classification (stage: classification): which
fields it holds, which of them ``_source`` keeps out, and how the others can still be read.

A field kept out of ``_source`` (``_source.excludes`` / ``includes``, or ``_source.enabled:
false``) stays indexed and searchable; its values can still be read through doc values
(``docvalue_fields``: keyword, numbers, dates, ip ... unless ``doc_values: false``; a text field
through a keyword multi-field) or, when mapped ``store: true``, through ``stored_fields``
(Elasticsearch reference, "_source field", "doc_values", "store"). A field none of these reach
cannot be sampled; it is still listed, by name, so that nothing mapped goes unmentioned.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

__all__ = ["HiddenField", "hidden_fields", "UNREADABLE", "NESTED"]

#: Field types with doc values by default (Elasticsearch reference, "doc_values"); text,
#: match_only_text, binary (off by default) and the geo shapes have none to return.
DOC_VALUE_TYPES: Final = frozenset({
    "keyword", "constant_keyword", "wildcard", "long", "integer", "short", "byte", "double", "float",
    "half_float", "scaled_float", "unsigned_long", "date", "date_nanos", "boolean", "ip", "version",
})

#: Why a hidden field could not be sampled.
UNREADABLE: Final = ("kept out of _source and neither stored nor with doc values: indexed (searchable) "
                     "but its values cannot be read back, not sampled")
NESTED: Final = ("kept out of _source inside a nested object (its doc values and stored values belong to "
                 "the nested documents): not sampled")


@dataclass(frozen=True, slots=True, kw_only=True)
class HiddenField:
    """A mapped field that ``_source`` does not hold. ``stored`` or else ``docvalue`` names the
    field to ask ``stored_fields`` / ``docvalue_fields`` for (a keyword multi-field may stand for a
    text field); both None when it cannot be read, ``why`` then says so."""

    path: str
    docvalue: str | None = None
    stored: str | None = None
    why: str = ""


def hidden_fields(mapping: Mapping[str, Any]) -> list[HiddenField]:
    """The fields of ``mapping`` (an index's ``mappings`` object, as GET INDEX/_mapping returns
    it) that its ``_source`` settings keep out, each with how to read it."""
    source = mapping.get("_source") or {}
    return [_reader(path, spec, nested) for path, spec, nested in _leaves(mapping.get("properties") or {})
            if not _in_source(source, path)]


def _in_source(source: Mapping[str, Any], path: str) -> bool:
    """Whether the ``_source`` settings ``source`` keep the field at ``path``."""
    if source.get("enabled", True) is False:
        return False
    includes = _patterns(source.get("includes") or ())
    return (not includes or _matches(includes, path)) and not _matches(_patterns(source.get("excludes") or ()), path)


def _leaves(properties: Mapping[str, Any], prefix: str = "",
            nested: bool = False) -> Iterator[tuple[str, Mapping[str, Any], bool]]:
    """(dotted path, field mapping, inside a nested object) for every leaf field; multi-fields
    (``fields``) are not leaves, they index the same values again."""
    for name, spec in properties.items():
        path = f"{prefix}{name}"
        if not isinstance(spec, Mapping) or spec.get("type") in ("alias", "object") and "properties" not in spec:
            continue  # an alias holds no values of its own; an object without properties none yet
        if "properties" in spec:
            yield from _leaves(spec["properties"], f"{path}.", nested or spec.get("type") == "nested")
        else:
            yield path, spec, nested


def _reader(path: str, spec: Mapping[str, Any], nested: bool) -> HiddenField:
    """How the hidden field at ``path`` can be read: its own doc values, its stored value, or a
    keyword multi-field's doc values; none inside a nested object (the hit's fields hold only the
    root document's)."""
    if nested:
        return HiddenField(path=path, why=NESTED)
    if spec.get("store") is True:  # the value as sent; doc values may be normalised, sorted, deduplicated
        return HiddenField(path=path, stored=path)
    docvalue = path if _has_doc_values(spec) else None
    if docvalue is None:
        docvalue = next((f"{path}.{name}" for name, sub in (spec.get("fields") or {}).items()
                         if isinstance(sub, Mapping) and _has_doc_values(sub)), None)
    if docvalue is None:
        return HiddenField(path=path, why=UNREADABLE)
    return HiddenField(path=path, docvalue=docvalue)


def _has_doc_values(spec: Mapping[str, Any]) -> bool:
    return spec.get("type", "object") in DOC_VALUE_TYPES and spec.get("doc_values", True) is not False


def _patterns(given: str | Sequence[str]) -> tuple[re.Pattern[str], ...]:
    """``_source`` include / exclude patterns: dotted paths where ``*`` stands for any text."""
    names = (given,) if isinstance(given, str) else tuple(given)
    return tuple(re.compile(".*".join(map(re.escape, name.split("*")))) for name in names)


def _matches(patterns: Sequence[re.Pattern[str]], path: str) -> bool:
    """Whether a pattern names ``path`` or an object holding it (``person`` covers ``person.sfzh``)."""
    parts = path.split(".")
    prefixes = [".".join(parts[:i]) for i in range(1, len(parts) + 1)]
    return any(p.fullmatch(prefix) for p in patterns for prefix in prefixes)
