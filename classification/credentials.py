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
``X-Auth-Token``, ``client_secret``, ``用户密码``), are one of SECRET_KEYS, or end in one of
SECRET_SUFFIXES (environment variables: ``DB_PASS``, ``REDIS_AUTH``, ``ADMIN_PW``; a CAS
``ticket``). ``PWD=/home/alice`` (upper case, a path) is the working directory that sudo and
auditd log, not a password.

Three credentials carry no key: a JSON Web Token (RFC 7519: base64url ``{"`` header and payload,
``eyJ…``) wherever it stands, the body of a PEM private key block (RFC 7468 §10-11, PKCS #1, SEC 1,
OpenSSH), and the password options of the command-line clients in COMMAND_PASSWORDS (``mysql
-uroot -pSecret``, ``sshpass -p secret``, ``redis-cli -a``), where the option is a password only
for that command (``mkdir -p``, ``psql -p 5432`` and ``ssh -p 22`` are no passwords).
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
SECRET_KEYS: Final = frozenset({"pass", "pw", "passw", "pass_word", "auth", "session", "sign", "signature",
                                "ticket"})
#: Keys ending in '_' + one of these name a credential (environment variables: DB_PASS, REDIS_AUTH).
SECRET_SUFFIXES: Final = frozenset({"pass", "pw", "passw", "auth", "ticket"})
#: Command-line clients and their options that take a password, glued (-pSecret) or after a blank;
#: ``curl -u user:password`` keeps the user (a table, as any other client is one row more).
COMMAND_PASSWORDS: Final = {
    **dict.fromkeys(("mysql", "mysqldump", "mysqladmin", "mysqlimport", "mysqlcheck", "mysqlshow", "mysqlpump",
                     "mariadb", "mariadb-dump", "mongo", "mongosh", "mongodump", "mongorestore", "mongoexport",
                     "sshpass", "hydra", "7z", "7za", "rar", "unrar"), ("-p",)),
    "redis-cli": ("-a",), "zip": ("-P",), "sqlcmd": ("-P",), "bcp": ("-P",), "osql": ("-P",), "isql": ("-P",),
    "ipmitool": ("-P",), "ldapsearch": ("-w",), "ldapmodify": ("-w",), "ldapadd": ("-w",), "ldapdelete": ("-w",),
    "ldappasswd": ("-w", "-s"), "smbclient": ("-U",), "curl": ("-u", "--user"), "wget": ("--http-password",),
}
#: ``curl -u user:password``, ``smbclient -U user%password``: the user stays, the rest goes.
_USER_AND_PASSWORD: Final = {"-u": ":", "--user": ":", "-U": "%"}
#: A command of COMMAND_PASSWORDS (a path before it is allowed) up to the end of its command
#: (';', '|', '&', a line break).
_COMMAND: Final = re.compile(r"(?:(?<=[\s;&|('\"`=/])|^)(?P<cmd>" + "|".join(
    re.escape(c) for c in sorted(COMMAND_PASSWORDS, key=len, reverse=True)) + r")(?:\.exe)?[ \t]+(?P<args>[^;&|\n]*)")
#: An option and its value, glued or after a blank (not another option); a quoted value ends at its quote.
_ARG: Final = re.compile(r"(?<!\S)(?P<opt>--?[A-Za-z][\w-]*)(?:=|(?P<blank>[ \t]+)(?!-))?"
                        r"(?P<value>'[^']*'?|\"[^\"]*\"?|[^\s'\"]+)?")
#: A JSON Web Token (RFC 7519 §3: BASE64URL(header).BASE64URL(payload).signature; '{"' is 'eyJ').
_JWT: Final = re.compile(r"(?<![\w-])eyJ[\w-]{4,}\.eyJ[\w-]{2,}\.[\w-]*")
#: A PEM private key block (RFC 7468 §10, §11; PKCS #1 'RSA', SEC 1 'EC', 'OPENSSH', 'ENCRYPTED'):
#: its body goes, the labels stay; a block cut short is masked to the end of the text.
_PEM: Final = re.compile(r"-----BEGIN (?P<label>[A-Z0-9 ]*PRIVATE KEY)-----(?P<body>.*?)"
                         r"(?=-----END (?P=label)-----|\Z)", re.DOTALL)
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
    return (folded in SECRET_KEYS or any(word in folded for word in SECRET_WORDS)
            or folded.rpartition("_")[2] in SECRET_SUFFIXES and "_" in folded)


def credential_hits(text: str) -> list[Match]:
    """A hit for every credential value in ``text``, none overlapping (the first found wins)."""
    hits: list[Match] = []
    for pem in _PEM.finditer(text):
        _add(hits, *pem.span("body"), f"credential: the body of a PEM {pem.group('label')} block (RFC 7468)")
    for jwt in _JWT.finditer(text):
        _add(hits, *jwt.span(), "credential: a JSON Web Token (RFC 7519)")
    _command_hits(text, hits)
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


def _command_hits(text: str, hits: list[Match]) -> None:
    """The password options of the clients of COMMAND_PASSWORDS in ``text``."""
    for c in _COMMAND.finditer(text):
        options = COMMAND_PASSWORDS[c.group("cmd")]
        for a in _ARG.finditer(text, c.start("args"), c.end("args")):
            opt, value = a.group("opt"), a.group("value")
            glued = next((o for o in options if o.startswith("-") and not o.startswith("--")
                          and opt.startswith(o) and len(opt) > len(o)), None)
            if glued is not None:
                start, end = a.start("opt") + len(glued), a.end("opt")  # -pSecret: the rest of the word
                end = a.end() if a.group("blank") is None else end  # -p'S3 cret': its quoted value too
            elif opt in options and value and not value.startswith("-"):
                start, end = a.span("value")
            else:
                continue
            shown = text[start:end]
            if shown[:1] in "'\"":
                start, end = start + 1, end - (1 if len(shown) > 1 and shown[-1] == shown[0] else 0)
            split = _USER_AND_PASSWORD.get(opt)
            if split is not None and split in text[start:end]:
                start = text.index(split, start, end) + 1
            elif split is not None:
                continue  # curl -u user: the password is asked for
            _add(hits, start, end, f"credential: the password option {opt} of {c.group('cmd')}")


def _add(hits: list[Match], start: int, end: int, reason: str) -> None:
    if end > start and all(end <= h.start or h.end <= start for h in hits):
        hits.append(Match(recognizer="credential", start=start, end=end, masked=STARS, score=1.0, reason=reason))
