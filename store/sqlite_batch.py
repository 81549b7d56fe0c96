"""Many rule queries over the SQLite store in few scans (issue 12, detection speed).

A detection pass asks one query per rule. A rule whose prefilter an index serves (a user name,
an address range) reads a few rows through that index and runs alone. The others would each
scan the same rows: every event of the pass's ingest range. :func:`search_many` runs those
together, up to :data:`COMBINED` at a time, as one statement over the shared range::

    SELECT seq, CASE WHEN <rest 1> THEN 1 END, ... FROM events
    WHERE <range> AND <shared> AND (<rest 1> OR <rest 2> ...) AND <shared Python checks>

so each row is read once for all of them, and keeps for each query only the sequence numbers
of its matches (8 bytes each), in the order search() gives (time, then the id's text).
``<shared>`` are the conjuncts all the queries have (their log source's condition, typically;
govsoc.store.sqlite_conjuncts), tested once per row, the native ones before the rules' own parts
and those that call Python after them; queries are ordered so that those sharing conjuncts fall
into one statement. Each query's iterator then reads its own events by those numbers,
in the store's order (time, then id), exactly what :meth:`SqliteStore.search` would give.

The statement each query's reader starts with (a query alone: its first page; a combined
statement) runs up to :data:`AHEAD` queries ahead, on the store's second connection and thread
(govsoc.store.sqlite_ahead), while the caller works on the events of the query before it.

Meaning is unchanged: a row belongs to a query's answer exactly when that query's own condition
is true on it (the SELECT list evaluates each condition itself; the OR only skips rows no
condition accepts). Errors stay per query: when the combined statement fails (a rule's Python
check raised, say), nothing has been returned yet, and each query runs alone, so only the query
that fails reports the error.
"""

from __future__ import annotations

import functools
import re
import sqlite3
from array import array
from collections.abc import Callable, Collection, Iterator, Sequence
from concurrent.futures import Future
from dataclasses import replace
from typing import Any, Final, Protocol

from govsoc.core.errors import StoreError
from govsoc.core.event import Event
from govsoc.store.base import Query
from govsoc.store.sqlite_ahead import Execute, ReadAhead
from govsoc.store.sqlite_conjuncts import calls_python, conjuncts
from govsoc.store.sqlite_layout import ID_TEXT
from govsoc.store.sqlite_prefilter import all_sql, any_sql, sql_string
from govsoc.store.sqlite_query import terms_sql
from govsoc.store.sqlite_regexp import query_error


class SqliteStore(Protocol):
    """What this module uses of govsoc.store.sqlite.SqliteStore (which imports this module)."""

    def search(self, query: Query) -> Iterator[Event]: ...
    def read(self, query: Query, first: Callable[[], list[Any] | None] | None = None) -> Iterator[Event]: ...
    def first_page(self, query: Query, execute: Execute) -> tuple[str | None, list[Any]]: ...
    def deletes(self, execute: Execute | None = None) -> str | None: ...
    def reading_ahead(self) -> ReadAhead: ...
    def events_at(self, seqs: Collection[int]) -> dict[int, Event]: ...
    def _where(self, query: Query) -> tuple[str, list[Any]]: ...
    def _table(self, query: Query) -> str: ...
    def _execute(self, sql: str, params: Sequence[Any]) -> sqlite3.Cursor: ...

__all__ = ["COMBINED", "common_fragment", "search_many"]

#: Queries evaluated by one combined statement (bounds its size and SQLite's expression depth).
COMBINED: Final[int] = 64
#: Statements run ahead of the one being read (each holds at most a page of rows, or a
#: combined scan's sequence numbers, until its query is read).
AHEAD: Final[int] = 3
#: Events read per statement when a query's iterator reads its matches by sequence number.
_FETCH: Final[int] = 500
#: When a combined statement's queries matched at most this many rows in all (an incremental
#: pass), the first query read reads them all, in one statement, for every query: one
#: statement per query was a tenth of an incremental pass of 100 rules.
_TOGETHER: Final[int] = 2000
#: A plan line of an access to the events table through an index that narrows it (not the
#: time-order index walked in full, not the rowid range every query of a pass shares).
_NARROWING = re.compile(r"^(?:SEARCH events USING (?:COVERING )?INDEX (?!events_ts\b)|MULTI-INDEX OR)")


