"""One question of the TLS probe: a hello offering exactly one version sent on a fresh connection,
its answer read and the server's signature checked under its certificate's key (the (EC)DHE
ServerKeyExchange up to TLS 1.2, the CertificateVerify of the TLS 1.3 flight decrypted with the
probe's key share, RFC 8446 4.4.3), a HelloRetryRequest answered with the group asked."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from govsoc.collectors.protocols import tls
from govsoc.collectors.protocols.tls_names import suite_name
from govsoc.collectors.protocols.x509 import CertificateInfo, parse_certificate
from govsoc.core.errors import ParseError
from govsoc.crypto_eval.probes.certificate_verify import Verdict, verify_server_key_exchange, verify_server_signature
from govsoc.crypto_eval.probes.connection import Exchange, exchange
from govsoc.crypto_eval.probes.key_shares import SHARE_GROUPS, make_share
from govsoc.crypto_eval.probes.key_transport import prove_by_handshake, signs_nothing
from govsoc.crypto_eval.probes.tls13_flight import CERTIFICATE_VERIFY_ID, FlightReader
from govsoc.crypto_eval.probes.tls_hello import ServerFlight, build_hello, read_server_flight, server_flight_done


async def _ask(host: str, port: int, hello: bytes, timeout: float, starttls: str | None = None) -> ServerFlight:
    return read_server_flight(await exchange(host, port, hello, timeout=timeout, enough=server_flight_done,
                                             starttls=starttls))


@dataclass(frozen=True, slots=True, kw_only=True)
class _Answer:
    """One hello's answer: the exchange, its flight and, for TLS 1.3, the certificates decrypted."""

    answer: Exchange
    flight: ServerFlight
    certificates: tuple[bytes, ...] = ()
    verdict: Verdict | None = None  # the server's signature under its certificate's key
    finished_ok: bool | None = None
    staple: bytes | None = None  # the OCSP answer stapled to the leaf


def _flight_read(reader: FlightReader) -> Callable[[bytes], bool]:
    """Enough of a TLS 1.3 answer: the first flight, and the encrypted part up to Finished."""
    return lambda data: server_flight_done(data) and reader.feed(data)


async def _ask_version(host: str, port: int, version: int, sni: str | None, timeout: float,
                       starttls: str | None, suites: Sequence[int] | None = None,
                       schemes: Sequence[int] | None = None) -> _Answer:
    """Offer exactly ``version`` (and only ``suites`` / ``schemes`` when given). TLS 1.3: read the
    encrypted flight with our key share to get the certificate; on a HelloRetryRequest for another
    group we can make (P-256/384/521, x448, curveSM2), ask again with that group's share (RFC 8446
    4.1.4; a fresh connection)."""
    if version != 0x0304:
        hello = build_hello(version, sni, suites=suites, compression=(1, 0))
        answer = await exchange(host, port, hello, timeout=timeout, enough=server_flight_done, starttls=starttls)
        flight = read_server_flight(answer)
        verdict = None
        if flight.hello is not None and flight.certificates and flight.hello.selected_version == version:
            suite = suite_name(flight.hello.cipher_suite)
            verdict = verify_server_key_exchange(flight.certificates[0], version, suite,
                                                 _key_exchange(answer.received), hello[11:43], flight.hello.random)
            if verdict[0] is None and signs_nothing(suite):
                verdict = await prove_by_handshake(host, port, version=version, suite_code=flight.hello.cipher_suite,
                                                   suite=suite, certificate=flight.certificates[0], sni=sni,
                                                   timeout=timeout, starttls=starttls)
        return _Answer(answer=answer, flight=flight, verdict=verdict, staple=flight.ocsp_staple)
    group = 29
    for _ in range(2):
        share = make_share(group)
        hello = build_hello(version, sni, share=share, schemes=schemes)
        reader = FlightReader(client_hello=hello[5:], key_share=share)
        answer = await exchange(host, port, hello, timeout=timeout, starttls=starttls, enough=_flight_read(reader))
        flight = read_server_flight(answer)
        retry = flight.hello is not None and flight.hello.is_hello_retry_request
        asked = flight.hello.key_share_group if retry and flight.hello is not None else None
        if asked is None or asked == group or asked not in SHARE_GROUPS:
            break
        group = asked
    if flight.hello is None or retry:
        return _Answer(answer=answer, flight=flight)
    reader.feed(answer.received)
    try:
        certs = reader.certificates()
        cv = reader.certificate_verify()
    except ParseError:
        certs, cv = (), None
    return _Answer(answer=answer, flight=flight, certificates=certs, verdict=_tls13_verdict(reader, certs, cv),
                   finished_ok=reader.finished_ok() if certs else None, staple=reader.ocsp_staple())


def _key_exchange(received: bytes) -> bytes | None:
    """The ServerKeyExchange body of a TLS <= 1.2 flight (None: none sent)."""
    try:
        records, _ = tls.parse_records(received, lenient=True)
        return next((body for kind, body in tls.iter_handshakes(records) if kind == 12), None)
    except ParseError:
        return None


def _tls13_verdict(reader: FlightReader, certs: tuple[bytes, ...],
                   cv: tuple[int, bytes, bytes] | None) -> Verdict | None:
    """The CertificateVerify under the leaf's key. RFC 8446 4.4.3: a server that authenticates
    with a certificate MUST send one; a flight that reaches Finished without it proves nothing."""
    if not certs:
        return None
    if cv is None:
        if any(kind == 20 for kind, _ in reader.messages):
            return False, "Finished之前有Certificate而无CertificateVerify（RFC 8446 4.4.3）"
        return None, "加密的握手消息在CertificateVerify之前结束：未检查签名"
    try:
        sm2_key = parse_certificate(certs[0]).sm2_public_key
    except ParseError:
        sm2_key = None
    return verify_server_signature(certs[0], cv[0], cv[1], cv[2], tls13=True, sm2_key=sm2_key,
                                   sm2_id=CERTIFICATE_VERIFY_ID)


def _chain(certs: tuple[bytes, ...]) -> tuple[CertificateInfo, ...]:
    out = []
    for der in certs:
        try:
            out.append(parse_certificate(der))
        except ParseError:
            continue
    return tuple(out)
