"""What a detection pass reads per matched row on the SQLite store is read faster, with the same
answers: a row's remaining fields come back by orjson where it reads JSON as the json module does
(and by json where it would not), and the exact check of a short value is kept once answered."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from pathlib import Path

import pytest

from govsoc.core.event import Event, make_id
from govsoc.store.base import Query
from govsoc.store.sqlite import SqliteStore
from govsoc.store.sqlite_codec import decode_document
from govsoc.store.sqlite_functions import _match, _match_short

T0 = datetime(2026, 5, 1, tzinfo=UTC)


@pytest.mark.parametrize("text", [
    b'{"a":123456789012345678901234567890}',   # beyond 64 bits: orjson would read a float
    b'{"a":-9223372036854775809}',             # just below int64: orjson would read a float
    b'{"a":"12345678901234567890"}',           # 19+ digits in a string: read by json, same answer
    b'{"a":NaN,"b":Infinity}',                 # the json module writes these; orjson refuses them
    b'{"a":1e400}',                            # infinity once read; orjson refuses it
    b'{"a":"\\ud800x"}',                       # a lone surrogate escape; orjson refuses it
    b'{"a":1,"a":2}',                          # a repeated key: the last one, as json
    b'{"a":[1.0,-0.0,"\xe5\xbc\xa0\xe4\xb8\x89"],"b":{"c":null}}',  # floats stay floats, UTF-8 text
])
def test_a_document_reads_as_json_reads_it(text: bytes) -> None:
    got, want = decode_document(text), json.loads(text)
    assert json.dumps(got, sort_keys=True) == json.dumps(want, sort_keys=True)
    for key, value in want.items():  # the same types too (json.dumps writes 1.0 and 1 apart already)
        assert type(got[key]) is type(value)
        if isinstance(value, float) and math.isnan(value):
            assert math.isnan(got[key])


def test_big_integers_come_back_from_the_store_exactly(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "events.db")
    try:
        fields = {"message": "m", "app.counter": 2**70, "app.low": -(2**63) - 1, "app.ok": 2**40,
                  "app.serial": "98765432109876543210"}
        store.write([Event(id=make_id("decode", 1), timestamp=T0, dataset="app.log", fields=fields)])
        store.refresh()
        [event] = store.search(Query())
        for name, value in fields.items():
            assert event.get(name) == value and type(event.get(name)) is type(value), name
    finally:
        store.close()


@pytest.mark.parametrize(("value", "regex", "caseless", "expected"), [
    ("WHOAMI /ALL", r"whoami", 1, True),        # Sigma: caseless by default
    ("WHOAMI /ALL", r"whoami", 0, False),       # |cased
    ("ROOT", r"\Aroot\Z", 1, True),
    ("\u212a", r"\Ak\Z", 1, True),              # KELVIN SIGN lower-cases to k (Lucene, Java toLowerCase)
    ("sshd-session", r"\Asshd\Z", 1, False),    # anchored: a longer value is not equal
    ("x" * 80 + "WhoAmI", r"whoami", 1, True),  # longer than what is kept: computed each time
    (None, r".*", 1, False),                    # a missing value matches nothing
])
def test_a_kept_answer_is_the_computed_one(value: str | None, regex: str, caseless: int, expected: bool) -> None:
    assert _match(value, regex, caseless) is expected
    before = _match_short.cache_info().hits
    assert _match(value, regex, caseless) is expected  # asked again
    kept = isinstance(value, str) and len(value) <= 64
    assert _match_short.cache_info().hits == before + (1 if kept else 0)
