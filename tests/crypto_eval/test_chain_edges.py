"""Chain edges seen through real servers on loopback, each checked against ``openssl verify``: a
declared version 1 self-signed root is a trust anchor (RFC 5280 6.1.1 d; OpenSSL's "V1 root"),
a v1 intermediate is not a CA; a server certificate with cA TRUE is accepted (RFC 5280 does not
forbid it; openssl's sslserver purpose accepts it) with a note; and how a TLCP broken-chain reason
reads after its label (a space before an ASCII subject, none before Chinese)."""

from __future__ import annotations

import asyncio
import subprocess
from pathlib import Path

import pytest
from cryptography import x509

from govsoc.core.errors import ConfigError
from govsoc.crypto_eval.chain import TrustStore
from govsoc.crypto_eval.checks.channel_view import view_of
from govsoc.crypto_eval.probes.runner import EndpointReport, Target, probe_endpoint
from tests.servers.ca import issue, issue_sm2, make_ca, make_v1, tamper
from tests.servers.certs import sm2_private_scalar
from tests.servers.tlcp_server import SmServerConfig, sm_server
from tests.servers.tls import openssl_s_server


def _probe(port: int, protocol: str = "https", name: str = "localhost") -> EndpointReport:
    return asyncio.run(probe_endpoint(Target(host="127.0.0.1", port=port, protocol=protocol, server_name=name)))


def _verify(openssl: str, anchor: Path, leaf: Path, *extra: str) -> str:
    done = subprocess.run([openssl, "verify", "-purpose", "sslserver", "-CAfile", str(anchor), *extra, str(leaf)],
                          capture_output=True, text=True)
    return "OK" if done.returncode == 0 else done.stdout + done.stderr


def test_a_declared_v1_root_is_an_anchor_with_a_note(tmp_path: Path, openssl: str) -> None:
    root = make_v1(tmp_path, "F16j v1 root")
    leaf = issue(tmp_path, "v1-leaf", root)
    assert _verify(openssl, root.cert, leaf.cert) == "OK"  # the peer accepts the V1 root
    store = TrustStore.from_files([root.cert])  # was refused: "is not a CA certificate"
    with openssl_s_server(leaf, ["-tls1_3"]) as port:
        report = _probe(port)
    view = view_of(report, trust=store)
    assert view.authentication is not None and view.authentication[0] is True, view
    assert any(n.startswith("TLS: 信任根 CN=F16j v1 root 为v1自签名证书") for n in view.notes), view.notes


def test_a_v1_intermediate_is_not_a_ca(tmp_path: Path, openssl: str) -> None:
    root = make_ca(tmp_path, "F16j root over v1")
    inter = make_v1(tmp_path, "F16j v1 intermediate", issuer=root)
    leaf = issue(tmp_path, "under-v1", inter)
    assert "invalid CA certificate" in _verify(openssl, root.cert, leaf.cert, "-untrusted", str(inter.cert))
    with openssl_s_server(leaf, ["-tls1_2", "-cert_chain", str(inter.cert)]) as port:
        report = _probe(port)
    auth = view_of(report, trust=TrustStore.from_files([root.cert])).authentication
    assert auth is not None and auth[0] is False
    assert "签发者 CN=F16j v1 intermediate 为v1证书（无扩展，无 basicConstraints），不能作为中间CA" in auth[1]
    # and a v1 certificate that is not self-issued cannot be declared as an anchor
    with pytest.raises(ConfigError, match="is not a CA certificate"):
        TrustStore.from_files([inter.cert])


def test_a_server_certificate_that_is_a_ca_is_noted(tmp_path: Path, openssl: str) -> None:
    root = make_ca(tmp_path, "F16j root of a CA leaf")
    usage = x509.KeyUsage(True, False, False, False, False, True, True, False, False)  # digitalSignature, keyCertSign
    leaf = issue(tmp_path, "ca-leaf", root, is_ca=True, key_usage=usage)
    assert _verify(openssl, root.cert, leaf.cert) == "OK"  # not a reason to fail the chain (sslserver purpose)
    with openssl_s_server(leaf, ["-tls1_3"]) as port:
        report = _probe(port)
    view = view_of(report, trust=TrustStore.from_der([root.der]))
    assert view.authentication is not None and view.authentication[0] is True, view
    assert any(n.startswith("TLS: 服务端证书 CN=localhost 是CA证书（basicConstraints cA=TRUE）") for n in view.notes)
    # the control: an end-entity certificate gets no such note
    plain = issue(tmp_path, "plain-leaf", root)
    with openssl_s_server(plain, ["-tls1_3"]) as port:
        report = _probe(port)
    assert not any("是CA证书" in n for n in view_of(report, trust=TrustStore.from_der([root.der])).notes)


def test_tlcp_broken_chain_labels(tmp_path: Path, openssl: str) -> None:
    # 55ed4ef: "TLCP" then a space before a reason that starts with an ASCII subject, none before Chinese
    root = make_ca(tmp_path, "F16j TLCP label root", kind="sm2")
    inter = make_ca(tmp_path, "F16j TLCP label CA", kind="sm2", issuer=root)
    good_sign = issue_sm2(tmp_path, "label-sign", inter, usage="digitalSignature")
    enc = issue_sm2(tmp_path, "label-enc", inter, usage="keyEncipherment")
    # the signing certificate altered after its CA signed it (its signature no longer verifies)
    config = SmServerConfig(mode="tlcp", sign_cert=tamper(good_sign.der), enc_cert=enc.der,
                            sign_key=sm2_private_scalar(good_sign.key), chain=(inter.der,))
    other_name = SmServerConfig(mode="tlcp", sign_cert=good_sign.der, enc_cert=enc.der,
                                sign_key=sm2_private_scalar(good_sign.key), chain=(inter.der,))
    trust = TrustStore.from_der([root.der])
    with sm_server(config) as port:
        forged = view_of(_probe(port, "tlcp", "tlcp.test"), trust=trust).authentication
    with sm_server(other_name) as port:
        renamed = view_of(_probe(port, "tlcp", "other.test"), trust=trust).authentication
    assert forged is not None and forged[0] is False
    assert forged[1].startswith("TLCP CN=tlcp.test 的签名不能用签发者 CN=F16j TLCP label CA 的公钥验证"), forged
    assert renamed is not None and renamed[0] is False
    assert renamed[1].startswith("TLCP证书与域名 other.test 不符"), renamed
