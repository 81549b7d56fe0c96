"""A TLS server whose suites the probe does not offer (here PSK only; DHE-DSS, CCM, ARIA or Camellia
only alike) answers every hello with handshake_failure (R16d F5). Nothing was negotiated, so the
object has no evidence, but the evidence says the port speaks TLS and refused the offered suites,
not that no TLS service was found (which sends the evaluator looking for another service)."""

from __future__ import annotations

from pathlib import Path

from govsoc.crypto_eval.checks.channel_view import SUITES_REFUSED
from govsoc.crypto_eval.evaluate import evaluate_inventory
from tests.crypto_eval.test_review_declared import KM, PRODUCT, _item, _systems
from tests.servers.ca import TestCA, issue
from tests.servers.tls import openssl_s_server


def test_a_tls_server_refusing_every_offered_suite_is_said_to_speak_tls(tmp_path: Path, test_root: TestCA) -> None:
    leaf = issue(tmp_path, "psk", test_root, kind="ec")
    # the PSK key is a test value on loopback, for a server no client ever completes a handshake with
    args = ["-psk", "0123456789abcdef", "-cipher", "PSK-AES128-GCM-SHA256", "-no_tls1_3"]
    with openssl_s_server(leaf, args) as port:
        (e,) = evaluate_inventory(_systems({"name": "psk", "level": 3, "endpoints": [
            {"host": "127.0.0.1", "port": port, "protocol": "https", "kind": "web", "server_name": "localhost"}],
            "crypto": {"products": [PRODUCT], "key_management": KM, "trust_anchors": [str(test_root.cert)]}}),
            question_timeout=2.0)
    (obj,) = _item(e, "gbt39786.l3.8.2.a").objects
    assert obj.missing  # nothing negotiated: no evidence either way
    said = [f.observed for f in e.findings if f.item == "gbt39786.l3.8.2.a"]
    assert any(SUITES_REFUSED in w and "TLSv12 handshake_failure" in w for w in said), said
    assert not any("未发现TLS" in w for w in said), said
    why = [f.why for f in e.findings if f.item == "gbt39786.l3.8.2.a"]
    assert not any("未识别出协议" in w for w in why), why  # the reason, too, says TLS was seen
