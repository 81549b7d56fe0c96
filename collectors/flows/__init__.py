"""Packet captures to bidirectional flows (issue 14, "Flows from packets").

pcap/pcapng files are read in constant memory (collectors.flows.pcap), each packet is decoded
through its link layer, VLAN/MPLS/PPPoE tags and tunnels (collectors.flows.decode, and the numpy
batch decoder collectors.flows.batch for the common Ethernet/VLAN + IPv4/IPv6 + TCP/UDP case),
and packets are folded into a bidirectional flow table that follows Zeek's conn.log semantics
(collectors.flows.table). Flows become ECS events (collectors.flows.ecs) through the pcap
record source and parser (collectors.flows.source).
"""

from __future__ import annotations

from govsoc.collectors.flows.assemble import FlowAssembler
from govsoc.collectors.flows.flow import Flow
from govsoc.collectors.flows.pcap import CaptureReader, Problem
from govsoc.collectors.flows.source import PcapFileSource, PcapFlowParser
from govsoc.collectors.flows.table import FlowTable

__all__ = ["CaptureReader", "Flow", "FlowAssembler", "FlowTable", "PcapFileSource", "PcapFlowParser", "Problem"]
