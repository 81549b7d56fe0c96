"""OCSP answers stapled by a real server (openssl s_server -status_file, TLS 1.2 CertificateStatus
and TLS 1.3 CertificateEntry extension), made by ``openssl ocsp`` as the CA's responder: a good
answer is the leaf's revocation evidence, a revoked one is 8.2 a ✗ naming it, and an answer signed
by a key the CA did not authorise is unusable (missing evidence). ``openssl ocsp -respin`` reads the
same answers as the peer."""

from __future__ import annotations

import asyncio
import datetime as dt
import subprocess
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509

from govsoc.crypto_eval.chain import TrustStore
from govsoc.crypto_eval.checks.channel_view import STATUS_UNKNOWN, view_of
from govsoc.crypto_eval.probes.runner import Target, probe_endpoint
from govsoc.crypto_eval.revocation import Revocation
from tests.servers.ca import issue, make_ca, make_crl, serial_of
from tests.servers.tls import openssl_s_server


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    d = tmp_path_factory.mktemp("ocsp")
    root = make_ca(d, "F16j OCSP root")
    inter = make_ca(d, "F16j OCSP intermediate", issuer=root)
    return {"d": d, "root": root, "inter": inter, "leaf": issue(d, "ocsp-leaf", inter),
            "other": make_ca(d, "F16j OCSP stranger")}


def _response(openssl: str, pki: dict[str, Any], state: str, signer: str) -> tuple[Path, str]:
    """An OCSP response for the leaf from openssl's responder (index file: V good, R revoked)."""
    d, leaf = pki["d"], pki["leaf"]
    cert = x509.load_der_x509_certificate(leaf.der)
    expiry = cert.not_valid_after_utc.strftime("%y%m%d%H%M%SZ")
    revoked = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)).strftime("%y%m%d%H%M%SZ") + ",keyCompromise"
    serial = f"{serial_of(leaf.der):X}"
    serial = serial.zfill(len(serial) + len(serial) % 2)
    index = d / f"index-{state}-{signer}.txt"
    index.write_text(f"{'R' if state == 'revoked' else 'V'}\t{expiry}\t{revoked if state == 'revoked' else ''}\t"
                     f"{serial}\tunknown\t/CN=localhost\n")
    request, response = d / f"req-{state}-{signer}.der", d / f"resp-{state}-{signer}.der"
    inter, by = pki["inter"], pki[signer]
    subprocess.run([openssl, "ocsp", "-issuer", str(inter.cert), "-cert", str(leaf.cert), "-no_nonce",
                    "-reqout", str(request)], check=True, capture_output=True)
    subprocess.run([openssl, "ocsp", "-index", str(index), "-CA", str(inter.cert), "-rsigner", str(by.cert),
                    "-rkey", str(by.key), "-reqin", str(request), "-respout", str(response), "-ndays", "1"],
                   check=True, capture_output=True)
    peer = subprocess.run([openssl, "ocsp", "-respin", str(response), "-issuer", str(inter.cert), "-cert",
                           str(leaf.cert), "-CAfile", str(pki["root"].cert), "-verify_other", str(inter.cert)],
                          capture_output=True, text=True)
    return response, peer.stdout + peer.stderr


@pytest.mark.parametrize("state,signer,version", [
    ("good", "inter", "-tls1_2"),     # CertificateStatus after Certificate
    ("good", "inter", "-tls1_3"),     # the leaf's CertificateEntry extension, encrypted
    ("revoked", "inter", "-tls1_3"),
    ("good", "other", "-tls1_2"),     # signed by a key the CA never authorised: not evidence
])
def test_a_stapled_answer(pki: dict[str, Any], openssl: str, state: str, signer: str, version: str) -> None:
    response, peer = _response(openssl, pki, state, signer)
    with openssl_s_server(pki["leaf"], [version, "-cert_chain", str(pki["inter"].cert),
                                        "-status_file", str(response)]) as port:
        report = asyncio.run(probe_endpoint(Target(host="127.0.0.1", port=port, protocol="https",
                                                   server_name="localhost")))
    assert report.tls is not None and report.tls.ocsp_staple == response.read_bytes()
    view = view_of(report, trust=TrustStore.from_der([pki["root"].der]))
    if signer == "other":
        assert "Response Verify Failure" in peer or "Verify error" in peer, peer
        assert view.authentication is None, view
        assert any(n.startswith(f"TLS: {STATUS_UNKNOWN}") and "OCSP装订应答：" in n for n in view.notes), view.notes
    elif state == "good":
        assert "Response verify OK" in peer and ": good" in peer, peer
        assert view.authentication is not None and view.authentication[0] is True, view
        assert "CN=localhost 未被吊销（OCSP装订应答" in view.authentication[1]
        assert not any("未核查证书 CN=localhost" in n for n in view.notes)  # the leaf's status was checked
    else:
        assert "Response verify OK" in peer and ": revoked" in peer, peer
        assert view.authentication is not None and view.authentication[0] is False, view
        assert f"证书已被吊销：CN=localhost（序列号 {serial_of(pki['leaf'].der):X}" in view.authentication[1]
        assert "原因 keyCompromise；OCSP装订应答" in view.authentication[1]


def test_a_good_staple_does_not_hide_a_revocation_the_declared_crl_lists(pki: dict[str, Any], openssl: str) -> None:
    # review R16 HIGH 3: the server keeps stapling a "good" answer made before its key was revoked;
    # the evaluator's declared CRL of the same CA, current, lists the leaf (keyCompromise). Revoked in
    # any usable source decides (RFC 5280 6.1.3 a 3), and the evidence names both sources.
    response, peer = _response(openssl, pki, "good", "inter")
    assert "Response verify OK" in peer and ": good" in peer, peer
    crl = make_crl(pki["d"], "staple-contradicted", pki["inter"], (serial_of(pki["leaf"].der),))
    with openssl_s_server(pki["leaf"], ["-tls1_2", "-cert_chain", str(pki["inter"].cert),
                                        "-status_file", str(response)]) as port:
        report = asyncio.run(probe_endpoint(Target(host="127.0.0.1", port=port, protocol="https",
                                                   server_name="localhost")))
    assert report.tls is not None and report.tls.ocsp_staple == response.read_bytes()
    view = view_of(report, trust=TrustStore.from_der([pki["root"].der], Revocation([(crl, "inter.crl")])))
    assert view.authentication is not None and view.authentication[0] is False, view
    why = view.authentication[1]
    assert f"证书已被吊销：CN=localhost（序列号 {serial_of(pki['leaf'].der):X}" in why, why
    assert "原因 keyCompromise；CRL：inter.crl" in why and "服务器装订的OCSP应答称未吊销" in why, why
