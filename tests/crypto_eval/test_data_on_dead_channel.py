"""8.4 d)/f) judge an important-data class on every channel that carries it: a class carried over
a live TLS channel and over an endpoint the probe cannot reach has no evidence (the unreached
channel is named), not the live channel's ✓; a ✗ on any of its channels still decides."""

from __future__ import annotations

from contextlib import ExitStack
from decimal import Decimal
from typing import Any

import pytest

from govsoc.crypto_eval.evaluate import evaluate_inventory
from tests.crypto_eval.test_review_declared import KM, PRODUCT, _item, _systems
from tests.servers.certs import CertFiles
from tests.servers.cleartext import http_server
from tests.servers.sshd import free_port
from tests.servers.tls import python_tls_server


@pytest.mark.parametrize("other", [
    "none",            # the control: one live TLS channel protects the class
    "redirect",        # plus a plain-HTTP port that only redirects to it: no data of its own, not dead
    "dead",            # plus an endpoint the probe cannot reach
    "cleartext+dead",  # plus a login form in the clear and the unreachable endpoint
])
def test_a_data_class_on_a_live_and_a_dead_channel(rsa_cert: CertFiles, anchor_files: list[str], other: str) -> None:
    closed = free_port()  # nothing listens: the probe is refused
    with ExitStack() as stack:
        tls = stack.enter_context(python_tls_server(rsa_cert))
        login = stack.enter_context(http_server())
        redirect = stack.enter_context(http_server(redirect_to_https=True, location=f"https://localhost:{tls}/"))
        endpoints: list[dict[str, Any]] = [{"host": "127.0.0.1", "port": tls, "protocol": "https", "kind": "web",
                                            "server_name": "localhost", "carries": ["个人信息"]}]
        if "dead" in other:
            endpoints.append({"host": "127.0.0.1", "port": closed, "protocol": "https", "kind": "api",
                              "server_name": "localhost", "carries": ["个人信息"]})
        if other == "redirect":
            endpoints.append({"host": "127.0.0.1", "port": redirect, "protocol": "http", "kind": "web",
                              "carries": ["个人信息"]})
        if "cleartext" in other:
            endpoints.append({"host": "127.0.0.1", "port": login, "protocol": "http", "kind": "web",
                              "carries": ["个人信息"]})
        crypto = {"products": [PRODUCT], "key_management": KM, "important_data": ["个人信息"],
                  "trust_anchors": anchor_files}
        (e,) = evaluate_inventory(_systems({"name": f"data-{other}", "level": 3, "endpoints": endpoints,
                                            "crypto": crypto}), question_timeout=1.0)
    for item_id in ("gbt39786.l3.8.4.d", "gbt39786.l3.8.4.f"):
        item = _item(e, item_id)
        (obj,) = item.objects
        found = [f for f in item.findings if f.object == "个人信息"]
        if other in ("none", "redirect"):
            assert (obj.d, obj.missing) == (True, False) and item.score > Decimal(0), item
        elif other == "dead":
            assert obj.missing and obj.d is None and item.score == Decimal("0.0000"), item
            (missing,) = [f for f in found if f.factor == "MISSING"]
            assert missing.why.startswith(f"个人信息 经由信道 127.0.0.1:{closed} 传输，该信道缺少证据：")
            assert "连接被拒绝" in missing.why
            # the live channel's ✓ is kept as a note, not as D
            assert [f.factor for f in found if f"信道 127.0.0.1:{tls}：" in f.why] == ["INFO"]
        else:  # a cleartext channel is ✗ whatever the dead one would have shown
            assert obj.d is False and item.score == Decimal("0.0000"), item
            assert any(f.factor == "D" and not f.satisfied for f in found)
            assert any(f.factor == "MISSING" and f"127.0.0.1:{closed}" in f.why for f in found)
