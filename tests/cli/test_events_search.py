"""`govsoc events` as an analyst searches: --text where Sigma keywords search, the message column of
events without a message, and field names and spans refused rather than answered "0" (R49a-2, R49a-3).
Run on the SQLite store and on Elasticsearch, through the CLI as a user types it."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from govsoc.cli import main
from govsoc.core.config import ElasticsearchSettings, es_credentials
from tests.cli.conftest import Run

#: Web access lines (nginx combined): a scanner's user agent, a traversal, ordinary requests.
WEB = [
    *(f'203.0.113.7 - - [23/Nov/2026:10:{n:02d}:00 +0800] "GET /index.php?id={n} HTTP/1.1" 200 512 "-" '
      f'"sqlmap/1.7.2#stable (https://sqlmap.org)"' for n in range(6)),
    '198.51.100.5 - - [23/Nov/2026:11:00:01 +0800] "GET /../../etc/passwd HTTP/1.1" 400 12 "-" "Nikto"',
    *(f'192.0.2.{n} - - [23/Nov/2026:12:{n:02d}:00 +0800] "POST /login HTTP/1.1" 302 0 "-" "Mozilla/5.0"'
      for n in range(1, 4)),
]


def _k8s(n: int, resource: str, verb: str) -> str:
    return json.dumps({
        "kind": "Event", "apiVersion": "audit.k8s.io/v1", "level": "Metadata", "auditID": str(uuid.UUID(int=n + 1)),
        "stage": "ResponseComplete", "requestURI": f"/api/v1/namespaces/zwy/{resource}/obj-{n}", "verb": verb,
        "user": {"username": "system:serviceaccount:zwy:default", "groups": ["system:authenticated"]},
        "sourceIPs": [f"10.2.3.{n}"], "userAgent": "kubectl/v1.29.0",
        "objectRef": {"resource": resource, "namespace": "zwy", "name": f"obj-{n}", "apiVersion": "v1"},
        "responseStatus": {"metadata": {}, "code": 200},
        "requestReceivedTimestamp": f"2026-11-23T02:00:{n:02d}.000000Z",
        "stageTimestamp": f"2026-11-23T02:00:{n:02d}.100000Z"})


#: Kubernetes audit records: secrets read (what an analyst hunts), configmaps listed.
K8S = [_k8s(n, "secrets", "get") for n in range(4)] + [_k8s(n, "configmaps", "list") for n in range(4, 7)]

KEYWORD_RULE = """title: keyword sqlmap
id: 11111111-2222-3333-4444-555555555555
logsource: {category: webserver}
detection:
  keywords: [SQLMap]
  condition: keywords
