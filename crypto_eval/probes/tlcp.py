"""TLCP (GB/T 38636-2020) and TLS 1.3 + RFC 8998 ShangMi probes by crafted ClientHellos.

TLCP: a minimal hello (record and client version 0x0101, SM suites, no extensions: real servers
close on extensions outside a short list); when the server closes silently, once more with the
three extensions they accept (server_name, supported_groups {curveSM2}, signature_algorithms
{sm2sig_sm3}). A ServerHello in 0x0101 with the Certificate message gives the chosen suite and the
signing and encryption certificates (in that order); protocol_version / insufficient_security
alerts in 0x0101 records tell a TLCP port that refuses the offer.

RFC 8998: a TLS 1.3 hello offering TLS_SM4_GCM_SM3 / TLS_SM4_CCM_SM3 with curveSM2 and
sm2sig_sm3 and a real SM2 key share (crypto_eval.sm2). A ServerHello (suite 0x00C6/0x00C7, key
share 0x0029) or a HelloRetryRequest asking for curveSM2 is support; a silent close is "refused,
reason unknown" (such servers send no alert).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from govsoc.collectors.protocols import tls
from govsoc.collectors.protocols.tls_encoders import (
    encode_client_hello,
    encode_handshake,
    encode_record,
    ext_key_share,
    ext_server_name,
    ext_signature_algorithms,
    ext_supported_groups,
    ext_supported_versions,
)
from govsoc.collectors.protocols.tls_names import TLCP_VERSION, scheme_name, suite_name, version_name
from govsoc.collectors.protocols.x509 import CertificateInfo, parse_certificate
from govsoc.core.errors import ParseError
from govsoc.crypto_eval import sm2
from govsoc.crypto_eval.probes.address import server_name_of
from govsoc.crypto_eval.probes.certificate_verify import raw_signature
from govsoc.crypto_eval.probes.connection import exchange
from govsoc.crypto_eval.probes.tls import read_server_flight, server_flight_done
from govsoc.crypto_eval.probes.tls13_flight import CERTIFICATE_VERIFY_ID, FlightReader

__all__ = ["TlcpProbeResult", "Tls13SmProbeResult", "probe_tlcp", "probe_tls13_sm", "TLCP_SUITES",
           "tlcp_hello", "tls13_sm_hello", "raw_signature"]

#: The suites a TLCP probe offers, SM2 ones first (reference §4.2).
TLCP_SUITES = (0xE053, 0xE013, 0xE051, 0xE011, 0xE019, 0xE059, 0xE01C, 0xE05A, 0xE001, 0xE003)
CURVE_SM2, SM2SIG_SM3 = 0x0029, 0x0708
_SM_TLS13_SUITES = (0x00C6, 0x00C7)


@dataclass(frozen=True, slots=True, kw_only=True)
class TlcpProbeResult:
    """What a TLCP hello got back."""

    endpoint: str
    supported: bool
    suite: str | None = None
    signing_certificate: CertificateInfo | None = None
    encryption_certificate: CertificateInfo | None = None
    chain: tuple[CertificateInfo, ...] = ()
    answer: str = ""  # server_hello, alert name, closed, timeout, unreachable, not TLCP
    with_extensions: bool = False
    client_certificate_requested: bool = False
    signature_verified: bool | None = None  # ServerKeyExchange under the signing key (None: not checked)
    signature_note: str | None = None       # why it was not checked


@dataclass(frozen=True, slots=True, kw_only=True)
class Tls13SmProbeResult:
    """What an RFC 8998 TLS 1.3 hello got back."""

    endpoint: str
    supported: bool
    suite: str | None = None
    key_share_group: str | None = None
    hello_retry: bool = False
    answer: str = ""
    chain: tuple[CertificateInfo, ...] = ()    # decrypted from the server's encrypted flight
    finished_ok: bool | None = None            # the server's Finished MAC under our derived keys
    signature_verified: bool | None = None     # CertificateVerify (SM2, ID TLSv1.3+GM+Cipher+Suite)
    signature_scheme: str | None = None


def tlcp_hello(with_extensions: bool = False, host: str | None = None, random: bytes | None = None) -> bytes:
    """The TLCP probe hello, minimal or with the three accepted extensions."""
    exts: list[tls.Extension] = []
    if with_extensions:
        exts = ([ext_server_name(host)] if host else []) + [
            ext_supported_groups([CURVE_SM2]), ext_signature_algorithms([SM2SIG_SM3])]
    body = encode_client_hello(version=TLCP_VERSION, random=random or os.urandom(32), cipher_suites=TLCP_SUITES,
                               extensions=exts, omit_extensions=not exts)
    return encode_record(22, TLCP_VERSION, encode_handshake(1, body))


def tls13_sm_hello(host: str | None = None, *, key_share: bytes | None = None) -> bytes:
    """An RFC 8998 TLS 1.3 ClientHello handshake message with an SM2 key share (04 ‖ X ‖ Y), or an
    empty key_share list (which asks a server for a HelloRetryRequest)."""
    share = [(CURVE_SM2, key_share)] if key_share else []
    exts = ([ext_server_name(host)] if host else []) + [
        ext_supported_versions([0x0304]), ext_supported_groups([CURVE_SM2]),
        ext_signature_algorithms([SM2SIG_SM3]), ext_key_share(share)]
    body = encode_client_hello(version=0x0303, random=os.urandom(32), cipher_suites=_SM_TLS13_SUITES,
                               extensions=exts, session_id=os.urandom(32))
    return encode_handshake(1, body)


def _certificates(ders: tuple[bytes, ...]) -> tuple[CertificateInfo, ...]:
    out = []
    for der in ders:
        try:
            out.append(parse_certificate(der))
        except ParseError:
            continue
    return tuple(out)


async def _tlcp_once(host: str, port: int, timeout: float, with_extensions: bool, sni: str | None) -> TlcpProbeResult:
    endpoint = f"{host}:{port}"
    client_random = os.urandom(32)
    answer = await exchange(host, port, tlcp_hello(with_extensions, sni, client_random), timeout=timeout,
                            enough=server_flight_done)
    if not answer.connected:
        return TlcpProbeResult(endpoint=endpoint, supported=False, answer="unreachable")
    flight = read_server_flight(answer)
    if flight.hello is not None and flight.hello.selected_version == TLCP_VERSION:
        chain = _certificates(flight.certificates)
        sign = chain[0] if chain else None
        verified, note = _key_exchange_signature(answer.received, client_random, flight.hello, flight.certificates,
                                                 sign)
        return TlcpProbeResult(endpoint=endpoint, supported=True, suite=suite_name(flight.hello.cipher_suite),
                               signing_certificate=sign,
                               encryption_certificate=chain[1] if len(chain) > 1 else None,
                               chain=chain, answer="server_hello", with_extensions=with_extensions,
                               client_certificate_requested=flight.client_certificate_requested,
                               signature_verified=verified, signature_note=note)
    if flight.hello is not None:
        what = f"server_hello {version_name(flight.hello.selected_version)}"
    elif flight.alert:
        what = flight.alert + (" (TLCP record)" if flight.alert_record_version == TLCP_VERSION else "")
    elif flight.silent_close:
        what = "closed"
    elif flight.not_tls:
        what = "not TLS/TLCP"
    else:
        what = "timeout" if answer.timed_out else (flight.error or "no answer")
    return TlcpProbeResult(endpoint=endpoint, supported=False, answer=what, with_extensions=with_extensions)


#: GB/T 38636-2020 6.4.5.4: ServerKeyExchange of the ECC suites signs client random ‖ server random
#: ‖ the encryption certificate (a 3-byte length, then its DER); of the ECDHE suites, the randoms ‖
#: ServerECDHParams (as GmSSL's TLCP does). SM2 with the default user ID (GM/T 0009: "1234567812345678").
_ECC_SUITES = frozenset({0xE003, 0xE013, 0xE053})
_ECDHE_SUITES = frozenset({0xE001, 0xE011, 0xE051})
#: The RSA suites sign with the RSA signing certificate (hash not fixed by the standard: not checked).
_RSA_SUITES = frozenset({0xE009, 0xE00A, 0xE019, 0xE01A, 0xE059, 0xE05A})


def _unsigned_suite(suite: int, sign: CertificateInfo | None) -> tuple[bool | None, str] | None:
    """The verdict for a suite or certificate whose signature cannot be an SM2 one (None: check it)."""
    if sign is None:
        return None, "无签名证书，无法检查ServerKeyExchange签名"
    if suite in _RSA_SUITES:
        if sign.key_type != "rsa":
            return False, (f"{suite_name(suite)}：签名证书为{sign.key_type.upper()}密钥，RSA套件以RSA密钥签名，"
                           "服务端不可能以该证书的密钥签名")
        return None, f"{suite_name(suite)}：未检查RSA ServerKeyExchange签名（GB/T 38636未规定其杂凑算法）"
    if suite not in _ECC_SUITES | _ECDHE_SUITES:
        return None, f"{suite_name(suite)}：未检查ServerKeyExchange签名（非SM2或RSA套件）"
    if sign.sm2_public_key is None:
        return False, (f"{suite_name(suite)}：签名证书为{sign.key_type.upper()}密钥，SM2套件须以签名证书的SM2密钥"
                       "签名ServerKeyExchange（GB/T 38636 6.4.5.4）")
    return None


def _key_exchange_signature(received: bytes, client_random: bytes, hello: tls.ServerHello,
                            certificates: tuple[bytes, ...],
                            sign: CertificateInfo | None) -> tuple[bool | None, str | None]:
    """Whether the ServerKeyExchange signature verifies under the signing certificate's SM2 key;
    False for a signature that does not verify, is missing, or cannot fit the certificate; None
    and why only when it cannot be checked (no certificate, an RSA or IBC suite)."""
    suite = hello.cipher_suite
    unsigned = _unsigned_suite(suite, sign)
    if unsigned is not None:
        return unsigned
    assert sign is not None and sign.sm2_public_key is not None
    try:
        records, _ = tls.parse_records(received, lenient=True)
        body = next((b for kind, b in tls.iter_handshakes(records) if kind == 12), None)
    except ParseError:
        body = None
    if body is None:
        return False, "未收到ServerKeyExchange"
    if suite in _ECC_SUITES:
        if len(certificates) < 2:
            return False, "无加密证书（ECC套件的签名须覆盖加密证书）"
        params, rest = len(certificates[1]).to_bytes(3, "big") + certificates[1], body
    else:
        size = 4 + body[3] if len(body) >= 4 else len(body) + 1  # curve_type, named_curve, point<1..255>
        params, rest = body[:size], body[size:]
    if len(rest) < 2 or int.from_bytes(rest[:2], "big") != len(rest) - 2:
        return False, "ServerKeyExchange格式错误"
    try:
        ok = sm2.verify(sm2.decode_point(sign.sm2_public_key), client_random + hello.random + params,
                        raw_signature(rest[2:]))
    except ValueError:
        ok = False
    return ok, None if ok else "ServerKeyExchange签名在签名证书密钥下验证失败"


async def probe_tlcp(host: str, port: int, *, server_name: str | None = None, timeout: float = 3.0) -> TlcpProbeResult:
    """Probe TLCP support; retries with SNI and SM extensions when the minimal hello is closed."""
    server_name = server_name_of("", server_name) if server_name else None  # A-labels; an address is no SNI
    first = await _tlcp_once(host, port, timeout, False, server_name)
    if first.supported or first.answer != "closed":
        return first
    return await _tlcp_once(host, port, timeout, True, server_name)


async def probe_tls13_sm(host: str, port: int, *, server_name: str | None = None,
                         timeout: float = 3.0) -> Tls13SmProbeResult:
    """Probe TLS 1.3 with the RFC 8998 SM suites and curveSM2; on a ServerHello, decrypt the
    server's flight to read its certificate and check its Finished and CertificateVerify."""
    endpoint = f"{host}:{port}"
    server_name = server_name_of("", server_name) if server_name else None  # A-labels; an address is no SNI
    private = sm2.generate_private_key()
    hello = tls13_sm_hello(server_name, key_share=sm2.encode_point(sm2.public_key(private)))
    reader = FlightReader(private_key=private, client_hello=hello)
    answer = await exchange(host, port, encode_record(22, 0x0301, hello), timeout=timeout,
                            enough=lambda data: server_flight_done(data) and reader.feed(data))
    if not answer.connected:
        return Tls13SmProbeResult(endpoint=endpoint, supported=False, answer="unreachable")
    flight = read_server_flight(answer)
    sh = flight.hello
    if sh is not None and sh.selected_version == 0x0304 and sh.cipher_suite in _SM_TLS13_SUITES:
        group = "curveSM2" if sh.key_share_group == CURVE_SM2 else str(sh.key_share_group)
        retry = sh.is_hello_retry_request
        extra = {} if retry else _flight_facts(reader, answer.received)
        return Tls13SmProbeResult(endpoint=endpoint, supported=sh.key_share_group == CURVE_SM2,
                                  suite=suite_name(sh.cipher_suite), key_share_group=group, hello_retry=retry,
                                  answer="hello_retry_request" if retry else "server_hello", **extra)
    if sh is not None:
        what = f"server_hello {version_name(sh.selected_version)} {suite_name(sh.cipher_suite)}"
    elif flight.alert:
        what = flight.alert
    elif flight.silent_close:
        what = "closed"
    else:
        what = "timeout" if answer.timed_out else (flight.error or "no answer")
    return Tls13SmProbeResult(endpoint=endpoint, supported=False, answer=what)


