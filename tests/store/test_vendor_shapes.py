"""Vendor fields whose shape changes from one event to the next (R58a-12): CloudTrail's and
ActionTrail's ``requestParameters`` / ``responseElements`` are free-form per API call, a string in
one record, an object, a number or a list in another. Every store keeps every such event, and a
rule on one key below them finds the same events in each (Elasticsearch refused the records whose
shape disagreed with the first one its week's index saw; SQLite kept them all)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sigma.rule import SigmaRule

from govsoc.core.event import Event, make_id
from govsoc.rules import load_rules  # noqa: F401  (registers the specification's modifiers)
from govsoc.rules.backends import backend_for
from govsoc.store.base import Query, Store

T0 = datetime(2026, 3, 2, 10, tzinfo=UTC)  # a Monday: one week's index holds them all
#: requestParameters.x as the records give it, in this order: the first decided the index's mapping
SHAPES: list[Any] = ["2026-12-07T00:00:00Z", "a", {"y": 1}, 5, [1, "Bb"], {"y": {"z": "deep"}}, True,
                     {"y": "str"}, 1e300, "abc", [{"y": 2}, "b"]]


def _event(n: int, value: Any, dataset: str) -> Event:
    request = {"x": value, "bucketName": "b"}
    return Event(id=make_id("vendor-shapes", dataset, n), timestamp=T0 + timedelta(seconds=n), dataset=dataset,
                 fields={"event.module": dataset.split(".")[0], "event.action": "GetObject",
                         "aws.cloudtrail.requestParameters": request,
                         "aws.cloudtrail.responseElements": value,
                         "alibaba.actiontrail.requestParameters": request})


def _ids(store: Store, selection: str, logsource: str = "product: aws, service: cloudtrail") -> set[str]:
    """The events a rule of ``logsource`` with this one selection matches (SigmaHQ's CloudTrail
    rules name the record's own fields: requestParameters.x)."""
    rule = SigmaRule.from_yaml(f"""
title: t
id: 00000000-0000-4000-8000-0000000005a9
logsource: {{{logsource}}}
detection:
  s: {{{selection}}}
  condition: s
""")
    return {e.id for e in store.search(Query(native=backend_for(store.kind).convert(rule)))}


def _expected(test: Any, dataset: str = "aws.cloudtrail") -> set[str]:
    return {make_id("vendor-shapes", dataset, n) for n, value in enumerate(SHAPES) if test(value)}


def test_every_shape_is_stored_and_found_by_its_key(store: Store) -> None:
    events = [_event(n, value, dataset) for dataset in ("aws.cloudtrail", "alibaba.actiontrail")
              for n, value in enumerate(SHAPES)]
    receipt = store.write(events)
    assert (receipt.created, receipt.rejected, receipt.retry) == (2 * len(SHAPES), (), ())
    store.refresh()
    assert store.count(Query()) == 2 * len(SHAPES)

    def strings(value: Any) -> list[str]:  # the scalar values a key holds (a list's elements)
        items = value if isinstance(value, list) else [value]
        return [v for v in items if isinstance(v, str)]

    # a key that holds a string in some events, an object or a number in others
    assert _ids(store, "requestParameters.x|contains: 'b'") == \
        _expected(lambda v: any("b" in s.lower() for s in strings(v)))
    # the key below it, in the events where x is an object (or a list holding one)
    assert _ids(store, "requestParameters.x.y: 'str'") == _expected(
        lambda v: isinstance(v, dict) and v.get("y") == "str")
    assert _ids(store, "requestParameters.x.y.z: 'DEEP'") == _expected(
        lambda v: isinstance(v, dict) and isinstance(v.get("y"), dict))
    assert _ids(store, "alibaba.actiontrail.requestParameters.x: 'abc'", "product: alibaba, service: actiontrail") \
        == _expected(lambda v: v == "abc", "alibaba.actiontrail")
    assert _ids(store, "alibaba.actiontrail.requestParameters.x.y: 2", "product: alibaba, service: actiontrail") \
        == _expected(lambda v: isinstance(v, list) and {"y": 2} in v, "alibaba.actiontrail")
    # responseElements is a string in some events and an object in others
    assert _ids(store, "responseElements.y: 1") == _expected(
        lambda v: isinstance(v, dict) and v.get("y") == 1)


def test_a_field_under_another_fields_value_is_refused_alone(store: Store) -> None:
    """R59a-3: a Kubernetes audit record whose impersonation extras hold both "scope" and
    "scope.team" (the client chooses these keys): Elasticsearch's write raised ValueError at every
    run (an internal error, nothing after the record stored), or, the longer key first, lost it
    silently. Each store refuses that event alone, with the reason, and stores the others."""
    base = {"event.module": "kubernetes", "event.action": "create"}
    extra = "kubernetes.audit.impersonatedUser.extra.Impersonate-Extra-scope"
    events = [Event(id=make_id("nesting", n), timestamp=T0 + timedelta(seconds=n), dataset="kubernetes.audit",
                    fields={**base, **fields})
              for n, fields in enumerate([{extra: "a", extra + ".team": "b"}, {extra + ".team": "b", extra: "a"},
                                          {"user.name": "ok"}])]
    receipt = store.write(events)
    assert receipt.created == 1 and [i for i, _ in receipt.rejected] == [events[0].id, events[1].id]
    assert all("nest" in why for _, why in receipt.rejected)
    store.refresh()
    assert [e.id for e in store.search(Query())] == [events[2].id]


def test_vendor_keys_past_the_field_limit_are_kept_and_found(elastic_store: Store) -> None:
    """R59a-4: an events index maps at most so many fields; past them Elasticsearch refused every
    record bringing a new key (326 of 1,200 CloudTrail records stored). Now the record is stored,
    its unmapped keys listed in _ignored, and a rule on such a key still finds it (the exact check)."""
    from govsoc.store.elasticsearch import ElasticsearchStore

    assert isinstance(elastic_store, ElasticsearchStore)
    events = [Event(id=make_id("limit", n), timestamp=T0 + timedelta(seconds=n), dataset="aws.cloudtrail",
                    fields={"event.module": "aws", f"aws.cloudtrail.requestParameters.key{n}": f"value{n}"})
              for n in range(40)]
    assert elastic_store.write(events[:1]).created == 1
    index = elastic_store.index_for(events[0])
    client = elastic_store.client
    mapped = len(client.indices.get_field_mapping(index=index, fields="*")[index]["mappings"])
    client.indices.put_settings(index=index, settings={"index.mapping.total_fields.limit": mapped + 10})
    receipt = elastic_store.write(events[1:])
    assert (receipt.created, receipt.rejected) == (39, ())
    elastic_store.refresh()
    assert elastic_store.count(Query()) == 40
    assert _ids(elastic_store, "requestParameters.key39: 'VALUE39'") == {events[39].id}  # past the limit
    assert _ids(elastic_store, "requestParameters.key1: 'value1'") == {events[1].id}
    # R59b-1: a correlation reads each group's events by a term on its group field; one past the limit
    # is not indexed, and its group found nothing (the alert never fired on Elasticsearch)
    owner = "aws.cloudtrail.requestParameters.policyOwner"
    owners = [Event(id=make_id("owner", n), timestamp=T0 + timedelta(minutes=1, seconds=n), dataset="aws.cloudtrail",
                    fields={"event.module": "aws", "aws.cloudtrail.eventName": "PutBucketPolicy", owner: who})
              for n, who in enumerate(["mallory", "mallory", "bob"])]
    assert elastic_store.write(owners).created == 3
    elastic_store.refresh()
    mapped_now = client.indices.get_field_mapping(index=index, fields=owner)[index]["mappings"]
    assert owner not in mapped_now  # past the limit: not indexed
    by_owner = Query(terms={owner: ("mallory",)})
    assert [e.id for e in elastic_store.search(by_owner)] == [owners[0].id, owners[1].id]
    assert elastic_store.count(by_owner) == 2
    assert [e.id for e in elastic_store.search(Query(terms={owner: ("nobody",)}))] == []


def test_an_index_made_by_the_previous_template_takes_vendor_shapes_from_now_on(elastic_store: Store) -> None:
    """R59a-6: after an upgrade, the week's index made by the previous template kept refusing
    records past the field limit, and detected dates in vendor text, until the next week's index."""
    from govsoc.store.elasticsearch import ElasticsearchStore, ecs_mappings

    assert isinstance(elastic_store, ElasticsearchStore)
    client, prefix = elastic_store.client, elastic_store.prefix
    first = Event(id=make_id("older", 0), timestamp=T0, dataset="aws.cloudtrail",
                  fields={"event.module": "aws", "aws.cloudtrail.additionalEventData.x": "a"})
    index = elastic_store.index_for(first)
    mappings = ecs_mappings()
    mappings.pop("date_detection")
    mappings["dynamic_templates"] = mappings["dynamic_templates"][1:]  # no dotted leaves
    mappings["_meta"] = {"govsoc_grams": True, "govsoc_number_text": True}  # the previous template's markers
    template = client.indices.get_index_template(name=f"{prefix}-events")["index_templates"][0]
    settings = template["index_template"]["template"]["settings"]
    settings["index"].pop("mapping", None)
    client.indices.delete_index_template(name=f"{prefix}-events")  # else its mappings merge in
    client.indices.create(index=index, settings=settings, mappings=mappings)
    newer = ElasticsearchStore(elastic_store.settings)
    try:
        later = [Event(id=make_id("older", n), timestamp=T0 + timedelta(seconds=n), dataset="aws.cloudtrail",
                       fields={"event.module": "aws", f"aws.cloudtrail.serviceEventDetails.{key}": "a"})
                 for n, key in ((1, "x"), (2, "x.y"))]
        # a vendor object new to the index holds dotted leaves (before: the last record refused)
        assert [newer.write([event]).created for event in (first, *later)] == [1, 1, 1]
        found = client.indices.get_mapping(index=index)[index]["mappings"]
        assert found["date_detection"] is False and found["_meta"]["govsoc_vendor_shapes"] is True
        limits = client.indices.get_settings(index=index)[index]["settings"]["index"]["mapping"]["total_fields"]
        assert limits["ignore_dynamic_beyond_limit"] == "true"
    finally:
        newer.client.close()


def test_a_key_holding_an_object_exists_and_is_not_null(store: Store) -> None:
    """R59a-5: the Sigma specification's ``exists`` is whether the field is in the event; a key whose
    value is an object is (its keys below it are stored), and ``null`` does not match it. On
    Elasticsearch the object's leaves are fields of their own, so `x|exists` missed it."""
    key = "aws.cloudtrail.requestParameters.x"
    shapes: dict[str, dict[str, Any]] = {"object": {key + ".y": "1"}, "text": {key: "a"}, "absent": {},
                                         "null": {key: None}, "deep": {key + ".y.z": "2"}}
    events = [Event(id=make_id("exists", name), timestamp=T0 + timedelta(seconds=n), dataset="aws.cloudtrail",
                    fields={"event.module": "aws", "aws.cloudtrail.eventName": "PutBucketTagging", **fields})
              for n, (name, fields) in enumerate(shapes.items())]
    assert store.write(events).created == len(events)
    store.refresh()

    def named(*names: str) -> set[str]:
        return {make_id("exists", name) for name in names}

    assert _ids(store, "requestParameters.x|exists: true") == named("object", "text", "deep")
    assert _ids(store, "requestParameters.x|exists: false") == named("absent", "null")
    assert _ids(store, "requestParameters.x: null") == named("absent", "null")
    assert _ids(store, "requestParameters.x.y|exists: true") == named("object", "deep")