level: low
"""


@pytest.fixture(params=["sqlite", pytest.param("elasticsearch", marks=pytest.mark.es)])
def on_store(request: pytest.FixtureRequest, tmp_path: Path, home: Path) -> Iterator[tuple[str, ...]]:
    """The global options that put `govsoc` on each store: the default SQLite one, or an index
    prefix of its own on the test node (dropped afterwards)."""
    if request.param == "sqlite":
        yield ()
        return
    env = request.getfixturevalue("es_env")
    prefix = f"govsoc-test-{uuid.uuid4().hex[:10]}"
    config = tmp_path / "es.yaml"
    config.write_text(f"data_dir: {home}\nstore:\n  backend: elasticsearch\n  elasticsearch:\n"
                      f"    url: {env['GOVSOC_ES_URL']}\n    index_prefix: {prefix}\n    number_of_replicas: 0\n",
                      encoding="utf-8")
    yield ("--config", str(config))
    from govsoc.store.elasticsearch import ElasticsearchStore

    store = ElasticsearchStore(ElasticsearchSettings(url=env["GOVSOC_ES_URL"], index_prefix=prefix,
                                                     number_of_replicas=0), credentials=es_credentials(env))
    try:
        store.drop_all()
    finally:
        store.close()


@pytest.fixture
def ingested(tmp_path: Path, on_store: tuple[str, ...], govsoc: Run) -> tuple[str, ...]:
    """The web and Kubernetes lines ingested into the store; the global options of that store."""
    (tmp_path / "access.log").write_text("\n".join(WEB) + "\n", encoding="utf-8")
    (tmp_path / "k8s_audit.log").write_text("\n".join(K8S) + "\n", encoding="utf-8")
    code, _, err = govsoc(*on_store, "ingest", str(tmp_path / "access.log"), str(tmp_path / "k8s_audit.log"))
    assert code == 0, err
    return on_store


def _count(govsoc: Run, opts: tuple[str, ...], *args: str) -> int:
    code, out, err = govsoc(*opts, "events", *args, "--count")
    assert code == 0, err
    return int(out)


@pytest.mark.parametrize("phrase", [
    "sqlmap",          # only in the user agent of web lines: they have no message (was: 0)
    "SQLMAP/1.7",      # the same, in another case: caseless as before
    "etc/passwd",      # in the request line's URL
    "secrets",         # in the Kubernetes records' JSON (was: 0)
    '"verb": "list"',  # the raw JSON record as written
    "no such words",   # and nothing where nothing is
])
def test_text_finds_what_the_lines_hold(ingested: tuple[str, ...], govsoc: Run, phrase: str) -> None:
    expected = sum(phrase.casefold() in line.casefold() for line in WEB + K8S)
    assert _count(govsoc, ingested, "--text", phrase) == expected
    code, out, _ = govsoc(*ingested, "events", "--text", phrase, "--format", "json", "-n", "100")
    assert code == 0 and len(json.loads(out)) == expected


def test_text_and_a_keyword_rule_agree(ingested: tuple[str, ...], govsoc: Run, tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "kw.yml").write_text(KEYWORD_RULE, encoding="utf-8")
    code, _, err = govsoc(*ingested, "detect", "--no-builtin", str(rules))
    assert code == 0, err
    code, out, err = govsoc(*ingested, "alerts", "--rule", "keyword sqlmap", "--format", "json")
    assert code == 0, err
    matched = {event_id for alert in json.loads(out) for event_id in alert["event.ids"]}
    code, out, err = govsoc(*ingested, "events", "--text", "SQLMap", "--format", "json", "-n", "100")
    assert code == 0, err
    assert {e["event.id"] for e in json.loads(out)} == matched and matched


def test_message_column_says_what_an_event_without_a_message_was(ingested: tuple[str, ...], govsoc: Run) -> None:
    code, out, err = govsoc(*ingested, "events", "--where", "source.ip=198.51.100.5")
    assert code == 0, err
    assert "(web) GET /../../etc/passwd → 400" in out  # was an empty column
    code, out, err = govsoc(*ingested, "events", "--where", "source.ip=10.2.3.1")
    assert code == 0, err
    assert "(k8s) get secrets zwy/obj-1 → 200" in out


@pytest.mark.parametrize(("args", "said"), [
    (("--where", "sourceip=203.0.113.7"), "--where: unknown field 'sourceip' (did you mean source.ip?)"),
    (("--where", "source_ip=203.0.113.7"), "--where: unknown field 'source_ip' (did you mean source.ip?)"),
    (("--top", "src.ip"), "--top: unknown field 'src.ip' (did you mean source.ip?)"),
    # R50c-5: names no event holds a value under, which each store answered otherwise (SQLite a
    # silent 0, Elasticsearch 0 from its own fields): an object's name, a search sub-field of the
    # Elasticsearch mapping, a field it keeps for searching only
    (("--where", "kubernetes.audit=x"), "--where: unknown field 'kubernetes.audit'"),
    (("--where", "kubernetes=x"), "--where: unknown field 'kubernetes'"),
    (("--top", "kubernetes.audit"), "--top: unknown field 'kubernetes.audit'"),
    (("--where", "message.caseless=x"), "--where: unknown field 'message.caseless'"),
    (("--where", "user.name.caseless=x"), "--where: unknown field 'user.name.caseless'"),
    (("--where", "govsoc.search_text=x"), "--where: unknown field 'govsoc.search_text'"),
    # R50c-6: the hint names a field the store holds, not only the ECS table's
    (("--where", "kubernetes.audit.verbs=get"),
     "unknown field 'kubernetes.audit.verbs' (did you mean kubernetes.audit.verb?)"),
    # R58a-7: a value the field's type cannot hold (SQLite answered 0, Elasticsearch a raw HTTP 400)
    (("--where", "source.port=abc"), "--where: source.port='abc': source.port holds a whole number"),
    (("--where", "source.bytes=0x10"), "source.bytes holds a whole number; a value that is not one is kept as text "
                                      "under govsoc.malformed.source.bytes"),
    (("--where", "source.ip=nope"), "--where: source.ip='nope': source.ip holds an IP address"),
    # a start at or after the end: both named as given, with the display zone's offset
    (("--from", "2026-12-11", "--to", "2026-12-10"),
     "--from 2026-12-11T00:00:00+08:00 is not before --to 2026-12-10T00:00:00+08:00"),
    (("--from", "2026-12-10", "--to", "2026-12-10"),
     "--from 2026-12-10T00:00:00+08:00 is not before --to 2026-12-10T00:00:00+08:00"),
])
def test_a_misspelt_field_or_an_empty_span_is_refused(ingested: tuple[str, ...], govsoc: Run,
                                                       args: tuple[str, ...], said: str) -> None:
    code, out, err = govsoc(*ingested, "events", *args, "--count")
    assert (code, out) == (2, "")  # was: "0", exit 0
    assert said in err


@pytest.mark.parametrize(("args", "expected"), [
    (("--where", "source.ip=203.0.113.7"), len([line for line in WEB if line.startswith("203.0.113.7 ")])),
    (("--where", "dns.question.name=example.gov.cn"), 0),  # an ECS field no event has: a true 0
    (("--where", "kubernetes.audit.verb=list"), 3),        # no ECS field, but the store holds it
])
def test_known_and_stored_fields_are_taken(ingested: tuple[str, ...], govsoc: Run, args: tuple[str, ...],
                                            expected: int) -> None:
    assert _count(govsoc, ingested, *args) == expected


def test_top_of_a_field_only_the_store_holds(ingested: tuple[str, ...], govsoc: Run) -> None:
    code, out, err = govsoc(*ingested, "events", "--top", "orchestrator.resource.type", "--format", "json")
    assert code == 0, err
    assert json.loads(out) == [{"value": "secrets", "count": 4}, {"value": "configmaps", "count": 3}]


def test_alerts_refuse_an_empty_span(home: Path) -> None:
    assert main(["alerts", "--from", "2026-12-11", "--to", "2026-12-10"]) == 2
    assert main(["alerts", "controls", "--from", "2026-12-11", "--to", "2026-12-11"]) == 2
    assert main(["detect", "--from", "2026-12-11", "--to", "2026-12-10"]) == 2  # R50c-4: untested
