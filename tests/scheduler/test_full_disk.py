"""`govsoc status` on a full disk (review r18e medium): a real daemon on a real file system that
fills up (a 4 MiB tmpfs mounted for the test, which needs root and mount(8)), its own log there too."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

from tests.conftest import fill_disk
from tests.scheduler.conftest import Daemon, wait_for


def test_status_on_a_full_disk_says_so_and_still_sees_the_daemon(small_disk: Path) -> None:
    daemon = Daemon(small_disk)
    daemon.write_config("""schedule:
  detection: {every: 1s}
  retention: {every: 1h}
  reports: {every: 1h, kinds: [situation], formats: [json]}
  crypto_eval: {enabled: false}
""")
    daemon.start()
    try:
        wait_for(lambda: daemon.daemon_state().get("running"), "the daemon's first record")
        fill_disk(small_disk)
        # review r18e: status printed "spool: 0 of 1073741824 bytes" and, once the daemon could not
        # save its record for a minute, "govsoc run: stopped" while it ran on
        done = daemon.govsoc("status", "--format", "json")
        assert done.returncode == 0, done.stderr
        data = json.loads(done.stdout)
        assert data["disk"]["full"] and data["disk"]["free_bytes"] < 1 << 20
        assert data["disk"]["path"] == str(daemon.data) and data["spool"]["room_bytes"] == data["disk"]["free_bytes"]
        assert data["scheduler"]["daemon"]["running"]

        # A minute unsaved, without the minute: the record's time is set back in place (the same
        # length, no block taken), as the daemon last saved it; its saves fail on this disk, so
        # the time stays back (a save that succeeded would make the record fresh, and this fail).
        record = daemon.data / "state" / "scheduler" / "daemon.json"
        fill_disk(small_disk)
        saved = json.loads(record.read_text(encoding="utf-8"))["updated"]
        back = (datetime.fromisoformat(saved) - timedelta(seconds=90)).isoformat(timespec="seconds")
        field, moved = f'"updated": "{saved}"'.encode(), f'"updated": "{back}"'.encode()
        with record.open("r+b") as out:
            text = out.read()
            assert len(field) == len(moved) and text.count(field) == 1
            out.seek(0)
            out.write(text.replace(field, moved))

        def stale() -> dict[str, object] | None:
            fill_disk(small_disk)
            found = json.loads(daemon.govsoc("status", "--format", "json").stdout)["scheduler"]["daemon"]
            return found if found["record_stale"] else None
        assert wait_for(stale, "the daemon's record to be a minute old and unsaved")["running"]
        assert json.loads(record.read_text(encoding="utf-8"))["updated"] == back  # not saved since
        # its stderr goes to a file on that disk too: the lines it cannot write are lost, not the daemon
        assert daemon.process is not None and daemon.process.poll() is None
        table = daemon.govsoc("status")
        assert table.returncode == 0 and table.stderr.startswith("DISK FULL: " + str(daemon.data))
        assert "running, pid" in table.stdout and "records not saved since" in table.stdout
        assert "DISK FULL" in table.stdout and "room for " in table.stdout
    finally:
        daemon.stop()  # it stops (exit 1: its last record could not be saved either)
