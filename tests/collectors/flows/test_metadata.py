"""Protocol facts on flows for what the Zeek corpus lacks: TLCP (GB/T 38636-2020, record and
hello version 0x0101, SM suites) and a TLS 1.3 hello offering the RFC 8998 SM suite, built from
the standards' layouts; and reassembly of a handshake that arrives out of order."""

from __future__ import annotations

import io
import struct

import pytest

from govsoc.collectors.flows.assemble import FlowAssembler
from govsoc.collectors.flows.ecs import flow_fields

from .packets import ethernet, ipv4, pcap, tcp


def _record(version: bytes, handshake_type: int, body: bytes) -> bytes:
    message = bytes([handshake_type]) + len(body).to_bytes(3, "big") + body
    return b"\x16" + version + struct.pack("!H", len(message)) + message


def _client_hello(version: bytes, suites: tuple[int, ...], extensions: bytes = b"") -> bytes:
    body = version + bytes(32) + b"\x00" + struct.pack("!H", 2 * len(suites)) + \
        b"".join(struct.pack("!H", s) for s in suites) + b"\x01\x00"
    if extensions:
        body += struct.pack("!H", len(extensions)) + extensions
    return _record(version if version != b"\x03\x03" else b"\x03\x01", 1, body)


def _server_hello(version: bytes, suite: int) -> bytes:
    return _record(version, 2, version + bytes(32) + b"\x00" + struct.pack("!H", suite) + b"\x00")


def _connection(client: list[bytes], server: list[bytes], *, reorder: bool = False) -> bytes:
    a, b = "10.0.0.1", "10.0.0.9"
    frames = [ethernet(ipv4(a, b, 6, tcp(50000, 443, 100, 0, "S"))),
              ethernet(ipv4(b, a, 6, tcp(443, 50000, 700, 101, "SA"))),
              ethernet(ipv4(a, b, 6, tcp(50000, 443, 101, 701, "A")))]
    seq_a, seq_b = 101, 701
    client_frames = []
    for data in client:
        client_frames.append(ethernet(ipv4(a, b, 6, tcp(50000, 443, seq_a, seq_b, "PA", data))))
        seq_a += len(data)
    if reorder:
        client_frames.reverse()  # the second segment overtakes the first
    frames += client_frames
    for data in server:
        frames.append(ethernet(ipv4(b, a, 6, tcp(443, 50000, seq_b, seq_a, "PA", data))))
        seq_b += len(data)
    return pcap([(1.0 + i / 100, frame) for i, frame in enumerate(frames)])


def _fields(data: bytes) -> dict[str, object]:
    (flow,) = list(FlowAssembler(io.BytesIO(data)).flows())
    return flow_fields(flow)


def test_a_tlcp_handshake_is_recognised_with_its_sm_suite() -> None:
    # GB/T 38636: record and client_version 0x0101; suites ECC_SM4_GCM_SM3 (E053), ECC_SM4_CBC_SM3 (E013)
    hello = _client_hello(b"\x01\x01", (0xE053, 0xE013))
    fields = _fields(_connection([hello], [_server_hello(b"\x01\x01", 0xE013)]))
    assert fields["network.protocol"] == "tlcp"
    assert fields["tls.version_protocol"] == "tlcp" and fields["govsoc.tls.zeek_version"] == "TLCP"
    assert fields["tls.cipher"] == "TLCP_ECC_SM4_CBC_SM3"
    assert fields["tls.client.supported_ciphers"] == ["TLCP_ECC_SM4_GCM_SM3", "TLCP_ECC_SM4_CBC_SM3"]


def test_the_rfc_8998_suites_are_named_in_a_tls_hello() -> None:
    # RFC 8998: TLS_SM4_GCM_SM3 (0x00C6), TLS_SM4_CCM_SM3 (0x00C7) offered beside TLS_AES_128_GCM_SHA256
    fields = _fields(_connection([_client_hello(b"\x03\x03", (0x00C6, 0x00C7, 0x1301))], []))
    assert fields["network.protocol"] == "tls"
    assert fields["tls.client.supported_ciphers"][:1] == ["TLS_SM4_GCM_SM3"]
    assert fields["tls.established"] is False  # no server answer in the capture


def test_a_hello_split_over_two_segments_that_arrive_out_of_order() -> None:
    hello = _client_hello(b"\x01\x01", (0xE013,))
    fields = _fields(_connection([hello[:20], hello[20:]], [_server_hello(b"\x01\x01", 0xE013)], reorder=True))
    assert fields["tls.client.supported_ciphers"] == ["TLCP_ECC_SM4_CBC_SM3"]
    assert fields["tls.cipher"] == "TLCP_ECC_SM4_CBC_SM3"


def _session(port: int, exchange: list[tuple[bool, bytes]]) -> bytes:
    """A TCP connection to ``port`` carrying ``exchange`` ((from the client, payload), in order)."""
    a, b = "10.0.0.1", "10.0.0.21"
    frames = [ethernet(ipv4(a, b, 6, tcp(50000, port, 100, 0, "S"))),
              ethernet(ipv4(b, a, 6, tcp(port, 50000, 700, 101, "SA"))),
              ethernet(ipv4(a, b, 6, tcp(50000, port, 101, 701, "A")))]
    seq = {True: 101, False: 701}
    for from_client, data in exchange:
        src, dst, sport, dport = (a, b, 50000, port) if from_client else (b, a, port, 50000)
        frames.append(ethernet(ipv4(src, dst, 6, tcp(sport, dport, seq[from_client], seq[not from_client], "PA",
                                                     data))))
        seq[from_client] += len(data)
    return pcap([(1.0 + i / 100, frame) for i, frame in enumerate(frames)])


@pytest.mark.parametrize(("port", "exchange", "named"), [
    # FTP on 2121: a 220 greeting, then USER (RFC 959 5.3.1)
    (2121, [(False, b"220 ProFTPD Server ready.\r\n"), (True, b"USER admin\r\n")], "ftp"),
    # FTP on its own port, opening with AUTH TLS refused (RFC 4217)
    (21, [(False, b"220-Welcome\r\n220 ready\r\n"), (True, b"AUTH TLS\r\n"), (False, b"500 no\r\n")], "ftp"),
    # Telnet on 2323: the server opens with IAC DO TERMINAL-TYPE (RFC 854, 1091)
    (2323, [(False, b"\xff\xfd\x18\xff\xfd\x20"), (True, b"\xff\xfc\x18\xff\xfc\x20")], "telnet"),
    # SMTP on 2525 greets with 220 too, but its client says EHLO: not FTP
    (2525, [(False, b"220 mail.gov.cn ESMTP\r\n"), (True, b"EHLO client\r\n")], None),
])
@pytest.mark.parametrize("engine", ["python", "native"])
def test_ftp_and_telnet_are_named_from_their_first_bytes_on_any_port(port: int, exchange: list[tuple[bool, bytes]],
                                                                      named: str | None, engine: str) -> None:
    # review R14b: FTP and Telnet on another port than 21/23 were not named (no network.protocol),
    # so nothing said a cleartext login service was there
    (flow,) = list(FlowAssembler(io.BytesIO(_session(port, exchange)), engine=engine).flows())
    assert flow_fields(flow).get("network.protocol") == named
