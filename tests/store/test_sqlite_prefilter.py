"""Native prefilters of the SQLite store's rule conditions are supersets of the exact checks
(govsoc.store.sqlite_prefilter), and the indexes they are built for are really used.

The superset property is what makes a prefilter safe: every value the exact Python check
accepts must pass the prefilter. It is checked on generated values and patterns (hypothesis)
chosen to hit the hard cases: ASCII case, the non-ASCII code points whose fold is ASCII, other
cased scripts, and the characters LIKE and GLOB treat specially.
"""

from __future__ import annotations

import ipaddress
import json
import re
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from sigma.collection import SigmaCollection
from sigma.types import SigmaString, SpecialChars

from govsoc.core.caseless import fold
from govsoc.core.coercion import coerce_value
from govsoc.core.event import Event, make_id
from govsoc.rules.backends import backend_for
from govsoc.rules.backends.sqlite_patterns import search_regex
from govsoc.store.base import Query
from govsoc.store.sqlite import SqliteStore
from govsoc.store.sqlite_functions import register_functions
from govsoc.store.sqlite_prefilter import ASCII_FOLDS, Wildcard, cidr_prefilter_sql, key_index_sql, key_of, key_sql
from govsoc.store.sqlite_query import text_prefilter_sql
from govsoc.store.sqlite_query_indexes import QUERY_INDEXES

# Letters in both cases, the code points that fold to ASCII (İ -> i, K -> k), a cased
# non-ASCII pair (É/é), an uncased letter, and the wildcard and escape characters of LIKE/GLOB.
ALPHABET = "aAiIkKzZ\u0130\u212a\u00c9\u00e9\u4e2d%_\\*?[]' "


def _all_code_points() -> str:
    return "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)


def test_fold_is_one_code_point_to_one() -> None:
    # The LIKE prefilter's '_' for a non-ASCII literal character relies on this.
    text = _all_code_points()
    assert len(fold(text)) == len(text)


def test_ascii_folds_are_computed_from_fold() -> None:
    text = _all_code_points()
    folded = fold(text)
    found = {a: b for a, b in zip(text, folded, strict=True) if not a.isascii() and b.isascii()}
    assert found == ASCII_FOLDS


@pytest.fixture(scope="module")
def db() -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(":memory:")
    register_functions(connection)
    yield connection
    connection.close()


def _truth(db: sqlite3.Connection, sql: str, value: object) -> bool:
    return bool(db.execute(f"SELECT coalesce(({sql}), 0) FROM (SELECT ? AS v)", (value,)).fetchone()[0])


def _exact(value: str, pattern: list[str | Wildcard], *, caseless: bool) -> bool:
    """The exact check, as govsoc_match runs it."""
    regex = search_regex(_sigma(pattern), caseless=caseless)
    return re.search(regex, fold(value) if caseless else value, re.DOTALL) is not None


def _sigma(pattern: list[str | Wildcard]) -> SigmaString:
    value = SigmaString("")
    value.s = tuple(SpecialChars.WILDCARD_MULTI if p is Wildcard.MANY else SpecialChars.WILDCARD_SINGLE
                    if p is Wildcard.ONE else p for p in pattern if p != "")
    return value


patterns = st.lists(st.one_of(st.text(ALPHABET, min_size=1, max_size=4), st.sampled_from(list(Wildcard))),
                    max_size=4)


def _variant(draw: st.DrawFn, pattern: list[str | Wildcard]) -> str:
    """A value that matches ``pattern`` caselessly: each literal character in some case, or a
    code point that folds to it."""
    sources: dict[str, list[str]] = {}
    for char in ALPHABET:
        sources.setdefault(fold(char), []).append(char)
    out = []
    for part in pattern:
        if part is Wildcard.MANY:
            out.append(draw(st.text(ALPHABET, max_size=3)))
        elif part is Wildcard.ONE:
            out.append(draw(st.sampled_from(ALPHABET)))
        else:
            out.extend(draw(st.sampled_from(sources.get(fold(c), [c]))) for c in str(part))
    return "".join(out)


@st.composite
def matching(draw: st.DrawFn) -> tuple[str, list[str | Wildcard]]:
    pattern = draw(patterns)
    return _variant(draw, pattern), pattern


@settings(max_examples=400, deadline=None)
@given(case=matching(), other=st.text(ALPHABET, max_size=8))
def test_caseless_text_prefilter_admits_every_match(db: sqlite3.Connection, case: tuple[str, list[str | Wildcard]],
                                                    other: str) -> None:
    value, pattern = case
    for candidate in (value, other):
        _assert_admitted(db, candidate, pattern, caseless=True)


