"""govsoc.cli: the `govsoc` command. Only cli/ and scheduler/ may import every stage."""

from __future__ import annotations

from govsoc.cli.main import main

__all__ = ["main"]
