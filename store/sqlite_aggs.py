"""The SQLite store's aggregations (Store.groups, Store.histogram, Store.cardinality) as SQL.

Each aggregation is one statement: SQLite groups, counts, sums and takes the first and last time,
so a report costs a few statements whatever the number of events. Fields with a column are
grouped on the column; any other field through ``json_each`` over the row's document (an array
counts once per element, a row once per group: ``SELECT DISTINCT seq, value``). Alerts are
grouped over their stored JSON documents (``json_each(doc, path)``: a list is its elements, a
scalar itself); their keys are text, as Elasticsearch's keyword fields give them.

Stage: store. The functions take the store's ``WHERE`` clause for events
(SqliteStore._where) and build their own for alerts (:func:`alert_where`).
"""

from __future__ import annotations

import ipaddress
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from govsoc.core.ecs import field_type
from govsoc.core.errors import StoreError
from govsoc.core.event import format_timestamp, parse_timestamp
from govsoc.store.base import Bucket, Group, Query, Scalar
from govsoc.store.sqlite_layout import JSON_FUNCTION, field_call, micros
from govsoc.store.sqlite_query import column_sql, field_expression, present_sql

__all__ = ["alert_path", "alert_where", "cardinality_sql", "groups_sql", "histogram_sql", "read_groups",
           "read_histogram", "register_aggregation_functions"]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
#: Alert document keys held in their own column (read without parsing the document).
_ALERT_COLUMNS = {"rule.id": "alerts.rule_id"}
Execute = Callable[[str, list[Any]], Any]


def alert_path(field: str) -> str:
    """The JSON path of an alert field in its stored document: top-level keys are dotted names
    (``"rule.id"``), ``context`` and ``group`` hold an object of dotted names each."""
    head, _, rest = field.partition(".")
    if head in ("context", "group") and rest:
        return f'$.{head}."{_quoted(rest)}"'
    return f'$."{_quoted(field)}"'


def _quoted(name: str) -> str:
    if '"' in name or "\\" in name:
        raise StoreError(f"an alert field name cannot hold quotes or backslashes: {name!r}")
    return name


def alert_where(query: Query) -> tuple[str, list[Any]]:
    """The WHERE clause over ``alerts`` of an alert query (start time range and terms only)."""
    if query.text or query.native or query.after or query.until or query.exclude:
        raise StoreError("an alert aggregation takes a time range and terms only (no text, native "
                         "condition, exclusions or ingest positions)")
    clauses: list[str] = []
    params: list[Any] = []
    for sql, value in (("alerts.ts >= ?", query.start), ("alerts.ts < ?", query.end)):
        if value is not None:
            clauses.append(sql)
            params.append(micros(value))
    for name, values in sorted(query.terms.items()):
        if not values:
            clauses.append("0")
            continue
        marks = ", ".join("?" for _ in values)
        clauses.append(f"EXISTS (SELECT 1 FROM json_each(alerts.doc, ?) AS t WHERE CAST(t.value AS TEXT) IN ({marks}))")
        params.append(alert_path(name))
        params.extend(str(int(v)) if isinstance(v, bool) else str(v) for v in values)
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def groups_sql(where: tuple[str, list[Any]], field: str, *, size: int, total: str | None,
               alerts: bool) -> tuple[str, list[Any]]:
    """One statement giving (key, count, total, first ts, last ts) rows, most frequent first."""
    clause, params = where
    if alerts:
        total_sql = "NULL" if total is None else "govsoc_number(json_extract(alerts.doc, ?))"
        total_params = [] if total is None else [alert_path(total)]
        # an alert's span reaches its last event (event.end, fixed-width ISO text), not its start
        inner = (f"SELECT DISTINCT alerts.id AS member, CAST(je.value AS TEXT) AS k, alerts.ts AS ts, "
                 f"json_extract(alerts.doc, '$.\"event.end\"') AS te, {total_sql} AS t "
                 f"FROM alerts, json_each(alerts.doc, ?) AS je{clause} {'AND' if clause else 'WHERE'} "
                 f"je.value IS NOT NULL")
        params = [*total_params, alert_path(field), *params]
    else:
        total_sql = "NULL" if total is None else f"govsoc_number({field_expression(total)})"
        column = column_sql(field)
        if column is not None:
            inner = (f"SELECT {column} AS k, ts, ts AS te, {total_sql} AS t FROM events{clause} "
                     f"{'AND' if clause else 'WHERE'} {column} IS NOT NULL")
        else:
            # The events are picked first, so that the condition's names never meet json_each's.
            # (rows of shapes without the field are passed over before their document is read)
            present = present_sql(field)
            picked = clause if present is None else f"{clause} {'AND' if clause else 'WHERE'} {present}"
            inner = (f"SELECT DISTINCT events.seq, je.value AS k, events.ts AS ts, events.ts AS te, {total_sql} AS t "
                     f"FROM (SELECT * FROM events{picked}) AS events, "
                     f"json_each({field_call(JSON_FUNCTION, field)}) AS je WHERE je.value IS NOT NULL")
    # Elasticsearch orders an ip field's values by their 16-byte form: ties are broken alike.
    tie = "govsoc_ip_order(k), k" if not alerts and field_type(field) == "ip" else "k"
    sql = (f"SELECT k, COUNT(*) AS c, TOTAL(t), MIN(ts), MAX(te) FROM ({inner}) "
           f"GROUP BY k ORDER BY c DESC, {tie} ASC LIMIT {int(size)}")
    return sql, list(params)