def _assert_admitted(db: sqlite3.Connection, value: str, pattern: list[str | Wildcard], *, caseless: bool) -> None:
    """When the exact check accepts ``value``, its LIKE/GLOB prefilter and its key-index term do."""
    if not _exact(value, pattern, caseless=caseless):
        return
    pre = text_prefilter_sql("user.name", "v", [pattern], caseless=caseless, indexed=False)
    key = key_index_sql(key_sql("v"), pattern, caseless=caseless)
    assert pre is None or _truth(db, pre, value), (value, pattern, pre)
    assert key is None or _truth(db, key, value), (value, pattern, key)


@settings(max_examples=300, deadline=None)
@given(pattern=patterns, value=st.text(ALPHABET, max_size=8), data=st.data())
def test_cased_text_prefilter_admits_every_match(db: sqlite3.Connection, pattern: list[str | Wildcard], value: str,
                                                 data: st.DataObject) -> None:
    exact_value = "".join(data.draw(st.text(ALPHABET, max_size=3)) if p is Wildcard.MANY
                          else data.draw(st.sampled_from(ALPHABET)) if p is Wildcard.ONE else str(p) for p in pattern)
    assert _exact(exact_value, pattern, caseless=False)
    for candidate in (exact_value, value):
        _assert_admitted(db, candidate, pattern, caseless=False)


def test_key_sql_is_key_of(db: sqlite3.Connection) -> None:
    text = ALPHABET + "ÀÖ\u0131\u017f"
    assert db.execute(f"SELECT {key_sql('?')}", (text,)).fetchone()[0] == key_of(text)


def test_untyped_fields_admit_real_values(db: sqlite3.Connection) -> None:
    # Python writes 1e+20 where SQLite writes 1.0e+20: a text pattern cannot judge a REAL.
    pre = text_prefilter_sql("custom.number", "v", [["1e+20"]], caseless=True)
    assert pre is not None and _truth(db, pre, 1e20)
    typed = text_prefilter_sql("user.name", "v", [["1e+20"]], caseless=True)
    assert typed is not None and "typeof" not in typed


def _canonical(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str:
    text = coerce_value("ip", str(address))
    assert isinstance(text, str)
    return text


@settings(max_examples=400, deadline=None)
@given(address=st.one_of(st.ip_addresses(v=4), st.ip_addresses(v=6)),
       prefix=st.integers(min_value=0, max_value=128), mapped=st.booleans())
def test_cidr_prefilter_admits_every_address_in_the_network(
        db: sqlite3.Connection, address: ipaddress.IPv4Address | ipaddress.IPv6Address, prefix: int,
        mapped: bool) -> None:
    length = min(prefix, address.max_prefixlen)
    network = str(ipaddress.ip_network(f"{address}/{length}", strict=False))
    if mapped and address.version == 4:
        address = ipaddress.IPv6Address(f"::ffff:{address}")  # the exact check reads it as IPv4
    value = _canonical(address)
    # (an IPv4-mapped address drawn as IPv6 is read as IPv4 by the exact check: outside ::/0)
    assume(_truth(db, f"govsoc_cidr(v, {network!r})", value))
    pre = cidr_prefilter_sql("v", network)
    assert pre is None or _truth(db, pre, value), (value, network, pre)


@pytest.mark.parametrize(("network", "inside", "outside"), [
    ("10.0.0.0/8", "10.255.0.1", "100.0.0.1"),          # a text prefix '10.' must not admit '100.'
    ("172.16.0.0/12", "172.31.9.9", "172.32.0.1"),      # a prefix inside an octet: 16..31 enumerated
    ("192.168.1.128/25", "192.168.1.200", "192.168.1.12"),  # the last octet enumerated
    ("203.0.113.7/32", "203.0.113.7", "203.0.113.70"),  # one address: equality, not a prefix
    ("2001:db8::/32", "2001:db8:1::5", "2001:db9::1"),  # leading IPv6 groups
    ("::ffff:10.0.0.0/104", "10.1.1.1", "11.1.1.1"),    # a mapped network is its IPv4 network
])
def test_cidr_prefilter_is_narrow(db: sqlite3.Connection, network: str, inside: str, outside: str) -> None:
    pre = cidr_prefilter_sql("v", network)
    assert pre is not None
    assert _truth(db, pre, inside)
    assert not _truth(db, pre, outside)


# -- on a real store: plans and answers ---------------------------------------------------
T0 = datetime(2026, 5, 1, tzinfo=UTC)
USERS = ["root", "admin", "Kelvin", "user\u0130x", "oracle"] + [f"user{i:03d}" for i in range(200)]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SqliteStore]:
    path = tmp_path_factory.mktemp("prefilter") / "events.db"
    opened = SqliteStore(path)
    events = []
    for n in range(3000):
        user = USERS[n % len(USERS)]
        events.append(Event(id=make_id("p", n), timestamp=T0 + timedelta(seconds=n), dataset="linux.auth", fields={
            "event.module": "linux", "process.name": "sshd" if n % 3 else "cron", "event.action": "ssh_login",
            "user.name": user.upper() if n % 7 == 0 else user, "source.ip": f"10.{n % 5}.{n % 256}.{n % 250 + 1}",
            "message": f"Failed password for {user} from 10.{n % 5}.0.1 tok{n % 97}"}))
    opened.write(events)
    opened.refresh()
    yield opened
    opened.close()


