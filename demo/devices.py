"""The day of the city's network devices, as they send it over syslog: the Huawei USG at the
extranet/internet border (information-centre lines, ``%%01MODULE/severity/BRIEF``), the H3C
firewall in front of the 政务云 (``%%10MODULE/severity/MNEMONIC`` with key(id)=value fields)
and the Sangfor AF in front of the portal (``fwlog: 日志类型:...`` in GBK, as Sangfor sends it).

The line layouts are the ones the collectors' tests quote from vendor manuals and real output
(tests/data/collectors/devices/README.md); the background is ordinary traffic and administration,
the attacks are brute force, scans, exposed high-risk ports, configuration tampering and an
intrusion let through.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from govsoc.demo.day import Day, syslog_time
from govsoc.demo.truth import Attack

__all__ = ["HUAWEI", "H3C", "SANGFOR", "device_day"]

HUAWEI, H3C, SANGFOR = "devices/huawei_usg.log", "devices/h3c_f1070.log", "devices/sangfor_af.log"


def _hw(day: Day, when: datetime, body: str, pri: int = 189) -> None:
    host = day.city.border_fw[0]
    day.add(HUAWEI, when, f"<{pri}>{when:%b %d %Y %H:%M:%S}+08:00 {host} {body}")


def _h3(day: Day, when: datetime, body: str, pri: int = 190) -> None:
    day.add(H3C, when, f"<{pri}>{syslog_time(when)} {when.year} {day.city.cloud_fw[0]} {body}")


def _sf(day: Day, when: datetime, body: str) -> None:
    day.add(SANGFOR, when, f"<23>{syslog_time(when)} {day.city.waf[0]} fwlog: {body}".encode("gbk"))


def _hw_fail(ip: str, user: str) -> str:
    return (f"%%01SHELL/4/LOGINFAILED(s)[1]:Failed to login. (Ip={ip}, UserName={user}, Times=1, "
            "AccessType=SSH, VpnName=)")


def _hw_login(ip: str, user: str, via: str) -> str:
    return (f"%%01SHELL/5/LOGIN(s)[2]:The user succeeded in logging in to VTY0. (UserType={via}, UserName={user}, "
            f"AuthenticationMethod=\"Password\", Ip={ip}, VpnName=)")


def _hw_cmd(ip: str, user: str, command: str) -> str:
    return (f"%%01SHELL/5/CMDRECORD(s)[3]:Recorded command information. (Task=vt0, Ip={ip}, VpnName=, User={user}, "
            f"AuthenticationMethod=\"Local-user\", Command=\"{command}\")")


def _hw_policy(brief: str, src: str, sport: int, dst: str, dport: int, szone: str, dzone: str, rule: str,
               when: datetime) -> str:
    return (f"%%01POLICY/6/{brief}(l):vsys=public, protocol=6, source-ip={src}, source-port={sport}, "
            f"destination-ip={dst}, destination-port={dport}, time={when:%Y/%m/%d %H:%M:%S}, source-zone={szone}, "
            f"destination-zone={dzone}, rule-name={rule}.")


def _h3_filter(src: str, dst: str, dport: int, app: str, verdict: str, szone: str = "Trust") -> str:
    return (f"%%10FILTER/6/FILTER_ZONE_IPV4_EXECUTION: SrcZoneName(1025)={szone};DstZoneName(1035)=Cloud;"
            f"Type(1067)=ACL;ObjectPolicy(1072)={szone}-Cloud;RuleID(1078)=5;Protocol(1001)=TCP;"
            f"Application(1002)={app};SrcIPAddr(1003)={src};SrcPort(1004)=51000;DstIPAddr(1007)={dst};"
            f"DstPort(1008)={dport};MatchCount(1069)=1;Event(1048)={verdict};")


def device_day(day: Day) -> None:
    """The devices' background and attacks."""
    _background(day)
    _huawei_attacks(day)
    _h3c_attacks(day)
    _sangfor(day)


