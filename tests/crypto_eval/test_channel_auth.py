"""Authentication (D of 8.2 a) of TLCP and TLS 1.3-SM channels: an expired certificate, a
certificate for another host name, or a server that cannot prove it holds the certificate's key
(failed CertificateVerify / Finished) make 身份鉴别 ineffective and high risk (reference §3), as for
TLS <= 1.2. Certificates are real ones (tests/servers/certs); the probe results are built as data."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from govsoc.collectors.protocols.x509 import CertificateInfo, parse_certificate
from govsoc.core.inventory import InventoryModel
from govsoc.crypto_eval.chain import TrustStore
from govsoc.crypto_eval.checks.channel_view import NO_PROOF, view_of
from govsoc.crypto_eval.evaluate import evaluate_system
from govsoc.crypto_eval.probes.runner import EndpointReport, Target
from govsoc.crypto_eval.probes.tlcp import TlcpProbeResult, Tls13SmProbeResult
from tests.servers.ca import TestCA, issue

HOST = "10.0.0.5"
NAME = "portal.gov.test"


@pytest.fixture(scope="module")
def leaf(tmp_path_factory: pytest.TempPathFactory, test_root: TestCA) -> CertificateInfo:
    # issued by the test root (a declared anchor); keyUsage digitalSignature, which a TLCP signing
    # certificate must say (GB/T 38636)
    files = issue(tmp_path_factory.mktemp("auth-certs"), "portal", test_root, host=NAME, days=30)
    return parse_certificate(files.der)


def _tlcp(leaf: CertificateInfo, server_name: str | None = NAME, verified: bool | None = True) -> EndpointReport:
    return EndpointReport(target=Target(host=HOST, port=443, protocol="tlcp", server_name=server_name),
                          tlcp=TlcpProbeResult(endpoint=f"{HOST}:443", supported=True, suite="TLCP_ECC_SM4_GCM_SM3",
                                               signing_certificate=leaf, chain=(leaf,), answer="server_hello",
                                               signature_verified=verified))


def _sm(leaf: CertificateInfo, *, verified: bool | None = True, finished: bool | None = True) -> EndpointReport:
    return EndpointReport(target=Target(host=HOST, port=443, protocol="tls", server_name=NAME),
                          tls13_sm=Tls13SmProbeResult(endpoint=f"{HOST}:443", supported=True,
                                                      suite="TLS_SM4_GCM_SM3", key_share_group="curveSM2",
                                                      chain=(leaf,), finished_ok=finished,
                                                      signature_verified=verified))


def test_valid_tlcp_certificate_authenticates(leaf: CertificateInfo, trust: TrustStore) -> None:
    view = view_of(_tlcp(leaf), trust=trust)
    assert view.authentication is not None and view.authentication[0] is True


@pytest.mark.parametrize("report", [
    lambda leaf: _tlcp(leaf, verified=None),               # certificate read, ServerKeyExchange not checked
    lambda leaf: _sm(leaf, verified=None, finished=True),  # certificate read, CertificateVerify not checked
    lambda leaf: _sm(leaf, verified=True, finished=None),  # signature, but the flight never finished
])
def test_a_certificate_without_a_checked_signature_is_no_evidence(leaf: CertificateInfo, report: Any) -> None:
    # a certificate is public: without a verified signature authentication has no evidence, never ✓
    view = view_of(report(leaf))
    assert view.authentication is None and any(NO_PROOF in note for note in view.notes)


def test_expired_tlcp_certificate_is_not_authentication(leaf: CertificateInfo) -> None:
    later = leaf.not_after + dt.timedelta(days=1)
    view = view_of(_tlcp(leaf), now=later)
    assert view.authentication is not None and view.authentication[0] is False
    assert "有效期" in view.authentication[1]


def test_tlcp_certificate_for_another_host(leaf: CertificateInfo) -> None:
    view = view_of(_tlcp(leaf, server_name="other.gov.test"))
    assert view.authentication is not None and view.authentication[0] is False
    assert "other.gov.test" in view.authentication[1]


def test_expired_tls13_sm_certificate(leaf: CertificateInfo) -> None:
    view = view_of(_sm(leaf), now=leaf.not_after + dt.timedelta(days=1))
    assert view.protocol == "TLS1.3-SM" and view.authentication is not None and view.authentication[0] is False


@pytest.mark.parametrize(("verified", "finished"), [(False, True), (None, False), (False, False)])
def test_failed_proof_of_key_is_impersonation(leaf: CertificateInfo, verified: bool | None,
                                              finished: bool | None) -> None:
    view = view_of(_sm(leaf, verified=verified, finished=finished))
    assert view.authentication is not None and view.authentication[0] is False
    assert "冒充" in view.authentication[1]


def test_wrong_host_tlcp_is_high_risk_in_the_evaluation(leaf: CertificateInfo) -> None:
    model = InventoryModel.model_validate({"systems": [{"name": "s", "level": 3, "endpoints": [
        {"host": HOST, "port": 443, "protocol": "tlcp", "kind": "web", "server_name": "other.gov.test"}]}]})
    e = evaluate_system(model.systems[0], [_tlcp(leaf, server_name="other.gov.test")])
    assert any(f.item == "gbt39786.l3.8.2.a" and f.factor == "D" and not f.satisfied for f in e.high_risk)
    assert e.verdict == "不符合"


def test_failed_certificate_verify_is_high_risk_in_the_evaluation(leaf: CertificateInfo) -> None:
    model = InventoryModel.model_validate({"systems": [{"name": "s", "level": 3, "endpoints": [
        {"host": HOST, "port": 443, "protocol": "tls", "kind": "web", "server_name": NAME}]}]})
    e = evaluate_system(model.systems[0], [_sm(leaf, verified=False)])
    assert any(f.item == "gbt39786.l3.8.2.a" and "冒充" in f.why for f in e.high_risk)


@pytest.mark.parametrize("report", [
    EndpointReport(target=Target(host=HOST, port=443, protocol="https"), error="probe error: ParseError: bad DER"),
    EndpointReport(target=Target(host=HOST, port=443, protocol="https"), timed_out=True),
])
def test_a_failed_probe_does_not_say_the_declared_protocol_is_missing(report: EndpointReport) -> None:
    # note 4: a probe error (or a time-out) is no evidence that the endpoint lacks what it declares
    model = InventoryModel.model_validate({"systems": [{"name": "s", "level": 3, "endpoints": [
        {"host": HOST, "port": 443, "protocol": "https", "kind": "web", "expects": ["tlcp", "tls13-sm"]}]}]})
    e = evaluate_system(model.systems[0], [report])
    assert not [f for f in e.findings if "探测未发现" in f.why]
    # while a probe that read the endpoint and found no TLCP says so (an "unknown" view's text, which
    # names TLCP among what it did not find, was read as TLCP found)
    seen = EndpointReport(target=report.target, tls13_sm=Tls13SmProbeResult(
        endpoint=f"{HOST}:443", supported=False, answer="closed"))
    assert [f for f in evaluate_system(model.systems[0], [seen]).findings if "声明支持 tlcp，探测未发现" in f.why]
