"""SM2 curve arithmetic (GB/T 32918.5 recommended curve) for what no library here offers.

`cryptography` has no SM2 curve and gmssl keeps its point arithmetic private, so this module holds
the short affine arithmetic needed for key generation, the RFC 8998 curveSM2 key share and the
GM/T 0009 user hash Z_A; signatures themselves are made and verified with gmssl (kat.py), which
cross-checks this arithmetic every time a round trip runs. Not constant-time: for probes and
self-tests, never for protecting keys.
"""

from __future__ import annotations

import secrets
from functools import cache

from cryptography.hazmat.primitives import hashes

__all__ = ["P", "A", "B", "N", "G", "DEFAULT_ID", "Point", "add", "multiply", "public_key", "generate_private_key",
           "encode_point", "decode_point", "user_hash", "message_digest", "verify"]

P = int("FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFF", 16)
A = P - 3
B = int("28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93", 16)
N = int("FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123", 16)
G = (int("32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7", 16),
     int("BC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0", 16))
#: GM/T 0009 default user ID for certificate and ordinary signatures.
DEFAULT_ID = b"1234567812345678"

Point = tuple[int, int] | None  # None is the point at infinity


def add(p: Point, q: Point) -> Point:
    """Point addition on the SM2 curve (affine coordinates)."""
    if p is None:
        return q
    if q is None:
        return p
    if p[0] == q[0] and (p[1] + q[1]) % P == 0:
        return None
    if p == q:
        slope = (3 * p[0] * p[0] + A) * pow(2 * p[1], -1, P) % P
    else:
        slope = (q[1] - p[1]) * pow(q[0] - p[0], -1, P) % P
    x = (slope * slope - p[0] - q[0]) % P
    return x, (slope * (p[0] - x) - p[1]) % P


def _double(x: int, y: int, z: int) -> tuple[int, int, int]:
    """Jacobian doubling for a = -3 (dbl-2001-b)."""
    delta, gamma = z * z % P, y * y % P
    beta = x * gamma % P
    alpha = 3 * (x - delta) * (x + delta) % P
    x3 = (alpha * alpha - 8 * beta) % P
    z3 = ((y + z) * (y + z) - gamma - delta) % P
    return x3, (alpha * (4 * beta - x3) - 8 * gamma * gamma) % P, z3


def _add_affine(x1: int, y1: int, z1: int, x2: int, y2: int) -> tuple[int, int, int]:
    """Jacobian + affine addition (madd-2004-hmv); the caller handles the point at infinity."""
    z1z1 = z1 * z1 % P
    h = (x2 * z1z1 - x1) % P
    r = (y2 * z1 * z1z1 - y1) % P
    if h == 0:
        return _double(x1, y1, z1) if r == 0 else (1, 1, 0)
    hh = h * h % P
    hhh, v = h * hh % P, x1 * hh % P
    x3 = (r * r - hhh - 2 * v) % P
    return x3, (r * (v - x3) - y1 * hhh) % P, z1 * h % P


@cache
def _base_table() -> tuple[tuple[tuple[int, int], ...], ...]:
    """j · 16^i · G for i < 64, 1 <= j <= 15 (affine): fixed-base multiplication by 4-bit windows."""
    rows = []
    base: Point = G
    for _ in range(64):
        row: list[tuple[int, int]] = []
        point: Point = None
        for _ in range(15):
            point = add(point, base)
            assert point is not None
            row.append(point)
        rows.append(tuple(row))
        base = add(row[-1], base)
    return tuple(rows)


def _multiply_base(k: int) -> Point:
    acc: tuple[int, int, int] | None = None
    for i, row in enumerate(_base_table()):
        nibble = (k >> (4 * i)) & 15
        if not nibble:
            continue
        x2, y2 = row[nibble - 1]
        acc = (x2, y2, 1) if acc is None or acc[2] == 0 else _add_affine(*acc, x2, y2)
    if acc is None or acc[2] == 0:
        return None
    zinv = pow(acc[2], -1, P)
    return acc[0] * zinv * zinv % P, acc[1] * zinv * zinv * zinv % P


def multiply(k: int, point: Point = G) -> Point:
    """k · point: by 4-bit windows over a precomputed table for G, else double-and-add in
    Jacobian coordinates (one inversion at the end)."""
    k %= N
    if point is None or k == 0:
        return None
    if point == G:
        return _multiply_base(k)
    x, y, z = point[0], point[1], 1
    for bit in bin(k)[3:]:
        x, y, z = _double(x, y, z)
        if bit == "1":
            x, y, z = _add_affine(x, y, z, point[0], point[1])
        if z == 0:
            return None
    if z == 0:
        return None
    zinv = pow(z, -1, P)
    return x * zinv * zinv % P, y * zinv * zinv * zinv % P


def generate_private_key() -> int:
    """A random private key d in [1, n-2] (GB/T 32918.1 6.1)."""
    return secrets.randbelow(N - 2) + 1


def public_key(d: int) -> tuple[int, int]:
    """The public point d·G."""
    point = multiply(d)
    if point is None:
        raise ValueError("private key is a multiple of the group order")
    return point


def encode_point(point: tuple[int, int]) -> bytes:
    """Uncompressed encoding 04 ‖ X ‖ Y (65 bytes), as RFC 8998 key shares carry it."""
    return b"\x04" + point[0].to_bytes(32, "big") + point[1].to_bytes(32, "big")


def decode_point(data: bytes) -> tuple[int, int]:
    """Decode an uncompressed point and check that it lies on the curve."""
    if len(data) != 65 or data[0] != 4:
        raise ValueError("not an uncompressed SM2 point")
    x, y = int.from_bytes(data[1:33], "big"), int.from_bytes(data[33:], "big")
    if x >= P or y >= P or (y * y - x * x * x - A * x - B) % P:
        raise ValueError("point is not on the SM2 curve")
    return x, y


def _sm3(data: bytes) -> bytes:
    # cryptography's SM3 (its wheels bundle an OpenSSL with SM3): hashlib has "sm3" only where the
    # system OpenSSL was built with it, which some distributions' builds are not
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize()


def user_hash(public: tuple[int, int], user_id: bytes = DEFAULT_ID) -> bytes:
    """Z_A = SM3(ENTL_A ‖ ID_A ‖ a ‖ b ‖ x_G ‖ y_G ‖ x_A ‖ y_A) (GB/T 32918.2 5.5)."""
    entl = (len(user_id) * 8).to_bytes(2, "big")
    parts = [A, B, G[0], G[1], public[0], public[1]]
    return _sm3(entl + user_id + b"".join(v.to_bytes(32, "big") for v in parts))


def message_digest(public: tuple[int, int], message: bytes, user_id: bytes = DEFAULT_ID) -> bytes:
    """e = SM3(Z_A ‖ M), the value an SM2 signature signs."""
    return _sm3(user_hash(public, user_id) + message)


def verify(public: tuple[int, int], message: bytes, signature: bytes, user_id: bytes = DEFAULT_ID) -> bool:
    """GB/T 32918.2 7.1 verification of r ‖ s with this module's arithmetic (fast enough for
    probes; kat.sm2_verify is the gmssl path the known-answer tests use, and tests compare both)."""
    if len(signature) != 64:
        return False
    r, s = int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
    if not (0 < r < N and 0 < s < N):
        return False
    t = (r + s) % N
    if t == 0:
        return False
    point = add(multiply(s), multiply(t, public))
    if point is None:
        return False
    e = int.from_bytes(message_digest(public, message, user_id), "big")
    return (e + point[0]) % N == r
