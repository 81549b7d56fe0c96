"""Sigma log sources beyond Linux, Windows, web access, Zeek and the clouds SigmaHQ covers: the
Chinese security devices (sangfor, hillstone, topsec, nsfocus, dbappsecurity), Suricata EVE (all
records, and per event_type as ``service``), Huawei Cloud CTS and the web servers' error logs
(SigmaHQ's ``service: apache`` / ``service: nginx``). Each source has a rule that fires through
the real parser, on SQLite and on Elasticsearch, on exactly the records its row names, and not
on another source's records that carry the same values (the near misses named per row).

Samples: the device logs of tests/data/collectors/devices (README there), the Suricata EVE lines
of tests/collectors/suricata/test_eve.py (elastic/integrations, Elastic License 2.0), the CTS
traces of tests/collectors/cloud/test_trails.py (Huawei's documentation and API), the error logs
of tests/data/collectors/web (elastic/beats, Apache-2.0). The crash lines for SigmaHQ's three
web rules are composed (no public sample was found), in each server's real layout and message
text: Apache's ``child pid %d exit signal %s (%d)`` (AH00052), glibc's assertion message that
Apache's error log receives on stderr, and nginx's ``worker process %P exited on signal %d
(core dumped)``. The device and cloud rules are govsoc's, written as SigmaHQ writes rules.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from govsoc.collectors import ingest_file
from govsoc.core.event import Event
from govsoc.rules import detect, load_rules
from govsoc.rules.pipeline import rule_source_status
from govsoc.store.base import Query, Store
from govsoc.store.sqlite import SqliteStore
from tests.collectors.cloud.test_trails import CTS_API, CTS_DOC
from tests.collectors.suricata.test_eve import ALERT, DNS_V2, FLOW, HTTP, TLS

DATA = Path(__file__).resolve().parents[1] / "data" / "collectors"
DEVICES = {"huawei": "huawei", "h3c": "h3c", "sangfor": "sangfor.af", "hillstone": "hillstone.stoneos",
           "topsec": "topsec.tos", "nsfocus": "nsfocus.ips", "dbappsecurity": "dbappsecurity.waf"}
SIGMAHQ_WEB = "sigma/rules/web/product"
T0 = datetime(2026, 11, 30, 6, 0, tzinfo=UTC)
# composed (see the module docstring): a crash line of each kind, and the other server's text in a
# line of the wrong server (the near misses of the source condition)
APACHE_CRASHES = [
    "[Mon Nov 30 06:20:01 2026] [notice] child pid 24532 exit signal Segmentation fault (11)",
    "[Mon Nov 30 06:20:02.123456 2026] [core:notice] [pid 1201:tid 140237] AH00052: child pid 24533 exit signal "
    "Segmentation fault (11)",
    "[Mon Nov 30 06:20:03 2026] [notice] child pid 24534 exit signal Bus error (7)",
    "httpd: tpp.c:63: __pthread_tpp_change_priority: Assertion `new_prio == -1 || (new_prio >= fifo_min_prio && "
    "new_prio <= fifo_max_prio)' failed.",
    "[Mon Nov 30 06:20:04 2026] [error] [client 192.0.2.8] proxy: backend said: worker process 1202 exited on signal "
    "6 (core dumped)",
]
NGINX_CRASHES = [
    "2026/11/30 06:20:05 [alert] 1201#1201: worker process 1202 exited on signal 6 (core dumped)",
    "2026/11/30 06:20:06 [alert] 1201#1201: worker process 1203 exited with code 0",
    '2026/11/30 06:20:07 [error] 1203#1203: *7 FastCGI sent in stderr: "child pid 99 exit signal Segmentation '
    'Fault (11)" while reading response header from upstream, client: 192.0.2.7, server: portal, request: '
    '"GET /index.php HTTP/1.1"',
]


def rule(title: str, logsource: str, selection: str) -> str:
    """A rule as SigmaHQ writes one, with ``selection`` (YAML lines) as its only condition."""
    lines = "\n".join(f"        {line}" for line in selection.splitlines())
    return (f"title: {title}\nid: {uuid.uuid5(uuid.NAMESPACE_URL, title)}\nstatus: test\n"
            f"logsource:\n    {logsource}\ndetection:\n    selection:\n{lines}\n    condition: selection\n"
            f"level: medium\n")


@dataclass(frozen=True)
class Row:
    """A rule (composed here, or a SigmaHQ file) and the records it must fire on, each named by
    a text the raw record holds (one record each)."""

    name: str
    text: str | None
    fires_on: tuple[str, ...]


ROWS = [
    # Sangfor AF's IPS log (日志类型:IPS防护日志); NSFOCUS's IPS alerts have the same action
    Row("sangfor", rule("Sangfor AF IPS hit", "product: sangfor", "event.action: intrusion-detected"),
        ("日志类型:IPS防护日志",)),
    # every NSFOCUS line is an IPS alert; Sangfor's IPS line is the near miss
    Row("nsfocus", rule("NSFOCUS IPS alert", "product: nsfocus", "event.action: intrusion-detected"),
        ("[50083]", "[50575]", "[24482]")),
    # every DBAppWAF line is a WAF attack record; Sangfor's WAF line (WAF应用防护日志) is the near miss
    Row("dbappsecurity", rule("DBAPPSecurity WAF attack", "product: dbappsecurity",
                              "event.action: web-attack-detected"),
        ("Dec 20 10:20:30 10-50-86-12 DBAppWAF",
         "Nov 18 15:15:28 10-50-86-12 DBAppWAF", "Aug 15 11:25:12 10-50-86-12 DBAppWAF",
         "Nov  4 11:40:03 10.50.81.59 DBAppWAF", "sip/112.65.228.2")),
    # an administrator's SSH login that failed; H3C's and Huawei's failed logins are the near misses
    Row("hillstone", rule("Hillstone admin login failed", "product: hillstone", "event.action: logon-failed"),
        ('Admin user "root" attempted to login through SSH failed',)),
    # Topsec's botnet detection (type="僵尸网络") is its only alert; every other vendor's alert is a near miss
    Row("topsec", rule("Topsec threat alert", "product: topsec", "event.kind: alert"), ('type="僵尸网络"',)),
    # every EVE record to port 443 (the alert and the TLS record); NSFOCUS's alert to 443 is a near miss
    Row("suricata", rule("Suricata record to HTTPS", "product: suricata", "dest_port: 443"),
        ('"event_type":"alert"', '"event_type":"tls"')),
    # EVE alerts from the LAN only: the http, dns and tls records from the same hosts (other
    # event types) and Sangfor's alerts from 192.168.200.1 (another product) are near misses
    Row("suricata-alert", rule("Suricata alert from the LAN", "product: suricata\n    service: alert",
                               "src_ip|cidr: 192.168.0.0/16\nalert.signature|contains: 'ET POLICY'"),
        ('"event_type":"alert"',)),
    # EVE's DNS answer for a google.com name (dns.rrname, moved to dns.question.name by the parser)
    Row("suricata-dns", rule("Suricata DNS answer", "product: suricata\n    service: dns",
                             "dns.rrname|endswith: '.google.com'\ndns.rrtype: A"),
        ('"rrname":"clients.l.google.com"',)),
    # a console login on Huawei Cloud (CTS keys); the SMN API call is the near miss
    Row("huaweicloud", rule("Huawei Cloud console login", "product: huaweicloud\n    service: cts",
                            "trace_type: ConsoleAction\ntrace_name: login\nservice_type: IAM"),
        ('"trace_name":"login"',)),
    # SigmaHQ's rules, unmodified: both Apache layouts' segfault lines; the bus error and the
    # nginx line quoting a segfault are near misses
    Row("apache/web_apache_segfault.yml", None,
        ("child pid 24532 exit signal Segmentation fault", "AH00052: child pid 24533 exit signal")),
    # the glibc assertion Apache's error log receives (a continuation line of the error log)
    Row("apache/web_apache_threading_error.yml", None, ("__pthread_tpp_change_priority",)),
    # nginx's worker core dump; the clean exit and Apache's line quoting the same text are near misses
    Row("nginx/web_nginx_core_dump.yml", None, ("1201#1201: worker process 1202 exited on signal 6",)),
]


def ingest_all(store: Store, tmp_path: Path) -> None:
    state = tmp_path / "state"
    total = 0
    for product, parser in DEVICES.items():
        summary = ingest_file(DATA / "devices" / f"{product}.log", parser_id=parser, store=store, data_dir=state)
        assert summary.parse_failures == 0, product
        total += summary.receipt.created
    sources = {"eve.json": ("suricata.eve", [ALERT, HTTP, DNS_V2, TLS, FLOW]),
               "cts.json": ("huaweicloud.cts", [CTS_DOC, CTS_API]),
               "apache_crash.log": ("apache.error", APACHE_CRASHES), "nginx_crash.log": ("nginx.error", NGINX_CRASHES)}
    for name, (parser, lines) in sources.items():
        (tmp_path / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
        summary = ingest_file(tmp_path / name, parser_id=parser, store=store, data_dir=state)
        assert (summary.receipt.created, summary.parse_failures) == (len(lines), 0), name
    for name in ("apache_error.log", "nginx_error.log"):
        summary = ingest_file(DATA / "web" / name, parser_id=name.split("_")[0] + ".error", store=store, data_dir=state)
        assert summary.parse_failures == 0


def parsed(tmp_path: Path) -> list[Event]:
    """Every record's events as the real parsers and pipeline made them (ingested into a scratch
    SQLite store), with @timestamp moved into one hour of 2026-11-30: the samples span 2011 to
    2026, and Elasticsearch would need an index for each ISO week among them."""
    with SqliteStore(tmp_path / "parsed.db") as scratch:
        ingest_all(scratch, tmp_path)
        events = sorted(scratch.search(Query()), key=lambda e: e.id)
    return [Event(id=e.id, timestamp=T0 + timedelta(seconds=n), dataset=e.dataset, fields=e.fields)
            for n, e in enumerate(events)]


def owner(original: str, row: Row) -> bool:
    """Whether a record is one the row names."""
    return any(text in original for text in row.fires_on)


@pytest.mark.es
@pytest.mark.parametrize("kind", ["sqlite", "elasticsearch"])
def test_each_source_rule_fires_on_its_records_only(kind: str, request: pytest.FixtureRequest, corpus: Path,
                                                    tmp_path: Path) -> None:
    store: Store = request.getfixturevalue("sqlite_store" if kind == "sqlite" else "elastic9_store")
    events = parsed(tmp_path)
    for dataset in sorted({e.dataset for e in events}):  # a write per dataset: each adds few fields to the mapping
        batch = [e for e in events if e.dataset == dataset]
        assert store.write(batch).created == len(batch)
    store.refresh()
    folder = tmp_path / "rules"
    folder.mkdir()
    files = {}
    for row in ROWS:
        if row.text is None:
            files[row.name] = corpus / SIGMAHQ_WEB / row.name
        else:
            files[row.name] = folder / f"{row.name}.yml"
            files[row.name].write_text(row.text, encoding="utf-8")
    ruleset = load_rules(list(files.values()))
    assert ruleset.errors == []
    assert all(rule_source_status(r)[0] for r in ruleset.rules), [rule_source_status(r) for r in ruleset.rules]
    result = detect(store, ruleset)
    assert (result.rules, result.failed, result.no_source) == (len(ROWS), [], {})
    events = {e.id: e for e in store.search(Query())}
    by_file = {str(path): name for name, path in files.items()}
    fired: dict[str, set[str]] = {row.name: set() for row in ROWS}
    for alert in store.alerts():
        fired[by_file[str(ruleset.files[alert.rule_id])]].update(alert.event_ids)
    for row in ROWS:
        expected = {i for i, e in events.items() if owner(str(e.get("event.original")), row)}
        assert len(expected) == len(row.fires_on), (row.name, len(expected))
        assert fired[row.name] == expected, (row.name, sorted(str(events[i].get("event.original"))[:90]
                                                               for i in fired[row.name] ^ expected))
