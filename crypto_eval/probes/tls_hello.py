"""The TLS probe's ClientHello and the server's first flight: the suites, groups and signature
schemes a hello offers (RFC 5246 7.4.1.2, RFC 8446 4.1.2 / 4.2), building one hello, and decoding
the records a server answers with (ServerHello, Certificate, ServerKeyExchange, CertificateStatus,
alerts) up to ServerHelloDone or a TLS 1.3 ServerHello."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

from govsoc.collectors.protocols import tls
from govsoc.collectors.protocols.tls_encoders import (
    encode_client_hello,
    encode_handshake,
    encode_record,
    ext_key_share,
    ext_renegotiation_info,
    ext_server_name,
    ext_signature_algorithms,
    ext_supported_groups,
    ext_supported_versions,
)
from govsoc.collectors.protocols.tls_names import ALERTS, CIPHER_SUITES, SIGNATURE_SCHEMES, suite_name
from govsoc.core.errors import ParseError
from govsoc.crypto_eval.probes.connection import Exchange
from govsoc.crypto_eval.probes.key_shares import KeyShare, make_share
from govsoc.crypto_eval.probes.tls13_flight import STATUS_REQUEST, certificate_status

_TLS13_SUITES = (0x1301, 0x1302, 0x1303, 0x1304, 0x1305)
_WEAK_MARKERS = ("RC4", "DES", "NULL", "EXPORT", "anon", "_MD5")


def _preference(code: int) -> tuple[bool, bool, bool, int]:
    """A browser-like order: strong before weak, ECDHE before others, AEAD before CBC."""
    name = CIPHER_SUITES[code]
    return (any(m in name for m in _WEAK_MARKERS), "ECDHE" not in name,
            "GCM" not in name and "CHACHA" not in name, code)


_LEGACY_SUITES = tuple(sorted((c for c, n in CIPHER_SUITES.items()
                               if not n.startswith(("TLCP_", "TLS_AES", "TLS_CHACHA20_POLY1305_SHA256", "TLS_SM4"))
                               and c not in (0x0000, 0x00FF, 0x5600)), key=_preference))
_WEAK_SUITES = tuple(c for c in _LEGACY_SUITES if any(m in CIPHER_SUITES[c] for m in _WEAK_MARKERS))
_GROUPS = (29, 23, 24, 25, 30, 256, 257, 258, 259, 260)
_SIGNATURE_ALGORITHMS_CERT = 50


@dataclass(frozen=True, slots=True, kw_only=True)
class ServerFlight:
    """The server's answer to one ClientHello, decoded."""

    hello: tls.ServerHello | None = None
    certificates: tuple[bytes, ...] = ()
    alert: str | None = None
    alert_record_version: int | None = None
    record_version: int | None = None
    ecdhe_group: int | None = None
    dhe_bits: int | None = None  # a DHE ServerKeyExchange's prime size: the group's strength
    client_certificate_requested: bool = False
    ocsp_staple: bytes | None = None  # TLS <= 1.2 CertificateStatus (RFC 6066 8)
    silent_close: bool = False
    not_tls: bool = False
    error: str | None = None


def server_flight_done(data: bytes) -> bool:
    """Enough of a server's first flight: an alert, ServerHelloDone, or a TLS 1.3 / HRR ServerHello."""
    try:
        records, _ = tls.parse_records(data, lenient=True)
    except ParseError:
        return True
    for record in records:
        if record.content_type == 21:
            return True
    for kind, body in tls.iter_handshakes(records):
        if kind == 14:
            return True
        if kind == 2:
            try:
                hello = tls.parse_server_hello(body)
            except ParseError:
                return True
            if hello.selected_version == 0x0304 or hello.is_hello_retry_request:
                return True
    return False


def read_server_flight(answer: Exchange) -> ServerFlight:
    """Decode a server's first flight from an exchange."""
    if not answer.received:
        return ServerFlight(silent_close=answer.silent_close, error=answer.error or ("timeout" if answer.timed_out
                                                                                       else None))
    try:
        records, _ = tls.parse_records(answer.received, lenient=True)
    except ParseError as e:
        return ServerFlight(not_tls=True, error=str(e))
    alert = alert_version = None
    for record in records:
        if record.content_type == 21 and len(record.fragment) == 2:
            try:
                parsed = tls.parse_alert(record.fragment)
            except ParseError:
                continue
            alert = ALERTS.get(parsed.description, f"alert-{parsed.description}")
            alert_version = record.version
    hello = None
    certs: tuple[bytes, ...] = ()
    group = dhe_bits = None
    asks_client = False
    staple = None
    try:
        for kind, body in tls.iter_handshakes(records):
            asks_client = asks_client or kind == 13
            if kind == 22:
                staple = certificate_status(body)
            if kind == 2:
                hello = tls.parse_server_hello(body)
            elif kind == 11 and hello is not None and hello.selected_version != 0x0304:
                certs = tls.parse_certificate_list(body)
            elif kind == 12 and hello is not None and "_DHE_" in suite_name(hello.cipher_suite):
                dhe_bits = tls.parse_dhe_prime_bits(body)
            elif kind == 12 and group is None:
                group = tls.parse_ecdhe_curve(body)
    except ParseError as e:
        return ServerFlight(hello=hello, alert=alert, error=str(e), record_version=records[0].version)
    return ServerFlight(hello=hello, certificates=certs, alert=alert, alert_record_version=alert_version,
                        record_version=records[0].version if records else None, ecdhe_group=group,
                        dhe_bits=dhe_bits,
                        client_certificate_requested=asks_client, ocsp_staple=staple)


def build_hello(version: int, host: str | None, suites: Sequence[int] | None = None,
                compression: Sequence[int] = (0,), share: KeyShare | None = None,
                schemes: Sequence[int] | None = None) -> bytes:
    """A ClientHello record offering exactly ``version`` (TLS 1.3 through supported_versions, with
    ``share`` as its key share: a fresh x25519 one by default); ``schemes``: the only signature
    schemes the server may sign with (the chain's own signatures stay free: signature_algorithms_cert
    lists them all, RFC 8446 4.2.3)."""
    exts = [ext_server_name(host)] if host else []
    exts += [ext_supported_groups(_GROUPS), tls.Extension(type=11, data=b"\x01\x00"),
             ext_signature_algorithms(tuple(schemes or SIGNATURE_SCHEMES)), ext_renegotiation_info(),
             tls.Extension(type=STATUS_REQUEST, data=b"\x01\x00\x00\x00\x00")]  # ocsp, no responder ids
    legacy = version
    if version == 0x0304:
        legacy = 0x0303
        share = share or make_share(29)
        exts += [ext_supported_versions([0x0304]), ext_key_share([(share.group, share.public)])]
        if schemes:
            exts.append(tls.Extension(type=_SIGNATURE_ALGORITHMS_CERT,
                                      data=ext_signature_algorithms(tuple(SIGNATURE_SCHEMES)).data))
        suites = suites or _TLS13_SUITES
    body = encode_client_hello(version=legacy, random=os.urandom(32), cipher_suites=suites or _LEGACY_SUITES,
                               extensions=exts, session_id=os.urandom(32), compression_methods=compression)
    return encode_record(22, 0x0301, encode_handshake(1, body))
