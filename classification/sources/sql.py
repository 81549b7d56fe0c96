"""SQL databases through SQLAlchemy (stage: classification): SQLite, PostgreSQL, MySQL.

Read-only, sampled. Every session is read-only at the server (SQLite ``mode=ro``; PostgreSQL
``default_transaction_read_only=on``; MySQL ``SET SESSION TRANSACTION READ ONLY``) and every
transaction is rolled back. Per table: the row count, the column names and comments (the
best context there is: ``COMMENT ON COLUMN … IS '身份证号'``), and the first ``sample`` rows with
a non-blank value in each column (``LIMIT``; not a random sample, to keep the load on production
databases to one index-free scan of a few pages per column; a SQLite file, which is no production
server, is sampled across the table in an order a hash of the rowid fixes). A BLOB that is text
(UTF-8, else GB18030: SQLite is typeless, legacy applications keep GBK text in BLOBs) is
classified; binary values are counted and named per column as skipped.

Credentials never come from the command line: a DSN that carries a password is refused (``ps``
shows every user the arguments); the password comes from GOVSOC_DB_PASSWORD or from
GOVSOC_DB_PASSWORD_FILE (a file only its owner may read). Printed DSNs hide the password.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from govsoc.classification.columns import ColumnSample
from govsoc.classification.sources.base import Skipped, TableSample
from govsoc.core.config import read_secret_file
from govsoc.core.errors import ConfigError, GovsocError, Location

if TYPE_CHECKING:
    from sqlalchemy.engine import URL, Engine

__all__ = ["SqlSource"]

#: Dialect name -> the driver govsoc installs for it (extra `classify`).
DRIVERS: Final = {"postgresql": "postgresql+psycopg", "postgres": "postgresql+psycopg", "mysql": "mysql+pymysql"}


class SqlSource:
    """Every table of a database's default (or given) schema."""

    def __init__(self, dsn: str, *, sample: int, env: Mapping[str, str] | None = None,
                 schema: str | None = None) -> None:
        try:
            from sqlalchemy.engine import make_url
            from sqlalchemy.exc import ArgumentError
        except ImportError as e:
            raise ConfigError("databases need SQLAlchemy: pip install 'govsoc[classify]'") from e
        env = os.environ if env is None else env
        try:
            url = make_url(dsn)
        except ArgumentError as e:
            raise ConfigError(f"not a database URL: {e}") from None
        if url.password is not None:
            raise ConfigError("a password in the DSN would be visible to every user of this machine (ps, shell "
                              "history): remove it and set GOVSOC_DB_PASSWORD or GOVSOC_DB_PASSWORD_FILE")
        password = env.get("GOVSOC_DB_PASSWORD")
        if password is None and env.get("GOVSOC_DB_PASSWORD_FILE"):
            password = read_secret_file(Path(env["GOVSOC_DB_PASSWORD_FILE"]))
        backend = url.get_backend_name()
        if url.drivername in DRIVERS:
            url = url.set(drivername=DRIVERS[url.drivername])
        if password is not None and backend != "sqlite":
            url = url.set(password=password)
        self.url: URL = url
        self.backend = backend
        self.sample = sample
        self.schema = schema
        self.name = url.render_as_string(hide_password=True)
        self._engine: Engine | None = None

    def _open(self) -> Engine:
        if self._engine is None:
            from sqlalchemy import create_engine, event

            kwargs: dict[str, Any] = {}
            if self.backend == "sqlite":
                import sqlite3

                database = self.url.database or ""
                kwargs["creator"] = lambda: sqlite3.connect(f"file:{database}?mode=ro", uri=True)
            elif self.backend == "postgresql":
                kwargs["connect_args"] = {"options": "-c default_transaction_read_only=on"}
            engine = create_engine(self.url, **kwargs)
            if self.backend == "mysql":
                @event.listens_for(engine, "connect")
                def _read_only(dbapi_connection: Any, _record: Any) -> None:
                    with dbapi_connection.cursor() as cursor:
                        cursor.execute("SET SESSION TRANSACTION READ ONLY")
            self._engine = engine
        return self._engine

    def close(self) -> None:
        """Close the connection pool."""
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    def _table_names(self) -> list[str]:
        from sqlalchemy import inspect

        return sorted(inspect(self._open()).get_table_names(schema=self.schema))

    def count(self) -> int | None:
        """The number of tables."""
        return len(self._call(self._table_names))

    def tables(self) -> Iterator[TableSample]:
        """Every table, sampled."""
        try:
            for name in self._call(self._table_names):
                yield self._call(lambda n=name: self._table(n))
        finally:
            self.close()

    def _call(self, fn: Any) -> Any:
        from sqlalchemy.exc import SQLAlchemyError

        try:
            return fn()
        except SQLAlchemyError as e:
            raise GovsocError(f"{self.name}: {type(e).__name__}: {str(e).splitlines()[0]}") from None

    def _table(self, name: str) -> TableSample:
        from sqlalchemy import MetaData, Table, func, inspect, select

        engine = self._open()
        inspector = inspect(engine)
        columns = inspector.get_columns(name, schema=self.schema)
        try:
            comment = (inspector.get_table_comment(name, schema=self.schema) or {}).get("text") or ""
        except NotImplementedError:
            comment = ""
        table = Table(name, MetaData(), schema=self.schema, autoload_with=engine)
        samples: list[ColumnSample] = []
        skipped: list[Skipped] = []
        binary_values = 0
        with engine.connect() as conn:
            rows = conn.execute(select(func.count()).select_from(table)).scalar_one()
            for column in columns:
                values, binary = self._column_values(conn, table.c[column["name"]])
                if binary:
                    binary_values += binary
                    skipped.append(Skipped(location=Location(path=self.name, field=f"{name}.{column['name']}"),
                                           reason=f"{binary:,} of {len(values) + binary:,} sampled values are "
                                                  "binary, not text (UTF-8 or GB18030): not classified"))
                samples.append(ColumnSample(dataset=self.name, field=column["name"], table=name,
                                            comment=column.get("comment") or "", rows=rows,
                                            values=[v for v in values if v]))
            conn.rollback()
        return TableSample(dataset=self.name, table=name, rows=rows, columns=tuple(samples), comment=comment,
                           skipped=tuple(skipped), skipped_count=binary_values)

    def _column_values(self, conn: Any, col: Any) -> tuple[list[str], int]:
        """The first ``sample`` non-blank values of a column as text, and how many of those were
        binary (left out)."""
        from sqlalchemy import String, func, select

        query = select(col).where(col.is_not(None))
        if self.backend == "sqlite" or isinstance(col.type, String):
            # blank cells (a column added after the early rows were migrated) would fill the
            # head-of-table sample: only values are sampled. SQLite's trim takes any type
            query = query.where(func.trim(col) != "")
        values = [_text(v) for (v,) in self._spread(conn, query)]
        texts = [v for v in values if v is not None]
        return texts, len(values) - len(texts)


    def _spread(self, conn: Any, query: Any) -> Any:
        """The rows of ``query``, at most ``sample``: a SQLite file's from across the table, in an
        order a hash of the rowid fixes (the same file, the same sample, as the file reader's
        seeded reservoir); a server's the first ones (LIMIT: a few pages, not a scan and a sort
        of a production table). A table without a rowid gives its first rows too."""
        if self.backend == "sqlite":
            from sqlalchemy import literal_column
            from sqlalchemy.exc import OperationalError

            spread = query.order_by((literal_column("rowid") * 2654435761) % 4294967296).limit(self.sample)
            try:
                return conn.execute(spread).all()
            except OperationalError:  # WITHOUT ROWID
                pass
        return conn.execute(query.limit(self.sample))


def _text(value: object) -> str | None:
    """The value as text; None for bytes that are not text. SQLite is typeless and legacy
    applications keep text in BLOBs (GBK bytes): a BLOB is text when it decodes strictly as UTF-8,
    else as GB18030, and holds no control character but tab and line ends (images, hashes and
    ciphertext do)."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        data = bytes(value)
        for encoding in ("utf-8", "gb18030"):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            if not any(c < " " and c not in "\t\r\n" or c == "\x7f" for c in text):
                return text.strip()
        return None
    return str(value).strip()
