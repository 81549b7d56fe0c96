"""SSH wire decoding (RFC 4253): the identification banner, unencrypted binary packets, KEXINIT
name-lists and the server host key of the first key-exchange reply, with the encoders probes need.

``ssh_session_facts(client, server)`` gives ssh.log-like facts of one connection from both byte
streams: banners, protocol version, the algorithms negotiated per RFC 4253 7.1 and the host key
fingerprint. Pure functions of bytes: malformed input raises ParseError only.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass, fields

from govsoc.collectors.protocols.wire import Reader
from govsoc.core.errors import Location, ParseError

__all__ = ["SshBanner", "KexInit", "SshSessionFacts", "MSG_KEXINIT", "MAX_PACKET",
           "parse_banner", "split_banner", "parse_packets", "parse_kexinit", "negotiate",
           "ssh_session_facts", "encode_banner", "encode_packet", "encode_kexinit"]

MSG_KEXINIT = 20
_MSG_KEX_REPLY = 31  # SSH_MSG_KEXDH_REPLY / KEX_ECDH_REPLY, or KEX_DH_GEX_GROUP under group exchange
_MSG_GEX_REPLY = 33
#: RFC 4253 6.1 requires 35000-byte packets to be accepted; OpenSSH allows 256 KiB.
MAX_PACKET = 256 * 1024
#: Lines a server may send before its identification string (RFC 4253 4.2), read at most.
_MAX_PRELUDE = 16 * 1024


@dataclass(frozen=True, slots=True, kw_only=True)
class SshBanner:
    """The identification string ``SSH-protoversion-softwareversion SP comments``."""

    proto_version: str
    software: str
    comments: str | None

    def __str__(self) -> str:
        text = f"SSH-{self.proto_version}-{self.software}"
        return f"{text} {self.comments}" if self.comments is not None else text

    @property
    def ssh1(self) -> bool:
        """Whether the peer speaks SSH-1 (1.x; 1.99 means both 1 and 2)."""
        return self.proto_version.startswith("1.")

    @property
    def speaks_ssh2(self) -> bool:
        """Whether the peer speaks SSH-2 ("2.0", or "1.99" for both)."""
        return self.proto_version.startswith("2.") or self.proto_version == "1.99"


@dataclass(frozen=True, slots=True, kw_only=True)
class KexInit:
    """The ten name-lists of SSH_MSG_KEXINIT, in wire order."""

    cookie: bytes
    kex_algorithms: tuple[str, ...]
    server_host_key_algorithms: tuple[str, ...]
    encryption_client_to_server: tuple[str, ...]
    encryption_server_to_client: tuple[str, ...]
    mac_client_to_server: tuple[str, ...]
    mac_server_to_client: tuple[str, ...]
    compression_client_to_server: tuple[str, ...]
    compression_server_to_client: tuple[str, ...]
    languages_client_to_server: tuple[str, ...]
    languages_server_to_client: tuple[str, ...]
    first_kex_packet_follows: bool = False


_NAME_LISTS = tuple(f.name for f in fields(KexInit))[1:11]


@dataclass(frozen=True, slots=True, kw_only=True)
class SshSessionFacts:
    """ssh.log-like facts of one connection (None = not seen in the bytes given)."""

    client: SshBanner | None
    server: SshBanner | None
    version: int | None
    client_kexinit: KexInit | None
    server_kexinit: KexInit | None
    kex_alg: str | None
    host_key_alg: str | None
    cipher_alg: str | None
    mac_alg: str | None
    compression_alg: str | None
    host_key: str | None  # MD5 fingerprint of the host key blob, colon-separated as Zeek prints it
    host_key_blob: bytes | None


def _fail(message: str, what: str) -> ParseError:
    return ParseError(message, location=Location(field=what))


def parse_banner(line: bytes) -> SshBanner:
    """Decode one identification line (with or without its CR LF)."""
    text = line.rstrip(b"\r\n")
    if not text.startswith(b"SSH-") or len(text) > 255:
        raise _fail("not an SSH identification string", "ssh.banner")
    try:
        decoded = text.decode("ascii")
    except UnicodeDecodeError:
        raise _fail("identification string is not ASCII", "ssh.banner") from None
    ident, _, comments = decoded.partition(" ")
    parts = ident.split("-", 2)
    if len(parts) != 3 or not parts[1] or not parts[2]:
        raise _fail("identification string lacks protoversion or softwareversion", "ssh.banner")
    return SshBanner(proto_version=parts[1], software=parts[2], comments=comments if " " in decoded else None)


def split_banner(stream: bytes) -> tuple[SshBanner | None, bytes]:
    """The banner of a stream (skipping pre-banner lines) and the bytes after it; (None, b"") when
    the stream ends before a complete banner line."""
    pos = 0
    while pos < len(stream):
        end = stream.find(b"\n", pos)
        if end < 0:
            if len(stream) - pos > 255 or pos > _MAX_PRELUDE:
                raise _fail("no SSH identification string", "ssh.banner")
            return None, b""
        if stream.startswith(b"SSH-", pos):
            return parse_banner(stream[pos:end + 1]), stream[end + 1:]
        pos = end + 1
        if pos > _MAX_PRELUDE:
            break
    if pos > _MAX_PRELUDE:
        raise _fail("no SSH identification string", "ssh.banner")
    return None, b""


def parse_packets(data: bytes, limit: int = 8) -> tuple[list[bytes], bytes]:
    """Payloads of up to ``limit`` unencrypted binary packets and the unread rest."""
    payloads: list[bytes] = []
    pos = 0
    while len(payloads) < limit and len(data) - pos >= 5:
        length, padding = int.from_bytes(data[pos:pos + 4], "big"), data[pos + 4]
        if length > MAX_PACKET or padding < 4 or padding + 1 > length:
            raise _fail(f"implausible packet (length {length}, padding {padding}) at byte {pos}", "ssh.packet")
        if len(data) - pos - 4 < length:
            break
        payloads.append(data[pos + 5:pos + 4 + length - padding])
        pos += 4 + length
    return payloads, data[pos:]


def _name_list(reader: Reader) -> tuple[str, ...]:
    raw = reader.vector(4)
    try:
        text = raw.decode("ascii")
    except UnicodeDecodeError:
        raise reader.fail("name-list is not ASCII") from None
    return tuple(text.split(",")) if text else ()


def parse_kexinit(payload: bytes) -> KexInit:
    """Decode an SSH_MSG_KEXINIT payload (message number first)."""
    r = Reader(payload, "ssh.kexinit")
    if r.uint(1) != MSG_KEXINIT:
        raise r.fail("not a KEXINIT message")
    cookie = r.take(16)
    lists = {name: _name_list(r) for name in _NAME_LISTS}
    follows = r.uint(1) != 0
    r.uint(4)  # reserved
    return KexInit(cookie=cookie, first_kex_packet_follows=follows, **lists)


def negotiate(client: Sequence[str], server: Sequence[str]) -> str | None:
    """RFC 4253 7.1: the first algorithm on the client's list that the server also supports."""
    offered = set(server)
    return next((name for name in client if name in offered), None)


