"""Personal data in the structured values of a free text: JSON members and XML elements (stage:
classification; PIPL art. 51, GB/T 35273-2020 §6.2 display masking; RFC 8259 §4 objects, XML 1.0
§3 elements).

A log line quotes request and response bodies: ``{"name":"张三","account":"zhangsan"}``,
``<联系人>王芳</联系人>``, a JSON body escaped inside a JSON string (``{\\"name\\":\\"张三\\"}``).
A member's or an element's name says what its value is, as a column's name does: the recognizers
a name gives context to (govsoc.classification.columns: ``name``, ``realName``, ``联系人``,
``xm`` → a person's name) run on the value with that context (a name in pinyin or Latin letters,
``"name":"Zhang Wei"``, by govsoc.classification.pinyin_names's rule), and a value named an account
(ACCOUNT_KEYS: ``account``, ``user``, ``userName``, ``login``, ``账号``) is masked by the account
rule (``z***``). Only string values count: ``"user": {...}`` is an object whose own members are read.
A ``key=value`` pair is classification.free_text's; an account there (``user=zhangsan``,
``USER=root`` in sudo's log) is masked alike (is_account_key, account_hit), so that no form of
writing it shows what another hides.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final

from govsoc.classification.masking import mask
from govsoc.classification.pinyin_names import person_name_value
from govsoc.classification.recognizer import Match, Recognizer
from govsoc.classification.spans import Spans

__all__ = ["ACCOUNT_KEYS", "structured_hits", "is_account_key", "account_hit", "account_members"]

#: Member and element names whose value is an account (lower case, '-' '.' ' ' read as '_').
ACCOUNT_KEYS: Final = frozenset({"account", "user", "username", "user_name", "userid", "user_id", "login",
                                 "loginname", "login_name", "loginid", "uid", "account_name", "accountname",
                                 "账号", "账户", "用户", "用户名", "登录名", "登录账号",
                                 # a WeChat id is an account of its own (R15e-20: 微信号 wangwu1990)
                                 "微信", "微信号", "微信账号", "wechat", "wechat_id", "wechatid", "weixin"})
#: A JSON member with a string value, also escaped inside a JSON string (``\\"key\\":\\"value\\"``).
_MEMBER: Final = re.compile(r'(?P<q>\\?")(?P<key>[^"\\]{1,48})(?P=q)[ \t]*:[ \t]*(?P=q)(?P<value>(?:[^"\\]|\\(?!"))*)'
                            r'(?P=q)')
#: An XML element holding text only (no child elements).
_ELEMENT: Final = re.compile(r"<(?P<key>[A-Za-z_\u4e00-\u9fff][\w.\-\u4e00-\u9fff]{0,47})(?:\s[^<>]*)?>"
                             r"(?P<value>[^<>]+)</(?P=key)>")


def structured_hits(text: str, taken: list[Match], *, context_of: Callable[[str], Iterable[str]],
                    keyed: Mapping[Any, Recognizer],
                    glued: Callable[[str, str, int], Match | None] = lambda *_: None) -> list[Match]:
    """Hits in the string values of ``text``'s JSON members and XML elements, none overlapping
    ``taken``: what ``keyed[kind]`` finds with context for each kind ``context_of(name)`` gives,
    the whole value of an account (ACCOUNT_KEYS), and what ``glued(name, value, start)`` finds (a
    number glued to letters after a name naming it, as free_text finds it after a key: R15aa-1)."""
    out: list[Match] = []
    spans = Spans(taken)
    for m in (*_MEMBER.finditer(text), *_ELEMENT.finditer(text)):
        key, value, start = m.group("key"), m.group("value"), m.start("value")
        if not value.strip():
            continue
        if is_account_key(key):
            _add(out, spans, account_hit(key, value, start))
            continue
        if (number := glued(key, value, start)) is not None:
            _add(out, spans, number)
        kinds = set(context_of(key))
        if "cn_person_name" in kinds and value.isascii() and person_name_value(value):
            # {"name":"Zhang Wei"}: a name in Latin letters (govsoc.classification.pinyin_names)
            _add(out, spans, Match(recognizer="cn_person_name", start=start, end=m.end("value"),
                                   masked=mask("name", value.strip()), score=0.5,
                                   reason=f"姓名 person name: in Latin letters, the value of {key!r}"))
            continue
        for kind in kinds:
            if kind in keyed:
                for hit in keyed[kind].find(value, context=True):
                    _add(out, spans, Match(recognizer=hit.recognizer, start=start + hit.start, end=start + hit.end,
                                           masked=hit.masked, score=hit.score, reason=f"{hit.reason} (under {key!r})"))
    return out


def is_account_key(key: str) -> bool:
    """True when ``key`` (a member, element or key=value name) names an account (ACCOUNT_KEYS)."""
    return key.lower().replace("-", "_").replace(".", "_").replace(" ", "_") in ACCOUNT_KEYS


def account_members(text: str) -> list[Match]:
    """The account hit of every JSON member and XML element of ``text`` whose name is an account's
    (ACCOUNT_KEYS) and whose value is not blank, whatever else was found in them."""
    return [account_hit(m.group("key"), m.group("value"), m.start("value"))
            for m in (*_MEMBER.finditer(text), *_ELEMENT.finditer(text))
            if m.group("value").strip() and is_account_key(m.group("key"))]


def account_hit(key: str, value: str, start: int) -> Match:
    """The hit of an account ``value`` under ``key``, starting at ``start``: masked by the account rule."""
    return Match(recognizer="account", start=start, end=start + len(value), masked=mask("account", value), score=0.5,
                 reason=f"an account: the value of {key!r}")


def _add(out: list[Match], taken: Spans, hit: Match) -> None:
    if taken.free(hit.start, hit.end):
        out.append(hit)
        taken.add(hit)