def search_many(store: SqliteStore, queries: Sequence[Query]) -> list[Iterator[Event]]:
    """The events of each query, one iterator per query (see the module docstring)."""
    queries = [_terms_inside(query) for query in queries]
    units: dict[int, _Alone | _Combined] = {}
    positions: dict[int, int] = {}  # a combined query's place in its statement
    groups: dict[tuple[str, tuple[object, ...]], list[int]] = {}
    for index, query in enumerate(queries):
        key = _scan_key(store, query)
        if key is None:
            units[index] = _Alone(store, query)
        else:
            groups.setdefault(key, []).append(index)
    shared_counts: dict[str, int] = {}
    for members in groups.values():
        for index in members:
            for part in conjuncts(str(queries[index].native)):
                shared_counts[part] = shared_counts.get(part, 0) + 1
    for members in groups.values():
        members.sort(key=lambda index: _shared_signature(queries[index], shared_counts))
        for start in range(0, len(members), COMBINED):
            chunk = members[start:start + COMBINED]
            if len(chunk) == 1:
                units[chunk[0]] = _Alone(store, queries[chunk[0]])
                continue
            combined = _Combined(store, [queries[i] for i in chunk])
            for position, index in enumerate(chunk):
                units[index], positions[index] = combined, position
    chain = _Chain(store, [units[index] for index in range(len(queries))])
    return [unit.events(positions[index], chain) if isinstance(unit := units[index], _Combined) else unit.events(chain)
            for index in range(len(queries))]


class _Chain:
    """The statements that the queries' readers start with, in the order they are read: when
    one starts, the next one runs ahead on the store's second connection (sqlite_ahead)."""

    def __init__(self, store: SqliteStore, units: list[_Alone | _Combined]) -> None:
        self.store = store
        self.order = list({id(unit): unit for unit in units}.values())
        self.next_of = {id(unit): n + 1 for n, unit in enumerate(self.order)}

    def started(self, unit: _Alone | _Combined) -> None:
        """``unit`` is being read: run the :data:`AHEAD` after it ahead, unless begun already."""
        following = self.next_of[id(unit)]
        for later in self.order[following:following + AHEAD]:
            if not later.begun:
                later.ahead(self.store.reading_ahead())


def _regexp(query: Query) -> bool:
    """Whether ``query`` runs a rule's own regular expression in Python's re (``|re`` that RE2
    cannot say: govsoc_regexp, REGEXP), which is not run ahead: re holds the GIL for as long as
    one value takes, and only on the main thread does its CPU bound hold
    (govsoc.store.sqlite_regexp)."""
    native = str(query.native or "")
    return "govsoc_regexp(" in native or "REGEXP" in native


class _Alone:
    """A query run on its own (SqliteStore.search), whose first page may be read ahead."""

    def __init__(self, store: SqliteStore, query: Query) -> None:
        self.store, self.query = store, query
        self.begun = False
        self.future: Future[tuple[str | None, list[Any]]] | None = None

    def ahead(self, reader: ReadAhead) -> None:
        """Run the first page's statement on ``reader``'s connection now."""
        if self.future is None and not _regexp(self.query):
            self.future = reader.submit(functools.partial(self.store.first_page, self.query))

    def events(self, chain: _Chain) -> Iterator[Event]:
        """The query's events (SqliteStore.search)."""
        self.begun = True
        chain.started(self)
        yield from self.store.read(self.query, None if self.future is None else self._first)

    def _first(self) -> list[Any] | None:
        """The first page read ahead; None (read it here) when that failed: the store's own
        connection then raises the query's error, if it has one; None too when events were
        deleted since it was read (SqliteStore.deletes)."""
        assert self.future is not None
        future, self.future = self.future, None
        try:
            deletes, rows = future.result()
        except Exception:  # noqa: BLE001 - read again on the store's connection, which reports it
            return None
        return rows if deletes == self.store.deletes() else None


def _terms_inside(query: Query) -> Query:
    """``query`` with its ``terms`` written into its native condition, where SqliteReads._where
    would AND them (the same clauses: meaning unchanged), so that queries differing only in them
    share one scan and each tests its own terms in its flag. A correlation whose groups are read
    in parts (govsoc.rules.regroup) asks one query per part, each narrowed to its groups'
    values: read alone, each walked the whole time range again (F12d: 200,000 sshd failures of
    a day in 40 parts, +34 % CPU for the pass). ``event.id`` terms (bound parameters, the id
    index) stay where they are."""
    if not query.terms or not query.native or "event.id" in query.terms:
        return query
    clauses = [terms_sql(name, values) if values else "0" for name, values in sorted(query.terms.items())]
    return replace(query, terms={}, native=all_sql([*clauses, f"({query.native})"]))


def _shared_signature(query: Query, counts: dict[str, int]) -> tuple[str, ...]:
    """The conjuncts a query shares with others, sorted: queries with the same sort together."""
    return tuple(sorted(part for part in conjuncts(str(query.native)) if counts.get(part, 0) > 1))