def _host_key(payloads: list[bytes], kex: str | None) -> bytes | None:
    wanted = _MSG_GEX_REPLY if kex and "group-exchange" in kex else _MSG_KEX_REPLY
    for payload in payloads:
        if payload and payload[0] == wanted:
            r = Reader(payload[1:], "ssh.kex_reply")
            return r.vector(4, 1)
    return None


def _side(stream: bytes) -> tuple[SshBanner | None, KexInit | None, list[bytes]]:
    banner, rest = split_banner(stream)
    if banner is None or not banner.speaks_ssh2:
        return banner, None, []
    payloads, _ = parse_packets(rest)
    kexinit = next((parse_kexinit(p) for p in payloads if p and p[0] == MSG_KEXINIT), None)
    return banner, kexinit, payloads


def ssh_session_facts(client: bytes, server: bytes) -> SshSessionFacts:
    """Facts of one SSH connection from what the client and the server sent (either may be empty)."""
    c_banner, c_kex, _ = _side(client)
    s_banner, s_kex, s_payloads = _side(server)
    banners = [b for b in (c_banner, s_banner) if b is not None]
    version = (2 if all(b.speaks_ssh2 for b in banners) else 1) if banners else None
    chosen: dict[str, str | None] = dict.fromkeys(("kex", "host", "cipher", "mac", "comp"))
    if c_kex and s_kex:
        chosen = {
            "kex": negotiate(c_kex.kex_algorithms, s_kex.kex_algorithms),
            "host": negotiate(c_kex.server_host_key_algorithms, s_kex.server_host_key_algorithms),
            "cipher": negotiate(c_kex.encryption_client_to_server, s_kex.encryption_client_to_server),
            "mac": negotiate(c_kex.mac_client_to_server, s_kex.mac_client_to_server),
            "comp": negotiate(c_kex.compression_client_to_server, s_kex.compression_client_to_server),
        }
    blob = _host_key(s_payloads, chosen["kex"]) if s_payloads else None
    return SshSessionFacts(
        client=c_banner, server=s_banner, version=version, client_kexinit=c_kex, server_kexinit=s_kex,
        kex_alg=chosen["kex"], host_key_alg=chosen["host"], cipher_alg=chosen["cipher"], mac_alg=chosen["mac"],
        compression_alg=chosen["comp"], host_key_blob=blob,
        host_key=":".join(f"{b:02x}" for b in hashlib.md5(blob).digest()) if blob else None,  # noqa: S324 (Zeek's format)
    )


# ---------------------------------------------------------------- encoders


def encode_banner(software: str, comments: str | None = None, proto_version: str = "2.0") -> bytes:
    """An identification line with CR LF."""
    text = f"SSH-{proto_version}-{software}" + (f" {comments}" if comments is not None else "")
    return text.encode("ascii") + b"\r\n"


def encode_packet(payload: bytes, block: int = 8) -> bytes:
    """An unencrypted binary packet with random padding to a multiple of ``block`` (at least 4)."""
    padding = block - (len(payload) + 5) % block
    if padding < 4:
        padding += block
    length = len(payload) + padding + 1
    return length.to_bytes(4, "big") + bytes([padding]) + payload + os.urandom(padding)


def encode_kexinit(kexinit: KexInit) -> bytes:
    """An SSH_MSG_KEXINIT payload."""
    out = bytes([MSG_KEXINIT]) + kexinit.cookie
    for name in _NAME_LISTS:
        text = ",".join(getattr(kexinit, name)).encode("ascii")
        out += len(text).to_bytes(4, "big") + text
    return out + bytes([kexinit.first_kex_packet_follows]) + b"\x00\x00\x00\x00"
