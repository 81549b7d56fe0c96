"""The TLS 1.3 key schedule against RFC 8448 section 3 (SHA-256, x25519): the same code runs with
SM3 and SM4-GCM for RFC 8998, whose primitives the KATs check against their standards."""

from __future__ import annotations

import pytest

from govsoc.crypto_eval.probes import tls13_keys as k

# RFC 8448 section 3: ClientHello, ServerHello, the x25519 shared secret and the server's handshake key and iv
CH = bytes.fromhex("""
01 00 00 c0 03 03 cb 34 ec b1 e7 81 63 ba 1c 38 c6 da cb 19 6a 6d ff a2 1a 8d 99 12 ec 18 a2 ef 62 83
02 4d ec e7 00 00 06 13 01 13 03 13 02 01 00 00 91 00 00 00 0b 00 09 00 00 06 73 65 72 76 65 72 ff 01
00 01 00 00 0a 00 14 00 12 00 1d 00 17 00 18 00 19 01 00 01 01 01 02 01 03 01 04 00 23 00 00 00 33 00
26 00 24 00 1d 00 20 99 38 1d e5 60 e4 bd 43 d2 3d 8e 43 5a 7d ba fe b3 c0 6e 51 c1 3c ae 4d 54 13 69
1e 52 9a af 2c 00 2b 00 03 02 03 04 00 0d 00 20 00 1e 04 03 05 03 06 03 02 03 08 04 08 05 08 06 04 01
05 01 06 01 02 01 04 02 05 02 06 02 02 02 00 2d 00 02 01 01 00 1c 00 02 40 01""")
SH = bytes.fromhex("""
02 00 00 56 03 03 a6 af 06 a4 12 18 60 dc 5e 6e 60 24 9c d3 4c 95 93 0c 8a c5 cb 14 34 da c1 55 77 2e
d3 e2 69 28 00 13 01 00 00 2e 00 33 00 24 00 1d 00 20 c9 82 88 76 11 20 95 fe 66 76 2b db f7 c6 72 e1
56 d6 cc 25 3b 83 3d f1 dd 69 b1 b0 4e 75 1f 0f 00 2b 00 02 03 04""")
SHARED = bytes.fromhex("8bd4054fb55b9d63fdfbacf9f04b9f0d35e6d63f537563efd46272900f89492d")


def test_rfc8448_server_handshake_key_and_iv() -> None:
    keys = k.handshake_keys("sha256", SHARED, k.transcript_hash("sha256", CH, SH))
    assert keys.server_key.hex() == "3fce516009c21727d0f2e4e86ee403bc"
    assert keys.server_iv.hex() == "5d313eb2671276ee13000b30"


@pytest.mark.parametrize("hash_name,aead", [("sm3", "sm4-gcm"), ("sha256", "aes-128-gcm")])
def test_records_round_trip_and_tampering(hash_name: str, aead: str) -> None:
    keys = k.handshake_keys(hash_name, SHARED, k.transcript_hash(hash_name, CH, SH))
    record = k.seal_record(aead, keys.server_key, keys.server_iv, 3, 22, b"\x08\x00\x00\x02\x00\x00")
    assert k.open_record(aead, keys.server_key, keys.server_iv, 3, record) == (22, b"\x08\x00\x00\x02\x00\x00")
    with pytest.raises(ValueError):
        k.open_record(aead, keys.server_key, keys.server_iv, 4, record)  # wrong sequence number
