"""TLS 1.0-1.3 and TLCP (GB/T 38636-2020) wire decoding.

Records (RFC 5246 6.2; TLCP uses the same header with version 0x0101), handshake messages
(RFC 8446 4), ClientHello and ServerHello with the extensions that matter for evidence
(server_name RFC 6066, ALPN RFC 7301, supported_groups RFC 8422/8446, signature_algorithms,
supported_versions, key_share, renegotiation_info RFC 5746), Certificate (TLS 1.2 and TLCP lists,
whose first two entries are TLCP's signing then encryption certificate; the TLS 1.3 form with
per-entry extensions, which on the wire is encrypted and only seen by a peer that completed the
key exchange), ECDHE ServerKeyExchange (the curve Zeek logs) and alerts. The encoders probes and
test servers build these messages with are in govsoc.collectors.protocols.tls_encoders.

Everything is a pure function of bytes: malformed input raises ParseError, nothing else.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from govsoc.collectors.protocols.tls_names import HRR_RANDOM
from govsoc.collectors.protocols.wire import Reader
from govsoc.core.errors import Location, ParseError

__all__ = [
    "Record", "Extension", "ClientHello", "ServerHello", "Alert", "CONTENT_TYPES", "MAX_FRAGMENT",
    "parse_records", "iter_handshakes", "parse_client_hello", "parse_server_hello",
    "parse_certificate_list", "parse_alert", "parse_ecdhe_curve", "parse_dhe_prime_bits",
]

#: Record content types (RFC 8446 5.1; 24 = heartbeat, RFC 6520).
CONTENT_TYPES = {20: "change_cipher_spec", 21: "alert", 22: "handshake", 23: "application_data", 24: "heartbeat"}
#: Largest record fragment accepted: 2^14 plus the 2048 bytes of expansion TLS 1.2 allows.
MAX_FRAGMENT = 2**14 + 2048

EXT_SERVER_NAME = 0
EXT_SUPPORTED_GROUPS = 10
EXT_EC_POINT_FORMATS = 11
EXT_SIGNATURE_ALGORITHMS = 13
EXT_ALPN = 16
EXT_SUPPORTED_VERSIONS = 43
EXT_KEY_SHARE = 51
EXT_RENEGOTIATION_INFO = 0xFF01


def _error(message: str, what: str) -> ParseError:
    return ParseError(message, location=Location(field=what))


@dataclass(frozen=True, slots=True, kw_only=True)
class Record:
    """One TLS/TLCP record: content type, record-layer version and the (possibly encrypted) fragment."""

    content_type: int
    version: int
    fragment: bytes


@dataclass(frozen=True, slots=True, kw_only=True)
class Extension:
    """One hello extension, type and raw body."""

    type: int
    data: bytes


@dataclass(frozen=True, slots=True, kw_only=True)
class ClientHello:
    """A decoded ClientHello. Raw fields first; the decoded extension values after them."""

    version: int
    random: bytes
    session_id: bytes
    cipher_suites: tuple[int, ...]
    compression_methods: tuple[int, ...]
    extensions: tuple[Extension, ...]
    server_name: str | None = None
    alpn: tuple[str, ...] = ()
    supported_versions: tuple[int, ...] = ()
    supported_groups: tuple[int, ...] = ()
    key_share_groups: tuple[int, ...] = ()
    signature_algorithms: tuple[int, ...] = ()
    renegotiation_info: bool = False

    @property
    def offered_versions(self) -> tuple[int, ...]:
        """The versions offered: supported_versions when present, else the legacy version alone."""
        return self.supported_versions or (self.version,)


@dataclass(frozen=True, slots=True, kw_only=True)
class ServerHello:
    """A decoded ServerHello (or HelloRetryRequest, which shares its layout)."""

    version: int
    random: bytes
    session_id: bytes
    cipher_suite: int
    compression_method: int
    extensions: tuple[Extension, ...]
    selected_version: int = 0
    key_share_group: int | None = None
    alpn: str | None = None
    renegotiation_info: bool = False

    @property
    def is_hello_retry_request(self) -> bool:
        """RFC 8446 4.1.3: the special random marks a HelloRetryRequest."""
        return self.random == HRR_RANDOM


@dataclass(frozen=True, slots=True, kw_only=True)
class Alert:
    """An alert record's level (1 warning, 2 fatal) and description code."""

    level: int
    description: int


