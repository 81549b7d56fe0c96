"""``Endpoint.carries`` (which important-data classes travel over a channel) is checked against the
system's crypto.important_data, and cannot take a cleartext login channel out of 8.4 d)/f) (issue
16, second review, finding 4: a misspelt class, or a class listed on another endpoint, made a
plain-HTTP login form score higher than with no mapping at all)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from govsoc.core.errors import ConfigError
from govsoc.core.inventory import Inventory
from govsoc.crypto_eval.evaluate import evaluate_inventory
from tests.crypto_eval.test_review_declared import KM, PRODUCT, _item, _systems
from tests.servers.certs import CertFiles
from tests.servers.cleartext import http_server
from tests.servers.tls import python_tls_server


def test_an_unknown_carries_class_names_file_system_endpoint_and_field(tmp_path: Path) -> None:
    path = tmp_path / "inventory.yaml"
    path.write_text(yaml.safe_dump({"systems": [{"name": "portal", "level": 3, "crypto": {
        "important_data": ["鉴别数据"]}, "endpoints": [
        {"host": "10.0.0.1", "port": 443, "protocol": "https"},
        {"host": "10.0.0.1", "port": 80, "protocol": "http", "carries": ["鉴别信息"]}]}]}, allow_unicode=True),
        encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        Inventory.load(path)
    text = str(caught.value)
    assert "inventory.yaml:" in text and "'portal'" in text and "10.0.0.1:80" in text
    assert "carries '鉴别信息'" in text and "鉴别数据" in text
    line = path.read_text(encoding="utf-8").splitlines()[caught.value.location.line - 1]  # type: ignore[union-attr]
    assert "鉴别信息" in line  # the location is the misspelt value itself


@pytest.mark.parametrize("layout", [
    "other-endpoint-carries",  # the HTTPS endpoint says it carries 鉴别数据; the login form says nothing
    "admin-carries",           # an SSH management endpoint lists carries (8.3 b's, not 8.2's channels)
])
def test_a_cleartext_login_channel_cannot_be_declared_away(rsa_cert: CertFiles, layout: str) -> None:
    with python_tls_server(rsa_cert) as tls, http_server() as login:
        https: dict[str, Any] = {"host": "127.0.0.1", "port": tls, "protocol": "https", "kind": "web",
                                 "server_name": "localhost"}
        http = {"host": "127.0.0.1", "port": login, "protocol": "http", "kind": "web"}
        endpoints = ([dict(https, carries=["鉴别数据"]), http] if layout == "other-endpoint-carries" else
                     [https, http, {"host": "127.0.0.1", "port": 1, "protocol": "ssh", "kind": "admin",
                                    "carries": ["鉴别数据"]}])
        crypto = {"products": [PRODUCT], "key_management": KM, "important_data": ["鉴别数据"]}
        (result,) = evaluate_inventory(_systems({"name": layout, "level": 3, "endpoints": endpoints,
                                                 "crypto": crypto}), question_timeout=1.0)
    d = [f.satisfied for f in result.findings if f.item == "gbt39786.l3.8.4.d" and f.factor == "D"]
    assert False in d  # the login form's channel is judged for the credentials it takes in the clear
    assert _item(result, "gbt39786.l3.8.4.d").score < Decimal("0.5")
