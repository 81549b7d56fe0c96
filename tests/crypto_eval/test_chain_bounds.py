"""The bounds of path building (issue 16 fifth review, findings 1 and 2): a deep chain is validated
or cut with its reason, never a crash; certificates of one name sent by the dozen cost a bounded
number of steps; one such server does not stop the evaluation of the other systems.

Peers: `openssl verify` (default depth 100) accepts a leaf with ten intermediates under the declared
root, and finds no path for the same-name flood ("unable to get local issuer certificate").
"""

from __future__ import annotations

import re
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from govsoc.collectors.protocols.x509 import parse_certificate
from govsoc.crypto_eval.certificate_rules import signed_by
from govsoc.crypto_eval.chain import TOO_SLOW, TrustStore, validate_chain
from govsoc.crypto_eval.chain_paths import TOO_LONG
from govsoc.crypto_eval.evaluate import evaluate_inventory
from tests.crypto_eval.test_review_declared import KM, PRODUCT, _item, _systems
from tests.servers.ca import TestCA, issue, make_ca
from tests.servers.certs import CertFiles
from tests.servers.tls import openssl_s_server

HOST = "portal.test"


def _ladder(folder: Path, root: TestCA, depth: int, name: str = "") -> list[TestCA]:
    """``depth`` intermediates under ``root``, each issued by the one before (top first); all named
    ``name`` when given (every one then a candidate issuer of every other)."""
    cas: list[TestCA] = []
    for n in range(depth):
        cas.append(make_ca(folder, name or f"Deep CA {n}", issuer=cas[-1] if cas else root, stem=f"{folder.name}-{n}"))
    return cas


def _openssl(openssl: str, folder: Path, chain: list[bytes], anchor: TestCA) -> int:
    """0 when `openssl verify` accepts the chain, else its error number."""
    pem = [x509.load_der_x509_certificate(d).public_bytes(Encoding.PEM) for d in chain]
    (folder / "leaf.pem").write_bytes(pem[0])
    (folder / "rest.pem").write_bytes(b"".join(pem[1:]))
    out = subprocess.run([openssl, "verify", "-CAfile", str(anchor.cert), "-untrusted", str(folder / "rest.pem"),
                          str(folder / "leaf.pem")], capture_output=True, text=True)
    found = re.search(r"error (\d+) at", out.stdout + out.stderr)
    return 0 if out.returncode == 0 else int(found.group(1)) if found else -1


def _validate(chain: list[bytes], anchor: TestCA) -> object:
    return validate_chain([parse_certificate(d) for d in chain], TrustStore.from_der([anchor.der]), host=HOST,
                          at=datetime.now(UTC))


@pytest.mark.parametrize(("depth", "status"), [
    (10, "trusted"),    # leaf + 10 CAs: the review's crash (IndexError); openssl verify accepts it
    (33, "untrusted"),  # beyond the 32 certificates a path may hold: cut, and said so
])
def test_deep_chain(tmp_path: Path, openssl: str, depth: int, status: str) -> None:
    root = make_ca(tmp_path, "Deep root")
    cas = _ladder(tmp_path, root, depth)
    leaf = issue(tmp_path, "deep-leaf", cas[-1], host=HOST)
    chain = [leaf.der, *(c.der for c in reversed(cas))]
    verdict = _validate(chain, root)
    assert verdict.status == status, verdict  # type: ignore[attr-defined]
    assert _openssl(openssl, tmp_path, chain, root) == 0  # the peer has no such bound below 100
    if status == "untrusted":  # said, and left to a person rather than "declare the root"
        assert TOO_LONG in verdict.why and "人工核实" in verdict.why  # type: ignore[attr-defined]


def test_many_certificates_of_one_name_cost_bounded_work(tmp_path: Path, openssl: str) -> None:
    declared = make_ca(tmp_path, "Declared root")
    top = make_ca(tmp_path, "X", stem="x-top")  # self-signed CN=X, not declared
    flood = [top, *_ladder(tmp_path, top, 11, name="X")]  # 12 CAs named X, each a candidate issuer of all
    leaf = issue(tmp_path, "x-leaf", flood[-1], host=HOST)
    chain = [leaf.der, *(c.der for c in flood), flood[3].der]  # one sent twice: the same candidate
    signed_by.cache_clear()
    verdict = _validate(chain, declared)
    assert verdict.status == "untrusted", verdict  # type: ignore[attr-defined]
    # the work: at most 512 signatures checked to order candidates, and those along the paths judged
    # (at most one per step: 256); before the bounds it was every ordering of the twelve (hours)
    assert signed_by.cache_info().misses <= 512 + 256
    assert _openssl(openssl, tmp_path, chain, declared) in {2, 18, 19, 20}
    # the one way up whose signatures hold ends at the self-signed CN=X, which is not declared
    assert "自签名证书 CN=X 不是声明的信任根" in verdict.why, verdict  # type: ignore[attr-defined]


