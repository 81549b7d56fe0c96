"""Network and security devices govsoc collects, one Sigma product per vendor, read by the
parsers of govsoc.collectors.devices (also picked per line by ``syslog.mixed`` and per message
by the receivers), each of which sets ``event.module`` to the vendor:

| product         | parser               | devices                                   | datasets                |
|-----------------|----------------------|-------------------------------------------|-------------------------|
| ``huawei``      | ``huawei``           | VRP switches/routers, USG/HiSecEngine     | huawei.vrp, huawei.usg  |
| ``h3c``         | ``h3c``              | Comware switches/routers, SecPath         | h3c.comware, h3c.secpath|
| ``sangfor``     | ``sangfor.af``       | Sangfor AF / NGAF (深信服下一代防火墙)    | sangfor.af              |
| ``hillstone``   | ``hillstone.stoneos``| Hillstone StoneOS firewalls (山石网科)    | hillstone.stoneos       |
| ``topsec``      | ``topsec.tos``       | Topsec TOS / NGTOS (天融信)               | topsec.tos              |
| ``nsfocus``     | ``nsfocus.ips``      | NSFOCUS NIPS / NIDS (绿盟)                | nsfocus.ips             |
| ``dbappsecurity``| ``dbappsecurity.waf``| DBAPPSecurity WAF (安恒明御)             | dbappsecurity.waf       |

The parsers write ECS fields (``event.kind`` ``alert`` for IPS/WAF/AV verdicts, ``event.action``
``logon-failed`` / ``logged-in`` / ``intrusion-detected`` / ``web-attack-detected`` /
``policy-deny`` / ``configuration-changed`` ..., ``event.outcome``, ``user.name``,
``source.ip``, ``destination.ip``, ``rule.name``) plus the vendor's own under its namespace
(``huawei.*``, ``sangfor.*``, ``hillstone.*`` ...).

SigmaHQ has no rule for any of them; its taxonomy names a product after what logs (``fortios``,
``paloalto``, ``cisco``), one lower-case word. These vendors each ship one log format across
their products, so the product is the vendor's name as its syslog tag and documentation write it
in Latin letters, every line of the vendor, as SigmaHQ's ``product: fortigate`` rules take every
FortiGate event. govsoc's e-government pack (rules/packs/egov) uses them. Field names in such
rules are the ECS names the parsers write (a vendor field by its dotted name), so the generic
field table serves them.
"""

from __future__ import annotations

from govsoc.rules.mappings import LogSource

#: Sigma product -> the parser that writes its events (event.module is the product).
PRODUCTS: dict[str, str] = {
    "huawei": "huawei", "h3c": "h3c", "sangfor": "sangfor.af", "hillstone": "hillstone.stoneos",
    "topsec": "topsec.tos", "nsfocus": "nsfocus.ips", "dbappsecurity": "dbappsecurity.waf",
}

SOURCES: tuple[LogSource, ...] = tuple(
    LogSource(product=product, condition={"event.module": product}, collector=parser)
    for product, parser in PRODUCTS.items())
