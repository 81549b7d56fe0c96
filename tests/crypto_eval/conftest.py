"""Fixtures for 密评 tests: certificates (RSA/ECDSA by cryptography, SM2 by openssl) and the real
servers of tests/servers, started on loopback by the tests that need them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import need
from tests.servers.certs import CertFiles, make_cert, make_sm2_cert, sm2_private_scalar
from tests.servers.tlcp_server import SmServerConfig


@pytest.fixture(scope="session")
def cert_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("probe-certs")


@pytest.fixture(scope="session")
def rsa_cert(cert_dir: Path) -> CertFiles:
    """RSA-2048 / SHA-256 for localhost."""
    return make_cert(cert_dir, "rsa")


@pytest.fixture(scope="session")
def ecdsa_cert(cert_dir: Path) -> CertFiles:
    """ECDSA P-256 for localhost."""
    return make_cert(cert_dir, "ecdsa", kind="ec", bits=256)


@pytest.fixture(scope="session")
def sm_config(cert_dir: Path, openssl: str) -> SmServerConfig:
    """SM2 signing and encryption certificates for the TLCP / TLS 1.3-SM test server (mode "dual")."""
    sign = make_sm2_cert(cert_dir, "sm2-sign", cn="tlcp.test", usage="digitalSignature")
    enc = make_sm2_cert(cert_dir, "sm2-enc", cn="tlcp.test", usage="keyEncipherment")
    return SmServerConfig(mode="dual", sign_cert=sign.der, enc_cert=enc.der, sign_key=sm2_private_scalar(sign.key))


@pytest.fixture(scope="session")
def sshd_binary() -> Path:
    need(Path("/usr/sbin/sshd").exists() and shutil.which("ssh-keygen") is not None,
         "OpenSSH sshd is not installed (apt-get install openssh-server)")
    return Path("/usr/sbin/sshd")


@pytest.fixture(scope="session")
def vsftpd_binary() -> Path:
    need(Path("/usr/sbin/vsftpd").exists(), "vsftpd is not installed (apt-get install vsftpd)")
    return Path("/usr/sbin/vsftpd")
