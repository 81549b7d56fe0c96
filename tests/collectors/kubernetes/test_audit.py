"""Kubernetes audit events (collectors.kubernetes.audit).

Samples: elastic/integrations packages/kubernetes/data_stream/audit_logs/_dev/test/pipeline/
test-audit.log (Elastic License 2.0), unless marked composed.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govsoc.collectors.base import ParseContext, RawRecord
from govsoc.collectors.detect import detect_lines
from govsoc.collectors.kubernetes.audit import KubernetesAuditParser
from govsoc.core.errors import ParseError

CONTEXT = ParseContext(timezone=ZoneInfo("UTC"), reference=datetime(2026, 11, 30, tzinfo=UTC))

GET_POD = ('{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"abcde12345","stage":'
           '"ResponseComplete","requestURI":"/api/v1/namespaces/default/pods","verb":"get","user":{"username":'
           '"system:serviceaccounts:default:default","uid":"12345678","groups":["system:authenticated"]},"sourceIPs":'
           '["67.43.156.1"],"userAgent":"kubectl/v1.26.1","objectRef":{"resource":"pods","namespace":"default","name":'
           '"my-pod","apiGroup":"","apiVersion":"v1"},"responseStatus":{"metadata":{},"code":200},'
           '"requestReceivedTimestamp":"2025-03-04T06:22:18.819232Z","stageTimestamp":"2025-03-04T06:22:18.822532Z",'
           '"annotations":{"authorization.k8s.io/decision":"allow","authorization.k8s.io/reason":""}}')
AKS = ('{"category":"kube-audit-admin","operationName":"Microsoft.ContainerService/managedClusters/diagnosticLogs/'
       'Read","properties":{"containerID":"aaaa1111","log":{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":'
       '"Metadata","auditID":"abcde12345","stage":"ResponseComplete","requestURI":"/apis/coordination.k8s.io/v1/'
       'namespaces/kube-system/leases/elastic-agent-cluster-test","verb":"update","user":{"username":"aksService",'
       '"groups":["system:masters","system:authenticated"],"extra":{}},"sourceIPs":["67.43.156.1"],"userAgent":'
       '"elastic-agent/v0.0.0 (linux/amd64) kubernetes/$Format","objectRef":{"resource":"leases","namespace":'
       '"kube-system","name":"elastic-agent-cluster-test","uid":"12345678","apiGroup":"coordination.k8s.io",'
       '"apiVersion":"v1","resourceVersion":"12345678"},"responseStatus":{"metadata":{},"code":200},'
       '"requestReceivedTimestamp":"2025-09-30T06:23:35.091134Z","stageTimestamp":"2025-09-30T06:23:35.101182Z",'
       '"annotations":{"authorization.k8s.io/decision":"allow","authorization.k8s.io/reason":""}},"pod":'
       '"kube-apiserver-1234567890","stream":"stdout"},"time":"2025-09-30T06:23:35.101355367Z"}')
# composed: a forbidden read of a Secret that logged its response object (which must not be stored)
SECRET = json.dumps({"kind": "Event", "apiVersion": "audit.k8s.io/v1", "level": "RequestResponse", "auditID": "a1",
                     "stage": "ResponseComplete", "verb": "get", "requestURI": "/api/v1/namespaces/prod/secrets/db",
                     "user": {"username": "mallory"}, "sourceIPs": ["10.9.9.9", "10.0.0.1"],
                     "objectRef": {"resource": "secrets", "namespace": "prod", "name": "db"},
                     "responseStatus": {"code": 403},
                     "responseObject": {"kind": "Secret", "data": {"password": "aHVudGVyMg=="}},
                     "stageTimestamp": "2026-01-01T00:00:00Z",
                     "annotations": {"authorization.k8s.io/decision": "forbid"}})


def fields_of(line: str) -> list[dict[str, Any]]:
    events = KubernetesAuditParser().parse(RawRecord(data=line.encode(), origin="file:///audit.log", offset=0),
                                           CONTEXT)
    return [{"@timestamp": e.timestamp, "id": e.id, **e.fields} for e in events]


@pytest.mark.parametrize(("line", "expected"), [
    # a read of a pod: access, allowed; the raw keys stay where Sigma's Kubernetes rules look
    (GET_POD, {"@timestamp": datetime(2025, 3, 4, 6, 22, 18, 822532, tzinfo=UTC), "event.action": "get",
               "event.type": ["access", "allowed"], "event.category": ["api"], "source.ip": "67.43.156.1",
               "user.name": "system:serviceaccounts:default:default", "orchestrator.resource.type": "pods",
               "orchestrator.namespace": "default", "event.outcome": "success", "http.response.status_code": 200,
               "kubernetes.audit.verb": "get", "kubernetes.audit.objectRef.resource": "pods"}),
    # AKS wraps the event in its diagnostics record
    (AKS, {"event.action": "update", "event.type": ["change", "allowed"], "user.name": "aksService",
           "orchestrator.resource.name": "elastic-agent-cluster-test"}),
    # a denied Secret read: configuration, denied, failure; the proxy chain is in related.ip
    (SECRET, {"event.category": ["api", "configuration"], "event.type": ["access", "denied"],
              "event.outcome": "failure", "source.ip": "10.9.9.9", "related.ip": ["10.0.0.1", "10.9.9.9"],
              "kubernetes.audit.responseObject.kind": "Secret"}),
])
def test_audit_events(line: str, expected: dict[str, Any]) -> None:
    (fields,) = fields_of(line)
    for name, value in expected.items():
        assert fields.get(name) == value, name


def test_a_secret_in_a_response_object_is_not_stored() -> None:
    (fields,) = fields_of(SECRET)
    assert not any("aHVudGVyMg" in str(v) for k, v in fields.items() if k != "event.original")


def test_an_event_list_gives_one_event_per_item() -> None:
    batch = json.dumps({"kind": "EventList", "apiVersion": "audit.k8s.io/v1", "metadata": {},
                        "items": [json.loads(GET_POD), json.loads(SECRET)]})
    events = fields_of(batch)
    assert [e["event.action"] for e in events] == ["get", "get"] and len({e["id"] for e in events}) == 2


def test_audit_lines_are_recognised() -> None:
    assert detect_lines([GET_POD, SECRET], "linux.auth") == "kubernetes.audit"


@pytest.mark.parametrize(("line", "reason"), [
    ('{"kind": "Event", "apiVersion": "v1"}', "not a Kubernetes audit event"),
    ('{"apiVersion": "audit.k8s.io/v1", "auditID": "x", "stageTimestamp": "late"}', "not RFC 3339"),
])
def test_bad_events_say_why(line: str, reason: str) -> None:
    with pytest.raises(ParseError, match=reason):
        fields_of(line)


VALUES = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=8),
                      lambda c: st.lists(c, max_size=3) | st.dictionaries(st.sampled_from(
                          ["apiVersion", "auditID", "verb", "user", "username", "objectRef", "resource",
                           "responseStatus", "code", "sourceIPs", "stageTimestamp", "annotations", "items",
                           "properties", "log", "requestObject"]), c, max_size=5))


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=200), VALUES.map(json.dumps),
                 st.fixed_dictionaries({"apiVersion": st.just("audit.k8s.io/v1"), "auditID": st.text(max_size=3),
                                        "stageTimestamp": st.just("2026-01-01T00:00:00Z")},
                                       optional={"verb": VALUES, "user": VALUES, "objectRef": VALUES,
                                                 "responseStatus": VALUES, "sourceIPs": VALUES,
                                                 "annotations": VALUES, "requestObject": VALUES}).map(json.dumps)))
def test_arbitrary_input_gives_events_or_parse_errors(line: str) -> None:
    try:
        fields_of(line)
    except ParseError:
        pass