def parse_records(data: bytes, *, lenient: bool = False) -> tuple[list[Record], bytes]:
    """Split a byte stream into records; returns them and the unparsed tail (a partial record).

    A header that is not TLS/TLCP raises ParseError; with ``lenient`` it only ends the scan once
    at least one record was read (captures that continue with another protocol, or lose bytes).
    """
    records: list[Record] = []
    pos = 0
    while len(data) - pos >= 5:
        ctype, major, minor = data[pos], data[pos + 1], data[pos + 2]
        length = int.from_bytes(data[pos + 3:pos + 5], "big")
        problem = None
        if ctype not in CONTENT_TYPES:
            problem = f"not a TLS record: content type {ctype} at byte {pos}"
        elif major not in (1, 3):
            problem = f"not a TLS/TLCP record: version {major}.{minor} at byte {pos}"
        elif length > MAX_FRAGMENT:
            problem = f"record of {length} bytes exceeds {MAX_FRAGMENT} at byte {pos}"
        if problem:
            if lenient and records:
                break
            raise _error(problem, "tls.record")
        if len(data) - pos - 5 < length:
            break
        records.append(Record(content_type=ctype, version=major << 8 | minor,
                              fragment=data[pos + 5:pos + 5 + length]))
        pos += 5 + length
    return records, data[pos:]


def iter_handshakes(records: Iterable[Record]) -> Iterator[tuple[int, bytes]]:
    """(type, body) of each complete plaintext handshake message, reassembled across records.

    Stops at the first ChangeCipherSpec (what follows is encrypted); TLS 1.3 sends the rest of its
    flight as application_data records, which are skipped. A trailing partial message is dropped.
    """
    buffer = b""
    for record in records:
        if record.content_type == 20:
            return
        if record.content_type != 22:
            continue
        buffer += record.fragment
        while len(buffer) >= 4:
            length = int.from_bytes(buffer[1:4], "big")
            if len(buffer) < 4 + length:
                break
            yield buffer[0], buffer[4:4 + length]
            buffer = buffer[4 + length:]


def _extensions(reader: Reader) -> tuple[Extension, ...]:
    if not reader.remaining:  # extensions are optional before TLS 1.3
        return ()
    body = Reader(reader.vector(2), reader.what + ".extensions")
    out = []
    while body.remaining:
        etype = body.uint(2)
        out.append(Extension(type=etype, data=body.vector(2)))
    reader.end()
    return tuple(out)


def _server_name(data: bytes) -> str | None:
    reader = Reader(data, "tls.server_name")
    names = Reader(reader.vector(2), reader.what)
    reader.end()
    while names.remaining:
        kind, name = names.uint(1), names.vector(2, 1)
        if kind == 0:
            try:
                return name.decode("ascii")
            except UnicodeDecodeError:
                raise names.fail("host name is not ASCII") from None
    return None


def _alpn(data: bytes) -> tuple[str, ...]:
    reader = Reader(data, "tls.alpn")
    names = Reader(reader.vector(2), reader.what)
    reader.end()
    out = []
    while names.remaining:
        out.append(names.vector(1, 1).decode("latin-1"))
    return tuple(out)


def _list(data: bytes, length_size: int, what: str) -> tuple[int, ...]:
    reader = Reader(data, what)
    values = reader.uints(length_size, 2)
    reader.end()
    return values


def _key_share_groups(data: bytes) -> tuple[int, ...]:
    reader = Reader(data, "tls.key_share")
    shares = Reader(reader.vector(2), reader.what)
    reader.end()
    groups = []
    while shares.remaining:
        groups.append(shares.uint(2))
        shares.vector(2, 1)
    return tuple(groups)


