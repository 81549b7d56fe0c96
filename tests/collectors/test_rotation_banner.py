"""A service that writes the same >= 1 KB start banner (lines without times) at each start, its log
rotated by real logrotate between real one-shot `govsoc ingest` runs: every banner is stored, once.
A file is never the file of a checkpoint last read at an older rotated name (R11u-2)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.collectors.test_rotation import govsoc, stored
from tests.conftest import need

BANNER = "".join(f"service starting: module {i} of 20 loaded with default options (banner line)\n"
                 for i in range(1, 21)).encode()


def rotate(folder: Path, log: Path, keep: int, options: tuple[str, ...]) -> None:
    need(shutil.which("logrotate") is not None, "logrotate is not installed (apt-get install logrotate)")
    conf = folder / "logrotate.conf"
    conf.write_text(f"{log} {{\n  rotate {keep}\n  missingok\n" + "".join(f"  {o}\n" for o in options) + "}\n",
                    encoding="utf-8")
    subprocess.run(["logrotate", "-f", "-s", str(folder / "logrotate.state"), str(conf)], check=True,
                   capture_output=True, timeout=60)


class Service:
    """app.log as a service writes it: its banner at each start, then one numbered request line."""

    def __init__(self, folder: Path) -> None:
        self.log, self.written, self.requests = folder / "app.log", 0, 0

    def start(self) -> None:
        with self.log.open("ab") as out:
            out.write(BANNER)
        self.written += 20

    def serve(self) -> None:
        with self.log.open("ab") as out:
            out.write(f"request {self.requests} handled\n".encode())
        self.requests += 1
        self.written += 1


def requests(home: Path) -> list[int]:
    return sorted(int(line.split()[1]) for line in stored(home) if line.startswith("request "))


@pytest.mark.parametrize(("options", "rounds"), [
    # the log read at app.log.3 deleted by `rotate 3`; the new log, its banner only so far plus a
    # request, took its checkpoint by its bytes and was read from its end: 144 of 164 stored
    (("create",), 4),
    # the same with copytruncate: the new copy at app.log.1 took the deleted app.log.3's checkpoint
    # (same first KB, same last 64 bytes before its position): 186 of 205 stored, one line twice
    (("copytruncate",), 5),
])
def test_each_start_banner_is_stored_once_when_old_generations_are_deleted(
        tmp_path: Path, options: tuple[str, ...], rounds: int) -> None:
    logs, home = tmp_path / "logs", tmp_path / "home"
    logs.mkdir()
    service = Service(logs)
    for _ in range(rounds):
        service.start()  # a restart, then a rotation before govsoc's next run
        rotate(logs, service.log, 3, options)
        service.start()
        service.serve()
        govsoc(home, "ingest", str(logs / "app.log*"))
    assert len(stored(home)) == service.written
    assert requests(home) == list(range(service.requests))


@pytest.mark.parametrize("options", [
    # the restart's banner alone, rotated and compressed at once (app.log.1.gz): the new log took that
    # generation's checkpoint by its bytes and its own banner was never stored (56 of 76)
    ("create", "compress"),
    ("copytruncate", "compress"),  # the same through copytruncate's compressed copy (56 of 76)
])
def test_a_restart_banner_rotated_and_compressed_does_not_hide_the_new_logs_banner(
        tmp_path: Path, options: tuple[str, ...]) -> None:
    logs, home = tmp_path / "logs", tmp_path / "home"
    logs.mkdir()
    service = Service(logs)
    service.start()
    for _ in range(15):
        service.serve()
    govsoc(home, "ingest", str(logs / "app.log*"))
    rotate(logs, service.log, 5, options)
    service.start()  # a restart; rotated again before govsoc's next run
    rotate(logs, service.log, 5, options)
    service.start()
    service.serve()
    for _ in range(2):
        govsoc(home, "ingest", str(logs / "app.log*"))
    assert len(stored(home)) == service.written
    assert requests(home) == list(range(service.requests))
