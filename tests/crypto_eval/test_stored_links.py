"""What classification found in a store is linked to the system however the store's host is spelt
(localhost, 127.0.0.1, ::1, a name in another case), and feeds 8.4 g) 重要数据存储完整性 as well as
8.4 e) (review R16 finding 10). A pure-logic seam: the saved classification result as the CLI
reads it (StoredPlaintext); the real PostgreSQL / govsoc classify path is
tests/crypto_eval/test_stored_plaintext.py."""

from __future__ import annotations

from typing import Any

import pytest

from govsoc.crypto_eval.checks.stored_data import StoredPlaintext
from govsoc.crypto_eval.evaluate import evaluate_system
from tests.crypto_eval.test_assess import _system

FIELDS = (("res***.sf**", "身份证号", "核心"),)


def _store(host: str) -> StoredPlaintext:
    return StoredPlaintext(source=f"postgresql://{host}:5432/egov", host=host, port=5432, fields=FIELDS)


@pytest.mark.parametrize(("listed", "classified", "linked"), [
    ("127.0.0.1", "localhost", True),       # the name of this host and its IPv4 loopback
    ("localhost", "127.0.0.1", True),
    ("::1", "localhost", True),             # IPv6 loopback
    ("[::1]", "127.0.0.1", True),           # one machine, either loopback
    ("DB.Egov.Example", "db.egov.example.", True),  # host names ignore case and the root dot
    ("127.0.0.1", "127.0.0.2", False),      # another loopback address is another socket
    ("db.egov.example", "db2.egov.example", False),
])
def test_store_linked_however_its_host_is_spelt(listed: str, classified: str, linked: bool) -> None:
    system = _system({}, endpoints=[{"host": listed, "port": 5432, "protocol": "postgresql", "kind": "database"}])
    e = evaluate_system(system, [_store(classified)])
    stored = [f for f in e.high_risk if f.item == "gbt39786.l3.8.4.e"]
    assert bool(stored) is linked, e.high_risk


@pytest.mark.parametrize(("declarations", "factor"), [
    ({}, "MISSING"),  # nothing declared: the store holding important data needs integrity evidence
    ({"gbt39786.l3.8.4.g": {"d": True, "a": True, "k": True, "evidence": "每条记录附HMAC-SM3"}}, "INFO"),
])
def test_classified_store_is_an_8_4_g_object(declarations: dict[str, Any], factor: str) -> None:
    system = _system({"declarations": declarations},
                     endpoints=[{"host": "127.0.0.1", "port": 5432, "protocol": "postgresql", "kind": "database"}])
    e = evaluate_system(system, [_store("localhost")])
    integrity = [f for f in e.findings if f.item == "gbt39786.l3.8.4.g" and f.check == "stored.plaintext"]
    assert [(f.factor, f.object) for f in integrity] == [(factor, "127.0.0.1:5432")], integrity
    assert "postgresql://localhost:5432/egov" in integrity[0].why and "res***.sf**" in integrity[0].why
