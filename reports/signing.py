"""Report integrity (issue 18): an SM3 digest and an SM2 signature of every report file, in a
detached JSON signature file beside it, made with the administrator's key and checked against
trusted public keys.

Algorithms: SM3 (GB/T 32905) through ``cryptography`` (a core dependency; its wheels bundle an
OpenSSL with SM3); SM2 signatures (GB/T 32918.2, user ID "1234567812345678" per GM/T 0009, the
signature DER-encoded as GM/T 0009 SEQUENCE{r, s}) through **gmssl** (pure Python, a core
dependency so that a plain ``pip install .`` signs), with Z_A, key generation and public keys from
crypto_eval.sm2. Key files are the PKCS#8 / SubjectPublicKeyInfo PEM that OpenSSL 3 writes for SM2
(``openssl genpkey -algorithm SM2``), so OpenSSL reads ours and we read its.

What is signed is not only the file: the signature covers the canonical JSON of every field of
the signature file but the signature itself (format, file name, size, SM3 digest, signer, time,
public key, user ID). So a changed report (digest), a changed signature file (any field, or the
signature) and a signature by a key that is not trusted each fail ``verify_report`` with their
own message. The private key is never printed; it is written 0600 in a 0700 folder, encrypted
when ``GOVSOC_KEY_PASSPHRASE`` is set (PKCS#8 PBES2: SM4-CBC under a PBKDF2-HMAC-SHA256 key, the
form ``openssl pkcs8 -topk8 -v2 sm4-cbc`` writes; OpenSSL 3.0 has no hmacWithSM3 PRF for PBES2, so
SM3 there would make a key OpenSSL cannot read), and then signing needs the same passphrase: from
that variable, or from the file ``GOVSOC_KEY_PASSPHRASE_FILE`` names (0600 or tighter), never from
an argument (argv is public).

Reports are published with their signatures (reports.publish): an unusable key (none, wrong
passphrase, corrupt, readable by others, revoked) leaves no report behind, and a report is never
seen without the signature made for it.

    <data dir>/keys/report-signing.key      PKCS#8 PEM, 0600
    <data dir>/keys/report-signing.pub      SubjectPublicKeyInfo PEM (trusted: reports.trust)
    <data dir>/keys/report-signing.json     signer name, key id, creation time
    <data dir>/keys/trusted/*.pub           further trusted keys (a replaced key's public half)
    <data dir>/keys/revoked.txt             revoked key ids (reports.trust)
    report.html.sig                         the signature file of report.html
"""

from __future__ import annotations

import base64
import getpass
import json
import os
import socket
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cryptography.hazmat.primitives import hashes, padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

from govsoc.core.errors import ConfigError, ReportError
from govsoc.core.results import write_file
from govsoc.crypto_eval import kat, sm2

if TYPE_CHECKING:
    from collections.abc import Mapping

    from govsoc.reports.trust import Revocation, TrustedKey

__all__ = ["SigningKey", "Verification", "init_key", "load_key", "sign_report", "sign_file", "verify_report",
           "read_public_key", "signature_path", "key_id", "sm3_hex", "KEY_FILE", "PUBLIC_FILE",
           "SIGNATURE_SUFFIX", "FORMAT", "META_FILE", "key_folder", "PASSPHRASE_ENV", "PASSPHRASE_FILE_ENV",
           "env_passphrase", "signature_text", "require_key"]

KEY_FILE, PUBLIC_FILE, META_FILE = "report-signing.key", "report-signing.pub", "report-signing.json"
SIGNATURE_SUFFIX = ".sig"
FORMAT = "govsoc-report-signature/1"
ALGORITHM = "SM2-with-SM3"
_FIELDS = ("format", "file", "size", "digest_algorithm", "digest", "algorithm", "user_id", "public_key", "key_id",
           "signer", "time", "signature")
