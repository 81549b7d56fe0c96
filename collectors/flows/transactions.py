"""Every DNS and HTTP transaction a flow's payload samples hold, not only the first (review R14
F4): Zeek writes one dns.log row per query and one http.log row per request of a connection; a
resolver-to-resolver or NAT'd DNS flow reusing one source port, or a keep-alive HTTP session,
carries many.

Stage: collectors. DNS replies are paired with their queries by transaction id, in order (as
Zeek's DNS analyzer pairs them), a reply without its query being a transaction of its own; over
UDP each datagram is a message. HTTP responses are paired with requests in order (pipelining
keeps order, RFC 9112 9.3.2; each request's method tells whether its response has a body, a
response to HEAD having none, RFC 9112 6.3), interim 1xx responses other than 101 left out as Zeek's
status_code leaves them. Only the sampled payload is read (collectors.flows.table: the first
SAMPLE_PACKETS packets, at most SAMPLE_LIMIT bytes; of HTTP SAMPLE_HTTP_PACKETS packets, past
SAMPLE_LIMIT only those that start a message, read on their own; of
DNS, over UDP or TCP, SAMPLE_DNS_PACKETS packets), so a long session's later transactions are not seen
(the flow counts the packets left, govsoc.flow.unread_packets); a datagram that does not decode
is skipped and counted.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from govsoc.collectors.flows.decode import TCP
from govsoc.collectors.flows.flow import Flow
from govsoc.collectors.protocols.dns import dns_ecs, dns_messages
from govsoc.collectors.protocols.http import HttpResponse, http_ecs, http_requests, http_responses
from govsoc.core.errors import ParseError

#: The key under which a flow record carries its transactions after the first (their facts, in
#: order): the network.pcap parser makes each an event of its own and leaves the key off the flow.
LATER = "govsoc.flow.later_transactions"


@dataclass(slots=True)
class Transactions:
    """The ECS facts of each transaction in order, and how many messages did not decode."""

    facts: list[dict[str, Any]] = field(default_factory=list)
    undecoded: int = 0
    #: why each message did not decode (the first MAX_REASONS), with its side and sample
    reasons: list[str] = field(default_factory=list)

    def fields(self) -> dict[str, Any]:
        """The flow's own fields: the first transaction's facts, how many transactions were read
        (and messages not decoded), the later transactions under LATER. ParseError when not
        one message decoded."""
        if not self.facts:
            raise ParseError("no transaction decodes")
        fields = {**self.facts[0], "govsoc.flow.transactions": len(self.facts)}
        if self.undecoded:
            fields["govsoc.flow.undecoded_messages"] = self.undecoded
            fields["govsoc.flow.undecoded_reasons"] = list(self.reasons)
        if len(self.facts) > 1:
            fields[LATER] = self.facts[1:]
        return fields


def dns_transactions(flow: Flow, client: bytes, server: bytes) -> Transactions:
    """Every query/answer of a DNS flow (``client``/``server``: each side's TCP stream)."""
    out = Transactions()
    if flow.proto == TCP:
        queries = _messages(lambda: dns_messages(client, "tcp"), out, "DNS stream from the client") if client else []
        replies = _messages(lambda: dns_messages(server, "tcp"), out, "DNS stream from the server") if server else []
    else:
        queries, replies = [], []
        for number, (from_orig, _, data) in enumerate(flow.samples, start=1):
            side = "client" if from_orig else "server"
            read = _messages(lambda d=data: dns_messages(d, "udp"), out,  # type: ignore[misc]
                             f"DNS datagram {number} of the flow, from the {side}")
            (queries if from_orig else replies).extend(read)
    pending = [m for m in replies if m.response]
    for query in (m for m in queries if not m.response):
        reply = next((r for r in pending if r.id == query.id), None)
        if reply is not None:
            pending.remove(reply)
        out.facts.append(dns_ecs(query, reply))
    out.facts.extend(dns_ecs(None, reply) for reply in pending)
    return out


def http_transactions(client: bytes, server: bytes, client_heads: Sequence[bytes] = (),
                      server_heads: Sequence[bytes] = ()) -> Transactions:
    """Every request and its response of an HTTP connection, in order: those of each side's
    stream, then those of the ``*_heads`` (packets past a gap or past the sample's bytes that
    start a message, each read on its own; collectors.flows.table keeps them)."""
    out = Transactions()
    requests = _messages(lambda: http_requests(client), out, "HTTP requests") if client else []
    for head in client_heads:
        requests += _messages(lambda h=head: http_requests(h), out, "HTTP request after a gap")  # type: ignore[misc]
    methods = [request.method for request in requests]
    responses = [r for r in (_messages(lambda: http_responses(server, methods), out, "HTTP responses") if server
                             else []) if _final(r)]
    for head in server_heads:
        later = methods[len(responses):]  # the methods of the requests not answered yet
        responses += [r for r in _messages(lambda h=head, m=later: http_responses(h, m),  # type: ignore[misc]
                                           out, "HTTP response after a gap") if _final(r)]
    for i in range(max(len(requests), len(responses))):
        out.facts.append(http_ecs(requests[i] if i < len(requests) else None,
                                  responses[i] if i < len(responses) else None))
    return out


#: The flow's fields each later transaction's event repeats: where and when, and the flow it is
#: of (network.community_id). Not the transport, counters or outcome: a transaction is not a
#: flow, and the rules that count flows or connections (network.transport, bytes, event.outcome)
#: must not count it.
SHARED = ("event.start", "event.end", "network.protocol", "network.type", "network.community_id", "source.ip",
          "source.port", "destination.ip", "destination.port", "network.vlan.id", "network.inner.vlan.id",
          "govsoc.flow.vni", "govsoc.flow.tunnel", "log.file.path")


def later_events(flow: dict[str, Any]) -> list[dict[str, Any]]:
    """Takes the later transactions off a flow record's fields (``flow``, changed): the fields of
    one event for each, numbered from 2 (``govsoc.flow.transaction``; the flow event is the 1st)."""
    later = flow.pop(LATER, None) or []
    shared = {name: flow[name] for name in SHARED if name in flow}
    return [{"event.kind": "event", "event.category": ["network"], "event.type": ["protocol"], **shared, **facts,
             "govsoc.flow.transaction": number} for number, facts in enumerate(later, start=2)]


def _final(response: HttpResponse) -> bool:
    return not 100 <= response.status_code < 200 or response.status_code == 101


#: At most this many reasons are kept on a flow (every undecoded message is counted).
MAX_REASONS = 8


def _messages(read: Callable[[], list[Any]], out: Transactions, what: str) -> list[Any]:
    """The messages ``read`` gives; a ParseError is counted and its reason kept, naming ``what``
    was read (review R14c 3: counted without a reason before)."""
    try:
        return read()
    except ParseError as e:
        out.undecoded += 1
        if len(out.reasons) < MAX_REASONS:
            out.reasons.append(f"{what}: {e}")
        return []

