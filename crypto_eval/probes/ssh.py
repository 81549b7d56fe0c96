"""SSH probe: the server's identification banner and its KEXINIT algorithm lists, with the weak
algorithms flagged (crypto_eval.algorithms.SSH_WEAK). SSH-1 (a 1.x banner other than 1.99) is a
deprecated technique on the high-risk list. "SSH-1.99" announces a server that speaks SSH-2 and
still accepts SSH-1 clients (RFC 4253 5.1): its channel is SSH-2 (judged on its KEXINIT, as the
passive check reads the same banner), with a note that SSH-1 should be switched off."""

from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import dataclass, replace

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from govsoc.collectors.protocols import ssh
from govsoc.collectors.protocols.x509 import is_dsa_key
from govsoc.core.errors import ParseError
from govsoc.crypto_eval.algorithms import Assessment, classify_ssh
from govsoc.crypto_eval.probes.connection import exchange
from govsoc.crypto_eval.probes.ssh_kex import KEX_METHODS, KexClient, read_string

__all__ = ["SshProbeResult", "probe_ssh", "probe_other_host_keys", "CLIENT_KEXINIT", "fingerprint_of",
           "HOST_KEY_FAMILIES", "identification_line"]

_CIPHERS = ("chacha20-poly1305@openssh.com", "aes128-ctr", "aes192-ctr", "aes256-ctr", "aes128-gcm@openssh.com",
            "aes256-gcm@openssh.com", "sm4-ctr", "sm4-gcm@openssh.com", "aes128-cbc", "aes256-cbc", "3des-cbc")
_MACS = ("hmac-sha2-256-etm@openssh.com", "hmac-sha2-512-etm@openssh.com", "hmac-sha2-256", "hmac-sha2-512",
         "hmac-sha1", "hmac-sm3", "umac-64@openssh.com", "umac-128@openssh.com")
#: The client offer. Servers send their own lists whatever we offer; ours asks for one key exchange
#: (X25519 first, RFC 8731; probe_ssh replaces the name), whose INIT is sent at once behind the
#: KEXINIT, so that the server's reply carries its host key and its signature over the exchange
#: hash H (RFC 4253 8), verified here.
CLIENT_KEXINIT = ssh.KexInit(
    cookie=bytes(16), kex_algorithms=("curve25519-sha256", "curve25519-sha256@libssh.org"),
    server_host_key_algorithms=("ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521",
                                "rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"),
    encryption_client_to_server=_CIPHERS, encryption_server_to_client=_CIPHERS,
    mac_client_to_server=_MACS, mac_server_to_client=_MACS,
    compression_client_to_server=("none",), compression_server_to_client=("none",),
    languages_client_to_server=(), languages_server_to_client=())

#: SSH_MSG_KEX_ECDH_REPLY and SSH_MSG_KEXDH_REPLY share the number (RFC 5656 7.1, RFC 4253 12)
MSG_KEX_ECDH_REPLY = 31


@dataclass(frozen=True, slots=True, kw_only=True)
class SshProbeResult:
    """The server's banner, algorithm lists and the weak algorithms among them."""

    endpoint: str
    reachable: bool
    speaks_ssh: bool
    banner: str | None = None
    ssh1: bool = False
    kexinit: ssh.KexInit | None = None
    weak: tuple[tuple[str, Assessment], ...] = ()  # (category, assessment)
    error: str | None = None
    #: True: the host key's signature over the exchange hash verified (RFC 4253 8); False: it did
    #: not (an impostor); None: no key exchange reply to check (no evidence of the server's key).
    host_key_verified: bool | None = None
    host_key_note: str | None = None  # what was verified, or why not
    host_key_fingerprint: str | None = None  # SHA256:<base64> of the verified host key (ssh-keygen -l)
    host_key_algorithm: str | None = None  # the signature algorithm of the verified host key (ssh-ed25519, ...)
    #: the verified host key's type and size (rsa 1024, ec 256, ed25519 256, dsa 1024)
    host_key_size: tuple[str, int] | None = None
    #: the server's other host keys (probe_other_host_keys): (algorithm, fingerprint), each verified
    other_host_keys: tuple[tuple[str, str], ...] = ()
    #: their types and sizes: (algorithm, key type, bits), in the order of other_host_keys
    other_host_key_sizes: tuple[tuple[str, str, int], ...] = ()
    #: the key exchange method the probe completed (ssh_kex.KEX_METHODS), None when none was
    kex_algorithm: str | None = None

    def algorithms(self) -> dict[str, tuple[str, ...]]:
        """category -> the server's list (kex, host_key, cipher, mac)."""
        k = self.kexinit
        if k is None:
            return {}
        return {"kex": tuple(a for a in k.kex_algorithms if not _marker(a)), "host_key": k.server_host_key_algorithms,
                "cipher": tuple(dict.fromkeys(k.encryption_server_to_client + k.encryption_client_to_server)),
                "mac": tuple(dict.fromkeys(k.mac_server_to_client + k.mac_client_to_server))}