def _rule(detection: str) -> str:
    return (f"title: t\nid: 00000000-0000-4000-8000-000000000009\nlogsource: {{product: linux, service: sshd}}\n"
            f"detection: {{{detection}, condition: sel}}\n")


def _plan_and_ids(store: SqliteStore, native: str) -> tuple[str, set[str]]:
    query = Query(native=native, until=store.position())
    where, params = store._where(query)  # the plan of the store's own statement (a test may look inside)
    sql = f"SELECT ts, id, doc FROM events{where} ORDER BY ts, id"
    plan = " | ".join(row[3] for row in store._db.execute("EXPLAIN QUERY PLAN " + sql, params))
    return plan, {e.id for e in store.search(query)}


@pytest.mark.parametrize(("detection", "index"), [
    # caseless equality on an indexed keyword field: its key index, not a scan
    ("sel: {user.name: ROOT}", "events_key_user_name"),
    # a prefix: a range over the same index
    ("sel: {user.name|startswith: USER01}", "events_key_user_name"),
    # a list of values of one field: one index, several lookups
    ("sel: {user.name: [admin, oracle]}", "events_key_user_name"),
    # |cidr: ranges over the address index
    ("sel: {source.ip|cidr: 10.3.0.0/16}", "events_source_ip"),
])
def test_the_index_is_used_and_the_answer_is_exact(store: SqliteStore, detection: str, index: str) -> None:
    rule = SigmaCollection.from_yaml(_rule(detection)).rules[0]
    native = backend_for("sqlite").convert(rule)
    plan, found = _plan_and_ids(store, native)
    assert index in plan, plan
    assert found, "the rule must match something for the comparison to mean anything"
    assert found == _python_ids(store, detection)


def _python_ids(store: SqliteStore, detection: str) -> set[str]:
    """The rule's answer computed in Python from the stored events (no SQL condition at all)."""
    rule = SigmaCollection.from_yaml(_rule(detection)).rules[0]
    item = rule.detection.detections["sel"].detection_items[0]
    field = str(item.field)
    wanted = list(item.value)
    found = set()
    for event in store.search(Query()):
        if fold(str(event.get("process.name"))) != "sshd" or fold(str(event.get("event.module"))) != "linux":
            continue
        actual = event.get(field)
        if actual is None:
            continue
        for value in wanted:
            if hasattr(value, "network"):
                ok = ipaddress.ip_address(actual) in value.network
            else:
                ok = re.search(search_regex(value, caseless=True), fold(str(actual)), re.DOTALL) is not None
            if ok:
                found.add(event.id)
    return found


def test_query_indexes_need_no_govsoc_function(store: SqliteStore) -> None:
    # Built-in SQL only: any SQLite can write to the file and check it.
    plain = sqlite3.connect(store.path)
    try:
        assert plain.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        names = {r[0] for r in plain.execute("SELECT name FROM sqlite_schema WHERE type = 'index'")}
        assert {index.name for index in QUERY_INDEXES} <= names
    finally:
        plain.close()


def test_keywords_and_contains_keep_their_answer(store: SqliteStore) -> None:
    # No index fits a substring: the LIKE prefilter narrows, the exact check decides.
    rule = SigmaCollection.from_yaml(_rule("sel: {message|contains: 'FOR KELVIN'}")).rules[0]
    native = backend_for("sqlite").convert(rule)
    found = {e.id for e in store.search(Query(native=native))}
    expected = {e.id for e in store.search(Query()) if "for kelvin" in fold(str(e.get("message")))
                and e.get("process.name") == "sshd"}
    assert found == expected and found


@pytest.mark.parametrize(("original", "message"), [
    (None, "Failed password for ROOT"),                                    # message alone
    ("Mar  1 08:00:07 h sshd[7]: Failed password for ROOT", "Failed password for ROOT"),  # a suffix of the line
    ("Mar  1 08:00:07 h sshd[7]: Failed password for ROOT [x]", "Failed password for ROOT"),  # a part of it
    ("Mar  1 08:00:07 h sshd[7]: something else", "Failed password for ROOT"),  # not in the line at all
])
def test_message_substrings_are_found_however_the_row_holds_message(tmp_path: Path, original: str | None,
                                                                    message: str) -> None:
    # The prefilter reads the row's columns behind message (govsoc.store.sqlite_layout), not its
    # expression: each way the store may hold a message must still be found.
    opened = SqliteStore(tmp_path / "m.db")
    try:
        fields = {"event.module": "linux", "process.name": "sshd", "message": message}
        if original is not None:
            fields["event.original"] = original
        opened.write([Event(id=make_id("m", 1), timestamp=T0, dataset="linux.auth", fields=fields)])
        rule = SigmaCollection.from_yaml(_rule("sel: {message|contains: 'password for root'}")).rules[0]
        assert [e.get("message") for e in opened.search(Query(native=backend_for("sqlite").convert(rule)))] \
            == [message]
    finally:
        opened.close()


