"""`govsoc verify REPORT...`: check reports against their SM2 signatures (reports/signing.py).

Exit 0 when every report is unchanged and signed by a trusted key that is not revoked, under
the name it was signed with, each printed with the key id and the file that made the key
trusted; 1 with one line per failed report (every report is checked) saying what failed (no
such report, the report changed, the signature file changed, another key signed it, a revoked
key signed it, no signature, or a report renamed: the signed name holds its kind and period, so
a copy renamed to another period fails unless --allow-rename); 2 when no trusted
key is known or the key folder may be written by others (reports.trust). Trusted keys:
``<data dir>/keys/report-signing.pub``, ``<data dir>/keys/trusted/*.pub`` and every ``--key
FILE`` (an auditor's copy of the public key); revoked keys: ``<data dir>/keys/revoked.txt``
(`govsoc keys revoke KEY_ID`), with --only-key too.
"""

from __future__ import annotations

from pathlib import Path

import click

from govsoc.cli.commands.keys import key_folder
from govsoc.cli.context import AppContext
from govsoc.cli.main import cli
from govsoc.cli.terminal import printable
from govsoc.core.errors import ConfigError, ReportError


@cli.command("verify")
@click.argument("reports", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--key", "keys", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A trusted SM2 public key (PEM); repeatable. Default: the keys under the data directory.")
@click.option("--only-key", is_flag=True, help="Trust only the --key files, not the local keys.")
@click.option("--signature", type=click.Path(dir_okay=False, path_type=Path),
              help="The signature file (default: REPORT.sig beside the report; one report only).")
@click.option("--allow-rename", is_flag=True,
              help="Accept a report whose name differs from the name it was signed with (with a note).")
@click.pass_obj
def verify(app: AppContext, reports: tuple[Path, ...], keys: tuple[Path, ...], only_key: bool,
           signature: Path | None, allow_rename: bool) -> int:
    """Verify each REPORT's SM3 digest and SM2 signature against trusted public keys (each one
    is answered). Exit 0 all verified; 1 any failed (changed, another or a revoked key, no
    signature, or renamed: the signed name holds the kind and period); 2 no trusted key, a key
    folder others may write, or an unreadable revoked.txt."""
    from govsoc.reports.signing import verify_report
    from govsoc.reports.trust import TrustedKey, read_key_file, revoked_keys, trusted_keys

    if signature is not None and len(reports) != 1:
        raise click.UsageError("--signature goes with one report")
    folder = key_folder(app)
    trusted: dict[str, TrustedKey] = {}
    if only_key:
        if not keys:
            raise click.UsageError("--only-key needs --key FILE")
        for path in keys:
            found = read_key_file(path)
            trusted.setdefault(found.key_id, found)
    else:
        trusted = trusted_keys(folder, keys)
    if not trusted:
        raise ConfigError("no trusted public key: pass --key FILE (the signer's public key) "
                          "or run govsoc keys init")
    revoked = revoked_keys(folder)
    failed = 0
    for report in reports:  # every report is checked and answered, whatever the one before did
        try:
            result = verify_report(report, trusted, signature=signature, revoked=revoked,
                                   allow_rename=allow_rename)
        except ReportError as e:
            failed += 1
            click.echo(f"govsoc: error: {printable(' '.join(str(e).split()))}", err=True)
            continue
        click.echo(f"OK {printable(str(report))}: SM3 {result.digest[:16]}…, SM2 signature by "
                   f"{printable(result.signer)} at {printable(result.time)}, key id {result.key_id} "
                   f"trusted by {printable(str(result.key_file))}")
        for note in result.notes:
            click.echo(f"   note: {printable(note)}")
    if failed and len(reports) > 1:
        click.echo(f"govsoc: {failed} of {len(reports)} reports failed verification", err=True)
    return 1 if failed else 0
