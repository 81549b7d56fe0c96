"""bench.detect measures the baseline and a pass the same way, at the same load (note14: the
baseline measured minutes before the passes, at another load, made the wall ratio the machine's)."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import pytest

from bench import detect


def test_a_section_counts_the_cpu_of_the_processes_it_waited_for() -> None:
    # A pass's work may run in a child process (the SQLite store's writer): CPU of every process
    # involved counts, on both sides of the ratio, or the side that hands work out looks cheap.
    burn = "import time\nend = time.process_time() + 0.4\nwhile time.process_time() < end: pass"
    with detect.section() as figures:
        subprocess.run([sys.executable, "-c", burn], check=True)
    assert figures["cpu_s"] >= 0.35


def test_the_full_pass_runs_between_two_baseline_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    # The ratio's two sides share the load: the baseline is run right before and right after
    # the pass and its mean is taken, so a load that rises (or falls) during the pass is on both.
    order: list[str] = []
    seconds = {"baseline": iter([10.0, 30.0]), "sqlite": iter([4.0])}

    def measured(spec: dict[str, str]) -> dict[str, Any]:
        order.append(spec["kind"])
        wall = next(seconds[spec["kind"]])
        return {"seconds": wall, "cpu_s": wall / 2, "load": 1.0, "rss_mib": 50.0, "rows": 7}

    monkeypatch.setattr(detect, "measured", measured)
    full, base = detect.interleaved({"kind": "sqlite"}, {"kind": "baseline"})
    assert order == ["baseline", "sqlite", "baseline"]
    assert full["seconds"] == 4.0
    assert base["seconds"] == 20.0 and base["cpu_s"] == 10.0 and base["rows"] == 7


class _Client:
    """A node's answers: nodes info naming ``pid``, nodes stats with a CPU figure sampled once."""

    def __init__(self, pid: int, sampled_ms: int) -> None:
        self.nodes = self
        self.pid, self.sampled_ms = pid, sampled_ms

    def info(self, metric: str) -> dict[str, Any]:
        return {"nodes": {"n1": {"process": {"id": self.pid}}}}

    def stats(self, metric: str) -> dict[str, Any]:
        return {"nodes": {"n1": {"process": {"cpu": {"total_in_millis": self.sampled_ms}}}}}


class _Store:
    kind = "elasticsearch"

    def __init__(self, client: _Client) -> None:
        self.client = client


def _cpu_of(pid: int) -> float:
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@pytest.mark.skipif(not os.path.exists("/proc/self/stat"), reason="reads /proc")
def test_a_local_nodes_cpu_is_read_from_its_process_not_from_a_stale_sample() -> None:
    # Nodes stats sample a node's CPU at most once a second: a pass's two readings there may
    # each lag by a second of the node's CPU. A node here is read from /proc, now: the CPU
    # the "node" burns after its last sample counts.
    burn = ("import sys, time\nend = time.process_time() + 0.4\nwhile time.process_time() < end: pass\n"
            "print('done', flush=True)\nsys.stdin.read()")
    node = subprocess.Popen([sys.executable, "-c", burn], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        sampled = _cpu_of(node.pid)  # the node's last sample, before it burned
        assert node.stdout is not None and node.stdout.readline().strip() == "done"
        read = detect.node_cpu_seconds(_Store(_Client(node.pid, int(sampled * 1000))))
    finally:
        node.communicate("")
    assert read is not None and read - sampled >= 0.35


def test_a_process_id_that_is_not_the_nodes_falls_back_to_nodes_stats() -> None:
    # A node in a container (or on another host) names a process id that is another process
    # here: its CPU disagrees with the node's sampled figure, so the sample is used.
    assert detect.node_cpu_seconds(_Store(_Client(os.getpid(), 987_654_000))) == 987_654.0


class _BusyClient(_Client):
    """A node whose other clients keep it busy: each nodes stats answer 0.3 s of CPU later."""

    def __init__(self) -> None:
        super().__init__(pid=-1, sampled_ms=0)

    def stats(self, metric: str) -> dict[str, Any]:
        self.sampled_ms += 300
        return super().stats(metric)


def test_the_nodes_other_clients_rate_is_measured_before_the_pass() -> None:
    # A shared node's CPU over a pass counts every client's work: the rate of the others,
    # measured while the pass asks nothing, is shown beside it (0.3 s of CPU in 0.1 s here).
    assert detect.others_rate(_Store(_BusyClient()), seconds=0.1) == pytest.approx(3.0)
    assert detect.others_rate(type("S", (), {"kind": "sqlite"})()) is None
