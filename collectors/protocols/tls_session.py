"""One TLS/TLCP connection's facts from its two byte streams, shaped like Zeek's ssl.log.

``tls_session_facts(client_bytes, server_bytes)`` takes the reassembled payload each side sent
(as much as was captured) and returns the version, cipher, curve, SNI, ALPN, resumption,
establishment, last plaintext alert and the certificate chain. TLS 1.3 certificates travel
encrypted, so for TLS 1.3 sessions the chain is empty and ``certificates_encrypted`` is true.
TLCP (GB/T 38636) sessions have ``version == "TLCP"``; their first two certificates are the
server's signing and encryption certificates.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from govsoc.collectors.protocols.tls import (
    Alert,
    ClientHello,
    Record,
    ServerHello,
    iter_handshakes,
    parse_alert,
    parse_certificate_list,
    parse_client_hello,
    parse_ecdhe_curve,
    parse_records,
    parse_server_hello,
)
from govsoc.collectors.protocols.tls_names import ALERTS, group_name, suite_name, version_name
from govsoc.collectors.protocols.x509 import CertificateInfo, parse_certificate
from govsoc.core.errors import ParseError

T = TypeVar("T")

__all__ = ["TlsSessionFacts", "tls_session_facts", "looks_like_tls"]

_EXT_PRE_SHARED_KEY = 41


@dataclass(frozen=True, slots=True, kw_only=True)
class TlsSessionFacts:
    """ssl.log-like facts of one connection (names as Zeek prints them; None = not seen)."""

    version: str | None
    cipher: str | None
    curve: str | None
    server_name: str | None
    resumed: bool
    established: bool
    last_alert: str | None
    next_protocol: str | None
    certificates_encrypted: bool
    cert_chain: tuple[CertificateInfo, ...]
    cert_chain_fps: tuple[str, ...]
    cert_errors: tuple[str, ...]
    client_hello: ClientHello | None
    server_hello: ServerHello | None
    hello_retry: bool
    #: handshake messages that did not decode, each as "<message>: <why>" (what was read before
    #: and beside them is kept)
    problems: tuple[str, ...] = ()

    @property
    def tlcp(self) -> bool:
        """Whether the session is TLCP (GB/T 38636, version 0x0101)."""
        return self.version == "TLCP"


def looks_like_tls(payload: bytes) -> bool:
    """Whether a stream's first bytes are a TLS/TLCP handshake record header (a cheap test for flows)."""
    return (len(payload) >= 5 and payload[0] == 22 and payload[1] in (1, 3)
            and int.from_bytes(payload[3:5], "big") <= 2**14 + 2048)


def _last_alert(*record_lists: list[Record], encrypted_after: tuple[int, int]) -> str | None:
    last: Alert | None = None
    for records, cutoff in zip(record_lists, encrypted_after, strict=True):
        for index, record in enumerate(records):
            if record.content_type == 21 and index < cutoff and len(record.fragment) == 2:
                try:
                    last = parse_alert(record.fragment)
                except ParseError:
                    continue
    return ALERTS.get(last.description, f"unknown-{last.description}") if last else None


def _ccs_index(records: list[Record]) -> int:
    return next((i for i, r in enumerate(records) if r.content_type == 20), len(records))


