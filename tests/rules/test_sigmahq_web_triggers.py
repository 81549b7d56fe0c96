"""SigmaHQ's 13 ``category: webserver`` rules, unmodified, each with an access log line that fires
it, the same line in another letter case, and a near miss: ingested through the real
``apache.access`` parser and run by the real detection pass, on SQLite and on Elasticsearch. The
lines are composed (a rule's trigger is an attack against a web server); each row says why its
near miss must not fire. Every rule of the webserver source is in the table, so a rule that
becomes active is never run untested.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from govsoc.collectors import ingest_file
from govsoc.rules import detect, load_rules
from govsoc.rules.pipeline import rule_source_status
from govsoc.store.base import Query, Store

WEB = "sigma/rules/web/webserver_generic"
#: method, target, status, user agent ("-": none), referrer
Request = tuple[str, str, int, str, str]
UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64)"


@dataclass(frozen=True)
class Row:
    """A webserver rule: the request that fires it, in another case, and a near miss."""

    rule: str
    hit: Request
    case: Request
    miss: Request


ROWS = [
    # F5 iControl REST bash: only a POST runs the command
    Row("web_f5_tm_utility_bash_api_request.yml", ("POST", "/mgmt/tm/util/bash", 200, UA, "-"),
        ("POST", "/MGMT/TM/UTIL/BASH", 200, UA, "-"), ("GET", "/mgmt/tm/util/bash", 200, UA, "-")),
    # IIS short-name scan: only successful answers count
    Row("web_iis_tilt_shortname_scan.yml", ("GET", "/abcdef~1/a.aspx", 200, UA, "-"),
        ("OPTIONS", "/ABCDEF~1/A.ASPX", 301, UA, "-"), ("GET", "/abcdef~1/a.aspx", 404, UA, "-")),
    # OGNL/Java payload; Runtime.halt is not exec
    Row("web_java_payload_in_access_logs.yml", ("GET", "/x.action?c=getRuntime().exec('id')", 200, UA, "-"),
        ("GET", "/X.ACTION?C=GETRUNTIME().EXEC('ID')", 200, UA, "-"),
        ("GET", "/x.action?c=getRuntime().halt(0)", 200, UA, "-")),
    # JNDIExploit's paths; a near path is not one
    Row("web_jndi_exploit.yml", ("GET", "/Basic/Command/Base64/aWQ=", 200, UA, "-"),
        ("GET", "/BASIC/COMMAND/BASE64/aWQ=", 200, UA, "-"), ("GET", "/Basic/Commands/aWQ=", 200, UA, "-")),
    # three levels up to /etc; one level is not in the rule
    Row("web_path_traversal_exploitation_attempt.yml", ("GET", "/dl?file=../../../etc/passwd", 200, UA, "-"),
        ("GET", "/DL?FILE=../../../ETC/PASSWD", 200, UA, "-"), ("GET", "/dl?file=../etc/passwd", 200, UA, "-")),
    # .git/ is enumeration, .gitignore is not
    Row("web_source_code_enumeration.yml", ("GET", "/.git/config", 200, UA, "-"),
        ("GET", "/.GIT/CONFIG", 200, UA, "-"), ("GET", "/.gitignore", 200, UA, "-")),
    # the rule's own filter: a 404 answer is not an injection that worked
    Row("web_sql_injection_in_access_logs.yml", ("GET", "/item?id=1%20UNION%20SELECT%201,2", 200, UA, "-"),
        ("GET", "/item?id=1%20union%20select%201,2", 200, UA, "-"),
        ("GET", "/item?id=1%20UNION%20SELECT%201,2", 404, UA, "-")),
    # template injection; the keyword has no letters, the 404 filter decides the miss
    Row("web_ssti_in_access_logs.yml", ("GET", "/page?name={{7*7}}", 200, UA, "-"),
        ("GET", "/PAGE?NAME={{7*7}}", 200, UA, "-"), ("GET", "/page?name={{7*7}}", 404, UA, "-")),
    # sqlmap's agent; a name without its "/" is not
    Row("web_susp_useragents.yml", ("GET", "/", 200, "sqlmap/1.7.2#stable (https://sqlmap.org)", "-"),
        ("GET", "/", 200, "SQLMAP/1.7.2#STABLE", "-"), ("GET", "/", 200, "sqlmap-helper 1.0", "-")),
    # a Windows path in a parameter; D: is not in the rule
    Row("web_susp_windows_path_uri.yml", ("GET", "/view?path=C:/Windows/win.ini", 200, UA, "-"),
        ("GET", "/view?path=c:/windows/win.ini", 200, UA, "-"), ("GET", "/view?path=D:/Windows/win.ini", 200, UA, "-")),
    # reGeorg tunnels POST without agent or referrer; a browser's agent is the miss
    Row("web_webshell_regeorg.yml", ("POST", "/tunnel.jsp?cmd=read", 200, "-", "-"),
        ("POST", "/TUNNEL.JSP?CMD=READ", 200, "-", "-"), ("POST", "/tunnel.jsp?cmd=read", 200, UA, "-")),
    # a webshell running whoami; "who" alone is no keyword
    Row("web_win_webshells_in_access_logs.yml", ("GET", "/shell.aspx?c=whoami", 200, UA, "-"),
        ("GET", "/SHELL.ASPX?C=WHOAMI", 200, UA, "-"), ("GET", "/shell.aspx?c=who", 200, UA, "-")),
    # reflected XSS; the rule's filter drops 404 answers
    Row("web_xss_in_access_logs.yml", ("GET", "/search?q=%3Cscript%3Ealert(1)", 200, UA, "-"),
        ("GET", "/SEARCH?Q=%3cSCRIPT%3eALERT(1)", 200, UA, "-"),
        ("GET", "/search?q=%3Cscript%3Ealert(1)", 404, UA, "-")),
]
KINDS = ("hit", "case", "miss")


def test_the_table_covers_every_webserver_rule(corpus: Path) -> None:
    ruleset = load_rules([corpus / WEB])
    assert ruleset.errors == []
    active = {ruleset.files[str(r.id)].name for r in ruleset.rules if rule_source_status(r)[0]}
    assert active == {row.rule for row in ROWS} and len(ROWS) == 13


def write_log(path: Path) -> dict[str, tuple[str, str]]:
    """The access log (combined format); returns client address -> (rule, kind)."""
    owners: dict[str, tuple[str, str]] = {}
    with path.open("w", encoding="utf-8") as out:
        for n, row in enumerate(ROWS):
            for k, kind in enumerate(KINDS):
                method, target, status, agent, referrer = getattr(row, kind)
                client = f"198.51.{n}.{k + 1}"
                out.write(f'{client} - - [30/Nov/2026:02:{n:02d}:{k:02d} +0000] "{method} {target} HTTP/1.1" '
                          f'{status} 512 "{referrer}" "{agent}"\n')
                owners[client] = (row.rule, kind)
    return owners


@pytest.mark.es
@pytest.mark.parametrize("kind", ["sqlite", "elasticsearch"])
def test_webserver_rules_fire_on_their_requests_only(kind: str, request: pytest.FixtureRequest, corpus: Path,
                                                     tmp_path: Path) -> None:
    store: Store = request.getfixturevalue("sqlite_store" if kind == "sqlite" else "elastic9_store")
    log = tmp_path / "access.log"
    owners = write_log(log)
    summary = ingest_file(log, parser_id="apache.access", store=store, data_dir=tmp_path / "state", timezone="UTC")
    assert (summary.receipt.created, summary.parse_failures) == (3 * len(ROWS), 0)
    ruleset = load_rules([corpus / WEB / row.rule for row in ROWS])
    result = detect(store, ruleset)
    assert (result.rules, result.failed, result.no_source) == (len(ROWS), [], {})
    client = {e.id: e.get("source.ip") for e in store.search(Query())}
    fired: dict[str, set[str]] = {}
    for alert in store.alerts():
        rule = ruleset.files[alert.rule_id].name
        fired.setdefault(rule, set()).update(owners[client[e]][1] for e in alert.event_ids
                                             if owners[client[e]][0] == rule)
    assert {row.rule: fired.get(row.rule, set()) for row in ROWS} == {row.rule: {"hit", "case"} for row in ROWS}
