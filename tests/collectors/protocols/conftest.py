"""Fixtures for the wire decoders: a real sshd (tests/servers/sshd.py) and test certificates."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import need
from tests.servers.certs import CertFiles, make_cert


@pytest.fixture(scope="session")
def rsa_cert(tmp_path_factory: pytest.TempPathFactory) -> CertFiles:
    """A self-signed RSA-2048 / SHA-256 certificate for localhost."""
    return make_cert(tmp_path_factory.mktemp("certs"), "rsa")


@pytest.fixture(scope="session")
def sshd_binary() -> Path:
    """Debian's OpenSSH sshd (scripts/system-packages.sh installs openssh-server)."""
    need(Path("/usr/sbin/sshd").exists() and shutil.which("ssh-keygen") is not None,
         "OpenSSH sshd is not installed (apt-get install openssh-server)")
    return Path("/usr/sbin/sshd")
