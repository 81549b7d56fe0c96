"""Protocol facts on flows: the first payload bytes of each direction (reassembled in sequence
order as far as they are contiguous) go through the protocol decoders of collectors.protocols,
and what they say becomes ECS fields on the flow event:

* TLS and TLCP (GB/T 38636) hellos and certificates: ``tls.*`` as ECS names them (version,
  version_protocol ``tls`` or ``tlcp``, cipher, curve, client.server_name, client.supported_ciphers,
  resumed, established, next_protocol, server.hash.sha256 and server.x509.*), with every
  certificate of the chain under ``govsoc.tls.chain`` (TLCP sends a signing and an encryption
  certificate) and Zeek's version label in ``govsoc.tls.zeek_version``;
* SSH banners and negotiated algorithms: ``ssh.*`` as Zeek's ssh.log names them (ECS has no ssh
  field set; crypto_eval reads these names);
* DNS: the first query and its answer, ``dns.*``; HTTP: the first request and response,
  ``http.*``, ``url.*``, ``user_agent.original``; with how many transactions the flow's sampled
  payload holds (``govsoc.flow.transactions``), the later ones each becoming an event of its own
  (collectors.flows.transactions), and how many payload packets were past the sample
  (``govsoc.flow.unread_packets``: their transactions are not read).

A payload that does not decode adds nothing (the decoders raise ParseError only).
"""

from __future__ import annotations

import re
import warnings
from typing import Any

from govsoc.collectors.flows.decode import TCP, UDP
from govsoc.collectors.flows.flow import Flow
from govsoc.collectors.flows.sampling import HTTP_MAGIC
from govsoc.collectors.flows.transactions import dns_transactions, http_transactions
from govsoc.collectors.protocols.ssh import ssh_session_facts
from govsoc.collectors.protocols.tls_names import suite_name
from govsoc.collectors.protocols.tls_session import looks_like_tls, tls_session_facts
from govsoc.collectors.protocols.x509 import CertificateInfo
from govsoc.core.errors import ParseError

#: Zeek's version labels -> ECS tls.version_protocol and tls.version.
TLS_VERSIONS = {"TLSv10": ("tls", "1.0"), "TLSv11": ("tls", "1.1"), "TLSv12": ("tls", "1.2"), "TLSv13": ("tls", "1.3"),
                "SSLv3": ("ssl", "3.0"), "SSLv2": ("ssl", "2.0"), "TLCP": ("tlcp", "1.1"),
                "DTLSv10": ("dtls", "1.0"), "DTLSv12": ("dtls", "1.2")}
_HTTP_METHODS = (b"GET ", b"POST ", b"HEAD ", b"PUT ", b"DELETE ", b"OPTIONS ", b"CONNECT ", b"PATCH ", b"TRACE ")


def stream(flow: Flow, from_orig: bool) -> bytes:
    """The first bytes one side sent: TCP segments in sequence order up to the first gap
    (retransmitted and overlapping bytes once); for other protocols the first datagram."""
    parts = [(seq, data) for is_orig, seq, data in flow.samples if is_orig == from_orig]
    if not parts:
        return b""
    if flow.proto != TCP:
        return parts[0][1]
    base = parts[0][0]
    ordered = sorted((((seq - base + 0x80000000) & 0xFFFFFFFF) - 0x80000000, data) for seq, data in parts)
    out = bytearray()
    at = ordered[0][0]
    for offset, data in ordered:
        if offset > at:
            break  # a gap: what follows cannot be placed
        if offset + len(data) > at:
            out += data[at - offset:]
            at = offset + len(data)
    return bytes(out)


def _heads(flow: Flow, from_orig: bool, read: bytes) -> list[bytes]:
    """The samples of one side of a TCP flow beyond its first ``read`` bytes (the stream up to
    its first gap) that start an HTTP message, in sequence order, each once: past SAMPLE_LIMIT
    an HTTP flow keeps only those (collectors.flows.table), and a message after a gap starts one."""
    parts = [(seq, data) for is_orig, seq, data in flow.samples if is_orig == from_orig]
    if flow.proto != TCP or not parts:
        return []
    base = parts[0][0]
    offsets = [(((seq - base + 0x80000000) & 0xFFFFFFFF) - 0x80000000, data) for seq, data in parts]
    end = min(offset for offset, _ in offsets) + len(read)
    heads = {offset: data for offset, data in offsets if offset >= end and bytes(data[:4]) in HTTP_MAGIC}
    return [heads[offset] for offset in sorted(heads)]


