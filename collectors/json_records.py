"""JSON records for the parsers of JSON logs (Suricata EVE, Kubernetes audit, cloud audit trails).

Stage: collectors (parse). One line of such a log is one JSON object, or a batch of them: a JSON
array, or an object that wraps its records in a list under a known key (CloudTrail's
``{"Records": [...]}``, Kubernetes' ``EventList`` ``items``). Each object of a batch becomes one
event, numbered within the record so that every event has its own stable id.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from govsoc.core.errors import ParseError


def json_object(text: str) -> dict[str, Any]:
    """The line as one JSON object; ParseError when it is not JSON or not an object."""
    try:
        document = json.loads(text)
    except ValueError as e:
        raise ParseError(f"not JSON: {e}") from e
    if not isinstance(document, dict):
        raise ParseError(f"a JSON {type(document).__name__} where an object was expected")
    return document


def json_objects(text: str, batch_keys: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """The objects of one line: the object itself, the items of an array, or the records a batch
    object lists under one of ``batch_keys`` (the format's own: ``Records`` for CloudTrail).
    ParseError names the first item that is not an object."""
    try:
        document = json.loads(text)
    except ValueError as e:
        raise ParseError(f"not JSON: {e}") from e
    if isinstance(document, dict):
        for key in batch_keys:
            if isinstance(document.get(key), list):
                document = document[key]
                break
        else:
            return [document]
    if not isinstance(document, list):
        raise ParseError(f"a JSON {type(document).__name__} where an object or a list of objects was expected")
    for index, item in enumerate(document):
        if not isinstance(item, dict):
            raise ParseError(f"item {index} of the batch is a JSON {type(item).__name__}, not an object")
    return document


def flat(doc: Mapping[str, Any], prefix: str) -> Iterator[tuple[str, Any]]:
    """Dotted names under ``prefix`` and the leaf values of ``doc``; null values and empty objects
    (which say nothing) are left out, lists are leaves."""
    for key, value in doc.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            yield from flat(value, name + ".")
        elif value is not None:
            yield name, value


def pick(doc: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted ``path`` of a nested document, or None."""
    value: Any = doc
    for part in path.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value
