"""The index mappings of the Elasticsearch store (store/elasticsearch.py): events from the ECS
field table (govsoc.core.ecs) with the search sub-fields of store/elasticsearch_query.py, and alerts."""

from __future__ import annotations

from typing import Any

from govsoc.core.ecs import FIELDS, NUMERIC_TYPES
from govsoc.store.elasticsearch_query import CASELESS, GRAMS_FIELD, KEYWORD_IGNORE_ABOVE, SEARCH_TEXT_FIELD

#: The events mapping's ``_meta`` key saying that its index was created with GRAMS_FIELD.
GRAMS_META = "govsoc_grams"
#: The events mapping's ``_meta`` key saying that its numeric fields have a ``.caseless`` sub-field.
NUMBER_TEXT_META = "govsoc_number_text"
#: The events mapping's ``_meta`` key saying that its dynamic objects hold dotted leaves and no text is
#: detected as a date (R58a-12), and that vendor keys past the field limit are kept (R59a-4).
VENDOR_SHAPES_META = "govsoc_vendor_shapes"
#: The mapping of GRAMS_FIELD: hex tokens, one per run of characters, at consecutive positions
#: (a phrase needs positions, not frequencies or norms; store/elasticsearch_query.py).
GRAMS_MAPPING: dict[str, Any] = {"type": "text", "analyzer": "standard", "norms": False,
                                  "index_options": "positions"}


def _mapping_for(kind: str) -> dict[str, Any]:
    if kind == "text":
        return {"type": "text"}
    if kind == "date":
        return {"type": "date_nanos"}
    if kind == "keyword":
        return _KEYWORD
    if kind == "ip" or kind in NUMERIC_TYPES:
        # An address or a number also as text, for Sigma's string patterns on it
        # (startswith: '10.', DestinationPort|startswith: '44'; R12 F2).
        return {"type": kind, "fields": {"caseless": _KEYWORD["fields"]["caseless"]}}
    return {"type": kind}


def number_text_mappings() -> dict[str, Any]:
    """The numeric fields of :func:`ecs_mappings` (nested ``properties``), for adding their
    ``.caseless`` sub-field to an events index created before it (_find_older)."""
    root: dict[str, Any] = {}
    for name, kind in FIELDS.items():
        if kind in NUMERIC_TYPES:
            node = root
            *parents, leaf = name.split(".")
            for part in parents:
                node = node.setdefault(part, {"properties": {}})["properties"]
            node[leaf] = _mapping_for(kind)
    return root


#: A keyword field with its ``.caseless`` sub-field (store/elasticsearch_query.py).
_KEYWORD: dict[str, Any] = {
    "type": "keyword", "ignore_above": KEYWORD_IGNORE_ABOVE,
    "fields": {"caseless": {"type": "keyword", "normalizer": CASELESS, "ignore_above": KEYWORD_IGNORE_ABOVE}}}


def dynamic_templates() -> list[dict[str, Any]]:
    """How the events mapping maps a vendor key it meets (see :func:`ecs_mappings`)."""
    return [
        {"objects_as_dotted_leaves": {"match_mapping_type": "object",
                                      "mapping": {"type": "object", "subobjects": False}}},
        *({f"{kind}s_as_keyword": {"match_mapping_type": kind, "mapping": _KEYWORD}}
          for kind in ("string", "long", "double", "boolean")),
    ]


def ecs_mappings() -> dict[str, Any]:
    """Index mappings built from the ECS field table (nested ``properties``)."""
    root: dict[str, Any] = {}
    for name, kind in FIELDS.items():
        node = root
        *parents, leaf = name.split(".")
        for part in parents:
            node = node.setdefault(part, {"properties": {}})["properties"]
        node[leaf] = _mapping_for(kind)
    # The raw record is kept, not searched: it may be large and is never a query target.
    root["event"]["properties"]["original"] = {"type": "keyword", "index": False, "doc_values": False}
    # Field conditions on message compare the whole message as a keyword: caselessly, or
    # exactly for |cased (store/elasticsearch_query.py); keywords search SEARCH_TEXT_FIELD,
    # which also finds text in messages longer than a keyword field indexes.
    root["message"]["fields"] = {"caseless": _KEYWORD["fields"]["caseless"],
                                 "exact": {"type": "keyword", "ignore_above": KEYWORD_IGNORE_ABOVE}}
    root["govsoc"]["properties"]["search_text"] = {"type": "keyword", "normalizer": CASELESS}
    root["govsoc"]["properties"][GRAMS_FIELD.rpartition(".")[2]] = GRAMS_MAPPING
    root["govsoc"]["properties"]["original_base64"] = {"type": "keyword", "index": False, "doc_values": False}
    return {
        "_meta": {GRAMS_META: True, NUMBER_TEXT_META: True, VENDOR_SHAPES_META: True},
        "_source": {"excludes": [SEARCH_TEXT_FIELD, GRAMS_FIELD]},
        # Fields outside the ECS table are vendor fields (kubernetes.audit.*, aws.cloudtrail.*): the
        # same key holds a number in one event and text in another (a status code 403, "ALLOW"),
        # so every dynamic scalar is a keyword (a text that looks like a date too: date detection
        # would make the key a date, and refuse every later event whose value there is not one);
        # a typed dynamic mapping would reject the event whose value disagrees with the first one
        # seen. And a key holds a scalar in one event and an object in another (CloudTrail's
        # free-form requestParameters, per API call: a string, an object, a list): a dynamic
        # object's keys below it are leaves named by their dotted path (subobjects: false): "x" in
        # one event and "x.y" in another are two fields, not an object that refuses the event whose
        # "x" is text (R58a-12: 3 of 10 CloudTrail records refused). A rule asking whether "x"
        # exists finds both (rules/backends/lucene.py, _present), as the SQLite store does.
        "date_detection": False,
        "dynamic_templates": dynamic_templates(),
        "properties": root,
    }


ALERT_MAPPINGS: dict[str, Any] = {
    "properties": {
        "alert": {"properties": {
            "id": {"type": "keyword"}, "status": {"type": "keyword"}, "assignee": {"type": "keyword"},
            # alert.count_ticket (and b20b8a6's alert.counted) is read from _source only: left to
            # dynamic mapping (as on indices made before it), so no older index's mapping conflicts.
            "suppressed": {"type": "long"}, "matched": {"type": "keyword"},
            # [copy, completed ids...] lists: every id a keyword (Alert.rests_on finds the alert by them)
            "judged_copies": {"type": "keyword"},
            "notes": {"properties": {"author": {"type": "keyword"}, "@timestamp": {"type": "date_nanos"},
                                     "message": {"type": "text"}}},
            # Snapshots of events are read with the alert, never searched: raw lines may be long.
            "evidence": {"type": "object", "enabled": False}}},
        "rule": {"properties": {"id": {"type": "keyword"}, "name": {"type": "keyword"},
                                "author": {"type": "keyword"}, "reference": {"type": "keyword"}}},
        "tags": {"type": "keyword"},
        "event": {"properties": {"severity_name": {"type": "keyword"}, "kind": {"type": "keyword"},
                                 "end": {"type": "date_nanos"}, "count": {"type": "long"},
                                 "ids": {"type": "keyword"}}},
        "@timestamp": {"type": "date_nanos"},
        "group": {"type": "flattened"},
        "context": {"type": "flattened"},
    }
}