def test_a_keyword_prefilter_passes_only_escaped_records_holding_its_written_runs(tmp_path: Path) -> None:
    # A keyword is searched in a JSON raw record's values (govsoc.core.json_text, R12 F14). The
    # prefilter first let every record with a backslash through to the Python check (50,000
    # Winlogbeat-like records: 3-5 s a keyword rule instead of 0.15 s); the runs of letters,
    # digits and spaces that no JSON encoder escapes must still be in the text as written.
    from govsoc.store.sqlite_query import keyword_prefilter_sql

    def raw(command: str) -> Event:
        return Event(id=make_id("escaped", command), timestamp=datetime(2026, 3, 2, tzinfo=UTC),
                     dataset="windows.security", fields={"message": "process created",
                                                         "event.original": json.dumps({"CommandLine": command})})

    with SqliteStore(tmp_path / "events.db") as store:
        store.write([raw('C:\\Windows\\System32\\cmd.exe /c "whoami"'), raw("C:\\Windows\\notepad.exe")])
        pre = keyword_prefilter_sql([[Wildcard.MANY, 'system32\\cmd.exe /c "whoami"', Wildcard.MANY]])
        assert pre is not None
        assert store.count(Query(native=pre)) == 1
        # a keyword with nothing an encoder keeps as written: every escaped record is a candidate
        assert store.count(Query(native=str(keyword_prefilter_sql([[Wildcard.MANY, "登录", Wildcard.MANY]])))) == 2


def test_no_other_code_point_folds_into_the_blocks_a_like_pattern_keeps() -> None:
    # R50c-2: the LIKE prefilter keeps CJK characters as they are; that is a superset only while no other
    # code point folds to one of them, and each folds to itself (checked over every code point)
    from govsoc.store.sqlite_prefilter import UNFOLDED_BLOCKS

    def kept(point: int) -> bool:
        return any(low <= point <= high for low, high in UNFOLDED_BLOCKS)

    for point in range(0x110000):
        if 0xD800 <= point <= 0xDFFF:
            continue
        folded = fold(chr(point))
        if kept(point):
            assert folded == chr(point), hex(point)
        else:
            assert not any(kept(ord(c)) for c in folded), hex(point)


def test_a_chinese_phrase_is_a_literal_of_the_like_pattern_and_a_long_one_no_pattern() -> None:
    # R50c-2: '登录' gave LIKE '%__%' (every row a candidate, 60 % slower than before the keyword SQL);
    # R50c-1: a pattern over SQLite's 50,000 bytes failed the query ("LIKE or GLOB pattern too complex")
    from govsoc.store.sqlite_prefilter import Wildcard, glob_sql, like_sql
    assert like_sql("m", [Wildcard.MANY, "用户登录失败", Wildcard.MANY]) == "m LIKE '%用户登录失败%' ESCAPE '\\'"
    assert like_sql("m", [Wildcard.MANY, "über", Wildcard.MANY]) == "m LIKE '%_ber%' ESCAPE '\\'"
    assert like_sql("m", [Wildcard.MANY, "a" * 60_000, Wildcard.MANY]) is None
    assert glob_sql("m", [Wildcard.MANY, "登" * 17_000, Wildcard.MANY]) is None
    assert like_sql("m", [Wildcard.MANY, "a" * 40_000, Wildcard.MANY]) is not None


@pytest.mark.parametrize(("message", "text", "found"), [
    ("用户 管理员 登录失败 from 10.1.2.3", "登录失败", True),
    ("用户 管理员 登录成功 from 10.1.2.3", "登录失败", False),
    ("GET /search?q=" + "A" * 70_000, "a" * 60_000, True),  # R50c-1: 'LIKE or GLOB pattern too complex'
    ("GET /search?q=" + "A" * 70_000, "b" * 60_000, False),
])
def test_text_search_of_chinese_and_of_a_very_long_phrase(sqlite_store: SqliteStore, message: str, text: str,
                                                           found: bool) -> None:
    sqlite_store.write([Event(id=make_id("long", message), timestamp=datetime(2026, 3, 4, tzinfo=UTC), dataset="t",
                              fields={"event.original": "Mar  4 10:00:00 host app: " + message, "message": message})])
    assert sqlite_store.count(Query(text=text)) == (1 if found else 0)