def test_certificates_of_one_name_none_of_which_signed_cost_bounded_work(tmp_path: Path, openssl: str) -> None:
    declared = make_ca(tmp_path, "Declared root")
    signer = make_ca(tmp_path, "X", stem="x-signer")  # issues the leaf; never sent
    junk = [make_ca(tmp_path, "X", stem=f"x-junk-{n}") for n in range(12)]  # twelve unrelated keys, one name
    leaf = issue(tmp_path, "x-leaf", signer, host=HOST)
    chain = [leaf.der, *(c.der for c in junk)]
    signed_by.cache_clear()
    verdict = _validate(chain, declared)
    assert verdict.status != "trusted", verdict  # type: ignore[attr-defined]
    # every ordering of the twelve is a candidate path (12! of them): the search stops at 256 steps
    assert signed_by.cache_info().misses <= 512 + 256
    assert _openssl(openssl, tmp_path, chain, declared) != 0


def test_chain_checking_has_a_time_limit_as_a_whole(tmp_path: Path) -> None:
    # a budget already spent (0 s, no clock read by the test): the search stops before its first
    # step and says so; a deadline never leaves a chain without a verdict, nor calls it trusted
    root = make_ca(tmp_path, "Budget root")
    inter = make_ca(tmp_path, "Budget intermediate", issuer=root)
    leaf = issue(tmp_path, "budget-leaf", inter, host=HOST)
    chain = [parse_certificate(d) for d in (leaf.der, inter.der)]
    store = TrustStore.from_der([root.der])
    spent = validate_chain(chain, store, host=HOST, at=datetime.now(UTC), seconds=0)
    assert spent.status == "untrusted" and TOO_SLOW in spent.why and "人工核实" in spent.why, spent
    assert validate_chain(chain, store, host=HOST, at=datetime.now(UTC)).status == "trusted"  # the control


def test_self_issued_but_not_self_signed_is_not_called_self_signed(tmp_path: Path) -> None:
    declared = make_ca(tmp_path, "Declared root")
    real = make_ca(tmp_path, "Y", stem="y-real")
    # CN=Y issued by CN=Y under another key, and that key's own certificate is not sent
    other = make_ca(tmp_path, "Y", stem="y-other")
    child = make_ca(tmp_path, "Y", issuer=other, stem="y-child", same_key=real)
    leaf = issue(tmp_path, "y-leaf", child, host=HOST)
    verdict = _validate([leaf.der, child.der], declared)
    assert verdict.status == "untrusted" and "自颁发证书" in verdict.why, verdict  # type: ignore[attr-defined]


def test_a_deep_chain_server_beside_a_bystander(tmp_path: Path, ecdsa_cert: CertFiles, anchor_files: list[str]) -> None:
    root = make_ca(tmp_path, "Deep root")
    cas = _ladder(tmp_path, root, 11)
    leaf = issue(tmp_path, "deep-leaf", cas[-1], host=HOST)
    bundle = tmp_path / "deep-chain.pem"
    bundle.write_bytes(b"".join(x509.load_der_x509_certificate(c.der).public_bytes(Encoding.PEM)
                                for c in reversed(cas)))
    with openssl_s_server(leaf, ["-cert_chain", str(bundle)]) as deep, openssl_s_server(ecdsa_cert) as good:
        systems = _systems(*({"name": name, "level": 3, "endpoints": [
            {"host": "127.0.0.1", "port": port, "protocol": "https", "kind": "web", "server_name": sni}],
            "crypto": {"products": [PRODUCT], "key_management": KM, "trust_anchors": anchors}}
            for name, port, sni, anchors in (("deep", deep, HOST, [str(root.cert)]),
                                             ("bystander", good, "localhost", anchor_files))))
        results = evaluate_inventory(systems, question_timeout=2.0)
    assert [e.system for e in results] == ["deep", "bystander"]
    for e in results:  # each is judged on its own chain: leaf + 11 CAs to its root, and the good server's
        (obj,) = _item(e, "gbt39786.l3.8.2.a").objects
        assert obj.d is True, e.system
