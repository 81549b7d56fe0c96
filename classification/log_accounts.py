"""Accounts a log line names with no ``key=value`` (stage: classification; PIPL art. 51, GB/T 35273-2020
§6.2 display masking; used by govsoc.classification.free_text and its account_values).

An account's value is masked by the account rule (``z***``), and the numbers glued in it keep
their own masks (govsoc.classification.account_values: ``USER=zhangsan13812345678`` shows
``USER=z***138****5678``). Logs also name accounts without a key:

- **by their format** (NAMED): sudo's invoking user (``sudo: zhangsan : TTY=pts/0 ; …``, sudo's
  syslog line) and PAM's ``name(uid=N)`` (pam_unix: ``session opened for user root(uid=0) by
  zhangsan(uid=1000)``). The place says an account as an account word does, so a pinyin name there
  is masked by the name rule as pinyin_names masks one after ``user`` (``by z**(uid=1000)``), and
  another word stays as it did (``sudo: alice :``, ``root(uid=0)``: an account is shown in a log
  line unless a key names it);
- **beside an account word or a login verb** (CUED: pinyin_names.ACCOUNT_CUES and LOGIN_VERBS, a blank
  between: ``user zhangsan13812345678 logged in``, ``login zhangsan110101199003071233``,
  ``Accepted password for …``, ``用户lisi13912345678``). ``user`` is also an English word
  (``user agent``), so a word there counts as an account only where a number was found glued in
  it (account_values masks nothing else); a pinyin name alone there is pinyin_names's (``z**``).
"""

from __future__ import annotations

import re
from typing import Final

from govsoc.classification.masking import mask
from govsoc.classification.pinyin_names import ACCOUNT_CUES, LOGIN_VERBS, is_pinyin_name
from govsoc.classification.recognizer import Match
from govsoc.classification.structured_values import account_hit

__all__ = ["named_pinyin_names", "log_accounts"]

#: A word an account may be (letters, digits, full-width ones too, '_', '.', '@', '-'); its trailing
#: '.', '@', '-' are the text's.
_WORD: Final = r"[A-Za-z0-9_.@\-０-９Ａ-Ｚａ-ｚ]+"
_NOT_WORD_BEFORE: Final = r"(?<![A-Za-z0-9_.@/\-０-９Ａ-Ｚａ-ｚ])"
_TRAILING: Final = ".@-"
#: A quote or bracket an account word's value may stand in: MySQL's ``user 'x'@'host'``, PostgreSQL's and
#: nginx's ``user "x"``, ``用户[x]登录`` (R15ae-2).
_QUOTE: Final = "[\"'\\[“‘「【]?"


def _alternatives(words: tuple[str, ...], *, latin: bool) -> str:
    chosen = sorted((w for w in words if w.isascii() == latin), key=len, reverse=True)
    return "|".join(re.escape(w) for w in chosen)


#: (regex with the account as group v, the key its hit names): accounts set off by the log's format.
NAMED: Final = (
    (re.compile(r"(?<![A-Za-z0-9_-])sudo(?:\[[0-9]+\])?:[ \t]+(?P<v>" + _WORD + r")[ \t]+:[ \t]"), "sudo"),
    (re.compile(_NOT_WORD_BEFORE + r"(?P<v>" + _WORD + r")\(uid=[0-9]+\)"), "uid"),
)
#: Accounts beside an account word (a Latin one and a blank, or a Chinese one) or before a login verb.
CUED: Final = (
    (re.compile(_NOT_WORD_BEFORE + r"(?:(?i:" + _alternatives(ACCOUNT_CUES, latin=True) + r")[ \t]+|(?:"
                + _alternatives(ACCOUNT_CUES, latin=False) + r")[ \t]*)" + _QUOTE + r"(?=(?P<v>" + _WORD + "))"),
     "account word"),
    (re.compile(_NOT_WORD_BEFORE + r"(?P<v>" + _WORD + r")(?:[ \t]+(?i:" + _alternatives(LOGIN_VERBS, latin=True)
                + r")(?![A-Za-z])|[ \t]*(?:" + _alternatives(LOGIN_VERBS, latin=False) + "))"), "login verb"),
)


def named_pinyin_names(text: str) -> list[Match]:
    """A name hit for each account ``text`` names by a log's format (NAMED) that is a pinyin name."""
    return [Match(recognizer="cn_person_name", start=a.start, end=a.end, masked=mask("name", text[a.start:a.end]),
                  score=0.5, reason=f"姓名 person name: in pinyin, an account by its place ({a.reason})")
            for a in _accounts(text, NAMED) if is_pinyin_name(text[a.start:a.end])]


def log_accounts(text: str) -> list[Match]:
    """The account hit of each account ``text`` names without a key (NAMED and CUED), for
    account_values.whole_accounts, which masks only those a number was found in."""
    return [*_accounts(text, NAMED), *_accounts(text, CUED)]


def _accounts(text: str, table: tuple[tuple[re.Pattern[str], str], ...]) -> list[Match]:
    out = []
    for regex, key in table:
        for m in regex.finditer(text):
            value = m.group("v").rstrip(_TRAILING)
            if value and not value.isdigit():  # a number alone is no account (uid=0)
                out.append(account_hit(key, value, m.start("v")))
    return out
