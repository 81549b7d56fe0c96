"""Code-point tables for TLS 1.0-1.3, TLCP (GB/T 38636-2020) and RFC 8998 (ShangMi for TLS 1.3).

Names follow the IANA TLS registries as Zeek's ssl.log spells them (``TLSv12``,
``TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256``, ``secp256r1``); TLCP suites carry their GB/T 38636
names with a ``TLCP_`` prefix (codes from GmSSL's tls.h); unknown codes print as ``unknown-0x....``.
"""

from __future__ import annotations

__all__ = ["CIPHER_SUITES", "GROUPS", "SIGNATURE_SCHEMES", "VERSIONS", "HANDSHAKE_TYPES", "ALERTS",
           "TLCP_VERSION", "HRR_RANDOM", "is_grease", "suite_name", "group_name", "version_name",
           "scheme_name"]

#: GB/T 38636 record and client_version {1, 1}.
TLCP_VERSION = 0x0101
#: RFC 8446 4.1.3: a ServerHello with this random is a HelloRetryRequest (SHA-256 of the string).
HRR_RANDOM = bytes.fromhex("CF21AD74E59A6111BE1D8C021E65B891C2A211167ABB8C5E079E09E2C8A8339C")

VERSIONS: dict[int, str] = {
    0x0002: "SSLv2", 0x0300: "SSLv3", 0x0301: "TLSv10", 0x0302: "TLSv11", 0x0303: "TLSv12",
    0x0304: "TLSv13", TLCP_VERSION: "TLCP", 0xFEFF: "DTLSv10", 0xFEFD: "DTLSv12", 0xFEFC: "DTLSv13",
}

HANDSHAKE_TYPES: dict[int, str] = {
    0: "hello_request", 1: "client_hello", 2: "server_hello", 4: "new_session_ticket",
    5: "end_of_early_data", 8: "encrypted_extensions", 11: "certificate", 12: "server_key_exchange",
    13: "certificate_request", 14: "server_hello_done", 15: "certificate_verify",
    16: "client_key_exchange", 20: "finished", 24: "key_update",
}

ALERTS: dict[int, str] = {
    0: "close_notify", 10: "unexpected_message", 20: "bad_record_mac", 22: "record_overflow",
    40: "handshake_failure", 42: "bad_certificate", 43: "unsupported_certificate",
    44: "certificate_revoked", 45: "certificate_expired", 46: "certificate_unknown",
    47: "illegal_parameter", 48: "unknown_ca", 49: "access_denied", 50: "decode_error",
    51: "decrypt_error", 70: "protocol_version", 71: "insufficient_security", 80: "internal_error",
    86: "inappropriate_fallback", 90: "user_canceled", 100: "no_renegotiation",
    109: "missing_extension", 110: "unsupported_extension", 112: "unrecognized_name",
    116: "certificate_required", 120: "no_application_protocol",
    # GB/T 38636 (TLCP) additions
    200: "unsupported_site2site", 201: "no_area", 202: "unsupported_areatype", 203: "bad_ibcparam",
    204: "unsupported_ibcparam", 205: "identity_need",
}

