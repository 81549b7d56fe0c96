"""Message tables for Linux programs: a message shape (regex) -> its ECS meaning.

Each program's module (sshd_messages, pam_messages, account_messages, login_messages) declares
a tuple of :class:`MessageRule`; :class:`MessageTable` finds the first rule that matches,
trying only the rules whose leading word can match (a dict lookup, not a scan of the table).
Named groups become ECS fields through :func:`captured_fields`:

| group | field |
|---|---|
| ``user``, ``uid`` | ``user.name``, ``user.id`` |
| ``effective``, ``target`` | ``user.effective.name``, ``user.target.name`` |
| ``group``, ``gid`` | ``group.name``, ``group.id`` |
| ``ip`` | ``source.address``, and ``source.ip`` (an address) or ``source.domain`` (a name), as Elastic does |
| ``domain`` | ``source.domain`` (a name sshd or ftpd printed beside the address) |
| ``port``, ``count`` | ``source.port``, ``event.count`` (integers) |
| ``foruser``/``foruid``, ``byuser``/``byuid`` | PAM sessions, see :func:`_session_users` |
| ``invalid`` | ``linux.auth.ssh.invalid_user: true`` (sshd's "invalid user") |
| ``a__b__c`` | the field ``a.b.c`` as is (vendor namespace ``linux.auth.*``, ``error.message``) |
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

_SIMPLE = {"user": "user.name", "uid": "user.id", "effective": "user.effective.name", "target": "user.target.name",
           "group": "group.name", "gid": "group.id", "domain": "source.domain"}
_INTEGERS = {"port": "source.port", "count": "event.count"}
_LEADING_WORD = re.compile(r"\^([A-Za-z][A-Za-z_-]*)(?=[ :(\\])")
_MESSAGE_WORD = re.compile(r"[A-Za-z][A-Za-z_-]*")
#: Pseudo user names that are not an actor: pam_unix prints getlogin(), "LOGIN" on a console.
_NO_ACTOR = frozenset({"", "LOGIN"})


@dataclass(frozen=True, slots=True)
class MessageRule:
    """One known message shape and what it means in ECS."""

    pattern: re.Pattern[str]
    action: str
    outcome: str | None
    category: tuple[str, ...]
    type: tuple[str, ...]
    extra: tuple[tuple[str, Any], ...] = ()
    #: (group, ECS field, kind) of the pattern's groups that map to a field, in group order, and
    #: whether it has groups handled apart (sessions, addresses): worked out once, not per line.
    plan: tuple[tuple[str, str, str], ...] = ()
    apart: bool = False


def rule(pattern: str, action: str, outcome: str | None, category: tuple[str, ...] = ("authentication",),
         kind: tuple[str, ...] = ("info",), **extra: Any) -> MessageRule:
    """A table row; ``extra`` holds constant fields, named with ``__`` for dots."""
    compiled = re.compile(pattern)
    plan = tuple((name, *_plan(name)) for name in compiled.groupindex if _plan(name)[0])
    return MessageRule(compiled, action, outcome, category, kind,
                       tuple((name.replace("__", "."), value) for name, value in extra.items()),
                       plan, not _APART.isdisjoint(compiled.groupindex))


class MessageTable:
    """Rules tried in table order, narrowed by the message's leading word."""

    def __init__(self, rules: Iterable[MessageRule]) -> None:
        self.rules = tuple(rules)
        words = {key for key in map(_key, self.rules) if key is not None}
        # a message whose leading word is W can only match rules keyed W or not keyed at all
        self._by_word = {word: tuple(r for r in self.rules if _key(r) in (word, None)) for word in words}
        self._unkeyed = tuple(r for r in self.rules if _key(r) is None)

    @classmethod
    def joined(cls, tables: Iterable[MessageTable]) -> MessageTable:
        """One table of the rules of ``tables`` in turn: it answers as trying each table in turn
        would (the first rule that matches, in table order), with one look-up of the leading
        word instead of one per table."""
        return cls(item for table in tables for item in table.rules)

    def normalise(self, message: str) -> dict[str, Any] | None:
        """The ECS fields of the first matching rule, None when no rule matches."""
        word = _MESSAGE_WORD.match(message)
        candidates = self._by_word.get(word[0], self._unkeyed) if word else self._unkeyed
        for item in candidates:
            match = item.pattern.match(message)
            if match is not None:
                return meaning(item, match.groupdict())
        return None


def _key(item: MessageRule) -> str | None:
    word = _LEADING_WORD.match(item.pattern.pattern)
    return word[1] if word else None


