"""The daemon's services (scheduler.services): which ones a configuration asks for, and their
logs kept bounded while the child writes on."""

from __future__ import annotations

import signal
from pathlib import Path

from govsoc.core.config import load_config
from govsoc.scheduler.services import services_for, trim_log


def test_services_follow_the_configuration(tmp_path: Path) -> None:
    config = tmp_path / "govsoc.yaml"
    config.write_text(f"""data_dir: {tmp_path}
collectors:
  sources: [{{paths: [/var/log/auth.log, '/var/log/nginx/*.log']}}]
  receivers: [{{name: devices, transport: udp, listen: 0.0.0.0:514}}]
  netflow: [0.0.0.0:2055]
schedule: {{follow_interval: 0.5}}
""", encoding="utf-8")
    found = {s.name: s for s in services_for(load_config(config, env={}))}
    # one `govsoc listen` serves the syslog receivers and the NetFlow listeners; SIGTERM stops it
    assert found["receivers"].args == ["listen"] and found["receivers"].stop_signal == signal.SIGTERM
    assert found["receivers"].what == "devices udp 0.0.0.0:514, netflow udp 0.0.0.0:2055"
    assert found["follow"].args == ["ingest", "--follow", "--interval", "0.5"]
    assert found["follow"].stop_signal == signal.SIGINT  # ingest --follow ends at Ctrl-C, at a checkpoint
    config.write_text(config.read_text(encoding="utf-8").replace("{follow_interval: 0.5}",
                                                                 "{receivers: false, follow: false}"))
    assert services_for(load_config(config, env={})) == []


def test_a_long_log_is_moved_aside_and_the_writer_goes_on_at_its_start(tmp_path: Path) -> None:
    log = tmp_path / "receivers.log"
    with log.open("ab") as writer:  # as the child holds it: O_APPEND
        writer.write(b"x" * 100)
        writer.flush()
        trim_log(log, 150)
        assert log.stat().st_size == 100 and not log.with_name("receivers.log.1").exists()
        trim_log(log, 50)
        writer.write(b"after\n")
        writer.flush()
    assert log.with_name("receivers.log.1").read_bytes() == b"x" * 100
    assert log.read_bytes() == b"after\n"  # no hole of 100 NUL bytes before it
