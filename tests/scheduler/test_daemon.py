"""`govsoc run` as an administrator runs it: a real daemon process with second-scale schedules,
real files tailed, real syslog over loopback, real child commands; what it did is read from the
store and from the records `govsoc status` shows."""

from __future__ import annotations

import csv
import json
import os
import re
import signal
import socket
import struct
from datetime import datetime
from pathlib import Path

from tests.scheduler.conftest import TIMEOUT, Daemon, wait_for

FAILED = "Nov 30 10:00:0{n} web01 sshd[7]: Failed password for root from 192.0.2.10 port 22 ssh2\n"


def _netflow_v5(records: int) -> bytes:
    """A NetFlow v5 datagram (Cisco's layout: 24-byte header, 48-byte records) of ``records``
    TCP flows from 10.0.0.1, each from its own source port."""
    header = struct.pack("!HHIIIIBBH", 5, records, 10_000, 1_700_000_000, 0, 1, 0, 0, 0)
    return header + b"".join(struct.pack("!4s4s4sHHIIIIHHBBBBHHBBH", bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2]),
                                         bytes(4), 1, 2, 3, 180, 2_000, 9_000, 40_000 + n, 443, 0, 0x1B, 6, 0, 0, 0,
                                         24, 24, 0) for n in range(records))


def _people(path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["name", "phone"])
        writer.writerows([["张伟", f"1380013800{i}"] for i in range(10)])


def test_jobs_run_on_schedule_a_failing_job_is_retried_and_one_daemon_per_folder(daemon: Daemon) -> None:
    log = daemon.folder / "auth.log"
    log.write_text("".join(FAILED.format(n=n) for n in range(1, 7)), encoding="utf-8")
    target = daemon.folder / "people.csv"
    daemon.write_config(f"""collectors:
  sources: [{{paths: ["{log}"], parser: linux.auth}}]
schedule:
  follow_interval: 0.2
  detection: {{every: 4s}}
  retention: {{every: 1h}}
  reports: {{every: 1h, kinds: [situation, compliance], formats: [json]}}
  crypto_eval: {{enabled: false}}
  classification: {{every: 1h, targets: ["{target}"]}}
  retry: {{first: 1s, max: 2s}}
""")
    # the retention job's log cannot be opened (a folder in its place): the job raises in the
    # daemon itself, before any command runs
    blocked = daemon.data / "state" / "scheduler" / "logs" / "retention.log"
    blocked.mkdir(parents=True)
    assert daemon.govsoc("keys", "init").returncode == 0  # the reports are signed with it
    process = daemon.start()
    # the classification target is missing: the job fails, and is tried again long before its
    # hourly time, while detection goes on every four seconds
    failed = daemon.job_when("classification", lambda j: j["consecutive_failures"] >= 2 and j["outcome"] == "failed",
                             "two failed scans")
    assert failed["outcome"] == "failed" and "people.csv" in failed["error"]
    assert "job classification failed" in daemon.text() and "people.csv" in daemon.text()
    detected = daemon.job_when("detection", lambda j: j["runs"] >= 2 and j["outcome"] != "running",
                               "two detection passes")
    assert detected["outcome"] == "ok" and detected["consecutive_failures"] == 0
    # each next run is the last start plus the interval (passes shorter than 4 s) or the end
    start, upcoming = (datetime.fromisoformat(detected[k]) for k in ("last_start", "next_run"))
    assert (upcoming - start).total_seconds() >= 4.0 or upcoming == datetime.fromisoformat(detected["last_end"])
    raised = daemon.job_when("retention", lambda j: j["consecutive_failures"] >= 2, "retention failing twice")
    assert raised["error"].startswith("IsADirectoryError") and "job retention failed" in daemon.text()
    blocked.rmdir()
    retention = daemon.job_when("retention", lambda j: j["outcome"] == "ok", "retention")
    assert retention["consecutive_failures"] == 0 and retention["failures"] == retention["runs"] - 1 >= 2
    # the tailed file reached the store and the detection passes found it
    wait_for(lambda: "SSH Brute Force From One Source" in daemon.govsoc("alerts").stdout,
             "alerts from the tailed file")
    # yesterday's situation and compliance reports, written by the report job
    reports = daemon.job_when("reports", lambda j: j["outcome"] == "ok", "report")
    written = sorted((daemon.data / "reports").glob("*.json"))
    assert [path.name.split("-")[0] for path in written] == ["compliance", "situation"], reports
    verified = daemon.govsoc("verify", *map(str, written))
    assert verified.returncode == 0, verified.stdout + verified.stderr
    # the target appears: the next retry succeeds and the failures in a row start over
    _people(target)
    scanned = daemon.job_when("classification", lambda j: j["outcome"] == "ok", "a successful scan")
    assert scanned["consecutive_failures"] == 0 and scanned["failures"] >= 2
    (saved,) = (daemon.data / "results" / "classification").glob("*.json")  # where the compliance report reads
    assert "people.csv" in json.loads(saved.read_text(encoding="utf-8"))["source"]
    # a second daemon on the same data folder refuses, naming the first
    second = daemon.govsoc("run")
    assert second.returncode == 1 and f"another govsoc run (pid {process.pid})" in second.stderr
    # govsoc status shows the jobs and the services
    status = json.loads(daemon.govsoc("status", "--format", "json").stdout)
    jobs = {row["job"]: row for row in status["scheduler"]["jobs"]}
    assert status["scheduler"]["daemon"]["running"] is True
    assert jobs["crypto_eval"]["schedule"] == "off" and jobs["detection"]["schedule"] == "every 4s"
    assert jobs["detection"]["next_run"] and jobs["retention"]["last_start"] == retention["last_start"]
    assert {s["name"]: s["running"] for s in status["scheduler"]["daemon"]["services"]} == {"follow": True}
    assert status["sources"][0]["stored"] == 6
    table = daemon.govsoc("status").stdout
    assert "jobs (govsoc run: running" in table and "classification" in table
    assert daemon.stop() == 0
    assert daemon.daemon_state()["running"] is False


