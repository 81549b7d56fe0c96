"""The day's traffic: a capture at the 政务云's border (a pcap of whole conversations: TLS to the
portal, DNS, and what a sensor should flag: TLS 1.0 with RC4 to an old system, telnet, FTP and
HTTP Basic logins in the clear, a DNS tunnel) and the border router's NetFlow v9 / the cloud's
IPFIX exports (ordinary flows, a bulk upload from a cloud server to the internet, an RDP sweep).
"""

from __future__ import annotations

import base64
import io
from datetime import datetime, timedelta

from govsoc.demo.day import Day
from govsoc.demo.packets import (
    Conversation,
    FlowRecord,
    PcapWriter,
    client_hello,
    dns_query,
    ipfix,
    netflow_v9,
    server_hello,
)
from govsoc.demo.truth import Attack

__all__ = ["PCAP", "NETFLOW", "traffic_day"]

PCAP, NETFLOW = "traffic/yzw_border.pcap", "traffic/netflow.dat"
RESOLVER = "10.255.0.53"


def traffic_day(day: Day) -> tuple[bytes, list[bytes]]:
    """The pcap file's bytes and the NetFlow/IPFIX datagrams (in sending order)."""
    conversations: list[tuple[datetime, int, object]] = []
    _pcap_background(day, conversations)
    _pcap_attacks(day, conversations)
    buffer = io.BytesIO()
    pcap = PcapWriter(buffer)
    for when, _n, write in sorted(conversations, key=lambda c: (c[0], c[1])):
        write(pcap, when.timestamp())  # type: ignore[operator]
    day.truth.records[PCAP] = pcap.packets
    day.truth.events[PCAP] = sum(getattr(write, "flows", 1) for _w, _n, write in conversations)
    datagrams = _netflow(day)
    day.truth.records[NETFLOW] = len(datagrams)
    return buffer.getvalue(), datagrams


def _tls(client: tuple[str, int], server: tuple[str, int], name: str, version: int, suite: int, rnd: bytes,
         data: int) -> object:
    def write(pcap: PcapWriter, when: float) -> None:
        talk = Conversation(pcap, client, server, when).open()
        talk.say(True, client_hello(name, (0xC02F, 0x1301, 0x0005, 0x000A, suite), rnd))
        talk.say(False, server_hello(version, suite, rnd[::-1]))
        talk.say(True, bytes([23, 3, 3, 0, 64]) + rnd * 2)
        talk.say(False, bytes([23, 3, 3, (data >> 8) & 0xFF, data & 0xFF]) + bytes(data))
        talk.close()
    return write


def _plain(client: tuple[str, int], server: tuple[str, int], exchanges: list[tuple[bool, bytes]]) -> object:
    def write(pcap: PcapWriter, when: float) -> None:
        talk = Conversation(pcap, client, server, when).open()
        for from_client, payload in exchanges:
            talk.say(from_client, payload)
        talk.close()
    return write


def _dns(client: str, names: list[str], first_id: int, first_port: int) -> object:
    """Queries from one client, each from a port of its own (a flow each)."""
    def write(pcap: PcapWriter, when: float) -> None:
        for i, name in enumerate(names):
            pcap.udp(when + i * 0.5, client, first_port + i, RESOLVER, 53, dns_query(first_id + i, name, 16))
    write.flows = len(names)  # type: ignore[attr-defined]
    return write


def _pcap_background(day: Day, out: list[tuple[datetime, int, object]]) -> None:
    city, rng = day.city, day.rng
    portal = city.system("ywtb")
    for n in range(city.scale.busy * 8):
        when = day.any_time(8, 18)
        client = (rng.choice(city.agencies).host(rng.randrange(20, 200)), rng.randrange(30000, 60000))
        out.append((when, len(out), _tls(client, (city.portal_ip, 443), portal.domain, 0x0303, 0xC02F,
                                         rng.randbytes(32), rng.randrange(200, 4000))))
        if n % 4 == 0:
            name = f"{rng.choice(city.systems).code}.zwfw.example.gov.cn"
            out.append((when, len(out), _dns(client[0], [name], rng.randrange(60000), rng.randrange(20000, 60000))))


