"""The standards' items in the report's language: 等保 2.0 controls (GB/T 22239-2019 level 3, as
govsoc.rules.compliance lists them) and 密评 items (GB/T 39786-2021 level 3, as
crypto_eval/catalogue.yml lists them), with English titles and remediation for ``--lang en``.

The Chinese texts are the rule pack's and the catalogue's own; the English ones are translations
kept here, beside the other report wording. A control or item added later without an English
text is shown by its clause with :data:`UNTRANSLATED` rather than in Chinese (a test checks that
every shipped one has its English text).
"""

from __future__ import annotations

from typing import Final

from govsoc.core.errors import ConfigError
from govsoc.crypto_eval.catalogue import load_catalogue
from govsoc.rules.compliance import DJBH_CONTROLS, DJBH_NAMESPACE, MIPIN_NAMESPACE

__all__ = ["DJBH_EN", "MIPIN_REMEDIATION_EN", "MIPIN_TITLE_EN", "UNTRANSLATED", "VERDICTS", "control_text",
           "item_remediation", "item_title", "namespace_label", "verdict_word"]

UNTRANSLATED: Final = "(no English text yet)"

#: GB/T 22239-2019 level-3 items (tag name as in DJBH_CONTROLS) -> English (abridged, as the Chinese).
DJBH_EN: Final[dict[str, str]] = {
    "l3.8.1.2.2.a": "8.1.2.2 Communication transmission a) check codes or cryptography protect the integrity of "
                    "data in transit",
    "l3.8.1.2.2.b": "8.1.2.2 Communication transmission b) cryptography protects the confidentiality of data in "
                    "transit",
    "l3.8.1.3.1.a": "8.1.3.1 Boundary protection a) traffic across the boundary passes controlled interfaces of "
                    "boundary devices",
    "l3.8.1.3.1.c": "8.1.3.1 Boundary protection c) unauthorised connections from inside to outside networks are "
                    "checked or restricted",
    "l3.8.1.3.2.a": "8.1.3.2 Access control a) access-control rules are set at the network boundary and between zones",
    "l3.8.1.3.3.a": "8.1.3.3 Intrusion prevention a) attacks from outside are detected, prevented or restricted at "
                    "key network nodes",
    "l3.8.1.3.3.b": "8.1.3.3 Intrusion prevention b) attacks from inside are detected, prevented or restricted at "
                    "key network nodes",
    "l3.8.1.3.5.a": "8.1.3.5 Security audit a) security audit at the network boundary and important network nodes",
    "l3.8.1.4.1.a": "8.1.4.1 Identity authentication a) users who log in are identified and authenticated",
    "l3.8.1.4.1.b": "8.1.4.1 Identity authentication b) login failures are handled (end the session, limit failed "
                    "attempts, time out)",
    "l3.8.1.4.1.c": "8.1.4.1 Identity authentication c) remote administration keeps credentials from being "
                    "eavesdropped in transit",
    "l3.8.1.4.1.d": "8.1.4.1 Identity authentication d) two or more authentication techniques combined",
    "l3.8.1.4.2.a": "8.1.4.2 Access control a) accounts and permissions are assigned to users who log in",
    "l3.8.1.4.3.a": "8.1.4.3 Security audit a) security audit is enabled and covers every user",
    "l3.8.1.4.3.c": "8.1.4.3 Security audit c) audit records are protected from unexpected deletion, change or "
                    "overwriting",
    "l3.8.1.4.3.d": "8.1.4.3 Security audit d) the audit process is protected from unauthorised interruption",
    "l3.8.1.4.4.b": "8.1.4.4 Intrusion prevention b) unneeded services, default shares and high-risk ports are closed",
    "l3.8.1.4.4.c": "8.1.4.4 Intrusion prevention c) management terminals are restricted by access method or "
                    "address range",
    "l3.8.1.4.4.d": "8.1.4.4 Intrusion prevention d) input through user and communication interfaces is validated",
    "l3.8.1.4.5.a": "8.1.4.5 Malicious code prevention a) technical measures or trusted verification identify "
                    "intrusions and viruses in time",
    "l3.8.1.4.8.a": "8.1.4.8 Data confidentiality a) cryptography protects important data in transit (important "
                    "personal information included)",
    "l3.8.1.4.11.b": "8.1.4.11 Personal information protection b) unauthorised access to and use of users' "
                     "personal information are forbidden",
    "l3.8.1.5.1.a": "8.1.5.1 System administration a) administrators are authenticated and administer through "
                    "specific commands or interfaces, audited",
    "l3.8.1.5.4.a": "8.1.5.4 Centralised control a) a management zone is set apart to control the security devices "
                    "and components of the network",
    "l3.8.1.5.4.d": "8.1.5.4 Centralised control d) audit data of every device is collected and analysed centrally "
                    "and kept as long as the law requires",
}

