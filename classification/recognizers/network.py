"""Network and device identifiers (stage: classification; reference §5.5): IPv4, IPv6, MAC,
IMEI (Luhn, context), IMSI (460 + MNC, context), ICCID (8986 + Luhn)."""

from __future__ import annotations

import ipaddress
import re
from typing import Final

from govsoc.classification.checksums import luhn_ok
from govsoc.classification.recognizer import NOT_AFTER, NOT_BEFORE, Pattern, Recognizer, not_labelled, register

__all__ = ["Ipv4Recognizer", "Ipv6Recognizer", "MacRecognizer", "ImeiRecognizer", "ImsiRecognizer", "IccidRecognizer"]

_MNC: Final = {"00": "China Mobile", "02": "China Mobile", "04": "China Mobile", "07": "China Mobile",
               "08": "China Mobile", "01": "China Unicom", "06": "China Unicom", "09": "China Unicom",
               "03": "China Telecom", "05": "China Telecom", "11": "China Telecom", "15": "China Broadnet",
               "20": "China Tietong"}


_V4_SCOPES: Final = {10: "private", 127: "loopback", 0: "reserved"}
_OCTET: Final = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
#: Four octets of 0-255, none with a leading zero.
_DOTTED_QUAD: Final = re.compile(rf"{_OCTET}(?:\.{_OCTET}){{3}}", re.ASCII)


def _v4_scope(a: int, b: int) -> str:
    if (a == 172 and 16 <= b <= 31) or (a == 192 and b == 168):
        return "private"
    return "shared (CGNAT)" if a == 100 and 64 <= b <= 127 else "global"