def parse_client_hello(body: bytes) -> ClientHello:
    """Decode a ClientHello handshake body (without the 4-byte handshake header)."""
    r = Reader(body, "tls.client_hello")
    version, random, session_id = r.uint(2), r.take(32), r.vector(1)
    suites = r.uints(2, 2, 2)
    compression = tuple(r.vector(1, 1))
    exts = _extensions(r)
    found = {e.type: e.data for e in exts}
    return ClientHello(
        version=version, random=random, session_id=session_id, cipher_suites=suites,
        compression_methods=compression, extensions=exts,
        server_name=_server_name(found[EXT_SERVER_NAME]) if EXT_SERVER_NAME in found else None,
        alpn=_alpn(found[EXT_ALPN]) if EXT_ALPN in found else (),
        supported_versions=(_list(found[EXT_SUPPORTED_VERSIONS], 1, "tls.supported_versions")
                            if EXT_SUPPORTED_VERSIONS in found else ()),
        supported_groups=(_list(found[EXT_SUPPORTED_GROUPS], 2, "tls.supported_groups")
                          if EXT_SUPPORTED_GROUPS in found else ()),
        key_share_groups=_key_share_groups(found[EXT_KEY_SHARE]) if EXT_KEY_SHARE in found else (),
        signature_algorithms=(_list(found[EXT_SIGNATURE_ALGORITHMS], 2, "tls.signature_algorithms")
                              if EXT_SIGNATURE_ALGORITHMS in found else ()),
        renegotiation_info=EXT_RENEGOTIATION_INFO in found or 0x00FF in suites,
    )


def _server_key_share(data: bytes, hrr: bool) -> int:
    reader = Reader(data, "tls.key_share")
    group = reader.uint(2)
    if not hrr:
        reader.vector(2, 1)
    reader.end()
    return group


def parse_server_hello(body: bytes) -> ServerHello:
    """Decode a ServerHello or HelloRetryRequest body; selected_version honours supported_versions."""
    r = Reader(body, "tls.server_hello")
    version, random, session_id = r.uint(2), r.take(32), r.vector(1)
    suite, compression = r.uint(2), r.uint(1)
    exts = _extensions(r)
    found = {e.type: e.data for e in exts}
    selected = version
    if EXT_SUPPORTED_VERSIONS in found:
        sv = Reader(found[EXT_SUPPORTED_VERSIONS], "tls.supported_versions")
        selected = sv.uint(2)
        sv.end()
    alpn = _alpn(found[EXT_ALPN]) if EXT_ALPN in found else ()
    if len(alpn) > 1:
        raise _error("a server selects one ALPN protocol, not several", "tls.alpn")
    hrr = random == HRR_RANDOM
    return ServerHello(
        version=version, random=random, session_id=session_id, cipher_suite=suite,
        compression_method=compression, extensions=exts, selected_version=selected,
        key_share_group=_server_key_share(found[EXT_KEY_SHARE], hrr) if EXT_KEY_SHARE in found else None,
        alpn=alpn[0] if alpn else None, renegotiation_info=EXT_RENEGOTIATION_INFO in found,
    )


def parse_certificate_list(body: bytes, *, tls13: bool = False) -> tuple[bytes, ...]:
    """The DER certificates of a Certificate message, leaf first.

    TLS 1.2 and TLCP: a plain list (TLCP: signing certificate, encryption certificate, chain).
    TLS 1.3 (``tls13``): a request context and entries with extensions, dropped here. A passive
    observer never sees the TLS 1.3 form: the message is encrypted under handshake keys.
    """
    r = Reader(body, "tls.certificate")
    if tls13:
        r.vector(1)
    entries = Reader(r.vector(3), r.what)
    r.end()
    out = []
    while entries.remaining:
        out.append(entries.vector(3, 1))
        if tls13:
            entries.vector(2)
    return tuple(out)


def parse_alert(fragment: bytes) -> Alert:
    """Decode a plaintext alert record fragment (2 bytes)."""
    r = Reader(fragment, "tls.alert")
    alert = Alert(level=r.uint(1), description=r.uint(1))
    r.end()
    if alert.level not in (1, 2):
        raise r.fail(f"alert level {alert.level} is neither warning (1) nor fatal (2)")
    return alert


def parse_ecdhe_curve(body: bytes) -> int | None:
    """The named group of an ECDHE ServerKeyExchange (RFC 8422 5.4), None for other key exchanges."""
    r = Reader(body, "tls.server_key_exchange")
    if r.uint(1) != 3:  # 3 = named_curve; DHE and explicit curves carry no group code
        return None
    group = r.uint(2)
    r.vector(1, 1)
    return group


def parse_dhe_prime_bits(body: bytes) -> int:
    """The size in bits of the finite-field group of a DHE ServerKeyExchange: its prime dh_p
    (RFC 5246 7.4.3 ServerDHParams), as key-size tables rate it."""
    r = Reader(body, "tls.server_key_exchange")
    return int.from_bytes(r.vector(2, 1), "big").bit_length()
