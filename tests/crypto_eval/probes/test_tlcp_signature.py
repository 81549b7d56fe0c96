"""TLCP ServerKeyExchange signatures are verified under the signing certificate's SM2 key (GB/T
38636-2020 6.4.5.4, crypto_eval.sm2): the TLCP test server signing with a key other than its
certificate's is not authenticated (issue 16 review 7)."""

from __future__ import annotations

import asyncio
import dataclasses
from pathlib import Path

import pytest

from govsoc.crypto_eval.chain import TrustStore
from govsoc.crypto_eval.checks.channel_view import view_of
from govsoc.crypto_eval.probes.runner import Target, probe_endpoint
from tests.servers.certs import make_sm2_cert, sm2_private_scalar
from tests.servers.tlcp_server import SmServerConfig, sm_server


@pytest.mark.parametrize("mode", ["tlcp", "dual"])
def test_key_exchange_signed_with_another_key(sm_config: SmServerConfig, cert_dir: Path, mode: str) -> None:
    other = make_sm2_cert(cert_dir, "sm2-other", cn="x", usage="digitalSignature")
    config = dataclasses.replace(sm_config, mode=mode, sign_key=sm2_private_scalar(other.key))
    with sm_server(config) as port:
        report = asyncio.run(probe_endpoint(Target(host="127.0.0.1", port=port, protocol="https")))
    assert report.tlcp is not None and report.tlcp.supported and report.tlcp.signature_verified is False
    view = view_of(report)
    assert view.protocol == "TLCP" and view.authentication is not None and view.authentication[0] is False
    assert "ServerKeyExchange" in view.authentication[1]


def test_key_exchange_signed_with_the_certificate_key(sm_config: SmServerConfig, trust: TrustStore) -> None:
    with sm_server(dataclasses.replace(sm_config, mode="tlcp")) as port:
        report = asyncio.run(probe_endpoint(Target(host="127.0.0.1", port=port, protocol="https")))
    assert report.tlcp is not None and report.tlcp.signature_verified is True
    auth = view_of(report, trust=trust).authentication
    assert auth is not None and auth[0] is True


@pytest.mark.parametrize("mode", ["tlcp", "tls13sm"])
@pytest.mark.parametrize("name,ok", [("tlcp.test", True), ("TLCP.test.", True), ("other.test", False)])
def test_cn_only_sm2_certificate_names_its_host(sm_config: SmServerConfig, mode: str, name: str, ok: bool,
                                                trust: TrustStore) -> None:
    # the SM2 certificates carry their host name in the CN only (no subjectAltName), as many 国密
    # certificates do: RFC 6125 6.4.4 takes the CN when there is no DNS name (second review, finding 6)
    with sm_server(dataclasses.replace(sm_config, mode=mode)) as port:
        report = asyncio.run(probe_endpoint(Target(host="127.0.0.1", port=port, protocol="https", server_name=name)))
    auth = view_of(report, trust=trust).authentication
    assert auth is not None and auth[0] is ok, auth
