"""The synthetic city: its address plan, agencies, 政务云 systems, network devices and the asset
inventory (core.inventory's inventory.yaml) that collectors, rules and crypto_eval read.

Address plan (one city's share of the 电子政务外网, as the planning documents lay it out):

| zone            | kind       | range           | what                                              |
|-----------------|------------|-----------------|---------------------------------------------------|
| 电子政务外网    | extranet   | 10.32.0.0/11    | one /24 per agency (委办局 of the city and districts) |
| 政务云          | cloud      | 10.200.0.0/16   | one /24 per information system                    |
| 政务云互联网区  | dmz        | 10.201.0.0/24   | the portal and its WAF, reachable from the internet |
| 运维管理区      | management | 10.255.0.0/24   | device management, bastion hosts, the SOC         |
| (internet)      |            | everything else |                                                   |

Everything is drawn from one ``random.Random(seed)``: the same seed and scale give the same city.
"""

from __future__ import annotations

import ipaddress
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["Agency", "CloudSystem", "City", "Scale", "SCALES", "build_city", "ZONES", "PROBE_ROLES"]

DISTRICTS = ("市", "上城区", "下城区", "江北区", "江南区", "高新区", "经开区", "临江县", "东山县", "西湖县")
DEPARTMENTS = (
    ("gaj", "公安局"), ("mzj", "民政局"), ("rsj", "人力资源和社会保障局"), ("wjw", "卫生健康委员会"),
    ("jyj", "教育局"), ("czj", "财政局"), ("zrzyj", "自然资源和规划局"), ("zjj", "住房和城乡建设局"),
    ("jtj", "交通运输局"), ("slj", "水利局"), ("nyj", "农业农村局"), ("swj", "商务局"), ("wlj", "文化广电旅游局"),
    ("scjgj", "市场监督管理局"), ("ybj", "医疗保障局"), ("tjj", "统计局"), ("yjj", "应急管理局"),
    ("sthjj", "生态环境局"), ("sfj", "司法局"), ("tyjrj", "退役军人事务局"), ("xfj", "信访局"), ("sjj", "审计局"),
    ("cgj", "城市管理局"), ("dsj", "大数据管理局"), ("zwfw", "政务服务中心"), ("daj", "档案局"),
    ("jgswj", "机关事务管理局"), ("fgw", "发展和改革委员会"), ("kjj", "科学技术局"), ("gjj", "住房公积金中心"),
)
#: 政务云 systems: (code, name, owning department code, 等保 level).
SYSTEMS = (
    ("ywtb", "一网通办门户", "zwfw", 3), ("jtwf", "交通违法处理系统", "gaj", 3), ("hjgl", "户籍管理系统", "gaj", 3),
    ("jzgl", "救助管理系统", "mzj", 3), ("bdcdj", "不动产登记系统", "zrzyj", 3), ("sbjb", "社保经办系统", "rsj", 3),
    ("ybjs", "医保结算平台", "ybj", 3), ("gjjgl", "公积金管理系统", "gjj", 3),
    ("rx12345", "12345政务服务热线", "zwfw", 3),
    ("dzzz", "电子证照库", "dsj", 3), ("sjgx", "数据共享交换平台", "dsj", 3),
    ("scjg", "市场主体登记系统", "scjgj", 3), ("qyxy", "企业信用信息平台", "fgw", 3),
    ("hydj", "婚姻登记系统", "mzj", 3), ("xjgl", "学籍管理系统", "jyj", 3),
    ("jkda", "居民健康档案", "wjw", 3), ("fyjk", "传染病监测平台", "wjw", 3), ("czjz", "财政国库集中支付", "czj", 3),
    ("ssgl", "非税收入管理系统", "czj", 3), ("jsxm", "工程建设项目审批", "zjj", 3), ("yjzh", "应急指挥平台", "yjj", 3),
    ("hjjc", "生态环境监测平台", "sthjj", 3), ("sfxz", "社区矫正系统", "sfj", 3), ("xfxt", "信访信息系统", "xfj", 3),
    ("sjxt", "审计作业系统", "sjj", 3), ("szcg", "数字城管平台", "cgj", 3), ("spjk", "视频共享平台", "gaj", 3),
    ("daxt", "数字档案馆", "daj", 3), ("jysj", "就业失业登记系统", "rsj", 3), ("tyjr", "退役军人服务系统", "tyjrj", 3),
    ("gcjl", "公共资源交易平台", "fgw", 3), ("ldzc", "劳动保障监察系统", "rsj", 3),
    ("njxt", "农村集体资产平台", "nyj", 3),
    ("slgc", "水利工程管理平台", "slj", 3), ("oa", "协同办公系统", "jgswj", 2), ("spgl", "视频会议系统", "jgswj", 2),
    ("tjfx", "统计分析平台", "tjj", 2), ("lyfw", "智慧旅游平台", "wlj", 2), ("swfw", "商务公共服务平台", "swj", 2),
    ("kjxm", "科技项目管理系统", "kjj", 2),
)
ZONES = (
    ("电子政务外网", "extranet", "10.32.0.0/11"),
    ("政务云", "cloud", "10.200.0.0/16"),
    ("政务云互联网区", "dmz", "10.201.0.0/24"),
    ("运维管理区", "management", "10.255.0.0/24"),
)
#: Systems whose 密评 runs against real servers on loopback: role -> (system code, protocol, kind).
PROBE_ROLES = {
    "strong-tls": ("ywtb", "https", "web"),
    "weak-tls": ("jtwf", "https", "web"),
    "telnet": ("hjgl", "telnet", "admin"),
    "http-login": ("jzgl", "http", "web"),
}


