"""A kill -9 between the store's commit and the checkpoint stores nothing twice when the records
carry their own ids (Kubernetes audit: auditID + stage + the server's facts), and a partial last line's copy, stored
under a positional id, is still replaced by the completed record (collectors.files.tracker)."""

from __future__ import annotations

import json
import shutil
from collections import Counter

import pytest

from govsoc.store.base import Query
from tests.collectors.test_partial_crash import Run, run  # noqa: F401  (the fixture, SQLite and Elasticsearch)

PARSER = ("--parser", "kubernetes.audit")


def audit(number: int) -> bytes:
    return (json.dumps({"kind": "Event", "apiVersion": "audit.k8s.io/v1", "level": "Metadata",
                        "auditID": f"a-{number:06d}", "stage": "ResponseComplete", "verb": "delete",
                        "requestURI": f"/api/v1/namespaces/prod/pods/p{number}", "user": {"username": "ops"},
                        "sourceIPs": ["10.0.0.7"], "objectRef": {"resource": "pods", "name": f"p{number}"},
                        "responseStatus": {"code": 200},
                        "stageTimestamp": f"2026-11-{1 + number % 20:02d}T01:02:03.000000Z"},
                       separators=(",", ":")) + "\n").encode()


HEAD = b"".join(audit(i) for i in range(40))
LAST = audit(40)


def assert_each_record_once(run: Run, records: int) -> None:  # noqa: F811
    """The store holds audit records 0..records-1, each once, none flagged partial."""
    store = run.opened()
    try:
        store.refresh()
        events = list(store.search(Query()))
    finally:
        store.close()
    assert not [e for e in events if "partial" in (e.get("govsoc.flags") or [])]
    counts = Counter(e.get("kubernetes.audit.auditID") for e in events)
    assert counts == Counter({f"a-{n:06d}": 1 for n in range(records)})


@pytest.mark.parametrize("cut", [25, len(LAST) - 1])  # a cut JSON text; the whole text but its newline
@pytest.mark.parametrize("point", ["partial-stored", "completed-stored", "batch-stored"])
def test_killed_between_the_store_and_the_checkpoint_stores_each_record_once(run: Run, point: str,  # noqa: F811
                                                                             cut: int) -> None:
    run.log.write_bytes(HEAD + LAST[:cut])
    run.ingest(point if point != "completed-stored" else None, *PARSER)
    run.append(LAST[cut:])
    run.ingest(point if point != "partial-stored" else None, *PARSER)
    run.ingest(None, *PARSER)
    assert_each_record_once(run, 41)


def test_a_copy_read_after_a_kill_stores_nothing_twice(run: Run) -> None:  # noqa: F811
    # the copy at a second path was killed after the store took its batch: its records were the
    # log's already, and the run after the kill stores none of them again
    run.log.write_bytes(HEAD + LAST)
    run.ingest(None, *PARSER)
    copy = run.log.with_name("audit-copy.log")
    shutil.copy(run.log, copy)
    run.log = copy
    run.ingest("batch-stored", *PARSER)
    run.append(audit(41))
    run.ingest(None, *PARSER)
    assert_each_record_once(run, 42)