def _scope(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str:
    if address.is_loopback:
        return "loopback"
    if address.is_private:
        return "private"
    return "global" if address.is_global else "reserved"


#: Words that say a dotted quad after them is a version (``version 1.7.19.104``, ``固件版本：2.1.0.33``;
#: assembly and firmware versions have four parts), and the separators between.
_VERSION_LABELS: Final = ("version", "ver", "ver.", "firmware", "fw", "版本", "版本号", "固件")
_LABEL_SEPARATORS: Final = ("", " ", ":", ": ", "=", "：")


@register("ipv4")
class Ipv4Recognizer(Recognizer):
    """IPv4 addresses in dotted-quad form."""

    SHAPES = ("0.0",)

    entity = "IPv4地址 IPv4 address"
    category = "网络身份标识信息"
    level = "G2"
    mask_rule = "ipv4"
    TRIGGER = r"\d\.\d{1,3}\.\d"
    STRIP = ""
    # the labels are looked behind only where a dotted quad follows (a log's other numbers cost
    # no look-behinds): 10 % of the search's time instead of 200 %
    PATTERNS = (Pattern("dotted quad", r"(?<![0-9A-Za-z.])(?=(?:\d{1,3}\.){3}\d)"
                        + not_labelled(_VERSION_LABELS, _LABEL_SEPARATORS)
                        + r"(?:\d{1,3}\.){3}\d{1,3}(?![0-9A-Za-z]|\.\d)", 0.6,
                        # the look-behinds after the first digit (classification/search_form.py)
                        search=r"\d(?<![0-9A-Za-z.]\d)(?=\d{0,2}\.(?:\d{1,3}\.){2}\d)"
                        + not_labelled(_VERSION_LABELS, _LABEL_SEPARATORS, then=r"\d")
                        + r"\d{0,2}\.(?:\d{1,3}\.){2}\d{1,3}(?![0-9A-Za-z]|\.\d)",
                        layout=r"(?<![0a.])(?:0{1,3}\.){3}0{1,3}(?![0a]|\.0)"),)
    CONTEXT = ("ip", "ip_addr", "ipaddr", "src_ip", "dst_ip", "client_ip", "x_forwarded_for", "ip地址")
    #: A column so named holds versions (1.7.19.104), not addresses (R15-3); appver, build and
    #: buildno one word, bbh / bb the pinyin of 版本号 / 版本 (R15d-30).
    NOT_CONTEXT = ("version", "ver", "firmware", "fw", "版本", "固件", "appver", "build", "buildno", "bbh", "bb")

    def validate(self, candidate: str) -> str | None:
        """Four octets of 0-255 without leading zeros (what ipaddress accepts, without its cost:
        log lines are full of addresses)."""
        if _DOTTED_QUAD.fullmatch(candidate) is None:
            return None
        a, b, _ = candidate.split(".", 2)
        first = int(a)
        scope = _V4_SCOPES.get(first, "global") if first not in (172, 192, 100) else _v4_scope(first, int(b))
        return f"valid IPv4 ({scope})"


#: Groups of one or two decimal digits around '::' (12::30, 9::05): a time, not an address.
_TIME_LIKE: Final = re.compile(r"\d{1,2}(?:::?\d{1,2})+", re.ASCII)


@register("ipv6")
class Ipv6Recognizer(Recognizer):
    """IPv6 addresses (full, compressed, IPv4-suffixed)."""

    SHAPES = (":",)

    entity = "IPv6地址 IPv6 address"
    category = "网络身份标识信息"
    level = "G2"
    mask_rule = "ipv6"
    TRIGGER = r"[0-9A-Fa-f]:[0-9A-Fa-f:]"
    STRIP = ""
    PATTERNS = (Pattern("IPv6", r"(?<![0-9A-Za-z:.])(?:[0-9A-Fa-f]{1,4}|:)?(?::[0-9A-Fa-f]{0,4}){2,7}"
                        r"(?:(?<=:)\d{1,3}(?:\.\d{1,3}){3})?(?![0-9A-Za-z:]|\.\d)", 0.6),)
    CONTEXT = ("ip", "ipv6", "src_ip", "dst_ip", "client_ip", "ip地址")

    def validate(self, candidate: str) -> str | None:
        """Parses as IPv6 and is not a time of day, a MAC address or a scope (R15b-25)."""
        if candidate.count(":") == 5 and "::" not in candidate:
            return None  # six groups: a MAC address written with colons is never IPv6 without '::'
        if not any(c.isdigit() for c in candidate):
            return None  # '::' alone, or scopes of hex-letter words: C::f, face::add, dead::beef
        if "::" in candidate and _TIME_LIKE.fullmatch(candidate):
            return None  # 12::30, 09::05: a time typed with a doubled colon
        try:
            address = ipaddress.IPv6Address(candidate)
        except ValueError:
            return None
        return f"valid IPv6 ({_scope(address)})"


@register("mac")
class MacRecognizer(Recognizer):
    """MAC addresses (colon, hyphen or Cisco dot notation); not all-zero, broadcast or multicast."""

    SHAPES = (":", "s", ".")

    entity = "MAC地址 MAC address"
    category = "个人常用设备信息"
    level = "G2"
    mask_rule = "mac"
    TRIGGER = r"[0-9A-Fa-f]{2}[:.-][0-9A-Fa-f]{2}"
    STRIP = ""
    PATTERNS = (
        Pattern("xx:xx:xx:xx:xx:xx", r"(?<![0-9A-Za-z:-])[0-9A-Fa-f]{2}([:-])(?:[0-9A-Fa-f]{2}\1){4}[0-9A-Fa-f]{2}"
                r"(?![0-9A-Za-z:-])", 0.6),
        Pattern("xxxx.xxxx.xxxx", NOT_BEFORE + r"[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}" + NOT_AFTER, 0.5),
    )
    CONTEXT = ("mac", "mac_addr", "macaddr", "mac地址", "物理地址")

    def validate(self, candidate: str) -> str | None:
        """A unicast address that is not all zeros."""
        hexes = "".join(c for c in candidate if c not in ":-.")
        if hexes == "0" * 12 or int(hexes[:2], 16) & 1:
            return None
        return "unicast MAC address"


@register("imei")
class ImeiRecognizer(Recognizer):
    """IMEI: 15 digits passing Luhn; context only (15-digit IDs and registration numbers)."""

    SHAPES = ("0" * 15,)

    entity = "IMEI 设备识别码"
    category = "个人常用设备信息"
    level = "G2"
    checksum = True
    mask_rule = "document"
    TRIGGER = r"\d{15}"
    PATTERNS = (Pattern("15 digits", NOT_BEFORE + r"\d{15}" + NOT_AFTER, 0.3, context_only=True),)
    CONTEXT = ("imei", "device_id", "设备号", "设备识别码")

    def validate(self, candidate: str) -> str | None:
        """The Luhn check digit."""
        return "Luhn check digit" if luhn_ok(candidate) else None


@register("imsi")
class ImsiRecognizer(Recognizer):
    """IMSI of a Chinese network: 460 + a network code + 10 digits; context only."""

    SHAPES = ("0" * 15,)

    entity = "IMSI 国际移动用户识别码"
    category = "个人常用设备信息"
    level = "G2"
    mask_rule = "document"
    TRIGGER = "460"
    PATTERNS = (Pattern("460 + MNC + MSIN", NOT_BEFORE + r"460\d{12}" + NOT_AFTER, 0.3, context_only=True),)
    CONTEXT = ("imsi",)

    def validate(self, candidate: str) -> str | None:
        """A mobile network code in use in China."""
        network = _MNC.get(candidate[3:5])
        return f"MCC 460, MNC {candidate[3:5]} ({network})" if network else None


@register("iccid")
class IccidRecognizer(Recognizer):
    """ICCID of a Chinese SIM: 89 86 + 15-16 digits, Luhn over the whole number."""

    SHAPES = ("0" * 19,)

    entity = "ICCID SIM卡号"
    category = "个人常用设备信息"
    level = "G2"
    checksum = True
    mask_rule = "document"
    TRIGGER = "8986"
    PATTERNS = (Pattern("8986 + 15-16 digits", NOT_BEFORE + r"8986\d{15,16}" + NOT_AFTER, 0.5),)
    CONTEXT = ("iccid", "sim")

    def validate(self, candidate: str) -> str | None:
        """The Luhn check digit."""
        return "89 86 prefix, Luhn check digit" if luhn_ok(candidate) else None
