"""Network devices govsoc collects: Huawei VRP / USG and H3C Comware / SecPath information-center
lines read by the ``huawei`` and ``h3c`` parsers (govsoc.collectors.devices, also picked per line
by ``syslog.mixed``), which set ``event.module`` to the vendor and write ECS fields (``event.action``
``logon-failed`` / ``logged-in`` / ``command-executed`` / ``configuration-saved`` /
``configuration-changed``, ``event.outcome``, ``user.name``, ``source.ip``,
``process.command_line``, ``observer.ingress.zone``) plus vendor fields (``huawei.*``, ``h3c.*``).

SigmaHQ has no Huawei or H3C source; govsoc's own e-government pack (rules/packs/egov) names
them ``product: huawei`` and ``product: h3c``, every line of the vendor, as SigmaHQ's
``product: fortigate`` rules take every FortiGate event. Field names in those rules are the ECS
names the parsers write, so the generic field table serves them.
"""

from __future__ import annotations

from govsoc.rules.mappings import LogSource

SOURCES: tuple[LogSource, ...] = (
    # VRP switches/routers (dataset huawei.vrp) and USG/HiSecEngine firewalls (huawei.usg).
    LogSource(product="huawei", condition={"event.module": "huawei"}, collector="huawei"),
    # Comware switches/routers (dataset h3c.comware) and SecPath firewalls (h3c.secpath).
    LogSource(product="h3c", condition={"event.module": "h3c"}, collector="h3c"),
)
