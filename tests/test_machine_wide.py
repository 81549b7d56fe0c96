"""tests/conftest.py's machine_wide locks, which let the suite run on two xdist workers: a resource
held by one process is not taken by another until it is let go, and the live-capture tests hold
theirs while they run."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import pytest

from tests.conftest import machine_wide

ROOT = Path(__file__).resolve().parents[1]


def _held(resource: str) -> bool:
    """Whether some open file (this process's included) holds ``resource``'s lock."""
    with (Path(tempfile.gettempdir()) / f"govsoc-tests-{resource}.lock").open("a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(lock, fcntl.LOCK_UN)
        return False


def test_a_resource_held_by_another_process_waits_until_it_is_let_go() -> None:
    resource = f"selftest-{uuid.uuid4().hex[:8]}"
    program = ("import sys\nfrom tests.conftest import machine_wide\n"
               f"with machine_wide({resource!r}):\n    print('held', flush=True)\n    sys.stdin.read()")
    holder = subprocess.Popen([sys.executable, "-c", program], cwd=ROOT, stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        assert _held(resource)
        holder.communicate("", timeout=30)  # the holder lets go and exits
        assert not _held(resource)
        with machine_wide(resource):
            assert _held(resource)
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.communicate()
        (Path(tempfile.gettempdir()) / f"govsoc-tests-{resource}.lock").unlink(missing_ok=True)


def _holders(resource: str) -> set[int]:
    """The processes holding ``resource``'s lock, from the kernel's table of locks."""
    inode = (Path(tempfile.gettempdir()) / f"govsoc-tests-{resource}.lock").stat().st_ino
    holders = set()
    for line in Path("/proc/locks").read_text().splitlines():  # 1: FLOCK ADVISORY WRITE <pid> <dev>:<inode> 0 EOF
        fields = line.split()
        if fields[1] == "FLOCK" and fields[4].isdigit() and int(fields[5].rsplit(":", 1)[1]) == inode:
            holders.add(int(fields[4]))
    return holders


@pytest.mark.capture
def test_a_capture_test_holds_the_live_capture_lock_while_it_runs() -> None:
    # the veth tests all route HOST's subnet through an interface of their own, and the captures on
    # lo see each other's traffic: under xdist, two at once broke both
    assert os.getpid() in _holders("live-capture")