def _scan_key(store: SqliteStore, query: Query) -> tuple[str, tuple[object, ...]] | None:
    """What a query shares with the others it can be combined with (its table and range), or
    None when it must run alone: it has a limit or another order, or an index narrows it."""
    if not query.native or query.limit is not None or query.order != "asc":
        return None
    table = store._table(query)
    shared, shared_params = store._where(replace(query, native=None))
    if table.endswith(" NOT INDEXED"):
        # A narrow ingest range is read by seq alone (SqliteStore._table): no index can narrow
        # it, so the plan need not be asked (an incremental pass of 100 rules asked it 100
        # times, a sixth of the pass). A query SQLite refuses fails the combined statement,
        # and then each query runs alone and reports its own error, as below.
        return f"{table}{shared}", tuple(shared_params)
    where, params = store._where(query)
    try:
        plan = [row[3] for row in store._execute(f"EXPLAIN QUERY PLAN SELECT seq FROM {table}{where}", params)]
    except StoreError:
        return None  # it reports its own error when run
    if any(_NARROWING.match(line) for line in plan):
        return None
    return f"{table}{shared}", tuple(shared_params)


class _Combined:
    """One combined statement for several queries, run when the first of them is read (or
    ahead of it: _Chain)."""

    def __init__(self, store: SqliteStore, queries: list[Query]) -> None:
        self.store, self.queries = store, queries
        self.matches: list[array[int]] | None = None
        self.failed = self.begun = False
        self.future: Future[list[array[int]]] | None = None
        #: Every query's events by seq, when they were read together (see _TOGETHER).
        self.together: dict[int, Event] | None = None

    def ahead(self, reader: ReadAhead) -> None:
        """Run the combined statement on ``reader``'s connection now."""
        if self.future is None and not any(_regexp(query) for query in self.queries):
            self.future = reader.submit(self._run)

    def events(self, position: int, chain: _Chain) -> Iterator[Event]:
        """The events of the query at ``position``."""
        if not self.begun:
            self.begun = True
            chain.started(self)
        if self.matches is None and not self.failed:
            if self.future is not None:
                future, self.future = self.future, None
                try:
                    self.matches = future.result()
                except Exception:  # noqa: BLE001 - run again here, where a failure counts (below)
                    self.matches = None
            if self.matches is None:
                try:
                    self.matches = self._run(self.store._execute)
                except StoreError:
                    self.failed = True
        if self.matches is None:
            yield from self.store.search(self.queries[position])
            return
        seqs = self.matches[position]
        if self.together is None and sum(len(found) for found in self.matches) <= _TOGETHER:
            self.together = self.store.events_at({seq for found in self.matches for seq in found})
        if self.together is not None:
            yield from (self.together[seq] for seq in seqs if seq in self.together)  # (retention may run)
            return
        for start in range(0, len(seqs), _FETCH):
            chunk = ",".join(str(seq) for seq in seqs[start:start + _FETCH])
            yield from self.store.search(Query(native=f"seq IN ({chunk})"))

    def _run(self, execute: Execute) -> list[array[int]]:
        parts = [conjuncts(str(q.native)) for q in self.queries]
        shared = [c for c in parts[0] if all(c in p for p in parts[1:])]
        own = [[c for c in p if c not in shared] for p in parts]
        rests = [all_sql(rest) if rest else "1" for rest in own]
        common = common_fragment(own)
        condition = all_sql([*(c for c in shared if not calls_python(c)), *([common] if common else []),
                             _any_of(own, rests), *(c for c in shared if calls_python(c))])
        table = self.store._table(self.queries[0])
        where, params = self.store._where(replace(self.queries[0], native=condition))
        # CASE WHEN, not the bare condition: SQLite evaluates AND/OR in a result column without
        # short-circuit (both sides, every Python check), but a CASE condition with it.
        flags = ", ".join(f"CASE WHEN ({rest}) THEN 1 END" for rest in rests)
        matches = [array("q") for _ in rests]
        # Read to the end before anything is returned: no read snapshot stays open while the
        # caller writes alerts (see SqliteStore.search), and a failure leaves nothing half done.
        cursor = execute(f"SELECT seq, {flags} FROM {table}{where} ORDER BY ts, {ID_TEXT}", params)
        try:
            for row in cursor:
                for position, flag in enumerate(row[1:]):
                    if flag:
                        matches[position].append(row[0])
        except sqlite3.Error as e:
            raise StoreError(f"query failed: {query_error(e)}") from e
        return matches


def _any_of(own: list[list[str]], rests: list[str]) -> str:
    """The WHERE term that lets through the rows some query may accept: the OR of each query's
    own conjuncts that SQLite evaluates natively, a superset of the OR of the ``rests``, which
    the CASE of each result column decides exactly (a row none of them accepts is dropped as it
    is read). Each rest was written twice in the statement, in the OR and in its column: its
    exact (Python) checks are most of its text, and preparing the statement (100 rules, 330 KB
    of SQL) was a third of the scan of an incremental pass. When a query has no native
    conjunct, the OR of the rests themselves (a row the superset lets through would reach
    Python, once per row of the range)."""
    natives = [[c for c in rest if not calls_python(c)] for rest in own]
    if any(not parts for parts in natives):
        return any_sql(rests)
    return any_sql([all_sql(parts) for parts in natives])