#: English titles of the catalogue's management items (the technical items carry ``title_en``).
MIPIN_TITLE_EN: Final[dict[str, str]] = {
    "gbt39786.l3.8.5.a": "a security management policy for cryptography applications",
    "gbt39786.l3.8.5.b": "key management rules",
    "gbt39786.l3.8.5.c": "operating procedures",
    "gbt39786.l3.8.5.d": "periodic review and revision of the policies",
    "gbt39786.l3.8.5.e": "publication process and version control",
    "gbt39786.l3.8.5.f": "records of execution kept",
    "gbt39786.l3.8.6.a": "staff know and follow cryptography laws, regulations and policies",
    "gbt39786.l3.8.6.b": "role responsibilities (key administrator, cryptography auditor, operator)",
    "gbt39786.l3.8.6.c": "training before taking up the post",
    "gbt39786.l3.8.6.d": "periodic assessment of staff",
    "gbt39786.l3.8.6.e": "confidentiality and departure rules",
    "gbt39786.l3.8.7.a": "a cryptography application plan",
    "gbt39786.l3.8.7.b": "a key security management strategy",
    "gbt39786.l3.8.7.c": "an implementation plan, and building to it",
    "gbt39786.l3.8.7.d": "a cryptography evaluation before going into operation",
    "gbt39786.l3.8.7.e": "periodic evaluations and attack-defence exercises in operation",
    "gbt39786.l3.8.8.a": "emergency strategy and resources",
    "gbt39786.l3.8.8.b": "incident handling and reporting to the competent authority",
    "gbt39786.l3.8.8.c": "reporting the handling to the competent and cryptography authorities",
}

#: English remediation of the catalogue's technical items (management items: "Establish ...").
MIPIN_REMEDIATION_EN: Final[dict[str, str]] = {
    "gbt39786.l3.8.1.a": "Use SM4/SM1 CPU-card challenge-response for door access, with certified cryptographic "
                         "products (GB/T 37092 level 2 or above)",
    "gbt39786.l3.8.1.b": "Protect door-access records with HMAC-SM3 or SM2 signatures, keys held in a "
                         "cryptographic module",
    "gbt39786.l3.8.1.c": "Protect CCTV recordings with HMAC-SM3 or SM2 signatures",
    "gbt39786.l3.8.2.a": "Deploy TLCP (GB/T 38636) or an SM SSL VPN; authenticate entities with valid SM2 "
                         "certificates matching the host name",
    "gbt39786.l3.8.2.b": "Protect channel integrity with SM3-HMAC or SM4-GCM (TLCP ECC/ECDHE suites)",
    "gbt39786.l3.8.2.c": "Close cleartext services; encrypt channels with SM4 (TLCP or RFC 8998 TLS 1.3 SM suites); "
                         "disable SSL/TLS 1.0 and weak suites",
    "gbt39786.l3.8.2.d": "Protect boundary access-control policies with HMAC-SM3 or SM2 signatures",
    "gbt39786.l3.8.2.e": "Authenticate devices connecting from outside with SM2 certificates",
    "gbt39786.l3.8.3.a": "Authenticate device logins with cryptography (SM2 USB keys or one-time passwords), or "
                         "through a cryptographically authenticated bastion host",
    "gbt39786.l3.8.3.b": "Close Telnet, FTP, HTTP and other cleartext administration; administer through SM SSH, "
                         "TLCP or an SM VPN; disable weak algorithms and SSH-1",
    "gbt39786.l3.8.3.c": "Protect system access-control information with HMAC-SM3",
    "gbt39786.l3.8.3.d": "Protect security labels with HMAC-SM3, or state why the item does not apply",
    "gbt39786.l3.8.3.e": "Protect logs with HMAC-SM3 or SM2 signatures",
    "gbt39786.l3.8.3.f": "Sign important executables with SM2 code signing, or use trusted boot",
    "gbt39786.l3.8.4.a": "Authenticate application logins with SM2 certificates or SM3 challenge-response",
    "gbt39786.l3.8.4.b": "Protect access-control information with HMAC-SM3",
    "gbt39786.l3.8.4.c": "Protect security labels with HMAC-SM3, or state why the item does not apply",
    "gbt39786.l3.8.4.d": "Encrypt important data in transit with SM4 (TLCP, SM TLS 1.3 or application-level SM4)",
    "gbt39786.l3.8.4.e": "Encrypt important data at rest with SM4, keys held in a cryptographic module or KMS",
    "gbt39786.l3.8.4.f": "Protect important data in transit with HMAC-SM3 or SM2 signatures",
    "gbt39786.l3.8.4.g": "Protect important data at rest with HMAC-SM3 or SM2 signatures",
    "gbt39786.l3.8.4.h": "Use SM2 digital signatures or electronic seals for operations that need non-repudiation",
}