def _background(day: Day) -> None:
    city, rng = day.city, day.rng
    admins = ("netadmin", "secadmin")
    for agency in city.agencies:
        for _ in range(city.scale.busy):
            when = day.any_time(7, 20)
            client = agency.host(rng.randrange(20, 200))
            if rng.random() < 0.5:  # to the portal through the border firewall
                _hw(day, when, _hw_policy("POLICYPERMIT", client, rng.randrange(20000, 60000), city.portal_ip, 443,
                                          "extranet", "dmz", "extranet_to_portal", when), 190)
            else:  # to a cloud system through the cloud firewall
                system = rng.choice(city.systems)
                _h3(day, when, _h3_filter(client, system.web_ip, 443, "https", "Permit"))
    for hour in range(8, 19):  # operators from the bastion look, and sometimes type a password wrong once
        when = day.at(hour, rng.randrange(60))
        user = admins[hour % 2]
        _hw(day, when, _hw_login(city.bastion, user, "SSH"))
        _hw(day, when + timedelta(seconds=40), _hw_cmd(city.bastion, user, "display security-policy rule all"))
        _h3(day, when + timedelta(minutes=5), f"%%10SHELL/5/SHELL_LOGIN: {user} logged in from {city.bastion}.", 189)
        if hour in (9, 15):
            _hw(day, when - timedelta(seconds=30), _hw_fail(city.bastion, user), 188)


def _huawei_attacks(day: Day) -> None:
    city, rng = day.city, day.rng
    # brute force on the border firewall's SSH from the internet, then the password is found
    ip, start = day.public_ip(), day.at(2, 13, 5)
    for i in range(12):
        _hw(day, start + timedelta(seconds=15 * i), _hw_fail(ip, "admin"), 188)
    _hw(day, start + timedelta(seconds=190), _hw_login(ip, "admin", "SSH"))
    day.plant(Attack(id="huawei-ssh-bruteforce", kind="brute force", title="边界防火墙SSH暴力破解后登录成功",
                     source=HUAWEI, channel="syslog-udp", start=start, records=13, ips=frozenset({ip}),
                     rules=("huawei_login_bruteforce.yml", "huawei_login_after_failure.yml")))
    # cleartext administration: telnet to the firewall from an agency desk, outside the management zone
    agency = rng.choice(city.agencies)
    ip, start = agency.host(251), day.at(10, 42, 17)
    _hw(day, start, _hw_login(ip, "netadmin2", "Telnet"))
    day.plant(Attack(id="huawei-telnet-admin", kind="cleartext", title="Telnet明文登录边界防火墙",
                     source=HUAWEI, channel="syslog-udp", start=start, records=1, ips=frozenset({ip}),
                     rules=("huawei_telnet_login.yml",)))
    # a worm in an agency sweeps SMB across the extranet; the firewall denies it
    agency = rng.choice(city.agencies)
    ip, start = agency.host(252), day.at(14, 3, 0)
    targets = [a.host(rng.randrange(20, 200)) for a in rng.sample(city.agencies, min(12, len(city.agencies)))]
    targets += [city.systems[i % len(city.systems)].host(20 + i) for i in range(40 - len(targets))]
    for i, dst in enumerate(targets):
        when = start + timedelta(seconds=i)
        _hw(day, when, _hw_policy("POLICYDENY", ip, 40000 + i, dst, 445, "extranet", "extranet", "deny_smb", when),
            188)
    day.plant(Attack(id="huawei-smb-sweep", kind="scan", title="外网单位主机SMB横向扫描", source=HUAWEI,
                     channel="syslog-udp", start=start, records=len(targets), ips=frozenset({ip}),
                     rules=("huawei_horizontal_scan.yml",)))
    # RDP to a cloud server permitted from the internet (a policy left open)
    ip, start = day.public_ip(), day.at(3, 27, 44)
    _hw(day, start, _hw_policy("POLICYPERMIT", ip, 52311, city.systems[-1].host(30), 3389, "untrust", "trust",
                               "tmp_rdp", start), 190)
    day.plant(Attack(id="huawei-rdp-exposed", kind="exposed service", title="互联网可访问RDP高危端口",
                     source=HUAWEI, channel="syslog-udp", start=start, records=1, ips=frozenset({ip}),
                     rules=("huawei_highrisk_port_from_untrust.yml",)))
    # an intrusion let through: the IPS alerted but did not block (Struts2 RCE at the portal)
    ip, start = day.public_ip(), day.at(4, 51, 9)
    _hw(day, start, f"%%01IPS/4/DETECT(l)[142]:An intrusion was detected. (SyslogId=514265, VSys=\"public\", "
                    f"Policy=\"Internet_In\", SrcIp={ip}, DstIp={city.portal_ip}, SrcPort=36137, DstPort=80, "
                    "SrcZone=untrust, DstZone=dmz, User=\"unknown\", Protocol=TCP, Application=\"HTTP\", "
                    "Profile=\"default\", SignName=\"Apache Struts2 Remote Code Execution\", SignId=249760, "
                    "EventNum=1, Target=server, Severity=high, Os=all, Category=Vulnerability, Reference=NA, "
                    "Action=Alert)", 188)
    day.plant(Attack(id="huawei-ips-not-blocked", kind="web attack", title="IPS告警未阻断(Struts2远程代码执行)",
                     source=HUAWEI, channel="syslog-udp", start=start, records=1, ips=frozenset({ip}),
                     rules=("huawei_ips_not_blocked.yml",)))
    # tampering after hours: a backdoor account and the log host removed, from an unknown jump host
    ip, start = "10.255.0.66", day.at(23, 5, 30)
    for i, command in enumerate(("local-user sysbak password irreversible-cipher ******",
                                 "undo info-center loghost 10.255.0.20")):
        _hw(day, start + timedelta(seconds=30 * i), _hw_cmd(ip, "sysbak", command))
    day.plant(Attack(id="huawei-config-tampering", kind="configuration change", title="夜间新建本地账户并删除日志主机",
                     source=HUAWEI, channel="syslog-udp", start=start, records=2, ips=frozenset({ip}),
                     names=frozenset({"sysbak"}),
                     rules=("huawei_local_user_created.yml", "huawei_logging_disabled.yml")))


