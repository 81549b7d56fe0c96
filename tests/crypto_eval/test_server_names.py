"""Server names as an inventory writes them (issue 16 fifth review, findings 4 and 5).

- An address declared as ``server_name`` (an evaluator copying 127.0.0.1 there) is no TLS server
  name: RFC 6066 §3, "Literal IPv4 and IPv6 addresses are not permitted in HostName", so no SNI is
  sent, and the certificate's iPAddress is its reference identity (RFC 6125 §6.2, RFC 5280 4.2.1.6),
  never a dNSName.
- A Chinese-script name (门户.test) is sent and matched in A-labels (RFC 5891; RFC 5280 4.2.1.6:
  dNSName holds the ACE form); the expected A-label here is Python's own IDNA codec, not the
  project's conversion.
- A name with a space, or longer than 253 characters (RFC 1035 2.3.4), is refused when the
  inventory is loaded, naming the file, line and field.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from govsoc.core.errors import ConfigError
from govsoc.core.inventory import Inventory
from govsoc.crypto_eval.evaluate import evaluate_inventory
from tests.crypto_eval.test_review_declared import KM, PRODUCT, _item, _systems
from tests.servers.ca import TestCA, issue
from tests.servers.certs import CertFiles
from tests.servers.tls import python_tls_server


def _system(name: str, port: int, anchor: TestCA, **endpoint: str) -> dict[str, object]:
    return {"name": name, "level": 3, "endpoints": [{"host": "127.0.0.1", "port": port, "protocol": "https",
                                                     "kind": "web", **endpoint}],
            "crypto": {"products": [PRODUCT], "key_management": KM, "trust_anchors": [str(anchor.cert)]}}


def test_an_address_as_server_name_is_matched_to_the_ip_san(ecdsa_cert: CertFiles, test_root: TestCA) -> None:
    seen: list[str | None] = []
    with python_tls_server(ecdsa_cert, seen_sni=seen) as port:  # SAN: DNS localhost, IP 127.0.0.1
        same, other = evaluate_inventory(_systems(_system("ip", port, test_root, server_name="127.0.0.1"),
                                                  _system("other-ip", port, test_root, server_name="127.0.0.2")),
                                         question_timeout=2.0)
    assert seen and set(seen) == {None}  # no handshake carried the address as SNI
    (obj,) = _item(same, "gbt39786.l3.8.2.a").objects
    assert obj.d is True and not same.high_risk
    (obj,) = _item(other, "gbt39786.l3.8.2.a").objects  # an address the certificate does not carry: ✗
    assert obj.d is False
    assert any("证书与地址 127.0.0.2 不符" in f.why for f in other.high_risk)


def test_a_chinese_server_name_is_sent_and_matched_in_a_labels(tmp_path: Path, test_root: TestCA) -> None:
    a_label = "门户".encode("idna").decode("ascii") + ".test"  # Python's IDNA codec (RFC 3490)
    leaf = issue(tmp_path, "idn", test_root, host=a_label)
    seen: list[str | None] = []
    with python_tls_server(leaf, seen_sni=seen) as port:
        (e,) = evaluate_inventory(_systems(_system("idn", port, test_root, server_name="门户.test")),
                                  question_timeout=2.0)
    assert a_label in seen
    (obj,) = _item(e, "gbt39786.l3.8.2.a").objects
    assert obj.d is True and not e.high_risk, e.high_risk


def test_a_chinese_host_name_that_does_not_resolve_is_said_in_chinese() -> None:
    # RFC 6761 6.4: .invalid never resolves; the probe must not fail on the name itself
    (e,) = evaluate_inventory(_systems({"name": "idn-host", "level": 3, "endpoints": [
        {"host": "门户.invalid", "port": 443, "protocol": "https", "kind": "web"}]}), question_timeout=1.0)
    (missing,) = [f for f in _item(e, "gbt39786.l3.8.2.a").findings if f.factor == "MISSING" and f.object != "声明"]
    assert "主机名无法解析" in missing.why and "Error" not in missing.why and "codec" not in missing.why


@pytest.mark.parametrize("name", [
    "portal.test evil",       # a space: a typo that made every certificate "for another name"
    "a" * 64 + ".test",       # a label longer than 63 characters
    ("abcdefgh." * 35) + "test",  # 319 characters
])
def test_a_server_name_that_is_no_host_name_is_refused_at_load(tmp_path: Path, name: str) -> None:
    path = tmp_path / "inventory.yaml"
    path.write_text("systems:\n  - name: s\n    level: 3\n    endpoints:\n"
                    f"      - host: 127.0.0.1\n        port: 443\n        server_name: \"{name}\"\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        Inventory.load(path)
    text = str(caught.value)
    assert "inventory.yaml:7" in text and "server_name" in text and "host name" in text, text


@pytest.mark.parametrize(("field", "value"), [
    ("host", "127.0.0.1\u00a0"),  # a no-break space copied from a spreadsheet (review R16 finding 9)
    ("host", "127.0.0.1 "),
    ("host", "localhost\t"),
    ("server_name", " portal.test"),
])
def test_whitespace_around_a_host_is_refused_at_load(tmp_path: Path, field: str, value: str) -> None:
    path = tmp_path / "inventory.yaml"
    endpoint = {"host": "127.0.0.1", "port": 443, "protocol": "https", field: value}
    path.write_text("systems:\n  - name: s\n    level: 3\n    endpoints:\n"
                    + "".join(f"      {'-' if i == 0 else ' '} {k}: {json.dumps(v)}\n"
                              for i, (k, v) in enumerate(endpoint.items())), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        Inventory.load(path)
    text = str(caught.value)
    line = 5 + list(endpoint).index(field)
    assert f"inventory.yaml:{line}" in text and field in text and "whitespace" in text, text
