"""`govsoc status`, its receivers part: per syslog/NetFlow receiver (`govsoc listen`), its life
counters, whether it runs and listens, its senders and which of them went silent, and the two
tables status prints of them; and whether a recorded process is alive and a saved time recent,
which the daemon's part of status asks too."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from typing import Any

from rich.table import Table
from rich.text import Text

from govsoc.cli.terminal import one_line
from govsoc.collectors.receivers import OUTCOMES

#: Per sender: messages received, then what became of them (received = rejected + the OUTCOMES).
SENDER_COUNTS = ("messages", "bytes", "rejected", *OUTCOMES)
#: A sender not heard for this long is silent (rules.silence.silent_sources' default quiet period).
SILENT_AFTER = timedelta(hours=1)


def receiver_status(data: dict[str, Any]) -> dict[str, Any]:
    """One receiver's row: its life counters, rejections by reason, and whether it runs now (its
    process is alive and saved its counters within the last 2 minutes) and listens (its thread
    and socket are alive: a listener that died while the process runs on is shown as such)."""
    counters = {str(k): int(v) for k, v in data["counters"].items()}
    rejected = {str(k): int(v) for k, v in (data.get("rejected") or {}).items()}
    refused = {str(k): int(v) for k, v in (data.get("refused") or {}).items()}
    # saved every second while it runs; a delivery thread held up by a slow store may save late
    running = bool(data.get("running")) and _alive(data.get("pid")) and _recent(data.get("updated"), 120.0)
    listening = running and bool(data.get("listening", True))
    senders = {str(host): {name: int(v.get(name, 0)) for name in SENDER_COUNTS} | {
               "last_heard": str(v.get("last_heard", ""))}
               for host, v in (data.get("senders") or {}).items() if isinstance(v, dict)}
    unit = str(data.get("unit") or "message")
    ended = sum(counters.get(name, 0) for name in OUTCOMES)
    if unit != "message":  # NetFlow: datagrams have no outcome of their own, their events do
        ended = counters.get("accepted", 0)
    return {"name": str(data.get("name", "")), "transport": str(data.get("transport", "")), "unit": unit,
            "address": str(data.get("address") or data.get("listen", "")), "running": running,
            "listening": listening, "problem": str(data.get("problem") or "") if running else "",
            "since": data.get("since"), "updated": data.get("updated"), **counters,
            "rejected": sum(rejected.values()), "rejected_by_reason": rejected,
            "in_flight": max(0, counters.get("accepted", 0) - ended),
            "refused_connections": sum(refused.values()), "refused_by_reason": refused, "senders": senders}


def _alive(pid: object) -> bool:
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _recent(when: object, seconds: float) -> bool:
    try:
        at = datetime.fromisoformat(str(when))
    except ValueError:
        return False
    return (datetime.now(UTC) - at).total_seconds() <= seconds


def _senders_table(receivers: list[dict[str, Any]], now: datetime) -> Table:
    """Every sender of every receiver, the longest silent first: a device that stopped sending
    is at the top."""
    rows = [(row["name"], host, sender) for row in receivers for host, sender in row["senders"].items()]
    rows.sort(key=lambda r: (r[2]["last_heard"], r[0], r[1]))
    table = Table(title=f"senders ({len(rows)})")
    numbers = ("messages", "bytes", "stored", "spooled", "rejected", "dropped")
    for name in ("receiver", "sender", *numbers, "last heard", "silent for"):
        table.add_column(name, justify="right" if name in (*numbers, "silent for") else "left")
    for receiver, host, sender in rows:
        try:
            silent = f"{(now - datetime.fromisoformat(sender['last_heard'])).total_seconds():.0f} s" + (
                " SILENT" if sender.get("silent") else "")
        except ValueError:
            silent = "-"
        table.add_row(Text(one_line(receiver)), Text(one_line(host)), str(sender["messages"]),
                      str(sender["bytes"]), str(sender["stored"]), str(sender["spooled"]),
                      str(sender["rejected"] + sender["store_rejected"]), str(sender["dropped"]),
                      sender["last_heard"] or "-", silent)
    return table


def mark_silent(receivers: list[dict[str, Any]], now: datetime, quiet: timedelta = SILENT_AFTER) -> None:
    """Mark each sender last heard before ``now - quiet`` as ``silent`` (rules.silence's notion
    for stored sources, here for what a receiver hears: a device that went silent while the
    socket stays open), and give each receiver ``silent_senders``, their count."""
    for row in receivers:
        count = 0
        for sender in row["senders"].values():
            try:
                heard = datetime.fromisoformat(sender["last_heard"])
            except ValueError:
                heard = None
            sender["silent"] = heard is not None and heard < now - quiet
            count += sender["silent"]
        row["silent_senders"] = count


def _state(row: dict[str, Any]) -> str:
    if row["listening"]:
        silent = row.get("silent_senders", 0)
        if silent:
            return f"listening; {silent} of {len(row['senders'])} senders SILENT"
        return "listening"
    if row["running"]:
        return f"NOT LISTENING: {row['problem'] or 'its listener ended'}"
    return f"stopped {row['updated'] or ''}".strip()


def _events(row: dict[str, Any]) -> str:
    """What became of a receiver's events: "58 stored", "3 stored, 2 spooled"."""
    parts = [f"{row.get('events_' + fate, 0)} {fate}" for fate in ("stored", "spooled", "dropped")
             if fate == "stored" or row.get("events_" + fate, 0)]
    return ", ".join(parts)


def _receivers_table(receivers: list[dict[str, Any]]) -> Table:
    """One row per receiver. ``received`` names its unit (syslog messages, NetFlow datagrams,
    IPFIX messages; accepted = received - rejected, in the JSON); stored / spooled / dropped
    count messages (a NetFlow datagram has no outcome of its own: "-"); "records: events" the
    records decoded from them and what became of the events those made ("58: 58 stored")."""
    table = Table(title=f"receivers ({len(receivers)})")
    columns = ("receiver", "address", "state", "senders", "received", "stored", "spooled", "dropped",
               "records: events", "rejected", "refused connections", "kernel drops", "truncated",
               "GB18030 or replaced")
    for name in columns:  # what names the row, and its counts, are never cut
        table.add_column(name, justify="left" if name in ("receiver", "address", "state") else "right",
                         no_wrap=name in ("address", "received"), min_width=15 if name == "state" else None,
                         overflow="fold" if name == "receiver" else "ellipsis")
    for row in receivers:
        by_reason = {**row["rejected_by_reason"], "store": row.get("store_rejected", 0)}
        reasons = ", ".join(f"{k} {v}" for k, v in sorted(by_reason.items()) if v)
        refused = ", ".join(f"{k} {v}" for k, v in sorted(row["refused_by_reason"].items()) if v)
        messages = row["unit"] == "message"
        outcomes = [str(row.get(name, 0)) if messages else "-" for name in ("stored", "spooled", "dropped")]
        table.add_row(Text(one_line(f"{row['name']} ({row['transport']})")), Text(one_line(row["address"])),
                      Text(one_line(_state(row))), str(len(row["senders"])),
                      Text(one_line(f"{row['received']} {row['unit']}s")), *outcomes,
                      Text(f"{row.get('records', 0)}: {_events(row)}"),
                      Text(f"{row['rejected'] + row.get('store_rejected', 0)}" + (f" ({reasons})" if reasons else "")),
                      Text(f"{row['refused_connections']}" + (f" ({refused})" if refused else "")),
                      str(row["kernel_drops"]), str(row["truncated"]),
                      str(row["decoded_gb18030"] + row["decode_replaced"]))
    return table
