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

This module signs and verifies; the key is reports.signing_keys, the encodings (DER, PEM, PKCS#8,
SM3 digests and key ids) reports.signing_asn1.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from govsoc.core.errors import ReportError
from govsoc.core.results import write_file
from govsoc.crypto_eval import kat, sm2
from govsoc.reports.signing_asn1 import ALGORITHM
from govsoc.reports.signing_asn1 import _der_signature as _der_signature
from govsoc.reports.signing_asn1 import _encrypt_pkcs8 as _encrypt_pkcs8
from govsoc.reports.signing_asn1 import _int as _int
from govsoc.reports.signing_asn1 import _pem as _pem
from govsoc.reports.signing_asn1 import _pkcs8 as _pkcs8
from govsoc.reports.signing_asn1 import _raw_signature as _raw_signature
from govsoc.reports.signing_asn1 import _spki as _spki
from govsoc.reports.signing_asn1 import _tlv as _tlv
from govsoc.reports.signing_asn1 import key_id as key_id
from govsoc.reports.signing_asn1 import read_public_key as read_public_key
from govsoc.reports.signing_asn1 import sm3_hex as sm3_hex
from govsoc.reports.signing_keys import KEY_FILE as KEY_FILE
from govsoc.reports.signing_keys import META_FILE as META_FILE
from govsoc.reports.signing_keys import PASSPHRASE_ENV as PASSPHRASE_ENV
from govsoc.reports.signing_keys import PASSPHRASE_FILE_ENV as PASSPHRASE_FILE_ENV
from govsoc.reports.signing_keys import PUBLIC_FILE as PUBLIC_FILE
from govsoc.reports.signing_keys import SigningKey as SigningKey
from govsoc.reports.signing_keys import _read_private_key as _read_private_key
from govsoc.reports.signing_keys import env_passphrase as env_passphrase
from govsoc.reports.signing_keys import init_key as init_key
from govsoc.reports.signing_keys import key_folder as key_folder
from govsoc.reports.signing_keys import load_key as load_key
from govsoc.reports.signing_keys import require_key as require_key

if TYPE_CHECKING:
    from collections.abc import Mapping

    from govsoc.reports.trust import Revocation, TrustedKey

__all__ = ["SigningKey", "Verification", "init_key", "load_key", "sign_report", "sign_file", "verify_report",
           "read_public_key", "signature_path", "key_id", "sm3_hex", "KEY_FILE", "PUBLIC_FILE",
           "SIGNATURE_SUFFIX", "FORMAT", "META_FILE", "key_folder", "PASSPHRASE_ENV", "PASSPHRASE_FILE_ENV",
           "env_passphrase", "signature_text", "require_key"]
SIGNATURE_SUFFIX = ".sig"
FORMAT = "govsoc-report-signature/1"
_FIELDS = ("format", "file", "size", "digest_algorithm", "digest", "algorithm", "user_id", "public_key", "key_id",
           "signer", "time", "signature")


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
