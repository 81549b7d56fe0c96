"""An alert's evidence says how govsoc read each event (govsoc.flags: torn, after_padding,
partial, type_error ...): a login read right after a crash's NUL padding (R11m-1) was flagged in
the store only, and `govsoc alerts show` gave the analyst no sign of it (R11n's note)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from govsoc.cli import main
from tests.cli.conftest import Run

FAILED = ("Dec 10 07:00:0{n} portal-web-01 sshd[24200]: Failed password for invalid user u{n} from 203.0.113.9 "
          "port 400{n} ssh2")
TORN = b"Dec 10 07:00:04 portal-web-01 sshd[24201]: Failed password for "


def crashed_log() -> bytes:
    """Five failures, a line torn by a crash at a 4096-byte boundary (600 NUL bytes of padding),
    then the sixth failure, the first line after the reboot."""
    body = "".join(FAILED.format(n=n) + "\n" for n in range(5)).encode()
    cron = b"Dec 10 07:00:04 portal-web-01 cron: "
    filler = -(len(body) + len(cron) + 1 + len(TORN)) % 4096
    body += cron + b"x" * filler + b"\n" + TORN
    assert len(body) % 4096 == 0
    return body + b"\x00" * 600 + FAILED.format(n=5).encode() + b"\n"


@pytest.fixture(autouse=True)
def stored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOVSOC_HOME", str(tmp_path / "home"))
    for name in ("GOVSOC_CONFIG", "GOVSOC_ES_URL", "GOVSOC_ES_USER", "GOVSOC_ES_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    log = tmp_path / "auth.log"
    log.write_bytes(crashed_log())
    assert main(["ingest", str(log)]) == 0
    assert main(["detect"]) == 0


def test_the_evidence_of_an_alert_shows_an_event_read_after_crash_padding(govsoc: Run) -> None:
    code, out, _ = govsoc("alerts", "--format", "json")
    brute = [a for a in json.loads(out) if a["rule.name"] == "SSH Brute Force From One Source"]
    assert code == 0 and len(brute) == 1
    code, out, _ = govsoc("alerts", "show", str(brute[0]["alert.id"]))
    assert code == 0 and "evidence: 6 of 6 events" in out
    assert "govsoc.flags=after_padding" in out and out.count("after_padding") == 1, out
    code, out, _ = govsoc("alerts", "show", str(brute[0]["alert.id"]), "--format", "json")
    evidence = [e["fields"] for e in json.loads(out)["alert.evidence"]]
    flagged = [e for e in evidence if "after_padding" in (e.get("govsoc.flags") or ())]
    assert len(evidence) == 6 and len(flagged) == 1 and flagged[0]["user.name"] == "u5"
