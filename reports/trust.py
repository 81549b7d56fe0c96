"""Which public keys a report may be signed with (issue 18 "Integrity"): trusted keys, made
explicit, and revoked ones.

    <data dir>/keys/report-signing.pub     the administrator's current key
    <data dir>/keys/trusted/*.pub          further trusted keys (a replaced key's public half, a
                                           colleague's key put there on purpose)
    <data dir>/keys/revoked.txt            revoked key ids: "<key id> <time> <reason>" per line

A key is trusted because a file says so, so `govsoc verify` names the file that trusted the key
that signed (an auditor sees *why* a report passed). Whoever can write into the key folder can
make any key trusted: a key folder, its trusted/ folder or one of their files that the group or
others may write, or that another user owns, is refused, with the chmod or chown that fixes it
(as OpenSSH refuses loose authorized_keys). The folders above the key folder are not checked.
A compromised or retired key is revoked (`govsoc keys revoke KEY_ID`): reports it signed no
longer verify, whichever file still trusts it, and it signs nothing more.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from govsoc.core.errors import ConfigError
from govsoc.core.filemode import others_may_write
from govsoc.core.results import write_file
from govsoc.reports.signing import PUBLIC_FILE, key_id, read_public_key

__all__ = ["REVOKED_FILE", "Revocation", "TrustedKey", "check_not_writable_by_others", "normalise_key_id",
           "read_key_file", "revoke", "revoked_keys", "trusted_keys"]

REVOKED_FILE = "revoked.txt"
_KEY_ID = re.compile(r"^[0-9a-f]{32}$")


@dataclass(frozen=True, slots=True, kw_only=True)
class TrustedKey:
    """A public key and the file that made it trusted."""

    key_id: str
    public: tuple[int, int]
    file: Path


@dataclass(frozen=True, slots=True, kw_only=True)
class Revocation:
    """A revoked key id, when and why."""

    key_id: str
    time: str
    reason: str


def normalise_key_id(text: str) -> str:
    """A key id as govsoc prints it (32 lower-case hex digits); spaces and colons are dropped.
    ValueError when it is not one."""
    flat = re.sub(r"[\s:]", "", text).lower()
    if not _KEY_ID.match(flat):
        raise ValueError(f"not a key id: {text!r} (32 hex digits, as `govsoc keys show` and `govsoc verify` print)")
    return flat


def check_not_writable_by_others(path: Path) -> None:
    """ConfigError when ``path`` (a key folder or a file in it) may be written by its group or by
    everyone, or belongs to another user than this one or root: then someone else could add a
    trusted key or drop a revocation (or put a key folder of their own in place of ours)."""
    try:
        problem = others_may_write(path, "a key folder or key file", "make a key trusted")
    except FileNotFoundError:
        return
    except OSError as e:
        raise ConfigError(f"cannot check {path}: {e}") from e
    if problem is not None:
        raise ConfigError(problem)


def read_key_file(path: Path) -> TrustedKey:
    """The SM2 public key in ``path``; ConfigError when it is not one."""
    try:
        public = read_public_key(path.read_text(encoding="ascii"))
    except (OSError, ValueError, UnicodeDecodeError) as e:
        raise ConfigError(f"{path}: not an SM2 public key ({e})") from e
    return TrustedKey(key_id=key_id(public), public=public, file=path)


def trusted_keys(folder: Path, extra: tuple[Path, ...] = ()) -> dict[str, TrustedKey]:
    """key id -> trusted key: the folder's own public key, trusted/*.pub, then the ``extra``
    files (an auditor's copies, named on purpose). ConfigError when the folder, trusted/ or one
    of their key files may be written by others (see check_not_writable_by_others)."""
    trusted_folder = folder / "trusted"
    for place in (folder, trusted_folder):
        check_not_writable_by_others(place)
    local = [folder / PUBLIC_FILE, *sorted(trusted_folder.glob("*.pub"))]
    out: dict[str, TrustedKey] = {}
    for path in local:
        if path.exists():
            check_not_writable_by_others(path)
            found = read_key_file(path)
            out.setdefault(found.key_id, found)
    for path in extra:
        found = read_key_file(path)
        out.setdefault(found.key_id, found)
    return out


def revoked_keys(folder: Path) -> dict[str, Revocation]:
    """key id -> its revocation, from ``<folder>/revoked.txt`` (empty when there is none).
    ConfigError when the file may be written by others or holds a line that is not a revocation."""
    path = folder / REVOKED_FILE
    check_not_writable_by_others(folder)
    check_not_writable_by_others(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(f"cannot read the revoked keys in {path}: {e}") from e
    out: dict[str, Revocation] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = line.split(maxsplit=2)
        try:
            revoked = normalise_key_id(parts[0])
        except ValueError as e:
            raise ConfigError(f"{path}:{number}: {e}") from e
        out[revoked] = Revocation(key_id=revoked, time=parts[1] if len(parts) > 1 else "",
                                  reason=parts[2] if len(parts) > 2 else "")
    return out


def revoke(folder: Path, key: str, *, reason: str = "", now: datetime | None = None) -> tuple[Revocation, bool]:
    """Add ``key`` (a key id) to the folder's revoked keys; (its revocation, whether it is new).
    The file is replaced atomically, 0644 in the 0700 key folder."""
    revoked = normalise_key_id(key)
    known = revoked_keys(folder)
    if revoked in known:
        return known[revoked], False
    entry = Revocation(key_id=revoked, time=(now or datetime.now(UTC)).isoformat(timespec="seconds"),
                       reason=" ".join(reason.split()))
    path = folder / REVOKED_FILE
    try:
        old = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        old = "# govsoc revoked report-signing keys: key id, time revoked, reason\n"
    line = f"{entry.key_id} {entry.time} {entry.reason}".rstrip() + "\n"
    if not folder.exists():
        folder.mkdir(parents=True, mode=0o700)
    write_file(path, (old if old.endswith("\n") or not old else old + "\n").encode("utf-8") + line.encode("utf-8"),
               0o644)  # aside under an unguessable name, O_EXCL|O_NOFOLLOW (core.results.open_aside)
    return entry, True