@dataclass(frozen=True, slots=True)
class Scale:
    """How big a city and how busy a day: agencies, systems, and background lines per source."""

    agencies: int
    systems: int
    busy: int  # background records per agency (device and flow sources) / per system (servers)


SCALES = {"city": Scale(agencies=300, systems=40, busy=30), "small": Scale(agencies=12, systems=8, busy=6)}


@dataclass(frozen=True, slots=True)
class Agency:
    """A 委办局 on the extranet: its /24 and the H3C switch that logs for it."""

    id: str
    name: str
    subnet: ipaddress.IPv4Network

    def host(self, n: int) -> str:
        """The n-th address of the agency's subnet (1-253)."""
        return str(self.subnet.network_address + 1 + n % 253)


@dataclass(frozen=True, slots=True)
class CloudSystem:
    """An information system on the 政务云: its /24, servers and domain."""

    code: str
    name: str
    agency: str
    level: int
    subnet: ipaddress.IPv4Network

    def host(self, n: int) -> str:
        """The n-th address of the system's subnet."""
        return str(self.subnet.network_address + n)

    @property
    def web_ip(self) -> str:
        """The web front end (nginx or Apache)."""
        return self.host(10)

    @property
    def app_host(self) -> str:
        """The application server's host name (it logs sshd to auth.log)."""
        return f"{self.code}-app-01"

    @property
    def domain(self) -> str:
        """The system's public name."""
        return f"{self.code}.zwfw.example.gov.cn"


@dataclass(frozen=True, slots=True)
class City:
    """A whole city: agencies, systems, devices; ``rng`` is what the day is drawn from next."""

    seed: int
    scale: Scale
    agencies: tuple[Agency, ...]
    systems: tuple[CloudSystem, ...]
    border_fw: tuple[str, str] = ("HZ-EGOV-USG6650-01", "10.255.0.1")  # Huawei, extranet/internet border
    cloud_fw: tuple[str, str] = ("YZW-F1070-01", "10.255.0.2")  # H3C, in front of the 政务云
    waf: tuple[str, str] = ("YZW-SANGFOR-AF-01", "10.255.0.3")  # Sangfor AF, in front of the portal
    bastion: str = "10.255.0.10"  # the operators' bastion host
    portal_ip: str = "10.201.0.10"

    def system(self, code: str) -> CloudSystem:
        """The system with this code."""
        return next(s for s in self.systems if s.code == code)

    def inventory(self, probe_endpoints: dict[str, tuple[str, int]] | None = None,
                  trust_anchors: Sequence[str] = ()) -> dict[str, Any]:
        """The inventory.yaml content; ``probe_endpoints`` (role -> host, port) puts the 密评
        endpoints of PROBE_ROLES' systems on real servers (the demo's loopback ones), whose
        certificates chain to ``trust_anchors`` (the demo CA's root)."""
        probes = probe_endpoints or {}
        systems = [_system_entry(s, {r: probes[r] for r, (code, _p, _k) in PROBE_ROLES.items()
                                     if code == s.code and r in probes}) for s in self.systems]
        return {
            "agencies": [{"id": a.id, "name": a.name} for a in self.agencies],
            "zones": [{"name": name, "kind": kind, "cidrs": [cidr]} for name, kind, cidr in ZONES],
            "systems": systems,
            **({"trust_anchors": list(trust_anchors)} if trust_anchors else {}),
        }


