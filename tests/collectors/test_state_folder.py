"""A state folder govsoc may not write in is the configuration's error, named (R11i-3): on a
read-only state folder `govsoc ingest` ended with "internal error: OSError: [Errno 30] Read-only
file system: .../registry.lock" (exit 1). It now names the folder and what it needs (write
permission) and exits 2; once writable, the next run reads on and nothing is lost. The folder is
made read-only for root too by a read-only bind mount of it over itself; and govsoc is run as
root without its capabilities (setpriv) on a data folder another user (nobody) owns."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.conftest import need

GOVSOC = str(Path(sys.executable).with_name("govsoc"))


def sshd(i: int) -> bytes:
    return (f"Dec 10 06:{i // 60 % 60:02d}:{i % 60:02d} LabSZ sshd[{i}]: Failed password for u{i} from 10.0.0.1 "
            f"port {i} ssh2\n").encode()


@contextmanager
def read_only(folder: Path) -> Iterator[None]:
    """``folder`` read-only (EROFS, root included) while the block runs."""
    need(os.geteuid() == 0 and shutil.which("mount") is not None, "a read-only bind mount needs root and mount(8)")
    subprocess.run(["mount", "--bind", str(folder), str(folder)], check=True)
    try:
        subprocess.run(["mount", "-o", "remount,ro,bind", str(folder)], check=True)
        yield
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def govsoc(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOVSOC_")} | {"GOVSOC_HOME": str(home)}
    return subprocess.run([GOVSOC, *args], capture_output=True, text=True, timeout=120, env=env)


def test_a_read_only_state_folder_is_named_with_what_it_needs(tmp_path: Path) -> None:
    log, home = tmp_path / "auth.log", tmp_path / "home"
    log.write_bytes(b"".join(sshd(i) for i in range(10)))
    assert govsoc(home, "ingest", str(log)).returncode == 0
    with log.open("ab") as out:
        out.write(b"".join(sshd(i) for i in range(10, 20)))
    state = home / "state"
    with read_only(state):
        for args in (("ingest", str(log)), ("ingest", "--follow", "--stop-after", "2", str(log))):
            done = govsoc(home, *args)
            assert done.returncode == 2, (args, done.stderr)
            assert "internal error" not in done.stderr
            assert f"{state / 'sources'}: cannot write in the state folder (Read-only file system)" in done.stderr
            assert "needs write permission" in done.stderr
    again = govsoc(home, "ingest", str(log))
    assert again.returncode == 0 and "10 records, 10 accepted (10 new" in again.stdout, again.stdout


def test_a_state_folder_of_another_user_is_named_with_what_it_needs(tmp_path: Path) -> None:
    need(os.geteuid() == 0 and shutil.which("setpriv") is not None, "dropping root's capabilities needs setpriv")
    log, home = tmp_path / "auth.log", tmp_path / "home"
    log.write_bytes(b"".join(sshd(i) for i in range(10)))
    assert govsoc(home, "ingest", str(log)).returncode == 0
    with log.open("ab") as out:
        out.write(sshd(10))
    for path in (home, *home.rglob("*")):
        os.chown(path, 65534, 65534, follow_symlinks=False)
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOVSOC_")} | {"GOVSOC_HOME": str(home)}
    # root without its capabilities (no CAP_DAC_OVERRIDE) is held to the folder's modes like any user
    # not its owner, and can still run the govsoc installed in root's own folders (CI's pyenv, under /root)
    done = subprocess.run(["setpriv", "--inh-caps=-all", "--bounding-set=-all", GOVSOC, "ingest", str(log)],
                          capture_output=True, text=True, timeout=120, env=env, cwd="/")
    assert done.returncode == 2, done.stderr
    assert f"{home / 'state' / 'sources'}: cannot write in the state folder (Permission denied)" in done.stderr
    assert "needs write permission" in done.stderr and "internal error" not in done.stderr
