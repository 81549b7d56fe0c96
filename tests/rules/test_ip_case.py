"""|cased and |re on address (ip-typed) fields give the same events on every store, and the
events Python's ipaddress says they should.

An address has no letter case: its hex digits are case-insensitive (RFC 4291 2.2, RFC 5952 2.3),
and the stores keep the canonical spelling (RFC 5952 4), not the log's. Sigma's |cased ("values
are applied case sensitively", Modifiers appendix) therefore leaves an address's comparison as
it is: equality is the same address, a pattern matches the canonical text whatever its case.
SQLite compared the canonical text case sensitively, so FE80::1|cased missed the log's own
FE80::1 while Elasticsearch found it.
"""

from __future__ import annotations

import ipaddress
import re
from datetime import UTC, datetime, timedelta

import pytest
from sigma.collection import SigmaCollection

from govsoc.core.event import Event, make_id
from govsoc.rules import load_rules  # noqa: F401  (registers the specification's modifiers)
from govsoc.rules.backends import backend_for
from govsoc.store.base import Query, Store

T0 = datetime(2026, 3, 2, tzinfo=UTC)
#: Addresses as logs write them: upper and lower case, zeros compressed or not, IPv4-mapped.
LOGGED = ["FE80::1", "fe80::1", "fe80:0:0:0:0:0:0:1", "FE80::2", "2001:DB8::A:B", "2001:db8:0:0:0:0:a:b",
          "2001:db8::ab", "10.0.0.1", "::ffff:10.0.0.1", "::FFFF:10.0.0.2", "192.0.2.10", "fe8::1"]


def address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    """The address a text names, an IPv4-mapped IPv6 address as its IPv4 address (as the
    stores and the |cidr semantics read it)."""
    parsed = ipaddress.ip_address(text)
    mapped = getattr(parsed, "ipv4_mapped", None)
    return mapped or parsed


def canonical(text: str) -> str:
    """The text a store keeps of an address, which patterns match: RFC 5952 4's (lower case,
    zeros compressed), as ipaddress writes it (an IPv4-mapped address stays IPv6: ::ffff:a00:1)."""
    return str(ipaddress.ip_address(text))


# (rule value with its modifiers, which logged addresses it holds for: computed by ipaddress
# and re alone, never by a store)
CASES = [
    ("source.ip|cased: 'FE80::1'", lambda t: address(t) == address("FE80::1")),
    ("source.ip|cased: '2001:db8:0:0:0:0:a:b'", lambda t: address(t) == address("2001:db8::a:b")),
    ("source.ip|cased: '10.0.0.1'", lambda t: address(t) == address("10.0.0.1")),
    ("source.ip|cased|startswith: 'FE80:'", lambda t: canonical(t).lower().startswith("fe80:")),
    ("source.ip|cased|endswith: ':A:B'", lambda t: canonical(t).lower().endswith(":a:b")),
    ("source.ip|cased|contains: 'DB8::A'", lambda t: "db8::a" in canonical(t).lower()),
    ("source.ip|cased: 'FE80::*'", lambda t: canonical(t).lower().startswith("fe80::")),
    ("source.ip|re: '^FE80::[12]$'", lambda t: re.search("^fe80::[12]$", canonical(t), re.I) is not None),
    ("source.ip|re: '^10\\.0\\.'", lambda t: canonical(t).startswith("10.0.")),
]


@pytest.mark.parametrize(("fragment", "holds"), CASES, ids=[c[0] for c in CASES])
def test_cased_and_re_on_an_address_field_find_the_same_events_everywhere(each_store: Store, fragment: str,
                                                                         holds: object) -> None:
    events = [Event(id=make_id("ip-case", n), timestamp=T0 + timedelta(seconds=n), dataset="linux.auth",
                    fields={"event.module": "linux", "source.ip": text}) for n, text in enumerate(LOGGED)]
    each_store.write(events)
    each_store.refresh()
    assert callable(holds)
    expected = sorted(e.id for e, text in zip(events, LOGGED, strict=True) if holds(text))
    assert 0 < len(expected) < len(LOGGED)  # some events, not all
    rule = list(SigmaCollection.from_yaml(f"""
title: address case
id: 00000000-0000-4000-8000-00000000f12e
logsource: {{product: linux}}
detection:
  s: {{{fragment}}}
  condition: s
"""))[0]
    query = Query(native=backend_for(each_store.kind).convert(rule))
    assert sorted(e.id for e in each_store.search(query)) == expected
    assert each_store.count(query) == len(expected)