def tls_session_facts(client: bytes, server: bytes) -> TlsSessionFacts:
    """Facts of one connection from what the client and the server sent (either may be empty)."""
    c_records = parse_records(client, lenient=True)[0]
    s_records, s_tail = parse_records(server, lenient=True)
    hello: ClientHello | None = None
    problems: list[str] = []
    for kind, body in iter_handshakes(c_records):
        if kind == 1:
            hello = _read(parse_client_hello, body, "ClientHello", problems)
            break
    shello: ServerHello | None = None
    retry = False
    ders: tuple[bytes, ...] = ()
    curve_code: int | None = None
    for kind, body in iter_handshakes(s_records):
        if kind == 2:
            parsed = _read(parse_server_hello, body, "ServerHello", problems)
            if parsed is None:
                break  # what follows in the server's flight hangs on the hello
            retry = retry or parsed.is_hello_retry_request
            shello = parsed
            curve_code = parsed.key_share_group
        elif kind == 11 and shello is not None and shello.selected_version != 0x0304:
            ders = _read(parse_certificate_list, body, "Certificate", problems) or ()
        elif kind == 12 and curve_code is None:
            try:
                curve_code = parse_ecdhe_curve(body)
            except ParseError:
                curve_code = None
    tls13 = shello is not None and shello.selected_version == 0x0304
    if shello is not None and not tls13 and not ders:
        cut = _cut_certificate(s_records, s_tail)
        if cut is not None:  # the server's bytes end inside its Certificate (review R14b N6)
            ders, held, declared = cut
            problems.append(f"Certificate: cut short, {held:,} of its {declared:,} bytes captured: "
                            f"{len(ders)} certificate{'s' * (len(ders) != 1)} read whole, the rest missing")
    infos, errors = [], []
    for der in ders:
        try:
            infos.append(parse_certificate(der))
        except ParseError as e:
            errors.append(str(e))
    resumed = False
    if shello is not None and hello is not None:
        if tls13:
            resumed = any(e.type == _EXT_PRE_SHARED_KEY for e in shello.extensions)
        else:
            resumed = bool(hello.session_id) and hello.session_id == shello.session_id
    c_ccs, s_ccs = _ccs_index(c_records), _ccs_index(s_records)
    if tls13:
        established = any(r.content_type == 23 for r in c_records) and any(r.content_type == 23 for r in s_records)
    else:
        established = c_ccs < len(c_records) and s_ccs < len(s_records)
    return TlsSessionFacts(
        version=version_name(shello.selected_version) if shello else None,
        cipher=suite_name(shello.cipher_suite) if shello else None,
        curve=group_name(curve_code) if curve_code is not None else None,
        server_name=hello.server_name if hello else None, resumed=resumed, established=established,
        last_alert=_last_alert(c_records, s_records, encrypted_after=(c_ccs, s_ccs)),
        next_protocol=shello.alpn if shello else None, certificates_encrypted=tls13,
        cert_chain=tuple(infos), cert_chain_fps=tuple(hashlib.sha256(d).hexdigest() for d in ders),
        cert_errors=tuple(errors), client_hello=hello, server_hello=shello, hello_retry=retry,
        problems=tuple(problems),
    )


def _cut_certificate(records: list[Record], tail: bytes) -> tuple[tuple[bytes, ...], int, int] | None:
    """When the plaintext handshake bytes of ``records`` (and of ``tail``, a record the stream
    cut) end inside a Certificate message (RFC 5246 7.4.2): the certificates wholly within what
    there is (leaf first), the message's bytes held and the length it declares; else None.
    Each entry is a 3-byte length and a DER certificate, so those before the cut still read."""
    buffer = b""
    for record in records:
        if record.content_type == 20:
            return None
        if record.content_type == 22:
            buffer += record.fragment
            while len(buffer) >= 4 and len(buffer) >= 4 + int.from_bytes(buffer[1:4], "big"):
                buffer = buffer[4 + int.from_bytes(buffer[1:4], "big"):]
    if tail[:1] == b"\x16":
        buffer += tail[5:]
    if len(buffer) < 4 or buffer[0] != 11:
        return None
    body, ders, at = buffer[4:], [], 3  # after the list's own 3-byte length
    while at + 3 <= len(body) and at + 3 + int.from_bytes(body[at:at + 3], "big") <= len(body):
        size = int.from_bytes(body[at:at + 3], "big")
        ders.append(body[at + 3:at + 3 + size])
        at += 3 + size
    return tuple(ders), len(body), int.from_bytes(buffer[1:4], "big")


def _read(parse: Callable[[bytes], T], body: bytes, message: str, problems: list[str]) -> T | None:
    """``parse(body)``, or None with the reason kept in ``problems`` when it does not decode."""
    try:
        return parse(body)
    except ParseError as e:
        problems.append(f"{message}: {e}")
        return None
