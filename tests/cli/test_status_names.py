"""`govsoc status` shows names as data (R11i-8): whoever may write a log folder chooses the names
of its files and links, and a newline in one must not forge lines of the operator's status."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

GOVSOC = str(Path(sys.executable).with_name("govsoc"))
FORGED = "refused: none; spool: 0 bytes waiting, all sources read"


def test_a_newline_in_a_log_or_link_name_forges_no_status_line(tmp_path: Path) -> None:
    env = {**os.environ, "GOVSOC_HOME": str(tmp_path / "home"), "GOVSOC_CONFIG": "", "COLUMNS": "400"}
    logs = tmp_path / "logs"
    logs.mkdir()
    (logs / "a\nb.log").write_text("Dec 10 07:00:00 web1 sshd[1]: Failed password for u1 from 10.1.0.1 port 1 ssh2\n")
    (logs / f"z\n{FORGED}.log").symlink_to("/etc/hostname")   # refused: found by a glob
    subprocess.run([GOVSOC, "ingest", "--year", "2026", str(logs / "*.log")], capture_output=True, env=env,
                   timeout=120)
    status = subprocess.run([GOVSOC, "status"], capture_output=True, text=True, env=env, timeout=120)
    assert status.returncode == 0, status.stderr
    lines = status.stdout.splitlines()
    assert not any(line.lstrip("│ ").startswith(FORGED) for line in lines), status.stdout
    assert not any(line.lstrip("│ ").startswith("b.log") for line in lines), status.stdout
    assert any("a\\x0ab.log" in line for line in lines), status.stdout
    assert any(line.startswith("refused: ") and f"z\\x0a{FORGED}.log" in line for line in lines), status.stdout
