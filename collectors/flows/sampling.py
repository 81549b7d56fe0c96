"""How much of a flow's payload the flow table keeps for the protocol decoders: which flows are
sampled in full (TLS, SSH, HTTP, STARTTLS and DNS ports) and which only named from their first
packets, and the packets and bytes each kind keeps."""

from __future__ import annotations

from govsoc.collectors.flows.decode import TCP, UDP
from govsoc.collectors.flows.originator import DNS_PORTS

#: Payload kept per flow for the protocol decoders (handshakes: TLS hellos and certificates, SSH
#: banners and KEXINITs, the first DNS or HTTP exchange, after a STARTTLS chat): at most this many
#: packets, and no more bytes than SAMPLE_LIMIT (one big packet may take them all: a TLS server
#: flight in one GRO/TSO segment over 4 KiB keeps its certificates).
SAMPLE_PACKETS, SAMPLE_LIMIT = 48, 24576
#: A DNS flow (one socket to a resolver: a DNS tunnel such as iodine or dnscat2, a
#: resolver-to-resolver or NAT'd flow; over UDP each datagram one whole message, over TCP a
#: stream of length-prefixed ones, RFC 7766) is sampled further, so that its later queries are
#: read too (review R14b N1: 24 of a tunnel's 60 queries were): at most this many packets and
#: bytes, which the table's SAMPLE_BUDGET bounds with the rest.
SAMPLE_DNS_PACKETS, SAMPLE_DNS_LIMIT = 2048, 256 << 10
#: An HTTP flow keeps up to this many packets (within SAMPLE_LIMIT bytes), so that a keep-alive
#: session of small requests is read past its 24th (review R14b N1).
SAMPLE_HTTP_PACKETS = 512
#: Past SAMPLE_LIMIT bytes (a large body fills it), an HTTP flow keeps only the packets that start
#: a request or a response (HTTP_MAGIC), at most SAMPLE_HTTP_HEAD bytes of each and
#: SAMPLE_HTTP_LIMIT bytes in all, so that the transactions after a large body are read, their
#: bodies not copied (review R14b N1: a keep-alive session's requests after a 24 KiB body were lost).
SAMPLE_HTTP_HEAD, SAMPLE_HTTP_LIMIT = 2048, 256 << 10
#: Packets kept of a flow none of whose first SAMPLE_PLAIN payload packets shows a protocol read
#: from payload (so that bulk transfers cost no copying): enough to name it, and no more bytes than
#: SAMPLE_PLAIN_LIMIT (review R14b N7: a large first packet of such a flow - GRO/TSO, jumbo frames,
#: a reassembled datagram - took the whole SAMPLE_LIMIT, 24 KiB an open flow).
SAMPLE_PLAIN, SAMPLE_PLAIN_LIMIT = 2, 4096
#: Ports whose protocols speak text before they turn to TLS (STARTTLS, AUTH TLS, MySQL's SSL
#: request), RDP (its TLS security follows an X.224 exchange, MS-RDPBCGR 5.4.5.1) and DNS over
#: TCP: their flows are sampled in full whatever they start with.
SAMPLE_PORTS = frozenset({21, 25, 53, 110, 143, 389, 587, 3306, 3389, 5222, 5269, 6667})
#: First four payload bytes that announce HTTP, and with SSH's those that announce a flow worth
#: sampling (TLS is told by its record header).
HTTP_MAGIC = (b"GET ", b"POST", b"HEAD", b"PUT ", b"DELE", b"OPTI", b"CONN", b"PATC", b"TRAC", b"HTTP")
SAMPLE_MAGIC = (b"SSH-", *HTTP_MAGIC)


def worth_sampling(data: bytes, sport: int, dport: int) -> bool:
    """Whether a flow whose first payload is ``data`` is sampled in full (SAMPLE_PACKETS) rather
    than named from its first packets (SAMPLE_PLAIN): TLS, SSH, HTTP, or a STARTTLS/DNS port."""
    if sport in SAMPLE_PORTS or dport in SAMPLE_PORTS:
        return True
    if len(data) >= 2 and data[0] == 0x16 and data[1] in (1, 3):
        return True
    return len(data) >= 4 and bytes(data[:4]) in SAMPLE_MAGIC


def sample_max(data: bytes, proto: int, sport: int, dport: int) -> int:
    """The packets a flow whose first payload is ``data`` keeps: 0 when it is not worth sampling,
    else SAMPLE_PACKETS, more for DNS (over UDP or TCP) and for HTTP (their later transactions)."""
    if not worth_sampling(data, sport, dport):
        return 0
    if proto in (UDP, TCP) and (sport in DNS_PORTS or dport in DNS_PORTS):
        return SAMPLE_DNS_PACKETS
    return SAMPLE_HTTP_PACKETS if len(data) >= 4 and bytes(data[:4]) in HTTP_MAGIC else SAMPLE_PACKETS


def outer_limit(smax: int) -> int:
    """The sample bytes past which a flow keeping ``smax`` packets looks at no more of them."""
    return SAMPLE_DNS_LIMIT if smax == SAMPLE_DNS_PACKETS else SAMPLE_HTTP_LIMIT if smax == SAMPLE_HTTP_PACKETS \
        else SAMPLE_LIMIT
