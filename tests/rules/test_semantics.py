"""Sigma semantics, as the specification defines them, on every store.

Each row is (rule fragment, event, expected): the event is stored, the rule is converted by the
store's backend and run over that one event, and the answer must be the expected one on SQLite,
on Elasticsearch 9 and on Elasticsearch 8. The expected values come from the Sigma specification
("Spec" below: sigma-rules-specification.md v2.0.0; "Modifiers": sigma-appendix-modifiers.md
v2.1.0), never from what a store answered. A row fails when any store gives another answer, so
the stores can never drift apart; negative rows check that a store is not merely matching more.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sigma.collection import SigmaCollection

from govsoc.core.event import Event, make_id
from govsoc.rules import load_rules  # noqa: F401  (registers the specification's modifiers)
from govsoc.rules.backends import backend_for
from govsoc.store.base import Query, Store
from govsoc.store.sqlite import SqliteStore

T0 = datetime(2026, 3, 2, tzinfo=UTC)
LONG_LINE = "A" * 10_000 + " needle-in-haystack " + "B" * 10_000  # 20,020 characters
# 5,007 code points but 10,007 UTF-16 code units: Elasticsearch's ignore_above counts Java chars.
ASTRAL_LINE = "\U0001F600" * 5000 + " whoami"
NAMED_LINE = "Mar  1 08:00:07 ns1 named[3001]: denied AXFR from 192.0.2.1"
# Raw records that are JSON documents (Winlogbeat, EVE): their text escapes a value's quotes,
# backslashes and, ASCII-only encoders, every non-ASCII character (RFC 8259 section 7)
WINLOG_RAW = json.dumps({"EventID": 4688, "CommandLine": 'C:\\Windows\\System32\\cmd.exe /c "whoami /all"'})
CJK_RAW = json.dumps({"msg": "用户 admin 登录失败"})
# ECS dns.answers ("an array of objects", ECS DNS fields), as the Suricata EVE parser writes it
DNS_ANSWERS = [{"name": "q.example", "type": "CNAME", "data": "evil.example"},
               {"name": "evil.example", "type": "A", "data": "192.0.2.7"}]

# (detection fragment, event fields, expected). Field names are ECS; the rule's log source is
# product: linux. The comment on each row says why the answer is what the specification says.
ROWS: list[tuple[str, dict[str, Any], bool]] = [
    # -- case: "Default Sigma behavior is case-insensitive matching" (Modifiers, cased)
    ("process.command_line|contains: whoami", {"process.command_line": "WHOAMI /ALL"}, True),
    ("user.name: ROOT", {"user.name": "root"}, True),
    ("user.name: root", {"user.name": "Root"}, True),
    # |cased: "Values are applied case sensitively"
    ("user.name|cased: root", {"user.name": "Root"}, False),
    ("user.name|cased: Root", {"user.name": "Root"}, True),
    ("process.command_line|contains|cased: whoami", {"process.command_line": "WHOAMI /ALL"}, False),
    ("process.command_line|contains|cased: WHOAMI", {"process.command_line": "WHOAMI /ALL"}, True),
    # a field condition on message means what the keyword means: no case
    ("message|contains: 'break-in attempt'", {"message": "POSSIBLE BREAK-IN ATTEMPT!"}, True),
    ("message|cased: 'POSSIBLE BREAK-IN ATTEMPT!'", {"message": "POSSIBLE BREAK-IN ATTEMPT!"}, True),
    ("message|contains|cased: 'break-in'", {"message": "POSSIBLE BREAK-IN ATTEMPT!"}, False),
    # case-insensitive beyond ASCII: É and é are one letter in two cases
    ("user.name: élodie", {"user.name": "ÉLODIE"}, True),
    ("user.name|contains: 'ÉCOLE'", {"user.name": "prof.école"}, True),
    ("user.name|cased: élodie", {"user.name": "ÉLODIE"}, False),
    # Σ has two lower cases, σ and ς (word-final): Unicode case folding (CaseFolding.txt 03A3 and
    # 03C2 -> 03C3) makes the three one letter, as PCRE's and Python's caseless regexps do (R12 F18)
    ("user.name: 'οδος'", {"user.name": "ΟΔΟΣ"}, True),
    ("user.name: 'ΟΔΟΣ'", {"user.name": "οδοσ"}, True),
    ("user.name|contains: 'δοσ'", {"user.name": "ΟΔΟΣ"}, True),
    ("user.name: 'οδος'", {"user.name": "οδοτ"}, False),
    ("user.name|cased: 'οδος'", {"user.name": "οδοσ"}, False),
    ("user.name|re|i: '^οδοσ$'", {"user.name": "ΟΔΟς"}, True),
    ("user.name|re|i: '^οδο[σ]$'", {"user.name": "οδος"}, True),
    ("user.name|re: '^οδοσ$'", {"user.name": "οδος"}, False),
    ("message|contains: 'οδος κ'", {"message": "ΟΔΟΣ Κ"}, True),
    ("k: ['οδος κ']", {"message": "ΟΔΟΣ Κ"}, True),
    # CJK has no case: matched exactly, and equality is still the whole value
    ("user.name: 管理员", {"user.name": "管理员"}, True),
    ("user.name: 管理", {"user.name": "管理员"}, False),
    ("message|contains: 登录失败", {"message": "用户 admin 登录失败 (LOGIN FAILED)"}, True),
    # contains is a substring, with no case (Modifiers, contains), however the store finds it
    # (Elasticsearch: runs of 3 characters as a phrase, shorter strings by a pattern)
    ("message|contains: abc", {"message": "xxABCxx"}, True),
    ("message|contains: ab", {"message": "xxABxx"}, True),
    ("message|contains: ab", {"message": "xxA Bxx"}, False),
    ("message|contains: abcd", {"message": "abc bcd"}, False),  # every piece is there, not in a row
    ("message|contains: aaaa", {"message": "aaa baaaa"}, True),  # a piece repeats within the string
    ("message|contains: aaaa", {"message": "aaa aaa"}, False),
    ("message|contains: ' tok1'", {"message": "ssh2 TOK12"}, True),  # the space is part of it
    ("message|contains: ' tok1'", {"message": "ssh2tok12"}, False),
    ("message|contains: 'a\"b\\c'", {"message": 'X A"B\\C X'}, True),  # quote and backslash are text
    ("message|contains: 'a\"b\\c'", {"message": 'X A"BC X'}, False),
    ("message|contains: '😀x😀'", {"message": "a😀X😀b"}, True),  # characters, not UTF-16 units
    ("message|contains: '😀x😀'", {"message": "a😀X 😀b"}, False),
    ("message|contains: 'fail*root'", {"message": "Failed for ROOT"}, True),  # a wildcard inside
    # -- equality is the whole value unless a wildcard or modifier says otherwise (Spec, Wildcards)
    ("user.name: adm", {"user.name": "admin"}, False),
    ("user.name|startswith: adm", {"user.name": "ADMIN"}, True),
    ("user.name|startswith: min", {"user.name": "admin"}, False),
    ("process.executable|endswith: '.EXE'", {"process.executable": "C:\\Windows\\cmd.exe"}, True),
    ("process.executable|endswith: cmd", {"process.executable": "C:\\Windows\\cmd.exe"}, False),
    # -- wildcards: '*' any length, '?' exactly one character (Spec, Wildcards)
    ("user.name: 'adm*r'", {"user.name": "administrator"}, True),
    ("user.name: 'adm?n'", {"user.name": "ADMIN"}, True),
    ("user.name: 'adm?n'", {"user.name": "admiin"}, False),
    ("user.name: 'adm*'", {"user.name": "xadmin"}, False),
    # -- escapes (Spec, Escaping): \* is a plain star, \\ before a wildcard a plain backslash
    ("process.command_line: 'a\\*b'", {"process.command_line": "a*b"}, True),
    ("process.command_line: 'a\\*b'", {"process.command_line": "axxb"}, False),
    ("process.command_line: 'a*b'", {"process.command_line": "axxb"}, True),
    ("process.command_line: 'a\\?c'", {"process.command_line": "abc"}, False),
    # a plain backslash not followed by a wildcard is a backslash
    ("process.executable: 'C:\\Windows\\System32\\cmd.exe'",
     {"process.executable": "c:\\windows\\system32\\CMD.EXE"}, True),
    # \\* : a backslash followed by a wildcard
    ("process.command_line: 'x\\\\*'", {"process.command_line": "x\\anything"}, True),
    # \\\* : a backslash and a plain star
    ("process.command_line: 'x\\\\\\*'", {"process.command_line": "x\\*"}, True),
    ("process.command_line: 'x\\\\\\*'", {"process.command_line": "x\\y"}, False),
    # -- empty value '' (Spec, Special Field Values): equals the empty string only
    ("user.domain: ''", {"user.domain": ""}, True),
    ("user.domain: ''", {"user.name": "nobody"}, False),
    # -- lists are OR; |all makes them AND (Modifiers, all)
    ("user.name: [alice, bob]", {"user.name": "BOB"}, True),
    ("user.name: [alice, bob]", {"user.name": "carol"}, False),
    ("user.name|startswith: [adm, root]", {"user.name": "xroot"}, False),
    ("user.name|endswith: [adm, root]", {"user.name": "XROOT"}, True),
    ("process.command_line|contains|all: [whoami, /all]", {"process.command_line": "WHOAMI /ALL"}, True),
    ("process.command_line|contains|all: [whoami, /priv]", {"process.command_line": "WHOAMI /ALL"}, False),
    # -- re: PCRE subset, case-sensitive by default, searches anywhere (Modifiers, re)
    ("user.name|re: '^adm.*tor$'", {"user.name": "administrator"}, True),
    ("user.name|re: 'ADMIN'", {"user.name": "admin"}, False),
    ("user.name|re|i: 'ADMIN'", {"user.name": "sysadmin"}, True),
    ("user.name|re|i: '^élodie$'", {"user.name": "ÉLODIE"}, True),
    # \S \W \D keep their meaning caselessly (Elasticsearch runs the lower-casing normalizer of a
    # caseless field over the regexp too: sent as written, \S would arrive as \s)
    ("user.name|re|i: 'a\\Sb'", {"user.name": "A B"}, False),
    ("user.name|re|i: 'a\\Sb'", {"user.name": "AXB"}, True),
    ("user.name|re: '(?i)x\\W'", {"user.name": "xa"}, False),
    ("user.name|re: '(?i)x\\W'", {"user.name": "X-"}, True),
    ("user.name|re|i: '^[Q\\D]z'", {"user.name": "5z"}, False),
    ("user.name|re|i: '^[Q\\D]z'", {"user.name": "-Z"}, True),
    ("user.name|re: 'a[0-9]{2}z'", {"user.name": "xa42zx"}, True),
    ("user.name|re: 'a[0-9]{2}z'", {"user.name": "xa4zx"}, False),
    ("user.name|re: 'a@b'", {"user.name": "a@b"}, True),  # '@' is a plain character in PCRE
    ("user.name|re: '(root|admin)$'", {"user.name": "notroot"}, True),
    ("user.name|re: '^(root|admin)$'", {"user.name": "notroot"}, False),
    # anchors as alternatives of groups at the ends, at any depth: x(a|b(c|$)) finds xa or xbc
    # anywhere, xb only at the end; (^a|b)x finds ax only at the start
    ("user.name|re: 'x(a|b(c|$))'", {"user.name": "zxb"}, True),
    ("user.name|re: 'x(a|b(c|$))'", {"user.name": "zxbd"}, False),
    ("user.name|re: 'x(a|b(c|$))'", {"user.name": "zxbcd"}, True),
    ("user.name|re: '(^a|b)x'", {"user.name": "zax"}, False),
    ("user.name|re: '(^a|b)x'", {"user.name": "axz"}, True),
    # a class that opens with an escape ends at its first ']' ([\d] is a digit, then |z)
    ("user.name|re: '^([\\d]|z)q$'", {"user.name": "7q"}, True),
    ("user.name|re: '^([\\d]|z)q$'", {"user.name": "]q"}, False),
    # PCRE without the u flag (Sigma's flags are i, m, s only): \d \w \s and \b are ASCII
    # (pcre2pattern, "Generic character types"), so Arabic-Indic and fullwidth digits are no \d,
    # CJK and é no \w, NBSP and U+3000 no \s, while VT and FF are (R12 F3)
    ("user.name|re: '^\\d+$'", {"user.name": "\u0661\u0662\u0663"}, False),
    ("user.name|re: '^\\d+$'", {"user.name": "\uff11\uff12\uff13"}, False),
    ("user.name|re: '^\\d+$'", {"user.name": "123"}, True),
    ("user.name|re: '^\\w+$'", {"user.name": "管理员"}, False),
    ("user.name|re|i: '^[\\w]+$'", {"user.name": "élodie"}, False),
    ("user.name|re: '^a\\sb$'", {"user.name": "a\u00a0b"}, False),
    ("user.name|re: '^a\\sb$'", {"user.name": "a\u3000b"}, False),
    ("user.name|re: '^a\\sb$'", {"user.name": "a\u000bb"}, True),
    ("user.name|re: '^a\\sb$'", {"user.name": "a\u000cb"}, True),
    ("user.name|re: '^a\\Sb$'", {"user.name": "a\u00a0b"}, True),
    ("user.name|re: '^a\\Db$'", {"user.name": "a\u0661b"}, True),
    ("user.name|re|i: '^a\\Wb$'", {"user.name": "AÉB"}, True),
    # ... while caseless matching of letters stays Unicode: é is É beside an ASCII \d
    ("user.name|re|i: '^[é\\d]+$'", {"user.name": "É1"}, True),
    # braces (PCRE2 10.43, Perl 5.34): {,n} is {0,n}; a brace that starts no quantifier is text
    ("user.name|re: '^a{,2}b$'", {"user.name": "aab"}, True),
    ("user.name|re: '^a{,2}b$'", {"user.name": "b"}, True),
    ("user.name|re: '^a{,2}b$'", {"user.name": "aaab"}, False),
    ("user.name|re: '^a{,2}b$'", {"user.name": "a{,2}b"}, False),
    ("user.name|re: '^a{,}$'", {"user.name": "a{,}"}, True),
    ("user.name|re: '^a{,}$'", {"user.name": "aaa"}, False),
    ("user.name|re: '^%{x}$'", {"user.name": "%{x}"}, True),
    # m: "^/$ match the start/end of line"; without it only of the value
    ("message|re: '^second'", {"message": "first\nsecond"}, False),
    ("message|re|m: '^second'", {"message": "first\nsecond"}, True),
    ("message|re|m: 'first$'", {"message": "first\nsecond"}, True),
    # an empty alternative is PCRE for "optional" (SigmaHQ Invoke-Obfuscation VAR+: (?:\s|))
    ("process.command_line|re: 'a(?:\\s|)b'", {"process.command_line": "xab"}, True),
    ("process.command_line|re: 'a(?:\\s|)b'", {"process.command_line": "a b"}, True),
    ("process.command_line|re: 'a(?:\\s|)b'", {"process.command_line": "a-b"}, False),
    ("process.command_line|re: '^(|x)y(z|)$'", {"process.command_line": "xyz"}, True),
    ("process.command_line|re: '^(|x)y(z|)$'", {"process.command_line": "zy"}, False),
    # s: "dot matches all characters, including the newline"; without it not the newline
    ("message|re: 'first.second'", {"message": "first\nsecond"}, False),
    ("message|re|s: 'first.second'", {"message": "first\nsecond"}, True),
    # -- cidr, IPv4 and IPv6 (Modifiers, cidr)
    ("source.ip|cidr: 10.0.0.0/8", {"source.ip": "10.1.2.3"}, True),
    ("source.ip|cidr: 10.0.0.0/8", {"source.ip": "11.0.0.1"}, False),
    ("source.ip|cidr: '2001:db8::/48'", {"source.ip": "2001:db8:1::1"}, False),  # outside the /48
    ("source.ip|cidr: '2001:db8::/48'", {"source.ip": "2001:0db8::2"}, True),    # another spelling
    ("related.ip|cidr: 192.168.0.0/16", {"related.ip": ["10.0.0.1", "192.168.1.1"]}, True),
    ("source.ip: '2001:db8::2'", {"source.ip": "2001:0db8:0:0::2"}, True),     # one address
    # an IPv6 network holds IPv6 addresses only (RFC 4291 2.5.5.2: an IPv4 address is written in
    # IPv6 as ::ffff:a.b.c.d), so ::/0 holds no IPv4 address, and a network inside ::ffff:0:0/96
    # is that IPv4 network (R12 F4: Elasticsearch stores IPv4 as mapped IPv6 and matched both)
    ("source.ip|cidr: '::/0'", {"source.ip": "10.1.2.3"}, False),
    ("source.ip|cidr: '::/0'", {"source.ip": "2001:db8::1"}, True),
    ("source.ip|cidr: '::/1'", {"source.ip": "192.0.2.1"}, False),
    ("related.ip|cidr: '::/0'", {"related.ip": ["10.0.0.1", "2001:db8::1"]}, True),  # one element
    ("related.ip|cidr: '::/0'", {"related.ip": ["10.0.0.1", "192.0.2.1"]}, False),
    ("source.ip|cidr: '::ffff:0:0/96'", {"source.ip": "10.1.2.3"}, True),
    ("source.ip|cidr: '::ffff:10.0.0.0/104'", {"source.ip": "10.1.2.3"}, True),
    ("source.ip|cidr: '::ffff:10.0.0.0/104'", {"source.ip": "11.1.2.3"}, False),
    ("source.ip|cidr: 0.0.0.0/0", {"source.ip": "2001:db8::1"}, False),
    # |cidr asks whether the value is an address inside the network, whatever type the store
    # gives the field: Windows event data (IpAddress of 4624/4625) and vendor fields are text
    # (R12 F1: Elasticsearch compared the keyword with the text '10.0.0.0/8' and never matched)
    ("winlog.event_data.IpAddress|cidr: 10.0.0.0/8", {"winlog.event_data.IpAddress": "10.1.2.3"}, True),
    ("winlog.event_data.IpAddress|cidr: 10.0.0.0/8", {"winlog.event_data.IpAddress": "110.1.2.3"}, False),
    ("winlog.event_data.IpAddress|cidr: 10.0.0.0/8", {"winlog.event_data.IpAddress": "-"}, False),
    ("winlog.event_data.IpAddress|cidr: 10.0.0.0/8", {"winlog.event_data.IpAddress": "::ffff:10.1.2.3"}, True),
    ("winlog.event_data.IpAddress|cidr: 192.168.0.0/23", {"winlog.event_data.IpAddress": "192.168.1.200"}, True),
    ("winlog.event_data.IpAddress|cidr: 192.168.0.0/23", {"winlog.event_data.IpAddress": "192.168.2.1"}, False),
    ("winlog.event_data.IpAddress|cidr: '2001:db8::/48'", {"winlog.event_data.IpAddress": "2001:0DB8::5"}, True),
    ("winlog.event_data.IpAddress|cidr: '2001:db8::/48'", {"winlog.event_data.IpAddress": "2001:db8:1::5"}, False),
    ("winlog.event_data.IpAddress|cidr: '::/0'", {"winlog.event_data.IpAddress": "10.1.2.3"}, False),
    ("winlog.event_data.IpAddress|cidr: 10.0.0.0/8", {"winlog.event_data.IpAddress": ["-", "10.0.0.1"]}, True),
    ("source.address|cidr: 10.0.0.0/8", {"source.address": "10.9.9.9"}, True),  # an ECS keyword field
    ("s: {user.name: root}\n  f: {winlog.event_data.IpAddress|cidr: 10.0.0.0/8}\n  condition: s and not f",
     {"user.name": "root", "winlog.event_data.IpAddress": "10.0.0.5"}, False),
    ("s: {user.name: root}\n  f: {winlog.event_data.IpAddress|cidr: 10.0.0.0/8}\n  condition: s and not f",
     {"user.name": "root", "winlog.event_data.IpAddress": "192.0.2.5"}, True),
    # a string pattern on an address field matches its text (SigmaHQ: DestinationIp|startswith: '10.')
    ("source.ip|startswith: '10.'", {"source.ip": "10.1.2.3"}, True),
    ("source.ip|startswith: '10.'", {"source.ip": "110.1.2.3"}, False),
    ("source.ip|endswith: '.255'", {"source.ip": "192.0.2.255"}, True),
    ("source.ip|contains: 'DB8'", {"source.ip": "2001:db8::7"}, True),
    # an address has no letter case (its hex digits: RFC 4291 2.2; "case-insensitive", RFC 5952
    # 2.3), and a store keeps its canonical spelling, not the log's: |cased ("values are applied
    # case sensitively") leaves the comparison of an address as it is (SQLite compared the
    # canonical text case sensitively: the log's own FE80::1 was missed, Elasticsearch found it)
    ("source.ip|cased: 'FE80::1'", {"source.ip": "FE80::1"}, True),           # the log's own spelling
    ("source.ip|cased: 'FE80::1'", {"source.ip": "fe80::1"}, True),
    ("source.ip|cased: '2001:db8:0:0:0:0:a:b'", {"source.ip": "2001:db8::a:b"}, True),  # no case differs
    ("source.ip|cased: '10.0.0.1'", {"source.ip": "::ffff:10.0.0.1"}, True),  # as without |cased
    ("source.ip|cased: 'FE80::2'", {"source.ip": "fe80::1"}, False),
    ("source.ip|cased|startswith: 'FE80:'", {"source.ip": "fe80::1"}, True),
    ("source.ip|cased|endswith: ':A:B'", {"source.ip": "2001:db8::a:b"}, True),
    ("source.ip|cased|contains: 'DB9'", {"source.ip": "2001:db8::a:b"}, False),
    ("related.ip|cased: 'FE80::1'", {"related.ip": ["10.0.0.1", "fe80::1"]}, True),
    ("s: {user.name: root}\n  f: {source.ip|cased: 'FE80::1'}\n  condition: s and not f",
     {"user.name": "root", "source.ip": "fe80::1"}, False),
    # -- windash: -, /, en dash, em dash, horizontal bar are interchangeable (Modifiers, windash)
    ("process.command_line|windash|contains: ' -exec '", {"process.command_line": "find /exec x"}, True),
    ("process.command_line|windash|contains: ' -exec '", {"process.command_line": "find \u2013exec x"}, True),
    ("process.command_line|windash|contains: ' -exec '", {"process.command_line": "find exec x"}, False),
    # an expansion is one condition: its alternatives stay inside the AND around it
    ("user.name: bob, process.command_line|windash|contains: ' -exec '",
     {"user.name": "alice", "process.command_line": "find /exec x"}, False),
    # -- encodings (Modifiers, Encoding)
    ("process.command_line|base64|contains: whoami", {"process.command_line": "echo d2hvYW1p | base64 -d"}, True),
    ("process.command_line|base64|contains: whoami", {"process.command_line": "echo d2hvYW1q | base64 -d"}, False),
    ("process.command_line|base64offset|contains: whoami", {"process.command_line": "-e WHdob2FtaSAvYWxs"}, True),
    ("process.command_line|wide|base64offset|contains: ping",
     {"process.command_line": "powershell -enc cABpAG4AZwAgADEAMAAuADAALgAwAC4AMQA="}, True),
    ("process.command_line|utf16le|base64offset|contains: ping",
     {"process.command_line": "powershell -enc cABpAG4AZwAgADEAMAAuADAALgAwAC4AMQA="}, True),
    ("process.command_line|utf16|base64|contains: cmd", {"process.command_line": "x //5jAG0AZAA= y"}, True),
    ("process.command_line|utf16be|base64|contains: cmd", {"process.command_line": "x AGMAbQBk y"}, True),
    ("process.command_line|utf16be|base64|contains: cmd", {"process.command_line": "x YwBtAGQA y"}, False),
    # -- exists: presence of the field (Modifiers, exists); null: no value (Spec)
    ("user.domain|exists: true", {"user.domain": "CORP"}, True),
    ("user.domain|exists: true", {"user.name": "x"}, False),
    ("user.domain|exists: false", {"user.name": "x"}, True),
    ("user.domain|exists: false", {"user.domain": "CORP"}, False),
    ("user.domain: null", {"user.name": "x"}, True),
    ("user.domain: null", {"user.domain": "CORP"}, False),
    ("user.domain: null", {"user.domain": None}, True),
    # -- numbers compare as numbers on typed fields (Modifiers, Numeric Modifiers)
    ("source.port|gt: 1024", {"source.port": 50022}, True),
    ("source.port|lt: 1024", {"source.port": 50022}, False),
    ("source.port|lte: 22", {"source.port": 22}, True),
    ("source.port|gte: 23", {"source.port": 22}, False),
    ("source.port|gt: 9", {"source.port": 10}, True),  # 10 > 9 as numbers (not as text)
    # a text field compares as the number its value spells (Windows event data is all text)...
    ("winlog.event_data.Count|gt: 5", {"winlog.event_data.Count": "10"}, True),
    ("winlog.event_data.Count|lt: 50", {"winlog.event_data.Count": "9"}, True),  # as text "9" > "50"
    ("winlog.event_data.Count|gte: 50", {"winlog.event_data.Count": "9"}, False),
    # ... and a value that spells no number is in no order with one
    ("winlog.event_data.Count|gt: 5", {"winlog.event_data.Count": "abc"}, False),
    ("winlog.event_data.Count|lt: 5", {"winlog.event_data.Count": "abc"}, False),
    ("source.port: 22", {"source.port": 22}, True),
    ("source.port: 23", {"source.port": 22}, False),
    ("event.code: 4625", {"event.code": "4625"}, True),  # a number matches a keyword's digits
    ("http.response.status_code|gte: 500", {"http.response.status_code": 503}, True),
    # a string pattern on a number matches the number's text (Modifiers: contains, startswith,
    # endswith, wildcards; SigmaHQ: DestinationPort|startswith) on a field the store types as a
    # number too (R12 F2: Elasticsearch refused or missed them on long fields)
    ("destination.port|startswith: '44'", {"destination.port": 443}, True),
    ("destination.port|startswith: '44'", {"destination.port": 8443}, False),
    ("destination.port|endswith: '43'", {"destination.port": 8443}, True),
    ("destination.port|contains: '08'", {"destination.port": 8080}, True),
    ("destination.port|contains: '9'", {"destination.port": 8080}, False),
    ("destination.port: '44?'", {"destination.port": 443}, True),
    ("destination.port: '*3'", {"destination.port": 443}, True),
    ("destination.port|re: '^4[0-9]3$'", {"destination.port": 443}, True),
    ("destination.port|re: '^4[0-9]3$'", {"destination.port": 4443}, False),
    ("process.pid|endswith: '7'", {"process.pid": 1234567}, True),
    # |re is a regular expression over the value's text (Modifiers, re), on an address too; a
    # plain value that is no address or no number equals no address or number: no match, and its
    # negation matches (R12c F4: Elasticsearch's ip and long fields refused them, failing the rule)
    # PCRE's POSIX classes are ASCII sets without the u flag (pcre2pattern, "Posix character
    # classes"), not Python's set '[:alph' and a ']' (R12c F5)
    ("user.name|re: '^[[:alpha:]]+$'", {"user.name": "abc"}, True),
    ("user.name|re: '^[[:alpha:]]+$'", {"user.name": "a]"}, False),
    ("user.name|re: '^x[[:space:]]y'", {"user.name": "x y"}, True),
    ("user.name|re: '^[[:digit:]]+$'", {"user.name": "\u0661\u0662"}, False),  # Arabic-Indic digits
    ("user.name|re: '^[[:^digit:]]+$'", {"user.name": "ab"}, True),
    ("source.ip|re: '^10\\.1\\.'", {"source.ip": "10.1.2.3"}, True),
    ("source.ip|re: '^10\\.1\\.'", {"source.ip": "10.11.2.3"}, False),
    ("source.ip|re|i: '^FE80:'", {"source.ip": "fe80::1"}, True),
    ("source.ip|re: '^FE80:'", {"source.ip": "fe80::1"}, True),  # without i: an address still has no case
    ("source.ip|re: '^FE81:'", {"source.ip": "fe80::1"}, False),
    ("s: {user.name: root}\n  f: {source.ip|re: '^10\\.'}\n  condition: s and not f",
     {"user.name": "root", "source.ip": "192.0.2.1"}, True),
    ("destination.ip: localhost", {"destination.ip": "127.0.0.1"}, False),  # no name resolution
    ("s: {user.name: root}\n  f: {source.ip: '-'}\n  condition: s and not f",
     {"user.name": "root", "source.ip": "192.0.2.1"}, True),
    ("source.port: any", {"source.port": 22}, False),
    ("s: {user.name: root}\n  f: {source.port: any}\n  condition: s and not f",
     {"user.name": "root", "source.port": 22}, True),
    ("source.port: '+22'", {"source.port": 22}, False),  # a string compares with the number's text
    ("source.port: '22.0'", {"source.port": 22}, False),
    ("s: {user.name: root}\n  f: {destination.port|startswith: '44'}\n  condition: s and not f",
     {"user.name": "root", "destination.port": 443}, False),
    # a number beyond 64 bits is still a number: it compares as one, and with it the event's
    # other values (R12 F6: the value blinded the comparison, or failed the event or the query)
    ("winlog.event_data.Count|gt: 5", {"winlog.event_data.Count": "18446744073709551615"}, True),
    ("winlog.event_data.Count|lt: 5", {"winlog.event_data.Count": "18446744073709551615"}, False),
    ("winlog.event_data.Count|gt: 5", {"winlog.event_data.Count": 18446744073709551615}, True),
    ("destination.bytes|gt: 1000", {"destination.bytes": 18446744073709551615}, True),
    ("destination.bytes|lt: 1000", {"destination.bytes": 18446744073709551615}, False),
    ("destination.port|lt: 1024", {"destination.port": 22, "destination.bytes": 18446744073709551615}, True),
    ("destination.bytes|gte: 18446744073709551615", {"destination.bytes": 2**70}, True),
    ("destination.bytes|lt: 18446744073709551615", {"destination.bytes": 7}, True),
    ("destination.bytes|gt: -99999999999999999999", {"destination.bytes": -5}, True),
    ("s: {user.name: root}\n  f: {destination.bytes|gt: 1000}\n  condition: s and not f",
     {"user.name": "root", "destination.bytes": 18446744073709551615}, False),
    ("s: {user.name: root}\n  f: {destination.bytes|gt: 1000}\n  condition: s and not f",
     {"user.name": "root", "destination.port": 22}, True),  # a missing number is in no order
    ("destination.bytes|gt: 1000", {"destination.bytes": "abc"}, False),  # moved, and no number
    # -- multi-valued fields: any element (ECS arrays)
    ("event.category: SESSION", {"event.category": ["authentication", "session"]}, True),
    ("event.category|contains: auth", {"event.category": ["authentication"]}, True),
    ("event.category: process", {"event.category": ["authentication"]}, False),
    # ... and any other field that holds several values: Elasticsearch indexes every field as
    # multi-valued, and JSON sources (CloudTrail, Kubernetes audit, Zeek) carry arrays anywhere.
    # A condition holds when one element satisfies it, never by the text of the whole list.
    ("user.name: ROOT", {"user.name": ["alice", "root"]}, True),  # a field the SQLite row holds
    ("user.name|startswith: ali", {"user.name": ["alice", "root"]}, True),
    ("user.name: 'alice*root'", {"user.name": ["alice", "root"]}, False),
    ("zeek.dns.answers: GOOD.example", {"zeek.dns.answers": ["good.example"]}, True),
    ("zeek.dns.answers|endswith: '.EXAMPLE'", {"zeek.dns.answers": ["a.example", "b.test"]}, True),
    ("zeek.dns.answers|endswith: '.example'", {"zeek.dns.answers": ["a.example", "b.test"]}, True),
    ("zeek.dns.answers|contains: '\"'", {"zeek.dns.answers": ["good"]}, False),  # no JSON quotes
    ("zeek.dns.answers|startswith: '['", {"zeek.dns.answers": ["good"]}, False),
    ("zeek.dns.answers|re: '^b\\.'", {"zeek.dns.answers": ["a.example", "b.test"]}, True),
    ("zeek.dns.qtype: 28", {"zeek.dns.qtype": [1, 28]}, True),
    ("zeek.dns.qtype|gt: 20", {"zeek.dns.qtype": [1, 28]}, True),
    ("zeek.dns.qtype|gt: 30", {"zeek.dns.qtype": [1, 28]}, False),
    ("s: {user.name|contains: ali}\n  condition: not s", {"user.name": ["alice", "root"]}, False),
    ("s: {user.name: bob}\n  condition: not s", {"user.name": ["alice", "root"]}, True),
    # a list of values in the rule is an OR of conditions, each asked of every element
    ("user.name: [bob, ROOT]", {"user.name": ["alice", "root"]}, True),
    ("s: {user.name: [bob, root]}\n  condition: not s", {"user.name": ["alice", "root"]}, False),
    ("zeek.dns.answers: [zz, GOOD.example]", {"zeek.dns.answers": ["a.example", "good.example"]}, True),
    ("zeek.dns.answers|endswith: [zz, '.TEST']", {"zeek.dns.answers": ["a.example", "b.test"]}, True),
    ("zeek.dns.answers|startswith: [zz, 'b.']", {"zeek.dns.answers": ["a.example"]}, False),
    ("s1: {zeek.dns.answers: zz}\n  s2: {zeek.dns.answers: B.test}\n  condition: s1 or s2",
     {"zeek.dns.answers": ["a.example", "b.test"]}, True),
    # booleans in a list read as booleans too, not as 1/0
    ("zeek.dns.flags: 'TRUE'", {"zeek.dns.flags": [True, False]}, True),
    ("zeek.dns.flags: true", {"zeek.dns.flags": [False]}, False),
    ("zeek.dns.flags: 1", {"zeek.dns.flags": [True]}, False),
    # a list of objects (Suricata's dns.answers): Elasticsearch flattens it, so the name below it
    # holds one value per element and a condition holds when one element's value satisfies it
    ("dns.answers.type: a", {"dns.answers": DNS_ANSWERS}, True),
    ("dns.answers.data: EVIL.example", {"dns.answers": DNS_ANSWERS}, True),  # (an ecs.ARRAYS field)
    ("dns.answers.name|endswith: '.test'", {"dns.answers": DNS_ANSWERS}, False),
    ("dns.answers.type: [AAAA, cname]", {"dns.answers": DNS_ANSWERS}, True),
    ("s: {dns.answers.type: cname}\n  condition: not s", {"dns.answers": DNS_ANSWERS}, False),
    ("s: {dns.answers.type: AAAA}\n  condition: not s", {"dns.answers": DNS_ANSWERS}, True),
    ("dns.answers.type|exists: true", {"dns.answers": DNS_ANSWERS}, True),
    # nested lists are one list of values (Elasticsearch flattens arrays of arrays)
    ("zeek.dns.answers: B.example", {"zeek.dns.answers": [["a.example", "b.example"], "c.example"]}, True),
    ("zeek.dns.answers|startswith: '['", {"zeek.dns.answers": [["a.example"], "c.example"]}, False),
    # an empty list, or a list of nulls, holds no value: the field is missing (Spec, null;
    # Elasticsearch's exists: "an empty array or an array of null values" has no value)
    ("zeek.dns.answers|exists: true", {"zeek.dns.answers": []}, False),
    ("zeek.dns.answers|exists: false", {"zeek.dns.answers": []}, True),
    ("zeek.dns.answers|exists: true", {"zeek.dns.answers": [None]}, False),
    ("zeek.dns.answers: null", {"zeek.dns.answers": [None]}, True),
    ("zeek.dns.answers: null", {"zeek.dns.answers": [None, "a.example"]}, False),
    ("zeek.dns.answers: A.example", {"zeek.dns.answers": [None, "a.example"]}, True),
    ("user.name|exists: true", {"user.name": []}, False),  # a field the SQLite row holds
    ("user.name: null", {"user.name": [None]}, True),
    # a number on a field ECS does not type as one is a keyword (Elasticsearch indexes the text
    # of the JSON number: 1.0 is "1.0"), so 1 does not equal 1.0 there, in a list or not
    ("zeek.dns.qtype: 1", {"zeek.dns.qtype": [1.0]}, False),
    ("zeek.dns.qtype: 1", {"zeek.dns.qtype": 1.0}, False),
    ("zeek.dns.qtype: 1.5", {"zeek.dns.qtype": [2, 1.5]}, True),
    ("zeek.dns.qtype: 1.5", {"zeek.dns.qtype": 1.5}, True),
    ("zeek.dns.qtype: 28", {"zeek.dns.qtype": "28"}, True),
    # ... while a long field compares numbers
    ("source.port: 22", {"source.port": [22, 23]}, True),
    # a dot in a key is a level of objects: {"a": {"b.c": 1}}, {"a.b": {"c": 1}} and {"a.b.c": 1}
    # hold one field a.b.c (Elasticsearch's reading of dotted keys, and the event as a store
    # gives it back); R12 F5: SQLite found neither a dotted key nor an ECS field given nested
    ("vendor.obj.name: secrets", {"vendor": {"obj.name": "SECRETS"}}, True),
    ("vendor.obj.name: secrets", {"vendor.obj": {"name": "secrets"}}, True),
    ("vendor.obj.name: secrets", {"vendor": {"obj.names": "secrets"}}, False),
    ("vendor.obj.name|contains: cret", {"vendor": {"obj.name": "secrets"}}, True),
    ("vendor.obj.count|gt: 5", {"vendor": {"obj.count": 9}}, True),
    ("vendor.obj.count|gt: 50", {"vendor": {"obj.count": 9}}, False),
    ("vendor.obj.name|exists: true", {"vendor": {"obj.name": "x"}}, True),
    ("vendor.obj.name|exists: false", {"vendor": {"obj.name": "x"}}, False),
    ("s: {vendor.obj.name: secrets}\n  condition: not s", {"vendor": {"obj.name": "secrets"}}, False),
    ("winlog.event_data.Target.Name: x", {"winlog.event_data": {"Target.Name": "X"}}, True),
    ("user.name: root", {"user": {"name": "ROOT"}}, True),  # an ECS field given as an object
    ("source.port|lt: 1024", {"source": {"port": "22"}}, True),  # ... coerced to its type (long)
    # both spellings in one event: the field holds both values, as on Elasticsearch
    ("vendor.obj.name: b", {"vendor.obj.name": "a", "vendor": {"obj": {"name": "b"}}}, True),
    ("vendor.obj.name: c", {"vendor.obj.name": "a", "vendor": {"obj": {"name": "b"}}}, False),
    # text that looks like a JSON list is text
    ("process.command_line: '[preauth]'", {"process.command_line": "[PREAUTH]"}, True),
    ("process.command_line|startswith: '[\"a'", {"process.command_line": '["a", "b"]'}, True),
    ("process.command_line: a", {"process.command_line": '["a", "b"]'}, False),
    # -- booleans: a JSON true is the value true (Spec, Value types: booleans), which Sigma
    # values 'true' and true both name; it is not the number 1
    ("zeek.dns.AA: true", {"zeek.dns.AA": True}, True),
    ("zeek.dns.AA: 'true'", {"zeek.dns.AA": True}, True),
    ("zeek.dns.AA: false", {"zeek.dns.AA": True}, False),
    ("zeek.dns.AA: 'FALSE'", {"zeek.dns.AA": False}, True),
    ("zeek.dns.AA: 1", {"zeek.dns.AA": True}, False),
    # -- white space inside a value is part of it (Spec: values are strings; R58b-1): a tab, a line
    # feed, a carriage return and the ideographic space U+3000 (全角空格) are characters to match, never
    # a separator between words (query_string's grammar splits terms on them unless escaped)
    ("process.command_line: \"tab\\there\"", {"process.command_line": "tab\there"}, True),
    ("process.command_line|contains: \"b\\th\"", {"process.command_line": "tab\there"}, True),
    ("process.command_line|contains: \"line1\\nmid\"", {"process.command_line": "line1\nmid end"}, True),
    ("process.command_line|contains: \"cr\\rhere\"", {"process.command_line": "cr\rhere"}, True),
    ("process.command_line: \"用户\\u3000登录\"", {"process.command_line": "用户\u3000登录"}, True),
    ("process.command_line|contains|cased: \"户\\u3000登\"", {"process.command_line": "用户\u3000登录"}, True),
    # ... and one leading the value is still part of it: not "any word", so no other value matches
    ("process.command_line|contains: \"\\tzzz\"", {"process.command_line": "tab\there"}, False),
    ("process.command_line|contains: \"\\u3000zzz\"", {"process.command_line": "用户\u3000登录"}, False),
    ("k: [\"\\nzzz\"]", {"message": "line1\nmid end"}, False),
    ("k: [\"用户\\u3000登录\"]", {"message": "x", "event.original": "prog: 用户\u3000登录 失败"}, True),
    # a value that is one of query_string's operator words is a value (R58b-12): OR, AND, NOT
    ("process.command_line|cased: OR", {"process.command_line": "OR"}, True),
    ("process.command_line|cased: AND", {"process.command_line": "AND"}, True),
    ("process.command_line|cased: NOT", {"process.command_line": "NOT"}, True),
    ("process.command_line|cased: OR", {"process.command_line": "or"}, False),
    # ... and one opening with < or > is a value, not query_string's one-sided range (R58b-14)
    ("process.command_line: '>x'", {"process.command_line": ">x"}, True),
    ("process.command_line: '>x'", {"process.command_line": "zebra"}, False),
    ("process.command_line|cased: '<x'", {"process.command_line": "a"}, False),
    ("process.command_line|cased: '<x'", {"process.command_line": "<x"}, True),
    # -- time modifiers (Modifiers v2.1.0, "Time Modifiers": extract a numeric value from a date):
    # a Sysmon UtcTime ("2026-11-05 03:15:00.123") and the event's own @timestamp (T0 + n s), read as
    # pySigma's SQLite backend reads them (strftime; a time with an offset is taken to UTC, a text that
    # is no date has no part); R58b-3: they loaded, "converted" and never matched, on both stores
    ("winlog.event_data.UtcTime|hour: 3", {"winlog.event_data.UtcTime": "2026-11-05 03:15:00.123"}, True),
    ("winlog.event_data.UtcTime|hour: 4", {"winlog.event_data.UtcTime": "2026-11-05 03:15:00.123"}, False),
    ("winlog.event_data.UtcTime|minute: 15", {"winlog.event_data.UtcTime": "2026-11-05 03:15:00.123"}, True),
    ("winlog.event_data.UtcTime|day: 5", {"winlog.event_data.UtcTime": "2026-11-05 03:15:00.123"}, True),
    ("winlog.event_data.UtcTime|month: 11", {"winlog.event_data.UtcTime": "2026-11-05 03:15:00.123"}, True),
    ("winlog.event_data.UtcTime|year: 2026", {"winlog.event_data.UtcTime": "2026-11-05 03:15:00.123"}, True),
    ("winlog.event_data.UtcTime|year: 2025", {"winlog.event_data.UtcTime": "2026-11-05 03:15:00.123"}, False),
    # |week: the week of the year counted from Mondays (strftime %W, pySigma's SQLite mapping): 2026-11-05 is in 44
    ("winlog.event_data.UtcTime|week: 44", {"winlog.event_data.UtcTime": "2026-11-05 03:15:00.123"}, True),
    ("winlog.event_data.UtcTime|hour: 19", {"winlog.event_data.UtcTime": "2026-11-05T03:15:00+08:00"}, True),
    ("winlog.event_data.UtcTime|hour: 3", {"winlog.event_data.UtcTime": "Nov  5 03:15:00"}, False),
    ("s: {'@timestamp|month': 3}\n  condition: s", {"user.name": "m"}, True),
    ("s: {'@timestamp|month': 4}\n  condition: s", {"user.name": "m"}, False),
    # -- keywords: "searching for keywords across an entire event" (Spec, Keywords search):
    # the raw record as well as the message. SigmaHQ "Suspicious Named Error" quotes ' denied AXFR
    # from ' with its leading space, which only the raw line has.
    ("k: [' denied AXFR from ']", {"message": "denied AXFR from 192.0.2.1", "event.original": NAMED_LINE}, True),
    ("k: [' denied AXFR from ']", {"message": "denied AXFR from 192.0.2.1"}, False),
    ("k: ['break-in attempt']", {"message": "POSSIBLE BREAK-IN ATTEMPT!"}, True),
    ("k: ['passw*root']", {"message": "Failed password for root from 10.1.2.3"}, True),
    ("k: ['passw*root']", {"message": "root password changed"}, False),
    ("k: {'|all': [password, root]}", {"message": "root password changed"}, True),
    ("k: {'|all': [password, admin]}", {"message": "root password changed"}, False),
    # a keyword is found in a JSON record's values, not in the JSON escaping of them (R12 F14):
    # C:\Windows\... is written C:\\Windows\\..., "quoted" \"quoted\", 登录 \u767b\u5f55
    ("k: ['C:\\Windows\\System32\\cmd.exe']", {"message": "process created", "event.original": WINLOG_RAW}, True),
    ("k: ['/c \"whoami /all\"']", {"message": "process created", "event.original": WINLOG_RAW}, True),
    ("k: ['登录失败']", {"message": "x", "event.original": CJK_RAW}, True),
    ("k: ['C:\\Windows\\Temp']", {"message": "process created", "event.original": WINLOG_RAW}, False),
    # ... while a record that is no JSON document is text as written: its backslash stays
    ("k: ['a\"b']", {"message": "x", "event.original": 'prog: a\\"b'}, False),
    ("k: ['a\\\"b']", {"message": "x", "event.original": 'prog: a\\"b'}, True),
    # and a field condition on event.original reads the record as written (\\\\ in Sigma is \\)
    ("event.original|contains: 'C:\\\\\\\\Windows'", {"message": "x", "event.original": WINLOG_RAW}, True),
    ("event.original|contains: 'u767b\\u5f55'", {"message": "x", "event.original": CJK_RAW}, True),
    ("k: [NEEDLE-IN-HAYSTACK]", {"message": "x", "event.original": LONG_LINE}, True),
    ("k: [needle-in-hayfield]", {"message": "x", "event.original": LONG_LINE}, False),
    ("k: ['bbbb']", {"message": LONG_LINE}, True),  # the last characters of a 20,020-character line
    # -- conditions: not, and, or (Spec, Condition)
    ("s: {user.name: root}\n  f: {source.ip|cidr: 10.0.0.0/8}\n  condition: s and not f",
     {"user.name": "ROOT", "source.ip": "10.0.0.5"}, False),
    ("s: {user.name: root}\n  f: {source.ip|cidr: 10.0.0.0/8}\n  condition: s and not f",
     {"user.name": "ROOT", "source.ip": "192.0.2.5"}, True),
    ("s: {user.name: root}\n  f: {user.domain: null}\n  condition: s and not f",
     {"user.name": "root", "user.domain": "CORP"}, True),
    ("s: {user.name: root}\n  f: {user.domain|contains: corp}\n  condition: s and not f",
     {"user.name": "root"}, True),  # a missing field does not contain anything
    # the usual filter shape: not over |exists: false is "the field is there" (Modifiers, exists)
    ("s: {user.name: root}\n  f: {user.domain|exists: false}\n  condition: s and not f",
     {"user.name": "root", "user.domain": "CORP"}, True),
    ("s: {user.name: root}\n  f: {user.domain|exists: false}\n  condition: s and not f",
     {"user.name": "root"}, False),
    ("s: {user.name: root}\n  f: {winlog.event_data.SubjectDomainName|exists: false}\n  condition: s and not f",
     {"user.name": "root", "winlog.event_data.SubjectDomainName": "CORP"}, True),
    # an OR of two absences holds when either field is missing
    ("s: {user.name: root}\n  f: {user.domain|exists: false}\n  g: {user.id|exists: false}\n"
     "  condition: s and (f or g)", {"user.name": "root", "user.domain": "CORP"}, True),
    ("s: {user.name: root}\n  f: {user.domain|exists: false}\n  g: {user.id|exists: false}\n"
     "  condition: s and (f or g)", {"user.name": "root", "user.domain": "CORP", "user.id": "0"}, False),
    # -- |fieldref compares two fields of the same event (Modifiers, fieldref), caselessly like
    # every string comparison. Elasticsearch cannot compare two fields without scripts (the
    # minimal distribution has none): its backend sends a superset and checks it exactly.
    ("user.name|fieldref: user.target.name", {"user.name": "Bob", "user.target.name": "bob"}, True),
    ("user.name|fieldref: user.target.name", {"user.name": "bob", "user.target.name": "alice"}, False),
    ("user.name|fieldref: user.target.name", {"user.name": "bob"}, False),  # a missing field equals nothing
    ("process.command_line|fieldref|contains: user.name", {"process.command_line": "su - ROOT",
                                                           "user.name": "root"}, True),
    ("process.command_line|fieldref|startswith: user.name", {"process.command_line": "su - root",
                                                             "user.name": "root"}, False),
    ("process.command_line|fieldref|endswith: user.name", {"process.command_line": "su - root",
                                                           "user.name": "ROOT"}, True),
    # under NOT the superset must keep the event the exact rule keeps: 'not (a and fieldref)'
    ("s: {user.name|fieldref: user.target.name}\n  n: {process.name: su}\n  condition: n and not s",
     {"process.name": "su", "user.name": "bob", "user.target.name": "alice"}, True),
    ("s: {user.name|fieldref: user.target.name}\n  n: {process.name: su}\n  condition: n and not s",
     {"process.name": "su", "user.name": "bob", "user.target.name": "BOB"}, False),
    # -- PCRE word boundaries and lookarounds (Modifiers, re: "PCRE" flavour), which Lucene's
    # regexps lack: the same superset and exact check.
    (r"process.command_line|re: '\bwhoami\b'", {"process.command_line": "cmd /c whoami /all"}, True),
    (r"process.command_line|re: '\bwhoami\b'", {"process.command_line": "cmd /c whoamix"}, False),
    ("process.command_line|re: 'net(?! view)'", {"process.command_line": "net view"}, False),
    ("process.command_line|re: 'net(?! view)'", {"process.command_line": "net user"}, True),
    # -- a field value longer than a keyword field indexes (8,191 characters on Elasticsearch)
    # is still a value: conditions on it mean what they mean on a short one.
    ("process.command_line|contains: NEEDLE-IN-HAYSTACK", {"process.command_line": LONG_LINE}, True),
    ("process.command_line|contains: needle-in-hayfield", {"process.command_line": LONG_LINE}, False),
    ("process.command_line|endswith: bbbb", {"process.command_line": LONG_LINE}, True),
    ("s: {process.command_line|contains: needle-in-haystack}\n  condition: not s",
     {"process.command_line": LONG_LINE}, False),
    ("message|contains: 'needle-in-haystack bbb'", {"message": LONG_LINE}, True),
    # a value is as long as its characters are many, whatever plane they come from: 5,000 emoji
    # (outside the BMP) and a word are 5,007 characters, and still a value
    ("process.command_line|endswith: ' whoami'", {"process.command_line": ASTRAL_LINE}, True),
    ("s: {process.command_line|contains: whoami}\n  condition: not s", {"process.command_line": ASTRAL_LINE}, False),
    # a keyword's '*' spans any length (Spec, Wildcards), also more than the 2,048 characters by
    # which Elasticsearch's search-text pieces overlap (SigmaHQ: 'Trojan*FOUND', 'wget * - http* | sh')
    ("k: ['Trojan*FOUND']", {"message": "Trojan." + "x" * 5000 + " FOUND"}, True),
    ("k: ['Trojan*FOUND']", {"message": "clamd", "event.original": "Trojan." + "x" * 5000 + " FOUND"}, True),
    ("k: ['Trojan*FOUND']\n  condition: not k", {"message": "Trojan." + "x" * 5000 + " FOUND"}, False),
    # event.original is an ECS field like any other: a field condition on it is answered
    ("event.original|contains: whoami", {"message": "x", "event.original": "cmd /c whoami"}, True),
    # -- |re with i is PCRE's caseless matching: Unicode simple case folding (CaseFolding.txt C + S),
    # where İ (U+0130) and ı (U+0131) are letters of their own; only their Turkic mappings (status T,
    # PCRE2_EXTRA_TURKISH_CASING, off by default) make them i (F12l). Elasticsearch's lower-cased field
    # holds İ as i, and Python's re (the SQLite store's fallback) takes both for i.
    ("user.name|re|i: '^admin$'", {"user.name": "adm\u0130n"}, False),
    ("user.name|re|i: '^adm[^i]n$'", {"user.name": "adm\u0130n"}, True),  # İ is not an i: [^i] takes it
    ("user.name|re|i: '^ADMIN$'", {"user.name": "admin"}, True),  # ...while i and I are one letter
    ("message|re|i: 'login admin'", {"message": "LOGIN ADM\u0130N"}, False),
    ("s: {user.name|re|i: '^admin$'}\n  condition: not s", {"user.name": "adm\u0130n"}, True),
    ("user.name|re|i: '^adm(?=i)in$'", {"user.name": "adm\u0130n"}, False),  # a lookahead: Python's re
    ("user.name|re|i: '^adm(?=i)in$'", {"user.name": "adm\u0131n"}, False),  # ı neither
    ("user.name|re|i: '^adm(?=i)in$'", {"user.name": "ADMIN"}, True),
    ("user.name|re|i: '^adm(?=\u0130)\u0130n$'", {"user.name": "admin"}, False),  # İ in the pattern too
    ("user.name|re|i: '^adm(?=\u0130)\u0130n$'", {"user.name": "adm\u0130n"}, True),
    ("user.name|re|i: '^adm[\u0100-\u017f]n(?!x)'", {"user.name": "adm\u0130n"}, True),  # in a range
    ("user.name|re|i: '^adm[\u0100-\u017f]n(?!x)'", {"user.name": "admin"}, False),
    # -- caseless string values mean one letter in two cases whichever Unicode version a store's
    # lower-casing knows (F12l): Ⱟ/ⱟ are a pair since Unicode 14 (Java 17, under Elasticsearch 8.19,
    # knows 13), Ꟍ/ɤ since Unicode 16 (Python 3.11 knows 14; Java 25, under Elasticsearch 9, 16).
    ("user.name: '\u2c5f'", {"user.name": "\u2c2f"}, True),
    ("user.name: '\u2c2f'", {"user.name": "\u2c5f"}, True),
    ("user.name|contains: 'x\u2c5f'", {"user.name": "ax\u2c2fb"}, True),
    ("user.name: '\u0264'", {"user.name": "\ua7cb"}, True),
    ("user.name: '\ua7cb'", {"user.name": "\u0264"}, True),
    ("user.name: '\u0264'", {"user.name": "\u0263"}, False),
    ("message|contains: 'x\u0264'", {"message": "ax\ua7cbb"}, True),
    ("message|contains: 'ax\u0264b'", {"message": "zax\ua7cbbz"}, True),  # three and more: runs of the folded text
    ("k: ['x\u2c5f']", {"message": "ax\u2c2fb"}, True),  # a keyword: the search text's lower-cased pieces
    # -- what Lucene's regexps cannot say (backreferences, lookarounds, atomic groups, possessive
    # quantifiers, \b, inline flags) or the node will not build still means PCRE's answer on
    # Elasticsearch: a superset checked candidate by candidate (F12l, issue 12 b)
    ("user.name|re: '^(\\w)\\1'", {"user.name": "aab"}, True),  # a backreference
    ("user.name|re: '^(\\w)\\1'", {"user.name": "abb"}, False),
    ("user.name|re: '(?<=x)y'", {"user.name": "xy"}, True),  # a lookbehind
    ("user.name|re: '(?<=x)y'", {"user.name": "zy"}, False),
    ("s: {user.name|re: '(?<=x)y'}\n  condition: not s", {"user.name": "zy"}, True),
    ("user.name|re: '^(?>a+)b'", {"user.name": "aab"}, True),  # an atomic group
    ("user.name|re: '^a++a'", {"user.name": "aaa"}, False),  # possessive: a++ leaves no a behind
    ("user.name|re: '\\bcmd\\b'", {"user.name": "run cmd now"}, True),
    ("user.name|re: '\\bcmd\\b'", {"user.name": "runcmd now"}, False),
    ("user.name|re: '(?x)a b'", {"user.name": "ab"}, True),  # PCRE's extended flag: white space ignored
    ("user.name|re: '[ab]*a[ab]{12}y'", {"user.name": "ba" + "b" * 12 + "y"}, True),  # the node refused it
    ("user.name|re: '[ab]*a[ab]{12}y'", {"user.name": "a" + "b" * 13 + "y"}, False),
]


def rule_yaml(fragment: str) -> str:
    body = fragment if "condition:" in fragment else (
        fragment if fragment.startswith("k:") else f"s: {{{fragment}}}")
    condition = "" if "condition:" in fragment else ("\n  condition: k" if fragment.startswith("k:")
                                                     else "\n  condition: s")
    return f"""
