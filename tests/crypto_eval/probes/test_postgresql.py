"""PostgreSQL endpoints (review r16f, MEDIUM): a real PostgreSQL server on loopback, with ssl=on
(answers SSLRequest 'S', TLS follows on the same connection) and ssl=off ('N': the session goes on
in the clear). The TLS behind 'S' is probed and judged like any TLS (suites, certificate chain to
the declared anchor); 'N' is a cleartext channel (8.2 ✗). Before, a database endpoint got a TLS
hello straight away, which PostgreSQL reads as a bad startup packet: no evidence at all."""

from __future__ import annotations

import asyncio

from govsoc.core.inventory import InventoryModel
from govsoc.crypto_eval.chain import TrustStore
from govsoc.crypto_eval.checks.channel_view import view_of
from govsoc.crypto_eval.evaluate import evaluate_inventory
from govsoc.crypto_eval.probes.runner import Target, probe_endpoint
from tests.servers.ca import TestCA
from tests.servers.certs import CertFiles
from tests.servers.postgres import postgres_server


def test_a_postgresql_server_with_ssl_is_probed_as_tls(ecdsa_cert: CertFiles, test_root: TestCA) -> None:
    with postgres_server(ecdsa_cert) as port:
        report = asyncio.run(probe_endpoint(Target(host="127.0.0.1", port=port, protocol="postgresql",
                                                   server_name="localhost"), question_timeout=3.0))
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
