"""Huawei Cloud CTS (云审计服务) traces, as the CTS v3 API and the OBS/LTS transfers give them:
the ``huaweicloud.cts`` parser.

Stage: collectors (parse + normalise), per reference log-formats.md 13.3. Every key stays under
``huaweicloud.cts.*``. ``time`` is epoch milliseconds in the API; Huawei's older documentation
shows ``"2017-02-15 14:21:50 GMT+08:00"``: both are read. ``request`` and ``response`` are JSON
held in strings: they are kept as text (they may hold secrets; masking is the classification
stage's).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from govsoc.collectors.base import parsers
from govsoc.collectors.cloud.trail import TrailFormat, TrailParser, categorise

FIELDS: dict[str, str] = {
    "trace_name": "event.action", "service_type": "cloud.service.name", "user.id": "user.id",
    "user.name": "user.name", "user.domain.id": "cloud.account.id", "code": "http.response.status_code",
}
#: trace_rating -> event.severity (reference 13.3).
SEVERITIES: dict[str, int] = {"normal": 1, "warning": 2, "incident": 3}
_GMT = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) GMT([+-])(\d\d):(\d\d)$")


def _extra(doc: dict[str, Any], out: dict[str, Any]) -> None:
    out["cloud.provider"] = "huaweicloud"
    out["event.module"] = "huaweicloud"
    out["event.provider"] = str(doc.get("service_type", ""))
    code = str(doc.get("code", ""))
    if code.isdigit():
        out["http.response.status_code"] = int(code)
        out["event.outcome"] = "failure" if int(code) >= 400 else "success"
    rating = doc.get("trace_rating")
    if isinstance(rating, str) and rating in SEVERITIES:
        out["event.severity"] = SEVERITIES[str(rating)]
    categorise(str(doc.get("trace_name", "")), str(doc.get("service_type", "")), out)


def _timestamp(doc: dict[str, Any]) -> datetime:
    value = doc["time"]
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(value / 1000, tz=UTC)
    match = _GMT.match(str(value))
    if match is None:
        raise ValueError(f"time {value!r} is neither epoch milliseconds nor 'YYYY-MM-DD hh:mm:ss GMT+hh:mm'")
    sign = 1 if match.group(2) == "+" else -1
    zone = timezone(sign * timedelta(hours=int(match.group(3)), minutes=int(match.group(4))))
    return datetime.strptime(match.group(1), "%Y-%m-%d %H:%M:%S").replace(tzinfo=zone).astimezone(UTC)


CTS = TrailFormat(prefix="huaweicloud.cts.", marker="trace_id", batch_keys=("traces",), fields=FIELDS,
                  address="source_ip", timestamp=_timestamp, extra=_extra, provider="Huawei Cloud CTS")


@parsers.register("huaweicloud.cts")
class HuaweiCloudCtsParser(TrailParser):
    """Huawei Cloud CTS management and data traces."""

    dataset = "huaweicloud.cts"
    trail = CTS
