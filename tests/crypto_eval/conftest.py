"""Fixtures for 密评 tests: certificates (RSA/ECDSA by cryptography, SM2 by openssl) and the real
servers of tests/servers, started on loopback by the tests that need them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from govsoc.crypto_eval.chain import TrustStore
from tests.conftest import need
from tests.servers.ca import TestCA, issue, issue_sm2, make_ca
from tests.servers.certs import CertFiles, sm2_private_scalar
from tests.servers.tlcp_server import SmServerConfig


@pytest.fixture(scope="session")
def cert_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("probe-certs")


@pytest.fixture(scope="session")
def test_root(cert_dir: Path) -> TestCA:
    """The ECDSA test root CA that issues the RSA and ECDSA server certificates below."""
    return make_ca(cert_dir, "govsoc-test-root")


@pytest.fixture(scope="session")
def sm2_root(cert_dir: Path, openssl: str) -> TestCA:
    """The SM2 test root CA that issues the TLCP / TLS 1.3-SM certificates below."""
    return make_ca(cert_dir, "govsoc-SM2-test-root", kind="sm2")


@pytest.fixture(scope="session")
def anchor_files(test_root: TestCA, sm2_root: TestCA) -> list[str]:
    """The test roots as an inventory's trust_anchors."""
    return [str(test_root.cert), str(sm2_root.cert)]


@pytest.fixture(scope="session")
def trust(test_root: TestCA, sm2_root: TestCA) -> TrustStore:
    """The test roots as declared trust anchors (what view_of needs for an authenticated channel)."""
    return TrustStore.from_der([test_root.der, sm2_root.der])


@pytest.fixture(scope="session")
def rsa_cert(cert_dir: Path, test_root: TestCA) -> CertFiles:
    """RSA-2048 / SHA-256 for localhost, issued by the test root."""
    return issue(cert_dir, "rsa", test_root, kind="rsa")


@pytest.fixture(scope="session")
def ecdsa_cert(cert_dir: Path, test_root: TestCA) -> CertFiles:
    """ECDSA P-256 for localhost, issued by the test root."""
    return issue(cert_dir, "ecdsa", test_root)


@pytest.fixture(scope="session")
def sm_config(cert_dir: Path, sm2_root: TestCA) -> SmServerConfig:
    """SM2 signing and encryption certificates (issued by the SM2 test root) for the TLCP / TLS
    1.3-SM test server (mode "dual")."""
    sign = issue_sm2(cert_dir, "sm2-sign", sm2_root, cn="tlcp.test", usage="digitalSignature")
    enc = issue_sm2(cert_dir, "sm2-enc", sm2_root, cn="tlcp.test", usage="keyEncipherment")
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
