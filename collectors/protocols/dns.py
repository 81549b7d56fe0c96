"""DNS messages from payload bytes (RFC 1035 section 4; TCP framing RFC 1035 4.2.2 / RFC 7766).

Stage: collectors (protocol metadata on flows). Pure functions: :func:`dns_messages` reads the
payload of one direction of a flow (one UDP datagram, or a TCP stream's first bytes with their
2-byte length prefixes) into :class:`DnsMessage` objects; :meth:`DnsMessage.zeek` gives the
fields of Zeek's dns.log and :func:`dns_ecs` the ECS ``dns.*`` fields of a query and its
response. Compressed names are followed only backwards and at most :data:`MAX_POINTERS` times,
so a pointer loop ends with :class:`DnsError`; any input either decodes or raises DnsError
(a ParseError).
"""

from __future__ import annotations

import ipaddress
import struct
from dataclasses import dataclass
from typing import Any, Literal

from govsoc.core.errors import ParseError

__all__ = ["DnsAnswer", "DnsError", "DnsMessage", "dns_ecs", "dns_messages", "dns_zeek", "parse_dns"]

#: Type numbers -> Zeek's qtype_name (RFC 1035, 3596, 2782, 6891, 4034, 9460; 255 is "*").
QTYPES: dict[int, str] = {
    1: "A", 2: "NS", 5: "CNAME", 6: "SOA", 12: "PTR", 13: "HINFO", 15: "MX", 16: "TXT", 28: "AAAA",
    29: "LOC", 33: "SRV", 35: "NAPTR", 39: "DNAME", 41: "OPT", 43: "DS", 46: "RRSIG", 47: "NSEC",
    48: "DNSKEY", 50: "NSEC3", 52: "TLSA", 64: "SVCB", 65: "HTTPS", 99: "SPF", 251: "IXFR", 252: "AXFR",
    255: "*", 257: "CAA",
}
#: Class numbers -> Zeek's qclass_name.
QCLASSES: dict[int, str] = {1: "C_INTERNET", 2: "C_CSNET", 3: "C_CHAOS", 4: "C_HESIOD", 254: "C_NONE", 255: "C_ANY"}
#: RCODE -> name (RFC 1035, 2136).
RCODES: dict[int, str] = {
    0: "NOERROR", 1: "FORMERR", 2: "SERVFAIL", 3: "NXDOMAIN", 4: "NOTIMP", 5: "REFUSED", 6: "YXDOMAIN",
    7: "YXRRSET", 8: "NXRRSET", 9: "NOTAUTH", 10: "NOTZONE",
}
#: OPCODE -> Zeek's opcode_name.
OPCODES: dict[int, str] = {0: "query", 1: "iquery", 2: "status", 4: "notify", 5: "update"}

HEADER = struct.Struct("!HHHHHH")
MAX_POINTERS = 32
#: RFC 1035 2.3.4: a name is at most 255 octets on the wire.
MAX_NAME = 255


