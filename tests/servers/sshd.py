"""Debian's OpenSSH sshd started on a free loopback port with a temporary host key and config."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

SSHD = Path("/usr/sbin/sshd")
SSH_KEYGEN = "ssh-keygen"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass(frozen=True)
class Sshd:
    port: int
    config: Path
    effective: dict[str, str]  # `sshd -T` output: keyword -> value


def wait_for_port(port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port}")


@contextmanager
def running_sshd(folder: Path, options: Sequence[str] = (), key_type: str = "ed25519",
                 more_key_types: Sequence[str] = ()) -> Iterator[Sshd]:
    """sshd -D on 127.0.0.1 with ``options`` (sshd_config lines) and a host key of ``key_type`` (and
    one of each of ``more_key_types``: folder/host_<type>); stopped afterwards."""
    if os.geteuid() == 0:
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # privilege-separation chroot, needed as root
    keys = []
    for kind in (key_type, *more_key_types):
        host_key = folder / f"host_{kind}"
        if not host_key.exists():
            subprocess.run([SSH_KEYGEN, "-q", "-t", kind, "-N", "", "-f", str(host_key)], check=True)
        keys.append(f"HostKey {host_key}")
    port = free_port()
    config = folder / f"sshd_config_{port}"
    config.write_text("\n".join([f"Port {port}", "ListenAddress 127.0.0.1", *keys,
                                 f"PidFile {folder}/sshd_{port}.pid", "UsePAM no", "StrictModes no",
                                 *options]) + "\n")
    shown = subprocess.run([str(SSHD), "-T", "-f", str(config)], capture_output=True, text=True, check=True)
    effective = dict(line.split(" ", 1) for line in shown.stdout.splitlines() if " " in line)
    proc = subprocess.Popen([str(SSHD), "-D", "-e", "-f", str(config)], stderr=subprocess.DEVNULL)
    try:
        wait_for_port(port)
        yield Sshd(port=port, config=config, effective=effective)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
