"""Review 14 finding 2: a pcapng packet whose time (64-bit units, per-interface resolution) is
out of range (before 1970 or after 2200: 0xFFFFFFFFFFFFFFFF microseconds is year 586524) is a
problem naming its packet number, skipped; every other flow is kept, in both engines and through
`govsoc ingest`."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from govsoc.cli.main import main
from govsoc.collectors.flows.assemble import FlowAssembler
from govsoc.collectors.flows.ecs import flow_fields

from .packets import ethernet, ipv4, pcapng, udp


def _capture() -> bytes:
    """Two DNS-like UDP exchanges on interface 0 (microseconds), then packet 5 with an all-ones
    time and packet 6 on interface 1 (nanoseconds) with a stamp over int64."""
    def frame(src: str, sport: int) -> bytes:
        return ethernet(ipv4(src, "10.0.0.53", 17, udp(sport, 53, b"q")))
    base = 1_700_000_000_000_000  # 2023-11-14T22:13:20Z in microseconds
    return pcapng([(1, 6), (1, 9)], [
        (0, base, frame("10.0.0.1", 4000)), (0, base + 10, frame("10.0.0.1", 4000)),
        (0, base + 20, frame("10.0.0.2", 4001)), (0, base + 30, frame("10.0.0.2", 4001)),
        (0, 0xFFFFFFFFFFFFFFFF, frame("10.0.0.3", 4002)),
        (1, 2**64 - 2, frame("10.0.0.4", 4003)),  # year 2554, over int64 ns
    ])


@pytest.mark.parametrize("engine", ["python", "native"])
def test_out_of_range_packet_times_are_problems_and_the_rest_is_kept(engine: str) -> None:
    assembler = FlowAssembler(io.BytesIO(_capture()), engine=engine)
    flows = list(assembler.flows())
    fields = [flow_fields(flow) for flow in flows]  # the ECS mapping of every flow works
    assert sorted((f["source.ip"], f["source.packets"]) for f in fields) == [("10.0.0.1", 2), ("10.0.0.2", 2)]
    assert all(f["event.start"].startswith("2023-11-14T22:13:20") for f in fields)
    kept = [str(p) for p in assembler.problems.kept]
    assert assembler.problems.counts["timestamp out of range"] == 2, kept
    assert any(p.startswith("packet 5 ") and "timestamp out of range" in p for p in kept), kept
    assert any(p.startswith("packet 6 ") and "timestamp out of range" in p for p in kept), kept


def test_govsoc_ingest_keeps_the_good_flows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    trace = tmp_path / "hostile.pcapng"
    trace.write_bytes(_capture())
    monkeypatch.setenv("GOVSOC_HOME", str(tmp_path / "home"))
    for name in ("GOVSOC_CONFIG", "GOVSOC_ES_URL"):
        monkeypatch.delenv(name, raising=False)
    assert main(["ingest", "-p", "network.pcap", str(trace)]) == 0
    captured = capsys.readouterr()
    assert "2 unparsed kept as pipeline_error events" in captured.out, captured.out
    assert "packet 5 at byte" in captured.err + captured.out and "timestamp out of range" in captured.err + captured.out
    assert main(["events", "--count", "--where", "network.transport=udp"]) == 0
    assert capsys.readouterr().out.strip() == "2"