def test_a_restart_resumes_and_reruns_only_a_run_cut_short(daemon: Daemon) -> None:
    # A 密评 endpoint that accepts connections and never answers: the scan waits on its time-outs,
    # a job that would run for a minute.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(64)
        port = silent.getsockname()[1]
        inventory = daemon.folder / "inventory.yaml"
        inventory.write_text(f"""systems:
  - name: 一网通办门户
    level: 3
    endpoints:
      - {{host: 127.0.0.1, port: {port}, protocol: https, kind: web}}
""", encoding="utf-8")
        daemon.write_config(f"""inventory: {inventory}
schedule:
  detection: {{every: 1h}}
  retention: {{every: 2s}}
  reports: {{enabled: false}}
  crypto_eval: {{every: 1h}}
""")
        daemon.start()
        wait_for(lambda: daemon.job("detection").get("outcome") == "ok", "the first detection pass")
        wait_for(lambda: daemon.job("crypto_eval").get("outcome") == "running", "the 密评 scan")
        before = {name: daemon.job(name) for name in ("detection", "crypto_eval")}
        assert daemon.stop() == 0  # SIGTERM interrupts the scan: it does not wait for its time-outs
        cut = daemon.job("crypto_eval")
        assert cut["outcome"] == "interrupted" and cut["next_run"] == before["crypto_eval"]["last_start"]
        daemon.start()
        # the cut-short scan runs again at once; detection waits for its hour
        wait_for(lambda: daemon.job("crypto_eval").get("last_start", "") > cut["last_start"], "the scan again")
        runs = daemon.job("retention")["runs"]
        wait_for(lambda: daemon.job("retention").get("runs", 0) >= runs + 2, "two more retention runs")
        after = daemon.job("detection")
        assert after["runs"] == 1 and after["last_start"] == before["detection"]["last_start"]
        assert after["next_run"] == before["detection"]["next_run"]
        assert "was cut short" not in daemon.text()  # recorded as interrupted at the stop, not found running
        assert daemon.stop() == 0


def test_a_scan_without_evidence_is_a_partial_run_not_ok(daemon: Daemon) -> None:
    # r16 open item: a 密评 scan that reached nothing (the endpoint refuses connections) has no
    # verdict on evidence (证据不足，无法判定); the daemon records it as partial and says why,
    # never as ok
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]  # closed again before the scan: connections are refused
    inventory = daemon.folder / "inventory.yaml"
    inventory.write_text(f"""systems:
  - name: 一网通办门户
    level: 3
    endpoints:
      - {{host: 127.0.0.1, port: {port}, protocol: https, kind: web}}
""", encoding="utf-8")
    daemon.write_config(f"""inventory: {inventory}
schedule:
  detection: {{every: 1h}}
  retention: {{every: 1h}}
  reports: {{enabled: false}}
  crypto_eval: {{every: 1h}}
""")
    daemon.start()
    record = daemon.job_when("crypto_eval", lambda j: j.get("outcome") not in (None, "running"), "the 密评 scan")
    assert record["outcome"] == "partial", record
    assert "一网通办门户" in record["error"] and "证据不足" in record["error"], record
    assert record["consecutive_failures"] == 0  # ran to its end: not retried as a failure
    assert daemon.stop() == 0