def _pcap_attacks(day: Day, out: list[tuple[datetime, int, object]]) -> None:
    city, rng = day.city, day.rng
    old = city.system("jtwf")
    client, start = rng.choice(city.agencies).host(248), day.at(9, 30, 0)
    for i in range(3):
        out.append((start + timedelta(minutes=i), len(out), _tls((client, 50100 + i), (old.web_ip, 443), old.domain,
                                                                  0x0301, 0x0005, rng.randbytes(32), 900)))
    day.plant(Attack(id="weak-tls-traffic", kind="weak crypto", title="交通违法处理系统使用TLS 1.0与RC4",
                     source=PCAP, channel="pcap", start=start, records=3, ips=frozenset({client}),
                     rules=("flow_weak_tls_version.yml", "flow_weak_tls_cipher.yml")))
    client, start = rng.choice(city.agencies).host(247), day.at(10, 15, 0)
    hj = city.system("hjgl").host(11)
    out.append((start, len(out), _plain((client, 51001), (hj, 23), [
        (False, bytes.fromhex("fffd18fffd20fffd23fffd27")), (False, b"login: "), (True, b"root\r\n"),
        (False, b"Password: "), (True, b"Hj@2026!\r\n"), (False, b"Last login: Mon Nov 30 08:01:11\r\n# ")])))
    out.append((start + timedelta(minutes=2), len(out), _plain((client, 51002), (hj, 21), [
        (False, b"220 (vsFTPd 3.0.3)\r\n"), (True, b"USER backup\r\n"),
        (False, b"331 Please specify the password.\r\n"),
        (True, b"PASS Backup123\r\n"), (False, b"230 Login successful.\r\n")])))
    token = base64.b64encode(b"admin:Jz@12345").decode()
    jz = city.system("jzgl").web_ip
    out.append((start + timedelta(minutes=4), len(out), _plain((client, 51003), (jz, 80), [
        (True, f"GET /admin/ HTTP/1.1\r\nHost: {jz}\r\nAuthorization: Basic {token}\r\n\r\n".encode()),
        (False, b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")])))
    day.plant(Attack(id="cleartext-logins", kind="cleartext", title="Telnet/FTP/HTTP Basic明文口令登录",
                     source=PCAP, channel="pcap", start=start, records=3, ips=frozenset({client}),
                     rules=("flow_telnet_session.yml", "flow_ftp_session.yml", "flow_http_basic_auth.yml")))
    client, start = rng.choice(city.agencies).host(246), day.at(2, 40, 0)
    chunks = [base64.b32encode(rng.randbytes(30)).decode().rstrip("=").lower() for _ in range(120)]
    names = [f"{c[:40]}.{c[40:]}.t.cdn-update-check.com" for c in chunks]
    out.append((start, len(out), _dns(client, names, 1000, 40000)))
    day.plant(Attack(id="dns-tunnel", kind="exfiltration", title="DNS隧道(超长随机子域名TXT查询)", source=PCAP,
                     channel="pcap", start=start, records=len(names), ips=frozenset({client}),
                     rules=("flow_dns_tunnel_long_label.yml", "flow_dns_many_subdomains.yml")))


def _netflow(day: Day) -> list[bytes]:
    city, rng = day.city, day.rng
    boot = day.at(0) - timedelta(days=40)
    flows: list[FlowRecord] = []
    for _ in range(city.scale.busy * len(city.agencies) // 2):
        start = day.any_time(7, 20)
        flows.append(FlowRecord(rng.choice(city.agencies).host(rng.randrange(20, 200)),
                                rng.choice(city.systems).web_ip, rng.randrange(30000, 60000), 443, 6,
                                rng.randrange(8, 60), rng.randrange(2000, 90000), start,
                                start + timedelta(seconds=rng.randrange(1, 30))))
    exfil_src, exfil_dst, start = city.systems[4 % len(city.systems)].host(21), day.public_ip(), day.at(1, 5, 0)
    for i in range(12):  # 12 five-minute flow records of a 6 GB upload
        begin = start + timedelta(minutes=5 * i)
        flows.append(FlowRecord(exfil_src, exfil_dst, 49822, 443, 6, 380_000, 512_000_000, begin,
                                begin + timedelta(minutes=5)))
    day.plant(Attack(id="cloud-exfiltration", kind="exfiltration", title="政务云主机向境外地址外传约6GB数据",
                     source=NETFLOW, channel="netflow", start=start, records=12,
                     ips=frozenset({exfil_src, exfil_dst}), rules=("flow_large_outbound_from_cloud.yml",)))
    scanner, start = day.public_ip(), day.at(4, 0, 0)
    swept = max(40, min(200, len(city.agencies)))  # a sweep is tens of addresses, whatever the scale
    for i in range(swept):
        when = start + timedelta(milliseconds=300 * i)
        target = city.agencies[i % len(city.agencies)].host(10 + i // len(city.agencies))
        flows.append(FlowRecord(scanner, target, 61000 + i % 1000, 3389, 6, 1, 44, when, when))
    day.plant(Attack(id="netflow-rdp-sweep", kind="scan", title="互联网对外网单位3389端口扫描", source=NETFLOW,
                     channel="netflow", start=start, records=swept,
                     ips=frozenset({scanner}), rules=("flow_horizontal_scan.yml",)))
    flows.sort(key=lambda f: f.end)
    day.truth.events[NETFLOW] = len(flows)
    datagrams, sequences = [], [0, 0]  # v9 counts export packets, IPFIX data records (per exporter)
    for n, at in enumerate(range(0, len(flows), 24)):
        batch = flows[at:at + 24]
        export = batch[-1].end + timedelta(seconds=1)
        if n % 2 == 0:
            datagrams.append(netflow_v9(batch, export=export, boot=boot, sequence=sequences[0], source_id=1))
            sequences[0] += 1
        else:
            datagrams.append(ipfix(batch, export=export, sequence=sequences[1], domain=2))
            sequences[1] += len(batch)
    return datagrams
