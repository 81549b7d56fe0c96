"""The one error tree of govsoc.

Every error a user can meet is a GovsocError that knows where it happened::

    GovsocError(msg, *, location)          root; str() is "<location> <msg>"
    ├── ConfigError     govsoc.yaml, inventory.yaml, environment, command-line usage
    │   └── ConfigErrors        every error of one file at once, each with its own location
    ├── ParseError      a record a parser could not understand (file:line, field)
    ├── RuleError       a Sigma rule that does not load, validate or convert
    ├── StoreError      the event store refused, is unreachable or is misconfigured
    │   ├── DamagedStateError   a state document the store holds is not what govsoc wrote
    │   └── StoreConfigError    also a ConfigError: the store answers, but as configured it
    │                           cannot be used (its certificate does not verify): no outage
    ├── ProbeError      an active probe (TLS, TLCP, SSH) failed
    └── ReportError     a report could not be rendered, signed or verified

Bulk work (ingesting a file, loading a rule folder) collects these, counts them and goes on;
the CLI prints one of them as one line on stderr (ConfigErrors: one line each) and exits 2 for
ConfigError.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True, kw_only=True)
class Location:
    """Where something is: a path, optionally a 1-based line and column, and a field or key."""

    path: str | None = None
    line: int | None = None
    column: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        parts = []
        if self.path:
            where = self.path
            if self.line is not None:
                where += f":{self.line}"
                if self.column is not None:
                    where += f":{self.column}"
            parts.append(where)
        if self.field:
            parts.append(self.field)
        return " ".join(parts)


class GovsocError(Exception):
    """Root of govsoc's errors: a message and, where known, the location it concerns."""

    def __init__(self, message: str, *, location: Location | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.location = location

    def __str__(self) -> str:
        where = str(self.location) if self.location else ""
        return f"{where}: {self.message}" if where else self.message


class ConfigError(GovsocError):
    """Invalid configuration, inventory, environment or command-line usage."""


class ConfigErrors(ConfigError):
    """Several errors of one configuration file, found together (pydantic validates every key):
    all of them are shown, one a line, each with its file and line, so that fixing the first does
    not reveal the next only on the next run (R49a-7). Its own message and location are the
    first error's."""

    def __init__(self, errors: Sequence[ConfigError]) -> None:
        if not errors:
            raise ValueError("ConfigErrors needs at least one error")
        super().__init__(errors[0].message, location=errors[0].location)
        self.errors: tuple[ConfigError, ...] = tuple(errors)

    def __str__(self) -> str:
        return "\n".join(str(e) for e in self.errors)

    @staticmethod
    def of(errors: Sequence[ConfigError]) -> ConfigError:
        """What a file's validation raises: its one error as it is, or all of them together."""
        return errors[0] if len(errors) == 1 else ConfigErrors(errors)


class ParseError(GovsocError):
    """A record that a parser could not turn into an event."""


class RuleError(GovsocError):
    """A detection rule that cannot be loaded, validated or converted."""


class StoreError(GovsocError):
    """The event store failed, refused a request or is unreachable."""


class StoreConfigError(StoreError, ConfigError):
    """The store answers, but as configured govsoc cannot use it (R11i-7: the node's TLS
    certificate does not verify against the CA configured): a configuration error to fix, not
    an outage to wait out. Ingest keeps what it read spooled and stops (exit 2)."""


class DamagedStateError(StoreError):
    """A state document of the store (rule checkpoints, windows to judge again) is not a JSON
    object: a writer of the store changed or damaged it. The message names its key; the caller
    may rebuild the document instead of stopping."""


class ProbeError(GovsocError):
    """An active probe could not complete."""


class ReportError(GovsocError):
    """A report could not be rendered, signed or verified."""
