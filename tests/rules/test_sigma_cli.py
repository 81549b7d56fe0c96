"""sigma-cli uses govsoc's pipeline as a pySigma plugin: ``sigma convert -t lucene -p govsoc_ecs``."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import need

RULE = """
title: Whoami over SSH
id: 00000000-0000-4000-8000-0000000000bb
logsource: {product: linux, service: sshd}
detection:
  s:
    CommandLine|contains: whoami
    src_ip|cidr: 10.0.0.0/8
  condition: s
"""


def sigma_command() -> str:
    beside = Path(sys.executable).parent / "sigma"
    found = str(beside) if beside.exists() else shutil.which("sigma")
    need(found is not None, "sigma-cli is not installed (pip install 'govsoc[dev]')")
    assert found is not None
    return found


def test_sigma_cli_lists_the_govsoc_pipeline(tmp_path: Path) -> None:
    done = subprocess.run([sigma_command(), "list", "pipelines"], capture_output=True, text=True, cwd=tmp_path,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert "govsoc_ecs" in done.stdout


def test_sigma_convert_maps_fields_and_log_source(tmp_path: Path) -> None:
    rule = tmp_path / "whoami.yml"
    rule.write_text(RULE, encoding="utf-8")
    done = subprocess.run([sigma_command(), "convert", "-t", "lucene", "-p", "govsoc_ecs", str(rule)],
                          capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    query = done.stdout.strip().splitlines()[-1]
    # The pipeline's log-source condition and ECS names, not the rule's Sigma names.
    assert "process.name:(sshd OR sshd\\-session)" in query, query  # sshd-session: OpenSSH >= 9.8
    assert "process.command_line:*whoami*" in query and "source.ip:10.0.0.0\\/8" in query, query
    assert "CommandLine" not in query and "src_ip" not in query
