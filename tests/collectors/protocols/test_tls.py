"""TLS/TLCP wire decoding against RFC 8448's published messages, real OpenSSL handshakes (Python's
ssl module over memory BIOs) and the TLCP flights of shared/reference/crypto-eval.md's appendix."""

from __future__ import annotations

import os
import ssl

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govsoc.collectors.protocols import tls
from govsoc.collectors.protocols.tls_encoders import (
    encode_certificate_list,
    encode_client_hello,
    encode_handshake,
    encode_record,
    encode_server_hello,
    ext_alpn,
    ext_key_share,
    ext_server_name,
    ext_supported_groups,
    ext_supported_versions,
)
from govsoc.collectors.protocols.tls_names import HRR_RANDOM, TLCP_VERSION, is_grease, suite_name, version_name
from govsoc.collectors.protocols.tls_session import looks_like_tls, tls_session_facts
from govsoc.core.errors import ParseError
from tests.servers.certs import CertFiles

# RFC 8448 section 3 (Simple 1-RTT Handshake): ClientHello and ServerHello handshake messages.
RFC8448_CH = bytes.fromhex("""
01 00 00 c0 03 03 cb 34 ec b1 e7 81 63 ba 1c 38 c6 da cb 19 6a 6d ff a2 1a 8d 99 12 ec 18 a2 ef 62 83
02 4d ec e7 00 00 06 13 01 13 03 13 02 01 00 00 91 00 00 00 0b 00 09 00 00 06 73 65 72 76 65 72 ff 01
00 01 00 00 0a 00 14 00 12 00 1d 00 17 00 18 00 19 01 00 01 01 01 02 01 03 01 04 00 23 00 00 00 33 00
26 00 24 00 1d 00 20 99 38 1d e5 60 e4 bd 43 d2 3d 8e 43 5a 7d ba fe b3 c0 6e 51 c1 3c ae 4d 54 13 69
1e 52 9a af 2c 00 2b 00 03 02 03 04 00 0d 00 20 00 1e 04 03 05 03 06 03 02 03 08 04 08 05 08 06 04 01
05 01 06 01 02 01 04 02 05 02 06 02 02 02 00 2d 00 02 01 01 00 1c 00 02 40 01""")
RFC8448_SH = bytes.fromhex("""
02 00 00 56 03 03 a6 af 06 a4 12 18 60 dc 5e 6e 60 24 9c d3 4c 95 93 0c 8a c5 cb 14 34 da c1 55 77 2e
d3 e2 69 28 00 13 01 00 00 2e 00 33 00 24 00 1d 00 20 c9 82 88 76 11 20 95 fe 66 76 2b db f7 c6 72 e1
56 d6 cc 25 3b 83 3d f1 dd 69 b1 b0 4e 75 1f 0f 00 2b 00 02 03 04""")


def test_rfc8448_client_hello() -> None:
    hello = tls.parse_client_hello(RFC8448_CH[4:])
    assert hello.version == 0x0303 and hello.session_id == b""
    assert hello.random.hex().startswith("cb34ecb1")
    assert hello.cipher_suites == (0x1301, 0x1303, 0x1302)
    assert hello.server_name == "server"
    # x25519, secp256r1/384r1/521r1, ffdhe2048..8192 per the RFC's trace
    assert hello.supported_groups == (29, 23, 24, 25, 256, 257, 258, 259, 260)
    assert hello.key_share_groups == (29,)
    assert hello.supported_versions == (0x0304,) and hello.offered_versions == (0x0304,)
    assert len(hello.signature_algorithms) == 15 and hello.signature_algorithms[0] == 0x0403
    assert hello.renegotiation_info  # ff01 is present
    again = encode_client_hello(version=hello.version, random=hello.random, cipher_suites=hello.cipher_suites,
                                extensions=hello.extensions, session_id=hello.session_id)
    assert encode_handshake(1, again) == RFC8448_CH


