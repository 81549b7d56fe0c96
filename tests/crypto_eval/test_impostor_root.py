"""An impostor of a declared trust anchor (issue 16 fifth review, finding 6): a CA with the declared
root's name and another key, made the way `openssl req -x509` and real PKIs make CAs (with key
identifiers), whether the server sends its self-signed "root" or only the leaf.

RFC 5280 6.1 trusts an anchor's public key, not its name: a certificate that no declared key
signed is not vouched for by the declared CA, and one that borrows the declared root's name is the
textbook man-in-the-middle chain. Unless the server shows a re-key (a certificate of the new key
signed by the declared root: then the path is valid), 8.2 a is ✗, a high risk, and the evidence
names the certificate; for TLCP, the encryption certificate is named as such (the pre-master
secret of the ECC suites is encrypted to its key). Peer: `openssl s_client -verify_return_error`
refuses both servers.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from govsoc.crypto_eval.evaluate import evaluate_inventory
from tests.crypto_eval.test_review_declared import KM, PRODUCT, _item, _systems
from tests.servers.ca import TestCA, issue, issue_sm2, make_ca
from tests.servers.certs import sm2_private_scalar
from tests.servers.tlcp_server import SmServerConfig, sm_server
from tests.servers.tls import openssl_s_server

HOST = "portal.test"


def _s_client_refuses(openssl: str, port: int, anchor: Path) -> bool:
    out = subprocess.run([openssl, "s_client", "-connect", f"127.0.0.1:{port}", "-CAfile", str(anchor),
                          "-servername", HOST, "-verify_return_error"], input=b"", capture_output=True, timeout=30)
    return out.returncode != 0


def test_impostor_of_the_declared_root_is_a_high_risk(tmp_path: Path, openssl: str) -> None:
    root = make_ca(tmp_path, "Gov Root B", key_ids=True)  # declared
    fake = make_ca(tmp_path, "Gov Root B", key_ids=True, stem="fake-root-b")  # same name, another key
    leaf = issue(tmp_path, "fake-leaf", fake, host=HOST, key_ids=True)
    with openssl_s_server(leaf, ["-cert_chain", str(fake.cert)]) as sends_root, openssl_s_server(leaf) as leaf_only:
        assert _s_client_refuses(openssl, sends_root, root.cert) and _s_client_refuses(openssl, leaf_only, root.cert)
        systems = _systems(*({"name": name, "level": 3, "endpoints": [
            {"host": "127.0.0.1", "port": port, "protocol": "https", "kind": "web", "server_name": HOST}],
            "crypto": {"products": [PRODUCT], "key_management": KM, "trust_anchors": [str(root.cert)]}}
            for name, port in (("sends-root", sends_root), ("leaf-only", leaf_only))))
        results = evaluate_inventory(systems, question_timeout=2.0)
    for e in results:
        (obj,) = _item(e, "gbt39786.l3.8.2.a").objects
        assert obj.d is False, e.system
        assert "gbt39786.l3.8.2.a" in {f.item for f in e.high_risk} and e.verdict == "不符合", e.system
        (why,) = [f.why for f in e.high_risk if f.item == "gbt39786.l3.8.2.a"]
        assert "冒充声明信任根的CA" in why and "Gov Root B" in why
        assert "已更换密钥，需声明其新的根证书" not in why  # no advice to declare the impostor


def test_tlcp_encryption_certificate_from_an_impostor_is_named(tmp_path: Path, sm2_root: TestCA,
                                                               anchor_files: list[str]) -> None:
    imp = tmp_path / "impostor"
    imp.mkdir()
    fake = make_ca(imp, sm2_root.name, kind="sm2")  # the declared SM2 root's name, another key
    sign = issue_sm2(tmp_path, "sign", sm2_root, cn="tlcp.test", usage="digitalSignature")
    enc = issue_sm2(imp, "enc", fake, cn="tlcp.test", usage="keyEncipherment")
    config = SmServerConfig(mode="tlcp", sign_cert=sign.der, enc_cert=enc.der, sign_key=sm2_private_scalar(sign.key))
    with sm_server(config) as port:
        (e,) = evaluate_inventory(_systems({"name": "enc-impostor", "level": 3, "endpoints": [
            {"host": "127.0.0.1", "port": port, "protocol": "tlcp", "kind": "web", "server_name": "tlcp.test"}],
            "crypto": {"products": [PRODUCT], "key_management": KM, "trust_anchors": anchor_files}}),
            question_timeout=2.0)
    (finding,) = [f for f in e.high_risk if f.item == "gbt39786.l3.8.2.a"]
    assert finding.why.startswith("TLCP加密证书") and "冒充声明信任根的CA" in finding.why, finding.why
