"""Elasticsearch fields kept out of ``_source`` (issue 15 review R15d-24): an indexed field that
``_source.excludes`` hides is read through stored fields or doc values from the same documents;
one that cannot be read is still listed, judged by its name, and counted as skipped."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from govsoc.classification.grading import load_scheme
from govsoc.classification.inventory import build_inventory
from govsoc.classification.sources import open_source
from govsoc.classification.sources.es_mapping import NESTED, UNREADABLE, HiddenField, hidden_fields
from tests.classification.test_sources import NAMES, PHONES, ids

MAPPING: dict[str, Any] = {
    "_source": {"excludes": ["sfzh", "contact.*", "zjhm", "身份证号"]},
    "properties": {
        "xm": {"type": "keyword"},
        "sfzh": {"type": "keyword", "store": True},                      # stored: read as sent
        "contact": {"properties": {"sjhm": {"type": "keyword"}}},         # doc values only
        "zjhm": {"type": "text", "fields": {"raw": {"type": "keyword"}}},  # text, read through its keyword
        "身份证号": {"type": "text"},                                      # indexed only: cannot be read
    },
}


@pytest.mark.es
def test_fields_kept_out_of_source_are_sampled_or_listed(es_env: dict[str, str]) -> None:
    from elasticsearch import Elasticsearch

    client = Elasticsearch(es_env["GOVSOC_ES_URL"])
    index = f"govsoc-test-{uuid.uuid4().hex[:10]}-hidden"
    numbers = ids(40)
    try:
        client.indices.create(index=index, mappings=MAPPING)
        client.bulk(index=index, refresh=True, operations=[
            part for i in range(40) for part in (
                {"index": {"_id": str(i)}},
                {"xm": NAMES[i % 8], "sfzh": numbers[i], "contact": {"sjhm": PHONES[i]},
                 "zjhm": numbers[(i + 1) % 40], "身份证号": numbers[(i + 2) % 40]})])
        source = open_source(f"es://{index}", env={}, es_url=es_env["GOVSOC_ES_URL"])
        inventory = build_inventory(source.tables(), source=source.name, scheme=load_scheme("gbt43697"),
                                    sample_size=1000)
    finally:
        client.indices.delete(index=index, ignore_unavailable=True)
        client.close()
    (table,) = inventory.tables
    fields = {f.field: f for f in table.fields}
    assert {name: (f.status, f.recognizer, f.sampled) for name, f in fields.items()} == {
        "xm": ("tagged", "cn_person_name", 40),
        "sfzh": ("tagged", "cn_resident_id", 40),
        "contact.sjhm": ("tagged", "cn_mobile", 40),
        "zjhm": ("tagged", "cn_resident_id", 40),
        "身份证号": ("suspected", "cn_resident_id", 0),
    }
    assert "no values sampled" in fields["身份证号"].reason
    assert [(s.location.field, s.reason) for s in inventory.skipped] == [(f"{index}.身份证号", UNREADABLE)]


# Each row: a mapping, and the hidden fields it gives (pure logic: no node needed).
CASES = [
    # _source disabled: every field is hidden; a text field without a keyword cannot be read
    ({"_source": {"enabled": False}, "properties": {"a": {"type": "long"}, "b": {"type": "text"}}},
     [HiddenField(path="a", docvalue="a"), HiddenField(path="b", why=UNREADABLE)]),
    # includes: what they do not name is hidden; an object's name covers its fields
    ({"_source": {"includes": ["p"]}, "properties": {"p": {"properties": {"x": {"type": "keyword"}}},
                                                     "q": {"type": "keyword", "doc_values": False}}},
     [HiddenField(path="q", why=UNREADABLE)]),
    # a wildcard exclude; stored wins over doc values; an alias holds nothing of its own
    ({"_source": {"excludes": ["id*"]}, "properties": {"idno": {"type": "keyword", "store": True},
                                                       "idref": {"type": "alias", "path": "idno"},
                                                       "name": {"type": "keyword"}}},
     [HiddenField(path="idno", stored="idno")]),
    # a field inside a nested object cannot be read from the root document's fields
    ({"_source": {"excludes": ["kids"]}, "properties": {"kids": {"type": "nested", "properties": {
        "sfzh": {"type": "keyword"}}}}},
     [HiddenField(path="kids.sfzh", why=NESTED)]),
    # nothing excluded: nothing hidden
    ({"properties": {"a": {"type": "keyword"}}}, []),
]


@pytest.mark.parametrize(("mapping", "expected"), CASES)
def test_hidden_fields(mapping: dict[str, Any], expected: list[HiddenField]) -> None:
    assert hidden_fields(mapping) == expected
