"""govsoc.core.caseless against the lower-casing the Elasticsearch nodes really apply (F12l).

The SQLite store folds with :func:`fold`; an Elasticsearch node lower-cases ``.caseless`` fields
with its own Java, whose Unicode version is not Python's: Java 25 (Elasticsearch 9) knows
Unicode 16, so it lowered Ꟍ to ɤ where Python 3.11 (Unicode 14) kept Ꟍ, and Java 17 (the 8.19
node here) knows 13, so it kept Ⱟ where Python lowers it to ⱟ. A caseless value then matched on
one store and not on the other. The contract: for every code point, what the node holds is the
folded letter itself or one of the forms the Lucene backend also searches for it (APART).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from govsoc.core.caseless import APART, fold
from govsoc.store.elasticsearch_query import CASELESS
from tests.conftest import es_store

pytestmark = [pytest.mark.es]


def _node_lower(env: dict[str, str]) -> Iterator[tuple[str, str]]:
    """(character, what the node's lowercase normalizer makes of it) for every code point."""
    for store in es_store(env):
        client = store.client  # type: ignore[attr-defined]
        index = f"govsoc-caseless-{uuid.uuid4().hex[:10]}"
        normalizer = {CASELESS: {"type": "custom", "filter": ["lowercase"]}}  # as the events template's
        client.indices.create(index=index, settings={"number_of_replicas": 0, "analysis": {"normalizer": normalizer}})
        try:
            points = [p for p in range(0x110000) if not 0xD800 <= p < 0xE000]
            for start in range(0, len(points), 10_000):
                chars = [chr(p) for p in points[start:start + 10_000]]
                # between two x: a normalizer drops no character, but a lone control would be the whole text
                tokens = client.indices.analyze(index=index, normalizer=CASELESS, text=[f"x{c}x" for c in chars])
                assert len(tokens["tokens"]) == len(chars)
                for char, token in zip(chars, tokens["tokens"], strict=True):
                    yield char, token["token"][1:-1]
        finally:
            client.indices.delete(index=index)


@pytest.mark.parametrize("node", ["es_env", "es8_env"])
def test_every_code_point_folds_to_what_the_node_holds_or_is_searched_beside_it(
        node: str, request: pytest.FixtureRequest) -> None:
    """Both nodes, every code point: on the old code Elasticsearch 9 held 27 letters as lower
    cases fold did not know (Unicode 15 and 16), and 8.19 kept 40 capitals fold lowers."""
    apart = [(hex(ord(char)), held, fold(char)) for char, held in _node_lower(request.getfixturevalue(node))
             if held != fold(char) and held not in APART.get(fold(char), "")]
    assert apart == []