def _marker(name: str) -> bool:
    """Pseudo-algorithms that signal extensions, not algorithms (strict kex, ext-info)."""
    return name.startswith(("kex-strict-", "ext-info-")) or name == "kex-strict-s-v00@openssh.com"


def _name(data: bytes) -> str:
    """An algorithm or key type name: US-ASCII (RFC 4251 6), a byte outside it shown as ``\\xNN``."""
    return data.decode("ascii", "backslashreplace")


def _enough(data: bytes) -> bool:
    """Enough when the KEXINIT and the KEX_ECDH_REPLY (or anything after the KEXINIT) arrived."""
    try:
        banner, rest = ssh.split_banner(data)
    except ParseError:
        return True
    if banner is None:
        return False
    if not banner.speaks_ssh2:
        return True
    try:
        payloads, _ = ssh.parse_packets(rest, limit=2)
    except ParseError:
        return True
    return len(payloads) >= 2


def _key_size(key: object) -> tuple[str, int]:
    """A host key's type and size in bits, as classify_key names them."""
    if isinstance(key, rsa.RSAPublicKey):
        return "rsa", key.key_size
    if isinstance(key, ec.EllipticCurvePublicKey):
        return "ec", key.curve.key_size
    if isinstance(key, ed25519.Ed25519PublicKey):
        return "ed25519", 256
    if is_dsa_key(key):
        return "dsa", key.key_size
    return type(key).__name__, 0


def _verify_host_key(v_c: bytes, v_s: bytes, i_c: bytes, i_s: bytes, kex: KexClient,
                     reply: bytes) -> tuple[bool, str, str | None, tuple[str, int] | None]:
    """Check the server's key exchange reply (RFC 4253 8, RFC 5656 4, RFC 8731): the exchange hash H
    of ``kex`` and the host key's signature over H: (verified, what, the key's fingerprint and its
    type and size when verified)."""
    try:
        k_s, blob, h = kex.reply(v_c, v_s, i_c, i_s, reply)
        algorithm, after = read_string(blob, 0)
        signature, _ = read_string(blob, after)
        key_type, _ = read_string(k_s, 0)
    except ValueError as e:
        return False, f"{kex.name} 密钥交换应答格式错误（{e}）", None, None
    try:
        key = serialization.load_ssh_public_key(key_type + b" " + base64.b64encode(k_s))
    except (ValueError, UnsupportedAlgorithm) as e:
        return False, f"无法读取主机密钥 {_name(key_type)}（{e}）", None, None
    name = _name(algorithm)
    try:
        if isinstance(key, ed25519.Ed25519PublicKey) and name == "ssh-ed25519":
            key.verify(signature, h)
        elif isinstance(key, ec.EllipticCurvePublicKey) and name.startswith("ecdsa-sha2-"):
            r, after = read_string(signature, 0)
            s_, _ = read_string(signature, after)
            digest = {256: hashes.SHA256(), 384: hashes.SHA384(), 521: hashes.SHA512()}[key.curve.key_size]
            key.verify(encode_dss_signature(int.from_bytes(r, "big"), int.from_bytes(s_, "big")), h,
                       ec.ECDSA(digest))
        elif isinstance(key, rsa.RSAPublicKey) and name in ("rsa-sha2-256", "rsa-sha2-512", "ssh-rsa"):
            digest_rsa = {"rsa-sha2-256": hashes.SHA256(), "rsa-sha2-512": hashes.SHA512()}.get(name, hashes.SHA1())
            key.verify(signature, h, padding.PKCS1v15(), digest_rsa)
        else:
            return False, f"签名算法与主机密钥不匹配：{name} / {_name(key_type)}", None, None
    except (InvalidSignature, ValueError, KeyError):
        return False, f"{name} 对交换哈希的签名验证失败", None, None
    size = _key_size(key)
    return True, f"{name} 主机密钥（{size[0]} {size[1]} 位）{fingerprint_of(k_s)}", fingerprint_of(k_s), size


