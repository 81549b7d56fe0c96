"""The store the incremental and chained-correlation tests run on: SQLite and the 9.x
Elasticsearch node (8.x runs the same code path as 9.x here)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from govsoc.store.base import Store
from govsoc.store.sqlite import SqliteStore
from tests.conftest import es_store


@pytest.fixture(params=["sqlite", pytest.param("elasticsearch", marks=pytest.mark.es)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A fresh store of each kind."""
    if request.param == "sqlite":
        sqlite = SqliteStore(tmp_path / "events.db")
        yield sqlite
        sqlite.close()
    else:
        yield from es_store(request.getfixturevalue("es_env"))


@pytest.fixture(params=["sqlite", pytest.param("elasticsearch", marks=pytest.mark.es),
                        pytest.param("elasticsearch-8", marks=pytest.mark.es)])
def each_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A fresh store of each kind, the 8.19 node too: for the tests of what the two node
    versions may answer differently (alert look-ups by event id, ip fields)."""
    if request.param == "sqlite":
        sqlite = SqliteStore(tmp_path / "events.db")
        yield sqlite
        sqlite.close()
    else:
        yield from es_store(request.getfixturevalue("es_env" if request.param == "elasticsearch" else "es8_env"))