def _flight_facts(reader: FlightReader, received: bytes) -> dict[str, Any]:
    """Certificate chain, Finished and CertificateVerify checks of a decrypted flight; a message
    that does not parse leaves that fact unknown (None), never an exception."""
    reader.feed(received)
    try:
        chain = _certificates(reader.certificates())
    except ParseError:
        chain = ()
    verified = scheme = None
    try:
        cv = reader.certificate_verify()
    except ParseError:
        cv = None
    if cv is not None:
        code, der, content = cv
        scheme = scheme_name(code)
        public = chain[0].sm2_public_key if chain else None
        if chain and public is None:  # RFC 8998 suites sign with SM2: any other key cannot have signed
            verified = False
        elif public is not None and code != SM2SIG_SM3:  # we offered only sm2sig_sm3 (RFC 8998 3.2)
            verified = False
        elif public is not None:
            try:
                verified = sm2.verify(sm2.decode_point(public), content, raw_signature(der),
                                      user_id=CERTIFICATE_VERIFY_ID)
            except ValueError:  # a malformed signature proves nothing: not verified
                verified = False
    elif chain and any(kind == 20 for kind, _ in reader.messages):
        verified, scheme = False, "none"  # RFC 8446 4.4.3: a certificate with no CertificateVerify
    return {"chain": chain, "finished_ok": reader.finished_ok(), "signature_verified": verified,
            "signature_scheme": scheme}
