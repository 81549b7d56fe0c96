"""`govsoc keys`: the administrator's report-signing key (SM2, reports/signing.py).

``govsoc keys init`` creates it under ``<data dir>/keys/`` (private key 0600 in a 0700 folder,
never printed, SM4-encrypted when GOVSOC_KEY_PASSPHRASE (or a 0600 file named by
GOVSOC_KEY_PASSPHRASE_FILE) gives a passphrase; ``--force`` replaces an existing
one and keeps its public key trusted, but an encrypted key only by an encrypted one unless
``--unencrypted`` is given too);
``govsoc keys show`` prints the public key, its id and the signer; ``govsoc keys sign FILE...``
signs report files by hand (reports are signed when written); ``govsoc keys list`` lists the
trusted keys, each with the file that trusts it, and the revoked ones; ``govsoc keys revoke
KEY_ID`` revokes a key (reports.trust): reports it signed fail `govsoc verify`, and it signs
nothing more.
"""

from __future__ import annotations

from pathlib import Path

import click

from govsoc.cli.context import AppContext
from govsoc.cli.main import cli
from govsoc.cli.terminal import printable
from govsoc.core.errors import ConfigError


def key_folder(app: AppContext) -> Path:
    """Where the signing key lives: ``<data dir>/keys``."""
    from govsoc.reports.signing import key_folder as under

    return under(app.config.data_dir)


@cli.group()
def keys() -> None:
    """The SM2 key that signs reports: `keys init`, `keys show`, `keys sign FILE...`, `keys list`,
    `keys revoke KEY_ID`."""


@keys.command("init")
@click.option("--signer", help="Name recorded in every signature (default: user@host).")
@click.option("--force", is_flag=True, help="Replace an existing key (its public key stays trusted).")
@click.option("--unencrypted", is_flag=True,
              help="With --force: allow an encrypted key to be replaced by an unencrypted one.")
@click.pass_obj
def init(app: AppContext, signer: str | None, force: bool, unencrypted: bool) -> None:
    """Create the report-signing key (SM2, GB/T 32918)."""
    from govsoc.reports.signing import PASSPHRASE_ENV, PUBLIC_FILE, env_passphrase, init_key

    folder = key_folder(app)
    passphrase = env_passphrase()
    key = init_key(folder, signer=signer, force=force, passphrase=passphrase, unencrypted=unencrypted)
    sealed = f"encrypted with ${PASSPHRASE_ENV}" if passphrase else f"not encrypted (set ${PASSPHRASE_ENV} to encrypt)"
    click.echo(f"report-signing key created: key id {key.key_id}, signer {printable(key.signer)}, {sealed}")
    click.echo(f"public key: {printable(str(folder / PUBLIC_FILE))} (give it to whoever verifies reports)")


@keys.command("show")
@click.pass_obj
def show(app: AppContext) -> None:
    """Print the public key, its id and the signer (never the private key). Read from the public
    key beside the private one, so an encrypted key is not unlocked (no passphrase needed)."""
    import json

    from govsoc.reports.signing import META_FILE, PUBLIC_FILE, key_id, load_key, read_public_key
    from govsoc.reports.trust import revoked_keys

    folder = key_folder(app)
    public_file = folder / PUBLIC_FILE
    try:
        text = public_file.read_text(encoding="ascii")
        held = key_id(read_public_key(text))
        try:
            signer = str(json.loads((folder / META_FILE).read_text(encoding="utf-8")).get("signer") or "govsoc")
        except (OSError, ValueError, AttributeError):
            signer = "govsoc"
    except (OSError, ValueError, UnicodeDecodeError):  # no public key file: the private key says it
        key = load_key(folder)
        if key is None:
            raise ConfigError(f"no report-signing key in {folder}: run govsoc keys init") from None
        held, signer, text = key.key_id, key.signer, public_file.read_text(encoding="ascii")
    click.echo(f"key id {held}\nsigner {printable(signer)}")
    revoked = revoked_keys(folder).get(held)
    if revoked is not None:
        click.echo(f"REVOKED at {revoked.time}: it signs no reports; govsoc keys init --force makes a new key")
    click.echo(text, nl=False)


@keys.command("sign")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_obj
def sign(app: AppContext, files: tuple[Path, ...]) -> None:
    """Write FILE.sig beside each file: its SM3 digest and SM2 signature."""
    from govsoc.reports.signing import require_key, sign_file

    key = require_key(key_folder(app))
    for path in files:
        click.echo(f"signed {printable(str(path))} -> {printable(str(sign_file(path, key)))}")


@keys.command("list")
@click.pass_obj
def list_keys(app: AppContext) -> None:
    """The trusted public keys (key id, the file that trusts it) and the revoked key ids."""
    from govsoc.reports.trust import revoked_keys, trusted_keys

    folder = key_folder(app)
    trusted, revoked = trusted_keys(folder), revoked_keys(folder)
    for found in trusted.values():
        state = f"REVOKED at {revoked[found.key_id].time}" if found.key_id in revoked else "trusted"
        click.echo(f"{found.key_id}  {state}  {printable(str(found.file))}")
    for entry in revoked.values():
        if entry.key_id not in trusted:
            click.echo(f"{entry.key_id}  REVOKED at {entry.time}  (no key file here)")
    if not trusted and not revoked:
        click.echo(f"no keys in {printable(str(folder))}: run govsoc keys init")


@keys.command("revoke")
@click.argument("key_id")
@click.option("--reason", default="", help="Why (recorded beside the key id), e.g. 'laptop stolen'.")
@click.pass_obj
def revoke_key(app: AppContext, key_id: str, reason: str) -> None:
    """Revoke the key KEY_ID (32 hex digits, as `keys list` and `verify` print): reports it
    signed no longer verify and it signs no more reports."""
    from govsoc.reports.signing import PUBLIC_FILE
    from govsoc.reports.trust import normalise_key_id, revoke, trusted_keys

    folder = key_folder(app)
    try:
        wanted = normalise_key_id(key_id)
    except ValueError as e:
        raise click.UsageError(str(e)) from e
    trusted = trusted_keys(folder)
    entry, new = revoke(folder, wanted, reason=reason)
    where = f"trusted by {printable(str(trusted[wanted].file))}" if wanted in trusted else \
        "not among this folder's trusted keys: revoked ahead"
    said = "revoked" if new else "already revoked"
    click.echo(f"{said} key id {wanted} at {entry.time} ({where}); reports it signed no longer verify")
    if wanted in trusted and trusted[wanted].file == folder / PUBLIC_FILE:
        click.echo("it is the current signing key: reports cannot be signed until `govsoc keys init --force` "
                   "makes a new one")
