"""The subcommands; importing this package attaches them to the `govsoc` group."""

from __future__ import annotations

from govsoc.cli.commands import (  # noqa: F401
    alerts,
    config,
    demo,
    detect,
    ingest,
    query,
    report,
    retention,
    rules,
    status,
)