_OID_EC_PUBLIC_KEY = bytes.fromhex("06072a8648ce3d0201")  # 1.2.840.10045.2.1
_OID_SM2 = bytes.fromhex("06082a811ccf5501822d")           # 1.2.156.10197.1.301
_OID_PBES2 = bytes.fromhex("06092a864886f70d01050d")       # 1.2.840.113549.1.5.13
_OID_PBKDF2 = bytes.fromhex("06092a864886f70d01050c")      # 1.2.840.113549.1.5.12
_OID_HMAC_SHA256 = bytes.fromhex("06082a864886f70d0209")   # 1.2.840.113549.2.9
_OID_SM4_CBC = bytes.fromhex("06082a811ccf55016802")       # 1.2.156.10197.1.104.2
#: The environment variable holding the signing key's passphrase (never an argument: argv is public).
PASSPHRASE_ENV = "GOVSOC_KEY_PASSPHRASE"
#: Or the environment variable naming a file that holds it (0600 or tighter; one line).
PASSPHRASE_FILE_ENV = "GOVSOC_KEY_PASSPHRASE_FILE"
_ITERATIONS = 200_000


def sm3_hex(data: bytes) -> str:
    """SM3 of ``data`` as hex (OpenSSL's SM3 through cryptography)."""
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize().hex()


def key_id(public: tuple[int, int]) -> str:
    """A short name of a public key: the first 16 bytes of SM3 over 04 ‖ X ‖ Y, in hex."""
    return sm3_hex(sm2.encode_point(public))[:32]


# --- DER, as far as PKCS#8, SubjectPublicKeyInfo and GM/T 0009 signatures need it ----------------------

def _tlv(tag: int, body: bytes) -> bytes:
    n = len(body)
    width = (n.bit_length() + 7) // 8
    size = bytes([n]) if n < 0x80 else bytes([0x80 | width]) + n.to_bytes(width, "big")
    return bytes([tag]) + size + body


