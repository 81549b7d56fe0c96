"""R11v-2: short GBK syslog messages that are also valid UTF-8 (学校 -> ѧУ, 系统 -> ϵͳ) are read
as GBK, over real datagrams on loopback; genuine UTF-8 (3-byte Chinese, and Cyrillic or accents
from a sender known to send UTF-8) stays UTF-8."""

from __future__ import annotations

import pytest

from .conftest import Start, settle, stored, udp_send

# What a Huawei/H3C firewall logging GBK sends: only a policy, zone, user or word is Chinese.
GBK = ["<13>Dec  4 10:00:01 fw01 policy=学校 src=10.1.1.1 action=deny",
       "<13>Dec  4 10:00:02 fw01 zone=医院 user=admin login failed",
       "<13>Dec  4 10:00:03 fw01 系统 reboot",
       "<13>Dec  4 10:00:04 fw01 统一 auth failed for 姚 from 10.2.2.2",
       "<13>Dec  4 10:00:05 fw01 用户登录失败 user=张三"]
# A Linux host logging UTF-8: its first message (3-byte Chinese) tells the sender is UTF-8, so
# the short accented and Cyrillic ones after it are not taken for GBK.
UTF8 = ["<13>Dec  4 10:00:06 web01 app: 用户 张三 登录成功",
        "<13>Dec  4 10:00:07 web01 app: café login ok",
        "<13>Dec  4 10:00:08 web01 app: пользователь admin вход",
        "<13>Dec  4 10:00:09 web01 app: temp 25°C"]


@pytest.mark.parametrize("gbk_sender", ["127.0.0.1", "127.0.0.3"])
def test_short_gbk_messages_are_read_as_gbk(receivers: Start, store, gbk_sender: str) -> None:  # type: ignore[no-untyped-def]
    rs = receivers({"name": "udp", "transport": "udp", "listen": "127.0.0.1:0"})
    udp_send(rs.addresses["udp"], *(m.encode("gbk") for m in GBK), source=gbk_sender)
    for message in UTF8:  # one datagram at a time: the order is the evidence
        udp_send(rs.addresses["udp"], message.encode("utf-8"), source="127.0.0.2")
        settle(rs)
    settle(rs)
    rs.stop()
    events = stored(store)
    by_sender = {e.get("log.source.address"): [] for e in events}
    for event in events:
        by_sender[event.get("log.source.address")].append(event)
    assert sorted(e.get("event.original") for e in by_sender[gbk_sender]) == GBK
    assert {e.get("govsoc.charset") for e in by_sender[gbk_sender]} == {"gb18030"}
    # the bytes are recoverable from the text and the charset shown
    assert sorted(e.get("event.original").encode(e.get("govsoc.charset")) for e in by_sender[gbk_sender]) == sorted(
        m.encode("gbk") for m in GBK)
    assert sorted(e.get("event.original") for e in by_sender["127.0.0.2"]) == sorted(UTF8)
    assert {e.get("govsoc.charset") for e in by_sender["127.0.0.2"]} == {"utf-8"}