_SUITE_ROWS = """
0000 TLS_NULL_WITH_NULL_NULL
0001 TLS_RSA_WITH_NULL_MD5
0002 TLS_RSA_WITH_NULL_SHA
0003 TLS_RSA_EXPORT_WITH_RC4_40_MD5
0004 TLS_RSA_WITH_RC4_128_MD5
0005 TLS_RSA_WITH_RC4_128_SHA
0006 TLS_RSA_EXPORT_WITH_RC2_CBC_40_MD5
0007 TLS_RSA_WITH_IDEA_CBC_SHA
0008 TLS_RSA_EXPORT_WITH_DES40_CBC_SHA
0009 TLS_RSA_WITH_DES_CBC_SHA
000A TLS_RSA_WITH_3DES_EDE_CBC_SHA
0011 TLS_DHE_DSS_EXPORT_WITH_DES40_CBC_SHA
0012 TLS_DHE_DSS_WITH_DES_CBC_SHA
0013 TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA
0014 TLS_DHE_RSA_EXPORT_WITH_DES40_CBC_SHA
0015 TLS_DHE_RSA_WITH_DES_CBC_SHA
0016 TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA
0017 TLS_DH_anon_EXPORT_WITH_RC4_40_MD5
0018 TLS_DH_anon_WITH_RC4_128_MD5
0019 TLS_DH_anon_EXPORT_WITH_DES40_CBC_SHA
001B TLS_DH_anon_WITH_3DES_EDE_CBC_SHA
002F TLS_RSA_WITH_AES_128_CBC_SHA
0032 TLS_DHE_DSS_WITH_AES_128_CBC_SHA
0033 TLS_DHE_RSA_WITH_AES_128_CBC_SHA
0034 TLS_DH_anon_WITH_AES_128_CBC_SHA
0035 TLS_RSA_WITH_AES_256_CBC_SHA
0038 TLS_DHE_DSS_WITH_AES_256_CBC_SHA
0039 TLS_DHE_RSA_WITH_AES_256_CBC_SHA
003A TLS_DH_anon_WITH_AES_256_CBC_SHA
003B TLS_RSA_WITH_NULL_SHA256
003C TLS_RSA_WITH_AES_128_CBC_SHA256
003D TLS_RSA_WITH_AES_256_CBC_SHA256
0040 TLS_DHE_DSS_WITH_AES_128_CBC_SHA256
0041 TLS_RSA_WITH_CAMELLIA_128_CBC_SHA
0045 TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA
0067 TLS_DHE_RSA_WITH_AES_128_CBC_SHA256
006A TLS_DHE_DSS_WITH_AES_256_CBC_SHA256
006B TLS_DHE_RSA_WITH_AES_256_CBC_SHA256
0084 TLS_RSA_WITH_CAMELLIA_256_CBC_SHA
0088 TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA
009C TLS_RSA_WITH_AES_128_GCM_SHA256
009D TLS_RSA_WITH_AES_256_GCM_SHA384
009E TLS_DHE_RSA_WITH_AES_128_GCM_SHA256
009F TLS_DHE_RSA_WITH_AES_256_GCM_SHA384
00A2 TLS_DHE_DSS_WITH_AES_128_GCM_SHA256
00A3 TLS_DHE_DSS_WITH_AES_256_GCM_SHA384
00C6 TLS_SM4_GCM_SM3
00C7 TLS_SM4_CCM_SM3
00FF TLS_EMPTY_RENEGOTIATION_INFO_SCSV
1301 TLS_AES_128_GCM_SHA256
1302 TLS_AES_256_GCM_SHA384
1303 TLS_CHACHA20_POLY1305_SHA256
1304 TLS_AES_128_CCM_SHA256
1305 TLS_AES_128_CCM_8_SHA256
5600 TLS_FALLBACK_SCSV
C002 TLS_ECDH_ECDSA_WITH_RC4_128_SHA
C004 TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA
C005 TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA
C006 TLS_ECDHE_ECDSA_WITH_NULL_SHA
C007 TLS_ECDHE_ECDSA_WITH_RC4_128_SHA
C008 TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA
C009 TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA
C00A TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA
C00C TLS_ECDH_RSA_WITH_RC4_128_SHA
C00E TLS_ECDH_RSA_WITH_AES_128_CBC_SHA
C00F TLS_ECDH_RSA_WITH_AES_256_CBC_SHA
C010 TLS_ECDHE_RSA_WITH_NULL_SHA
C011 TLS_ECDHE_RSA_WITH_RC4_128_SHA
C012 TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA
C013 TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA
C014 TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA
C015 TLS_ECDH_anon_WITH_NULL_SHA
C016 TLS_ECDH_anon_WITH_RC4_128_SHA
C017 TLS_ECDH_anon_WITH_3DES_EDE_CBC_SHA
C018 TLS_ECDH_anon_WITH_AES_128_CBC_SHA
C019 TLS_ECDH_anon_WITH_AES_256_CBC_SHA
C023 TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256
C024 TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384
C027 TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256
C028 TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384
C02B TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256
C02C TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384
C02D TLS_ECDH_ECDSA_WITH_AES_128_GCM_SHA256
C02E TLS_ECDH_ECDSA_WITH_AES_256_GCM_SHA384
C02F TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
C030 TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384
C031 TLS_ECDH_RSA_WITH_AES_128_GCM_SHA256
C032 TLS_ECDH_RSA_WITH_AES_256_GCM_SHA384
C09C TLS_RSA_WITH_AES_128_CCM
C09D TLS_RSA_WITH_AES_256_CCM
C09E TLS_DHE_RSA_WITH_AES_128_CCM
C09F TLS_DHE_RSA_WITH_AES_256_CCM
C0AC TLS_ECDHE_ECDSA_WITH_AES_128_CCM
C0AD TLS_ECDHE_ECDSA_WITH_AES_256_CCM
CCA8 TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256
CCA9 TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256
CCAA TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256
E001 TLCP_ECDHE_SM1_SM3
E003 TLCP_ECC_SM1_SM3
E005 TLCP_IBSDH_SM1_SM3
E007 TLCP_IBC_SM1_SM3
E009 TLCP_RSA_SM1_SM3
E00A TLCP_RSA_SM1_SHA1
E011 TLCP_ECDHE_SM4_CBC_SM3
E013 TLCP_ECC_SM4_CBC_SM3
E015 TLCP_IBSDH_SM4_CBC_SM3
E017 TLCP_IBC_SM4_CBC_SM3
E019 TLCP_RSA_SM4_CBC_SM3
E01A TLCP_RSA_SM4_CBC_SHA1
E01C TLCP_RSA_SM4_CBC_SHA256
E051 TLCP_ECDHE_SM4_GCM_SM3
E053 TLCP_ECC_SM4_GCM_SM3
E055 TLCP_IBSDH_SM4_GCM_SM3
E057 TLCP_IBC_SM4_GCM_SM3
E059 TLCP_RSA_SM4_GCM_SM3
E05A TLCP_RSA_SM4_GCM_SHA256
"""

