"""A finding names each weak algorithm it saw, not only the weakest (review r16f, MEDIUM): a TLS 1.0
server choosing 3DES with SHA-1 records has three weak things to fix; Ra still comes from the weakest
(量化评估规则 Table 2), and the reason lists every one with its strength, weakest first."""

from __future__ import annotations

from typing import Any

from govsoc.core.inventory import InventoryModel
from govsoc.crypto_eval.evaluate import evaluate_inventory
from tests.servers.certs import CertFiles
from tests.servers.tls import openssl_s_server


def test_every_weak_algorithm_of_a_channel_is_named(rsa_cert: CertFiles, anchor_files: list[str]) -> None:
    with openssl_s_server(rsa_cert, ["-tls1", "-cipher", "ALL:@SECLEVEL=0"]) as port:
        systems = InventoryModel.model_validate({"systems": [{"name": "weak", "level": 3, "endpoints": [
            {"host": "127.0.0.1", "port": port, "protocol": "https", "kind": "web", "server_name": "localhost"}],
            "crypto": {"trust_anchors": anchor_files}}]}).systems
        (evaluation,) = evaluate_inventory(systems, question_timeout=2.0)
    weak: list[Any] = [f for f in evaluation.findings if f.factor == "A" and f.satisfied is False]
    assert weak, evaluation.findings
    for f in weak:
        names = f.observed.split(", ")
        assert len(names) >= 2, f  # the observation has several: the protocol version and the suite's parts
        for name in names:
            assert name in f.why, (name, f.why)
    assert any("最弱：TLS_DH_anon" in f.why and f.bits == 0 for f in weak), weak  # Ra: the weakest, 0 bits
