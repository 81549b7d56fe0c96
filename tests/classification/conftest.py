"""A real PostgreSQL server for the classification source tests (tests.servers.postgres: initdb
into a fresh folder, a free 127.0.0.1 port, a non-root user, password authentication, stopped and
removed afterwards). scripts/system-packages.sh installs the server (Debian ``postgresql``). Under
CI=true a missing server fails the tests."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

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


def _engine(url: str, password: str) -> Any:
    from sqlalchemy import create_engine

    return create_engine(url.replace("@", f":{password}@", 1).replace("postgresql://", "postgresql+psycopg://"),
                         isolation_level="AUTOCOMMIT")


@pytest.fixture
def database(postgres: dict[str, str]) -> Iterator[dict[str, Any]]:
    """A fresh database of its own on the session's server (a test that lists every table sees its
    own only): {'url', 'password', 'run': execute statements in it as its owner, 'reader': the name
    of a role the test may create, dropped afterwards}."""
    from sqlalchemy import text

    name = f"d_{uuid.uuid4().hex[:8]}"
    server = _engine(postgres["url"], postgres["password"])
    with server.connect() as conn:
        conn.execute(text(f"create database {name}"))
    url = postgres["url"].rsplit("/", 1)[0] + f"/{name}"
    engine = _engine(url, postgres["password"])

    def run(*statements: str, rows: dict[str, list[tuple[Any, ...]]] | None = None) -> None:
        with engine.connect() as conn:
            for statement in statements:
                conn.execute(text(statement))
            for table, values in (rows or {}).items():
                places = ", ".join(f":c{i}" for i in range(len(values[0])))
                conn.execute(text(f"insert into {table} values ({places})"),
                             [{f"c{i}": v for i, v in enumerate(row)} for row in values])

    try:
        yield {"url": url, "password": postgres["password"], "run": run, "reader": f"{name}_reader"}
    finally:
        engine.dispose()
        with server.connect() as conn:
            conn.execute(text(f"drop database {name} with (force)"))
            conn.execute(text(f"drop role if exists {name}_reader"))
        server.dispose()
