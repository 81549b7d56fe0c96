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
from govsoc.rules import RuleSet, detect, load_rules
from govsoc.store.elasticsearch import ElasticsearchStore

T0 = datetime(2026, 5, 4, 8, tzinfo=UTC)
RULE = """title: failures
id: 5a0c7d0e-0000-4000-8000-0000000000bb
logsource: {product: linux, service: sshd}
detection: {sel: {event.action: ssh_login, event.outcome: failure}, condition: sel}
level: low
"""


def _failures_and_rule(store: ElasticsearchStore, folder: Path, seed: str) -> RuleSet:
    """30 sshd failures stored, and RULE, which matches each of them."""
    store.write(Event(id=make_id(seed, n), timestamp=T0 + timedelta(seconds=n), dataset="linux.auth",
                      fields={"event.module": "linux", "process.name": "sshd", "event.action": "ssh_login",
                              "event.outcome": "failure", "user.name": f"user{n}", "message": f"Failed {n}"})
                for n in range(30))
    store.refresh()
    (folder / "rule.yml").write_text(RULE, encoding="utf-8")
    return load_rules([folder])


Span = tuple[float, float, str, str, str]


def _spans(store: ElasticsearchStore, slow_put: str | None = None) -> list[Span]:
    """Every request the store's client sends from now on, as (began, ended, thread, method,
    target without its query); a PUT of the index ``slow_put`` takes 1.5 s more (a busy node's
    cluster-state update)."""
    spans: list[Span] = []
    perform = store.client.transport.perform_request

    def seen(method: str, target: str, *args: Any, **kwargs: Any) -> Any:
        began, path = time.perf_counter(), target.split("?")[0]
        if method == "PUT" and path.strip("/") == slow_put:
            time.sleep(1.5)
        try:
            return perform(method, target, *args, **kwargs)
        finally:
            spans.append((began, time.perf_counter(), threading.current_thread().name, method, path))

    store.client.transport.perform_request = seen  # type: ignore[method-assign]
    return spans


@pytest.mark.es
def test_a_pass_asks_for_its_indices_before_its_first_search(elastic9_store: ElasticsearchStore,
                                                              tmp_path: Path) -> None:
    store = elastic9_store
    ruleset = _failures_and_rule(store, tmp_path, "prepare")
    requests = _spans(store)
    summary = detect(store, ruleset)
    assert summary.failed == [] and summary.matches == {"5a0c7d0e-0000-4000-8000-0000000000bb": 30}
    assert len(list(store.alerts())) == 30
    first_search = min(t for t, _, _, _, target in requests if target.endswith("_msearch"))
    created = {target.strip("/"): (t, thread) for t, _, thread, method, target in requests if method == "PUT"
               and target.strip("/") in (store.alerts_index, store.state_index)}
    # both made by index creations sent before the first search (before: by the first alert
    # bulk and the first state save, after the searches, on the writers' and the pass's threads)
    assert set(created) == {store.alerts_index, store.state_index}, requests
    assert all(t < first_search and thread == "govsoc-es-prepare" for t, thread in created.values()), requests
    assert store.client.indices.exists(index=store.alerts_index) and store.get_states([]) == {}


@pytest.mark.es
def test_a_state_change_waits_for_the_state_index_being_prepared(elastic9_store: ElasticsearchStore) -> None:
    # update_state (the rejudge document's atomic change) wrote to the state index while the
    # prepare thread was still creating it: its create then made the index itself, beside the
    # prepare thread's creation, as put_state no longer does.
    from govsoc.store import rejudge

    store = elastic9_store
    spans = _spans(store)
    store.prepare_writes()
    rejudge.record(store, [{"rule": "r", "alert": "a", "group": {}, "start": "2026-05-04T08:00:00Z",
                            "end": "2026-05-04T08:01:00Z"}])
    created = [end for _, end, _, method, target in spans if method == "PUT" and target.strip("/") == store.state_index]
    writes = [began for began, _, _, method, target in spans if method in ("PUT", "POST")
              and target.startswith(f"/{store.state_index}/")]
    assert created and writes, spans
    assert min(writes) > created[0], spans  # the document written once the index was made
    assert [e["alert"] for e in rejudge.pending(store)] == ["a"]


@pytest.mark.es
def test_a_first_pass_searches_while_its_state_index_is_still_being_made(elastic9_store: ElasticsearchStore,
                                                                          tmp_path: Path) -> None:
    # P12j: the pass read its rule states and kept conversions from the state index that
    # prepare_writes was creating, so it waited for the creation (0.4-0.6 s on the shared node)
    # before its first search. An index found missing holds nothing: its reads answer at once.
    store = elastic9_store
    ruleset = _failures_and_rule(store, tmp_path, "made")
    spans = _spans(store, slow_put=store.state_index)  # the state index made slowly, as on a busy node
    summary = detect(store, ruleset)
    assert summary.failed == [] and summary.matches == {"5a0c7d0e-0000-4000-8000-0000000000bb": 30}
    made = [end for _, end, _, method, target in spans if method == "PUT" and target.strip("/") == store.state_index]
    searched = [began for began, _, _, _, target in spans if target.endswith("_msearch")]
    assert made and searched, spans
    assert min(searched) < made[0], spans  # before: the first search only once the index was made
    # the rule's state was saved once the index was made, and is read as before
    from govsoc.rules.state import state_key

    assert list(store.get_states([state_key("5a0c7d0e-0000-4000-8000-0000000000bb")])) == [
        state_key("5a0c7d0e-0000-4000-8000-0000000000bb")]
    assert len(list(store.alerts())) == 30
