"""The client side of the SSH key exchanges the probe can complete, far enough to compute the
exchange hash H that the server's host key signs (RFC 4253 8): X25519 (RFC 8731), ECDH on the NIST
curves (RFC 5656 4, 6.2) and Diffie-Hellman over the RFC 3526 MODP groups 14/16/18 (RFC 8268,
RFC 4253 8). The arithmetic is `cryptography`'s; only the SSH encoding is written here, as no
well-kept Python library exposes an SSH key exchange without a whole SSH client (review R16d F7).

Not here: diffie-hellman-group-exchange-* (RFC 4419: the server picks the group, one more round
trip) and the SM2 key exchanges of vendor SSH stacks (no published wire format): a server offering
only those gets no host-key verdict, and says so."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from functools import cache

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, x25519

__all__ = ["KEX_METHODS", "KexClient", "modp_prime", "ssh_string", "ssh_mpint", "read_string"]

#: name -> (family, parameter, hash): the client's preference order when the server offers several.
KEX_METHODS: dict[str, tuple[str, object, str]] = {
    "curve25519-sha256": ("x25519", None, "sha256"),
    "curve25519-sha256@libssh.org": ("x25519", None, "sha256"),
    "ecdh-sha2-nistp256": ("ecdh", ec.SECP256R1(), "sha256"),
    "ecdh-sha2-nistp384": ("ecdh", ec.SECP384R1(), "sha384"),
    "ecdh-sha2-nistp521": ("ecdh", ec.SECP521R1(), "sha512"),
    "diffie-hellman-group14-sha256": ("dh", 2048, "sha256"),
    "diffie-hellman-group16-sha512": ("dh", 4096, "sha512"),
    "diffie-hellman-group18-sha512": ("dh", 8192, "sha512"),
    "diffie-hellman-group14-sha1": ("dh", 2048, "sha1"),
}

#: RFC 3526: p = 2^N - 2^(N-64) - 1 + 2^64 * (floor(2^(N-130) * pi) + k), generator 2.
_MODP_K = {2048: 124476, 4096: 240904, 8192: 4743158}


def _pi_scaled(bits: int) -> int:
    """floor(pi * 2^bits), by Machin's formula in integers (64 guard bits)."""
    one = 1 << (bits + 64)

    def arctan_inv(x: int) -> int:
        total = term = one // x
        n, sign = 3, -1
        while term:
            term //= x * x
            total += sign * (term // n)
            n, sign = n + 2, -sign
        return total

    return (16 * arctan_inv(5) - 4 * arctan_inv(239)) >> 64


@cache
def modp_prime(bits: int) -> int:
    """The RFC 3526 MODP group prime of ``bits`` (2048: group 14, 4096: 16, 8192: 18)."""
    return (1 << bits) - (1 << (bits - 64)) - 1 + (1 << 64) * (_pi_scaled(bits - 130) + _MODP_K[bits])


def _unsigned(value: int) -> bytes:
    return value.to_bytes((value.bit_length() + 7) // 8, "big")


def ssh_string(data: bytes) -> bytes:
    """RFC 4251 5 string."""
    return len(data).to_bytes(4, "big") + data


def ssh_mpint(value: bytes) -> bytes:
    """RFC 4251 5 mpint of a non-negative big-endian integer."""
    value = value.lstrip(b"\x00")
    return ssh_string(b"\x00" + value if value and value[0] & 0x80 else value)


def read_string(data: bytes, pos: int) -> tuple[bytes, int]:
    """An RFC 4251 string at ``pos``: (its bytes, the position after it); ValueError when cut short."""
    if pos + 4 > len(data):
        raise ValueError("数据不完整")
    end = pos + 4 + int.from_bytes(data[pos:pos + 4], "big")
    if end > len(data):
        raise ValueError("数据不完整")
    return data[pos + 4:end], end


@dataclass
class KexClient:
    """One key exchange of ``name`` (a KEX_METHODS key): the client's public value, then, from the
    server's reply (message 31 of each method), the host key blob, signature blob and H."""

    name: str

    def __post_init__(self) -> None:
        family, parameter, self._hash = KEX_METHODS[self.name]
        self._family = family
        if family == "x25519":
            self._x = x25519.X25519PrivateKey.generate()
            self.public = ssh_string(self._x.public_key().public_bytes(serialization.Encoding.Raw,
                                                                       serialization.PublicFormat.Raw))
        elif family == "ecdh":
            assert isinstance(parameter, ec.EllipticCurve)
            self._ec = ec.generate_private_key(parameter)
            self.public = ssh_string(self._ec.public_key().public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint))
        else:
            # finite-field DH by pow(): cryptography deprecates its FFDH API (50.0 warns on every use),
            # and an ephemeral probe key needs no more than modular exponentiation. The exponent has
            # 512 bits, over twice the strength of the largest group (RFC 8268 3, RFC 3526 8)
            assert isinstance(parameter, int)
            self._p = modp_prime(parameter)
            self._x_dh = secrets.randbits(512) | (1 << 511)
            self.public = ssh_mpint(_unsigned(pow(2, self._x_dh, self._p)))

    def init_payload(self) -> bytes:
        """SSH_MSG_KEX_ECDH_INIT / SSH_MSG_KEXDH_INIT (both 30) with the client's public value."""
        return bytes([30]) + self.public

    def reply(self, v_c: bytes, v_s: bytes, i_c: bytes, i_s: bytes, payload: bytes) -> tuple[bytes, bytes, bytes]:
        """(K_S, signature blob, H) of the server's reply; ValueError when it cannot be read."""
        k_s, pos = read_string(payload, 1)
        q_s, pos = read_string(payload, pos)  # Q_S (ECDH: a string) or f (DH: an mpint, the same framing)
        blob, _ = read_string(payload, pos)
        if self._family == "x25519":
            shared = self._x.exchange(x25519.X25519PublicKey.from_public_bytes(q_s))
        elif self._family == "ecdh":
            peer = ec.EllipticCurvePublicKey.from_encoded_point(self._ec.curve, q_s)
            shared = self._ec.exchange(ec.ECDH(), peer)
        else:
            f = int.from_bytes(q_s, "big")
            if not 1 < f < self._p - 1:  # RFC 4253 8: f outside [1, p-1] is refused (and 1, p-1: RFC 8268 4)
                raise ValueError("服务端DH公钥f超出范围")
            shared = _unsigned(pow(f, self._x_dh, self._p))
        q_s_field = ssh_mpint(q_s) if self._family == "dh" else ssh_string(q_s)
        h = hashlib.new(self._hash, ssh_string(v_c) + ssh_string(v_s) + ssh_string(i_c) + ssh_string(i_s)
                        + ssh_string(k_s) + self.public + q_s_field + ssh_mpint(shared)).digest()
        return k_s, blob, h
