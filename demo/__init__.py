"""govsoc.demo: a synthetic city e-government network and the one-command demo that runs every
stage over a day of it (`govsoc demo`).

Not a pipeline stage: it sits just under the CLI (import-linter layers) and drives the stages as
an operator would. :func:`generate_day` writes a deterministic (seeded) day of one city: the
asset inventory (agencies on the 电子政务外网 extranet, 等保三级 systems on the 政务云), logs in
the formats the collectors read (Linux auth, nginx/Apache, Huawei/H3C/Sangfor device syslog incl.
GBK, Alibaba ActionTrail, Huawei Cloud CTS, Kubernetes audit), traffic (a pcap with real packet
bytes, NetFlow v9/IPFIX datagrams), a CSV export with personal data, and the ground truth: each
attack it planted, with the addresses and names that identify its events, and the personal data
it planted where. :mod:`govsoc.demo.run` feeds all of it through the real collectors (files,
loopback syslog and NetFlow receivers), probes real TLS and cleartext servers it starts on
loopback (:mod:`govsoc.demo.servers`), detects, classifies and writes the reports.
"""

from __future__ import annotations

from govsoc.demo.city import City, build_city
from govsoc.demo.generate import DemoDay, generate_day
from govsoc.demo.truth import Attack, GroundTruth, PlantedData

__all__ = ["Attack", "City", "DemoDay", "GroundTruth", "PlantedData", "build_city", "generate_day"]
