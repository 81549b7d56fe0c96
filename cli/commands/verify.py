"""`govsoc verify REPORT...`: check reports against their SM2 signatures (reports/signing.py).

Exit 0 when every report is unchanged and signed by a trusted key; 1 with one line saying what
failed (the report changed, the signature file changed, another key signed it, or no signature);
2 when no trusted key is known. Trusted keys: ``<data dir>/keys/report-signing.pub``,
``<data dir>/keys/trusted/*.pub`` and every ``--key FILE`` (an auditor's copy of the public key).
"""

from __future__ import annotations

from pathlib import Path

import click

from govsoc.cli.commands.keys import key_folder
from govsoc.cli.context import AppContext
from govsoc.cli.main import cli
from govsoc.cli.terminal import printable
from govsoc.core.errors import ConfigError


@cli.command("verify")
@click.argument("reports", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--key", "keys", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A trusted SM2 public key (PEM); repeatable. Default: the keys under the data directory.")
@click.option("--only-key", is_flag=True, help="Trust only the --key files, not the local keys.")
@click.option("--signature", type=click.Path(dir_okay=False, path_type=Path),
              help="The signature file (default: REPORT.sig beside the report; one report only).")
@click.pass_obj
def verify(app: AppContext, reports: tuple[Path, ...], keys: tuple[Path, ...], only_key: bool,
           signature: Path | None) -> None:
    """Verify each REPORT's SM3 digest and SM2 signature against trusted public keys."""
    from govsoc.reports.signing import key_id, read_public_key, trusted_keys, verify_report

    if signature is not None and len(reports) != 1:
        raise click.UsageError("--signature goes with one report")
    if only_key:
        if not keys:
            raise click.UsageError("--only-key needs --key FILE")
        trusted = {}
        for path in keys:
            try:
                public = read_public_key(path.read_text(encoding="ascii"))
            except (OSError, ValueError, UnicodeDecodeError) as e:
                raise ConfigError(f"{path}: not an SM2 public key ({e})") from e
            trusted[key_id(public)] = public
    else:
        trusted = trusted_keys(key_folder(app), keys)
    if not trusted:
        raise ConfigError("no trusted public key: pass --key FILE (the signer's public key) "
                          "or run govsoc keys init")
    for report in reports:
        result = verify_report(report, trusted, signature=signature)
        click.echo(f"OK {printable(str(report))}: SM3 {result.digest[:16]}…, SM2 signature by "
                   f"{printable(result.signer)} (key id {result.key_id}) at {printable(result.time)}")
        for note in result.notes:
            click.echo(f"   note: {printable(note)}")
