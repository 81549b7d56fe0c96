"""docs/adding-a-log-source.md: its example row is real and makes SigmaHQ's firewall rule run."""

from __future__ import annotations

import re
from pathlib import Path

from govsoc.rules import load_rules
from govsoc.rules.backends.lucene import GovsocLuceneBackend
from govsoc.rules.mappings import LogSource
from govsoc.rules.pipeline import SOURCES, SourceTable, rule_source_status

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "adding-a-log-source.md"


def test_guide_row_gives_the_firewall_rule_its_source(corpus: Path) -> None:
    code = re.search(r"```python\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.DOTALL)
    assert code is not None and len(code[1].splitlines()) <= 60
    namespace: dict[str, object] = {}
    exec(compile(code[1], str(GUIDE), "exec"), namespace)  # noqa: S102  (our own documentation)
    row = namespace["FIREWALL"]
    assert isinstance(row, LogSource)
    (rule,) = load_rules([corpus / "sigma/rules/network/firewall/net_firewall_cleartext_protocols.yml"]).rules
    assert rule_source_status(rule) == (False, "category: firewall")  # no firewall collector yet
    table = SourceTable([*SOURCES, row])
    assert table.status(rule) == (True, "category: firewall")
    assert table.ecs_field("dst_port", rule) == "destination.port"
    query = str(GovsocLuceneBackend(table.pipeline()).convert_rule(rule)[0])
    assert re.match(r"event\.dataset(\.caseless)?:example\.kv_firewall AND ", query), query
    assert "destination.port:" in query and "dst_port" not in query