def protocol_fields(flow: Flow) -> tuple[str | None, dict[str, Any]]:
    """(the application protocol, its ECS fields) of ``flow``, from its payload samples."""
    client, server = stream(flow, True), stream(flow, False)
    if not client and not server:
        return None, {}
    tls_client, tls_server = _tls_start(client, 1), _tls_start(server, 2)
    if looks_like_tls(tls_client) or looks_like_tls(tls_server):
        return _guard(lambda: _tls(tls_client, tls_server, flow), "tls")
    if client.startswith(b"SSH-") or server.startswith(b"SSH-"):
        return _guard(lambda: _ssh(client, server), "ssh")
    if client.startswith(_HTTP_METHODS) or server.startswith(b"HTTP/1."):
        heads = _heads(flow, True, client), _heads(flow, False, server)
        return _guard(lambda: _unread(flow, http_transactions(client, server, *heads).fields()), "http")
    if flow.proto in (UDP, TCP) and ({flow.orig_port, flow.resp_port} & {53, 5353, 5355}):
        return _guard(lambda: _unread(flow, dns_transactions(flow, client, server).fields()), "dns")
    if flow.proto == TCP:
        return _cleartext_login(client, server), {}
    return None, {}


#: RFC 854: IAC, then WILL, WONT, DO or DONT: a Telnet option negotiation.
TELNET_NEGOTIATION = re.compile(rb"\xff[\xfb-\xfe]")
#: RFC 959 4.2: a 220 (service ready) greeting; 5.3.1: the commands a client opens with (USER,
#: or first AUTH TLS, RFC 4217, FEAT, RFC 2389, HOST, RFC 7151 ...). SMTP greets with 220 too:
#: its clients open with EHLO/HELO, which are not here.
FTP_GREETING = re.compile(rb"220[ -]")
FTP_OPENING = re.compile(rb"(?i:USER|AUTH|FEAT|SYST|HOST|OPTS|ACCT) ?[^\r\n]*\r?\n")


def _cleartext_login(client: bytes, server: bytes) -> str | None:
    """``telnet`` or ``ftp`` from the first bytes each side sent, on any port (review R14b: on
    a port other than 23 or 21 the flow was not named): a Telnet option negotiation from either
    side, or an FTP greeting answered by an FTP command; else None."""
    if TELNET_NEGOTIATION.match(client) or TELNET_NEGOTIATION.match(server):
        return "telnet"
    if FTP_GREETING.match(server) and FTP_OPENING.match(client):
        return "ftp"
    return None


def _unread(flow: Flow, fields: dict[str, Any]) -> dict[str, Any]:
    """``fields`` with how many of the flow's payload packets were past its sample, when any
    were (``govsoc.flow.unread_packets``): the transactions they hold are not read (review
    R14b N1), and the flow says so rather than looking complete."""
    if flow.unsampled:
        fields["govsoc.flow.unread_packets"] = int(flow.unsampled)
    return fields


def _tls_start(data: bytes, message: int) -> bytes:
    """``data`` from its first TLS/TLCP handshake record holding ``message`` (1 ClientHello,
    2 ServerHello) on: the bytes before it are a STARTTLS exchange (IMAP, POP3, SMTP, XMPP, LDAP,
    FTP AUTH TLS, MySQL's SSL request)."""
    at = data.find(b"\x16")
    while 0 <= at <= len(data) - 6:
        if data[at + 1] in (1, 3) and data[at + 2] <= 4 and data[at + 5] == message:
            return data[at:]
        at = data.find(b"\x16", at + 1)
    return data


def _ssh_head(data: bytes) -> bytes:
    """The identification line and the first binary packet (the KEXINIT) of one side: what
    follows is encrypted once the key exchange is over."""
    end = data.find(b"\n")
    if end < 0 or not data.startswith(b"SSH-2.0") and not data.startswith(b"SSH-1.99"):
        return data[:end + 1] if end >= 0 else data
    length = int.from_bytes(data[end + 1:end + 5], "big")
    return data[:end + 5 + length]


def _guard(read: Any, protocol: str) -> tuple[str | None, dict[str, Any]]:
    try:
        with warnings.catch_warnings():
            # captured certificates are often out of spec (a negative serial, say): that is a fact
            # about the certificate, not something to warn the analyst's terminal about
            warnings.simplefilter("ignore")
            fields: dict[str, Any] = read()
    except ParseError:
        return (protocol if protocol in ("tls", "ssh") else None), {}
    if protocol == "tls" and fields.get("tls.version_protocol") == "tlcp":
        protocol = "tlcp"
    return protocol, fields