#: A top-level ``<expression> LIKE '<pattern>' ESCAPE '\\'`` conjunct over a plain expression
#: (columns, functions, quoted names: no string literal, no AND/OR/NOT inside).
_LIKE = re.compile(r"(?P<expr>[A-Za-z_\"][\w(),. \"]*?) LIKE '(?P<pattern>(?:[^']|'')*)' ESCAPE '\\'")
_LIKE_END = "ESCAPE '\\'"
_LOGIC = re.compile(r"\b(?:AND|OR|NOT|LIKE|GLOB)\b", re.IGNORECASE)
#: The shortest fragment worth a test of its own (literal characters).
_MIN_FRAGMENT = 3
#: Longer LIKE patterns are not searched for fragments (the search is quadratic in them).
_MAX_PATTERN = 200


def common_fragment(rests: Sequence[Sequence[str]]) -> str | None:
    """A LIKE that each of ``rests`` (the own top-level conjuncts of each query of a combined
    scan) implies: the longest run of pattern characters that some LIKE conjunct of every
    query, on one expression, contains. None when there is none of at least
    :data:`_MIN_FRAGMENT` literal characters.

    It is a superset of every query's own condition, tested once per row before their OR: a
    value that matches ``%a<run>b%`` contains a match of ``<run>`` (``_`` in the run stands where
    ``_`` stands in each pattern), so a row whose value matches no ``%<run>%`` fails that LIKE
    conjunct of every query, and so every query (twenty message rules that look for
    `` tok300``, `` tok305``, ... read each row once for `` to``, not twenty times).
    """
    likes = [_likes(rest) for rest in rests]
    if not likes or any(not found for found in likes):
        return None
    best: tuple[int, str, tuple[str, ...]] | None = None
    for expr in set.intersection(*(set(found) for found in likes)):
        pieces = [[p for pattern in found[expr] for p in _pieces(pattern)] for found in likes]
        run = _longest_shared(pieces)
        literal = sum(1 for token in run if token != "_")
        if literal >= _MIN_FRAGMENT and (best is None or literal > best[0]):
            best = (literal, expr, run)
    if best is None:
        return None
    _, expr, run = best
    return f"{expr} LIKE {sql_string('%' + ''.join(run) + '%')} ESCAPE '\\'"


def _likes(conjuncts_: Sequence[str]) -> dict[str, list[str]]:
    """The LIKE conjuncts among ``conjuncts_``: expression -> patterns."""
    found: dict[str, list[str]] = {}
    for conjunct in conjuncts_:
        text = conjunct.strip()
        if not text.rstrip(") ").endswith(_LIKE_END):
            continue  # no LIKE at its end, whatever encloses it (its parentheses are not counted)
        while text.startswith("(") and text.endswith(")") and _balanced(text[1:-1]):
            text = text[1:-1].strip()
        match = _LIKE.fullmatch(text)
        if match is None or _LOGIC.search(match["expr"]) or not _balanced(match["expr"]):
            continue
        pattern = match["pattern"].replace("''", "'")
        if len(pattern) <= _MAX_PATTERN:
            found.setdefault(match["expr"].strip(), []).append(pattern)
    return found


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += (char == "(") - (char == ")")
        if depth < 0:
            return False
    return depth == 0


def _pieces(pattern: str) -> list[tuple[str, ...]]:
    """A LIKE pattern's runs between ``%``: tokens, each an escaped character (``\\x``), ``_``,
    or a character."""
    pieces: list[tuple[str, ...]] = []
    run: list[str] = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\" and index + 1 < len(pattern):
            run.append(pattern[index:index + 2])
            index += 2
            continue
        if char == "%":
            if run:
                pieces.append(tuple(run))
            run = []
        else:
            run.append(char)
        index += 1
    if run:
        pieces.append(tuple(run))
    return pieces


def _longest_shared(pieces: list[list[tuple[str, ...]]]) -> tuple[str, ...]:
    """The longest token run found inside some piece of every query (the first query's runs
    are the candidates, longest first)."""
    candidates = sorted({piece[i:j] for piece in pieces[0] for i in range(len(piece))
                         for j in range(i + 1, len(piece) + 1)}, key=lambda run: (-len(run), run))
    for run in candidates:
        if all(any(_contains(piece, run) for piece in own) for own in pieces[1:]):
            return run
    return ()


def _contains(piece: tuple[str, ...], run: tuple[str, ...]) -> bool:
    size = len(run)
    return any(piece[i:i + size] == run for i in range(len(piece) - size + 1))