#: 密评 verdicts (crypto_eval.scoring) -> (中文, English).
VERDICTS: Final[dict[str, tuple[str, str]]] = {
    "符合": ("符合", "compliant"), "基本符合": ("基本符合", "basically compliant"),
    "不符合": ("不符合", "non-compliant"),
    "证据不足，无法判定": ("证据不足，无法判定", "insufficient evidence, no conclusion"),
}
_NAMESPACES: Final = {DJBH_NAMESPACE: ("等保", "MLPS"), MIPIN_NAMESPACE: ("密评", "CCA")}


def namespace_label(namespace: str, lang: str) -> str:
    """``djbh`` -> 等保 / MLPS (GB/T 22239), ``mipin`` -> 密评 / CCA (GB/T 39786)."""
    zh, en = _NAMESPACES.get(namespace, (namespace, namespace))
    return en if lang == "en" else zh


def verdict_word(verdict: object, lang: str) -> str:
    """A 密评 verdict in the report's language (unknown ones as they are)."""
    pair = VERDICTS.get(str(verdict))
    return str(verdict) if pair is None else pair[1 if lang == "en" else 0]


def control_text(namespace: str, control: str, lang: str) -> str:
    """The wording of a 等保 control (``l3.8.1.4.1.b``) or 密评 item (``gbt39786.l3.8.3.b``)."""
    if namespace == DJBH_NAMESPACE:
        if lang == "en":
            return DJBH_EN.get(control) or (f"{control} {UNTRANSLATED}" if control in DJBH_CONTROLS else "")
        return DJBH_CONTROLS.get(control, "")
    if namespace == MIPIN_NAMESPACE:
        title = item_title(control, lang)
        return f"{_unit(control)} {title}".strip() if title else ""
    return ""


def _unit(item_id: str) -> str:
    try:
        return load_catalogue().item(item_id).unit
    except ConfigError:
        return ""


def item_title(item_id: str, lang: str, recorded: str = "") -> str:
    """A 密评 item's title; ``recorded`` (the saved evaluation's) when the catalogue does not know it."""
    try:
        item = load_catalogue().item(item_id)
    except ConfigError:
        return recorded if lang != "en" or not recorded else f"{item_id} {UNTRANSLATED}"
    if lang != "en":
        return item.title
    return item.title_en or MIPIN_TITLE_EN.get(item_id) or f"{item.unit} {UNTRANSLATED}"


def item_remediation(item_id: str, lang: str) -> str:
    """A 密评 item's remediation (整改建议); "" for an item the catalogue does not know."""
    try:
        item = load_catalogue().item(item_id)
    except ConfigError:
        return ""
    if lang != "en":
        return item.remediation
    if item_id in MIPIN_REMEDIATION_EN:
        return MIPIN_REMEDIATION_EN[item_id]
    title = item_title(item_id, lang)
    return f"Establish and apply {title} as GB/T 39786-2021 requires, and keep records of it"
