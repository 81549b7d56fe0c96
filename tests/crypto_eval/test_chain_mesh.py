"""A mesh of CAs of one name that cross-certify each other (review r16f, HIGH 2): every certificate
of the mesh is a candidate issuer of every other, so path building may run out of its budget. Then
the chain is "not validated (path-building budget exhausted)", missing evidence, never a forged
signature: the broken candidate paths it met were wrong turns, not a forgery. Candidates issued by a
declared anchor's key (AKI = the anchor's SKI, or the anchor's key verifies them) are tried first,
so the short path through the mesh is found at once.

Peer: `openssl verify` accepts the leaf of the mesh with key identifiers (through the
cross-certificate the anchor signed) and refuses both meshes without them."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime
from itertools import permutations
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from govsoc.collectors.protocols.x509 import parse_certificate
from govsoc.crypto_eval.chain import BUDGET_EXHAUSTED, ChainVerdict, TrustStore, validate_chain
from tests.servers.ca import TestCA, issue, make_ca

HOST = "mesh.test"
NAME = "F16 Mesh CA"


def _mesh(folder: Path, size: int, *, key_ids: bool) -> tuple[TestCA, list[TestCA], list[TestCA]]:
    """(the anchor K0, the mesh's own CAs K1..Kn, the certificates to send: every Ki certified by every
    other Kj, then each Ki certified by K0), all named NAME."""
    anchor = make_ca(folder, NAME, stem="k0", key_ids=key_ids)
    keys = [make_ca(folder, NAME, stem=f"k{n}", key_ids=key_ids) for n in range(1, size + 1)]
    cross = [make_ca(folder, NAME, issuer=keys[j], same_key=keys[i], stem=f"k{i + 1}-by-k{j + 1}", key_ids=key_ids)
             for i, j in permutations(range(size), 2)]
    by_anchor = [make_ca(folder, NAME, issuer=anchor, same_key=k, stem=f"k{n}-by-k0", key_ids=key_ids)
                 for n, k in enumerate(keys, 1)]
    return anchor, keys, cross + by_anchor


def _openssl(openssl: str, folder: Path, leaf: bytes, sent: list[TestCA], anchor: TestCA) -> bool:
    (folder / "leaf.pem").write_bytes(x509.load_der_x509_certificate(leaf).public_bytes(Encoding.PEM))
    (folder / "rest.pem").write_bytes(b"".join(c.cert.read_bytes() for c in sent))
    done = subprocess.run([openssl, "verify", "-CAfile", str(anchor.cert), "-untrusted", str(folder / "rest.pem"),
                           str(folder / "leaf.pem")], capture_output=True, text=True)
    return done.returncode == 0


def _verdict(leaf: bytes, sent: list[TestCA], anchor: TestCA) -> ChainVerdict:
    return validate_chain([parse_certificate(d) for d in (leaf, *(c.der for c in sent))],
                          TrustStore.from_der([anchor.der]), host=HOST, at=datetime.now(UTC))


@pytest.mark.parametrize("key_ids", [False, True])
def test_a_cross_certified_mesh_finds_the_anchors_cross_certificate(tmp_path: Path, openssl: str,
                                                                     key_ids: bool) -> None:
    anchor, keys, sent = _mesh(tmp_path, 5, key_ids=key_ids)
    leaf = issue(tmp_path, "mesh-leaf", keys[-1], host=HOST, key_ids=key_ids)
    # openssl verify finds it by key identifier; without them it tries one candidate per name and fails
    assert _openssl(openssl, tmp_path, leaf.der, sent, anchor) == key_ids
    verdict = _verdict(leaf.der, sent, anchor)
    assert verdict.status == "trusted", verdict
    # the short path: the leaf, K5 as K0 certified it, the anchor (not a walk through the mesh)
    assert verdict.chain.count("←") == 2 and "伪造" not in verdict.why, verdict.chain


def test_a_mesh_beyond_the_budget_is_not_validated_never_forged(tmp_path: Path) -> None:
    # a valid path exists (checked last), but the search has no time left (seconds=0: no clock read
    # by the test): the only path judged is the leaf straight to the same-name anchor, whose key does
    # not verify it; that wrong turn is no forgery, and the chain is not validated, left to a person
    anchor, keys, sent = _mesh(tmp_path, 3, key_ids=True)
    leaf = issue(tmp_path, "mesh-leaf", keys[-1], host=HOST, key_ids=False)  # no AKI: the anchor is a candidate
    verdict = validate_chain([parse_certificate(d) for d in (leaf.der, *(c.der for c in sent))],
                             TrustStore.from_der([anchor.der]), host=HOST, at=datetime.now(UTC), seconds=0)
    assert verdict.status == "untrusted", verdict
    assert BUDGET_EXHAUSTED in verdict.why and "伪造" not in verdict.why and "人工核实" in verdict.why, verdict.why
    # with its time, the same chain is trusted through K3 as K0 certified it
    assert _verdict(leaf.der, sent, anchor).status == "trusted"
