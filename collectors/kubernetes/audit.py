"""Kubernetes API server audit events (``audit.k8s.io/v1``, one JSON object per line, or an
``EventList`` batch as a webhook receives it): the ``kubernetes.audit`` parser.

Stage: collectors (parse + normalise), per reference log-formats.md 12 and Elastic's Kubernetes
audit integration. Every key of the event stays under ``kubernetes.audit.*`` (Sigma's Kubernetes
rules name them: ``verb``, ``objectRef.resource``); the ECS fields below are filled besides them.
``requestObject`` and ``responseObject`` can hold Secrets: their values are not kept, only their
kind, unless the source says otherwise (``keep_objects``); of a created pod, the host paths,
added capabilities and privilege it asks for are kept (``hostPath``, ``capabilities``,
``privileged``), which SigmaHQ's rules read. AKS's diagnostic wrapper
(``properties.log``) is unwrapped.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from govsoc.collectors.base import ParseContext, RawRecord, parsers
from govsoc.collectors.json_records import flat, json_objects, pick
from govsoc.core.errors import ParseError
from govsoc.core.event import Event, parse_timestamp

PREFIX = "kubernetes.audit."
#: Audit event key (dotted) -> ECS field, filled besides kubernetes.audit.<key>.
FIELDS: dict[str, str] = {
    "verb": "event.action", "requestURI": "url.original", "user.username": "user.name", "user.uid": "user.id",
    "impersonatedUser.username": "user.effective.name", "userAgent": "user_agent.original",
    "objectRef.resource": "orchestrator.resource.type", "objectRef.name": "orchestrator.resource.name",
    "objectRef.namespace": "orchestrator.namespace", "objectRef.apiVersion": "orchestrator.api_version",
    "responseStatus.code": "http.response.status_code",
}
#: Verb -> event.type (reference 12).
VERB_TYPES: dict[str, str] = {"create": "creation", "delete": "deletion", "deletecollection": "deletion",
                              "update": "change", "patch": "change", "get": "access", "list": "access",
                              "watch": "access"}
#: Resources whose changes are identity and access management, and configuration.
IAM_RESOURCES = frozenset({"roles", "rolebindings", "clusterroles", "clusterrolebindings", "serviceaccounts",
                           "certificatesigningrequests", "tokenreviews", "subjectaccessreviews"})
CONFIG_RESOURCES = frozenset({"configmaps", "secrets", "customresourcedefinitions", "validatingwebhookconfigurations",
                              "mutatingwebhookconfigurations", "networkpolicies", "podsecuritypolicies"})
#: Objects a request or response carries whose values are not stored (they may hold Secrets).
OBJECTS = ("requestObject", "responseObject")


@parsers.register("kubernetes.audit")
class KubernetesAuditParser:
    """Kubernetes audit log lines (``--audit-log-path``) and webhook EventList batches."""

    dataset = "kubernetes.audit"
    keep_objects = False
    #: Its events' ids are final (collectors.base.keeps_own_ids): auditID and stage, as reference
    #: 12 says (one request, one event per stage), with what the API server itself records of the
    #: request (:data:`FACTS`), so a record read from a copy, a rotated name or a second folder is
    #: the same event (R49a-1).
    own_ids = True

    def parse(self, record: RawRecord, context: ParseContext) -> Iterator[Event]:
        """One event per audit event (per stage); ParseError when the line holds none."""
        del context  # audit timestamps are RFC 3339 with a zone
        text = record.text()
        for index, doc in enumerate(json_objects(text, batch_keys=("items",))):
            doc = _unwrapped(doc)
            if str(doc.get("apiVersion", "")).split("/")[0] != "audit.k8s.io" or "auditID" not in doc:
                raise ParseError("not a Kubernetes audit event (no apiVersion audit.k8s.io/* and auditID)")
            stamp = doc.get("stageTimestamp") or doc.get("requestReceivedTimestamp")
            try:
                when = parse_timestamp(str(stamp))
            except ValueError:
                raise ParseError(f"stageTimestamp {stamp!r} is not RFC 3339") from None
            fields = self._fields(doc)
            fields["event.original"] = text
            if record.file_path:
                fields["log.file.path"] = record.file_path_text
            own = record.own_event_id(self.dataset, (doc.get("auditID"), doc.get("stage"), _facts(doc)), index)
            yield Event(id=own, timestamp=when, dataset=self.dataset, fields=fields)

    def _fields(self, doc: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = pod_facts(doc.get("requestObject"))
        for key in OBJECTS:
            value = doc.pop(key, None)
            if isinstance(value, dict) and not self.keep_objects:
                out[f"{PREFIX}{key}.kind"] = str(value.get("kind", ""))
            elif value is not None:
                out[f"{PREFIX}{key}"] = json.dumps(value, ensure_ascii=False, sort_keys=True)
        for name, value in flat(doc, ""):
            out[PREFIX + name] = value
            if name in FIELDS:
                out[FIELDS[name]] = value
        sources = doc.get("sourceIPs") if isinstance(doc.get("sourceIPs"), list) else []
        if sources:
            out["source.ip"] = sources[0]
            out["related.ip"] = sorted(set(map(str, sources)))
        users = [u for u in (pick(doc, "user.username"), pick(doc, "impersonatedUser.username")) if u]
        if users:
            out["related.user"] = sorted(set(map(str, users)))
        out.update(_categories(doc))
        out.update({"orchestrator.type": "kubernetes", "event.module": "kubernetes", "event.kind": "event"})
        return out


#: What the API server records of a request beside its auditID, in an event's own id. The auditID
#: alone is not the record's: kube-apiserver keeps a client's Audit-ID header as it is
#: (k8s.io/apiserver withAuditInit), and an aggregated API server logs the aggregator's, so two
#: requests (a `get pods`, then a `get secrets` under the same header) were one event, the Secret
#: read never stored nor alerted on (R51b-1). The server's own times are in it: no client sets them.
FACTS = ("requestReceivedTimestamp", "stageTimestamp", "verb", "requestURI", "user", "impersonatedUser",
         "sourceIPs", "objectRef", "responseStatus")


def _facts(doc: dict[str, Any]) -> str:
    """The record's :data:`FACTS` as one text, the same for a copy of the record however its JSON is
    spaced or ordered."""
    return json.dumps([doc.get(key) for key in FACTS], sort_keys=True, ensure_ascii=False, default=str)


def pod_facts(request: object) -> dict[str, Any]:
    """What a created pod asks of its node, from the request object (kept though the object
    itself is not): the host paths its volumes mount, the capabilities its containers add, and
    whether one is privileged. Under the names SigmaHQ's rules read (``hostPath``,
    ``capabilities``)."""
    if not isinstance(request, dict) or request.get("kind") != "Pod":
        return {}
    spec: dict[str, Any] = request["spec"] if isinstance(request.get("spec"), dict) else {}
    paths = [str(pick(v, "hostPath.path")) for v in _items(spec, "volumes") if pick(v, "hostPath.path")]
    containers = [c for key in ("containers", "initContainers", "ephemeralContainers") for c in _items(spec, key)]
    added = [str(cap) for c in containers for cap in _listed(pick(c, "securityContext.capabilities.add"))]
    privileged = any(pick(c, "securityContext.privileged") is True for c in containers)
    facts: dict[str, Any] = {}
    if paths:
        facts[PREFIX + "hostPath"] = paths
    if added:
        facts[PREFIX + "capabilities"] = added
    if privileged:
        facts[PREFIX + "privileged"] = True
    return facts


def _items(doc: dict[str, Any], key: str) -> list[dict[str, Any]]:
    """The objects listed under ``key`` (nothing when it is not a list of objects)."""
    value = doc.get(key)
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _listed(value: object) -> list[object]:
    return value if isinstance(value, list) else []


def _unwrapped(doc: dict[str, Any]) -> dict[str, Any]:
    """The audit event inside a cloud wrapper (AKS diagnostics: ``properties.log``, as an object or
    a JSON string)."""
    inner = pick(doc, "properties.log")
    if isinstance(inner, str) and inner.startswith("{"):
        try:
            inner = json.loads(inner)
        except ValueError:
            return doc
    return inner if isinstance(inner, dict) else doc


def _categories(doc: dict[str, Any]) -> dict[str, Any]:
    resource = str(pick(doc, "objectRef.resource") or "")
    category = ["api"]
    if resource in IAM_RESOURCES:
        category.append("iam")
    elif resource in CONFIG_RESOURCES:
        category.append("configuration")
    verb = doc.get("verb")
    types = [VERB_TYPES[verb]] if isinstance(verb, str) and verb in VERB_TYPES else ["info"]
    decision = pick(doc, "annotations") or {}
    verdict = decision.get("authorization.k8s.io/decision") if isinstance(decision, dict) else None
    if verdict in ("allow", "forbid"):
        types.append("allowed" if verdict == "allow" else "denied")
    out: dict[str, Any] = {"event.category": category, "event.type": types}
    code = pick(doc, "responseStatus.code")
    if isinstance(code, int) and not isinstance(code, bool):
        out["event.outcome"] = "failure" if code >= 400 else "success"
    return out
