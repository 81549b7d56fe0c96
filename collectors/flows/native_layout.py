"""The compiled flow engine's array layout (collectors.flows.native): the columns of its
endpoint and flow matrices, the control cells it shares with Python, why a kernel call returned,
and the lookup matrix of port, time-out and ICMP tables (collectors.flows.table and .decode's
tables as rows) handed to the compiled functions as an argument.
"""

from __future__ import annotations

import numpy as np

from govsoc.collectors.flows.decode import ICMP, ICMP4_COUNTERPART, ICMP6, ICMP6_COUNTERPART, UDP_TUNNEL_PORTS
from govsoc.collectors.flows.originator import DNS_PORTS, ICMP_REPLIES, LIKELY_SERVER_PORTS
from govsoc.collectors.flows.sampling import SAMPLE_MAGIC, SAMPLE_PORTS
from govsoc.collectors.flows.slots import K5, KHASH, KHASH2
from govsoc.collectors.flows.table import DNS_TIMEOUT, NOT_FLOWS, NS, OTHER_TIMEOUT, TIMEOUTS

# endpoint fields (columns of the endpoint matrix)
STATE, PREV, START, LAST, ACKS, FINS, RSTS, PKTS, IPB, PAY, RXC, RXT, W0C, W0T, LSYN, LFIN, LRST, DIDC = range(18)
EP_FIELDS = 18
# flow fields (columns of the flow matrix)
(PROTO, OHI, OLO, RHI, RLO, OPORT, RPORT, FSTART, FLAST, CLOSED, FIRST, HSEEN, HLEN, VLAN0, VLAN1, NVLAN, V6, SAMPLES,
 K0, K1, K2, K3, K4, FLIPPED) = range(24)
FLOW_FIELDS = 24
HISTORY_BYTES = 48
_M = 0xFFFFFFFF
V4_MARK = -1  # the high half of an IPv4 address (keeps v4 and v6 keys apart)
INACTIVE, SYN_SENT, SYN_ACK_SENT, PARTIAL, ESTABLISHED, CLOSED_S, RESET = range(7)


# rows of the lookup matrix handed to the compiled functions (an argument, not a global: numba would
# bake a global array into its on-disk cache, which would then outlive a change of the tables)
K_LIKELY, K_DNS, K_TUNNEL, K_TIMEOUT, K_ANSWER4, K_ANSWER6, K_REPLY4, K_REPLY6, K_SAMPLE_PORT, K_MAGIC = range(10)
K_DNS_TIMEOUT = 256  # column of the time-out row holding DNS's


def lookups() -> np.ndarray:
    """The port, time-out and ICMP tables of collectors.flows.table/decode as one matrix."""
    K = np.zeros((10, 65536), dtype=np.int64)
    K[K_SAMPLE_PORT] = _lookup(SAMPLE_PORTS)
    for index, magic in enumerate(SAMPLE_MAGIC):
        K[K_MAGIC, index] = int.from_bytes(magic, "big")
    K[K_MAGIC, 65535] = len(SAMPLE_MAGIC)
    K[K_LIKELY] = LIKELY
    K[K_DNS] = DNS
    K[K_TUNNEL] = TUNNEL
    K[K_TIMEOUT, :256] = TIMEOUT
    K[K_TIMEOUT, K_DNS_TIMEOUT] = DNS_TIMEOUT * NS
    K[K_ANSWER4, :256] = COUNTERPART[0]
    K[K_ANSWER6, :256] = COUNTERPART[1]
    K[K_REPLY4, :256] = REPLIES[ICMP]
    K[K_REPLY6, :256] = REPLIES[ICMP6]
    return K


def _lookup(values: frozenset[int]) -> np.ndarray:
    table = np.zeros(65536, dtype=np.uint8)
    for value in values:
        table[value] = 1
    return table


LIKELY = _lookup(LIKELY_SERVER_PORTS)
DNS = _lookup(DNS_PORTS)
TUNNEL = _lookup(frozenset(UDP_TUNNEL_PORTS))
NOFLOW = _lookup(NOT_FLOWS)
REPLIES = np.zeros((256, 256), dtype=np.uint8)  # [proto, icmp type]
for _proto, _types in ICMP_REPLIES.items():
    for _type in _types:
        REPLIES[_proto, _type] = 1
COUNTERPART = np.full((2, 256), -1, dtype=np.int64)  # [ICMPv6?, type] -> the answer's type
for _row, _pairs in enumerate((ICMP4_COUNTERPART, ICMP6_COUNTERPART)):
    for _type, _answer in _pairs.items():
        COUNTERPART[_row, _type] = _answer
TIMEOUT = np.full(256, OTHER_TIMEOUT * NS, dtype=np.int64)
for _proto, _seconds in TIMEOUTS.items():
    TIMEOUT[_proto] = _seconds * NS
CSEQ, LIVE, SBYTES, TMO, SMAX = FLOW_FIELDS, FLOW_FIELDS + 1, FLOW_FIELDS + 2, FLOW_FIELDS + 3, FLOW_FIELDS + 4
# then KHASH, the key's hash, and K5, its segment word, beside the key (a lookup reads them with
# it: one cache line fewer than when they sat past the columns below); then, read only when a
# flow is made or paired, KHASH2 (collectors.flows.slots reads those three), the other side's
# segment word + 1 (0: none) when it came on other VLAN tags (FlowTable._paired), and whether the
# row is in the second table (VLAN-tagged flows by 5-tuple); last, Flow.unsampled
RSEG, TAGGED, UNREAD = FLOW_FIELDS + 8, FLOW_FIELDS + 9, FLOW_FIELDS + 10
FLOW_FIELDS += 11
if (K0, K4, KHASH, K5, KHASH2) != (18, 22, FLOW_FIELDS - 6, FLOW_FIELDS - 5, FLOW_FIELDS - 4):  # pragma: no cover
    raise ImportError("collectors.flows.slots disagrees with the flow matrix layout")
# control cells shared by the kernel and Python
(C_FREE, C_DONE, C_SWEEP, C_DELAY, C_CREATED, C_SAMPLES, C_SAMPLE_PACKETS, C_SAMPLE_BYTES, C_SAMPLE_LIMIT,
 C_SAMPLE_PLAIN, C_PEAK, C_TAGGED, C_PLAIN_LIMIT, C_DNS_PACKETS, C_DNS_LIMIT, C_HTTP_PACKETS, C_HTTP_HEAD,
 C_HTTP_LIMIT) = range(18)
# why the kernel returned
R_END, R_SLOW, R_SWEEP = 0, 1, 2