def test_sigterm_under_a_syslog_flood_loses_nothing_accepted(daemon: Daemon) -> None:
    daemon.write_config("""collectors:
  receivers: [{name: flood, transport: tcp, listen: "127.0.0.1:0"}]
  netflow: ["127.0.0.1:0"]
schedule:
  detection: {enabled: false}
  retention: {enabled: false}
  reports: {enabled: false}
  crypto_eval: {enabled: false}
""")
    daemon.start()
    counters_file = daemon.data / "state" / "receivers" / "flood.json"

    def listening() -> dict[str, object] | None:
        try:
            data: dict[str, object] = json.loads(counters_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data if data.get("running") and data.get("address") else None

    host, _, port = str(wait_for(listening, "the receiver")["address"]).rpartition(":")
    # the NetFlow listener of the same `govsoc listen`: one v5 datagram of 7 flow records
    receivers_log = daemon.data / "state" / "scheduler" / "logs" / "receivers.log"
    flow_port = int(wait_for(lambda: re.search(r"listening: netflow udp 127\.0\.0\.1:(\d+)", receivers_log.read_text(
        encoding="utf-8")), "the NetFlow listener")[1])
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
        udp.sendto(_netflow_v5(7), ("127.0.0.1", flow_port))
    assert daemon.process is not None
    pid = daemon.process.pid
    attempted = 0  # messages handed to sendall, the last batch perhaps only in part
    line = "<38>Nov 30 10:00:00 web01 sshd[7]: Failed password for u{n} from 192.0.2.10 port 22 ssh2\n"
    # SIGTERM from the sender itself, after 2,000 of its 10,000 messages: the daemon is told to
    # stop in the middle of the flood, however fast either side is
    with socket.create_connection((host, int(port))) as stream:
        try:
            for n in range(0, 10_000, 100):
                attempted = n + 100
                stream.sendall("".join(line.format(n=n + i) for i in range(100)).encode())
                if n == 2_000:
                    os.kill(pid, signal.SIGTERM)
        except OSError:  # the receiver closed the connection as it stopped
            pass
    assert daemon.process.wait(TIMEOUT) == 0
    counters = json.loads(counters_file.read_text(encoding="utf-8"))
    c = counters["counters"]
    assert counters["running"] is False
    assert 0 < c["accepted"] <= attempted
    assert c["dropped"] == 0 and c["accepted"] == c["stored"] + c["spooled"]
    stored = int(daemon.govsoc("events", "--count", "--where", "event.dataset=linux.auth").stdout)
    assert stored == c["stored"], (stored, c)
    flows = json.loads(daemon.govsoc("status", "--format", "json").stdout)["receivers"]
    # one datagram, its 7 records, their 7 events (issue 13: counted apart, each named)
    assert [(r["transport"], r["unit"], r["received"], r["records"], r["events_stored"]) for r in flows
            if r["transport"] == "netflow"] == [("netflow", "datagram", 1, 7, 7)]
    assert daemon.govsoc("events", "--count", "--where", "event.dataset=netflow.log").stdout.strip() == "7"
    daemon.process = None
    assert "stopping" in daemon.text() and "stopped" in daemon.text()
    # listeners closed by the stop are not reported as dead ones
    assert "not listening any more" not in receivers_log.read_text(encoding="utf-8")


def _gone(pid: int) -> bool:
    """Whether process ``pid`` ended (a zombie no one reaped has ended too)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
    except OSError:
        return True
    return "\nState:\tZ" in status


def test_a_job_over_its_timeout_is_killed_and_a_killed_daemon_leaves_nothing_behind(daemon: Daemon) -> None:
    with socket.socket() as silent:  # a 密评 endpoint that never answers: the scan outlives its time-out
        silent.bind(("127.0.0.1", 0))
        silent.listen(64)
        inventory = daemon.folder / "inventory.yaml"
        inventory.write_text(f"systems:\n  - name: portal\n    level: 3\n    endpoints:\n      - {{host: 127.0.0.1, "
                             f"port: {silent.getsockname()[1]}, protocol: https, kind: web}}\n", encoding="utf-8")
        daemon.write_config(f"""inventory: {inventory}
collectors:
  receivers: [{{name: devices, transport: tcp, listen: "127.0.0.1:0"}}]
schedule:
  detection: {{enabled: false}}
  retention: {{enabled: false}}
  reports: {{enabled: false}}
  crypto_eval: {{every: 1h, timeout: 1s}}
  retry: {{first: 1s, max: 1s}}
""")
        daemon.start()
        timed_out = daemon.job_when("crypto_eval", lambda j: j["consecutive_failures"] >= 2,
                                    "two runs over the time-out")
        assert timed_out["outcome"] == "timeout" and "still running after 1s; killed" in timed_out["error"]
        counters = daemon.data / "state" / "receivers" / "devices.json"
        listen = wait_for(lambda: counters.exists() and json.loads(counters.read_text(encoding="utf-8"))
                          .get("running") and json.loads(counters.read_text(encoding="utf-8"))["pid"], "the receiver")
        assert daemon.stop(signal.SIGKILL) == -signal.SIGKILL
        # the receiver was told (SIGTERM) and stopped as it does: counters saved, not running
        wait_for(lambda: _gone(listen), "the receiver to end with the daemon")
        assert json.loads(counters.read_text(encoding="utf-8"))["running"] is False
        # the kernel released the lock with the process: a new daemon starts
        daemon.start()
        wait_for(lambda: daemon.text().count("govsoc run: running (pid") == 2, "the second daemon")
        assert "another govsoc run" not in daemon.text()
        assert daemon.stop() == 0
