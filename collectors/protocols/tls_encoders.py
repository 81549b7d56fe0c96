"""TLS 1.0-1.3 and TLCP (GB/T 38636-2020) encoders: the records, handshake messages (ClientHello,
ServerHello or HelloRetryRequest, Certificate) and extensions that probes send and test servers
answer with, the inverse of govsoc.collectors.protocols.tls's decoders (RFC 8446 4, RFC 5246 7.4;
extensions: server_name RFC 6066, ALPN RFC 7301, supported_groups, signature_algorithms,
supported_versions, key_share, renegotiation_info RFC 5746). Pure functions of their arguments.
"""

from __future__ import annotations

from collections.abc import Sequence

from govsoc.collectors.protocols.tls import (
    EXT_ALPN,
    EXT_KEY_SHARE,
    EXT_RENEGOTIATION_INFO,
    EXT_SERVER_NAME,
    EXT_SIGNATURE_ALGORITHMS,
    EXT_SUPPORTED_GROUPS,
    EXT_SUPPORTED_VERSIONS,
    Extension,
)

__all__ = [
    "encode_record", "encode_handshake", "encode_client_hello", "encode_server_hello",
    "encode_certificate_list", "ext_server_name", "ext_supported_groups", "ext_signature_algorithms",
    "ext_supported_versions", "ext_key_share", "ext_alpn", "ext_renegotiation_info",
]


def encode_record(content_type: int, version: int, payload: bytes) -> bytes:
    """Records carrying ``payload``, split into 2^14-byte fragments."""
    chunks = [payload[i:i + 2**14] for i in range(0, len(payload), 2**14)] or [b""]
    return b"".join(bytes([content_type]) + version.to_bytes(2, "big") + len(c).to_bytes(2, "big") + c
                    for c in chunks)


def encode_handshake(msg_type: int, body: bytes) -> bytes:
    """A handshake message: type, 24-bit length, body."""
    return bytes([msg_type]) + len(body).to_bytes(3, "big") + body


def _vec(data: bytes, length_size: int) -> bytes:
    return len(data).to_bytes(length_size, "big") + data


def _uints(values: Sequence[int], size: int) -> bytes:
    return b"".join(v.to_bytes(size, "big") for v in values)


def _encode_extensions(extensions: Sequence[Extension]) -> bytes:
    return _vec(b"".join(e.type.to_bytes(2, "big") + _vec(e.data, 2) for e in extensions), 2)


def encode_client_hello(*, version: int, random: bytes, cipher_suites: Sequence[int],
                        extensions: Sequence[Extension] = (), session_id: bytes = b"",
                        compression_methods: Sequence[int] = (0,), omit_extensions: bool = False) -> bytes:
    """A ClientHello body; ``omit_extensions`` leaves out even the empty extensions block (TLCP probes)."""
    body = (version.to_bytes(2, "big") + random + _vec(session_id, 1) + _vec(_uints(cipher_suites, 2), 2)
            + _vec(bytes(compression_methods), 1))
    return body if omit_extensions and not extensions else body + _encode_extensions(extensions)


def encode_server_hello(*, version: int, random: bytes, cipher_suite: int, session_id: bytes = b"",
                        extensions: Sequence[Extension] = (), compression_method: int = 0) -> bytes:
    """A ServerHello (or, with HRR_RANDOM, HelloRetryRequest) body."""
    body = (version.to_bytes(2, "big") + random + _vec(session_id, 1) + cipher_suite.to_bytes(2, "big")
            + bytes([compression_method]))
    return body + _encode_extensions(extensions) if extensions else body


def encode_certificate_list(certificates: Sequence[bytes], *, tls13: bool = False) -> bytes:
    """A Certificate message body (TLS 1.3 form with an empty context and no entry extensions)."""
    entries = b"".join(_vec(c, 3) + (b"\x00\x00" if tls13 else b"") for c in certificates)
    return (b"\x00" if tls13 else b"") + _vec(entries, 3)


def ext_server_name(host: str) -> Extension:
    """server_name with one host_name entry."""
    return Extension(type=EXT_SERVER_NAME, data=_vec(b"\x00" + _vec(host.encode("ascii"), 2), 2))


def ext_supported_groups(groups: Sequence[int]) -> Extension:
    """supported_groups (named curves)."""
    return Extension(type=EXT_SUPPORTED_GROUPS, data=_vec(_uints(groups, 2), 2))


def ext_signature_algorithms(schemes: Sequence[int]) -> Extension:
    """signature_algorithms."""
    return Extension(type=EXT_SIGNATURE_ALGORITHMS, data=_vec(_uints(schemes, 2), 2))


def ext_supported_versions(versions: Sequence[int], *, server: bool = False) -> Extension:
    """supported_versions: the client's list, or the server's single selected version."""
    data = _uints(versions[:1], 2) if server else _vec(_uints(versions, 2), 1)
    return Extension(type=EXT_SUPPORTED_VERSIONS, data=data)


def ext_key_share(shares: Sequence[tuple[int, bytes]], *, server: bool = False, retry: bool = False) -> Extension:
    """key_share: client shares, the server's one share, or an HRR's bare group (``retry``)."""
    if retry:
        return Extension(type=EXT_KEY_SHARE, data=shares[0][0].to_bytes(2, "big"))
    body = b"".join(g.to_bytes(2, "big") + _vec(k, 2) for g, k in shares)
    return Extension(type=EXT_KEY_SHARE, data=body if server else _vec(body, 2))


def ext_alpn(protocols: Sequence[str]) -> Extension:
    """application_layer_protocol_negotiation."""
    return Extension(type=EXT_ALPN, data=_vec(b"".join(_vec(p.encode("latin-1"), 1) for p in protocols), 2))


def ext_renegotiation_info() -> Extension:
    """An initial handshake's empty renegotiation_info (RFC 5746)."""
    return Extension(type=EXT_RENEGOTIATION_INFO, data=b"\x00")