title: semantics row
id: 00000000-0000-4000-8000-0000000000aa
logsource: {{product: linux}}
detection:
  {body}{condition}
"""


def row_event(n: int, fields: dict[str, Any]) -> Event:
    # event.module: linux puts the event in the rules' log source (product: linux).
    return Event(id=make_id("semantics", n), timestamp=T0 + timedelta(seconds=n), dataset="linux.auth",
                 fields={"event.module": "linux", **fields})


STORES = ["sqlite", pytest.param("elasticsearch-9", marks=pytest.mark.es),
          pytest.param("elasticsearch-8", marks=pytest.mark.es)]


@pytest.fixture(scope="module", params=STORES)
def loaded(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """One store per kind holding every row's event (written once: an index per row is slow)."""
    from tests.conftest import es_store  # noqa: PLC0415  (the conftest's helper, not a fixture)

    events = [row_event(n, fields) for n, (_, fields, _) in enumerate(ROWS)]
    if request.param == "sqlite":
        store: Store = SqliteStore(Path(tmp_path_factory.mktemp("semantics")) / "events.db")
        store.write(events)
        yield store
        store.close()
        return
    env = request.getfixturevalue("es_env" if request.param == "elasticsearch-9" else "es8_env")
    for es in es_store(env):
        receipt = es.write(events)
        assert receipt.rejected == () and receipt.created == len(events)
        es.refresh()
        yield es


