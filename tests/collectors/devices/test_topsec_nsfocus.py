"""Topsec TOS / NGTOS and NSFOCUS IPS lines (real, see tests/data/collectors/devices/README.md),
GBK device names included; fields derived from the key=value meaning (log-formats.md 7, 8.1)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

Sample = Callable[[str, str], list[dict[str, Any]]]
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(("line", "expected"), [
    # a failed configuration command (result=-1), after a syslog header; the body's own time counts
    (0, {"@timestamp": datetime(2020, 7, 10, 16, 26, 55, tzinfo=SHANGHAI), "event.category": ["configuration"],
         "event.outcome": "failure", "user.name": "superman", "source.ip": "192.168.152.30",
         "process.command_line": "ar custom modify name FTP ports 'tcp|21 ';error -27007 : 对象不存在"}),
    # access control in GBK: Chinese device name, MACs in ECS form, accept -> allowed
    (1, {"observer.name": "滨海公安外网防火墙", "event.type": ["connection", "allowed"],
         "source.mac": "74-25-8A-EB-F6-0E",
         "observer.egress.interface.name": "eth10", "rule.id": "8036", "user.name": None, "network.transport": "tcp"}),
    # tabs between pairs
    (2, {"observer.name": "滨海公安IDP-备", "destination.ip": "224.0.0.22", "rule.id": "8066"}),
    # SSL VPN connect with a Chinese user name, "Login success" after the pairs
    (3, {"user.name": "朱毅伟", "event.type": ["start"], "event.outcome": "success", "client.nat.ip": "8.8.242.253"}),
    # an administrator's logout
    (4, {"event.category": ["authentication"], "event.type": ["end"], "event.outcome": "success"}),
    # a successful configuration command
    (5, {"event.outcome": "success", "process.command_line": "log log type_set add mgmt"}),
    # NGTOS: every value quoted, a Chinese threat type
    (7, {"event.kind": "alert", "event.action": "botnet-detected", "observer.product": "NGTOS",
         "topsec.bad_domain": "teredo.ipv6.microsoft.com", "destination.port": 53}),
])
def test_topsec_lines(sample: Sample, line: int, expected: dict[str, Any]) -> None:
    event = sample("topsec.tos", "topsec.log")[line]
    assert {k: event.get(k) for k in expected} == expected


@pytest.mark.parametrize(("line", "expected"), [
    # blocked (breaking_sighn 1), Chinese rule name in GBK
    (0, {"event.type": ["denied"], "rule.id": "50083", "rule.name": "RDP远程桌面服务终端服务用户登录",
         "destination.port": 3389, "nsfocus.danger_degree": "1",
         "@timestamp": datetime(2020, 5, 10, 12, 30, 34, tzinfo=SHANGHAI)}),
    # not blocked
    (1, {"event.type": ["allowed"], "event.severity": 5, "network.application": "SSL"}),
    # user: last and empty
    (2, {"user.name": None, "rule.name": "多个应用application.ini数据库配置文件泄露漏洞"}),
])
def test_nsfocus_lines(sample: Sample, line: int, expected: dict[str, Any]) -> None:
    event = sample("nsfocus.ips", "nsfocus.log")[line]
    assert {k: event.get(k) for k in expected} == expected
    assert event["event.kind"] == "alert" and event["log.syslog.priority"] == 5
