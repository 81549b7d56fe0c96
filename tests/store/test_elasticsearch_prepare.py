"""A detection pass on a new Elasticsearch store asks for its alerts and state indices as it
begins, beside its first searches, not inside its first alert write and first state save
(P12d 2): a new index took 1-3 s on the busy test node, during which both alert writers, and
then the pass behind their full queue, waited while the node searched nothing."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from govsoc.core.event import Event, make_id
from govsoc.rules import detect, load_rules
from govsoc.store.elasticsearch import ElasticsearchStore

T0 = datetime(2026, 5, 4, 8, tzinfo=UTC)
RULE = """title: failures
id: 5a0c7d0e-0000-4000-8000-0000000000bb
logsource: {product: linux, service: sshd}
detection: {sel: {event.action: ssh_login, event.outcome: failure}, condition: sel}
level: low
"""


@pytest.mark.es
def test_a_pass_asks_for_its_indices_before_its_first_search(elastic9_store: ElasticsearchStore,
                                                              tmp_path: Path) -> None:
    store = elastic9_store
    store.write(Event(id=make_id("prepare", n), timestamp=T0 + timedelta(seconds=n), dataset="linux.auth",
                      fields={"event.module": "linux", "process.name": "sshd", "event.action": "ssh_login",
                              "event.outcome": "failure", "user.name": f"user{n}", "message": f"Failed {n}"})
                for n in range(30))
    store.refresh()
    (tmp_path / "rule.yml").write_text(RULE, encoding="utf-8")
    ruleset = load_rules([tmp_path])
    requests: list[tuple[float, str, str, str]] = []
    perform = store.client.transport.perform_request

    def seen(method: str, target: str, *args: Any, **kwargs: Any) -> Any:
        requests.append((time.perf_counter(), threading.current_thread().name, method, target.split("?")[0]))
        return perform(method, target, *args, **kwargs)

    store.client.transport.perform_request = seen  # type: ignore[method-assign]
    summary = detect(store, ruleset)
    assert summary.failed == [] and summary.matches == {"5a0c7d0e-0000-4000-8000-0000000000bb": 30}
    assert len(list(store.alerts())) == 30
    first_search = min(t for t, _, _, target in requests if target.endswith("_msearch"))
    created = {target.strip("/"): (t, thread) for t, thread, method, target in requests if method == "PUT"
               and target.strip("/") in (store.alerts_index, store.state_index)}
    # both made by index creations sent before the first search (before: by the first alert
    # bulk and the first state save, after the searches, on the writers' and the pass's threads)
    assert set(created) == {store.alerts_index, store.state_index}, requests
    assert all(t < first_search and thread == "govsoc-es-prepare" for t, thread in created.values()), requests
    assert store.client.indices.exists(index=store.alerts_index) and store.get_states([]) == {}
