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
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import quote

from govsoc.classification.columns import ColumnSample
from govsoc.classification.sources.base import (
    NOT_UTF8,
    Skipped,
    TableSample,
    decoded_name,
    escaped_name,
    printable_name,
)
from govsoc.classification.sources.dsn_names import shown_dsn
from govsoc.classification.sources.files import MAX_CELL
from govsoc.classification.sources.sql_catalog import Catalog, Relation, declared_keys, default_catalog, pg_catalog
from govsoc.classification.sources.sql_records import KEY_HASH, keyed, record_order, sql_key_hash
from govsoc.classification.sources.sql_values import ColumnRead, surrogate_text
from govsoc.core.config import read_secret_file
from govsoc.core.errors import ConfigError, GovsocError, Location

if TYPE_CHECKING:
    from sqlalchemy.engine import URL, Engine

__all__ = ["SqlSource"]

#: Dialect name -> the driver govsoc installs for it (extra `classify`).
DRIVERS: Final = {"postgresql": "postgresql+psycopg", "postgres": "postgresql+psycopg", "mysql": "mysql+pymysql"}

#: Connection parameters that hold a password: refused in a DSN's query as in its user part.
_SECRET_PARAMETERS: Final = frozenset({"password", "passwd", "pwd", "sslpassword"})


