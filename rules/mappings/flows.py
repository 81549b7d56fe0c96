"""Network flows govsoc builds from packets: the ``network.pcap`` parser (govsoc.collectors.flows;
also live capture) writes one event per bidirectional flow, dataset ``network.flow``, with
``source.*``/``destination.*``, ``network.*`` and, from the first payload bytes, the TLS facts of
govsoc.collectors.protocols: ``tls.version_protocol`` (tls, ssl, tlcp), ``tls.version`` ("1.0",
"1.2"), ``tls.cipher`` (IANA name), ``tls.server.x509.public_key_algorithm`` / ``public_key_size``
/ ``signature_algorithm`` of the server's certificate.

SigmaHQ has no flow category (its network rules read Zeek logs or firewalls); govsoc's
e-government pack names this source ``category: network_flow``. NetFlow/IPFIX records
(``netflow`` parser and receiver, dataset ``netflow.log``) are flows too: the same
``source.*``/``destination.*``/``network.*`` fields (counters scaled by the sampling rate), no
payload facts (no TLS, DNS or HTTP fields, no ``event.outcome``), so a rule over those facts only
ever matches packet flows, while volume and fan-out rules see both.
"""

from __future__ import annotations

from govsoc.rules.mappings import LogSource

SOURCES: tuple[LogSource, ...] = (
    LogSource(category="network_flow", condition={"event.dataset": ["network.flow", "netflow.log"]},
              collector="network.pcap, netflow"),
)