def meaning(item: MessageRule, groups: dict[str, str | None]) -> dict[str, Any]:
    """The ECS fields of a matched rule: its categorisation, constants and captured values."""
    fields: dict[str, Any] = {"event.action": item.action, "event.category": list(item.category),
                              "event.type": list(item.type)}
    if item.outcome:
        fields["event.outcome"] = item.outcome
    if item.extra:
        fields.update(item.extra)
    for name, target, kind in item.plan:
        value = groups[name]
        if value:
            fields[target] = value if kind is _TEXT else int(value) if kind is _NUMBER else True
    if item.apart:
        _capture_apart(groups, fields)
    return fields


def captured_fields(groups: dict[str, str | None]) -> dict[str, Any]:
    """ECS fields of a match's named groups (see the module docstring); empty values are left out."""
    fields: dict[str, Any] = {}
    _capture(groups, fields)
    return fields


def _capture(groups: dict[str, str | None], fields: dict[str, Any]) -> None:
    """:func:`captured_fields` written into ``fields`` (one dict per line, not two)."""
    for name, value in groups.items():
        if not value:  # None or ""
            continue
        plan = _PLANS.get(name)
        if plan is None:
            plan = _PLANS[name] = _plan(name)
        target, kind = plan
        if target:
            fields[target] = value if kind is _TEXT else int(value) if kind is _NUMBER else True
    _capture_apart(groups, fields)


def _capture_apart(groups: dict[str, str | None], fields: dict[str, Any]) -> None:
    """The groups no single field takes: a PAM session's users, a source address."""
    if groups.get("foruser"):
        fields.update(_session_users(groups))
    ip = groups.get("ip")
    if ip:
        if groups.get("domain") == ip:  # a reverse lookup that gave the address back
            del fields["source.domain"]
        fields.update(source_address(ip))


#: How a group's value is written: as text, as an integer, as True.
_TEXT, _NUMBER, _FLAG = "text", "number", "flag"
#: Group name -> (ECS field, kind); the field is "" for the groups handled apart. Filled as names are met.
_PLANS: dict[str, tuple[str, str]] = {}
_APART = frozenset({"foruser", "foruid", "byuser", "byuid", "ip"})


def _plan(name: str) -> tuple[str, str]:
    if name in _APART:
        return "", _TEXT
    if name == "invalid":
        return "linux.auth.ssh.invalid_user", _FLAG
    if name in _INTEGERS:
        return _INTEGERS[name], _NUMBER
    return _SIMPLE.get(name) or (name.replace("__", ".") if "__" in name else ""), _TEXT


def _session_users(groups: dict[str, str | None]) -> dict[str, Any]:
    """``session opened for user F by B``: the actor B is ``user.name`` and F, whom the session
    is for, ``user.effective.name``; without an actor (``by (uid=0)``, ``by LOGIN``) F is
    ``user.name``. A uid printed after a name goes with that name."""
    by = groups.get("byuser") or ""
    if by in _NO_ACTOR:
        fields = {"user.name": groups["foruser"]}
        if groups.get("foruid"):
            fields["user.id"] = groups["foruid"]
        return fields
    fields = {"user.name": by, "user.effective.name": groups["foruser"]}
    if groups.get("byuid"):
        fields["user.id"] = groups["byuid"]
    if groups.get("foruid"):
        fields["user.effective.id"] = groups["foruid"]
    return fields


def source_address(text: str) -> dict[str, Any]:
    """``source.address`` and ``source.ip`` (normalised) or ``source.domain``."""
    found = _ADDRESSES.get(text)
    if found is None:
        try:
            found = {"source.address": text, "source.ip": str(ipaddress.ip_address(text))}
        except ValueError:
            found = {"source.address": text, "source.domain": text}
        if len(_ADDRESSES) >= 4096:
            _ADDRESSES.clear()
        _ADDRESSES[text] = found
    return dict(found)


#: Address text -> its fields: a brute force repeats the same few addresses.
_ADDRESSES: dict[str, dict[str, Any]] = {}


def add_related(fields: dict[str, Any]) -> None:
    """``related.user`` / ``related.ip`` from the user and source fields (as Elastic's pipeline)."""
    get = fields.get
    users = [user for user in (get("user.name"), get("user.effective.name"), get("user.target.name")) if user]
    if users:
        fields["related.user"] = users if len(users) == 1 else list(dict.fromkeys(users))
    ip = get("source.ip")
    if ip:
        fields["related.ip"] = [ip]
