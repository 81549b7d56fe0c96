"""Algorithm classes for the A factor (reference §4.5) and security strengths for Ra (§2.2).

Three classes: ``compliant`` (商用密码算法: SM2, SM3, SM4, SM9, ZUC ...), ``strong`` (sound but not
approved: AES, RSA >= 2048, ECDSA/ECDH P-256+, X25519, SHA-2, ChaCha20 ... → A ✗ with Ra = 1) and
``weak`` (RSA < 2048, DES, 3DES, RC4, MD5, SHA-1, SSL 2/3, TLS 1.0, SSH-1 → A ✗ with Ra 0.5/0.2 and
a high-risk candidate). Strengths follow NIST SP 800-57 equivalents, the design choice the
reference notes as prior art ([U]: the rules give bands, not a list).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Assessment", "classify_suite", "classify_certificate", "classify_ssh", "classify_version",
           "SSH_WEAK", "classify_key", "classify_dh_group", "weakest", "DEPRECATED_PROTOCOL"]

#: How a finding names a deprecated protocol it saw (SSH-1): with an A ✗ of a weak or deprecated
#: algorithm, the 2021 guide's 通用 密码算法 / 密码技术 conditions, which admit no mitigation (assess).
DEPRECATED_PROTOCOL = "已废弃的密码协议"


@dataclass(frozen=True, slots=True, kw_only=True)
class Assessment:
    """One algorithm or technique: its class, security bits (for Ra) and why."""

    name: str
    klass: str  # compliant, strong, weak; misused: a compliant algorithm used against its standard
    bits: int
    why: str
    high_risk: bool = False  # on the 2021 high-risk guide's list (MD5, DES, SHA-1, RSA < 2048, SSL, TLS 1.0 ...)


def weakest(items: list[Assessment]) -> Assessment | None:
    """The non-compliant assessment with the fewest bits (it sets Ra)."""
    bad = [a for a in items if a.klass != "compliant"]
    return min(bad, key=lambda a: a.bits) if bad else None


# suite component -> (class, bits, why); the first matching pattern wins
_HIGH_RISK_SUITE = re.compile(r"NULL|EXPORT|_40_|DES40|anon|RC4|_DES_CBC_|_MD5$|SHA1$")
_SUITE_PARTS: list[tuple[str, str, int, str]] = [
    (r"NULL", "weak", 0, "不加密（NULL）"),
    (r"EXPORT|_40_|DES40", "weak", 40, "出口级弱密码"),
    (r"anon", "weak", 0, "匿名密钥交换，不鉴别服务端"),
    (r"RC4", "weak", 0, "RC4（已被攻破的流密码）"),
    (r"_DES_CBC_", "weak", 56, "DES"),
    (r"3DES", "weak", 112, "3DES（64位分组，已弃用）"),
    (r"_MD5$", "weak", 18, "MD5 消息鉴别码"),
    (r"SHA1$", "weak", 63, "SHA-1 杂凑算法"),
    (r"(?<!SHA)_SHA$", "weak", 80, "HMAC-SHA1 记录层MAC（SHA-1系列，已弃用）"),
    (r"IDEA|RC2|SEED|CAMELLIA", "strong", 128, "非商用密码分组算法"),
]


def classify_suite(name: str) -> Assessment:
    """The class of a negotiated cipher suite by its name (tls_names)."""
    for pattern, klass, bits, why in _SUITE_PARTS:
        if re.search(pattern, name):
            if klass == "weak" and "RSA_SM4" in name and why.startswith("SHA-1"):
                return Assessment(name=name, klass="weak", bits=63, why="TLCP RSA套件使用SHA-1")
            return Assessment(name=name, klass=klass, bits=bits, why=why,
                              high_risk=bool(_HIGH_RISK_SUITE.search(name)))
    if name.startswith("TLCP_"):
        if "_RSA_" in name:
            return Assessment(name=name, klass="strong", bits=112,
                              why="TLCP RSA密钥交换：使用SM4/SM3但密钥交换为RSA而非SM2")
        return Assessment(name=name, klass="compliant", bits=128, why="TLCP SM2/SM4/SM3 套件（GB/T 38636）")
    if name in ("TLS_SM4_GCM_SM3", "TLS_SM4_CCM_SM3"):
        return Assessment(name=name, klass="compliant", bits=128,
                          why="RFC 8998 SM4/SM3 套件（技术合规性待测评人员确认）")
    if name.startswith("unknown"):
        return Assessment(name=name, klass="weak", bits=0, why="未知密码套件", high_risk=True)
    return Assessment(name=name, klass="strong", bits=128,
                      why="安全但非商用密码算法（AES/ChaCha20、RSA/ECDHE）")


def classify_version(name: str) -> Assessment:
    """Protocol versions: SSL 2/3 and TLS 1.0 are deprecated techniques (high-risk list); TLS 1.1 is
    weak too though the guide does not list it ([U]); TLCP is the GB/T 38636 technique."""
    table = {
        "SSLv2": ("weak", 0, "SSL 2.0（已废弃的密码技术，高风险）"),
        "SSLv3": ("weak", 0, "SSL 3.0（已废弃的密码技术，高风险）"),
        "TLSv10": ("weak", 63, "TLS 1.0（已废弃的密码技术，高风险）"),
        "TLSv11": ("weak", 80, "TLS 1.1（RFC 8996 已弃用；2021版指引未列入）"),
        "TLSv12": ("strong", 128, "TLS 1.2（国际通用技术，非国密）"),
        "TLSv13": ("strong", 128, "TLS 1.3（国际通用技术，非国密）"),
        "TLCP": ("compliant", 128, "TLCP（GB/T 38636-2020）"),
    }
    klass, bits, why = table.get(name, ("weak", 0, f"未知协议版本 {name}"))
    return Assessment(name=name, klass=klass, bits=bits, why=why, high_risk="高风险" in why)


def _factoring_strength(modulus_bits: int) -> int:
    """Security bits of an RSA modulus or a finite-field (DH) prime of that size (NIST SP 800-57
    Part 1 Table 2: 1024 -> 80, 2048 -> 112, 3072 -> 128)."""
    if modulus_bits >= 3072:
        return 128
    return 112 if modulus_bits >= 2048 else (80 if modulus_bits >= 1024 else 40)


def classify_dh_group(prime_bits: int) -> Assessment:
    """A TLS DHE key agreement's finite-field group by its prime's size: as strong as RSA of that
    size (SP 800-57 rates both alike), so a group under 2048 bits is the guide's too-short key
    (reference §3, RSA < 2048; Logjam-class 1024-bit groups)."""
    return Assessment(name=f"DHE-{prime_bits}", klass="strong" if prime_bits >= 2048 else "weak",
                      bits=_factoring_strength(prime_bits),
                      why=f"DHE {prime_bits} 位有限域群" + ("" if prime_bits >= 2048 else "（短于2048位，高风险）"),
                      high_risk=prime_bits < 2048)


def classify_certificate(signature_algorithm: str, key_type: str, key_bits: int) -> list[Assessment]:
    """Signature hash and key of a certificate."""
    out = []
    sig = signature_algorithm.lower()
    if "md5" in sig:
        out.append(Assessment(name=signature_algorithm, klass="weak", bits=18, why="MD5 证书签名",
                              high_risk=True))
    elif "sha1" in sig:
        out.append(Assessment(name=signature_algorithm, klass="weak", bits=63, why="SHA-1 证书签名",
                              high_risk=True))
    elif sig == "sm2-with-sm3":
        out.append(Assessment(name=signature_algorithm, klass="compliant", bits=128, why="SM2-with-SM3 签名"))
    else:
        out.append(Assessment(name=signature_algorithm, klass="strong", bits=128, why="非国密证书签名"))
    out.append(classify_key(key_type, key_bits))
    return out


def classify_key(key_type: str, key_bits: int, *, role: str = "") -> Assessment:
    """A public key by type and size (a certificate's key, an SSH host key): RSA under 2048 bits is
    on the 2021 high-risk guide's list (reference §3), its strength per NIST SP 800-57 (Ra, §2.2).
    ``role`` prefixes the reason (主机密钥 for SSH)."""
    if key_type == "rsa":
        return Assessment(name=f"RSA-{key_bits}", klass="strong" if key_bits >= 2048 else "weak",
                          bits=_factoring_strength(key_bits),
                          why=role + "RSA 密钥" + ("" if key_bits >= 2048 else "短于2048位（高风险）"),
                          high_risk=key_bits < 2048)
    if key_type == "sm2":
        return Assessment(name="SM2", klass="compliant", bits=128, why=role + "SM2 密钥")
    if key_type in ("ec", "ed25519", "ed448"):
        bits = 128 if key_bits >= 256 else key_bits // 2
        return Assessment(name=f"{key_type}-{key_bits}", klass="strong" if bits >= 112 else "weak", bits=bits,
                          why=role + "椭圆曲线密钥（非SM2）")
    return Assessment(name=f"{key_type}-{key_bits}", klass="weak", bits=min(key_bits // 2, 80),
                      why=f"{role}{key_type} 密钥")


#: SSH algorithms that are weak: name pattern -> (bits, why, on the high-risk list). Others are
#: strong (not SM: A ✗, Ra 1). SHA-1 and MD5 uses count as the guide's insecure hash algorithms.
SSH_WEAK: list[tuple[str, int, str, bool]] = [
    (r"^diffie-hellman-group1-sha1$", 63, "1024位DH群与SHA-1", True),
    (r"^diffie-hellman-group(14|-exchange)-sha1$", 63, "使用SHA-1的密钥交换", True),
    # GSS-API key exchange (RFC 4462 2.3, 2.5; RFC 8732): gss-group1-sha1-*, gss-group14-sha1-*,
    # gss-gex-sha1-* hash with SHA-1 (group1 is also a 1024-bit group) (R16d F4)
    (r"^gss-group1-", 63, "GSS-API密钥交换：1024位DH群与SHA-1", True),
    (r"^gss-.*sha1-", 63, "GSS-API密钥交换使用SHA-1", True),
    (r"^rsa1024-sha1$", 63, "RSA-1024与SHA-1密钥交换", True),
    (r"^ssh-dss", 63, "DSA-1024 主机密钥", True),
    (r"^x509v3-sign-dss$", 63, "X.509 DSA主机密钥（RFC 6187：DSA-1024与SHA-1）", True),
    # ssh-rsa and its certificate forms sign with SHA-1 (RFC 4253 6.6; PROTOCOL.certkeys), as do
    # RFC 6187's x509v3-sign-rsa (R16d F4)
    (r"^ssh-rsa(-cert-v0[01]@openssh\.com)?$", 63, "RSA主机密钥使用SHA-1签名", True),
    (r"^x509v3-sign-rsa$", 63, "X.509 RSA主机密钥使用SHA-1签名（RFC 6187）", True),
    (r"^des(-cbc)?(@|$)", 56, "DES（56位）", True),
    # SSH's 3des-cbc/3des-ctr are three-key TDEA (RFC 4253 6.3, RFC 4344 4): 112 bits (NIST SP 800-57
    # Part 1 Rev. 5 Table 2), as the TLS 3DES suites above; deprecated (64-bit block, Sweet32) but not
    # on the 2021 guide's list (MD5, DES, SHA-1, RSA < 2048). In CBC mode SSH's own CBC attack
    # (CVE-2008-5161) is the weaker property, 80 bits as for every non-SM CBC cipher in SSH.
    (r"^3des-cbc(@|$)", 80, "3DES（三密钥，112位）且为SSH中的CBC模式（明文恢复攻击，按80位计）", False),
    (r"^3des", 112, "3DES（三密钥，112位；64位分组，已弃用）", False),
    (r"^(arcfour|rc4)", 0, "RC4 流密码", True),
    (r"^(blowfish|cast128|idea)", 64, "64位分组密码", False),
    (r"-cbc(@|$)", 80, "SSH中的CBC模式（明文恢复攻击）", False),
    (r"^hmac-md5", 18, "MD5 消息鉴别码", True),
    (r"^hmac-sha1", 80, "SHA-1 消息鉴别码（HMAC-SHA1）", False),
    (r"^umac-64", 64, "64位MAC标签", False),
    (r"^none$", 0, "无保护", True),
]


#: SM algorithms in SSH names (vendor spellings: sm4-cbc, sm4-ctr, sm4-gcm@..., hmac-sm3, sm2, sm2-sm3).
_SSH_SM = re.compile(r"(^|[-@])(sm2|sm3|sm4)([-@]|$)")


def classify_ssh(name: str) -> Assessment:
    """One SSH algorithm name (kex, host key, cipher or MAC).

    SM2/SM3/SM4 names are compliant whatever their mode: SM4 is the approved block cipher (GB/T
    32907) and CBC one of its standard modes (GB/T 17964-2021 分组密码算法的工作模式), listed with
    CTR/GCM/CCM among the 商用密码算法 the A factor accepts (reference §4.5); the 2021 high-risk
    guide lists algorithms (MD5, DES, SHA-1, RSA < 2048) and techniques (SSH 1.0, SSL, TLS 1.0),
    no block-cipher mode. What is wrong with CBC in SSH is the binary packet protocol's
    encrypt-and-MAC (the plaintext-recovery attack of Albrecht, Paterson and Watson 2009,
    CVE-2008-5161), a property of SSH's use of any CBC cipher, not of SM4's strength: channel_view
    notes it as advice (prefer sm4-ctr/sm4-gcm or an encrypt-then-MAC mode) without lowering A.
    Non-SM CBC ciphers stay in SSH_WEAK (they are non-compliant anyway; the attack sets their Ra)."""
    if _SSH_SM.search(name.lower()) and not re.search(r"sha1|md5", name.lower()):
        return Assessment(name=name, klass="compliant", bits=128, why="国密算法（SM2/SM3/SM4）")
    for pattern, bits, why, high in SSH_WEAK:
        if re.search(pattern, name):
            return Assessment(name=name, klass="weak", bits=bits, why=why, high_risk=high)
    return Assessment(name=name, klass="strong", bits=128, why="安全但非商用密码算法")
