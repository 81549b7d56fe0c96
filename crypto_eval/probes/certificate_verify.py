"""Server signatures checked under the server certificate's key with ``cryptography`` (and
crypto_eval.sm2 for SM2): the TLS 1.3 CertificateVerify (RFC 8446 4.4.3) and the TLS <= 1.2
ServerKeyExchange of the (EC)DHE suites (RFC 5246 7.4.3, RFC 8422 5.4, RFC 4346 7.4.3).

A server that cannot sign with the key of the certificate it sent has not proved its identity: a
signature that does not verify, a scheme the client never offered or that TLS 1.3 forbids (PKCS#1
v1.5, RFC 8446 4.4.3), or a scheme that does not fit the certificate's key is a failed proof
(False: a real client aborts the handshake). None is kept for what this code cannot read (a key
type ``cryptography`` does not load): no evidence either way, never a pass.
"""

from __future__ import annotations

import hashlib

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, padding, rsa

from govsoc.collectors.protocols.tls_names import scheme_name
from govsoc.collectors.protocols.x509 import is_dsa_key
from govsoc.crypto_eval import sm2

__all__ = ["verify_certificate_verify", "verify_server_signature", "Verdict", "SM2SIG_SM3", "raw_signature",
           "verify_server_key_exchange"]

#: (verified, why): True / False / None (cannot be checked), and a sentence for the report.
Verdict = tuple[bool | None, str]

SM2SIG_SM3 = 0x0708
_HASHES: dict[int, type[hashes.HashAlgorithm]] = {
    0x0201: hashes.SHA1, 0x0203: hashes.SHA1,
    0x0401: hashes.SHA256, 0x0501: hashes.SHA384, 0x0601: hashes.SHA512,
    0x0403: hashes.SHA256, 0x0503: hashes.SHA384, 0x0603: hashes.SHA512,
    0x0804: hashes.SHA256, 0x0805: hashes.SHA384, 0x0806: hashes.SHA512,
    0x0809: hashes.SHA256, 0x080A: hashes.SHA384, 0x080B: hashes.SHA512,
}
_PKCS1 = frozenset({0x0201, 0x0401, 0x0501, 0x0601})
_ECDSA = frozenset({0x0203, 0x0403, 0x0503, 0x0603})
_PSS = frozenset({0x0804, 0x0805, 0x0806, 0x0809, 0x080A, 0x080B})
#: RFC 8446 4.2.3: in TLS 1.3 an ECDSA scheme names its curve as well as its hash.
_TLS13_CURVES = {0x0403: "secp256r1", 0x0503: "secp384r1", 0x0603: "secp521r1"}


def _verify(key: object, scheme: int, signature: bytes, content: bytes, tls13: bool) -> bool:
    """Verify, or raise _Mismatch when ``scheme`` cannot be used with ``key``; InvalidSignature on a bad one."""
    if isinstance(key, ed25519.Ed25519PublicKey) and scheme == 0x0807:
        key.verify(signature, content)
    elif isinstance(key, ed448.Ed448PublicKey) and scheme == 0x0808:
        key.verify(signature, content)
    elif isinstance(key, ec.EllipticCurvePublicKey) and scheme in _ECDSA:
        if tls13 and _TLS13_CURVES.get(scheme) != key.curve.name:
            raise _Mismatch(f"{scheme_name(scheme)}：TLS 1.3要求曲线{_TLS13_CURVES.get(scheme, '?')}，"
                            f"证书密钥的曲线为{key.curve.name}")
        key.verify(signature, content, ec.ECDSA(_HASHES[scheme]()))
    elif isinstance(key, rsa.RSAPublicKey) and scheme in _PSS:
        digest = _HASHES[scheme]()
        key.verify(signature, content, padding.PSS(mgf=padding.MGF1(digest), salt_length=digest.digest_size),
                   digest)
    elif isinstance(key, rsa.RSAPublicKey) and scheme in _PKCS1 and not tls13:
        key.verify(signature, content, padding.PKCS1v15(), _HASHES[scheme]())
    else:
        raise _Mismatch(f"签名方案与证书密钥不匹配：{scheme_name(scheme)} / {_key_kind(key)}"
                        + ("（RFC 8446 4.4.3禁止TLS 1.3 CertificateVerify使用PKCS#1 v1.5）"
                           if tls13 and scheme in _PKCS1 else ""))
    return True