def identification_line(head: bytes) -> bytes:
    """V_S of the exchange hash: the server's identification string as sent, without CR LF (RFC 4253
    4.2, 8), i.e. the first line that starts with "SSH-" (lines before it are other text). Not the
    last "SSH-" of the head: a comment such as OpenSSH's ``VersionAddendum corp-SSH-gateway`` holds
    one, and a V_S cut there fails a genuine server's signature (review R16d F8)."""
    return next((line.rstrip(b"\r") for line in head.split(b"\n") if line.startswith(b"SSH-")), b"")


def fingerprint_of(key_blob: bytes) -> str:
    """A host key's fingerprint as ssh-keygen -l prints it: SHA256: and unpadded base64."""
    return "SHA256:" + base64.b64encode(hashlib.sha256(key_blob).digest()).decode().rstrip("=")


#: Host-key algorithms by key type (RFC 4253 6.6, RFC 5656, RFC 8709, RFC 8332): offering one family
#: alone makes a server with several host keys sign with that key (what a client does whose
#: known_hosts holds that key type).
HOST_KEY_FAMILIES = (("ssh-ed25519",), ("ecdsa-sha2-nistp256",), ("ecdsa-sha2-nistp384",), ("ecdsa-sha2-nistp521",),
                     ("rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"))


async def probe_other_host_keys(host: str, port: int, first: SshProbeResult, *,
                                timeout: float = 3.0) -> SshProbeResult:
    """``first`` with the server's host keys of the other types its KEXINIT lists than the one it
    verified, one key exchange each offering that type alone (other_host_keys, other_host_key_sizes)."""
    offered = set(first.kexinit.server_host_key_algorithms) if first.kexinit is not None else set()
    found: list[tuple[str, str]] = []
    sizes: list[tuple[str, str, int]] = []
    for family in HOST_KEY_FAMILIES:
        if first.host_key_algorithm in family or not offered & set(family):
            continue
        other = await probe_ssh(host, port, timeout=timeout, host_key_algorithms=family, kex=first.kex_algorithm)
        if other.host_key_verified is True and other.host_key_fingerprint and other.host_key_algorithm:
            found.append((other.host_key_algorithm, other.host_key_fingerprint))
            if other.host_key_size is not None:
                sizes.append((other.host_key_algorithm, *other.host_key_size))
    return replace(first, other_host_keys=tuple(found), other_host_key_sizes=tuple(sizes))


#: The X25519 names, asked first: one key exchange, most servers (RFC 8731).
_FIRST_KEX = ("curve25519-sha256", "curve25519-sha256@libssh.org")


