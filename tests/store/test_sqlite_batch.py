"""SqliteStore.search_many: queries that would each scan the same rows share one statement, and
every query still gets exactly, and in the same order, what its own search gives."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sigma.collection import SigmaCollection

from govsoc.core.errors import StoreError
from govsoc.core.event import Event, make_id
from govsoc.rules.backends import backend_for
from govsoc.store.base import Query
from govsoc.store.sqlite import SqliteStore
from govsoc.store.sqlite_batch import common_fragment
from govsoc.store.sqlite_conjuncts import conjuncts, remember, spans
from govsoc.store.sqlite_query import field_expression

T0 = datetime(2026, 5, 1, tzinfo=UTC)
DETECTIONS = [
    "sel: {user.name: user007}",                     # a key-index lookup: runs alone
    "sel: {source.ip|cidr: 10.2.0.0/16}",            # an address range: runs alone
    "sel: {message|contains: tok1}",                 # a scan
    "sel: {message|endswith: tok23}",                # a scan
    "sel: {event.outcome: failure, message|contains: 'FOR USER00'}",  # a scan
    "sel: {message|contains: no such text}",         # a scan that finds nothing
]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SqliteStore]:
    opened = SqliteStore(tmp_path_factory.mktemp("batch") / "events.db")
    opened.write(Event(id=make_id("b", n), timestamp=T0 + timedelta(seconds=n % 500, microseconds=n),
                       dataset="linux.auth",
                       fields={"event.module": "linux", "process.name": "sshd",
                               "event.outcome": "failure" if n % 2 else "success", "user.name": f"user{n % 40:03d}",
                               "source.ip": f"10.{n % 4}.0.{n % 200 + 1}",
                               "message": f"Failed password for user{n % 40:03d} tok{n % 97}"})
                 for n in range(4000))
    opened.refresh()
    yield opened
    opened.close()


def natives() -> list[str]:
    backend = backend_for("sqlite")
    return [backend.convert(SigmaCollection.from_yaml(
        f"title: t\nid: 00000000-0000-4000-8000-00000000000{i}\nlogsource: {{product: linux, service: sshd}}\n"
        f"detection: {{{d}, condition: sel}}\n").rules[0]) for i, d in enumerate(DETECTIONS)]


def traced_search_many(store: SqliteStore, queries: list[Query]) -> tuple[list[list[str]], list[str]]:
    """The ids search_many gives per query, and the statements it ran (on the store's
    connection and on the one that reads ahead)."""
    statements: list[str] = []
    store._db.set_trace_callback(statements.append)
    store.reading_ahead().set_trace_callback(statements.append)
    try:
        return [[e.id for e in hits] for hits in store.search_many(queries)], statements
    finally:
        store._db.set_trace_callback(None)
        store.reading_ahead().set_trace_callback(None)


@pytest.mark.parametrize("after", [None, "3000"])  # a full pass; an incremental one (a narrow seq range)
def test_each_query_gets_what_its_own_search_gives(store: SqliteStore, after: str | None) -> None:
    queries = [Query(native=n, after=after, until=store.position()) for n in natives()]
    many, statements = traced_search_many(store, queries)
    alone = [[e.id for e in store.search(q)] for q in queries]
    assert many == alone
    assert all(alone[:5]) and alone[5] == []
    combined = [s for s in statements if s.startswith("SELECT seq, ")]
    assert len(combined) == 1, combined  # the four scans (and only they) shared one statement
    assert combined[0].count(f"govsoc_match({field_expression('message')}") >= 4


def test_a_narrow_range_asks_no_query_plan(store: SqliteStore) -> None:
    # An incremental pass reads a narrow ingest range by seq alone (NOT INDEXED): no index can
    # narrow it, so asking SQLite for each query's plan (a sixth of such a pass) is left out,
    # and every query, the key-index and range ones too, joins the one combined statement.
    # (SQLite's trace callback does not report EXPLAIN: the store's own statement calls are counted)
    asked: list[str] = []
    execute = store._execute

    def counted(sql: str, params: list[object]) -> object:
        asked.append(sql)
        return execute(sql, params)

    queries = [Query(native=n, after="3000", until=store.position()) for n in natives()]
    store._execute = counted  # type: ignore[method-assign]
    try:
        many, statements = traced_search_many(store, queries)
        plans = [s for s in asked if s.startswith("EXPLAIN")]
        asked.clear()
        # a wide range still asks (an index may narrow a query: it then runs alone)
        traced_search_many(store, [Query(native=n, until=store.position()) for n in natives()])
        wide = [s for s in asked if s.startswith("EXPLAIN QUERY PLAN")]
    finally:
        del store._execute
    assert many == [[e.id for e in store.search(q)] for q in queries] and all(many[:5])
    assert plans == []
    assert len([s for s in statements if s.startswith("SELECT seq, ")]) == 1
    assert len(wide) == len(DETECTIONS)


@pytest.mark.parametrize("after", [None, "3000"])  # a wide range; a narrow one (no plan asked)
def test_a_failing_query_fails_alone(store: SqliteStore, after: str | None) -> None:
    # An invalid regular expression fails when SQLite first evaluates it, inside the combined scan.
    bad = f"{field_expression('message')} REGEXP '(unclosed'"
    until = store.position()
    queries = [Query(native=n, after=after, until=until) for n in natives()[2:4]] + [
        Query(native=bad, after=after, until=until)]
    results = store.search_many(queries)
    assert [len(list(hits)) for hits in results[:2]] == [len(list(store.search(q))) for q in queries[:2]]
    with pytest.raises(StoreError):
        list(results[2])


def test_the_next_statements_run_ahead_while_a_query_is_read(store: SqliteStore) -> None:
    # A detection pass builds alerts from one query's events while the statements the next
    # queries start with already run on the store's second connection (SQLite runs them without
    # Python's lock: the machine's other core). Here: the address range (alone) and the combined
    # scan of the four message queries, both before their own iterators are touched.
    queries = [Query(native=n, until=store.position()) for n in natives()]
    ahead: list[str] = []
    reader = store.reading_ahead()
    reader.set_trace_callback(ahead.append)
    try:
        results = store.search_many(queries)
        first = next(results[0])
        reader.set_trace_callback(None)  # (a job of the reading thread: those before it are done)
    finally:
        reader.set_trace_callback(None)
    assert [s for s in ahead if s.startswith("SELECT id, ts")] != []  # the address range's first page
    assert len([s for s in ahead if s.startswith("SELECT seq, ")]) == 1  # the message queries' scan
    many = [[first.id, *(e.id for e in results[0])], *([e.id for e in hits] for hits in results[1:])]
    assert many == [[e.id for e in store.search(q)] for q in queries]
    assert all(many[:5])


def test_the_reading_connection_keeps_no_second_large_page_cache(store: SqliteStore) -> None:
    # The store's own connection keeps 64 MiB of pages; the connection that reads ahead reads
    # the same pages through the file system's cache. A 64 MiB cache of its own raised a pass's
    # peak memory over 1,000,000 events from 154 to 226 MiB (bench.detect).
    sizes: list[int] = []
    store.reading_ahead().submit(lambda execute: sizes.append(execute("PRAGMA cache_size", []).fetchone()[0])).result()
    own = store._db.execute("PRAGMA cache_size").fetchone()[0]
    assert own == -65536
    assert sizes and -sizes[0] * 1024 <= 8 << 20  # KiB when negative: at most 8 MiB


@pytest.mark.parametrize(("sql", "expected"), [
    # nested ANDs flatten, enclosing parentheses go, a repeat is dropped
    ("((a = 1 AND (b = 2)) AND (c OR d)) AND a = 1", ("a = 1", "b = 2", "c OR d")),
    # an AND inside a string literal or a quoted identifier is text, not a conjunction
    ("x = 'p AND q' AND \"f AND g\" = 1", ("x = 'p AND q'", '"f AND g" = 1')),
    # a doubled quote stays inside its literal
    ("x = 'it''s AND' AND y", ("x = 'it''s AND'", "y")),
    # BETWEEN's AND is not a conjunction: the condition is kept whole
    ("x BETWEEN 1 AND 2 AND y", ("x BETWEEN 1 AND 2 AND y",)),
    # unbalanced text is kept whole
    ("(a AND b", ("(a AND b",)),
    # a parenthesised (CASE ... END) is one conjunct: its WHEN's AND is not the condition's
    ("(CASE WHEN a AND b THEN c ELSE d END) AND (x AND y)", ("(CASE WHEN a AND b THEN c ELSE d END)", "x", "y")),
    # a CASE that is not a group of its own: kept whole
    ("CASE WHEN a AND b THEN 1 END AND x", ("CASE WHEN a AND b THEN 1 END AND x",)),
    ("x AND (CASE WHEN a THEN 1 END = 1 AND y)", ("x AND (CASE WHEN a THEN 1 END = 1 AND y)",)),
])
def test_conjuncts(sql: str, expected: tuple[str, ...]) -> None:
    assert conjuncts(sql) == expected


@pytest.mark.parametrize("kept", [
    [[0, 5], [100, 120]],  # a span outside the condition (a damaged kept conversion)
    [],                    # nothing
    [[0, 5], ["7", 9]],    # not integers
    [[0, 5], [9, 9]],      # an empty part
    [[0, 5], [9]],         # not a pair
    [5, 9],                # not pairs
])
def test_kept_conjuncts_that_cannot_be_the_conditions_are_not_taken(kept: list[object]) -> None:
    sql = "x = 1 AND (y = 2 OR w = 4)"
    assert not remember(sql, kept)  # type: ignore[arg-type]
    assert conjuncts(sql) == ("x = 1", "y = 2 OR w = 4")


@pytest.mark.parametrize("sql", [
    "x = 1 AND (y = 2 OR w = 4)",
    "  ((a AND b)) AND a AND (c)  ",                        # blanks, enclosing parentheses, a repeat
    "x = 'it''s AND' AND y",
    "(CASE WHEN a AND b THEN c ELSE d END) AND (x AND y)",
    "A AND (B AND A)",                                      # a part that also stands in " AND "
])
def test_kept_spans_give_back_the_conjuncts(sql: str) -> None:
    split = conjuncts(sql)
    assert remember(sql, spans(sql))
    assert conjuncts(sql) == split


def test_shared_conjuncts_are_tested_once_before_the_rules_own_parts(store: SqliteStore) -> None:
    queries = [Query(native=n) for n in natives()[2:5]]
    many, statements = traced_search_many(store, queries)
    assert many == [[e.id for e in store.search(q)] for q in queries] and all(many)
    combined = next(s for s in statements if s.startswith("SELECT seq, "))
    where = combined[combined.index(" FROM events"):]
    # the log source's Python check is shared: it appears once, after the rules' own parts
    # (their native prefilters: their exact checks are the result columns')
    assert where.count('govsoc_match("event.module"') == 1
    assert where.index('govsoc_match("event.module"') > where.index("LIKE '%for user00%'")


def test_each_rules_exact_check_is_written_once_in_the_combined_statement(store: SqliteStore) -> None:
    # The WHERE lets through what any rule's native conjuncts accept; each rule's own column
    # decides exactly. Each rule's whole condition was written twice (in the OR and in its
    # column): preparing the statement was a third of the scan of an incremental pass.
    queries = [Query(native=n, after="3000", until=store.position()) for n in natives()[2:5]]
    many, statements = traced_search_many(store, queries)
    assert many == [[e.id for e in store.search(q)] for q in queries] and all(many)
    combined = next(s for s in statements if s.startswith("SELECT seq, "))
    assert combined.count(f"govsoc_match({field_expression('message')}") == 3


def test_a_rule_without_a_native_part_still_gets_exactly_its_own_events(store: SqliteStore) -> None:
    # A regular expression has no native prefilter: its rule's part of the WHERE is its exact
    # check (else the WHERE would let every row of the log source through to Python).
    backend = backend_for("sqlite")
    regex = backend.convert(SigmaCollection.from_yaml(
        "title: t\nid: 00000000-0000-4000-8000-000000000099\nlogsource: {product: linux, service: sshd}\n"
        "detection: {sel: {message|re: 'tok1[0-9]$'}, condition: sel}\n").rules[0])
    queries = [Query(native=n, after="3000", until=store.position()) for n in [*natives()[2:5], regex]]
    many, statements = traced_search_many(store, queries)
    assert many == [[e.id for e in store.search(q)] for q in queries] and all(many)
    assert len([s for s in statements if s.startswith("SELECT seq, ")]) == 1


@pytest.mark.parametrize(("rests", "expected"), [
    # a run every query's LIKE on one expression contains: the longest, its `_` kept
    ([["m LIKE '% to_300%' ESCAPE '\\'"], ["(m LIKE '% to_305%' ESCAPE '\\')", "govsoc_match(m, 'x', 1)"]],
     "m LIKE '% to_30%' ESCAPE '\\'"),
    # an escaped wildcard stays one literal character
    ([["m LIKE 'a\\%bcd' ESCAPE '\\'"], ["m LIKE '%\\%bcd%' ESCAPE '\\'"]], "m LIKE '%\\%bcd%' ESCAPE '\\'"),
    # runs on two different expressions prove nothing about either
    ([["a LIKE 'xyz' ESCAPE '\\'"], ["b LIKE 'xyz' ESCAPE '\\'"]], None),
    # a LIKE inside an OR is not implied by its query
    ([["m LIKE 'abc' ESCAPE '\\'"], ["(m LIKE 'x' ESCAPE '\\') OR (m LIKE 'abc' ESCAPE '\\')"]], None),
    # a query without any LIKE: nothing shared
    ([["m LIKE 'abcdef' ESCAPE '\\'"], ["govsoc_match(m, 'abcdef', 1)"]], None),
    # fewer than three literal characters in common: not worth a test
    ([["m LIKE '%ab_x%' ESCAPE '\\'"], ["m LIKE '%ab_y%' ESCAPE '\\'"]], None),
])
def test_common_fragment(rests: list[list[str]], expected: str | None) -> None:
    assert common_fragment(rests) == expected


def test_rules_sharing_a_fragment_read_it_once_and_find_what_they_find_alone(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "events.db")
    texts = ["Failed tok1", "FAILED TOK2 x", "failed to\u212a3", "failed tōk3", "failed tok4", "tok1 at start",
             "FA\u0130LED tok2"]
    store.write(Event(id=make_id("f", n), timestamp=T0 + timedelta(seconds=n), dataset="linux.auth",
                      fields={"event.module": "linux", "process.name": "sshd", "message": text})
                for n, text in enumerate(texts * 3))
    backend = backend_for("sqlite")
    queries = [Query(native=backend.convert(SigmaCollection.from_yaml(
        f"title: t\nid: 00000000-0000-4000-8000-00000000010{i}\nlogsource: {{product: linux, service: sshd}}\n"
        f"detection: {{sel: {{message|contains: 'ailed tok{i}'}}, condition: sel}}\n").rules[0]),
        until=store.position()) for i in range(1, 4)]
    many, statements = traced_search_many(store, queries)
    alone = [[e.id for e in store.search(q)] for q in queries]
    assert many == alone
    # Sigma's caseless match: TOK2 and the Kelvin sign (folds to k) match, ō does not; İ folds to i.
    assert [len(ids) for ids in alone] == [3, 6, 3]
    combined = [s for s in statements if s.startswith("SELECT seq, ")]
    assert len(combined) == 1 and "LIKE '%a_led to_%'" in combined[0], combined
    store.close()


def test_the_matches_of_a_narrow_range_are_read_in_one_statement_for_every_query(store: SqliteStore) -> None:
    # An incremental pass: a few hundred matches in all. One statement per query to read its
    # events by seq was a tenth of such a pass of 100 rules.
    queries = [Query(native=n, after="3000", until=store.position()) for n in natives()]
    many, statements = traced_search_many(store, queries)
    assert many == [[e.id for e in store.search(q)] for q in queries] and all(many[:5])
    reads = [s for s in statements if " FROM events " in s and not s.startswith("SELECT seq, ")]
    assert len(reads) == 1 and " WHERE seq IN (" in reads[0], reads


def test_a_page_read_ahead_before_a_delete_is_read_again(tmp_path: Path) -> None:
    # R12d N1: while a pass works on rule 1's hits, rule 2's first page runs ahead; then an
    # ingest in another process completes a line and deletes its partial copy (Store.delete,
    # which withdraws the copy's alerts: none yet). The page read ahead still held the copy, so
    # the pass raised an alert on a deleted event that no withdrawal would ever find.
    path = tmp_path / "events.db"
    store = SqliteStore(path)
    store.write(Event(id=make_id("b", n), timestamp=T0 + timedelta(seconds=n), dataset="linux.auth",
                      fields={"event.module": "linux", "process.name": "sshd", "user.name": f"user{n:03d}",
                              "message": f"Failed password for user{n:03d}"}) for n in range(200))
    store.refresh()
    backend = backend_for("sqlite")
    rules = [backend.convert(SigmaCollection.from_yaml(
        f"title: t\nid: 00000000-0000-4000-8000-00000000000{i}\nlogsource: {{product: linux, service: sshd}}\n"
        f"detection: {{sel: {{user.name: {user}}}, condition: sel}}\n").rules[0])
        for i, user in enumerate(["user001", "user150"])]
    until = store.position()
    first, second = store.search_many([Query(native=native, until=until) for native in rules])
    assert [e.get("user.name") for e in first] == ["user001"]  # rule 2's first page was sent ahead
    store.reading_ahead().submit(lambda _: None).result()  # ... and has run (one thread, in order)
    ingest = SqliteStore(path)
    assert ingest.delete([make_id("b", 150)]) == 1
    ingest.close()
    assert list(second) == []
    store.close()
