"""TLS facts on flows when part of the handshake cannot be read (review R14 F2, F9 MEDIUM).

F2: a ServerHello whose key_share holds an empty key (RFC 8446 4.2.8: key_exchange<1..2^16-1>)
dropped every TLS fact of the flow, the ClientHello's SNI and offered suites too, with no word
why; now the ClientHello's facts stay and the problem is on the flow (govsoc.tls.problems).
F9: a server flight (ServerHello, a 4.3 KB Certificate, ServerHelloDone) in one captured packet
over 4,096 bytes (GRO/TSO captures, jumbo frames, loopback) lost the certificate: only the first
4,096 bytes of a packet were kept; now a packet is kept up to the flow's whole sampled budget.
Both engines."""

from __future__ import annotations

import datetime
import io
import struct

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from govsoc.collectors.flows.assemble import FlowAssembler
from govsoc.collectors.flows.ecs import flow_fields

from .test_metadata import _client_hello, _connection, _record


def _extension(kind: int, body: bytes) -> bytes:
    return struct.pack("!HH", kind, len(body)) + body


def _sni(name: str) -> bytes:
    entry = b"\x00" + struct.pack("!H", len(name)) + name.encode()
    return _extension(0, struct.pack("!H", len(entry)) + entry)


def _fields(data: bytes, engine: str) -> dict[str, object]:
    (flow,) = list(FlowAssembler(io.BytesIO(data), engine=engine).flows())
    return flow_fields(flow)


@pytest.mark.parametrize("engine", ["python", "native"])
def test_an_undecodable_server_hello_keeps_the_client_hello_facts(engine: str) -> None:
    # TLS 1.3 ClientHello offering TLS_SM4_GCM_SM3, TLS_SM4_CCM_SM3, TLS_AES_128_GCM_SHA256 to zwfw.gov.cn
    hello = _client_hello(b"\x03\x03", (0x00C6, 0x00C7, 0x1301), _sni("zwfw.gov.cn"))
    # ServerHello choosing TLS_SM4_GCM_SM3, TLS 1.3, key_share for curveSM2 (41) with an empty key
    extensions = _extension(43, b"\x03\x04") + _extension(51, struct.pack("!HH", 41, 0))
    body = b"\x03\x03" + bytes(32) + b"\x00" + struct.pack("!H", 0x00C6) + b"\x00"
    server = _record(b"\x03\x03", 2, body + struct.pack("!H", len(extensions)) + extensions)
    fields = _fields(_connection([hello], [server]), engine)
    assert fields["network.protocol"] == "tls"
    assert fields["tls.client.server_name"] == "zwfw.gov.cn"
    assert fields["tls.client.supported_ciphers"] == ["TLS_SM4_GCM_SM3", "TLS_SM4_CCM_SM3", "TLS_AES_128_GCM_SHA256"]
    problems = fields["govsoc.tls.problems"]
    assert isinstance(problems, list) and len(problems) == 1 and problems[0].startswith("ServerHello: ")
    assert "tls.cipher" not in fields  # what did not decode is not made up


def _certificate(names: int) -> bytes:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "zwfw.gov.cn")])
    san = x509.SubjectAlternativeName([x509.DNSName(f"h{i:03d}.zwfw.gov.cn") for i in range(names)])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(7).not_valid_before(datetime.datetime(2024, 1, 1))
            .not_valid_after(datetime.datetime(2030, 1, 1)).add_extension(san, False).sign(key, hashes.SHA256()))
    return cert.public_bytes(serialization.Encoding.DER)


@pytest.mark.parametrize("engine", ["python", "native"])
def test_a_server_flight_over_4096_bytes_in_one_packet_keeps_its_certificate(engine: str) -> None:
    der = _certificate(200)
    chain = len(der).to_bytes(3, "big") + der
    flight = (_record(b"\x03\x03", 2, b"\x03\x03" + bytes(32) + b"\x00" + struct.pack("!H", 0xC02F) + b"\x00")
              + _record(b"\x03\x03", 11, len(chain).to_bytes(3, "big") + chain) + _record(b"\x03\x03", 14, b""))
    assert len(flight) > 4096
    hello = _client_hello(b"\x03\x03", (0xC02F, 0x009C), _sni("zwfw.gov.cn"))
    fields = _fields(_connection([hello], [flight]), engine)
    assert fields["tls.cipher"] == "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"
    assert fields["tls.server.x509.subject.distinguished_name"] == "CN=zwfw.gov.cn"
    assert (fields["tls.server.x509.public_key_algorithm"], fields["tls.server.x509.public_key_size"]) == ("rsa", 2048)
    assert fields["tls.server.x509.not_after"].startswith("2030-01-01")
    assert len(fields["tls.server.x509.alternative_names"]) == 200


@pytest.mark.parametrize("engine", ["python", "native"])
def test_a_certificate_cut_by_the_payload_sample_is_said_and_its_leaf_kept(engine: str) -> None:
    # review R14b N6: a server flight whose Certificate runs past the flow's 24 KiB payload sample
    # (an intermediate with ~1,300 names) lost every x509 fact and said nothing; now the leaf,
    # whole before the cut, is read, and the flow says the chain was cut and why
    leaf, big = _certificate(3), _certificate(1300)
    chain = b"".join(len(der).to_bytes(3, "big") + der for der in (leaf, big))
    assert len(chain) > 24576
    message = bytes([11]) + (len(chain) + 3).to_bytes(3, "big") + len(chain).to_bytes(3, "big") + chain
    hello = _record(b"\x03\x03", 2, b"\x03\x03" + bytes(32) + b"\x00" + struct.pack("!H", 0xC02F) + b"\x00")
    records = [message[i:i + 16384] for i in range(0, len(message), 16384)]  # RFC 5246 6.2.1 fragments
    flight = hello + b"".join(b"\x16\x03\x03" + struct.pack("!H", len(r)) + r for r in records)
    flight += _record(b"\x03\x03", 14, b"")
    segments = [flight[i:i + 1448] for i in range(0, len(flight), 1448)]
    client = _client_hello(b"\x03\x03", (0xC02F,), _sni("zwfw.gov.cn"))
    fields = _fields(_connection([client], segments), engine)
    assert fields["tls.server.x509.subject.distinguished_name"] == "CN=zwfw.gov.cn"
    assert fields["tls.server.x509.alternative_names"] == ["h000.zwfw.gov.cn", "h001.zwfw.gov.cn", "h002.zwfw.gov.cn"]
    (problem,) = fields["govsoc.tls.problems"]  # type: ignore[misc]
    assert problem.startswith("Certificate: cut short, ") and f"of its {len(chain) + 3:,} bytes captured: " \
        "1 certificate read whole, the rest missing (the flow's payload sample ends inside it" in problem
    unread = fields["govsoc.flow.unread_packets"]
    assert isinstance(unread, int) and 0 < unread < len(segments)