def test_the_table_is_large_and_two_sided() -> None:
    assert len(ROWS) >= 60
    assert sum(1 for *_, expected in ROWS if not expected) >= 20


@pytest.mark.parametrize(("n", "fragment", "expected"),
                         [pytest.param(n, f, e, id=f"{n}-{f[:40]}") for n, (f, _, e) in enumerate(ROWS)])
def test_row(loaded: Store, n: int, fragment: str, expected: bool) -> None:
    event_id = make_id("semantics", n)
    # The event is there: a negative answer is about the rule, not a missing event.
    assert loaded.count(Query(terms={"event.id": (event_id,)})) == 1
    with warnings.catch_warnings():  # as the loader: PCRE's POSIX classes are no nested sets
        warnings.filterwarnings("ignore", "Possible nested set", FutureWarning)
        rule = list(SigmaCollection.from_yaml(rule_yaml(fragment)))[0]
    native = backend_for(loaded.kind).convert(rule)
    query = Query(terms={"event.id": (event_id,)}, native=native)
    found = loaded.count(query) == 1
    assert found is expected, native
    # search answers as count does (Elasticsearch's exact check runs on both paths)
    assert [e.id for e in loaded.search(query)] == ([event_id] if expected else []), native
    # and so does a detection pass's search of many rules at once (Elasticsearch: _msearch)
    assert [e.id for e in loaded.search_many([query, query])[1]] == ([event_id] if expected else []), native