def _int(value: int) -> bytes:
    return _tlv(0x02, value.to_bytes(value.bit_length() // 8 + 1, "big"))


def _read(der: bytes, pos: int = 0) -> tuple[int, bytes, int]:
    """(tag, body, position after) of the element at ``pos``; ValueError when truncated."""
    if pos + 2 > len(der):
        raise ValueError("truncated DER")
    tag, first = der[pos], der[pos + 1]
    pos += 2
    if first & 0x80:
        count = first & 0x7F
        if count == 0 or count > 4 or pos + count > len(der):
            raise ValueError("bad DER length")
        length, pos = int.from_bytes(der[pos:pos + count], "big"), pos + count
    else:
        length = first
    if pos + length > len(der):
        raise ValueError("truncated DER")
    return tag, der[pos:pos + length], pos + length


def _children(body: bytes) -> list[tuple[int, bytes]]:
    out, pos = [], 0
    while pos < len(body):
        tag, value, pos = _read(body, pos)
        out.append((tag, value))
    return out


def _der_signature(raw: bytes) -> bytes:
    return _tlv(0x30, _int(int.from_bytes(raw[:32], "big")) + _int(int.from_bytes(raw[32:], "big")))


def _raw_signature(der: bytes) -> bytes:
    tag, body, end = _read(der)
    parts = _children(body) if tag == 0x30 and end == len(der) else []
    if len(parts) != 2 or any(t != 0x02 or not v or v[0] & 0x80 for t, v in parts):
        raise ValueError("not a GM/T 0009 SM2 signature (SEQUENCE of two INTEGERs)")
    r, s = (int.from_bytes(v, "big") for _, v in parts)
    if not (0 < r < sm2.N and 0 < s < sm2.N):
        raise ValueError("signature values out of range")
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")


def _pem(label: str, der: bytes) -> str:
    text = base64.encodebytes(der).decode("ascii").replace("\n", "")
    lines = [text[i:i + 64] for i in range(0, len(text), 64)]
    return f"-----BEGIN {label}-----\n" + "\n".join(lines) + f"\n-----END {label}-----\n"


def _unpem(text: str, label: str) -> bytes:
    begin, end = f"-----BEGIN {label}-----", f"-----END {label}-----"
    if begin not in text or end not in text:
        raise ValueError(f"no {label} PEM block")
    return base64.b64decode("".join(text.split(begin, 1)[1].split(end, 1)[0].split()), validate=True)


def _spki(public: tuple[int, int]) -> bytes:
    algorithm = _tlv(0x30, _OID_EC_PUBLIC_KEY + _OID_SM2)
    return _tlv(0x30, algorithm + _tlv(0x03, b"\x00" + sm2.encode_point(public)))


def _pkcs8(d: int, public: tuple[int, int]) -> bytes:
    ec_key = _tlv(0x30, _int(1) + _tlv(0x04, d.to_bytes(32, "big"))
                  + _tlv(0xA1, _tlv(0x03, b"\x00" + sm2.encode_point(public))))
    return _tlv(0x30, _int(0) + _tlv(0x30, _OID_EC_PUBLIC_KEY + _OID_SM2) + _tlv(0x04, ec_key))


def _sm4_key(passphrase: str, salt: bytes, iterations: int) -> bytes:
    # The PRF is HMAC-SHA256, not HMAC-SM3, so that the key file stays readable by the standard tool:
    # OpenSSL 3.0 (Debian 12's 3.0.19) has no hmacWithSM3 PRF for PBES2 ("openssl pkcs8 -topk8 -v2
    # sm4-cbc -v2prf hmacWithSM3" says "Unknown PRF algorithm hmacWithSM3", and it cannot read such a
    # key either), while "-v2prf hmacWithSHA256" writes and reads this very form. The key's
    # confidentiality rests on SM4-CBC; PBKDF2 only stretches the passphrase into the SM4 key.
    kdf = PBKDF2HMAC(algorithm=hashes.SHA256(), length=16, salt=salt, iterations=iterations)
    return kdf.derive(passphrase.encode("utf-8"))


def _encrypt_pkcs8(der: bytes, passphrase: str) -> bytes:
    """EncryptedPrivateKeyInfo (RFC 5958) with PBES2 (RFC 8018): PBKDF2-HMAC-SHA256, SM4-CBC."""
    salt, iv = os.urandom(16), os.urandom(16)
    padder = padding.PKCS7(128).padder()
    plain = padder.update(der) + padder.finalize()
    encryptor = Cipher(algorithms.SM4(_sm4_key(passphrase, salt, _ITERATIONS)), modes.CBC(iv)).encryptor()
    sealed = encryptor.update(plain) + encryptor.finalize()
    kdf = _tlv(0x30, _OID_PBKDF2 + _tlv(0x30, _tlv(0x04, salt) + _int(_ITERATIONS)
                                         + _tlv(0x30, _OID_HMAC_SHA256 + b"\x05\x00")))
    scheme = _tlv(0x30, _OID_PBES2 + _tlv(0x30, kdf + _tlv(0x30, _OID_SM4_CBC + _tlv(0x04, iv))))
    return _tlv(0x30, scheme + _tlv(0x04, sealed))


def _decrypt_pkcs8(der: bytes, passphrase: str) -> bytes:
    """The PrivateKeyInfo inside an EncryptedPrivateKeyInfo this module (or OpenSSL with
    ``-v2 sm4-cbc``) wrote; ValueError for another scheme or a wrong passphrase."""
    _, body, _ = _read(der)
    (_, scheme), (_, sealed) = _children(body)
    oid_end = 2 + scheme[1]
    if scheme[:oid_end] != _OID_PBES2:
        raise ValueError("the private key is not PBES2-encrypted")
    (_, kdf), (_, cipher) = _children(_children(scheme[oid_end:])[0][1])
    kdf_oid_end = 2 + kdf[1]
    if kdf[:kdf_oid_end] != _OID_PBKDF2 or cipher[:10] != _OID_SM4_CBC:
        raise ValueError("the private key is encrypted with a scheme other than PBKDF2 + SM4-CBC")
    params = _children(_children(kdf[kdf_oid_end:])[0][1])
    salt, iterations = params[0][1], int.from_bytes(params[1][1], "big")
    prf = [v for t, v in params[2:] if t == 0x30]
    if not prf or prf[0][:10] != _OID_HMAC_SHA256:  # absent means HMAC-SHA1 (RFC 8018): not taken
        raise ValueError("the private key's PBKDF2 uses a PRF other than HMAC-SHA256")
    iv = _children(cipher[10:])[0][1]
    decryptor = Cipher(algorithms.SM4(_sm4_key(passphrase, salt, iterations)), modes.CBC(iv)).decryptor()
    unpadder = padding.PKCS7(128).unpadder()
    plain = decryptor.update(sealed) + decryptor.finalize()
    return unpadder.update(plain) + unpadder.finalize()


def _algorithm_is_sm2(body: bytes) -> bool:
    return body == _OID_EC_PUBLIC_KEY + _OID_SM2


def read_public_key(text: str) -> tuple[int, int]:
    """The SM2 point of a SubjectPublicKeyInfo PEM (ValueError when it is not an SM2 key)."""
    tag, body, _ = _read(_unpem(text, "PUBLIC KEY"))
    parts = _children(body) if tag == 0x30 else []
    if len(parts) != 2 or parts[0][0] != 0x30 or not _algorithm_is_sm2(parts[0][1]) or parts[1][0] != 0x03:
        raise ValueError("not an SM2 public key")
    return sm2.decode_point(parts[1][1][1:])


def _read_private_key(text: str, passphrase: str | None = None, source: str = PASSPHRASE_ENV) -> int:
    if "BEGIN ENCRYPTED PRIVATE KEY" in text:
        if not passphrase:
            raise ValueError(f"the key is encrypted: set {PASSPHRASE_ENV} to its passphrase, or "
                             f"{PASSPHRASE_FILE_ENV} to a file (mode 600) whose first line is the passphrase")
        try:
            # A wrong passphrase usually fails the padding check, but about 1 time in 256 the
            # garbage it decrypts to ends in valid padding and fails the key's structure instead:
            # either way the passphrase is what to check.
            return _sm2_scalar(_decrypt_pkcs8(_unpem(text, "ENCRYPTED PRIVATE KEY"), passphrase))
        except (ValueError, IndexError) as e:
            raise ValueError(f"cannot decrypt the key: wrong passphrase in {source}? ({e})") from e
    return _sm2_scalar(_unpem(text, "PRIVATE KEY"))


def _sm2_scalar(der: bytes) -> int:
    """The private scalar of an unencrypted SM2 PKCS#8 key; ValueError when it is not one."""
    tag, body, _ = _read(der)
    parts = _children(body) if tag == 0x30 else []
    if len(parts) != 3 or parts[1][0] != 0x30 or not _algorithm_is_sm2(parts[1][1]) or parts[2][0] != 0x04:
        raise ValueError("not an unencrypted SM2 PKCS#8 private key")
    _, ec_body, _ = _read(parts[2][1])
    fields = _children(ec_body)
    if len(fields) < 2 or fields[1][0] != 0x04:
        raise ValueError("not an SM2 ECPrivateKey")
    d = int.from_bytes(fields[1][1], "big")
    if not 0 < d < sm2.N - 1:
        raise ValueError("SM2 private key out of range")
    return d


# --- keys ---------------------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True, kw_only=True)
class SigningKey:
    """The administrator's report-signing key (the private scalar stays out of every repr)."""

    folder: Path
    public: tuple[int, int]
    signer: str
    _d: int = 0

    def __repr__(self) -> str:
        return f"SigningKey(folder={str(self.folder)!r}, key_id={self.key_id!r}, signer={self.signer!r})"

    @property
    def key_id(self) -> str:
        """The public key's short name."""
        return key_id(self.public)

    def sign(self, message: bytes) -> bytes:
        """The GM/T 0009 DER SM2 signature of ``message`` (Z_A with the default user ID), checked
        with crypto_eval.sm2's own arithmetic before it is handed out."""
        raw = kat.sm2_sign(self._d, message, user_id=sm2.DEFAULT_ID)
        if not sm2.verify(self.public, message, raw, sm2.DEFAULT_ID):
            raise ReportError("the SM2 signature just made does not verify: not writing it")
        return _der_signature(raw)


def _write_private(path: Path, data: str) -> None:
    """Create ``path`` 0600 from the first byte on (never world-readable, even for an instant)."""
    partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, data.encode("ascii"))
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(partial, path)


def init_key(folder: Path, *, signer: str | None = None, force: bool = False, passphrase: str | None = None,
             now: datetime | None = None, unencrypted: bool = False) -> SigningKey:
    """Create the signing key in ``folder`` (0700), encrypted when ``passphrase`` is given.
    ConfigError when one exists, unless ``force``: then the old public key moves to trusted/ so
    that reports it signed still verify. An encrypted key is not replaced by an unencrypted one
    (a forgotten passphrase variable would silently lower the protection) unless ``unencrypted``."""
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    private, public_file = folder / KEY_FILE, folder / PUBLIC_FILE
    if private.exists() or public_file.exists():
        if not force:
            held = _existing_id(public_file)
            raise ConfigError(f"a report-signing key exists in {folder} (key id {held}); "
                              "govsoc keys init --force replaces it (reports it signed stay verifiable: "
                              "its public key moves to trusted/)")
        if not passphrase and not unencrypted and _is_encrypted(private):
            raise ConfigError(f"the report-signing key in {folder} is encrypted and {PASSPHRASE_ENV} is not set: "
                              f"set {PASSPHRASE_ENV} to encrypt the new key, or pass --unencrypted to replace it "
                              "with an unencrypted one on purpose")
        if public_file.exists():
            trusted = folder / "trusted"
            trusted.mkdir(mode=0o700, exist_ok=True)
            os.chmod(trusted, 0o700)  # only the owner adds trusted keys (reports.trust refuses looser)
            os.replace(public_file, trusted / f"{_existing_id(public_file)}.pub")
    d = sm2.generate_private_key()
    public = sm2.public_key(d)
    name = signer or f"{getpass.getuser()}@{socket.gethostname()}"
    plain = _pkcs8(d, public)
    _write_private(private, _pem("ENCRYPTED PRIVATE KEY", _encrypt_pkcs8(plain, passphrase)) if passphrase
                   else _pem("PRIVATE KEY", plain))
    write_file(public_file, _pem("PUBLIC KEY", _spki(public)).encode("ascii"), mode=0o644)
    meta = {"signer": name, "key_id": key_id(public), "algorithm": ALGORITHM,
            "created": (now or datetime.now(UTC)).isoformat(timespec="seconds")}
    (folder / META_FILE).write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
    return SigningKey(folder=folder, public=public, signer=name, _d=d)


def _is_encrypted(private: Path) -> bool:
    """Whether the key file holds a PBES2-encrypted PKCS#8 key."""
    try:
        return "-----BEGIN ENCRYPTED PRIVATE KEY-----" in private.read_text(encoding="ascii", errors="replace")
    except OSError:
        return False


def _existing_id(public_file: Path) -> str:
    try:
        return key_id(read_public_key(public_file.read_text(encoding="ascii")))
    except (OSError, ValueError):
        return "unreadable"


def env_passphrase() -> str | None:
    """The signing key's passphrase from the environment: ``GOVSOC_KEY_PASSPHRASE``, else the first
    line of the file ``GOVSOC_KEY_PASSPHRASE_FILE`` names, which nobody but its owner may read
    (ConfigError otherwise, with the chmod that fixes it); None when neither is set."""
    value = os.environ.get(PASSPHRASE_ENV)
    if value:
        return value
    name = os.environ.get(PASSPHRASE_FILE_ENV)
    if not name:
        return None
    path = Path(name)
    if path.is_dir():
        raise ConfigError(f"{path} (${PASSPHRASE_FILE_ENV}) is a folder, not a file: name the file that holds "
                          "the passphrase")
    try:
        mode = path.stat().st_mode & 0o777
        if mode & 0o077:
            raise ConfigError(f"{path} (${PASSPHRASE_FILE_ENV}) is readable by others (mode {mode:o}): "
                              f"chmod 600 {path}")
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(f"cannot read the key passphrase from {path} (${PASSPHRASE_FILE_ENV}): {e}") from e
    lines = text.splitlines()
    return lines[0] if lines and lines[0] else None


def _passphrase_source(given: str | None) -> str:
    """Where the passphrase tried came from, for the message when it is wrong."""
    if given:
        return "the passphrase given"
    if os.environ.get(PASSPHRASE_ENV):
        return PASSPHRASE_ENV
    return f"the file {os.environ.get(PASSPHRASE_FILE_ENV, '')} (${PASSPHRASE_FILE_ENV})"


def require_key(folder: Path, *, otherwise: str = "") -> SigningKey:
    """The signing key in ``folder``; ConfigError naming `govsoc keys init` (and ``otherwise``,
    another way out) when there is none, and the reason when it is unusable (see load_key) or
    revoked (reports.trust)."""
    from govsoc.reports.trust import revoked_keys  # trust reads public keys with this module

    key = load_key(folder)
    if key is None:
        raise ConfigError(f"no report-signing key in {folder}: reports are signed (SM3 digest, SM2 signature); "
                          f"create the key with `govsoc keys init`{', ' + otherwise if otherwise else ''}")
    revoked = revoked_keys(folder).get(key.key_id)
    if revoked is not None:
        raise ConfigError(f"the report-signing key in {folder} (key id {key.key_id}) was revoked at {revoked.time}: "
                          "make a new one with `govsoc keys init --force`")
    return key


def load_key(folder: Path, passphrase: str | None = None) -> SigningKey | None:
    """The signing key in ``folder``, or None when there is none; ConfigError when it is unusable
    (unreadable, not SM2, readable by others than its owner, encrypted without the passphrase:
    ``passphrase`` or else the environment's, see :func:`env_passphrase`)."""
    private = folder / KEY_FILE
    if not private.exists():
        return None
    mode = private.stat().st_mode & 0o777
    if mode & 0o077:
        raise ConfigError(f"{private} is readable by others (mode {mode:o}): chmod 600 {private}")
    try:
        d = _read_private_key(private.read_text(encoding="ascii"), passphrase or env_passphrase(),
                              _passphrase_source(passphrase))
    except (OSError, ValueError, UnicodeDecodeError) as e:
        raise ConfigError(f"{private}: {e}") from e
    try:
        signer = str(json.loads((folder / META_FILE).read_text(encoding="utf-8")).get("signer") or "")
    except (OSError, ValueError):
        signer = ""
    return SigningKey(folder=folder, public=sm2.public_key(d), signer=signer or "govsoc", _d=d)


# --- signing and verifying -------------------------------------------------------------------------------------

def key_folder(data_dir: Path) -> Path:
    """Where the signing key lives under a data directory (``<data dir>/keys``)."""
    return data_dir / "keys"


def signature_path(report: Path) -> Path:
    """Where a report's signature file lives: beside it, ``<name>.sig``."""
    return report.with_name(report.name + SIGNATURE_SUFFIX)


def _signed_bytes(fields: dict[str, Any]) -> bytes:
    """The canonical message the SM2 signature covers: every field but the signature itself."""
    body = {k: fields[k] for k in _FIELDS if k != "signature"}
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def signature_text(data: bytes, name: str, key: SigningKey, *, now: datetime | None = None) -> str:
    """The signature file of the report bytes ``data`` to be named ``name``."""
    fields: dict[str, Any] = {
        "format": FORMAT, "file": name, "size": len(data), "digest_algorithm": "SM3",
        "digest": sm3_hex(data), "algorithm": ALGORITHM, "user_id": sm2.DEFAULT_ID.decode("ascii"),
        "public_key": sm2.encode_point(key.public).hex(), "key_id": key.key_id, "signer": key.signer,
        "time": (now or datetime.now(UTC)).isoformat(timespec="seconds"),
    }
    fields["signature"] = key.sign(_signed_bytes(fields)).hex()
    return _signature_text(fields)


def sign_file(report: Path, key: SigningKey, *, now: datetime | None = None) -> Path:
    """Write ``report``'s signature file (atomically, 0640) and return its path."""
    target = signature_path(report)
    write_file(target, signature_text(report.read_bytes(), report.name, key, now=now).encode("utf-8"))
    return target


def _signature_text(fields: dict[str, Any]) -> str:
    """The one byte form of a signature file (verify refuses any other, so no byte of it can
    change unnoticed, whitespace included)."""
    return json.dumps({k: fields[k] for k in _FIELDS}, ensure_ascii=False, indent=2) + "\n"


def sign_report(report: Path, keys: Path) -> Path:
    """Sign the file ``report`` with the key in the folder ``keys`` (ConfigError when there is
    none or it is unusable; a report is never left unsigned quietly)."""
    return sign_file(report, require_key(keys))


@dataclass(frozen=True, slots=True, kw_only=True)
class Verification:
    """A valid signature's facts (verify_report raises ReportError otherwise)."""

    report: Path
    digest: str
    key_id: str
    #: The file that made the signing key trusted (reports.trust).
    key_file: Path
    signer: str
    time: str
    notes: tuple[str, ...] = ()


def _load_signature(path: Path) -> dict[str, Any]:
    try:
        text = path.read_bytes().decode("utf-8")  # bytes: no newline translation hides a \r
        fields = json.loads(text)
    except FileNotFoundError as e:
        raise ReportError(f"not signed: no signature file {path}") from e
    except (OSError, ValueError) as e:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise ReportError(f"signature file {path} is unreadable: {e}") from e
    if not isinstance(fields, dict) or set(fields) != set(_FIELDS):
        got = sorted(fields) if isinstance(fields, dict) else type(fields).__name__
        raise ReportError(f"signature file {path} was altered or is not a govsoc signature (fields {got})")
    if fields["format"] != FORMAT or fields["algorithm"] != ALGORITHM or fields["digest_algorithm"] != "SM3":
        raise ReportError(f"signature file {path}: unsupported format or algorithm")
    if not all(isinstance(fields[k], str) for k in _FIELDS if k != "size") or not isinstance(fields["size"], int):
        raise ReportError(f"signature file {path} was altered (a field has the wrong type)")
    if text != _signature_text(fields):
        raise ReportError(f"signature file {path} was altered (it is not byte for byte as govsoc wrote it)")
    return fields


def verify_report(report: Path, trusted: Mapping[str, TrustedKey], *, signature: Path | None = None,
                  revoked: Mapping[str, Revocation] | None = None, allow_rename: bool = False) -> Verification:
    """Check ``report`` against its signature file, the trusted keys and the revoked ones
    (reports.trust); ReportError says what failed: the report is missing or changed, the
    signature file changed, another key signed it, the key that signed it was revoked, or the
    report now has another name than the one signed (the name says the kind and the period, so
    a renamed report passes only with ``allow_rename``, and then with a note)."""
    if not os.path.lexists(report):
        raise ReportError(f"no report {report}: the file does not exist")
    sig_path = signature or signature_path(report)
    fields = _load_signature(sig_path)
    try:
        data = report.read_bytes()
    except OSError as e:
        raise ReportError(f"cannot read {report}: {e}") from e
    digest = sm3_hex(data)
    if digest != fields["digest"] or len(data) != fields["size"]:
        raise ReportError(f"{report} was changed after it was signed (SM3 {digest[:16]}…, signed "
                          f"{str(fields['digest'])[:16]}…)")
    try:
        public = sm2.decode_point(bytes.fromhex(fields["public_key"]))
        raw = _raw_signature(bytes.fromhex(fields["signature"]))
    except ValueError as e:
        raise ReportError(f"signature file {sig_path} was altered ({e})") from e
    if _der_signature(raw).hex() != fields["signature"]:  # no second spelling of one signature (DER, hex case)
        raise ReportError(f"signature file {sig_path} was altered (the signature is not in canonical DER)")
    user_id = fields["user_id"].encode("utf-8")
    if key_id(public) != fields["key_id"] or not kat.sm2_verify(public, _signed_bytes(fields), raw, user_id=user_id):
        raise ReportError(f"signature file {sig_path} was altered: the SM2 signature does not match its contents")
    held = key_id(public)
    withdrawn = (revoked or {}).get(held)
    if withdrawn is not None:
        reason = f" ({withdrawn.reason})" if withdrawn.reason else ""
        raise ReportError(f"{report} is signed by a revoked key (key id {held}, signer {fields['signer']!r}, "
                          f"revoked at {withdrawn.time}{reason})")
    if held not in trusted or trusted[held].public != public:
        raise ReportError(f"{report} is signed by another key (key id {held}, signer "
                          f"{fields['signer']!r}) that is not a trusted key")
    notes: tuple[str, ...] = ()
    if fields["file"] != report.name:
        if not allow_rename:
            raise ReportError(f"{report} was signed as {fields['file']!r}: the signed name (its kind and period) "
                              "differs from the file's name; pass --allow-rename to accept a renamed report")
        notes = (f"signed as {fields['file']!r}, now named {report.name!r} (accepted: --allow-rename)",)
    return Verification(report=report, digest=digest, key_id=held, key_file=trusted[held].file,
                        signer=fields["signer"], time=fields["time"], notes=notes)