def test_rfc8448_server_hello() -> None:
    hello = tls.parse_server_hello(RFC8448_SH[4:])
    assert hello.version == 0x0303 and hello.selected_version == 0x0304
    assert hello.cipher_suite == 0x1301 and suite_name(hello.cipher_suite) == "TLS_AES_128_GCM_SHA256"
    assert hello.key_share_group == 29 and not hello.is_hello_retry_request
    again = encode_server_hello(version=hello.version, random=hello.random, cipher_suite=hello.cipher_suite,
                                extensions=hello.extensions)
    assert encode_handshake(2, again) == RFC8448_SH


def test_iter_handshakes_reassembles_across_records() -> None:
    stream = encode_handshake(1, RFC8448_CH[4:])
    records = b"".join(encode_record(22, 0x0301, stream[i:i + 50]) for i in range(0, len(stream), 50))
    parsed, rest = tls.parse_records(records + b"\x16\x03")
    assert rest == b"\x16\x03" and len(parsed) == 4
    assert [(kind, len(body)) for kind, body in tls.iter_handshakes(parsed)] == [(1, len(RFC8448_CH) - 4)]


def _pump(client: ssl.SSLObject, server: ssl.SSLObject, bios: list[ssl.MemoryBIO]) -> tuple[bytes, bytes]:
    """Run a handshake and one exchange of application data over memory BIOs; returns what each side sent."""
    c_in, c_out, s_in, s_out = bios
    sent_c, sent_s = b"", b""
    done_c = done_s = False
    for _ in range(20):
        for obj, is_done in ((client, done_c), (server, done_s)):
            if not is_done:
                try:
                    obj.do_handshake()
                    if obj is client:
                        done_c = True
                    else:
                        done_s = True
                except ssl.SSLWantReadError:
                    pass
            data = (c_out if obj is client else s_out).read()
            if obj is client:
                sent_c += data
                s_in.write(data)
            else:
                sent_s += data
                c_in.write(data)
        if done_c and done_s:
            break
    client.write(b"ping")
    data = c_out.read()
    sent_c += data
    s_in.write(data)
    assert server.read(4) == b"ping"
    server.write(b"pong")
    data = s_out.read()
    sent_s += data
    return sent_c, sent_s


def _contexts(cert: CertFiles, version: ssl.TLSVersion) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(cert.cert, cert.key)
    server.minimum_version = server.maximum_version = version
    client = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    client.load_verify_locations(cert.cert)
    return server, client


def _run(server_ctx: ssl.SSLContext, client_ctx: ssl.SSLContext) -> tuple[bytes, bytes, ssl.SSLObject]:
    bios = [ssl.MemoryBIO() for _ in range(4)]
    client = client_ctx.wrap_bio(bios[0], bios[1], server_hostname="localhost")
    server = server_ctx.wrap_bio(bios[2], bios[3], server_side=True)
    sent_c, sent_s = _pump(client, server, bios)
    return sent_c, sent_s, client


def _iana_code(openssl_name: str, ctx: ssl.SSLContext) -> int:
    """The IANA code of an OpenSSL cipher name, from OpenSSL's own table (id = 0x0300xxxx)."""
    return next(c["id"] & 0xFFFF for c in ctx.get_ciphers() if c["name"] == openssl_name)


def test_real_tls12_handshake(rsa_cert: CertFiles) -> None:
    server_ctx, client_ctx = _contexts(rsa_cert, ssl.TLSVersion.TLSv1_2)
    client_ctx.set_alpn_protocols(["h2", "http/1.1"])
    server_ctx.set_alpn_protocols(["http/1.1"])
    sent_c, sent_s, client = _run(server_ctx, client_ctx)
    facts = tls_session_facts(sent_c, sent_s)
    cipher = client.cipher()
    assert cipher is not None
    assert facts.version == "TLSv12" and client.version() == "TLSv1.2"
    assert facts.server_hello is not None
    assert facts.server_hello.cipher_suite == _iana_code(cipher[0], client_ctx)
    assert facts.server_name == "localhost" and facts.next_protocol == "http/1.1"
    assert facts.client_hello is not None and facts.client_hello.alpn == ("h2", "http/1.1")
    assert facts.established and not facts.resumed and not facts.certificates_encrypted
    assert facts.curve == "x25519"  # OpenSSL 3's first default group, from the ECDHE ServerKeyExchange
    (leaf,) = facts.cert_chain
    assert leaf.sha256 == facts.cert_chain_fps[0]
    assert leaf.key_type == "rsa" and leaf.key_bits == 2048
    assert leaf.signature_algorithm == "sha256WithRSAEncryption" and leaf.dns_names == ("localhost",)
    assert looks_like_tls(sent_c) and looks_like_tls(sent_s) and not looks_like_tls(b"GET / HTTP/1.1\r\n")


