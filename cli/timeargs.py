"""Time options: ISO 8601 (``2025-12-10``, ``2025-12-10T06:00:00+08:00``) or relative (``24h``, ``7d``)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import click

from govsoc.cli.context import AppContext
from govsoc.core.config import ReportSettings
from govsoc.core.errors import GovsocError

_RELATIVE = re.compile(r"^(\d+)([smhdw])$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


class TimeParam(click.ParamType):  # type: ignore[type-arg,unused-ignore]
    """A point in time; naive times are read in the zone the tables print (reports.timezone,
    Asia/Shanghai by default), so a time copied from `govsoc alerts` selects what it shows."""

    name = "TIME"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> datetime:
        if isinstance(value, datetime):
            return value
        text = str(value).strip()
        relative = _RELATIVE.match(text)
        if relative:
            return datetime.now(UTC) - timedelta(**{_UNITS[relative[2]]: int(relative[1])})
        try:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            self.fail(f"{text!r} is not a time (use 2025-12-10, 2025-12-10T06:00:00+08:00 or 24h / 7d ago)",
                      param, ctx)
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=_display_zone(ctx))


def _display_zone(ctx: click.Context | None) -> ZoneInfo:
    """The configured display zone; the default one when the configuration cannot be read (the
    command reports that itself)."""
    app = ctx.find_object(AppContext) if ctx else None
    try:
        return ZoneInfo((app.config.reports if app else ReportSettings()).timezone)
    except GovsocError:
        return ZoneInfo(ReportSettings().timezone)


TIME = TimeParam()


def check_span(start: datetime | None, end: datetime | None) -> None:
    """Refuse (a usage error, exit 2) a --from at or after --to: such a span holds nothing, and
    its "0" read as "none happened" (R49a-3). Both are shown as given, with their offsets."""
    if start is not None and end is not None and start >= end:
        raise click.UsageError(f"--from {start.isoformat()} is not before --to {end.isoformat()}: "
                               "the span holds no time")
