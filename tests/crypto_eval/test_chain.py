"""Certificate path validation (crypto_eval.chain, RFC 5280 6.1) over chains made at test time by a
test CA. Each row's expected outcome is RFC 5280's (the section is named), and for the RSA/ECDSA
chains `openssl verify` is asked the same question as a peer: it accepts exactly the chains called
trusted and names an error of the same kind for the others."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID

from govsoc.collectors.protocols.x509 import CertificateInfo, parse_certificate
from govsoc.crypto_eval import sm2
from govsoc.crypto_eval.chain import NO_ANCHORS, TrustStore, validate_chain
from govsoc.crypto_eval.kat import sm2_verify
from govsoc.crypto_eval.probes.certificate_verify import raw_signature
from tests.servers.ca import TestCA, issue, issue_sm2, make_ca, make_legacy_ca, tamper
from tests.servers.certs import make_cert, make_sm2_cert

HOST = "portal.gov.test"
#: openssl verify's error numbers (x509_vfy.h) for a chain that does not reach an anchor ...
UNTRUSTED_ERRORS = {2, 18, 19, 20}
#: ... and for one that is verifiably broken: signature 7, not yet valid 9, expired 10, invalid CA 24
#: (79 in OpenSSL 3, also for an issuer without keyCertSign), path length 25, no keyCertSign 32, host name 62
BROKEN_ERRORS = {7, 9, 10, 24, 25, 32, 62, 79}


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    d = tmp_path_factory.mktemp("pki")
    root = make_ca(d, "F16 chain root")
    inter = make_ca(d, "F16 chain intermediate", issuer=root)
    impostor = make_ca(d, "F16 chain root", stem="impostor")  # the root's name, another key ("CFCA OV OCA")
    other = make_ca(d, "F16 undeclared CA")
    root0 = make_ca(d, "F16 pathlen-0 root", path_length=0)
    inter0 = make_ca(d, "F16 intermediate under pathlen 0", issuer=root0)
    not_ca = make_ca(d, "F16 not a CA", issuer=root, is_ca=False)
    no_sign = make_ca(d, "F16 no keyCertSign", issuer=root, key_cert_sign=False)
    # a renewed intermediate: the same name and key re-certified; the old certificate expired yesterday
    stale = make_ca(d, "F16 renewed intermediate", issuer=root, not_before_days=-60, days=-1, stem="int-old")
    renewed = make_ca(d, "F16 renewed intermediate", issuer=root, same_key=stale, stem="int-new")
    # a root re-keyed under the same name (SKI/AKI written, as real CAs do): generation 2 issued the intermediate
    gen1 = make_ca(d, "F16 rekeyed root", key_ids=True, stem="gen1")
    gen2 = make_ca(d, "F16 rekeyed root", key_ids=True, stem="gen2")
    rk_int = make_ca(d, "F16 rekeyed intermediate", issuer=gen2, key_ids=True)
    gen2_cross = make_ca(d, "F16 rekeyed root", issuer=gen1, same_key=gen2, key_ids=True, stem="gen2-cross")
    # a new root cross-certified by the declared old one: an expired cross-certificate and a current one
    new_root = make_ca(d, "F16 new root", stem="new-root")
    cross_old = make_ca(d, "F16 new root", issuer=root, same_key=new_root, not_before_days=-60, days=-1,
                        stem="cross-old")
    cross = make_ca(d, "F16 new root", issuer=root, same_key=new_root, stem="cross")
    new_int = make_ca(d, "F16 intermediate under the new root", issuer=new_root)
    return {
        "d": d, "root": root, "inter": inter, "root0": root0,
        "good": issue(d, "good", inter, host=HOST),
        "rsa": issue(d, "rsa", inter, kind="rsa", host=HOST),
        "expired": issue(d, "expired", inter, host=HOST, not_before_days=-30, days=-1),
        "future": issue(d, "future", inter, host=HOST, not_before_days=2, days=30),
        "forged": issue(d, "forged", impostor, host=HOST),
        "other": issue(d, "other", other, host=HOST),
        "under0": issue(d, "under0", inter0, host=HOST), "inter0": inter0,
        "from_not_ca": issue(d, "from-not-ca", not_ca, host=HOST), "not_ca": not_ca,
        "from_no_sign": issue(d, "from-no-sign", no_sign, host=HOST), "no_sign": no_sign,
        "self": make_cert(d, "self", kind="ec", bits=256, host=HOST),
        "stale": stale, "renewed": renewed, "renewed_leaf": issue(d, "renewed-leaf", renewed, host=HOST),
        "new_root": new_root, "cross_old": cross_old, "cross": cross, "new_int": new_int,
        "new_leaf": issue(d, "new-leaf", new_int, host=HOST),
        "gen1": gen1, "gen2": gen2, "gen2_cross": gen2_cross, "rk_int": rk_int,
        "rk_leaf": issue(d, "rk-leaf", rk_int, host=HOST),
    }


def _info(der: bytes) -> CertificateInfo:
    return parse_certificate(der)


Case = Callable[[dict[str, object]], tuple[list[bytes], str]]  # (chain as sent, anchor name)
CASES: list[tuple[str, Case, str, str, str]] = [
    # 6.1: leaf <- intermediate (sent) <- declared root: a valid path
    ("good", lambda p: ([p["good"].der, p["inter"].der], "root"), HOST, "trusted",
     "证书链验证到声明的信任根 CN=F16 chain root"),
    ("good-rsa-leaf", lambda p: ([p["rsa"].der, p["inter"].der], "root"), HOST, "trusted", "信任根"),
    # a server that also sends its root: the path still ends at the declared anchor
    ("root-sent", lambda p: ([p["good"].der, p["inter"].der, p["root"].der], "root"), HOST, "trusted", "信任根"),
    # 6.1 needs every certificate of the path: the intermediate not sent and not an anchor
    ("intermediate-missing", lambda p: ([p["good"].der], "root"), HOST, "untrusted", "中间证书缺失"),
    # an issuer that is not a declared anchor (the impostor's own CA)
    ("undeclared-ca", lambda p: ([p["other"].der], "root"), HOST, "untrusted", "签发者 CN=F16 undeclared CA"),
    # a self-signed leaf: its own issuer, no anchor
    ("self-signed", lambda p: ([p["self"].der], "root"), HOST, "untrusted", "自签名证书"),
    # 6.1.3 a.1: the signature must verify under the working public key (the declared root's name, another key)
    ("forged-root-name", lambda p: ([p["forged"].der], "root"), HOST, "broken", "伪造或被篡改"),
    # 6.1.3 a.1: the leaf's signature altered in transit
    ("tampered", lambda p: ([tamper(p["good"].der), p["inter"].der], "root"), HOST, "broken", "的签名不能用签发者"),
    # 6.1.3 a.2: validity
    ("expired", lambda p: ([p["expired"].der, p["inter"].der], "root"), HOST, "broken", "证书已过期"),
    ("not-yet-valid", lambda p: ([p["future"].der, p["inter"].der], "root"), HOST, "broken", "证书尚未生效"),
    # 6.1.4 k: an issuer without basicConstraints cA
    ("issuer-not-ca", lambda p: ([p["from_not_ca"].der, p["not_ca"].der], "root"), HOST, "broken", "不是CA证书"),
    # 6.1.4 m: pathLenConstraint 0 on the root, one intermediate below it
    ("path-length", lambda p: ([p["under0"].der, p["inter0"].der], "root0"), HOST, "broken", "路径长度约束为 0"),
    # 6.1.4 n: keyUsage without keyCertSign on an issuer
    ("no-key-cert-sign", lambda p: ([p["from_no_sign"].der, p["no_sign"].der], "root"), HOST, "broken",
     "keyCertSign"),
    # RFC 4158 path building: a stale (expired) intermediate sent before the renewed one does not hide
    # the valid path through the renewed one (RFC 5280 6.1 validates *a* path) ...
    ("stale-then-renewed", lambda p: ([p["renewed_leaf"].der, p["stale"].der, p["renewed"].der], "root"), HOST,
     "trusted", "信任根"),
    ("renewed-then-stale", lambda p: ([p["renewed_leaf"].der, p["renewed"].der, p["stale"].der], "root"), HOST,
     "trusted", "信任根"),
    # a cross-signed chain: an expired cross-certificate is sent before the current one; the path through
    # the current one to the declared old root holds (openssl verify prefers the time-valid issuer too)
    ("cross-expired-first", lambda p: ([p["new_leaf"].der, p["new_int"].der, p["cross_old"].der, p["cross"].der],
                                       "root"), HOST, "trusted", "信任根 CN=F16 chain root"),
    ("cross-expired-only", lambda p: ([p["new_leaf"].der, p["new_int"].der, p["cross_old"].der], "root"), HOST,
     "broken", "证书已过期"),
    # ... and when the stale one is the only path, it is broken
    ("stale-only", lambda p: ([p["renewed_leaf"].der, p["stale"].der], "root"), HOST, "broken", "证书已过期"),
    # RFC 5280 6.1 trusts an anchor's key, and 4.2.1.1: a declared root of the issuer's name whose key did
    # not sign the intermediate is not its issuer. Whether a re-key or an impostor, nothing the server sent
    # shows it is the declared CA's: an impostor of a declared root is ✗ (fifth review, finding 6) ...
    ("rekeyed-root-old-declared", lambda p: ([p["rk_leaf"].der, p["rk_int"].der], "gen1"), HOST, "broken",
     "冒充声明信任根的CA"),
    # ... unless the server gives the positive evidence of a re-key: the new key certified by the declared root
    ("rekeyed-root-cross-certified", lambda p: ([p["rk_leaf"].der, p["rk_int"].der, p["gen2_cross"].der], "gen1"),
     HOST, "trusted", "信任根 CN=F16 rekeyed root"),
    ("rekeyed-root-new-declared", lambda p: ([p["rk_leaf"].der, p["rk_int"].der], "gen2"), HOST, "trusted", "信任根"),
    # RFC 6125 6.4: the leaf is for another name
    ("wrong-host", lambda p: ([p["good"].der, p["inter"].der], "root"), "other.gov.test", "broken",
     "证书与域名 other.gov.test 不符"),
]


#: Rows where openssl verify, which has no notion of an impostor, names the issuer as not found (20)
#: while the verdict is ✗: the chain ends at a declared root's name under another key.
IMPOSTORS = {"rekeyed-root-old-declared"}


def _openssl_error(openssl: str, folder: Path, chain: list[bytes], anchor: TestCA, host: str, *,
                   purpose: str | None = None, auth_level: int | None = None) -> int:
    """0 when `openssl verify` accepts the chain, else its first error number."""
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding

    pem = [x509.load_der_x509_certificate(d).public_bytes(Encoding.PEM) for d in chain]
    (folder / "leaf.pem").write_bytes(pem[0])
    (folder / "rest.pem").write_bytes(b"".join(pem[1:]) or pem[0])
    args = [openssl, "verify", "-CAfile", str(anchor.cert), "-verify_hostname", host]
    args += ["-purpose", purpose] if purpose else []
    args += ["-auth_level", str(auth_level)] if auth_level is not None else []
    if len(pem) > 1:
        args += ["-untrusted", str(folder / "rest.pem")]
    out = subprocess.run([*args, str(folder / "leaf.pem")], capture_output=True, text=True)
    if out.returncode == 0:
        return 0
    found = re.search(r"error (\d+) at", out.stdout + out.stderr)
    assert found, out.stdout + out.stderr
    return int(found.group(1))


@pytest.mark.parametrize("name,case,host,status,why", CASES, ids=[c[0] for c in CASES])
def test_rfc5280_outcomes(pki: dict[str, object], openssl: str, tmp_path: Path, name: str, case: Case, host: str,
                          status: str, why: str) -> None:
    chain, anchor_key = case(pki)
    anchor = pki[anchor_key]
    assert isinstance(anchor, TestCA)
    verdict = validate_chain([_info(d) for d in chain], TrustStore.from_der([anchor.der]), host=host,
                             at=datetime.now(UTC))
    assert verdict.status == status and why in verdict.why, verdict
    # the evidence names the chain: the leaf's subject and the start of its fingerprint
    assert _info(chain[0]).sha256[:16] in verdict.chain and "CN=" in verdict.chain
    error = _openssl_error(openssl, tmp_path, chain, anchor, host)  # the peer's reading of the same chain
    expected = {0} if status == "trusted" else UNTRUSTED_ERRORS if status == "untrusted" else BROKEN_ERRORS
    if name in IMPOSTORS:  # openssl: "unable to get local issuer certificate"; refused either way
        expected = UNTRUSTED_ERRORS
    assert error in expected, (name, error)


def test_a_cross_signed_path_past_the_new_roots_own_certificate(pki: dict[str, object]) -> None:
    # the new root's self-signed certificate sent too (RFC 4158 2.3: a path may pass a self-issued
    # certificate): a valid path through the current cross-certificate to the declared root exists.
    # openssl verify stops at the self-signed certificate it was sent (19), so it is no peer here
    chain = [pki[k].der for k in ("new_leaf", "new_int", "new_root", "cross_old", "cross")]  # type: ignore
    verdict = validate_chain([_info(d) for d in chain], TrustStore.from_der([pki["root"].der]),  # type: ignore
                             host=HOST, at=datetime.now(UTC))
    assert verdict.status == "trusted" and "信任根 CN=F16 chain root" in verdict.why, verdict


def test_no_anchor_declared_is_missing_evidence_naming_what_to_provide(pki: dict[str, object]) -> None:
    good, inter = pki["good"], pki["inter"]
    verdict = validate_chain([_info(good.der), _info(inter.der)], TrustStore(), host=HOST,  # type: ignore[attr-defined]
                             at=datetime.now(UTC))
    assert verdict.status == "untrusted" and verdict.why == NO_ANCHORS and "trust_anchors" in verdict.why


@pytest.mark.parametrize("address,status", [
    ("127.0.0.1", "trusted"),    # the leaf's SAN iPAddress (RFC 5280 4.2.1.6) names the address asked
    ("10.0.0.9", "untrusted"),   # a valid chain for another server: asked by address, nothing binds it here
])
def test_an_endpoint_asked_by_address_needs_the_address_in_the_certificate(pki: dict[str, object], address: str,
                                                                             status: str) -> None:
    good, inter, root = pki["good"], pki["inter"], pki["root"]
    verdict = validate_chain([_info(good.der), _info(inter.der)], TrustStore.from_der([root.der]),  # type: ignore
                             host=None, address=address, at=datetime.now(UTC))
    assert verdict.status == status, verdict
    assert status == "trusted" or "server_name" in verdict.why


@pytest.fixture(scope="module")
def sm2_pki(tmp_path_factory: pytest.TempPathFactory, openssl: str) -> dict[str, object]:
    d = tmp_path_factory.mktemp("sm2-pki")
    root = make_ca(d, "F16 SM2 root", kind="sm2")
    inter = make_ca(d, "F16 SM2 intermediate", kind="sm2", issuer=root)
    return {"root": root, "inter": inter, "leaf": issue_sm2(d, "sm2-leaf", inter, cn="tlcp.test"),
            "self": make_sm2_cert(d, "sm2-self", cn="tlcp.test")}


def test_sm2_chains(sm2_pki: dict[str, object]) -> None:
    # SM2-with-SM3 signatures (GM/T 0015 certificates, default ID 1234567812345678): the same rules
    root, inter, leaf, own = (sm2_pki[k] for k in ("root", "inter", "leaf", "self"))
    store = TrustStore.from_der([root.der])  # type: ignore[attr-defined]
    now = datetime.now(UTC)
    chain = [_info(leaf.der), _info(inter.der)]  # type: ignore[attr-defined]
    assert validate_chain(chain, store, host="tlcp.test", at=now).status == "trusted"
    tampered = [_info(tamper(leaf.der)), chain[1]]  # type: ignore[attr-defined]
    assert validate_chain(tampered, store, host="tlcp.test", at=now).status == "broken"
    assert validate_chain(chain[:1], store, host="tlcp.test", at=now).status == "untrusted"
    assert validate_chain([_info(own.der)], store, host="tlcp.test", at=now).status == "untrusted"  # type: ignore
    # the peer: gmssl verifies the intermediate's signature on the leaf with the same ID, and not the tampered one
    from cryptography import x509

    cert = x509.load_der_x509_certificate(leaf.der)  # type: ignore[attr-defined]
    point = sm2.decode_point(chain[1].sm2_public_key or b"")
    assert sm2_verify(point, cert.tbs_certificate_bytes, raw_signature(cert.signature))
    bad = x509.load_der_x509_certificate(tamper(leaf.der))  # type: ignore[attr-defined]
    assert not sm2_verify(point, bad.tbs_certificate_bytes, raw_signature(bad.signature))


def _usage(**bits: bool) -> x509.KeyUsage:
    names = ("digital_signature", "content_commitment", "key_encipherment", "data_encipherment", "key_agreement",
             "key_cert_sign", "crl_sign", "encipher_only", "decipher_only")
    return x509.KeyUsage(*(bits.get(n, False) for n in names))


@pytest.mark.parametrize("name,key_usage,eku,status,peer", [
    # RFC 5280 4.2.1.12: an EKU present limits the certificate to its purposes; TLS server needs serverAuth
    ("eku-client-only", None, [ExtendedKeyUsageOID.CLIENT_AUTH], "broken", 26),
    ("eku-server-and-client", None, [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH], "trusted", 0),
    # anyExtendedKeyUsage: any purpose (4.2.1.12); an application "MAY reject" it without the specific
    # purpose, and OpenSSL's sslserver purpose does (26): here it is accepted, as the RFC defines it
    ("eku-any", None, [ExtendedKeyUsageOID.ANY_EXTENDED_KEY_USAGE], "trusted", 26),
    # RFC 5280 4.2.1.3: a keyUsage with no bit a TLS key exchange uses (cRLSign only)
    ("ku-crl-sign-only", _usage(crl_sign=True), None, "broken", 26),
    # keyAgreement alone serves static ECDH (RFC 4492): allowed, as OpenSSL's sslserver purpose allows it
    ("ku-key-agreement", _usage(key_agreement=True), None, "trusted", 0),
])
def test_leaf_purpose_for_a_tls_server(pki: dict[str, object], openssl: str, tmp_path: Path, name: str,
                                       key_usage: x509.KeyUsage | None, eku: list[x509.ObjectIdentifier] | None,
                                       status: str, peer: int) -> None:
    inter, root = pki["inter"], pki["root"]
    assert isinstance(inter, TestCA) and isinstance(root, TestCA)
    leaf = issue(tmp_path, name, inter, host=HOST, key_usage=key_usage,
                 eku=x509.ExtendedKeyUsage(eku) if eku else None)
    verdict = validate_chain([_info(leaf.der), _info(inter.der)], TrustStore.from_der([root.der]), host=HOST,
                             at=datetime.now(UTC))
    assert verdict.status == status, verdict
    assert status == "trusted" or "证书用途不符" in verdict.why
    # the peer: openssl verify -purpose sslserver, 26 = unsuitable certificate purpose
    error = _openssl_error(openssl, tmp_path, [leaf.der, inter.der], root, HOST, purpose="sslserver")
    assert error == peer, (name, error)


def test_a_sha1_intermediate_is_a_weak_algorithm(pki: dict[str, object], openssl: str, tmp_path: Path) -> None:
    # the path is valid (openssl verify accepts it by default), but its intermediate is signed with
    # SHA-1: not an approved algorithm (GB/T 39786; RFC 9155), reported as a weak, high-risk signature
    # instead of "signature cannot be verified: declare the root" (the root is declared)
    root = pki["root"]
    assert isinstance(root, TestCA)
    inter = make_legacy_ca(tmp_path, "F16 SHA-1 intermediate", root)
    leaf = issue(tmp_path, "under-sha1", inter, host=HOST)
    verdict = validate_chain([_info(leaf.der), _info(inter.der)], TrustStore.from_der([root.der]), host=HOST,
                             at=datetime.now(UTC))
    assert verdict.status == "trusted", verdict
    assert [(a.klass, a.high_risk, a.why) for a in verdict.weak] == [("weak", True, "SHA-1 证书签名")]
    assert "CN=F16 SHA-1 intermediate" in verdict.weak[0].name
    assert _openssl_error(openssl, tmp_path, [leaf.der, inter.der], root, HOST) == 0
    # at authentication level 1 (80-bit security, TLS clients' default) openssl refuses the SHA-1
    # signature as too weak (68): the same weakness
    assert _openssl_error(openssl, tmp_path, [leaf.der, inter.der], root, HOST, auth_level=1) == 68
    # a SHA-256 path has no weak signature
    good, inter2 = pki["good"], pki["inter"]
    assert validate_chain([_info(good.der), _info(inter2.der)], TrustStore.from_der([root.der]),  # type: ignore
                          host=HOST, at=datetime.now(UTC)).weak == ()


def _openssl_self_signed(openssl: str, folder: Path, name: str, *args: str) -> Path:
    """A self-signed certificate made the usual way (`openssl req -x509`: basicConstraints CA:TRUE)."""
    cert = folder / f"{name}.pem"
    subprocess.run([openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", str(folder / f"{name}.key"), "-out", str(cert), "-days", "30", "-subj", f"/CN={HOST}",
                    "-addext", f"subjectAltName=DNS:{HOST}", *args], check=True, capture_output=True)
    return cert


def _pem_info(path: Path) -> CertificateInfo:
    from cryptography.hazmat.primitives.serialization import Encoding

    return _info(x509.load_pem_x509_certificate(path.read_bytes()).public_bytes(Encoding.DER))


def test_a_self_signed_server_certificate_declared_as_its_own_anchor_is_pinning(openssl: str, tmp_path: Path) -> None:
    # RFC 5280 6.1: a trust anchor is trusted by declaration (openssl verify -CAfile itself: OK), so the
    # path is valid; the evidence says it is a self-signed certificate pinned as its own anchor, not a CA chain
    cert = _openssl_self_signed(openssl, tmp_path, "pinned")
    verdict = validate_chain([_pem_info(cert)], TrustStore.from_files([cert]), host=HOST, at=datetime.now(UTC))
    assert verdict.status == "trusted", verdict
    assert "自签名证书 CN=portal.gov.test 被声明为其自身的信任根" in verdict.why
    assert "证书链验证到声明的信任根" not in verdict.why
    peer = subprocess.run([openssl, "verify", "-CAfile", str(cert), str(cert)], capture_output=True)
    assert peer.returncode == 0


def test_an_expired_anchor_is_noted(pki: dict[str, object], openssl: str, tmp_path: Path) -> None:
    # RFC 5280 6.1.1 d leaves the anchor's own validity to the relying party: the chain holds, the
    # evidence says the declared root has expired (openssl verify refuses it: 10, certificate has expired)
    old = make_ca(tmp_path, "F16 expired root", not_before_days=-400, days=-1)
    leaf = issue(tmp_path, "under-expired-root", old, host=HOST)
    verdict = validate_chain([_info(leaf.der)], TrustStore.from_der([old.der]), host=HOST, at=datetime.now(UTC))
    assert verdict.status == "trusted" and "信任根 CN=F16 expired root 已于" in verdict.why and "过期" in verdict.why
    assert _openssl_error(openssl, tmp_path, [leaf.der], old, HOST) == 10
    good, inter, root = pki["good"], pki["inter"], pki["root"]
    fresh = validate_chain([_info(good.der), _info(inter.der)], TrustStore.from_der([root.der]),  # type: ignore
                           host=HOST, at=datetime.now(UTC))
    assert "过期" not in fresh.why


def test_no_deprecation_warning_reaches_the_user(openssl: str, tmp_path: Path) -> None:
    # a root with serial 0 (a few shipped roots have non-positive serials): cryptography warns when it
    # is parsed and when its extensions are read; the anchor still loads, and nothing is printed
    import warnings

    from cryptography.hazmat.primitives.serialization import Encoding

    cert = _openssl_self_signed(openssl, tmp_path, "serial0", "-set_serial", "0")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        der = x509.load_pem_x509_certificate(cert.read_bytes()).public_bytes(Encoding.DER)  # the test's own read
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        sent = [parse_certificate(der)]  # as a probe reads what a server sent
        store = TrustStore.from_files([cert])
        verdict = validate_chain(sent, store, host=HOST, at=datetime.now(UTC))
    assert verdict.status == "trusted"
    assert [str(w.message) for w in seen if "serial" in str(w.message)] == []