#: Cipher suite code -> name (IANA; TLCP_* from GB/T 38636 / GM/T 0024).
CIPHER_SUITES: dict[int, str] = {int(code, 16): name for code, name in
                                 (row.split() for row in _SUITE_ROWS.strip().splitlines())}

#: NamedGroup code -> name (RFC 8422, 7919, 8446, 8998; hybrid PQ groups by their draft names).
GROUPS: dict[int, str] = {
    19: "secp192r1", 21: "secp224r1", 22: "secp256k1", 23: "secp256r1", 24: "secp384r1",
    25: "secp521r1", 26: "brainpoolP256r1", 27: "brainpoolP384r1", 28: "brainpoolP512r1",
    29: "x25519", 30: "x448", 41: "curveSM2", 256: "ffdhe2048", 257: "ffdhe3072", 258: "ffdhe4096",
    259: "ffdhe6144", 260: "ffdhe8192", 0x11EB: "SecP256r1MLKEM768", 0x11EC: "X25519MLKEM768",
    0x11ED: "SecP384r1MLKEM1024", 0x11EE: "curveSM2MLKEM768", 0x6399: "X25519Kyber768Draft00",
}

#: SignatureScheme code -> name (RFC 8446 4.2.3, RFC 8998 sm2sig_sm3).
SIGNATURE_SCHEMES: dict[int, str] = {
    0x0201: "rsa_pkcs1_sha1", 0x0203: "ecdsa_sha1", 0x0401: "rsa_pkcs1_sha256",
    0x0501: "rsa_pkcs1_sha384", 0x0601: "rsa_pkcs1_sha512", 0x0403: "ecdsa_secp256r1_sha256",
    0x0503: "ecdsa_secp384r1_sha384", 0x0603: "ecdsa_secp521r1_sha512", 0x0804: "rsa_pss_rsae_sha256",
    0x0805: "rsa_pss_rsae_sha384", 0x0806: "rsa_pss_rsae_sha512", 0x0807: "ed25519", 0x0808: "ed448",
    0x0809: "rsa_pss_pss_sha256", 0x080A: "rsa_pss_pss_sha384", 0x080B: "rsa_pss_pss_sha512",
    0x0708: "sm2sig_sm3",
}


def is_grease(code: int) -> bool:
    """RFC 8701 GREASE values (0x0A0A, 0x1A1A, ... 0xFAFA) that clients sprinkle into lists."""
    return code & 0x0F0F == 0x0A0A and code >> 8 == code & 0xFF


def _name(table: dict[int, str], code: int) -> str:
    if code in table:
        return table[code]
    return "GREASE" if is_grease(code) else f"unknown-0x{code:04x}"


def suite_name(code: int) -> str:
    """The cipher suite's name, ``GREASE`` or ``unknown-0x....``."""
    return _name(CIPHER_SUITES, code)


def group_name(code: int) -> str:
    """The named group's name (``secp256r1``, ``x25519``, ``curveSM2``)."""
    return _name(GROUPS, code)


def scheme_name(code: int) -> str:
    """The signature scheme's name (``rsa_pss_rsae_sha256``, ``sm2sig_sm3``)."""
    return _name(SIGNATURE_SCHEMES, code)


def version_name(code: int) -> str:
    """The protocol version as Zeek prints it (``TLSv12``), ``TLCP`` for 0x0101, or ``TLSv13-draftNN``."""
    if code in VERSIONS:
        return VERSIONS[code]
    if code >> 8 == 0x7F:
        return f"TLSv13-draft{code & 0xFF:02d}"
    return _name({}, code)
