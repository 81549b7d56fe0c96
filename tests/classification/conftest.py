"""A real PostgreSQL server for the classification source tests: initdb into a fresh folder,
started on a free 127.0.0.1 port as a non-root user (the ``postgres`` account when the tests run
as root), password authentication, stopped and removed afterwards. scripts/system-packages.sh
installs the server (Debian ``postgresql``). Under CI=true a missing server fails the tests."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

IN_CI = os.environ.get("CI", "").lower() == "true"
PASSWORD = "classify-test-secret"


def _need(condition: bool, reason: str) -> None:
    if condition:
        return
    if IN_CI:
        pytest.fail(f"CI=true and {reason}")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def postgres() -> Iterator[dict[str, str]]:
    """{'url': DSN without password, 'password': ...} of a running server with database 'govsoc'."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    bindir = Path(found[-1]).parent if found else (Path(p).parent if (p := shutil.which("initdb")) else None)
    _need(bindir is not None, "no PostgreSQL server binaries (scripts/system-packages.sh installs postgresql)")
    assert bindir is not None
    prefix: list[str] = []
    folder = Path(tempfile.mkdtemp(prefix="govsoc-pg-"))
    if os.geteuid() == 0:
        # initdb refuses root; run the server as the postgres account (or nobody)
        user = "postgres" if _has_user("postgres") else "nobody"
        os.chown(folder, pwd.getpwnam(user).pw_uid, pwd.getpwnam(user).pw_gid)
        prefix = ["runuser", "-u", user, "--"]
    data, pwfile, port = folder / "data", folder / "pw", _free_port()
    pwfile.write_text(PASSWORD + "\n", encoding="utf-8")
    if prefix:
        os.chown(pwfile, pwd.getpwnam(prefix[2]).pw_uid, -1)
    run = subprocess.run([*prefix, str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=scram-sha-256",
                          f"--pwfile={pwfile}", "-E", "UTF8", "--locale=C"], capture_output=True, text=True)
    _need(run.returncode == 0, f"initdb failed: {run.stderr[-300:]}")
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
    run = subprocess.run([*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-w", "-l",
                          str(folder / "log"), "start"], capture_output=True, text=True)
    _need(run.returncode == 0, f"pg_ctl start failed: {run.stderr[-300:]}")
    try:
        yield {"url": f"postgresql://postgres@127.0.0.1:{port}/postgres", "password": PASSWORD}
    finally:
        subprocess.run([*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
                       capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


def _has_user(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True
