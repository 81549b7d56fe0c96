"""loghub's Linux_2k (a real 2005 Red Hat /var/log/messages; loghub licence: see
shared/corpus/loghub/LICENSE, https://github.com/logpai/loghub): every line of the
authentication components yields the fields its loghub template implies, checked against
loghub's hand-made structured CSV; and the bundled brute-force rules fire for exactly the
remote hosts the CSV shows with five or more authentication failures within five minutes, on
SQLite and on Elasticsearch."""

from __future__ import annotations

import csv
import ipaddress
import re
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from govsoc.collectors import ingest_file
from govsoc.collectors.base import ParseContext
from govsoc.collectors.files.lines import LineFileSource
from govsoc.collectors.linux.auth import LinuxAuthParser
from govsoc.rules import BUILTIN_PACKS, detect, load_rules
from govsoc.store.base import Store

LOG = "loghub/Linux/Linux_2k.log"
ZONE = ZoneInfo("Asia/Shanghai")
CONTEXT = ParseContext(timezone=ZONE, reference=datetime(2005, 12, 31, tzinfo=UTC))
REMOTE_BRUTE_FORCE = "9579e799-d005-478d-88e8-cf8a45bfd208"
SSH_BRUTE_FORCE = "0b8e4d52-7c1a-4f3e-b6d9-5a2c8e1f4d70"
#: The authentication components of Linux_2k (loghub's "Component" column).
COMPONENTS = {"sshd(pam_unix)", "su(pam_unix)", "login(pam_unix)", "gdm(pam_unix)", "gdm-binary", "ftpd",
              "klogind", "-- root"}

Fields = dict[str, Any]


def _source(value: str) -> Fields:
    """What an address-or-name variable must give: source.address, and .ip or .domain."""
    try:
        return {"source.address": value, "source.ip": str(ipaddress.ip_address(value)), "source.domain": None}
    except ValueError:
        return {"source.address": value, "source.ip": None, "source.domain": value}


def _failure(**more: Any) -> Fields:
    return {"event.action": "authentication_failure", "event.outcome": "failure",
            "event.category": ["authentication"], **more}


#: loghub EventId -> the fields its template implies, from the template's variables (<*>).
TEMPLATES: dict[str, Callable[[list[str]], Fields]] = {
    # authentication failure; ... rhost=<*> [user=guest|root|test]: PAM's failure, from that host
    "E16": lambda v: _failure(**_source(v[0]), **{"user.name": None}),
    "E17": lambda v: _failure(**_source(v[0]), **{"user.name": "guest"}),
    "E18": lambda v: _failure(**_source(v[0]), **{"user.name": "root"}),
    "E19": lambda v: _failure(**_source(v[0]), **{"user.name": "test"}),
    # gdm: the same with an empty rhost (a console login): no source at all
    "E15": lambda v: _failure(**{"source.address": None}),
    # check pass; user unknown
    "E27": lambda v: {"event.action": "unknown-user", "event.outcome": "failure"},
    # session opened for user <*> by (uid=<*>) / by LOGIN(uid=<*>): the session's user, no actor
    "E102": lambda v: {"event.action": "logged-on", "user.name": v[0], "user.effective.name": None,
                       "event.category": ["session"], "event.type": ["start"]},
    "E103": lambda v: {"event.action": "logged-on", "user.name": v[0], "user.effective.name": None},
    "E101": lambda v: {"event.action": "logged-off", "user.name": v[0], "event.type": ["end"]},
    # gdm-binary: Couldn't authenticate user
    "E31": lambda v: _failure(),
    # ftpd: connection from <ip> (<name>) at <time>
    "E29": lambda v: {"event.action": "connection-accepted", "source.ip": v[0],
                      "source.domain": v[1] or None, "event.category": ["network"]},
    # ftpd: ANONYMOUS FTP LOGIN FROM <ip>,  (anonymous)
    "E9": lambda v: {"event.action": "logged-in", "event.outcome": "success", "user.name": "anonymous",
                     "source.ip": v[0]},
    "E112": lambda v: {"event.action": "session-timeout", "user.name": None},
    "E47": lambda v: {"event.action": "connection-error", "error.message": "Transport endpoint is not connected"},
    # klogind: Authentication failed from <ip> (<ip>): <reason>; Kerberos authentication failed
    "E13": lambda v: _failure(**{"source.ip": v[0], "source.domain": None}),
    "E14": lambda v: _failure(**{"source.ip": v[0], "source.domain": None}),
    "E61": lambda v: _failure(**{"source.address": None}),
    # "-- root[2421]: ROOT LOGIN ON tty2": a root login on a console
    "E91": lambda v: {"event.action": "logged-in", "event.outcome": "success", "user.name": "root",
                      "linux.auth.tty": "tty2"},
}


