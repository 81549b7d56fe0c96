"""The writer process's messages (store/sqlite_writer.py _dumps/_loads): a chunk goes as a marshal when
marshal holds every value (faster than pickle at both ends, issue 11), else as a pickle, and each is
read back as what was sent; answers stay pickles. A chunk holding a value of a class marshal does not
take (a str subclass, a date) is stored as from a write here."""

from __future__ import annotations

import marshal
import pickle
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from govsoc.core.event import Event
from govsoc.store import sqlite_writer
from govsoc.store.base import Query
from govsoc.store.sqlite import SqliteStore
from tests.store.test_sqlite_writer import LARGE, events, storable

PLAIN: tuple[Any, ...] = ([("a" * 32, 1, "linux.auth", {"message": "m\udcff", "n": 2**70, "f": 1.5, "l": [True, None],
                                                         "d": {"k": ("t",)}})], "2026-01-01T00:00:00Z", True, None)


class Name(str):
    """A str of another class (an enum's value, a parser's own type)."""


@pytest.mark.parametrize(("message", "marshalled"), [
    (PLAIN, True),
    (([("b" * 32, 1, "x", {"user.name": Name("root")})], "t", False, None), False),  # a subclass: pickle
    (([("c" * 32, 1, "x", {"when": date(2026, 1, 1)})], "t", True, None), False),   # a class marshal lacks
    ((None, "not storable", 0.25), True),
])
def test_a_message_is_read_back_as_it_was_sent(message: tuple[Any, ...], marshalled: bool) -> None:
    data = sqlite_writer._dumps(message)
    assert (data[:1] != b"\x80") == marshalled
    if marshalled:
        assert data == marshal.dumps(message, 4)
    back = sqlite_writer._loads(data)
    assert back == message and type(back[0]) is type(message[0])
    if not marshalled:  # the value's class kept
        assert type(back[0][0][3].popitem()[1]) is type(message[0][0][3].popitem()[1])
    assert sqlite_writer._loads(pickle.dumps(message, protocol=5)) == message  # an answer, or an older parent's


def test_a_chunk_with_a_value_marshal_does_not_take_is_stored_as_a_write_here_stores_it(tmp_path: Path) -> None:
    batch = events(LARGE)
    at = 7
    fields = {**batch[at].fields, "user.name": Name("管理员")}
    batch[at] = Event(id=batch[at].id, timestamp=batch[at].timestamp, dataset=batch[at].dataset, fields=fields)
    with SqliteStore(tmp_path / "events.db") as store:
        receipt = store.write(batch)
        assert store.writer_pid is not None  # it went through the writer process
        assert (receipt.created, receipt.duplicates) == (storable(batch), 0)
        (found,) = store.search(Query(terms={"user.name": ("管理员",)}))
        assert found.id == batch[at].id and found.get("user.name") == "管理员"
