"""`govsoc ingest` of the same Kubernetes audit records by three paths (R49a-1 f1b): a record that
carries its own identity (auditID + stage + the server's facts) is one event, and the copies say "already stored"."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.cli.conftest import Run


def audit(number: int) -> str:
    return json.dumps({"kind": "Event", "apiVersion": "audit.k8s.io/v1", "level": "Metadata",
                       "auditID": f"4d2c0ac1-0000-4000-8000-{number:012d}", "stage": "ResponseComplete",
                       "verb": "get", "requestURI": f"/api/v1/namespaces/prod/secrets/db-{number}",
                       "user": {"username": "system:serviceaccount:prod:app"}, "sourceIPs": ["10.2.0.9"],
                       "objectRef": {"resource": "secrets", "namespace": "prod", "name": f"db-{number}"},
                       "responseStatus": {"code": 200},
                       "stageTimestamp": f"2026-11-2{number % 7}T08:00:{number:02d}.000000Z"}) + "\n"


def test_audit_records_read_by_three_paths_are_stored_once(govsoc: Run, tmp_path: Path) -> None:
    srv1, srv2 = tmp_path / "srv1", tmp_path / "srv2"
    srv1.mkdir()
    srv2.mkdir()
    (srv1 / "k8s_audit.log").write_text("".join(audit(n) for n in range(20)), encoding="utf-8")
    shutil.copy(srv1 / "k8s_audit.log", srv2 / "k8s_audit.log.1")  # the rotated copy, read first
    shutil.copy(srv1 / "k8s_audit.log", srv2 / "k8s_audit.log")
    said = []
    for path in (srv1 / "k8s_audit.log", srv2 / "k8s_audit.log.1", srv2 / "k8s_audit.log"):
        code, out, err = govsoc("ingest", str(path))
        assert code == 0, err
        said.append(out + err)
    with (srv2 / "k8s_audit.log").open("a", encoding="utf-8") as log:
        log.write(audit(77))  # one new record at srv2
    code, out, err = govsoc("ingest", str(srv2 / "k8s_audit.log"))
    assert code == 0, err
    assert "1 new, 0 already stored" in out + err
    # the copies read whole were told apart by the store, and said so
    assert all("0 new, 20 already stored" in text for text in said[1:] if "20 records" in text), said
    code, out, _ = govsoc("events", "--where", "event.dataset=kubernetes.audit", "--count")
    assert (code, out.strip()) == (0, "21")
