"""R11v-2: short GBK syslog messages that are also valid UTF-8 (学校 -> ѧУ, 系统 -> ϵͳ) are read
as GBK once their sender (address and HOSTNAME) has sent 3 messages only GBK reads, over real
datagrams on loopback; genuine UTF-8 (3-byte Chinese, Cyrillic, accents) stays UTF-8, and one
host's evidence is not another's behind the same relay address."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import Start, settle, stored, udp_send

# What a Huawei/H3C firewall logging GBK sends: its ordinary messages (not UTF-8), then ones
# where only a policy, zone, user or word is Chinese.
GBK = ["<13>Dec  4 10:00:00 fw01 用户登录失败 user=张三",
       "<13>Dec  4 10:00:00 fw01 接口状态变为DOWN",
       "<13>Dec  4 10:00:00 fw01 管理员 admin 退出",
       "<13>Dec  4 10:00:01 fw01 policy=学校 src=10.1.1.1 action=deny",
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
    for message in GBK:  # one datagram at a time: the order is the evidence
        udp_send(rs.addresses["udp"], message.encode("gbk"), source=gbk_sender)
        settle(rs)
    for message in UTF8:  # one datagram at a time: the order is the evidence
        udp_send(rs.addresses["udp"], message.encode("utf-8"), source="127.0.0.2")
        settle(rs)
    settle(rs)
    rs.stop()
    events = stored(store)
    by_sender: dict[str, list[Any]] = {e.get("log.source.address"): [] for e in events}
    for event in events:
        by_sender[event.get("log.source.address")].append(event)
    assert sorted(e.get("event.original") for e in by_sender[gbk_sender]) == sorted(GBK)
    assert {e.get("govsoc.charset") for e in by_sender[gbk_sender]} == {"gb18030"}
    # the bytes are recoverable from the text and the charset shown
    assert sorted(e.get("event.original").encode(e.get("govsoc.charset")) for e in by_sender[gbk_sender]) == sorted(
        m.encode("gbk") for m in GBK)
    assert sorted(e.get("event.original") for e in by_sender["127.0.0.2"]) == sorted(UTF8)
    assert {e.get("govsoc.charset") for e in by_sender["127.0.0.2"]} == {"utf-8"}


def test_one_gbk_datagram_does_not_turn_a_senders_utf8_into_gbk(receivers: Start, store) -> None:  # type: ignore[no-untyped-def]
    """R11x-2 (sender_poison.py): one stray or spoofed GBK message from a Linux host's address;
    its UTF-8 messages after it (Latin accents, a Cyrillic name, 25°C, a lone ü) stay UTF-8."""
    rs = receivers({"name": "udp", "transport": "udp", "listen": "127.0.0.1:0"})
    udp_send(rs.addresses["udp"], "<13>Dec  4 10:00:00 fw: 用户登录失败 策略=默认".encode("gbk"), source="127.0.0.4")
    settle(rs)
    real = ["<13>Dec  4 10:00:01 web01 sshd[1]: Accepted password for josé from 10.1.1.1",
            "<13>Dec  4 10:00:02 web01 sshd[2]: Accepted password for müller from 10.1.1.2",
            "<13>Dec  4 10:00:03 web01 sudo: renée : TTY=pts/0 ; COMMAND=/bin/ls",
            "<13>Dec  4 10:00:04 web01 sshd[3]: Failed password for иван",
            "<13>Dec  4 10:00:05 web01 app: temp 25°C ok",
            "<13>Dec  4 10:00:06 web01 app: user=ü"]
    for message in real:
        udp_send(rs.addresses["udp"], message.encode("utf-8"), source="127.0.0.4")
        settle(rs)
    rs.stop()
    texts = [e.get("event.original") for e in stored(store)]
    assert sorted(t for t in texts if "web01" in t) == sorted(real)


def test_a_relay_keeps_each_hosts_evidence_apart(receivers: Start, store) -> None:  # type: ignore[no-untyped-def]
    """One address (a relay) forwards a GBK device (fw01) and a Linux host (web01): fw01's GBK
    evidence makes fw01's short 学校 GBK, not web01's UTF-8 homograph pаypal (Cyrillic а) that
    reads the same way (ѧУ and pаypal are both no text of one script)."""
    rs = receivers({"name": "udp", "transport": "udp", "listen": "127.0.0.1:0"})
    sent = [(f"<13>Dec  4 10:00:0{i} fw01 用户登录失败 次数={i}", "gbk") for i in range(3)]
    sent += [("<13>Dec  4 10:00:05 web01 squid: GET http://pаypal.com/login", "utf-8"),
             ("<13>Dec  4 10:00:06 fw01 policy=学校 action=deny", "gbk")]
    for message, encoding in sent:
        udp_send(rs.addresses["udp"], message.encode(encoding), source="127.0.0.5")
        settle(rs)
    rs.stop()
    assert sorted(e.get("event.original") for e in stored(store)) == sorted(m for m, _ in sent)
