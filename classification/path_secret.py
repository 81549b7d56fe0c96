"""The secret that keys the digests of paths in saved inventories (classification.saved.path_keys).

A saved inventory names its source and tables masked (王**.csv) and keeps, to tell them apart and
to see which lies inside which, digests of their resolved paths. A plain SHA-256 of a path can be
tested against guesses by whoever reads the results folder or an ``-o`` file: the folder guessed
from its own digest, then given names tried one by one (a few million), the masked name is
found. Keyed with a secret of the data folder (HMAC-SHA256), a digest says nothing to one who does
not hold the secret; every scan into the same data folder gets the same keys.

The secret is 32 random bytes, hex, in ``<data dir>/state/classification.key``, made 0600 on the
first scan. It is created aside and linked into place (never replacing one that appeared
meanwhile: two first scans at once agree on the one that got there first).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from govsoc.core.errors import ConfigError
from govsoc.core.results import make_folder, open_aside

__all__ = ["SECRET_FILE", "results_secret"]

#: Where the secret lives, under the data folder.
SECRET_FILE = Path("state") / "classification.key"
_HEX_LENGTH = 64


def results_secret(data_dir: Path) -> bytes:
    """The data folder's secret, made on first use. ConfigError naming the file when it cannot be
    read or made, or does not hold a secret (never a new one in its place: the saved results keyed
    with the old one would no longer be recognised as the same sources)."""
    path = Path(data_dir) / SECRET_FILE
    try:
        return _read(path)
    except FileNotFoundError:
        pass
    try:
        make_folder(path.parent)
        fd, partial = open_aside(path, 0o600)
        try:
            os.write(fd, secrets.token_hex(_HEX_LENGTH // 2).encode("ascii") + b"\n")
            os.fsync(fd)
        finally:
            os.close(fd)
        try:
            os.link(partial, path)  # never replaces a secret made meanwhile
        except FileExistsError:
            pass
        finally:
            partial.unlink(missing_ok=True)
        return _read(path)
    except OSError as e:
        raise ConfigError(f"{path}: cannot make the classification results' secret: {e.strerror or e}") from e


def _read(path: Path) -> bytes:
    """The secret in ``path`` (not through a link); FileNotFoundError when there is none."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise
    except OSError as e:
        raise ConfigError(f"{path}: cannot read the classification results' secret: {e.strerror or e}") from e
    try:
        text = os.read(fd, _HEX_LENGTH + 2).decode("ascii", "replace").strip()
    finally:
        os.close(fd)
    try:
        secret = bytes.fromhex(text)
    except ValueError:
        secret = b""
    if len(secret) != _HEX_LENGTH // 2:
        raise ConfigError(f"{path}: not a classification results' secret ({_HEX_LENGTH} hex digits); "
                          "restore it from a backup (a new one would make every saved result a source of its own)")
    return secret