def rows(corpus: Path) -> dict[int, dict[str, str]]:
    with (corpus / "loghub/Linux/Linux_2k.log_structured.csv").open(encoding="utf-8") as handle:
        return {int(row["LineId"]): row for row in csv.DictReader(handle)}


def variables(template: str, content: str) -> list[str]:
    pattern = re.escape(template.strip()).replace(re.escape("<*>"), "(.*?)")
    match = re.fullmatch(pattern, content.strip())
    assert match is not None, (template, content)
    return list(match.groups())


def test_every_auth_line_yields_what_its_template_implies(corpus: Path) -> None:
    truth = rows(corpus)
    parser = LinuxAuthParser()
    checked: dict[str, int] = defaultdict(int)
    for record in LineFileSource(corpus / LOG).records():
        row = truth[record.line or 0]
        if row["Component"] not in COMPONENTS:
            continue
        (event,) = parser.parse(record, CONTEXT)
        local = event.timestamp.astimezone(ZONE)
        assert (local.strftime("%b"), local.day, local.strftime("%H:%M:%S")) == \
            (row["Month"], int(row["Date"]), row["Time"])
        assert event.get("host.name") == row["Level"]          # loghub's "Level" column holds the host
        assert event.get("log.syslog.appname") == row["Component"]
        assert event.get("process.pid") == (int(row["PID"]) if row["PID"] else None)
        assert event.get("message") == row["Content"].strip()
        expected = TEMPLATES[row["EventId"]](variables(row["EventTemplate"], row["Content"]))
        assert {k: event.get(k) for k in expected} == expected, (row["LineId"], row["Content"])
        if event.get("user.name"):
            assert event.get("related.user") == [event.get("user.name")]
        checked[row["Component"]] += 1
    assert dict(checked) == {"sshd(pam_unix)": 677, "su(pam_unix)": 172, "login(pam_unix)": 2, "gdm(pam_unix)": 2,
                             "gdm-binary": 1, "ftpd": 916, "klogind": 46, "-- root": 1}


def hosts_with_bursts(corpus: Path, threshold: int = 5, span: timedelta = timedelta(minutes=5)) -> set[str]:
    """Remote hosts with ``threshold`` authentication failures within ``span``, read from the
    CSV's content column with expressions of this test's own (not the parser's)."""
    failures: dict[str, list[datetime]] = defaultdict(list)
    shapes = (re.compile(r"authentication failure;.* rhost=(\S+)"), re.compile(r"Authentication failed from (\S+) "))
    for row in rows(corpus).values():
        if row["Component"] not in COMPONENTS:
            continue
        for shape in shapes:
            match = shape.search(row["Content"])
            if match:
                when = datetime.strptime(f"2005 {row['Month']} {row['Date']} {row['Time']}", "%Y %b %d %H:%M:%S")
                failures[match[1]].append(when)
    return {host for host, times in failures.items()
            if any(sum(1 for u in times if t <= u <= t + span) >= threshold for t in times)}


def test_the_brute_force_rules_fire_for_every_guessing_host(store: Store, corpus: Path, tmp_path: Path) -> None:
    summary = ingest_file(corpus / LOG, parser_id="linux.auth", store=store, data_dir=tmp_path / "state")
    assert (summary.records, summary.parse_failures) == (2000, 0)
    store.refresh()
    result = detect(store, load_rules([BUILTIN_PACKS]))
    assert result.failed == []
    alerts = list(store.alerts())
    fired = {alert.group["source.address"] for alert in alerts if alert.rule_id == REMOTE_BRUTE_FORCE}
    expected = hosts_with_bursts(corpus)
    assert len(expected) == 40          # 39 guessing sshd through PAM, one rlogin (klogind)
    assert fired == expected
    # this 2005 log has no line of sshd itself, so the sshd rule has nothing to count
    assert not [alert for alert in alerts if alert.rule_id == SSH_BRUTE_FORCE]
