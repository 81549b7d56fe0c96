"""Network and security devices: Huawei VRP and USG, H3C Comware and SecPath, Sangfor AF,
Hillstone StoneOS, Topsec TOS/NGTOS, NSFOCUS IPS and DBAppSecurity WAF syslog lines to ECS, as Elastic's
integrations write similar devices (fortinet, cisco_asa, panw), vendor specifics under the
vendor's namespace (log-formats.md sections 3 to 8)."""

from __future__ import annotations

from govsoc.collectors.devices.dbappsecurity import DbappWafParser
from govsoc.collectors.devices.h3c import H3cParser
from govsoc.collectors.devices.hillstone import HillstoneParser
from govsoc.collectors.devices.huawei import HuaweiParser
from govsoc.collectors.devices.nsfocus import NsfocusParser
from govsoc.collectors.devices.sangfor import SangforParser
from govsoc.collectors.devices.topsec import TopsecParser

__all__ = ["DbappWafParser", "H3cParser", "HillstoneParser", "HuaweiParser", "NsfocusParser", "SangforParser",
           "TopsecParser"]