def test_real_tls13_handshake_hides_certificates(rsa_cert: CertFiles) -> None:
    server_ctx, client_ctx = _contexts(rsa_cert, ssl.TLSVersion.TLSv1_3)
    sent_c, sent_s, client = _run(server_ctx, client_ctx)
    facts = tls_session_facts(sent_c, sent_s)
    assert facts.version == "TLSv13" and client.version() == "TLSv1.3"
    assert facts.certificates_encrypted and facts.cert_chain == ()
    assert facts.curve == "x25519" and facts.established
    assert facts.client_hello is not None and 0x0304 in facts.client_hello.supported_versions


def test_version_refusal_is_the_last_alert(rsa_cert: CertFiles) -> None:
    server_ctx, client_ctx = _contexts(rsa_cert, ssl.TLSVersion.TLSv1_2)
    client_ctx.minimum_version = ssl.TLSVersion.TLSv1_3
    bios = [ssl.MemoryBIO() for _ in range(4)]
    client = client_ctx.wrap_bio(bios[0], bios[1], server_hostname="localhost")
    server = server_ctx.wrap_bio(bios[2], bios[3], server_side=True)
    with pytest.raises(ssl.SSLWantReadError):
        client.do_handshake()
    hello = bios[1].read()
    bios[2].write(hello)
    with pytest.raises(ssl.SSLError):
        server.do_handshake()
    facts = tls_session_facts(hello, bios[3].read())
    assert facts.last_alert == "protocol_version" and not facts.established and facts.version is None


def _tlcp_server_flight(sign: bytes, enc: bytes, suite: int = 0xE053) -> bytes:
    """A TLCP server flight as the reference appendix shows it: ServerHello (0x0101), Certificate
    (signing, then encryption certificate), each in 0x0101 records."""
    hello = encode_server_hello(version=TLCP_VERSION, random=os.urandom(32), cipher_suite=suite)
    certs = encode_certificate_list([sign, enc])
    return (encode_record(22, TLCP_VERSION, encode_handshake(2, hello))
            + encode_record(22, TLCP_VERSION, encode_handshake(11, certs) + b"\x0e\x00\x00\x00"))


def test_tlcp_minimal_probe_hello_and_dual_certificates(rsa_cert: CertFiles) -> None:
    # the reference's minimal probe: 16 01 01 | 01 .. | 01 01 | random | 00 | 00 0C E053 .. E059 | 01 00
    suites = (0xE053, 0xE013, 0xE051, 0xE011, 0xE019, 0xE059)
    body = encode_client_hello(version=TLCP_VERSION, random=bytes(32), cipher_suites=suites, omit_extensions=True)
    wire = encode_record(22, TLCP_VERSION, encode_handshake(1, body))
    assert wire[:3] == b"\x16\x01\x01" and wire[9:11] == b"\x01\x01"
    assert wire[43:46] == b"\x00\x00\x0c" and wire.endswith(b"\x01\x00")
    facts = tls_session_facts(wire, _tlcp_server_flight(rsa_cert.der, rsa_cert.der))
    assert facts.tlcp and facts.cipher == "TLCP_ECC_SM4_GCM_SM3"
    assert facts.client_hello is not None and facts.client_hello.extensions == ()
    assert len(facts.cert_chain) == 2  # signing, encryption


def test_tlcp_protocol_version_alert() -> None:
    # appendix: a TLCP-only server answers a TLS hello with 15 0101 0002 02 46
    records, _ = tls.parse_records(bytes.fromhex("15010100020246"))
    assert records[0].version == TLCP_VERSION
    assert tls.parse_alert(records[0].fragment) == tls.Alert(level=2, description=70)