def register_aggregation_functions(db: sqlite3.Connection) -> None:
    """Install ``govsoc_ip_order(text)``: an address as the 16 bytes Elasticsearch's ip type
    sorts by (IPv4 mapped into IPv6), NULL for text that is no address."""
    db.create_function("govsoc_ip_order", 1, _ip_order, deterministic=True)


def _ip_order(value: object) -> bytes | None:
    try:
        address = ipaddress.ip_address(str(value))
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv4Address):
        return b"\0" * 10 + b"\xff\xff" + address.packed
    return address.packed


def read_groups(rows: Any, *, span: bool) -> list[Group]:
    """The groups of :func:`groups_sql`'s rows."""
    return [Group(key=k, count=int(c), total=float(t), first=_time(first) if span else None,
                  last=_time(last) if span else None) for k, c, t, first, last in rows]


def histogram_sql(where: tuple[str, list[Any]], *, interval: timedelta, origin: datetime,
                  alerts: bool) -> tuple[str, list[Any]]:
    """One statement giving (interval number, count) rows in time order. The number is the floor
    of (ts - origin) / interval (SQLite's ``/`` truncates toward zero, so negatives step down)."""
    step = _step(interval)
    clause, params = where
    table, ts = ("alerts", "alerts.ts") if alerts else ("events", "ts")
    d = f"({ts} - {micros(origin)})"
    sql = (f"SELECT k, COUNT(*) FROM (SELECT ({d} / {step}) - ({d} % {step} < 0) AS k FROM {table}{clause}) "
           f"GROUP BY k ORDER BY k")
    return sql, list(params)


def read_histogram(rows: Any, *, interval: timedelta, origin: datetime) -> list[Bucket]:
    """Buckets keyed by the start of each interval."""
    return [Bucket(key=format_timestamp(origin + int(k) * interval), count=int(c)) for k, c in rows]


def cardinality_sql(where: tuple[str, list[Any]], field: str, *, alerts: bool) -> tuple[str, list[Any]]:
    """One statement giving the number of distinct values of ``field``."""
    clause, params = where
    if alerts:
        return (f"SELECT COUNT(DISTINCT CAST(je.value AS TEXT)) FROM alerts, json_each(alerts.doc, ?) AS je{clause}",
                [alert_path(field), *params])
    column = column_sql(field)
    if column is not None:
        return f"SELECT COUNT(DISTINCT {column}) FROM events{clause}", list(params)
    present = present_sql(field)
    picked = clause if present is None else f"{clause} {'AND' if clause else 'WHERE'} {present}"
    return (f"SELECT COUNT(DISTINCT je.value) FROM (SELECT * FROM events{picked}) AS events, "
            f"json_each({field_call(JSON_FUNCTION, field)}) AS je", list(params))


def _step(interval: timedelta) -> int:
    step = micros(_EPOCH + interval)
    if step <= 0 or step % 1_000_000:
        raise StoreError(f"a histogram interval is a positive number of whole seconds, not {interval}")
    return step


def _time(ts: Scalar | None) -> datetime | None:
    if isinstance(ts, str):  # an alert's event.end, as format_timestamp wrote it
        return parse_timestamp(ts)
    return None if ts is None else _EPOCH + timedelta(microseconds=int(ts))
