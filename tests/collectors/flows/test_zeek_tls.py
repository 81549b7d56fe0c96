"""TLS facts against Zeek's own logs for every trace of shared/corpus/zeek-tls/ (issue 14,
"Agreement with a peer"): the flow events govsoc stores (the trace ingested into a real store and
read back, tests/collectors/flows/stored.py) against ssl.log and x509.log.

- ssl.log, per row (the flow of the same 5-tuple): version, cipher, server_name (SNI).
- x509.log, per certificate (matched by its SHA-256 fingerprint, Zeek's ``fingerprint``, among
  the chains govsoc stores as ``govsoc.tls.chain``): subject, issuer, key type, key length,
  not-valid-before and not-valid-after.

Every disagreement left is in KNOWN with its reason; a trace must disagree in exactly those rows
and columns, so one that starts agreeing (or regresses elsewhere) fails.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from .stored import stored_flows
from .test_zeek_agreement import zeek_rows

SSL = (("version", "govsoc.tls.zeek_version"), ("cipher", "tls.cipher"), ("server_name", "tls.client.server_name"),
       ("curve", "tls.curve"), ("next_protocol", "tls.next_protocol"), ("established", "tls.established"))
X509 = (("certificate.subject", "subject"), ("certificate.issuer", "issuer"), ("certificate.key_type", "key_type"),
        ("certificate.key_length", "key_bits"), ("certificate.sig_alg", "signature_algorithm"),
        ("certificate.not_valid_before", "not_before"), ("certificate.not_valid_after", "not_after"))
_QUIC = ("QUIC (RFC 9001): the TLS handshake travels in QUIC CRYPTO frames inside Initial packets protected "
         "with keys derived from the connection id; govsoc does not decode QUIC, so the flow has no TLS facts")
_STREET = ("Zeek names OIDs 2.5.4.9 and 2.5.4.17 street and postalCode (OpenSSL's short names); govsoc writes "
           "the subject as RFC 4514 does (STREET, and the dotted OID for postalCode, which RFC 4514 does not name)")
#: a flow with no TLS facts, against a Zeek row with an SNI / without one
_NONE_SNI = ("version", "cipher", "server_name", "curve", "established")
_NONE = ("version", "cipher", "curve", "established")
_ALL_X509 = tuple(column for column, _ in X509)
Rows = frozenset[tuple[tuple[str, ...], tuple[str, ...]]]
#: (trace, log) -> (reason, the disagreements it gives: (row key, differing columns))
KNOWN: dict[tuple[str, str], tuple[str, Rows]] = {
    ("traces/quic/quic-39264-rand.pcap", "ssl"): (_QUIC, frozenset({
        (("765b:b77b:dad1:7e73:56f9:5a0f:52a3:f4f", "39264", "725f:1f71:525f:a3b:525f:3673:525f:3673", "443"),
         _NONE_SNI)})),
    ("traces/quic/curl-8.1.2-dev-http3-www-google-de.pcap", "ssl"): (_QUIC, frozenset({
        (("172.17.0.2", "34347", "64.233.166.94", "443"), _NONE_SNI)})),
    ("traces/quic/firefox-102.13.0esr-blog-cloudflare-com.pcap", "ssl"): (_QUIC, frozenset({
        (("82.239.54.117", "44174", "250.58.23.113", "443"), _NONE_SNI)})),
    ("traces/quic/interop/quic-go_quic-go/handshake.pcap", "ssl"): (_QUIC, frozenset({
        (("193.167.0.100", "40084", "193.167.100.100", "443"), _NONE_SNI)})),
    ("traces/quic/interop/quic-go_quic-go/retry.pcap", "ssl"): (_QUIC, frozenset({
        (("193.167.0.100", "42834", "193.167.100.100", "443"), _NONE_SNI)})),
    ("traces/quic/interop/quic-go_quic-go/zerortt.pcap", "ssl"): (_QUIC, frozenset({
        (("193.167.0.100", "49394", "193.167.100.100", "443"), _NONE_SNI),
        (("193.167.0.100", "60492", "193.167.100.100", "443"), _NONE_SNI)})),
    ("traces/quic/quicdoq.pcap", "ssl"): (_QUIC, frozenset({
        (("127.0.0.1", "46907", "127.0.0.1", "853"), _NONE)})),
    ("traces/quic/quicv2-http3-443.pcap", "ssl"): (_QUIC, frozenset({
        (("127.0.0.1", "50841", "127.0.0.1", "443"), _NONE)})),
    ("traces/rdp/rdp-x509.pcap", "x509"): (
        "Standard RDP Security (rdp.log security_protocol RDP, cert_type X.509): the server's certificates are "
        "in the Server Security Data of the MCS Connect Response (MS-RDPBCGR 2.2.1.4.3, 2.2.1.4.3.1.1), not in "
        "TLS; govsoc does not decode RDP, so it stores no certificate", frozenset({
            (("bd97671306086c3393a1bd835340a68043557a7ae131b8ee72f4d015287024ba",), _ALL_X509),
            (("e3859c4a77098a7b84589e0cb1171662d15699fc84c19d3421f7d52dc0dc59c9",), _ALL_X509)})),
    ("traces/tls/webrtc-stun.pcap", "ssl"): (
        "DTLS 1.0 (RFC 6347) over UDP, after STUN on the same 5-tuple: govsoc's TLS reader takes TLS records "
        "over TCP only, so the flow has no TLS facts", frozenset({
            (("192.168.6.82", "51462", "74.201.205.9", "43044"), _NONE)})),
    ("traces/tls/tls1.2-late-protocol-error.pcap", "x509"): (_STREET, frozenset({
        (("95cb443934beda97627688546191ab1d3989a835592cebdd2434f9ad41324ce1",), ("certificate.subject",))})),
    ("traces/tls/tls1.2.pcap", "x509"): (_STREET, frozenset({
        (("95cb443934beda97627688546191ab1d3989a835592cebdd2434f9ad41324ce1",), ("certificate.subject",))})),
}


def _entries() -> list[tuple[dict[str, Any], str]]:
    index = Path(__file__).resolve().parents[4] / "shared" / "corpus" / "zeek-tls" / "index.json"
    entries = json.loads(index.read_text(encoding="utf-8"))
    return [(e, log) for e in entries for log in ("ssl", "x509") if log in e["baselines"]]


#: govsoc's key type -> Zeek's (Zeek calls every EC key ecdsa, as OpenSSL's EVP_PKEY_EC is shown)
KEY_TYPES = {"ec": "ecdsa"}


def _render(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "T" if value else "F"
    return KEY_TYPES.get(str(value), str(value))


def _zeek_time(text: str) -> str:
    return datetime.fromtimestamp(float(text), tz=UTC).isoformat() if text != "-" else "-"


def compare(corpus: Path, entry: dict[str, Any], log: str) -> tuple[int, int, Rows, list[str]]:
    """(rows agreeing, rows, disagreements as (row key, differing columns), details)."""
    root = corpus / "zeek-tls"
    events = [dict(event.fields) for event in stored_flows(root / entry["trace"])]
    rows = zeek_rows(root / entry["baselines"][log], entry["baseline_formats"][log])
    agree, details = 0, []
    found: set[tuple[tuple[str, ...], tuple[str, ...]]] = set()
    for row in rows:
        if log == "ssl":
            key: tuple[str, ...] = (row["id.orig_h"], row["id.orig_p"], row["id.resp_h"], row["id.resp_p"])
            mine = next((f for f in events if (str(f["source.ip"]), str(f.get("source.port")), str(f["destination.ip"]),
                                               str(f.get("destination.port"))) == key), None)
            pairs = [(row.get(c, "-"), "-" if mine is None else _render(mine.get(name))) for c, name in SSL]
            columns = [c for c, _ in SSL]
        else:
            key = (row["fingerprint"],)
            chains = [c for f in events for c in f.get("govsoc.tls.chain", [])]
            mine = next((c for c in chains if c.get("sha256") == row["fingerprint"]), None)
            pairs = []
            for column, name in X509:
                theirs = row.get(column, "-")
                if column.startswith("certificate.not_valid"):
                    theirs = _zeek_time(theirs)
                pairs.append((theirs, "-" if mine is None else _render(mine.get(name))))
            columns = [c for c, _ in X509]
        diffs = tuple(c for c, (theirs, ours) in zip(columns, pairs, strict=True) if theirs != ours)
        if diffs:
            found.add((key, diffs))
            details.append(f"{key}: " + ", ".join(f"{c} zeek {t!r} govsoc {o!r}"
                                                  for c, (t, o) in zip(columns, pairs, strict=True) if c in diffs))
        else:
            agree += 1
    return agree, len(rows), frozenset(found), details


@pytest.mark.parametrize(("entry", "log"), _entries(), ids=lambda v: v if isinstance(v, str) else v["trace"][7:])
def test_tls_facts_agree_with_zeek(corpus: Path, entry: dict[str, Any], log: str,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    agree, total, found, details = compare(corpus, entry, log)
    with capsys.disabled():
        print(f"\nzeek-tls {log}.log agreement {entry['trace']}: {agree}/{total}")
    reason, expected = KNOWN.get((entry["trace"], log), ("", frozenset()))
    assert total > 0
    assert found == expected, (reason, details)


def test_every_trace_is_compared_and_every_known_entry_is_a_trace() -> None:
    compared = {(str(e["trace"]), log) for e, log in _entries()}
    assert len({trace for trace, _ in compared}) == 22  # every trace of the corpus has an ssl or x509 log
    assert set(KNOWN) <= compared
