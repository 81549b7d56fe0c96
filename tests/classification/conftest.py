"""A real PostgreSQL server for the classification source tests (tests.servers.postgres: initdb
into a fresh folder, a free 127.0.0.1 port, a non-root user, password authentication, stopped and
removed afterwards). scripts/system-packages.sh installs the server (Debian ``postgresql``). Under
CI=true a missing server fails the tests."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager

import pytest

from tests.servers.postgres import PASSWORD, postgres_server


@pytest.fixture(scope="session")
def postgres() -> Iterator[dict[str, str]]:
    """{'url': DSN without password, 'password': ...} of a running server with database 'govsoc'."""
    with postgres_server() as port:
        yield {"url": f"postgresql://postgres@127.0.0.1:{port}/postgres", "password": PASSWORD}


@contextmanager
def postgres_table(postgres: dict[str, str], columns: Sequence[str], rows: Sequence[Sequence[str]],
                   comments: Mapping[str, str] | None = None) -> Iterator[str]:
    """A new text-column table of ``rows`` (its columns' ``comments`` set) on the test server, by
    its name; dropped afterwards."""
    from sqlalchemy import create_engine, text

    engine = create_engine(postgres["url"].replace("postgres@", f"postgres:{postgres['password']}@")
                           .replace("postgresql://", "postgresql+psycopg://"))
    name = f"t_{uuid.uuid4().hex[:8]}"
    places = ", ".join(f":c{i}" for i in range(len(columns)))
    try:
        with engine.begin() as conn:
            conn.execute(text(f"create table {name} ({', '.join(f'{c} text' for c in columns)})"))
            for column, comment in (comments or {}).items():
                quoted = comment.replace("'", "''")  # COMMENT takes a literal, never a parameter
                conn.execute(text(f"comment on column {name}.{column} is '{quoted}'"))
            conn.execute(text(f"insert into {name} values ({places})"),
                         [{f"c{i}": v for i, v in enumerate(row)} for row in rows])
        yield name
    finally:
        with engine.begin() as conn:
            conn.execute(text(f"drop table if exists {name}"))
        engine.dispose()
