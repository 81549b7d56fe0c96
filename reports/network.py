"""The situation report's network overview: traffic by zone and protocol from flow events (pcap
flows, NetFlow/IPFIX, Zeek conn), and the share of cleartext and weak-crypto traffic.

Everything is counted in the store: flows and bytes per zone and per protocol (terms
aggregations with a sum of ``network.bytes``; flows of no identified protocol, NetFlow records
and flows whose payload was not seen, are a row of their own, so the table sums to the total),
cleartext services by destination port (a table of well-known cleartext ports, which NetFlow
records have too), weak TLS by negotiated version (SSL, TLS 1.0/1.1, as RFC 8996 retires them)
and by cipher suite (the patterns of the rule pack's flow_weak_tls_cipher rule, matched over the
distinct suite names the store returns, of every version: RC4 on TLS 1.0 is listed too, though
its session counts once, as a weak version), and weak SSH (SSH-1, or a cipher, else a key
exchange, that crypto_eval.algorithms.classify_ssh calls weak: RC4, CBC, DES, SHA-1 key
exchanges ...). A dozen store calls, whatever the traffic.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Final

from govsoc.crypto_eval.algorithms import classify_ssh
from govsoc.reports.document import Block, Chart, Figure, Figures, Paragraph, Scalar, Section, Series, Table
from govsoc.reports.wording import shown_zone
from govsoc.store.base import Group, Query, Store

__all__ = ["CLEARTEXT_PORTS", "ENCRYPTED", "FLOW_DATASETS", "NOT_FLOWS", "WEAK_CIPHER_MARKS", "network_overview"]

#: Datasets whose events are flows (one event per connection, ``network.bytes`` its IP bytes).
FLOW_DATASETS: Final = ("network.flow", "netflow.log", "zeek.conn")
#: Events of those datasets that are not flows: a flow's later DNS/HTTP transactions
#: (collectors.flows.transactions: ``event.type: protocol``, as ECS types a protocol event, not a
#: connection), left out of every flow count (review R14b N9), and an exporter's NetFlow v9/IPFIX
#: options records (RFC 3954 6.1, RFC 7011 3.4.2.2: its samplers, interfaces, statistics;
#: collectors.netflow.ecs types them ``event.type: info``), which describe the exporter, not a flow.
NOT_FLOWS: Final = {"event.type": ("protocol", "info")}
#: Well-known ports of services that carry credentials or data in cleartext.
CLEARTEXT_PORTS: Final[dict[int, str]] = {
    21: "FTP", 23: "Telnet", 69: "TFTP", 80: "HTTP", 110: "POP3", 143: "IMAP", 161: "SNMP", 389: "LDAP",
    513: "rlogin", 514: "rsh/syslog", 8080: "HTTP",
}
#: Cipher-suite name parts of broken or retired algorithms (rules/packs/egov/flow_weak_tls_cipher.yml).
WEAK_CIPHER_MARKS: Final = ("_RC4_", "_DES_", "_3DES_", "_NULL_", "_EXPORT", "_anon_", "_MD5")
_TOP_PROTOCOLS = 5
#: network.protocol of the sessions whose TLS facts (version, suite) are judged.
ENCRYPTED: Final = ("tls", "tlcp")
#: Distinct SSH algorithm names read per kind (far more than exist).
_SSH_NAMES = 200


def _with(query: Query, **terms: tuple[str | int, ...]) -> Query:
    return replace(query, terms={**query.terms, **{k.replace("__", "."): v for k, v in terms.items()}})


def _share(part: float, whole: float) -> float:
    return round(100.0 * part / whole, 2) if whole else 0.0


def network_overview(store: Store, query: Query, t: dict[str, str]) -> tuple[Section, dict[str, object]]:
    """The network section and its numbers, over the flow events of ``query``'s period."""
    flows = replace(_with(query, event__dataset=FLOW_DATASETS), exclude={**query.exclude, **NOT_FLOWS})
    by_dataset = store.groups(flows, "event.dataset", size=len(FLOW_DATASETS), total="network.bytes")
    flow_total = sum(g.count for g in by_dataset)
    byte_total = sum(g.total for g in by_dataset)
    if not flow_total:
        return Section(id="network", title=t["network"], blocks=(Paragraph(text=t["no_flows"]),)), {"flows": 0}
    zones = store.groups(flows, "govsoc.zone", size=20, total="network.bytes")
    protocols = store.groups(flows, "network.protocol", size=20, total="network.bytes")
    cleartext = store.groups(_with(flows, destination__port=tuple(CLEARTEXT_PORTS)), "destination.port",
                             size=len(CLEARTEXT_PORTS), total="network.bytes")
    clear_flows, clear_bytes = sum(g.count for g in cleartext), sum(g.total for g in cleartext)
    sessions = _with(flows, network__protocol=ENCRYPTED)
    # Weak sessions are counted among the encrypted ones: the protocol (a column) picks them
    # before the TLS facts (kept in each row's document) are read, not every flow.
    ssl = store.count(_with(sessions, tls__version_protocol=("ssl",)))
    old_tls = store.count(_with(sessions, tls__version_protocol=("tls",), tls__version=("1.0", "1.1")))
    suites = store.groups(sessions, "tls.cipher", size=500)
    weak_suites = [g for g in suites if any(mark in str(g.key) for mark in WEAK_CIPHER_MARKS)]
    # a weak suite on a weak version is one weak session (counted with the versions)
    weak_new = sum(g.count for g in store.groups(_with(sessions, tls__version=("1.2", "1.3")), "tls.cipher", size=500)
                   if any(mark in str(g.key) for mark in WEAK_CIPHER_MARKS))
    ssh_total, ssh1, weak_ssh = _ssh_sessions(store, flows)
    encrypted = store.count(sessions) + ssh_total
    weak = ssl + old_tls + weak_new + ssh1 + sum(n for _, n in weak_ssh)
    clear_flow_share, clear_byte_share, weak_share = (_share(clear_flows, flow_total), _share(clear_bytes, byte_total),
                                                      _share(weak, encrypted))
    numbers: dict[str, object] = {
        "flows": flow_total, "bytes": byte_total, "cleartext_flows": clear_flows, "cleartext_bytes": clear_bytes,
        "cleartext_flow_share": clear_flow_share, "cleartext_byte_share": clear_byte_share,
        "tls_sessions": encrypted, "weak_sessions": weak, "weak_share": weak_share,
        "cleartext_services": sorted({CLEARTEXT_PORTS.get(int(g.key), str(g.key)) for g in cleartext}),
    }
    blocks: list[Block] = [
        Figures(items=(Figure(label=t["flow_total"], value=flow_total), Figure(label=t["byte_total"], value=byte_total),
                       Figure(label=t["cleartext_share"], value=clear_byte_share, unit="%",
                              note=f"{t['flows']} {clear_flow_share}%"),
                       Figure(label=t["weak_tls_share"], value=weak_share, unit="%",
                              note=f"{weak} / {encrypted}"))),
        _traffic_table(t["traffic_by_zone"], t["zone"], zones, t, flow_total, byte_total),
        _traffic_table(t["traffic_by_protocol"], t["protocol"], protocols, t, flow_total, byte_total,
                       other=t["protocol_other"]),
        Table(caption=t["cleartext_services"], columns=(t["port"], t["service"], t["flows"], t["bytes"]),
              rows=tuple((int(g.key), CLEARTEXT_PORTS.get(int(g.key), ""), g.count, int(g.total)) for g in cleartext)),
        Table(caption=t["weak_crypto"], columns=(t["item"], t["flows"]),
              rows=((t["encrypted_sessions"], encrypted), (t["weak_versions"], ssl + old_tls + ssh1),
                    *((f"{t['weak_ciphers']}: {g.key}", g.count) for g in weak_suites),
                    *((f"{t['weak_ssh']}: {name}", n) for name, n in weak_ssh))),
    ]
    chart = _zone_protocol_chart(store, flows, zones, protocols, t)
    if chart is not None:
        blocks.insert(3, chart)
    return Section(id="network", title=t["network"], blocks=tuple(blocks)), numbers


