"""The report-signing key (reports.signing): its files under the data folder, made once by
``govsoc keys init`` (the private key encrypted under a passphrase from GOVSOC_KEY_PASSPHRASE or
GOVSOC_KEY_PASSPHRASE_FILE, or left plain on request), loaded for signing, and
:class:`SigningKey`, which signs with SM2 (GB/T 32918).
"""

from __future__ import annotations

import getpass
import json
import os
import socket
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from govsoc.core.errors import ConfigError, ReportError
from govsoc.core.results import write_file
from govsoc.crypto_eval import kat, sm2
from govsoc.reports.signing_asn1 import (
    ALGORITHM,
    _decrypt_pkcs8,
    _der_signature,
    _encrypt_pkcs8,
    _pem,
    _pkcs8,
    _sm2_scalar,
    _spki,
    _unpem,
    key_id,
    read_public_key,
)

KEY_FILE, PUBLIC_FILE, META_FILE = "report-signing.key", "report-signing.pub", "report-signing.json"
#: The environment variable holding the signing key's passphrase (never an argument: argv is public).
PASSPHRASE_ENV = "GOVSOC_KEY_PASSPHRASE"
#: Or the environment variable naming a file that holds it (0600 or tighter; one line).
PASSPHRASE_FILE_ENV = "GOVSOC_KEY_PASSPHRASE_FILE"


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