def test_hello_retry_request_selects_curve_sm2() -> None:
    ext = [ext_supported_versions([0x0304], server=True), ext_key_share([(0x0029, b"")], retry=True)]
    body = encode_server_hello(version=0x0303, random=HRR_RANDOM, cipher_suite=0x00C6, extensions=ext)
    hello = tls.parse_server_hello(body)
    assert hello.is_hello_retry_request and hello.key_share_group == 0x0029 and hello.selected_version == 0x0304
    assert suite_name(hello.cipher_suite) == "TLS_SM4_GCM_SM3"


@pytest.mark.parametrize("code,name", [
    (0x0301, "TLSv10"),       # Zeek's spelling
    (0x0101, "TLCP"),         # GB/T 38636 {1,1}
    (0x7F17, "TLSv13-draft23"),
    (0x1234, "unknown-0x1234"),
])
def test_version_names(code: int, name: str) -> None:
    assert version_name(code) == name


def test_grease() -> None:
    assert is_grease(0x0A0A) and is_grease(0xFAFA) and not is_grease(0x0A1A)
    assert suite_name(0x2A2A) == "GREASE"


@pytest.mark.parametrize("bad,why", [
    (b"GET / HTTP/1.1\r\n", "not a TLS content type"),
    (b"\x16\x02\x00\x00\x01\x00", "record version major 2"),
    (b"\x16\x03\x01\xff\xff" + bytes(10), "record longer than 2^14 + 2048"),
])
def test_records_refuse_non_tls(bad: bytes, why: str) -> None:
    with pytest.raises(ParseError):
        tls.parse_records(bad)


def test_lenient_records_keep_what_came_before_garbage() -> None:
    good = encode_record(21, 0x0303, b"\x02\x28")
    records, rest = tls.parse_records(good + b"garbage!", lenient=True)
    assert len(records) == 1 and rest == b"garbage!"


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_raise_only_parse_error(data: bytes) -> None:
    for decode in (tls.parse_client_hello, tls.parse_server_hello, tls.parse_certificate_list, tls.parse_alert,
                   tls.parse_ecdhe_curve, lambda b: tls.parse_records(b), lambda b: tls_session_facts(b, b)):
        try:
            decode(data)
        except ParseError:
            pass


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300))
def test_mutated_real_hello_raises_only_parse_error(noise: bytes) -> None:
    mutated = bytearray(RFC8448_CH[4:])
    for i, b in enumerate(noise[::2]):
        mutated[(i * 37 + b) % len(mutated)] = noise[min(2 * i + 1, len(noise) - 1)]
    try:
        tls.parse_client_hello(bytes(mutated))
    except ParseError:
        pass


u16 = st.integers(0, 0xFFFF)


@settings(max_examples=150, deadline=None)
@given(version=u16, random=st.binary(min_size=32, max_size=32), session=st.binary(max_size=32),
       suites=st.lists(u16, min_size=1, max_size=40), host=st.from_regex(r"[a-z0-9.-]{1,40}", fullmatch=True),
       groups=st.lists(u16, max_size=10), versions=st.lists(u16, min_size=1, max_size=5),
       alpn=st.lists(st.text("abcdefgh/1.", min_size=1, max_size=10), max_size=4))
def test_client_hello_round_trip(version: int, random: bytes, session: bytes, suites: list[int], host: str,
                                 groups: list[int], versions: list[int], alpn: list[str]) -> None:
    exts = [ext_server_name(host), ext_supported_groups(groups), ext_supported_versions(versions),
            ext_key_share([(g, b"\x04" * 3) for g in groups[:2]]), ext_alpn(alpn)]
    body = encode_client_hello(version=version, random=random, cipher_suites=suites, extensions=exts,
                               session_id=session)
    hello = tls.parse_client_hello(body)
    assert (hello.version, hello.random, hello.session_id, hello.cipher_suites) == (version, random, session,
                                                                                     tuple(suites))
    assert hello.server_name == host and hello.supported_groups == tuple(groups)
    assert hello.supported_versions == tuple(versions) and hello.key_share_groups == tuple(groups[:2])
    assert hello.alpn == tuple(alpn) and hello.extensions == tuple(exts)
