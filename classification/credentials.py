"""Credentials in free text, masked whole (stage: classification; GB/T 22239-2019 8.1.4.8 a)
"鉴别信息"; RFC 7235 §4.2 Authorization, RFC 7617 Basic, RFC 6750 Bearer; RFC 3986 §3.2.1 userinfo).

A log line quotes what a client sent: a login form (``password=Secret123!``), a JSON body
(``"pwd": "x"``), a header (``Authorization: Basic YWRtaW46...``), a URL with its userinfo
(``ftp://admin:Secret@10.0.0.1/``), a command line (``--password Secret``). No recognizer can
tell a password by its shape: the key that names it decides, and its value is masked whole,
whatever it holds (a password of eleven digits is no phone number, a token no hash). The masked
value never tells its length (masking.STARS). An authentication scheme is kept (``Basic ***``):
that a client sent Basic credentials in the clear is itself evidence.

Keys are credential keys when they contain one of SECRET_WORDS (``newPassword``, ``db.passwd``,
``X-Auth-Token``, ``client_secret``, ``用户密码``) or are one of SECRET_KEYS. ``PWD=/home/alice``
(upper case, a path) is the working directory that sudo and auditd log, not a password.
"""

from __future__ import annotations

import re
from typing import Final

from govsoc.classification.masking import STARS
from govsoc.classification.recognizer import Match

__all__ = ["SECRET_WORDS", "SECRET_KEYS", "is_secret_key", "credential_hits"]

#: A key containing one of these (lower case, '-' and '.' read as '_') names a credential.
SECRET_WORDS: Final = ("password", "passwd", "passwort", "passphrase", "passcode", "pwd", "secret", "token",
                       "apikey", "api_key", "accesskey", "access_key", "privatekey", "private_key", "credential",
                       "sessionid", "session_id", "jsessionid", "phpsessid", "authorization", "密码", "口令", "密钥",
                       "令牌", "验证码")
#: Keys that name a credential only as a whole word.
SECRET_KEYS: Final = frozenset({"pass", "pw", "passw", "pass_word", "auth", "session", "sign", "signature"})
#: Authentication schemes kept in front of the masked credential (RFC 7235 §2.1, IANA registry).
_SCHEMES: Final = r"(?:Basic|Bearer|Digest|Negotiate|NTLM|Token|ApiKey|HOBA|Mutual|SCRAM-SHA-256|SCRAM-SHA-1|" \
                  r"AWS4-HMAC-SHA256|OAuth)"
#: ``key=`` ``key:`` ``"key":`` ``key：`` (also inside an escaped JSON string: ``\\"key\\":``); the
#: value is read on from there (a key whose value is not read goes on to the keys inside its value).
_KEY: Final = re.compile(
    r"(?<![\w\u4e00-\u9fff])(\\?[\"']?)(?P<key>[A-Za-z\u4e00-\u9fff][\w.\-\u4e00-\u9fff]{0,47})\1[ \t]*[=:：][ \t]*")
#: A value: quoted to its closing quote, else to the next space, '&', quote or angle bracket,
#: after an authentication scheme that stays shown.
_VALUE: Final = re.compile(
    r"(?:(?P<scheme>" + _SCHEMES + r")(?:[ \t]+|%20))?"
    r"(?P<value>\"(?:[^\"\\]|\\.)*\"?|'(?:[^'\\]|\\.)*'?|\\\"(?:[^\\]|\\[^\"])*(?:\\\")?|(?:[^\s&\"'<>\\]|\\(?!\"))+)",
    re.IGNORECASE)
#: ``<password>value</password>`` (XML and SOAP bodies).
_ELEMENT: Final = re.compile(r"<(?P<key>[A-Za-z][\w.\-]{0,47})>(?P<value>[^<]+)</(?P=key)>")
#: ``--password value`` on a command line (the ``=`` form is a key=value pair).
_OPTION: Final = re.compile(r"(?<!\S)--?(?P<key>[A-Za-z][\w\-]{0,31})[ \t]+(?P<value>[^\s-][^\s]*)")
#: The password of a URL's userinfo (``scheme://user:password@host``).
_USERINFO: Final = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]{0,15}://[^/\s:@?#]*:(?P<value>[^/\s@?#]+)@")


def is_secret_key(key: str) -> bool:
    """True when ``key`` names a password, token, secret or session identifier."""
    folded = key.lower().replace("-", "_").replace(".", "_").strip("_")
    return folded in SECRET_KEYS or any(word in folded for word in SECRET_WORDS)


def credential_hits(text: str) -> list[Match]:
    """A hit for every credential value in ``text``, none overlapping (the first found wins)."""
    hits: list[Match] = []
    for k in _KEY.finditer(text):
        key = k.group("key")
        m = _VALUE.match(text, k.end()) if is_secret_key(key) else None
        if m is None:
            continue
        value = m.group("value")
        if key == "PWD" and value.startswith("/"):
            continue  # sudo's and auditd's working directory
        start, end = m.span("value")
        if value[:1] in "\"'":
            start, end = start + 1, end - (1 if len(value) > 1 and value[-1] == value[0] else 0)
        elif value.startswith('\\"'):
            start, end = start + 2, end - (2 if value.endswith('\\"') and len(value) > 3 else 0)
        _add(hits, start, end, f"credential: the value of key {key!r}")
    for m in _ELEMENT.finditer(text):
        if is_secret_key(m.group("key")):
            _add(hits, *m.span("value"), f"credential: element <{m.group('key')}>")
    for m in _OPTION.finditer(text):
        if is_secret_key(m.group("key")) and m.group("key").lower() not in ("pw", "auth", "session", "sign"):
            _add(hits, *m.span("value"), f"credential: command-line option --{m.group('key')}")
    for m in _USERINFO.finditer(text):
        _add(hits, *m.span("value"), "credential: password in a URL's userinfo (RFC 3986 §3.2.1)")
    return hits


def _add(hits: list[Match], start: int, end: int, reason: str) -> None:
    if end > start and all(end <= h.start or h.end <= start for h in hits):
        hits.append(Match(recognizer="credential", start=start, end=end, masked=STARS, score=1.0, reason=reason))