def _h3c_attacks(day: Day) -> None:
    city, rng = day.city, day.rng
    # a port scan of a cloud web server from the internet; the firewall denies each port
    ip, start = day.public_ip(), day.at(1, 40, 0)
    target = city.systems[1 % len(city.systems)].web_ip
    ports = sorted(rng.sample(range(1, 10000), 50))
    for i, port in enumerate(ports):
        _h3(day, start + timedelta(milliseconds=900 * i), _h3_filter(ip, target, port, "general_tcp", "Deny",
                                                                      "Untrust"))
    day.plant(Attack(id="h3c-port-scan", kind="scan", title="互联网对政务云主机端口扫描", source=H3C,
                     channel="syslog-tcp", start=start, records=len(ports), ips=frozenset({ip}),
                     rules=("h3c_vertical_scan.yml",)))
    # Redis reachable from the internet
    ip, start = day.public_ip(), day.at(5, 12, 40)
    _h3(day, start, _h3_filter(ip, city.systems[0].host(40), 6379, "redis", "Permit", "Untrust"))
    day.plant(Attack(id="h3c-redis-exposed", kind="exposed service", title="互联网可访问Redis高危端口",
                     source=H3C, channel="syslog-tcp", start=start, records=1, ips=frozenset({ip}),
                     rules=("h3c_highrisk_port_from_untrust.yml",)))
    # password guessing on the cloud firewall from an agency address
    agency = rng.choice(city.agencies)
    ip, start = agency.host(250), day.at(16, 20, 0)
    for i in range(7):
        _h3(day, start + timedelta(seconds=20 * i), f"%%10LOGIN/5/LOGIN_FAILED: admin failed to log in from {ip}.",
            189)
    day.plant(Attack(id="h3c-login-bruteforce", kind="brute force", title="政务云防火墙登录暴力破解", source=H3C,
                     channel="syslog-tcp", start=start, records=7, ips=frozenset({ip}),
                     rules=("h3c_login_bruteforce.yml",)))


def _sangfor(day: Day) -> None:
    city, rng = day.city, day.rng
    for _ in range(city.scale.busy * 4):
        when = day.any_time(8, 22)
        client = rng.choice(city.agencies).host(rng.randrange(20, 200))
        _sf(day, when, f"日志类型:网站访问, 用户:(null), 源IP:{client}, 目的IP:{city.portal_ip}, 应用名称:政务服务, "
                       f"系统动作:被记录, URL:https://{city.system('ywtb').domain}/index.html")
    ip, start = day.public_ip(), day.at(20, 31, 2)
    for i, attack in enumerate(("SQL注入攻击", "SQL注入攻击", "命令注入攻击", "信息泄漏攻击")):
        _sf(day, start + timedelta(seconds=3 * i),
            f"日志类型:WAF应用防护日志, 源IP:{ip}, 源端口:{41000 + i}, 目的IP:{city.portal_ip}, 目的端口:443, "
            f"攻击类型:{attack}, 严重级别:高, 系统动作:拒绝, URL:{city.system('ywtb').domain}/api/query")
    day.plant(Attack(id="sangfor-waf-sqli", kind="web attack", title="门户网站SQL注入(WAF已拦截, GBK日志)",
                     source=SANGFOR, channel="syslog-udp", start=start, records=4, ips=frozenset({ip}),
                     rules=("sangfor_waf_attack.yml",)))