class DnsError(ParseError):
    """Bytes that are not a DNS message (or are cut inside one)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class DnsAnswer:
    """One resource record of the answer section: its owner, type, TTL and data as text
    (an address, a name, or Zeek's form for other types)."""

    name: str
    type: int
    ttl: int
    data: str

    @property
    def type_name(self) -> str:
        """The type's mnemonic (A, CNAME...), or TYPEnnn (RFC 3597) when unknown."""
        return QTYPES.get(self.type, f"TYPE{self.type}")


@dataclass(frozen=True, slots=True, kw_only=True)
class DnsMessage:
    """A decoded DNS message header, its first question and its answer records."""

    id: int
    response: bool
    opcode: int
    rcode: int
    aa: bool
    tc: bool
    rd: bool
    ra: bool
    z: int
    query: str | None
    qtype: int | None
    qclass: int | None
    answers: tuple[DnsAnswer, ...] = ()

    def zeek(self) -> dict[str, Any]:
        """This message as the columns of Zeek's dns.log (None where Zeek writes ``-``)."""
        return {
            "trans_id": self.id,
            "query": self.query,
            "qclass": self.qclass,
            "qclass_name": QCLASSES.get(self.qclass) if self.qclass is not None else None,
            "qtype": self.qtype,
            "qtype_name": _type_name(self.qtype),
            "rcode": self.rcode if self.response else None,
            "rcode_name": RCODES.get(self.rcode, str(self.rcode)) if self.response else None,
            "AA": self.aa, "TC": self.tc, "RD": self.rd, "RA": self.ra, "Z": self.z,
            "answers": [a.data for a in self.answers] or None,
            "TTLs": [float(a.ttl) for a in self.answers] or None,
            "opcode": self.opcode,
            "opcode_name": OPCODES.get(self.opcode, str(self.opcode)),
        }


def _type_name(qtype: int | None) -> str | None:
    return None if qtype is None else QTYPES.get(qtype, f"TYPE{qtype}")


def dns_messages(payload: bytes, transport: Literal["udp", "tcp"] = "udp") -> list[DnsMessage]:
    """The DNS messages in one direction's payload.

    UDP: ``payload`` is one datagram, one message. TCP: the stream's bytes, each message behind
    its 2-byte length; a last message the bytes stop inside is left out once one whole message
    was read (a flow's first packets may end there), and is an error when none was.
    """
    if transport == "udp":
        return [parse_dns(payload)]
    messages: list[DnsMessage] = []
    at = 0
    while at + 2 <= len(payload):
        (size,) = struct.unpack_from("!H", payload, at)
        body = payload[at + 2:at + 2 + size]
        if len(body) < size:
            break
        messages.append(parse_dns(body))
        at += 2 + size
    if not messages:
        raise DnsError(f"DNS over TCP: no whole message in {len(payload)} bytes")
    return messages


def parse_dns(data: bytes) -> DnsMessage:
    """One DNS message (without a TCP length prefix)."""
    if len(data) < HEADER.size:
        raise DnsError(f"DNS message of {len(data)} bytes, shorter than its 12-byte header")
    ident, flags, qdcount, ancount, _nscount, _arcount = HEADER.unpack_from(data)
    at = HEADER.size
    query = qtype = qclass = None
    for index in range(qdcount):
        name, at = read_name(data, at)
        if at + 4 > len(data):
            raise DnsError(f"question {index + 1} cut at byte {at}")
        if index == 0:
            query = name
            qtype, qclass = struct.unpack_from("!HH", data, at)
        at += 4
    answers = []
    for index in range(ancount):
        answer, at = _read_record(data, at, index)
        if answer is not None:
            answers.append(answer)
    return DnsMessage(
        id=ident, response=bool(flags & 0x8000), opcode=(flags >> 11) & 0xF, aa=bool(flags & 0x0400),
        tc=bool(flags & 0x0200), rd=bool(flags & 0x0100), ra=bool(flags & 0x0080), z=(flags >> 4) & 0x7,
        rcode=flags & 0xF, query=query, qtype=qtype, qclass=qclass, answers=tuple(answers),
    )


def _read_record(data: bytes, at: int, index: int) -> tuple[DnsAnswer | None, int]:
    """The answer record at ``at`` and the offset after it (None for records Zeek leaves out of
    ``answers``: OPT pseudo-records)."""
    name, at = read_name(data, at)
    if at + 10 > len(data):
        raise DnsError(f"answer {index + 1} header cut at byte {at}")
    rtype, _rclass, ttl, rdlength = struct.unpack_from("!HHIH", data, at)
    start = at + 10
    end = start + rdlength
    if end > len(data):
        raise DnsError(f"answer {index + 1}: rdata of {rdlength} bytes runs past the message end")
    if rtype == 41:
        return None, end
    return DnsAnswer(name=name, type=rtype, ttl=ttl, data=_rdata(data, rtype, start, end)), end


def _rdata(data: bytes, rtype: int, start: int, end: int) -> str:
    """Record data as Zeek writes it in ``answers``."""
    rdata = data[start:end]
    if rtype == 1 and len(rdata) == 4:
        return str(ipaddress.IPv4Address(rdata))
    if rtype == 28 and len(rdata) == 16:
        return str(ipaddress.IPv6Address(rdata))
    if rtype in (2, 5, 12, 39):  # NS, CNAME, PTR, DNAME
        return _name_within(data, start, end)
    if rtype == 15 and len(rdata) >= 3:  # MX: preference, exchange
        return _name_within(data, start + 2, end)
    if rtype == 6:  # SOA: Zeek writes the primary name server
        return _name_within(data, start, end)
    if rtype == 33 and len(rdata) >= 7:  # SRV: priority, weight, port, target
        return _name_within(data, start + 6, end)
    if rtype == 16:  # TXT: Zeek's "TXT <count> <strings>"
        strings = _character_strings(rdata)
        return f"TXT {len(strings)} " + " ".join(strings)
    return f"<unknown type={rtype}>"


def _name_within(data: bytes, start: int, end: int) -> str:
    name, after = read_name(data, start)
    if after > end:
        raise DnsError(f"name in record data at byte {start} runs past the record")
    return name


def _character_strings(rdata: bytes) -> list[str]:
    strings, at = [], 0
    while at < len(rdata):
        size = rdata[at]
        if at + 1 + size > len(rdata):
            raise DnsError("TXT string runs past its record")
        strings.append(_label_text(rdata[at + 1:at + 1 + size]))
        at += 1 + size
    return strings


def read_name(data: bytes, at: int) -> tuple[str, int]:
    """The (possibly compressed) name at ``at`` and the offset after it in the message.

    Pointers must point before the place they are read (RFC 1035 4.1.4 only points to prior
    occurrences), which alone makes loops impossible; :data:`MAX_POINTERS` bounds the chain.
    """
    labels: list[str] = []
    after: int | None = None
    pointers = wire = 0
    while True:
        if at >= len(data):
            raise DnsError(f"name cut at byte {at}")
        size = data[at]
        if size & 0xC0 == 0xC0:
            if at + 1 >= len(data):
                raise DnsError(f"compression pointer cut at byte {at}")
            target = ((size & 0x3F) << 8) | data[at + 1]
            if target >= at:
                raise DnsError(f"compression pointer at byte {at} points forward to {target}")
            pointers += 1
            if pointers > MAX_POINTERS:
                raise DnsError(f"more than {MAX_POINTERS} compression pointers in one name")
            if after is None:
                after = at + 2
            at = target
            continue
        if size & 0xC0:
            raise DnsError(f"label type {size >> 6:#x} at byte {at} is not supported")
        if size == 0:
            break
        wire += size + 1
        if wire > MAX_NAME:
            raise DnsError(f"name longer than {MAX_NAME} bytes at byte {at}")
        if at + 1 + size > len(data):
            raise DnsError(f"label cut at byte {at}")
        labels.append(_label_text(data[at + 1:at + 1 + size]))
        at += 1 + size
    return (".".join(labels) if labels else "<root>"), (after if after is not None else at + 1)


def _label_text(raw: bytes) -> str:
    """A label as Zeek writes it: printable ASCII as is, other bytes as \\xHH."""
    if all(0x20 <= b < 0x7F for b in raw):
        return raw.decode("ascii")
    return "".join(chr(b) if 0x20 <= b < 0x7F else f"\\x{b:02x}" for b in raw)


def dns_zeek(query: DnsMessage | None, reply: DnsMessage | None) -> dict[str, Any]:
    """One dns.log row for a query and its reply, merged as Zeek merges them: the reply gives
    rcode and TC, and AA, RA, answers and TTLs only when it has answer records (Zeek's
    DNS::do_reply hook runs per answer); everything else comes from the query."""
    if query is None and reply is None:
        return {}
    row = (query or reply).zeek()  # type: ignore[union-attr]
    if query is not None and reply is not None:
        theirs = reply.zeek()
        keys = ["rcode", "rcode_name", "TC"] + (["AA", "RA", "answers", "TTLs"] if reply.answers else [])
        row.update({key: theirs[key] for key in keys})
    return row


def dns_ecs(query: DnsMessage | None, response: DnsMessage | None) -> dict[str, Any]:
    """The ECS ``dns.*`` fields of one transaction (its query, its response, or both):
    ``dns.type`` is ``answer`` once a response was seen."""
    message = response or query
    if message is None:
        return {}
    fields: dict[str, Any] = {"dns.id": message.id, "dns.type": "answer" if response else "query",
                              "dns.op_code": OPCODES.get(message.opcode, str(message.opcode)).upper()}
    if message.query is not None:
        fields["dns.question.name"] = message.query
        fields.update(_registered(message.query))
        fields["dns.question.type"] = _type_name(message.qtype)
        fields["dns.question.class"] = QCLASSES.get(message.qclass or 0, str(message.qclass))
    if response is not None:
        fields["dns.response_code"] = RCODES.get(response.rcode, str(response.rcode))
        fields["dns.header_flags"] = [flag for flag, on in (("AA", response.aa), ("TC", response.tc),
                                                            ("RD", response.rd), ("RA", response.ra)) if on]
        if response.answers:
            fields["dns.answers"] = [{"name": a.name, "type": a.type_name, "ttl": a.ttl, "data": a.data}
                                     for a in response.answers]
            resolved = [a.data for a in response.answers if a.type in (1, 28)]
            if resolved:
                fields["dns.resolved_ip"] = resolved
    return fields


#: Public suffixes of two labels that names under Chinese and a few common registries use (an
#: excerpt of the Public Suffix List's ICANN section: .cn's second-level and provincial domains,
#: and the commonest elsewhere). A name under one of them registers its third label.
TWO_LABEL_SUFFIXES = frozenset({
    *(f"{sld}.cn" for sld in ("gov", "com", "net", "org", "edu", "ac", "mil", "bj", "sh", "tj", "cq", "he", "sx",
                              "nm", "ln", "jl", "hl", "js", "zj", "ah", "fj", "jx", "sd", "ha", "hb", "hn", "gd",
                              "gx", "hi", "sc", "gz", "yn", "xz", "sn", "gs", "qh", "nx", "xj", "tw", "hk", "mo")),
    "com.hk", "gov.hk", "org.hk", "edu.hk", "net.hk", "com.tw", "gov.tw", "com.mo",
    "co.uk", "org.uk", "gov.uk", "ac.uk", "co.jp", "ne.jp", "or.jp", "com.au", "net.au", "co.kr", "com.sg",
})


def _registered(name: str) -> dict[str, Any]:
    """ECS ``dns.question.registered_domain`` / ``subdomain`` / ``top_level_domain`` of a query
    name: the registered domain is the public suffix (TWO_LABEL_SUFFIXES, else the last label)
    and one label more. Rules count a domain's distinct subdomains with it (DNS tunnelling).
    ``govsoc.dns.longest_label``: the length of the name's longest label (tunnels fill labels
    with encoded data; a regular expression for it is too costly for Elasticsearch)."""
    labels = [label for label in name.rstrip(".").lower().split(".") if label]
    if len(labels) < 2:
        return {"govsoc.dns.longest_label": max(map(len, labels))} if labels else {}
    suffix = 2 if len(labels) >= 3 and ".".join(labels[-2:]) in TWO_LABEL_SUFFIXES else 1
    if len(labels) <= suffix:
        return {}
    registered = labels[-suffix - 1:]
    out: dict[str, Any] = {
           "govsoc.dns.longest_label": max(map(len, labels)),
           "dns.question.registered_domain": ".".join(registered),
           "dns.question.top_level_domain": ".".join(labels[-suffix:])}
    if len(labels) > len(registered):
        out["dns.question.subdomain"] = ".".join(labels[:-len(registered)])
    return out