class _Mismatch(Exception):
    """The signature scheme cannot be used with the certificate's key."""


def _key_kind(key: object) -> str:
    """A public key's algorithm as notes name it (RSA, EC, Ed25519, Ed448, DSA)."""
    for kind, name in ((rsa.RSAPublicKey, "RSA"), (ec.EllipticCurvePublicKey, "EC"),
                       (ed25519.Ed25519PublicKey, "Ed25519"), (ed448.Ed448PublicKey, "Ed448")):
        if isinstance(key, kind):
            return name
    return "DSA" if is_dsa_key(key) else type(key).__name__


def _verify_legacy(key: object, signature: bytes, content: bytes) -> bool:
    """TLS 1.0 / 1.1 ServerKeyExchange: RSA signs MD5 ‖ SHA-1 with PKCS#1 v1.5 and no DigestInfo;
    ECDSA signs SHA-1 (RFC 4346 7.4.3, RFC 4492 5.4)."""
    if isinstance(key, rsa.RSAPublicKey):
        recovered = key.recover_data_from_signature(signature, padding.PKCS1v15(), None)
        if recovered != hashlib.md5(content).digest() + hashlib.sha1(content).digest():  # noqa: S324 (the protocol's)
            raise InvalidSignature
        return True
    if isinstance(key, ec.EllipticCurvePublicKey):
        key.verify(signature, content, ec.ECDSA(hashes.SHA1()))
        return True
    raise _Mismatch(f"TLS 1.0/1.1的签名不能由该类密钥生成：{_key_kind(key)}")


def verify_server_signature(certificate: bytes, scheme: int | None, signature: bytes, content: bytes, *,
                            tls13: bool = False, sm2_key: bytes | None = None,
                            sm2_id: bytes = sm2.DEFAULT_ID) -> Verdict:
    """Whether ``signature`` over ``content`` verifies under the DER ``certificate``'s key.
    ``scheme`` None: a TLS 1.0/1.1 signature (no algorithm field). ``sm2_key`` (04 ‖ X ‖ Y, which
    ``cryptography`` cannot load) with sm2sig_sm3 is checked by crypto_eval.sm2 under ``sm2_id``."""
    if scheme is not None and scheme not in _HASHES and scheme not in (0x0807, 0x0808, SM2SIG_SM3):
        return False, f"未知签名方案 {scheme:#06x}（探测从未提供该方案）"
    if sm2_key is not None or scheme == SM2SIG_SM3:
        if sm2_key is None or scheme != SM2SIG_SM3:
            asked = scheme_name(scheme) if scheme is not None else "TLS 1.0/1.1旧式"
            return False, f"签名方案与证书密钥不匹配：{asked} / {'SM2密钥' if sm2_key is not None else '非SM2密钥'}"
        try:
            ok = sm2.verify(sm2.decode_point(sm2_key), content, raw_signature(signature), user_id=sm2_id)
        except ValueError as e:
            return False, f"SM2签名格式错误：{e}"
        return ok, "SM2签名在证书密钥下验证通过" if ok else "SM2签名在证书密钥下验证失败"
    try:
        key = x509.load_der_x509_certificate(certificate).public_key()
    except (ValueError, TypeError, UnsupportedAlgorithm, x509.InvalidVersion) as e:
        return None, f"无法读取证书密钥（{type(e).__name__}）：未检查签名"
    name = scheme_name(scheme) if scheme is not None else "TLS 1.0/1.1旧式"
    try:
        if scheme is None:
            _verify_legacy(key, signature, content)
        else:
            _verify(key, scheme, signature, content, tls13)
    except _Mismatch as e:
        return False, str(e)
    except (InvalidSignature, ValueError, TypeError):
        return False, f"{name}签名在证书密钥下验证失败"
    except UnsupportedAlgorithm:
        return None, f"{name}：本机OpenSSL不支持，未检查签名"
    return True, f"{name}签名在证书密钥下验证通过"


