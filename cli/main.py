"""The `govsoc` command group, its shared options and its error handling.

Errors reach the user as one line on stderr: ``govsoc: error: <where>: <what>``. Usage and
configuration errors exit 2, other failures 1; --verbose adds the traceback.

Subcommands are imported when they are run, not at start: `govsoc ingest` of an unchanged file
is a fraction of a second, and importing the rule engine (pySigma, jinja2) or the report
renderers for it would be most of its time. COMMANDS names the module of every subcommand.
"""

from __future__ import annotations

import importlib
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

import click

from govsoc.cli.context import AppContext
from govsoc.cli.terminal import printable
from govsoc.core.errors import ConfigError, ConfigErrors, GovsocError

EXIT_FAILURE = 1
EXIT_USAGE = 2

#: Subcommand -> the module that defines it (and attaches it to the group when imported).
COMMANDS: dict[str, str] = {
    "alerts": "govsoc.cli.commands.alerts",
    "capture": "govsoc.cli.commands.capture",
    "classify": "govsoc.cli.commands.classify",
    "config": "govsoc.cli.commands.config",
    "crypto-eval": "govsoc.cli.commands.crypto_eval",
    "demo": "govsoc.cli.commands.demo",
    "detect": "govsoc.cli.commands.detect",
    "events": "govsoc.cli.commands.query",
    "ingest": "govsoc.cli.commands.ingest",
    "keys": "govsoc.cli.commands.keys",
    "listen": "govsoc.cli.commands.listen",
    "report": "govsoc.cli.commands.report",
    "retention": "govsoc.cli.commands.retention",
    "rules": "govsoc.cli.commands.rules",
    "run": "govsoc.cli.commands.run",
    "status": "govsoc.cli.commands.status",
    "verify": "govsoc.cli.commands.verify",
}


class LazyGroup(click.Group):
    """A command group that imports a subcommand's module only when the subcommand is used."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Every subcommand name, imported or not."""
        return sorted(set(self.commands) | set(COMMANDS))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """The subcommand, importing its module first when it is not attached yet."""
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            importlib.import_module(COMMANDS[cmd_name])
        return self.commands.get(cmd_name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path), envvar="GOVSOC_CONFIG",
              help="govsoc.yaml to use (env GOVSOC_CONFIG). Without one, govsoc uses an embedded SQLite "
                   "store under $GOVSOC_HOME or ~/.local/share/govsoc.")
@click.option("-v", "--verbose", is_flag=True, help="Show tracebacks and debug detail on errors.")
@click.version_option(package_name="govsoc", prog_name="govsoc")
@click.pass_context
def cli(ctx: click.Context, config_path: Path | None, verbose: bool) -> None:
    """govsoc: security operations and compliance monitoring for e-government networks.

    \b
    Typical day:
      govsoc ingest /var/log/auth.log      # collect and normalise to ECS
      govsoc detect                        # run the Sigma rules
      govsoc alerts                        # triage
      govsoc keys init                     # once: the key that signs reports
      govsoc report -o report.html         # write the report (signed; govsoc verify checks it)
    """
    ctx.obj = AppContext(config_path=config_path, verbose=verbose)
    ctx.call_on_close(ctx.obj.close)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    verbose = "-v" in args or "--verbose" in args
    try:
        result = cli.main(args=args, prog_name="govsoc", standalone_mode=False)
        return result if isinstance(result, int) else 0
    except click.exceptions.Exit as e:
        return e.exit_code
    except click.exceptions.Abort:
        _error("interrupted")
        return 130
    except click.UsageError as e:
        hint = f" (see 'govsoc {e.ctx.command_path.split(' ', 1)[1]} --help')" if e.ctx and " " in \
            e.ctx.command_path else " (see 'govsoc --help')"
        _error(e.format_message() + hint)
        return EXIT_USAGE
    except click.ClickException as e:
        _error(e.format_message())
        return e.exit_code
    except ConfigError as e:
        _report(e, verbose)
        return EXIT_USAGE
    except GovsocError as e:
        _report(e, verbose)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        _error("interrupted")
        return 130
    except Exception as e:  # the last line of defence: one line, traceback on request
        _report(e, verbose, prefix="internal error: ")
        return EXIT_FAILURE


def _report(error: BaseException, verbose: bool, prefix: str = "") -> None:
    if verbose:
        traceback.print_exception(error, file=sys.stderr)
    if isinstance(error, ConfigErrors):  # each error of the file on a line of its own
        for each in error.errors:
            _error(prefix + str(each))
        return
    _error(prefix + (str(error) if isinstance(error, GovsocError) else f"{type(error).__name__}: {error}"))


def _error(message: str) -> None:
    # error texts quote file names, DSNs and values: data, whose control characters are shown
    flat = printable(" ".join(message.split()))
    click.echo(f"govsoc: error: {flat}", err=True)
