"""Text that is safe to send to a terminal: log lines and file names are data, and a control
character in them must be shown, never obeyed. Kept apart from cli.output so that commands
which print plain lines (`govsoc ingest`) do not import rich."""

from __future__ import annotations

import re

#: C0 controls except tab and newline, DEL and the C1 controls: shown, never sent to the terminal.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """``text`` with terminal control characters written as ``\\xNN``."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