def _system_entry(system: CloudSystem, probes: dict[str, tuple[str, int]]) -> dict[str, Any]:
    endpoints: list[dict[str, Any]] = [
        {"host": system.web_ip, "port": 443, "protocol": "https", "kind": "web", "server_name": system.domain},
        {"host": system.host(11), "port": 22, "protocol": "ssh", "kind": "admin", "boundary": True}]
    addresses = [str(system.subnet)]
    for role, (host, port) in sorted(probes.items()):
        _code, protocol, kind = PROBE_ROLES[role]
        endpoints = [{"host": host, "port": port, "protocol": protocol, "kind": kind,
                      **({"server_name": system.domain} if protocol == "https" else {})}]
        addresses.append(f"{host}/32")
    return {"name": system.name, "agency": system.agency, "level": system.level, "addresses": addresses,
            "hosts": [system.app_host, f"{system.code}-web-01"], "endpoints": endpoints,
            "crypto": CRYPTO_PROFILE}


#: What the owners declare for the items no probe can see (GB/T 39786 level 3): the same for
#: every system, so that the probes and the traffic make the difference between them.
_PHYSICAL = ("8.1.a", "8.1.b", "8.1.c")
_TECHNICAL = ("8.2.d", "8.2.e", "8.3.a", "8.3.c", "8.3.d", "8.3.e", "8.3.f", "8.4.a", "8.4.b", "8.4.c", "8.4.e",
              "8.4.g", "8.4.h")
_MANAGEMENT = ("8.5.a", "8.5.b", "8.5.c", "8.5.d", "8.5.e", "8.5.f", "8.6.a", "8.6.b", "8.6.c", "8.6.d", "8.6.e",
               "8.7.a", "8.7.b", "8.7.c", "8.7.d", "8.7.e", "8.8.a", "8.8.b", "8.8.c")
CRYPTO_PROFILE: dict[str, Any] = {
    "products": [{"name": "服务器密码机", "vendor": "示例密码科技", "certificate_no": "GM003312220230001",
                  "module_level": 2, "algorithms": ["SM2", "SM3", "SM4"],
                  "used_for": ["device", "application", "storage"]}],
    "key_management": {"storage": "服务器密码机", "keys_in_plaintext": False, "rotation_days": 365,
                       "lifecycle": {"生成": "服务器密码机内生成", "存储": "服务器密码机", "分发": "数字信封",
                                     "使用": "密码机接口", "备份恢复": "密码机备份卡", "销毁": "密码机清除"}},
    "important_data": ["鉴别数据", "个人信息"],
    "declarations": {
        **{f"gbt39786.l3.{item}": {"judgement": "符合", "evidence": "政务云服务商密评报告（2025）"}
           for item in _PHYSICAL},
        **{f"gbt39786.l3.{item}": {"d": True, "a": True, "k": True,
                                   "evidence": "服务器密码机（SM2/SM3/SM4），GM003312220230001"}
           for item in _TECHNICAL},
        **{f"gbt39786.l3.{item}": {"judgement": "符合", "evidence": "《密码应用安全管理制度》v2.1 及执行记录"}
           for item in _MANAGEMENT},
    },
}


def build_city(seed: int = 2026, scale: str | Scale = "city") -> City:
    """The city drawn from ``seed`` at ``scale`` ("city": 300 agencies and 40 systems, "small")."""
    size = SCALES[scale] if isinstance(scale, str) else scale
    rng = random.Random(seed)
    owners = sorted({next(i for i, (c, _n) in enumerate(DEPARTMENTS) if c == owner)
                     for _c, _n, owner, _l in SYSTEMS[:size.systems]})
    city_level = [(0, dept) for dept in owners]  # every system's owner exists, at city level
    others = [(d, dept) for d in range(len(DISTRICTS)) for dept in range(len(DEPARTMENTS))
              if (d, dept) not in city_level]
    chosen = sorted(city_level + rng.sample(others, max(0, size.agencies - len(city_level))))
    agencies = tuple(Agency(id=f"d{d:02d}-{DEPARTMENTS[dept][0]}", name=f"{DISTRICTS[d]}{DEPARTMENTS[dept][1]}",
                            subnet=ipaddress.IPv4Network(f"10.{32 + i // 256}.{i % 256}.0/24"))
                     for i, (d, dept) in enumerate(chosen))
    systems = tuple(CloudSystem(code=code, name=name, agency=f"d00-{owner}", level=level,
                                subnet=ipaddress.IPv4Network(f"10.200.{j + 1}.0/24"))
                    for j, (code, name, owner, level) in enumerate(SYSTEMS[:size.systems]))
    return City(seed=seed, scale=size, agencies=agencies, systems=systems)
