"""Huawei VRP and USG lines (real, see tests/data/collectors/devices/README.md), fields derived
from Huawei's information-center format and the meaning of each log (log-formats.md section 3)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from govsoc.collectors.base import ParseContext, RawRecord
from govsoc.collectors.community_id import community_id
from govsoc.collectors.devices import HuaweiParser

Sample = Callable[[str, str], list[dict[str, Any]]]
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(("line", "expected"), [
    # CMDRECORD with FLAG and COUNT swapped ("[l](324)"), a command with parentheses in quotes
    (0, {"event.category": ["configuration"], "event.type": ["change"], "user.name": "admin",
         "source.ip": "192.168.1.178", "process.command_line": "log off (ssh user)", "huawei.sequence": 324,
         "huawei.flag": "l", "huawei.vrp.task": "vt0", "observer.name": "Huawei", "event.dataset": "huawei.vrp"}),
    # USG CMDRECORD: admin audit trail, Huawei's own year-bearing time
    (1, {"event.action": "command-executed", "event.outcome": "success", "process.command_line": "action deny",
         "source.ip": "4.1.93.42", "huawei.vrp.authentication_method": "Null",
         "@timestamp": datetime(2017, 3, 29, 16, 6, 54, tzinfo=SHANGHAI)}),
    # "Ip=**" is VRP's mask for a console session: no address
    (2, {"source.ip": None, "source.address": None, "process.command_line": "rule name test"}),
    # policy hit: 5-tuple, zones, rule without the sentence's full stop, protocol number
    (3, {"event.dataset": "huawei.usg", "event.category": ["network"], "event.type": ["connection", "allowed"],
         "event.action": "policy-permit", "network.iana_number": "17", "network.transport": "udp",
         "source.port": 137, "destination.ip": "63.1.1.255", "observer.ingress.zone": "untrust",
         "rule.name": "eeeee", "huawei.usg.vsys": "abc", "observer.type": "firewall"}),
    # a relay's header in front of the device's: the device's ISO time and name count
    (5, {"@timestamp": datetime(2020, 9, 9, 10, 5, 11, tzinfo=SHANGHAI), "observer.name": "FW-OUT-01",
         "event.type": ["connection", "end"], "source.nat.ip": "84.10.61.54", "source.bytes": 74,
         "destination.bytes": 120, "event.start": "2020-09-09T10:04:36.000000Z",
         "huawei.usg.close_reason": "aged-out", "user.name": "jakub.gawinkowski"}),
    # zone offset and DST in the header, VRP8's CID location before the text
    (6, {"@timestamp": datetime(2022, 3, 26, 17, 6, 48, tzinfo=timezone(timedelta(hours=3))),
         "observer.name": "IGW-HU-Test", "event.category": ["authentication"], "event.outcome": "failure",
         "source.ip": "192.168.20.5", "huawei.vrp.vpn_name": "_public_"}),
    # IPS: the signature is the rule, the policy its ruleset; blocked -> denied
    (7, {"event.kind": "alert", "event.category": ["network", "intrusion_detection"], "event.type": ["denied"],
         "rule.name": "ISC BIND VERSION Request", "rule.id": "249760", "rule.ruleset": "VPN_To_Local",
         "rule.category": "Info-Disclosure", "event.severity": 1, "network.application": "DNS"}),
    # a trojan signature, medium severity
    (8, {"event.kind": "alert", "rule.name": "Mining Pool Domain DNS Request", "event.severity": 2,
         "log.syslog.facility.name": "local7", "log.syslog.severity.code": 4}),
    # a configuration change without "%%01": who, from where, what
    (9, {"event.category": ["configuration"], "event.action": "configuration-changed", "user.name": "root",
         "source.ip": "4.1.88.77", "huawei.usg.vsys": "aa", "huawei.usg.moduletype": "Security-Policy",
         "huawei.usg.action": "ADD", "observer.name": "USG6000V2"}),
    # older firmware's colon pairs; the command's full stop dropped
    (10, {"user.name": "gwadmin", "source.ip": "192.168.0.3", "huawei.vrp.task": "HTPR",
          "process.command_line": "undo info-center loghost source", "huawei.vrp.vpn_name": "public"}),
])
def test_huawei_lines(sample: Sample, line: int, expected: dict[str, Any]) -> None:
    event = sample("huawei", "huawei.log")[line]
    assert {k: event.get(k) for k in expected} == expected


def test_every_line_is_an_event_with_the_header_split(sample: Sample) -> None:
    events = sample("huawei", "huawei.log")
    assert [e["event.code"] for e in events] == [
        "SHELL/CMDRECORD", "SHELL/CMDRECORD", "SHELL/CMDRECORD", "POLICY/POLICYPERMIT", "SHELL/CMDRECORD",
        "SECLOG/SESSION_TEARDOWN", "SSH/SSHS_IP_BLOCK_CLIENT", "IPS/DETECT", "IPS/TROJAN", "CONFIG/CONFIGCHANGE",
        "SHELL/CMDRECORD"]
    assert all(e["observer.vendor"] == "Huawei" for e in events)
    # BSD time without a year: the latest year not after the reference (2026-11-30)
    assert events[0]["@timestamp"] == datetime(2026, 10, 4, 23, 46, 14, tzinfo=SHANGHAI)


def test_the_community_id_joins_the_policy_hit_to_its_flow(sample: Sample) -> None:
    hit = sample("huawei", "huawei.log")[3]
    assert hit["network.community_id"] == community_id("63.1.1.8", 137, "63.1.1.255", 137, "udp")
    assert hit["related.ip"] == ["63.1.1.8", "63.1.1.255"]
    assert hit["@timestamp"].astimezone(UTC) == datetime(2017, 3, 29, 8, 23, 39, tzinfo=UTC)


# composed: no public capture of these was found; each body is the Description that Huawei's Log
# Reference gives for the (module, brief), with documentation addresses
@pytest.mark.parametrize(("line", "expected"), [
    # SHELL/5/LOGIN
    ('<189>Nov 23 2026 10:00:00 SW-CORE-01 %%01SHELL/5/LOGIN(s)[7]:The user succeeded in logging in to VTY 0. '
     '(UserType=VTY, UserName=admin, AuthenticationMethod="AAA", Ip=192.0.2.10, VpnName=)',
     {"event.category": ["authentication"], "event.type": ["start"], "event.outcome": "success",
      "user.name": "admin", "source.ip": "192.0.2.10", "huawei.vrp.user_type": "VTY"}),
    # SHELL/4/LOGINFAILED: a brute-force rule counts these per source
    ('<188>Nov 23 2026 10:00:01 SW-CORE-01 %%01SHELL/4/LOGINFAILED(s)[8]:Failed to login. (Ip=203.0.113.7, '
     'UserName=root, Times=3, AccessType=SSH, VpnName=)',
     {"event.outcome": "failure", "event.action": "logon-failed", "user.name": "root", "source.ip": "203.0.113.7",
      "huawei.vrp.times": "3"}),
    # SSH/4/SSH_FAIL with its reason
    ('<188>Nov 23 2026 10:00:02 SW-CORE-01 %%01SSH/4/SSH_FAIL(s)[9]:Failed to login through SSH. (IP=203.0.113.7, '
     'VpnInstanceName=, UserName=admin, Times=2, FailedReason=The password is incorrect)',
     {"event.outcome": "failure", "source.ip": "203.0.113.7", "event.reason": "The password is incorrect"}),
    # CFM/4/SAVE: the configuration saved
    ("<188>Nov 23 2026 10:00:03 SW-CORE-01 %%01CFM/4/SAVE(s)[10]:The user chose Y when deciding whether to save "
     "the configuration to the device.",
     {"event.category": ["configuration"], "event.action": "configuration-saved", "event.outcome": "success"}),
    # a module no table knows (interface state): still an event, the brief as its action
    ("<187>Nov 23 2026 10:00:04 SW-CORE-01 %%01IFNET/3/LINK_STATE(l)[11]:The line protocol IP on the interface "
     "GigabitEthernet0/0/1 has entered the DOWN state.",
     {"event.action": "link-state", "event.category": None, "huawei.module": "IFNET", "log.level": "error"}),
])
def test_documented_vrp_login_and_save_messages(line: str, expected: dict[str, Any]) -> None:
    context = ParseContext(timezone=SHANGHAI, reference=datetime(2026, 11, 30, tzinfo=UTC))
    (event,) = HuaweiParser().parse(RawRecord(data=line.encode(), origin="x", offset=0), context)
    assert {k: event.get(k) for k in expected} == expected


#: VRP8 (NetEngine, CloudEngine) SSH and Telnet login messages (review R17 finding 8: none was read as
#: a login or a blocked client).
#: Each row's comment names where the line's form comes from.
VRP8_SSH = [
    # real: Huawei's VRP8 command reference ("info-center loghost domain", the non-brief example):
    # a failed SSH login with IPAddress, and the full stop inside the parenthesis
    ("May 15 2016 21:48:33 223.171 %%01SSH/5/SSH_USER_LOGIN_FAIL(s):CID=0x80932723; The SSH user failed to login. "
     "(ServiceType=**, FailedReason=Client requested disconnection, UserName=u2000test, IPAddress=22.22.23.23, "
     "VPNInstanceName=_public_.)",
     {"event.category": ["authentication"], "event.type": ["start"], "event.action": "logon-failed",
      "event.outcome": "failure", "user.name": "u2000test", "source.ip": "22.22.23.23",
      "event.reason": "Client requested disconnection", "huawei.vrp.vpn_name": "_public_", "observer.name": "223.171",
      "event.code": "SSH/SSH_USER_LOGIN_FAIL", "huawei.vrp.service_type": None}),
    # composed from the same message: "**" is Huawei's "could not obtain", no user name (nor "**" as one)
    ("<189>Nov 23 2026 10:00:04 NE-CORE-01 %%01SSH/5/SSH_USER_LOGIN_FAIL(s):CID=0x80932723; The SSH user failed to "
     "login. (ServiceType=**, FailedReason=Authentication failure, UserName=**, IPAddress=203.0.113.9, "
     "VPNInstanceName=_public_)",
     {"event.action": "logon-failed", "user.name": None, "source.ip": "203.0.113.9", "related.user": None}),
    # composed from the NetEngine 8000 Log Reference's SSH/5/SSH_USER_LOGIN text (ServiceType, UserName,
    # UserAddress, LocalAddress, VPNInstanceName): the client is the source, the device's address the destination
    ("<189>Nov 23 2026 10:00:05 NE-CORE-01 %%01SSH/5/SSH_USER_LOGIN(s):CID=0x80932724;The SSH user succeeded in "
     "logging in. (ServiceType=stelnet, UserName=admin, UserAddress=192.0.2.10, LocalAddress=198.51.100.1, "
     "VPNInstanceName=_public_)",
     {"event.category": ["authentication"], "event.type": ["start"], "event.action": "logged-in",
      "event.outcome": "success", "user.name": "admin", "source.ip": "192.0.2.10", "destination.ip": "198.51.100.1",
      "huawei.vrp.service_type": "stelnet"}),
    # composed from the same reference's SSH/5/SSH_USER_LOGOUT text: the session's end and why
    ("<189>Nov 23 2026 10:20:05 NE-CORE-01 %%01SSH/5/SSH_USER_LOGOUT(s):CID=0x80932725;The SSH user logged out. "
     "(ServiceType=stelnet, LogoutReason=User log out, UserName=admin, UserAddress=192.0.2.10, "
     "LocalAddress=198.51.100.1, VPNInstanceName=_public_)",
     {"event.category": ["authentication"], "event.type": ["end"], "event.action": "logged-out",
      "user.name": "admin", "source.ip": "192.0.2.10", "event.reason": "User log out"}),
    # composed from the NetEngine 8000 Log Reference's SSH/4/IP_LOCKED text: the guessing address locked
    ("<188>Nov 23 2026 10:30:00 NE-CORE-01 %%01SSH/4/IP_LOCKED(s):CID=0x80932726;IP was locked. "
     "(IpAddress=203.0.113.7, VpnName=_public_, Period=5 minutes)",
     {"event.category": ["authentication"], "event.action": "client-blocked", "event.outcome": "failure",
      "source.ip": "203.0.113.7"}),
    # composed from Huawei's TELNETS/4/TELNETS_IP_BLOCK_CLIENT text (EDOC1100039602): Telnet's block
    ("<188>Nov 23 2026 10:31:00 NE-CORE-01 %%01TELNETS/4/TELNETS_IP_BLOCK_CLIENT(s):CID=0x80932727;Telnet client "
     "ip blocked due to password authentication failure in last 5 minutes. (IpAddress=203.0.113.8, VpnName=, "
     "BlockCount=1)",
     {"event.category": ["authentication"], "event.action": "client-blocked", "event.outcome": "failure",
      "source.ip": "203.0.113.8", "event.code": "TELNETS/TELNETS_IP_BLOCK_CLIENT"}),
]


@pytest.mark.parametrize(("line", "expected"), VRP8_SSH)
def test_vrp8_ssh_logins_are_authentication_events(line: str, expected: dict[str, Any]) -> None:
    context = ParseContext(timezone=SHANGHAI, reference=datetime(2026, 11, 30, tzinfo=UTC))
    (event,) = HuaweiParser().parse(RawRecord(data=line.encode(), origin="x", offset=0), context)
    assert {k: event.get(k) for k in expected} == expected


#: Composed from the NetEngine 8000 Log Reference's CONFIGURATION/6/CFG_FILE_CHANGE text (LogIndex,
#: SrcCmd, SrcData, DestData, TerUser, SrcAddr, ConfigChangeId, LogTime, CfgBaselineTime) and its codes:
#: SrcData 2 "the configuration file is saved, deleted, renamed, or moved", 1 "deleted"; DestData 4
#: "configuration file for startup"; TerUser "_SYSTEM_" for an automatic save.
CFG_FILE_CHANGE = ("<190>Nov 23 2026 10:40:00 NE-CORE-01 %%01CONFIGURATION/6/CFG_FILE_CHANGE(l):CID=0x80a0040d;"
                   "Configuration file was changed. (LogIndex=11, SrcCmd=1, SrcData={src}, DestData={dest}, "
                   'TerUser="{user}", SrcAddr=192.0.2.10, ConfigChangeId=12, LogTime=123456, '
                   'CfgBaselineTime="2026-11-23 08:00:00")')


@pytest.mark.parametrize(("values", "expected"), [
    # an administrator saved the configuration to the startup file from the CLI at 192.0.2.10
    ({"src": "2", "dest": "4", "user": "admin"},
     {"event.category": ["configuration"], "event.type": ["change"], "event.action": "configuration-saved",
      "user.name": "admin", "source.ip": "192.0.2.10", "huawei.vrp.source_command": "1"}),
    # the startup configuration file deleted: a change, not a save
    ({"src": "1", "dest": "4", "user": "admin"}, {"event.action": "configuration-file-changed"}),
    # the running configuration changed (SrcData 3 "SNMP/CLI/NETCONF", DestData 2 "running"): no save
    ({"src": "3", "dest": "2", "user": "admin"}, {"event.action": "configuration-file-changed"}),
    # the device's automatic save: still a save, by "_SYSTEM_"
    ({"src": "2", "dest": "4", "user": "_SYSTEM_"}, {"event.action": "configuration-saved", "user.name": "_SYSTEM_"}),
])
def test_vrp8_configuration_file_changes(values: dict[str, str], expected: dict[str, Any]) -> None:
    context = ParseContext(timezone=SHANGHAI, reference=datetime(2026, 11, 30, tzinfo=UTC))
    line = CFG_FILE_CHANGE.format(**values)
    (event,) = HuaweiParser().parse(RawRecord(data=line.encode(), origin="x", offset=0), context)
    assert {k: event.get(k) for k in expected} == expected


@pytest.mark.parametrize(("line", "expected"), [
    # real: a VRP8 firewall's command record in a public log-parsing dataset (code index file
    # 33675029287; its CSV-doubled quotes written back single): CLI, not SHELL; RemoteIp and LocalIp
    # are "**" (a console), the VpnName's and LocalIp's full stop inside the parenthesis
    ('<189>Oct 27 2023 02:46:11 fw001.cn-lvliang-2 %%01CLI/5/CMDRECORD(s):CID=0x80ca2713;Recorded command '
     'information. (Task=VTY1, RemoteIp=**, VpnName=_public_, User=eca, AuthenticationMethod="None", '
     'Command="system-view", LocalIp=**.)',
     {"event.category": ["configuration"], "event.action": "command-executed", "event.outcome": "success",
      "user.name": "eca", "process.command_line": "system-view", "source.ip": None, "huawei.vrp.task": "VTY1"}),
    # real: a CloudEngine CE6865E line in a Go parser's test (file 59256078140): "Recorded user behaviors."
    ("Aug  8 2026 18:07:30+08:00 SZ_PS_LAS_4D_32-CE6865E-03 %%01CLI/5/CMDRECORD(s):Recorded user behaviors. "
     "(Task=VTY1, Ip=10.17.11.26, User=admin, Command=display clock)",
     {"event.action": "command-executed", "user.name": "admin", "source.ip": "10.17.11.26",
      "process.command_line": "display clock"}),
    # composed from the first: a remote session's addresses, the client's the source
    ('<189>Oct 27 2023 02:47:11 fw001 %%01CLI/5/CMDRECORD(s):CID=0x80ca2713;Recorded command information. '
     '(Task=VTY1, RemoteIp=192.0.2.10, VpnName=_public_, User=eca, AuthenticationMethod="Local-user", '
     'Command="undo info-center enable", LocalIp=198.51.100.1)',
     {"source.ip": "192.0.2.10", "destination.ip": "198.51.100.1", "process.command_line": "undo info-center enable"}),
])
def test_vrp8_cli_command_records(line: str, expected: dict[str, Any]) -> None:
    context = ParseContext(timezone=SHANGHAI, reference=datetime(2026, 11, 30, tzinfo=UTC))
    (event,) = HuaweiParser().parse(RawRecord(data=line.encode(), origin="x", offset=0), context)
    assert {k: event.get(k) for k in expected} == expected
