"""What a hostile or broken server sends back must never crash a probe: arbitrary bytes and
mutated real flights through the answer decoders (hypothesis)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from govsoc.collectors.protocols.tls_encoders import (
    encode_handshake,
    encode_record,
    encode_server_hello,
    ext_key_share,
    ext_supported_versions,
)
from govsoc.crypto_eval import sm2
from govsoc.crypto_eval.probes.cleartext import classify_greeting
from govsoc.crypto_eval.probes.connection import Exchange
from govsoc.crypto_eval.probes.ssh import _enough as ssh_enough
from govsoc.crypto_eval.probes.tlcp import tls13_sm_hello
from govsoc.crypto_eval.probes.tls import read_server_flight, server_flight_done
from govsoc.crypto_eval.probes.tls13_flight import FlightReader

PRIVATE = 0x1234567
HELLO = tls13_sm_hello(key_share=sm2.encode_point(sm2.public_key(PRIVATE)))
SERVER_HELLO = encode_record(22, 0x0303, encode_handshake(2, encode_server_hello(
    version=0x0303, random=bytes(32), cipher_suite=0x00C6,
    extensions=[ext_supported_versions([0x0304], server=True),
                ext_key_share([(0x0029, sm2.encode_point(sm2.public_key(99)))], server=True)])))


def _decode_all(data: bytes) -> None:
    read_server_flight(Exchange(received=data, connected=True, closed=True))
    server_flight_done(data)
    FlightReader(private_key=PRIVATE, client_hello=HELLO).feed(data)
    classify_greeting(data)
    ssh_enough(data)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_arbitrary_answers(data: bytes) -> None:
    _decode_all(data)
    _decode_all(b"\x16\x03\x03" + data)
    _decode_all(b"SSH-2.0-x\r\n" + data)


@settings(max_examples=100, deadline=None)
@given(st.binary(min_size=1, max_size=200))
def test_a_server_hello_then_garbage(noise: bytes) -> None:
    # a valid curveSM2 ServerHello followed by records that do not decrypt, or garbage
    reader = FlightReader(private_key=PRIVATE, client_hello=HELLO)
    reader.feed(SERVER_HELLO + encode_record(23, 0x0303, noise * 2))
    assert reader.error is not None and reader.certificates() == () and reader.finished_ok() is None
    _decode_all(SERVER_HELLO + noise)