def _traffic_table(caption: str, heading: str, groups: list[Group], t: dict[str, str], flows: int,
                   total: float, other: str | None = None) -> Table:
    """Flows and bytes per group; with ``other``, a row of that name for the flows no group
    holds (no value, or beyond the groups listed), so that the rows sum to the totals."""
    rows: list[tuple[Scalar, ...]] = [(shown_zone(g.key, t), g.count, int(g.total), f"{_share(g.total, total)}%")
                                      for g in groups]
    rest_flows, rest_bytes = flows - sum(g.count for g in groups), total - sum(g.total for g in groups)
    if other is not None and rest_flows > 0:
        rows.append((other, rest_flows, int(rest_bytes), f"{_share(rest_bytes, total)}%"))
    return Table(caption=caption, columns=(heading, t["flows"], t["bytes"], t["share"]), rows=tuple(rows))


def _ssh_sessions(store: Store, flows: Query) -> tuple[int, int, list[tuple[str, int]]]:
    """SSH sessions: how many, how many on SSH-1, and (algorithm, sessions) for those on a weak
    cipher, then for those on a strong cipher but a weak key exchange: each session counted once."""
    ssh = _with(flows, network__protocol=("ssh",))
    total = store.count(ssh)
    if not total:
        return 0, 0, []
    ssh1 = store.count(_with(ssh, ssh__version=(1,)))
    ciphers = store.groups(ssh, "ssh.cipher_alg", size=_SSH_NAMES)
    weak = [(str(g.key), g.count) for g in ciphers if classify_ssh(str(g.key)).klass == "weak"]
    strong = tuple(str(g.key) for g in ciphers if classify_ssh(str(g.key)).klass != "weak")
    if strong:
        weak += [(str(g.key), g.count) for g in store.groups(_with(ssh, ssh__cipher_alg=strong), "ssh.kex_alg",
                                                              size=_SSH_NAMES)
                 if classify_ssh(str(g.key)).klass == "weak"]
    return total, ssh1, weak


def _zone_protocol_chart(store: Store, flows: Query, zones: list[Group], protocols: list[Group],
                         t: dict[str, str]) -> Chart | None:
    """Bytes per zone, stacked by the top protocols (one store call per protocol) and the rest."""
    if not zones:
        return None
    names = [str(z.key) for z in zones]
    series = []
    for protocol in protocols[:_TOP_PROTOCOLS]:
        per_zone = {str(g.key): g.total for g in store.groups(_with(flows, network__protocol=(str(protocol.key),)),
                                                               "govsoc.zone", size=len(names), total="network.bytes")}
        series.append(Series(name=str(protocol.key), values=tuple(float(per_zone.get(n, 0.0)) for n in names)))
    # what the protocols charted leave of each zone's bytes (no identified protocol, or a smaller one)
    rest = tuple(max(0.0, float(z.total) - sum(s.values[i] for s in series)) for i, z in enumerate(zones))
    if any(rest):
        series.append(Series(name=t["protocol_other"], values=rest))
    return Chart(kind="stacked", title=t["zone_protocol"], categories=tuple(shown_zone(n, t) for n in names),
                 series=tuple(series),
                 unit=t["bytes"])