class SqlSource:
    """Every table of a database (PostgreSQL: of every schema; others: of the default or given one)."""

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
        # the query's password (libpq's password/sslpassword, PyMySQL's passwd) is as visible (R15g-20)
        if url.password is not None or {k.lower() for k in url.query} & _SECRET_PARAMETERS:
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
        self.name = shown_dsn(url, backend)  # decoded, as a file path is shown (R15i-20)
        self._engine: Engine | None = None
        self._records: Any = None  # a record id column: sample whole records (sources/sql_records.py)

    def _open(self) -> Engine:
        if self._engine is None:
            from sqlalchemy import create_engine, event

            kwargs: dict[str, Any] = {}
            if self.backend == "sqlite":
                import sqlite3

                # percent-encoded: a '?', '#' or '%' in the path, or a byte that is not UTF-8, stays the path's
                uri = "file:" + quote(os.fsencode(self.url.database or "")) + "?mode=ro"

                def connect() -> sqlite3.Connection:
                    connection = sqlite3.connect(uri, uri=True)
                    connection.text_factory = surrogate_text
                    connection.create_function(KEY_HASH, 1, sql_key_hash, deterministic=True)
                    return connection

                kwargs["creator"] = connect
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

    def _catalog(self) -> Catalog:
        """The relations to read: a PostgreSQL database's in every schema, partitions through
        their root (sources.sql_catalog); another's tables of the default (or given) schema."""
        from sqlalchemy import inspect

        if self.backend == "postgresql" and self.schema is None:
            with self._open().connect() as conn:
                try:
                    return pg_catalog(conn)
                finally:
                    conn.rollback()
        names = inspect(self._open()).get_table_names(schema=self.schema)
        return default_catalog(set(names) - self._shadow_tables(), self.schema)

    def _shadow_tables(self) -> set[str]:
        """A SQLite file's shadow tables: the ones a virtual table keeps its data in (FTS5's m_data,
        m_content, m_docsize ..., R*Tree's _node, _parent, _rowid), which SQLite 3.37 and later names
        in PRAGMA table_list. The virtual table is classified; its shadows would list its content a
        second time and its index blocks as binary values. An older SQLite lists them all."""
        if self.backend != "sqlite":
            return set()
        from sqlalchemy import text
        from sqlalchemy.exc import OperationalError

        with self._open().connect() as conn:
            try:
                rows = conn.execute(text("PRAGMA table_list")).all()
            except OperationalError:
                return set()
            finally:
                conn.rollback()
        return {row[1] for row in rows if row[0] == (self.schema or "main") and row[2] == "shadow"}

    def count(self) -> int | None:
        """The number of tables."""
        return len(self._call(self._catalog).relations)

    def tables(self) -> Iterator[TableSample]:
        """Every table, sampled. A table that cannot be read (a name that is not UTF-8, a virtual
        table of a module this SQLite lacks) is reported as one unreadable table and the others are
        read."""
        try:
            catalog: Catalog = self._call(self._catalog)
            said = [Skipped(location=Location(path=self.name), reason=why, note=True) for why in catalog.notes]
            said += [Skipped(location=Location(path=self.name), reason=why) for why in catalog.refused]
            for relation in catalog.relations:
                table = self._table_or_skip(relation)
                if said:  # what the database holds beside its tables: said once, with the first
                    table = replace(table, skipped=(*said, *table.skipped),
                                    skipped_count=table.skipped_count + len(catalog.refused))
                    said = []
                yield table
            if said:  # no table to read: what there is still said
                yield TableSample(dataset=self.name, table="", rows=None, columns=(), readable=False,
                                  skipped=tuple(said), skipped_count=len(catalog.refused))
        finally:
            self.close()

    def _call(self, fn: Any) -> Any:
        from sqlalchemy.exc import SQLAlchemyError

        try:
            return fn()
        except SQLAlchemyError as e:
            # named as the inventory shows the source: a person's name in a file name masked (R15k-17)
            from govsoc.classification.columns import ColumnClassifier
            from govsoc.classification.shown_names import ShownNames

            raise GovsocError(f"{ShownNames(ColumnClassifier()).place(decoded_name(self.name))}: {_said(e)}") from None

    def _table_or_skip(self, relation: Relation) -> TableSample:
        from sqlalchemy.exc import SQLAlchemyError

        shown = escaped_name(relation.shown)
        try:
            if shown != relation.shown:
                # the sqlite3 module sends SQL as UTF-8 text only: no statement can name this table
                raise UnicodeError(f"{NOT_UTF8}; SQL can only name a table in UTF-8, so it cannot be read")
            return self._table(relation)
        except (SQLAlchemyError, UnicodeError) as e:
            why = _said(e) if isinstance(e, SQLAlchemyError) else str(e)
            return TableSample(dataset=self.name, table=shown, rows=None, columns=(), readable=False,
                               skipped=(Skipped(location=Location(path=self.name, field=shown),
                                                reason=f"table not classified: {why}"),), skipped_count=1)

    def _table(self, relation: Relation) -> TableSample:
        from sqlalchemy import func, inspect, select

        engine = self._open()
        inspector = inspect(engine)
        name, shown = relation.name, relation.shown
        columns = inspector.get_columns(name, schema=relation.schema)
        try:
            comment = (inspector.get_table_comment(name, schema=relation.schema) or {}).get("text") or ""
        except NotImplementedError:
            comment = ""
        # a SQLite column may be named "" (SQLAlchemy builds no Column of that name): read by its quoted name
        table = _plain(name, relation.schema, columns)
        with engine.connect() as conn:
            # a root's count and sample are of every partition and inheritance child (SELECT reads them)
            rows = conn.execute(select(func.count()).select_from(table)).scalar_one()
            samples, skipped, count = self._read(conn, inspector, relation, table, columns, rows)
            if self.backend == "sqlite" and rows > self.sample:
                self._records = record_order(conn, table, samples, self.sample)
                if self._records is not None:  # an attribute/value table: whole records (R15h-7)
                    samples, skipped, count = self._read(conn, inspector, relation, table, columns, rows)
                    self._records = None
            conn.rollback()
        return TableSample(dataset=self.name, table=shown, rows=rows, columns=tuple(samples), comment=comment,
                           skipped=tuple(skipped), skipped_count=count, references=declared_keys(inspector, relation))

    def _read(self, conn: Any, inspector: Any, relation: Relation, table: Any, columns: list[Any],
              rows: int) -> tuple[list[ColumnSample], list[Skipped], int]:
        """The sampled columns of ``table``, what was left out of them and how many left-outs."""
        shown = relation.shown
        samples: list[ColumnSample] = []
        skipped = [Skipped(location=Location(path=self.name, field=shown), reason=relation.note, note=True)
                   ] if relation.note else []
        count = 0
        for source, column, field in self._columns(inspector, relation, columns):
            where = Location(path=self.name, field=f"{shown}.{escaped_name(field)}")
            if escaped_name(column["name"]) != column["name"]:
                skipped.append(Skipped(location=where, reason=f"column {NOT_UTF8}; SQL can only name a "
                                                              "column in UTF-8: not classified"))
                count += 1
                continue
            origin = table if source is None else source
            read = self._column_values(conn, origin, _column(origin, column["name"]))
            notes = read.notes()
            skipped.extend(Skipped(location=where, reason=why, note=not left_out) for why, left_out in notes)
            count += sum(left_out for _, left_out in notes)  # a column's values left out: one skip (R15d-26)
            if read.values or not read.paths:
                values, places = read.sample()
                samples.append(ColumnSample(dataset=self.name, field=field, table=shown,
                                            comment=column.get("comment") or "", rows=rows,
                                            values=values, places=places))
            # a JSON document's paths (doc.xm, doc.family[].sfzh: R15f-31), as the JSON reader names them
            samples.extend(ColumnSample(dataset=self.name, field=printable_name(path), table=shown, rows=rows,
                                        values=values) for path, values in read.paths.items())
        return samples, skipped, count

    def _columns(self, inspector: Any, relation: Relation,
                 columns: list[Any]) -> Iterator[tuple[Any, Any, str]]:
        """(the table to read it from or None for the relation's own, column, field name): the
        relation's columns, then its inheritance children's own columns as ``child.column``
        (a partition has its root's columns only)."""

        for place, column in enumerate(columns, 1):
            yield None, column, column["name"] or f"column_{place}"
        have = {c["name"] for c in columns}
        for part in relation.parts:
            extra = [c for c in inspector.get_columns(part.name, schema=part.schema) if c["name"] not in have]
            if extra:
                child = _plain(part.name, part.schema, extra)
                yield from ((child, c, f"{part.shown}.{c['name']}") for c in extra)

    def _column_values(self, conn: Any, table: Any, col: Any) -> ColumnRead:
        """The first ``sample`` non-blank values of a column as text (a SQLite file's from across
        the table), with what was binary or not UTF-8 among them."""
        from sqlalchemy import String, case, func, literal, or_, select

        # a value over MAX_CELL (a scanned ID card or a PDF as base64 TEXT or BLOB beside the 办件's
        # columns, a JSON document holding one) is not fetched: its length is, and it is counted as
        # the file reader counts one
        if (length := self._length(col)) is not None:
            query = select(case((length <= MAX_CELL, col), else_=literal(None)), length).where(col.is_not(None))
        else:
            query = select(col, literal(None)).where(col.is_not(None))
        query = query.select_from(table)  # a column read by its quoted name does not name its table
        # blank cells (a column added after the early rows were migrated, U+3000 a form left) would
        # fill the sample: only values are sampled, blank by the test _text applies (str.strip)
        if self.backend == "sqlite":
            # SQLite's trim and unicode take any type; the first character's test spares most values
            # the trim of a 29-character set (2.4 times the time of trim(col) over 1,000,000 rows)
            query = query.where(or_(func.unicode(col).not_in([ord(c) for c in WHITESPACE]),
                                    func.trim(col, WHITESPACE) != ""))
        elif self.backend == "postgresql" and isinstance(col.type, String):
            query = query.where(func.btrim(col, WHITESPACE) != "")
        elif isinstance(col.type, String):
            query = query.where(func.trim(col) != "")  # MySQL's TRIM takes one string, not a set
        read = ColumnRead(name=col.name)
        for value, length, rowid in self._spread(conn, table, query):
            if value is None and length is not None and length > MAX_CELL:
                read.long += 1
                continue
            read.add_value(value, rowid)
        return read

    def _length(self, col: Any) -> Any:
        """The SQL length of a value of ``col`` (characters; bytes of a binary one), or None where
        it is not known cheaply (numbers, dates: never long)."""
        from sqlalchemy import ARRAY, JSON, LargeBinary, String, Text, cast, func

        if self.backend == "sqlite" or isinstance(col.type, LargeBinary):
            return func.length(col)  # SQLite's of any type; a server's bytea or BLOB in bytes
        if isinstance(col.type, String):
            return func.char_length(col)
        if self.backend == "postgresql" and isinstance(col.type, (JSON, ARRAY)):
            return func.char_length(cast(col, Text))
        return None

    def _spread(self, conn: Any, table: Any, query: Any) -> list[tuple[Any, ...]]:
        """The rows of ``query`` (value, length) with the rowid or None, at most ``sample``: a SQLite file's from
        across the table, in an order a hash of the rowid fixes (the same file, the same sample, as
        the file reader's seeded reservoir), or, in a table without a rowid (WITHOUT ROWID, or every
        name of it taken by a column), evenly spaced in the table's order; a server's the first
        ones (LIMIT: a few pages, not a scan and a sort of a production table)."""
        if self.backend != "sqlite":
            return [(*row, None) for row in conn.execute(query.limit(self.sample))]
        from sqlalchemy import literal_column
        from sqlalchemy.exc import OperationalError

        taken = {c.name.lower() for c in table.c}
        rowid = next((n for n in ("rowid", "_rowid_", "oid") if n not in taken), None)
        if rowid is not None:
            if self._records is None:
                spread = query.add_columns(literal_column(rowid)).order_by(literal_column(_hashed(rowid)))
            else:  # whole records: those whose ids hash under the bound (sources/sql_records.py)
                key, bound = self._records
                spread = query.add_columns(literal_column(rowid)).where(keyed(key) < bound).order_by(keyed(key))
            try:
                return [tuple(row) for row in conn.execute(spread.limit(self.sample))]
            except OperationalError:  # WITHOUT ROWID
                pass
        return self._stride(conn, query)

    def _stride(self, conn: Any, query: Any) -> list[tuple[Any, ...]]:
        """At most ``sample`` rows of ``query`` evenly spaced over all of them: row n (from 0) of
        N is taken when n·sample mod N < sample, once per N/sample rows."""
        from sqlalchemy import func, select

        total = conn.execute(select(func.count()).select_from(query.subquery())).scalar_one()
        if total <= self.sample:
            return [(*row, None) for row in conn.execute(query)]
        numbered = query.add_columns(func.row_number().over().label("govsoc_n")).subquery()
        *values, n = list(numbered.c)
        picked = select(*values).where(((n - 1) * self.sample) % total < self.sample)
        return [(*row, None) for row in conn.execute(picked)]


