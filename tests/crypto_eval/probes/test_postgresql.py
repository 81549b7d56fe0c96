"""PostgreSQL endpoints (review r16f, MEDIUM): a real PostgreSQL server on loopback, with ssl=on
(answers SSLRequest 'S', TLS follows on the same connection) and ssl=off ('N': the session goes on
in the clear). The TLS behind 'S' is probed and judged like any TLS (suites, certificate chain to
the declared anchor); 'N' is a cleartext channel (8.2 ✗). Before, a database endpoint got a TLS
hello straight away, which PostgreSQL reads as a bad startup packet: no evidence at all."""

from __future__ import annotations

import asyncio

import pytest

from govsoc.core.inventory import InventoryModel
from govsoc.crypto_eval.chain import TrustStore
from govsoc.crypto_eval.checks.channel_view import view_of
from govsoc.crypto_eval.evaluate import evaluate_inventory
from govsoc.crypto_eval.probes.runner import Target, probe_endpoint
from tests.servers.ca import TestCA
from tests.servers.certs import CertFiles
from tests.servers.postgres import postgres_server

HOSTSSL = "hostssl all all 127.0.0.1/32 scram-sha-256"


def test_a_postgresql_server_with_ssl_is_probed_as_tls(ecdsa_cert: CertFiles, test_root: TestCA) -> None:
    # hostssl only, and the account that logs in declared: TLS is required of it (review R16c 5)
    with postgres_server(ecdsa_cert, hba=[HOSTSSL]) as port:
        report = asyncio.run(probe_endpoint(Target(host="127.0.0.1", port=port, protocol="postgresql",
                                                   server_name="localhost", accounts=("app",)), question_timeout=3.0))
    assert report.starttls == "postgresql" and report.tls is not None and report.tls.speaks_tls, report
    assert any(v.version == "TLSv13" for v in report.tls.accepted()), report.tls
    view = view_of(report, trust=TrustStore.from_der([test_root.der]))
    assert view.protocol == "TLS" and "（PostgreSQL SSLRequest之后）" in view.observed, view
    assert view.confidentiality is not None and view.confidentiality[0] is True, view
    assert view.authentication is not None and view.authentication[0] is True, view  # chain to the test root


def test_a_postgresql_server_without_ssl_is_a_cleartext_channel() -> None:
    with postgres_server() as port:
        systems = InventoryModel.model_validate({"systems": [{"name": "数据库", "level": 3, "endpoints": [
            {"host": "127.0.0.1", "port": port, "protocol": "postgresql", "kind": "database"}]}]}).systems
        (evaluation,) = evaluate_inventory(systems, question_timeout=3.0)
    found = [f for f in evaluation.findings if f.factor == "D" and f.satisfied is False
             and "postgresql 明文传输" in f.why]
    assert found, evaluation.findings
    assert any("SSLRequest → N（不支持SSL/TLS，会话以明文进行）" in f.observed for f in found), found


@pytest.mark.parametrize(("hba", "accounts", "verdict"), [
    (None, (), "clear"),                   # initdb's `host` lines: ssl=on, yet a plaintext startup is served
    ([HOSTSSL], (), "unproven"),           # hostssl only, seen for the probe's user alone
    ([HOSTSSL], ("app",), "tls"),          # hostssl only, the declared account refused without TLS too
    (["host app app 127.0.0.1/32 scram-sha-256", HOSTSSL], ("app",), "clear"),  # one account let in without TLS
])
def test_ssl_on_is_not_tls_required(ecdsa_cert: CertFiles, test_root: TestCA, hba: list[str] | None,
                                    accounts: tuple[str, ...], verdict: str) -> None:
    # review R16c 5: ssl=on answers SSLRequest 'S', and was scored encrypted although pg_hba.conf's host
    # lines let a client that never sends SSLRequest log in and query in the clear
    with postgres_server(ecdsa_cert, hba=hba) as port:
        report = asyncio.run(probe_endpoint(Target(host="127.0.0.1", port=port, protocol="postgresql",
                                                   server_name="localhost", accounts=accounts), question_timeout=3.0))
    view = view_of(report, trust=TrustStore.from_der([test_root.der]))
    assert view.protocol == "TLS" and view.authentication is not None and view.authentication[0] is True, view
    if verdict == "clear":
        assert view.confidentiality is not None and view.confidentiality[0] is False, view
        assert "接受不经SSLRequest的明文启动消息" in view.confidentiality[1] and "AuthenticationRequest" in (
            view.confidentiality[1])
    elif verdict == "unproven":
        assert view.confidentiality is None and view.integrity is None, view
        why = dict(view.unproven)["confidentiality"]
        assert "no encryption" in why and "login_accounts" in why, why
    else:
        assert view.confidentiality is not None and view.confidentiality[0] is True, view
        assert [p.accepted for p in report.plaintext_startups] == [False, False], report.plaintext_startups
