"""Servers that accept only anonymous ECDH or ECDHE NULL suites (IANA 0xC015-0xC019, 0xC006,
0xC010) speak TLS: the probe offers those suites, so such a server is seen as TLS and its channel
is flagged (no server authentication / no encryption), not reported as "not TLS"."""

from __future__ import annotations

import asyncio

import pytest

from govsoc.crypto_eval.checks.channel_view import view_of
from govsoc.crypto_eval.probes.runner import EndpointReport, Target
from govsoc.crypto_eval.probes.tls import probe_tls
from tests.servers.certs import CertFiles
from tests.servers.tls import openssl_s_server


@pytest.mark.parametrize(("cipher", "suite", "aspect"), [
    ("AECDH-AES128-SHA", "TLS_ECDH_anon_WITH_AES_128_CBC_SHA", "authentication"),
    ("ECDHE-ECDSA-NULL-SHA", "TLS_ECDHE_ECDSA_WITH_NULL_SHA", "confidentiality"),
])
def test_anon_and_null_ecdh_servers_are_tls_and_flagged(ecdsa_cert: CertFiles, openssl: str, cipher: str,
                                                        suite: str, aspect: str) -> None:
    with openssl_s_server(ecdsa_cert, ["-tls1_2", "-cipher", f"{cipher}:@SECLEVEL=0"]) as port:
        result = asyncio.run(probe_tls("127.0.0.1", port, timeout=3.0))
    assert result.speaks_tls and [v.suite for v in result.accepted()] == [suite]
    view = view_of(EndpointReport(target=Target(host="127.0.0.1", port=port, protocol="https"), tls=result))
    assert view.protocol == "TLS"
    effective = getattr(view, aspect)
    assert effective is not None and effective[0] is False
    assert any(a.high_risk for a in view.algorithms)
