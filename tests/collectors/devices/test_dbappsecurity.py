"""DBAppSecurity WAF alerts (real, see tests/data/collectors/devices/README.md), in GBK; fields
derived from the key/value meaning (log-formats.md section 8.3)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

Sample = Callable[[str, str], list[dict[str, Any]]]
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(("line", "expected"), [
    # warned, not blocked: allowed; the body's own time; host:port/target split
    (0, {"@timestamp": datetime(2024, 12, 20, 10, 20, 15, tzinfo=SHANGHAI), "event.type": ["allowed"],
         "rule.name": "检测SQL注入", "rule.id": "10190001", "rule.category": "SQL注入", "event.severity": 2,
         "http.request.method": "POST", "url.domain": "10.50.109.90", "url.path": "/api/v1/data",
         "destination.port": 31003, "source.ip": "10.50.24.198", "http.response.status_code": 403}),
    # blocked; the user agent holds a slash
    (1, {"event.type": ["denied"], "event.outcome": "failure", "user_agent.original": "Python-urllib/2.7"}),
    # an empty host: the target alone; the attack string holds quotes and a comma-free script
    (2, {"url.original": "/index.php", "url.domain": None, "event.severity": 1,
         "dbappsecurity.waf.attack_feature": "<script>alert('XSS')</script>"}),
    # a user agent with ", " inside stays whole; a trailing comma is no field
    (3, {"user_agent.original": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
                                "Chrome/75.0.3770.100 Safari/537.36", "event.severity": 3,
         "url.extension": "bak"}),
    # the older English keys
    (4, {"@timestamp": datetime(2018, 6, 28, 14, 48, 41, tzinfo=SHANGHAI), "event.severity": 3, "rule.id": "16020",
         "url.domain": "www.shac.gov.cn", "destination.ip": "116.228.18.39", "source.port": 39199}),
])
def test_dbappsecurity_waf_lines(sample: Sample, line: int, expected: dict[str, Any]) -> None:
    event = sample("dbappsecurity.waf", "dbappsecurity.log")[line]
    assert {k: event.get(k) for k in expected} == expected
    assert event["event.kind"] == "alert" and event["observer.type"] == "waf"