#: The characters Python's str.strip() takes off (str.isspace: tab to CR, FS to US, space, NEL,
#: NBSP, U+1680, U+2000-U+200A, U+2028/9, U+202F, U+205F and the ideographic space U+3000): the
#: blank test on the server is the one _text applies to what comes back.
WHITESPACE: Final = "".join(c for c in map(chr, range(0x3001)) if c.isspace())


def _hashed(rowid: str) -> str:
    """A hash of the rowid that SQLite computes in 64-bit integers without overflow: the low and
    the next 31 bits each times a 32-bit odd constant (Knuth's multiplicative hash), mod 2^32. A
    product of the rowid itself overflows past 3.47e9 (rowids of epoch milliseconds, snowflake ids)
    and becomes REAL, whose every value mod 2^32 is the same: the order would be the table's own.
    For rowids under 2^31 the order is rowid * 2654435761 mod 2^32 as before."""
    return (f"((({rowid} & 2147483647) * 2654435761) % 4294967296"
            f" + ((({rowid} >> 31) & 2147483647) * 2246822519) % 4294967296) % 4294967296")


def _plain(name: str, schema: str | None, columns: list[Any]) -> Any:
    """The table ``name`` of the inspector's ``columns`` (their names and types), its constraints not
    reflected: a foreign key to a table the file lacks (SQLite keeps ``REFERENCES ghost``) made the
    reflection raise, and the table's columns went unread."""
    from sqlalchemy import Column, MetaData, Table

    return Table(name, MetaData(), *(Column(c["name"], c["type"]) for c in columns if c["name"]), schema=schema)


def _column(table: Any, name: str) -> Any:
    """``table``'s column ``name``; a SQLite column named "" by its quoted name (SQLAlchemy builds
    no Column of that name)."""
    from sqlalchemy import literal_column

    return table.c[name] if name else literal_column('""')


def _said(e: Exception) -> str:
    return f"{type(e).__name__}: {str(e).splitlines()[0]}"
