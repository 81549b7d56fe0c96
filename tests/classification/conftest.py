"""A real PostgreSQL server for the classification source tests (tests.servers.postgres: initdb
into a fresh folder, a free 127.0.0.1 port, a non-root user, password authentication, stopped and
removed afterwards). scripts/system-packages.sh installs the server (Debian ``postgresql``). Under
CI=true a missing server fails the tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.servers.postgres import PASSWORD, postgres_server


@pytest.fixture(scope="session")
def postgres() -> Iterator[dict[str, str]]:
    """{'url': DSN without password, 'password': ...} of a running server with database 'govsoc'."""
    with postgres_server() as port:
        yield {"url": f"postgresql://postgres@127.0.0.1:{port}/postgres", "password": PASSWORD}