def _tls(client: bytes, server: bytes, flow: Flow) -> dict[str, Any]:
    facts = tls_session_facts(client, server)
    fields: dict[str, Any] = {"tls.established": facts.established, "tls.resumed": facts.resumed}
    if facts.version is not None:
        fields["govsoc.tls.zeek_version"] = facts.version
        if facts.version in TLS_VERSIONS:
            fields["tls.version_protocol"], fields["tls.version"] = TLS_VERSIONS[facts.version]
    for name, value in (("tls.cipher", facts.cipher), ("tls.curve", facts.curve),
                        ("tls.client.server_name", facts.server_name), ("tls.next_protocol", facts.next_protocol),
                        ("govsoc.tls.last_alert", facts.last_alert)):
        if value is not None:
            fields[name] = value
    if facts.problems:  # a message that did not decode: what did is kept, and why the rest is not
        fields["govsoc.tls.problems"] = [_why_cut(problem, flow) for problem in facts.problems]
        if flow.unsampled and any(problem.startswith(CERTIFICATE_CUT) for problem in facts.problems):
            fields["govsoc.flow.unread_packets"] = int(flow.unsampled)
    if facts.client_hello is not None:
        fields["tls.client.supported_ciphers"] = [suite_name(code) for code in facts.client_hello.cipher_suites]
    if facts.cert_chain_fps:
        fields["tls.server.hash.sha256"] = facts.cert_chain_fps[0]
    if facts.cert_chain:
        fields.update(_x509("tls.server.x509.", facts.cert_chain[0]))
        fields["govsoc.tls.chain"] = [_certificate(info) for info in facts.cert_chain]
    return fields


#: How tls_session_facts names a Certificate message the server's bytes end inside.
CERTIFICATE_CUT = "Certificate: cut short"


def _why_cut(problem: str, flow: Flow) -> str:
    """A Certificate cut short says why: the flow's payload sample (collectors.flows.table) ended
    inside it, its later packets unread, or the capture holds no more of it (a gap, the snap
    length, the end of the capture). Review R14b N6: the x509 facts went missing without a word."""
    if not problem.startswith(CERTIFICATE_CUT):
        return problem
    if flow.unsampled:
        return (f"{problem} (the flow's payload sample ends inside it at {flow.sample_bytes:,} bytes; "
                f"{flow.unsampled:,} packets past it unread)")
    return f"{problem} (the capture holds no more of it)"


def _x509(prefix: str, info: CertificateInfo) -> dict[str, Any]:
    fields: dict[str, Any] = {
        prefix + "subject.distinguished_name": info.subject, prefix + "issuer.distinguished_name": info.issuer,
        prefix + "serial_number": info.serial, prefix + "signature_algorithm": info.signature_algorithm,
        prefix + "public_key_algorithm": info.key_type, prefix + "public_key_size": info.key_bits,
        prefix + "not_before": info.not_before.isoformat(), prefix + "not_after": info.not_after.isoformat(),
    }
    if info.curve:
        fields[prefix + "public_key_curve"] = info.curve
    if info.dns_names:
        fields[prefix + "alternative_names"] = list(info.dns_names)
    return fields


def _certificate(info: CertificateInfo) -> dict[str, Any]:
    return {"subject": info.subject, "issuer": info.issuer, "serial": info.serial,
            "signature_algorithm": info.signature_algorithm, "key_type": info.key_type, "key_bits": info.key_bits,
            "not_before": info.not_before.isoformat(), "not_after": info.not_after.isoformat(),
            "key_usage": list(info.key_usage), "sha256": info.sha256, "self_signed": info.self_signed}


def _ssh(client: bytes, server: bytes) -> dict[str, Any]:
    client, server = _ssh_head(client), _ssh_head(server)
    try:
        facts = ssh_session_facts(client, server)
    except ParseError:  # a damaged or SSH-1 key exchange: the banners still say who spoke
        facts = ssh_session_facts(client[:client.find(b"\n") + 1], server[:server.find(b"\n") + 1])
    fields: dict[str, Any] = {}
    for name, value in (("client", facts.client), ("server", facts.server), ("version", facts.version),
                        ("kex_alg", facts.kex_alg), ("host_key_alg", facts.host_key_alg),
                        ("cipher_alg", facts.cipher_alg), ("mac_alg", facts.mac_alg),
                        ("compression_alg", facts.compression_alg), ("host_key", facts.host_key)):
        if value is not None:
            fields["ssh." + name] = value if isinstance(value, (int, str)) else str(value)
    return fields
