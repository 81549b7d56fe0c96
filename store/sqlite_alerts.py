"""The SQLite store's alerts (store/sqlite.py): upserted by id in one transaction, triage changes,
and alerts found by the events they rest on through the alert_events index."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Collection, Iterable, Iterator, Mapping
from datetime import datetime
from typing import Any, Literal

from govsoc.core.alert import Alert, AlertReceipt, TriageChange, document_json, judged_copies, keep_triage, reopened
from govsoc.core.errors import Location, StoreError
from govsoc.core.event import format_timestamp
from govsoc.store.sqlite_connection import SqliteConnection
from govsoc.store.sqlite_layout import ALERT_EVENTS_OF, micros

ALERT_BATCH = 500


class SqliteAlerts(SqliteConnection):
    """Alerts in the alerts table."""

    def delete_alerts_before(self, cutoff: datetime, *, dry_run: bool = False) -> int:
        """Drop alerts whose last event is before ``cutoff`` (stored times are fixed-width UTC
        ISO 8601 text, so text order is time order)."""
        where = """WHERE json_extract(doc, '$."event.end"') < ?"""
        bound = [format_timestamp(cutoff)]
        if dry_run:
            return int(self._execute(f"SELECT COUNT(*) FROM alerts {where}", bound).fetchone()[0])

        def delete() -> int:
            with self._transaction():
                self._db.execute(f"DELETE FROM alert_events WHERE {ALERT_EVENTS_OF.format(where=where)}", bound)
                return int(self._db.execute(f"DELETE FROM alerts {where}", bound).rowcount)

        try:
            return self._retrying(delete)
        except sqlite3.Error as e:
            raise StoreError(f"alert retention failed: {e}", location=Location(path=str(self.path))) from e

    def delete_alerts(self, ids: Iterable[str]) -> int:
        """Drop alerts by id."""
        wanted = sorted(set(ids))

        def delete() -> int:
            dropped = 0
            with self._transaction():
                for start in range(0, len(wanted), ALERT_BATCH):
                    chunk = wanted[start:start + ALERT_BATCH]
                    where = f"WHERE alerts.id IN ({', '.join('?' for _ in chunk)})"
                    self._db.execute(f"DELETE FROM alert_events WHERE {ALERT_EVENTS_OF.format(where=where)}", chunk)
                    dropped += int(self._db.execute(f"DELETE FROM alerts {where}", chunk).rowcount)
            return dropped

        try:
            return self._retrying(delete) if wanted else 0
        except sqlite3.Error as e:
            raise StoreError(f"alert delete failed: {e}", location=Location(path=str(self.path))) from e

    def write_alerts(self, alerts: Iterable[Alert]) -> AlertReceipt:
        """Upsert alerts by id, keeping stored triage fields (see Store.write_alerts), in one
        transaction: a transaction's cost grows with the pages it changes, and the id index
        takes random keys, so each transaction rewrites most of its pages (a pass of 48,574
        alerts written 500 a transaction wrote 86,000 pages, 1,000 or more a transaction 66,000)."""
        latest = list({a.id: a for a in alerts}.values())  # an id given twice: the last one counts
        if not latest:
            return AlertReceipt()
        try:
            return self._retrying(lambda: self._upsert_transaction(latest))
        except sqlite3.Error as e:
            raise StoreError(f"alert write failed: {e}", location=Location(path=str(self.path))) from e

    def _upsert_transaction(self, batch: list[Alert]) -> AlertReceipt:
        created = updated = unchanged = opened = 0
        with self._transaction():
            ids = sorted({a.id for a in batch})
            stored: dict[str, str] = {}
            for start in range(0, len(ids), ALERT_BATCH):  # (a statement's parameters are bounded)
                chunk = ids[start:start + ALERT_BATCH]
                marks = ", ".join("?" for _ in chunk)
                stored.update(self._db.execute(f"SELECT id, doc FROM alerts WHERE id IN ({marks})", chunk).fetchall())
            new: list[tuple[str, str, int, str]] = []
            # alert_events rows to add and to remove (V12 F8): a new alert's events, and the
            # events a stored alert gained or lost
            added: list[tuple[str, str]] = []
            removed: list[tuple[str, str]] = []
            for alert in batch:
                old = stored.get(alert.id)
                if old is None:
                    new.append((alert.id, alert.rule_id, micros(alert.start), alert.to_json()))
                    added.extend((event_id, alert.id) for event_id in alert.rests_on)
                    continue
                before = json.loads(old)
                kept = keep_triage(alert.to_document(), before, judged_elsewhere=alert.judged_elsewhere)
                doc = document_json(kept)
                # Compared as values, not as text: rows written before keys came in the
                # document's order (sorted) are equal documents too.
                if json.loads(doc) == before:
                    unchanged += 1
                else:
                    self._db.execute("UPDATE alerts SET rule_id = ?, ts = ?, doc = ? WHERE id = ?",
                                     (alert.rule_id, micros(alert.start), doc, alert.id))
                    updated += 1
                    opened += reopened(kept, before)
                    # the rows of what the written document rests on (its judged copies are the
                    # stored ones, which the pass's alert lacks: R57b-5)
                    was, now = _resting(before), _resting(kept)
                    added.extend((event_id, alert.id) for event_id in now - was)
                    removed.extend((event_id, alert.id) for event_id in was - now)
            if new:  # the alerts not stored yet, in one statement
                created = len(new)
                self._db.executemany("INSERT INTO alerts VALUES (?, ?, ?, ?)", new)
            self._db.executemany("DELETE FROM alert_events WHERE event_id = ? AND alert_id = ?", removed)
            # in key order: each index page is changed once, not once per row (random event ids)
            self._db.executemany("INSERT OR IGNORE INTO alert_events VALUES (?, ?)", sorted(added))
        return AlertReceipt(created=created, updated=updated, unchanged=unchanged, reopened=opened)

    def alert(self, alert_id: str) -> Alert | None:
        """The stored alert with this id, or None."""
        row = self._execute("SELECT doc FROM alerts WHERE id = ?", [alert_id]).fetchone()
        return None if row is None else Alert.from_document(json.loads(row[0]))

    def update_alert(self, alert_id: str, change: TriageChange) -> Alert:
        """Apply a triage change inside one write transaction."""

        def attempt() -> Alert:
            with self._transaction():
                row = self._db.execute("SELECT doc FROM alerts WHERE id = ?", (alert_id,)).fetchone()
                if row is None:
                    raise StoreError(f"no alert {alert_id!r}; list them with `govsoc alerts`",
                                     location=Location(path=str(self.path)))
                before = json.loads(row[0])
                changed = change.apply(Alert.from_document(before))
                self._db.execute("UPDATE alerts SET doc = ? WHERE id = ?", (changed.to_json(), alert_id))
                # govsoc's changes move what it rests on (a copy off a window's matches, its
                # completed line in): its rows follow, as a pass's write's do
                was, now = _resting(before), set(changed.rests_on)
                self._db.executemany("DELETE FROM alert_events WHERE event_id = ? AND alert_id = ?",
                                     [(i, alert_id) for i in was - now])
                self._db.executemany("INSERT OR IGNORE INTO alert_events VALUES (?, ?)",
                                     sorted((i, alert_id) for i in now - was))
            return changed

        try:
            return self._retrying(attempt)
        except sqlite3.Error as e:
            raise StoreError(f"alert update failed: {e}", location=Location(path=str(self.path))) from e

    def alerts(self, *, rule_id: str | None = None, start: datetime | None = None,
               end: datetime | None = None, limit: int | None = None,
               order: Literal["asc", "desc"] = "asc",
               event_ids: Collection[str] | None = None) -> Iterator[Alert]:
        """Stored alerts by start time then id."""
        clauses: list[str] = []
        params: list[Any] = []
        for sql, value in (("rule_id = ?", rule_id),
                           ("ts >= ?", micros(start) if start else None),
                           ("ts < ?", micros(end) if end else None)):
            if value is not None:
                clauses.append(sql)
                params.append(value)
        where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
        direction = "DESC" if order == "desc" else "ASC"
        if event_ids is not None:
            yield from self._alerts_on(event_ids, where, params, desc=order == "desc", limit=limit)
            return
        sql = f"SELECT doc FROM alerts{where} ORDER BY ts {direction}, id {direction}"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        for (doc,) in self._execute(sql, params):
            yield Alert.from_document(json.loads(doc))

    def _alerts_on(self, event_ids: Collection[str], where: str, params: list[Any], *, desc: bool,
                   limit: int | None) -> Iterator[Alert]:
        """The alerts resting on one of ``event_ids`` (and meeting ``where``), found through the
        alert_events index, so the cost follows the ids asked and the alerts found, not the
        alerts stored; a statement's parameters are bounded, so both steps go by chunks."""
        wanted = sorted({str(i) for i in event_ids})
        found: set[str] = set()
        for start in range(0, len(wanted), ALERT_BATCH):
            chunk = wanted[start:start + ALERT_BATCH]
            found.update(alert_id for (alert_id,) in self._execute(
                f"SELECT alert_id FROM alert_events WHERE event_id IN ({','.join('?' * len(chunk))})", chunk))
        ids = sorted(found)
        rows: list[tuple[int, str, str]] = []
        for start in range(0, len(ids), ALERT_BATCH):
            chunk = ids[start:start + ALERT_BATCH]
            test = (" AND " if where else " WHERE ") + f"id IN ({','.join('?' * len(chunk))})"
            rows.extend(self._execute(f"SELECT ts, id, doc FROM alerts{where}{test}", [*params, *chunk]))
        rows.sort(reverse=desc)
        for _, _, doc in rows[:limit]:
            yield Alert.from_document(json.loads(doc))


def _resting(doc: Mapping[str, Any]) -> set[str]:
    """Alert.rests_on of a stored document, without building the alert."""
    return {*(doc.get("event.ids") or ()), *(doc.get("alert.matched") or ()),
            *(i for _, lines in judged_copies(doc) for i in lines)}
