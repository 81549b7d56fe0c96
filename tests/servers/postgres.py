"""A real PostgreSQL server on loopback (Debian ``postgresql``, scripts/system-packages.sh): initdb
into a fresh folder, started on a free 127.0.0.1 port as a non-root user (the ``postgres`` account
when the tests run as root), password authentication, stopped and removed afterwards; with ``tls``
(a certificate and key) it runs with ssl=on, else ssl=off. Under CI=true a missing server fails."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.conftest import need
from tests.servers.certs import CertFiles

__all__ = ["postgres_server", "PASSWORD"]

PASSWORD = "classify-test-secret"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _has_user(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


@contextmanager
def postgres_server(tls: CertFiles | None = None, hba: list[str] | None = None) -> Iterator[int]:
    """Run a server until the block ends; yields its port (user postgres, password PASSWORD).
    ``hba``: the pg_hba.conf lines (else initdb's: ``host`` lines, TLS neither required nor refused)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    bindir = Path(found[-1]).parent if found else (Path(p).parent if (p := shutil.which("initdb")) else None)
    need(bindir is not None, "no PostgreSQL server binaries (scripts/system-packages.sh installs postgresql)")
    assert bindir is not None
    prefix: list[str] = []
    owner = -1
    folder = Path(tempfile.mkdtemp(prefix="govsoc-pg-"))
    if os.geteuid() == 0:
        # initdb refuses root; run the server as the postgres account (or nobody)
        user = "postgres" if _has_user("postgres") else "nobody"
        owner = pwd.getpwnam(user).pw_uid
        os.chown(folder, owner, pwd.getpwnam(user).pw_gid)
        prefix = ["runuser", "-u", user, "--"]
    data, pwfile, port = folder / "data", folder / "pw", _free_port()
    pwfile.write_text(PASSWORD + "\n", encoding="utf-8")
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off -c ssl=off"
    if tls is not None:  # the server reads its key only when its owner alone may (PostgreSQL refuses otherwise)
        for name, source in (("server.crt", tls.cert), ("server.key", tls.key)):
            (folder / name).write_bytes(source.read_bytes())
            (folder / name).chmod(0o600)
            os.chown(folder / name, owner, -1)
        options = options.replace("-c ssl=off", f"-c ssl=on -c ssl_cert_file={folder / 'server.crt'} "
                                                f"-c ssl_key_file={folder / 'server.key'}")
    os.chown(pwfile, owner, -1)
    try:
        run = subprocess.run([*prefix, str(bindir / "initdb"), "-D", str(data), "-U", "postgres",
                              "--auth=scram-sha-256", f"--pwfile={pwfile}", "-E", "UTF8", "--locale=C"],
                             capture_output=True, text=True)
        need(run.returncode == 0, f"initdb failed: {run.stderr[-300:]}")
        if hba is not None:
            (data / "pg_hba.conf").write_text("local all all scram-sha-256\n" + "".join(f"{line}\n" for line in hba))
        run = subprocess.run([*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-w", "-l",
                              str(folder / "log"), "start"], capture_output=True, text=True)
        need(run.returncode == 0, f"pg_ctl start failed: {run.stderr[-300:]} "
                                   f"{(folder / 'log').read_text(errors='replace')[-500:]}")
        try:
            yield port
        finally:
            subprocess.run([*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
                           capture_output=True)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
