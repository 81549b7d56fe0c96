"""Numbers that a log line evidently gives as a size or a count (stage: classification; PIPL art. 51
display masking, and where it must stop; review R18f F1).

A mobile number is any 11 digits in an allocated segment (13x-19x), so a byte count between 13 and
19.99 GB is one by shape: ``"GET /backup.tar HTTP/1.1" 200 13912345678`` or a flow's
``15000000000 bytes``. Masked, the evidence of an exfiltration alert would state a falsified
figure in a signed report (and seem to hold a phone number). The position says what the number
is, when the format or the writer says it:

- a **unit** right after it: ``bytes``, ``B``, ``octets``, ``packets``, ``pkts``, ``字节``, ``包``
  (a flow's evidence line: ``15000000000 bytes 380000 packets``);
- a **key** naming a size or count before it: ``bytes=``, ``size=``, ``len=``, ``count=``,
  ``sentbyte=`` (FortiOS), ``"http.response.body.bytes": `` (ECS in JSON), ``body_bytes_sent=``,
  ``大小：``, ``字节数=``;
- the **size field of an access log** in the Common or Combined Log Format (NCSA httpd; Apache
  mod_log_config ``%h %l %u %t "%r" %>s %b``): the number right after the status code that
  follows the quoted request line.

Everywhere else (``联系电话 13912345678``, ``tel=13912345678``, a number alone) it stays a phone
number and is masked. The rules are written here because no masking library (Presidio included)
knows log formats: their context words only raise a score, they never veto a hit.
"""

from __future__ import annotations

import re
from typing import Final

__all__ = ["is_quantity"]

#: A unit written after a number (a blank or none between), as a word of its own: "B座", "B-2-301",
#: "B类" and "包裹" after a phone or card number are an address, a class or a parcel (verifier V1).
_UNIT_AFTER: Final = re.compile(r"[ \t]?(?:bytes?|B|octets?|packets?|pkts?|包)(?![A-Za-z0-9_\-\u3400-\u9fff])"
                                r"|[ \t]?字节")
#: A label of personal data shortly before the number: it is what the number is, whatever follows
#: ("联系电话：13912345678 B座1201", "tel=13912345678 B").
_PERSONAL_BEFORE: Final = re.compile(r"(?i)(?:电话|手机|联系|号码|卡号|账号|帐号|证件|身份|tel|phone|mobile|cell|card|"
                                     r"account|acct|msisdn|contact)[^\n]{0,12}\Z")
#: Words of a key naming personal data: a key naming one is not a size, whatever else it names
#: ("phone_count", "mobileLen").
_PERSONAL_WORDS: Final = frozenset({"tel", "phone", "mobile", "cell", "card", "account", "acct", "msisdn", "contact",
                                    "电话", "手机", "号码", "卡号", "账号"})
#: A key and its separator right before a number: ``key=``, ``key: ``, ``"key": ``, ``key：``.
_KEY_BEFORE: Final = re.compile(r"([A-Za-z\u4e00-\u9fff][\w.\-\u4e00-\u9fff]{0,63})[\"']?[ \t]*[=:：][ \t]*[\"']?\Z")
#: Words of a key naming a size or a count (one word of ``source.bytes``, ``body_bytes_sent``,
#: ``bytesOut``); a word ending in a unit (``sentbyte``, ``rcvdpkt``, ``filesize``) names one too,
#: but not one ending in "count" (``account`` names a person's account).
_SIZE_WORDS: Final = frozenset({"bytes", "byte", "octets", "octet", "packets", "packet", "pkts", "pkt", "size",
                                "len", "length", "count", "cnt", "bytesin", "bytesout"})
_SIZE_ENDINGS: Final = re.compile(r"(?:byte|bytes|pkt|pkts|size|octets|字节|字节数|大小|长度|包数|流量|数量)\Z")
_KEY_WORDS: Final = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])|[\u4e00-\u9fff]+")
#: The end of a CLF request line and its status code: ``"GET /x HTTP/1.1" 200 `` (the size follows);
#: the request line must be one (a method, a target, a protocol, or "-"), not any quoted text.
_CLF_STATUS_BEFORE: Final = re.compile(r"\"(?:[A-Z]{3,10} [^\"\s]* HTTP/[0-9.]+|-)\"[ \t]+[1-5][0-9]{2}[ \t]+\Z")


def is_quantity(text: str, start: int, end: int) -> bool:
    """Whether the number at ``text[start:end]`` stands where a size or a count does (module docstring)."""
    if _PERSONAL_BEFORE.search(text, max(0, start - 16), start):
        return False
    if _UNIT_AFTER.match(text, end):
        return True
    if _CLF_STATUS_BEFORE.search(text, max(0, start - 8192), start):
        return True
    before = text[max(0, start - 80):start]
    key = _KEY_BEFORE.search(before)
    return key is not None and _names_size(key.group(1))


def _names_size(key: str) -> bool:
    words = [w.lower() for w in _KEY_WORDS.findall(key)]
    if any(w in _PERSONAL_WORDS or any(p in w for p in ("电话", "手机", "卡号", "账号")) for w in words):
        return False
    return bool(words) and (any(w in _SIZE_WORDS for w in words) or _SIZE_ENDINGS.search(words[-1]) is not None)
