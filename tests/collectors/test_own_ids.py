"""Records that carry their own identity are stored once, whatever path brings them (R49a-1).

A Kubernetes audit event is known by auditID + stage (reference log-formats.md 12) with the API
server's facts of the request (collectors.kubernetes.audit.FACTS), a CloudTrail
record by its eventID and a Huawei Cloud CTS trace by its trace_id (13.1, 13.3): read from a copy
at another path, a rotated copy read before the log or a second folder, the same record is the
same event, on SQLite and on Elasticsearch (where ids are apart per week's index: the index comes
from the record's own time, so a record's copies meet in one). A record without its id, and the
partial copy of an unterminated last line, keep positional ids.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from govsoc.collectors import IngestOptions, Pipeline
from govsoc.collectors.base import RawRecord
from govsoc.collectors.cloud.actiontrail import ActionTrailParser
from govsoc.store.base import Query, Store

STAGES = ("RequestReceived", "ResponseComplete")


def audit(number: int, stage: str, changes: dict[str, Any] | None = None) -> dict[str, Any]:
    """An audit event of request ``number`` at ``stage`` (with ``changes``); requests 0-9 fall in one ISO week and
    10 on in the next, so that Elasticsearch keeps them in two indices."""
    day = 1 + number // 10 % 2 * 7 + number % 5  # 2026-11-01.. and 2026-11-08..
    event: dict[str, Any] = {
        "kind": "Event", "apiVersion": "audit.k8s.io/v1", "level": "Metadata", "auditID": f"req-{number:08d}",
        "stage": stage, "requestURI": f"/api/v1/namespaces/prod/secrets/db-{number}", "verb": "get",
        "user": {"username": "system:serviceaccount:prod:app"}, "sourceIPs": [f"10.1.0.{number % 250}"],
        "objectRef": {"resource": "secrets", "namespace": "prod", "name": f"db-{number}"},
        "responseStatus": {"code": 200},
        "requestReceivedTimestamp": f"2026-11-{day:02d}T08:00:{number % 60:02d}.000000Z",
        "stageTimestamp": f"2026-11-{day:02d}T08:00:{number % 60:02d}.{STAGES.index(stage) * 1000:06d}Z"}
    event.update(changes or {})
    return event


def line(doc: dict[str, Any]) -> str:
    return json.dumps(doc, separators=(",", ":")) + "\n"


def k8s_log(first: int, last: int) -> str:
    """Requests ``first``..``last`` (both stages each), then one webhook EventList batch line of
    two more requests: each of its events has its own id."""
    lines = [line(audit(n, stage)) for n in range(first, last + 1) for stage in STAGES]
    batch = {"kind": "EventList", "apiVersion": "audit.k8s.io/v1",
             "items": [audit(last + 1, "ResponseComplete"), audit(last + 2, "ResponseComplete")]}
    return "".join(lines) + line(batch)


def stored(store: Store, key: Callable[[Any], object]) -> Counter[object]:
    """How many stored events each record identity ``key`` gives has."""
    store.refresh()
    return Counter(key(e) for e in store.search(Query()))


def k8s_key(event: Any) -> object:
    return (event.get("kubernetes.audit.auditID"), event.get("kubernetes.audit.stage"))


def ingest(pipeline: Pipeline, path: Path, parser: str) -> None:
    summary = pipeline.ingest_file(path, IngestOptions(parser=parser))
    assert summary.rejected == 0, summary.first_rejects
    pipeline.drain()


def test_a_k8s_audit_log_at_two_paths_and_its_rotated_copy_is_stored_once(tmp_path: Path, store: Store) -> None:
    # R49a-1 f1b: the log, then in a second folder its rotated copy read before it, then the log
    # there grown by one record: 21 distinct records were 61 events
    srv1, srv2 = tmp_path / "srv1", tmp_path / "srv2"
    srv1.mkdir()
    srv2.mkdir()
    (srv1 / "k8s_audit.log").write_text(k8s_log(0, 17), encoding="utf-8")
    shutil.copy(srv1 / "k8s_audit.log", srv2 / "k8s_audit.log.1")
    shutil.copy(srv1 / "k8s_audit.log", srv2 / "k8s_audit.log")
    pipeline = Pipeline(store, data_dir=tmp_path / "state")
    for path in (srv1 / "k8s_audit.log", srv2 / "k8s_audit.log.1", srv2 / "k8s_audit.log"):
        ingest(pipeline, path, "kubernetes.audit")
    with (srv2 / "k8s_audit.log").open("a", encoding="utf-8") as log:
        log.write(line(audit(77, "ResponseComplete")))
    ingest(pipeline, srv2 / "k8s_audit.log", "kubernetes.audit")
    # and a second collector's state (another source of the same records)
    ingest(Pipeline(store, data_dir=tmp_path / "other-state"), srv1 / "k8s_audit.log", "kubernetes.audit")
    expected = {(f"req-{n:08d}", stage) for n in range(18) for stage in STAGES}
    expected |= {("req-00000018", "ResponseComplete"), ("req-00000019", "ResponseComplete"),
                 ("req-00000077", "ResponseComplete")}
    counts = stored(store, k8s_key)
    assert set(counts) == expected
    assert {key: n for key, n in counts.items() if n != 1} == {}


CLOUDTRAIL_FIELDS = {"eventVersion": "1.09", "eventSource": "iam.amazonaws.com", "eventName": "CreateUser",
                     "awsRegion": "cn-north-1", "sourceIPAddress": "203.0.113.9",
                     "userIdentity": {"type": "IAMUser", "userName": "ops"}}


def cloudtrail(number: int) -> dict[str, Any]:
    return {**CLOUDTRAIL_FIELDS, "eventID": f"0000{number:04d}-aaaa-bbbb-cccc-{number:012d}",
            "eventTime": f"2026-11-{1 + number % 14:02d}T03:00:00Z"}


def cts(number: int) -> dict[str, Any]:
    return {"trace_id": f"{number:08d}-1111-2222-3333-444444444444", "trace_name": "createUser",
            "trace_rating": "normal", "trace_type": "ApiCall", "service_type": "IAM", "source_ip": "203.0.113.9",
            "user": {"name": "ops", "domain": {"id": "d1"}}, "code": "200",
            "time": 1_793_000_000_000 + number * 86_400_000}


@pytest.mark.parametrize(("parser", "record", "batch_key", "own_key"), [
    ("aws.cloudtrail", cloudtrail, "Records", "aws.cloudtrail.eventID"),
    ("huaweicloud.cts", cts, "traces", "huaweicloud.cts.trace_id"),
])
def test_a_cloud_trail_at_two_paths_is_stored_once(tmp_path: Path, store: Store, parser: str,
                                                   record: Callable[[int], dict[str, Any]], batch_key: str,
                                                   own_key: str) -> None:
    # a delivery file (a batch line of records) and single records, then a copy in a second folder
    # that also holds the batch's records one a line (as EventBridge delivers them)
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    batch = line({batch_key: [record(n) for n in range(6)]})
    singles = "".join(line(record(n)) for n in range(6, 12))
    (first / "trail.json").write_text(batch + singles, encoding="utf-8")
    (second / "trail.json").write_text(batch + singles, encoding="utf-8")
    (second / "events.json").write_text("".join(line(record(n)) for n in range(12)), encoding="utf-8")
    pipeline = Pipeline(store, data_dir=tmp_path / "state")
    for path in (first / "trail.json", second / "events.json", second / "trail.json"):
        ingest(pipeline, path, parser)
    counts = stored(store, lambda e: e.get(own_key))
    assert set(counts) == {str(record(n)[own_key.rsplit(".", 1)[1]]) for n in range(12)}
    assert {key: n for key, n in counts.items() if n != 1} == {}


def test_delivery_files_as_aws_writes_them_are_whole_and_known_by_their_records(tmp_path: Path,
                                                                                 store: Store) -> None:
    # R58a-11: a CloudTrail delivery file is one {"Records": [...]} gzipped with no newline after it,
    # so its one line was "an unterminated last line": every record flagged partial for good and
    # known by its position, and two trails (an organization's and an account's) delivering
    # overlapping records in differently batched files stored them twice. A compressed file read to
    # its end is whole: its last line is complete.
    org, account = tmp_path / "org", tmp_path / "account"
    org.mkdir()
    account.mkdir()
    (org / "111_CloudTrail_o.json.gz").write_bytes(gzip.compress(json.dumps(
        {"Records": [cloudtrail(n) for n in range(5)]}).encode()))
    (account / "111_CloudTrail_k.json.gz").write_bytes(gzip.compress(json.dumps(
        {"Records": [cloudtrail(n) for n in range(2, 8)]}).encode()))
    pipeline = Pipeline(store, data_dir=tmp_path / "state")
    for path in (org / "111_CloudTrail_o.json.gz", account / "111_CloudTrail_k.json.gz"):
        summary = pipeline.ingest_file(path, IngestOptions(parser="aws.cloudtrail"))
        assert summary.partial == 0 and summary.rejected == 0, summary
        pipeline.drain()
    counts = stored(store, lambda e: e.get("aws.cloudtrail.eventID"))
    assert set(counts) == {cloudtrail(n)["eventID"] for n in range(8)}
    assert {key: n for key, n in counts.items() if n != 1} == {}
    assert not [e for e in store.search(Query()) if "partial" in (e.get("event.flags") or ())]
    # read again (a second collector's state): nothing new, nothing waiting
    again = Pipeline(store, data_dir=tmp_path / "other-state").ingest_file(
        org / "111_CloudTrail_o.json.gz", IngestOptions(parser="aws.cloudtrail"))
    assert (again.partial, again.waiting, again.receipt.created) == (0, 0, 0)


def test_a_followed_compressed_file_is_whole_once_it_settled(tmp_path: Path, sqlite_store: Store) -> None:
    # R58c-2: followed, a .gz may still be given members (a line cut between two was stored as two
    # broken records): its unterminated last line waits while the file changes, and is complete once the
    # file stayed unchanged (a delivery file synced into a followed folder: R58a-11)
    trail = tmp_path / "222_CloudTrail_f.json.gz"
    trail.write_bytes(gzip.compress(json.dumps({"Records": [cloudtrail(n) for n in range(3)]}).encode()))
    pipeline = Pipeline(sqlite_store, data_dir=tmp_path / "state")
    follow = IngestOptions(parser="aws.cloudtrail", final=False)
    summary = pipeline.ingest_file(trail, follow)
    assert (summary.receipt.created, summary.partial) == (0, 0) and summary.waiting > 0
    settled = time.time() - 120
    os.utime(trail, (settled, settled))
    summary = pipeline.ingest_file(trail, follow)
    assert (summary.receipt.created, summary.partial, summary.waiting) == (3, 0, 0)
    assert set(stored(sqlite_store, lambda e: e.get("aws.cloudtrail.eventID"))) == {
        cloudtrail(n)["eventID"] for n in range(3)}


@pytest.mark.parametrize("changes", [
    {"auditID": None}, {"auditID": 12345}, {"auditID": ""}, {"stage": None}, {"stage": ["ResponseComplete"]}])
def test_audit_records_without_a_usable_id_keep_positional_ids(tmp_path: Path, sqlite_store: Store,
                                                              changes: dict[str, Any]) -> None:
    # a record whose id is missing or not a string is known by its place: two such records with
    # the same bytes at two places are two events, as before (not one under a made-up id)
    log = tmp_path / "audit.log"
    log.write_text(line(audit(1, "ResponseComplete", changes)) * 2 + line(audit(2, "ResponseComplete")),
                   encoding="utf-8")
    ingest(Pipeline(sqlite_store, data_dir=tmp_path / "state"), log, "kubernetes.audit")
    assert sqlite_store.count(Query()) == 3
    assert sqlite_store.count(Query(terms={"event.kind": ("pipeline_error",)})) == 0


def test_a_partial_last_k8s_line_completed_later_is_stored_once_completed(tmp_path: Path, store: Store) -> None:
    # the complete log read first at one path; at a second, a copy being written ends in an
    # unterminated line: its partial copy is stored flagged (under its own positional id, not
    # the record's: V12 F10), and once the line is complete it goes, the record stored once
    whole, growing = tmp_path / "a" / "audit.log", tmp_path / "b" / "audit.log"
    whole.parent.mkdir()
    growing.parent.mkdir()
    text = "".join(line(audit(n, "ResponseComplete")) for n in range(30))
    whole.write_text(text, encoding="utf-8")
    growing.write_text(text[:-1], encoding="utf-8")
    pipeline = Pipeline(store, data_dir=tmp_path / "state")
    ingest(pipeline, whole, "kubernetes.audit")
    ingest(pipeline, growing, "kubernetes.audit")
    store.refresh()
    partial = list(store.search(Query(terms={"govsoc.flags": ("partial",)})))
    assert [k8s_key(e) for e in partial] == [("req-00000029", "ResponseComplete")]
    with growing.open("a", encoding="utf-8") as log:
        log.write("\n")
    ingest(pipeline, growing, "kubernetes.audit")
    store.refresh()
    assert store.count(Query(terms={"govsoc.flags": ("partial",)})) == 0
    counts = stored(store, k8s_key)
    assert set(counts) == {(f"req-{n:08d}", "ResponseComplete") for n in range(30)}
    assert {key: n for key, n in counts.items() if n != 1} == {}


def test_own_ids_follow_the_record_not_its_place() -> None:
    # the id of a record with its own identity: the same at any origin, offset or file identity;
    # apart per dataset; positional for a partial line and for an id that is not a string
    one = RawRecord(data=b"x", origin="file:///a", offset=0, identity="i1")
    two = RawRecord(data=b"y", origin="file:///b", offset=512, identity="i2")
    assert one.own_event_id("kubernetes.audit", ("a1", "ResponseComplete")) == \
        two.own_event_id("kubernetes.audit", ("a1", "ResponseComplete"), 3)
    assert one.own_event_id("kubernetes.audit", ("a1", "RequestReceived")) != \
        one.own_event_id("kubernetes.audit", ("a1", "ResponseComplete"))
    assert one.own_event_id("aws.cloudtrail", ("a1",)) != one.own_event_id("huaweicloud.cts", ("a1",))
    cut = RawRecord(data=b"x", origin="file:///a", offset=0, identity="i1", flags=("partial",))
    assert cut.own_event_id("kubernetes.audit", ("a1", "ResponseComplete")) == cut.event_id()
    assert one.own_event_id("kubernetes.audit", (None, "ResponseComplete"), 2) == one.event_id(2)
    # ActionTrail's eventId is not documented as unique (reference 13.2): its ids stay positional
    assert ActionTrailParser.trail.identity is None


def test_two_requests_under_one_audit_id_are_two_events(tmp_path: Path, store: Store) -> None:
    # R51b-1: kube-apiserver keeps a client's Audit-ID header as the auditID, so a client sent its
    # `get pods` request's id again with a `get secrets`: under auditID + stage alone the Secret
    # read was "already stored", never stored nor alerted on. The server's times, verb, URI, user,
    # addresses, object and status are in the id too: two requests, two events; the copy, one
    log = tmp_path / "audit.log"
    pods = audit(3, "ResponseComplete", {"requestURI": "/api/v1/namespaces/prod/pods/web-0",
                                         "objectRef": {"resource": "pods", "namespace": "prod", "name": "web-0"}})
    secret = audit(3, "ResponseComplete", {"stageTimestamp": "2026-11-04T08:05:03.000000Z",
                                           "requestReceivedTimestamp": "2026-11-04T08:05:03.000000Z"})
    log.write_text(line(pods) + line(secret) + json.dumps(secret, indent=1).replace("\n", "") + "\n",
                   encoding="utf-8")
    pipeline = Pipeline(store, data_dir=tmp_path / "state")
    summary = pipeline.ingest_file(log, IngestOptions(parser="kubernetes.audit"))
    pipeline.drain()
    assert (summary.records, summary.receipt.created, summary.receipt.duplicates) == (3, 2, 1)
    store.refresh()
    assert sorted(str(e.get("kubernetes.audit.objectRef.resource")) for e in store.search(Query())) == \
        ["pods", "secrets"]


@pytest.mark.parametrize("changes", [{"auditID": "req-\ud800"}, {"stage": "Response\udfffComplete"}])
def test_an_own_id_holding_a_lone_surrogate_is_an_id(tmp_path: Path, sqlite_store: Store,
                                                      changes: dict[str, Any]) -> None:
    # R51b-2: JSON's "\ud800" is a lone surrogate once parsed; the id's text is hashed all the same
    # (not a pipeline_error), and a copy of the record is the same event
    log = tmp_path / "audit.log"
    text = json.dumps(audit(1, "ResponseComplete", changes)) + "\n"
    log.write_text(text + text, encoding="utf-8")
    ingest(Pipeline(sqlite_store, data_dir=tmp_path / "state"), log, "kubernetes.audit")
    assert sqlite_store.count(Query(terms={"event.kind": ("pipeline_error",)})) == 0
    assert sqlite_store.count(Query()) == 1


def test_own_id_parts_do_not_run_into_each_other() -> None:
    # an auditID may hold \x1f (JSON "\u001f"): the parts' boundary is not a character they can hold
    record = RawRecord(data=b"x", origin="file:///a", offset=0)
    assert record.own_event_id("kubernetes.audit", ("a\x1fb", "c")) != \
        record.own_event_id("kubernetes.audit", ("a", "b\x1fc"))
