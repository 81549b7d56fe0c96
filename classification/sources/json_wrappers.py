"""MongoDB Extended JSON v2 wrappers (stage: classification): mongoexport writes a date as
{"$date": "<ISO 8601>"} between 1970 and 9999 and as {"$date": {"$numberLong": "<ms>"}} before
1970 (most adults' dates of birth) and always in canonical mode, and a 64-bit integer as
{"$numberLong": "<n>"} (an ID number or a mobile stored as a long). A wrapper is the scalar it
wraps: the date as mongoexport's relaxed form writes it (ISO 8601, UTC), the number as its
digits, so a field is judged as the same value written plainly is (R15e-26)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, Final

__all__ = ["unwrapped"]

_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
#: the number wrappers of Extended JSON v2 (canonical mode), whose value is the number's text
_NUMBERS: Final = frozenset({"$numberLong", "$numberInt", "$numberDouble", "$numberDecimal"})


def unwrapped(value: dict[str, Any]) -> str | None:
    """The scalar text a one-key Extended JSON date or number wrapper stands for; None for any
    other object (and for a wrapper whose content is not of its kind: kept as the object)."""
    if len(value) != 1:
        return None
    ((key, inner),) = value.items()
    if key in _NUMBERS:
        return inner if isinstance(inner, str) else None
    if key != "$date":
        return None
    if isinstance(inner, dict):
        inner = unwrapped(inner) if set(inner) == {"$numberLong"} else None
        return _instant(inner) if inner is not None else None
    if isinstance(inner, int) and not isinstance(inner, bool):  # Extended JSON v1's {"$date": <ms>}
        return _instant(str(inner))
    return inner if isinstance(inner, str) else None


def _instant(ms: str) -> str | None:
    """Epoch milliseconds (negative before 1970) as mongoexport's relaxed form writes the instant."""
    try:
        moment = _EPOCH + timedelta(milliseconds=int(ms))
    except (ValueError, OverflowError):
        return None
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