def verify_certificate_verify(certificate: bytes, scheme: int, signature: bytes, content: bytes) -> Verdict:
    """A TLS 1.3 CertificateVerify (``content`` from tls13_flight.certificate_verify_content)."""
    return verify_server_signature(certificate, scheme, signature, content, tls13=True)


def _params_length(body: bytes, ecdhe: bool) -> int:
    """The length of the signed ServerECDHParams / ServerDHParams at the start of ``body``
    (ECDHE: curve_type, named_curve, point<1..255>; DHE: p, g, Ys, each <1..2^16-1>)."""
    if ecdhe:
        if len(body) < 4 or body[0] != 3:
            raise ValueError("ServerECDHParams未使用命名曲线")
        return 4 + body[3]
    pos = 0
    for _ in range(3):
        if pos + 2 > len(body):
            raise ValueError("ServerDHParams不完整")
        pos += 2 + int.from_bytes(body[pos:pos + 2], "big")
    return pos


def verify_server_key_exchange(certificate: bytes, version: int, suite: str, body: bytes | None,
                               client_random: bytes, server_random: bytes) -> Verdict:
    """The ServerKeyExchange of a TLS <= 1.2 (EC)DHE suite signed by the certificate's key (RFC
    5246 7.4.3, RFC 8422 5.4): randoms ‖ params. RSA key transport signs nothing (the server
    proves its key only by finishing the handshake, which the probe does not do): None."""
    if "_ECDHE_" not in suite and "_DHE_" not in suite:
        return None, (f"{suite}：RSA密钥传输或静态密钥，无ServerKeyExchange签名；持有证书私钥只能由完成的握手证明，"
                      "探测不完成握手")
    if body is None:
        return False, f"{suite}：无ServerKeyExchange（(EC)DHE参数未经签名）"
    try:
        size = _params_length(body, "_ECDHE_" in suite)
        scheme = int.from_bytes(body[size:size + 2], "big") if version >= 0x0303 else None
        rest = body[size + (2 if scheme is not None else 0):]
        if size > len(body) or len(rest) < 2 or int.from_bytes(rest[:2], "big") != len(rest) - 2:
            raise ValueError("签名长度与消息不符")
    except ValueError as e:
        return False, f"ServerKeyExchange格式错误：{e}"
    return verify_server_signature(certificate, scheme, rest[2:], client_random + server_random + body[:size])


def raw_signature(der: bytes) -> bytes:
    """r ‖ s from a DER SEQUENCE of two INTEGERs (GM/T 0009: each at most 32 bytes, one more for a
    leading zero); ValueError for anything else (lengths are checked before every index)."""
    if len(der) < 2 or der[0] != 0x30 or der[1] != len(der) - 2:
        raise ValueError("不是DER编码的SM2签名")
    values, pos = [], 2
    for _ in range(2):
        if pos + 2 > len(der) or der[pos] != 0x02:
            raise ValueError("不是DER编码的SM2签名")
        size = der[pos + 1]
        if not 1 <= size <= 33 or pos + 2 + size > len(der):
            raise ValueError("SM2签名整数长度错误")
        value = int.from_bytes(der[pos + 2:pos + 2 + size], "big")
        if value >= 1 << 256:
            raise ValueError("SM2签名整数超过256位")
        values.append(value)
        pos += 2 + size
    if pos != len(der):
        raise ValueError("SM2签名之后有多余字节")
    return values[0].to_bytes(32, "big") + values[1].to_bytes(32, "big")
