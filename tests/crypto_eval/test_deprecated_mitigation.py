"""A declared mitigation never lifts the high risk of a deprecated algorithm or technique (review
R16c 7). The 2021 high-risk guidance lists "insecure or too-weak algorithm (MD5, DES, SHA-1, RSA <
2048)" and "flawed or deprecated technique (SSH 1.0, SSL 2.0/3.0, TLS 1.0)" among the 通用 conditions
with no mitigation (reference §3); 8.2 c)'s mitigation (application-layer encryption covering the
channel) answers a channel left unencrypted, not one encrypted with TLS 1.0. A real `openssl
s_server` speaking TLS 1.0 only; the control, a plain-HTTP channel, is still mitigated."""

from __future__ import annotations

from govsoc.crypto_eval.evaluate import evaluate_inventory
from tests.crypto_eval.test_review_declared import KM, PRODUCT, _systems
from tests.servers.certs import CertFiles
from tests.servers.cleartext import http_server
from tests.servers.tls import openssl_s_server

ITEM = "gbt39786.l3.8.2.c"


def _mitigated(port: int, protocol: str, anchor_files: list[str]):  # type: ignore[no-untyped-def]
    obj = f"127.0.0.1:{port}"
    accepted = {"measure": "应用层以SM4加密全部重要数据", "accepted_by": "张测评", "accepted_on": "2026-11-02",
                "objects": [obj]}
    (e,) = evaluate_inventory(_systems({"name": "门户", "level": 3, "endpoints": [
        {"host": "127.0.0.1", "port": port, "protocol": protocol, "kind": "web", "server_name": "localhost"}],
        "crypto": {"products": [PRODUCT], "key_management": KM, "trust_anchors": anchor_files,
                   "declarations": {ITEM: {"mitigation": accepted}}}}), question_timeout=2.0)
    return e, obj


def test_a_mitigation_does_not_lift_tls_1_0(rsa_cert: CertFiles, anchor_files: list[str]) -> None:
    with openssl_s_server(rsa_cert, ["-tls1", "-cipher", "ALL:@SECLEVEL=0"]) as port:
        e, obj = _mitigated(port, "https", anchor_files)
    high = [f for f in e.high_risk if f.item == ITEM and f.object == obj]
    assert [f.factor for f in high] == ["A"] and "TLSv10" in high[0].observed, high
    assert not [f for f, _ in e.mitigated if f.item == ITEM]
    assert any(f.item == ITEM and f.check == "assess" and "已废弃或不安全的密码算法/技术" in f.why
               and f.observed.startswith("应用层以SM4加密全部重要数据") for f in e.findings)
    assert e.verdict == "不符合"


def test_the_same_mitigation_still_lifts_a_cleartext_channel(anchor_files: list[str]) -> None:
    # the control: 8.2 c)'s own condition (important data not encrypted on the channel) admits it
    with http_server() as port:
        e, obj = _mitigated(port, "http", anchor_files)
    assert not [f for f in e.high_risk if f.item == ITEM and f.object == obj]
    assert [f.factor for f, _ in e.mitigated if f.item == ITEM and f.object == obj] == ["D"]