async def probe_ssh(host: str, port: int, *, timeout: float = 3.0,
                    host_key_algorithms: tuple[str, ...] | None = None, kex: str | None = None) -> SshProbeResult:
    """Read the banner and the server's KEXINIT (after sending ours), and do a key exchange far
    enough to verify the host key's signature over the exchange hash (with the host key of one of
    ``host_key_algorithms`` when given, else of any type ours lists). ``kex`` names the method;
    without it X25519 is asked first, and a server that does not offer it is asked again with the
    first method of ssh_kex.KEX_METHODS its KEXINIT lists (review R16d F7: servers without
    curve25519 were never authenticated)."""
    first = await _probe_once(host, port, timeout, host_key_algorithms, kex or _FIRST_KEX[0])
    offered = first.kexinit.kex_algorithms if first.kexinit is not None else ()
    if kex is not None or first.host_key_verified is not None or first.kexinit is None:
        return first
    if set(_FIRST_KEX) & set(offered):  # offered and not answered: nothing else to try
        return first
    other = next((name for name in KEX_METHODS if name in offered), None)
    if other is None:  # nothing this probe can complete: the host key cannot be read, say why
        return replace(first, host_key_note=(
            f"服务端仅提供本探测无法完成的密钥交换（{', '.join(a for a in offered if not _marker(a))}；"
            f"本探测支持 {', '.join(KEX_METHODS)}）：无法取得并验证服务端主机密钥"))
    return await _probe_once(host, port, timeout, host_key_algorithms, other)


async def _probe_once(host: str, port: int, timeout: float, host_key_algorithms: tuple[str, ...] | None,
                      kex_name: str) -> SshProbeResult:
    """One connection: our KEXINIT offering ``kex_name`` alone (both X25519 spellings for X25519), its
    INIT sent behind it (the method is fixed by our single offer), and the server's reply checked."""
    endpoint = f"{host}:{port}"
    names = _FIRST_KEX if kex_name in _FIRST_KEX else (kex_name,)
    kexinit = replace(CLIENT_KEXINIT, cookie=os.urandom(16), kex_algorithms=names)
    if host_key_algorithms is not None:
        kexinit = replace(kexinit, server_host_key_algorithms=host_key_algorithms)
    client = KexClient(kex_name)
    v_c_line = ssh.encode_banner("govsoc_probe")
    i_c = ssh.encode_kexinit(kexinit)
    ours = v_c_line + ssh.encode_packet(i_c) + ssh.encode_packet(client.init_payload())
    answer = await exchange(host, port, ours, timeout=timeout, enough=_enough)
    if not answer.connected:
        return SshProbeResult(endpoint=endpoint, reachable=False, speaks_ssh=False, error=answer.error)
    try:
        banner, rest = ssh.split_banner(answer.received)
        if banner is None:
            return SshProbeResult(endpoint=endpoint, reachable=True, speaks_ssh=False, error="no SSH banner")
        payloads, _ = ssh.parse_packets(rest, limit=2) if banner.speaks_ssh2 else ([], b"")
        server_kexinit = ssh.parse_kexinit(payloads[0]) if payloads else None
    except ParseError as e:
        return SshProbeResult(endpoint=endpoint, reachable=True, speaks_ssh=False, error=str(e))
    verified: bool | None = None
    shown: str | None = None
    size: tuple[str, int] | None = None
    note = f"未收到密钥交换应答：服务端未完成 {kex_name} 密钥交换"
    if server_kexinit is not None and len(payloads) > 1 and payloads[1][:1] == bytes([MSG_KEX_ECDH_REPLY]):
        v_s = identification_line(answer.received[:len(answer.received) - len(rest)])
        verified, note, shown, size = _verify_host_key(v_c_line.rstrip(b"\r\n"), v_s, i_c, payloads[0], client,
                                                       payloads[1])
    result = SshProbeResult(endpoint=endpoint, reachable=True, speaks_ssh=True, banner=str(banner),
                            ssh1=not banner.speaks_ssh2, kexinit=server_kexinit)
    weak = tuple((category, verdict) for category, names in result.algorithms().items() for name in names
                 if (verdict := classify_ssh(name)).klass == "weak")
    return SshProbeResult(endpoint=endpoint, reachable=True, speaks_ssh=True, banner=str(banner), ssh1=result.ssh1,
                          kexinit=server_kexinit, weak=weak, host_key_verified=verified, host_key_note=note,
                          host_key_fingerprint=shown, host_key_algorithm=note.split(" ", 1)[0] if shown else None,
                          host_key_size=size, kex_algorithm=kex_name if verified is not None else None)
