"""SigmaHQ's 16 Kubernetes audit rules, unmodified, each with an audit event that fires it, the same
event in another letter case, and a near miss: the rule fires on the first two and not on the
third, on SQLite and on Elasticsearch. The events are audit.k8s.io/v1 lines as the API server
writes them (--audit-log-path), ingested through the real kubernetes.audit parser and run by the
real detection pass.

Every event here is composed (named so by this docstring), in the shape of the events in
elastic/integrations' Kubernetes audit test log; the values are what each rule's description says.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from govsoc.collectors import ingest_file
from govsoc.rules import detect, load_rules
from govsoc.rules.pipeline import rule_source_status
from govsoc.store.base import Query, Store

KUBERNETES = "sigma/rules/application/kubernetes"
T0 = datetime(2026, 11, 30, 4, 0, tzinfo=UTC)
KINDS = ("hit", "case", "miss")


def audit(verb: str, resource: str, *, group: str = "", sub: str | None = None, namespace: str = "default",
          code: Any = 200, uri: str | None = None, agent: str = "kubectl/v1.30.2", pod: dict[str, Any] | None = None
          ) -> dict[str, Any]:
    """An audit event (ResponseComplete) of one request."""
    ref: dict[str, Any] = {"resource": resource, "namespace": namespace, "name": "x", "apiGroup": group,
                           "apiVersion": "v1"}
    if sub:
        ref["subresource"] = sub
    path = f"/apis/{group}/v1" if group else "/api/v1"
    event: dict[str, Any] = {
        "kind": "Event", "apiVersion": "audit.k8s.io/v1", "level": "Request", "stage": "ResponseComplete",
        "requestURI": uri or f"{path}/namespaces/{namespace}/{resource}/x" + (f"/{sub}" if sub else ""),
        "verb": verb, "user": {"username": "alice", "groups": ["system:authenticated"]},
        "sourceIPs": ["10.20.0.5"], "userAgent": agent, "objectRef": ref,
        "responseStatus": {"metadata": {}, "code": code},
        "annotations": {"authorization.k8s.io/decision": "allow", "authorization.k8s.io/reason": ""}}
    if pod is not None:
        event["requestObject"] = {"kind": "Pod", "apiVersion": "v1", "metadata": {"name": "x"}, "spec": pod}
    return event


HOST_PATH = {"containers": [{"name": "c", "image": "busybox"}],
             "volumes": [{"name": "root", "hostPath": {"path": "/"}}]}
NO_HOST_PATH = {"containers": [{"name": "c", "image": "busybox"}], "volumes": [{"name": "tmp", "emptyDir": {}}]}
CAPS = {"containers": [{"name": "c", "image": "busybox",
                        "securityContext": {"capabilities": {"add": ["SYS_ADMIN"]}}}]}


@dataclass(frozen=True)
class Audit:
    """A rule over audit events: an event that fires it, the same in another case, and a near miss."""

    rule: str
    hit: dict[str, Any]
    case: dict[str, Any]
    miss: dict[str, Any]


AUDIT = [
    # a validating webhook registered; reading one changes nothing
    Audit("audit/kubernetes_audit_change_admission_controller.yml",
          audit("create", "validatingwebhookconfigurations", group="admissionregistration.k8s.io"),
          audit("CREATE", "ValidatingWebhookConfigurations", group="AdmissionRegistration.k8s.io"),
          audit("get", "validatingwebhookconfigurations", group="admissionregistration.k8s.io")),
    # a cron job patched; listing them is not a change
    Audit("audit/kubernetes_audit_cronjob_modification.yml", audit("patch", "cronjobs", group="batch"),
          audit("PATCH", "CronJobs", group="BATCH"), audit("list", "cronjobs", group="batch")),
    # a deployment deleted; scaling (patch) is not deleting
    Audit("audit/kubernetes_audit_deployment_deleted.yml", audit("delete", "deployments", group="apps"),
          audit("DELETE", "Deployments", group="apps"), audit("patch", "deployments", group="apps")),
    # events deleted (covering tracks); reading them is routine
    Audit("audit/kubernetes_audit_events_deleted.yml", audit("delete", "events"), audit("DELETE", "EVENTS"),
          audit("list", "events")),
    # kubectl exec; kubectl logs reads the log subresource
    Audit("audit/kubernetes_audit_exec_into_container.yml", audit("create", "pods", sub="exec"),
          audit("CREATE", "PODS", sub="EXEC"), audit("get", "pods", sub="log")),
    # a pod mounting the node's / ; an emptyDir is the pod's own scratch space
    Audit("audit/kubernetes_audit_hostpath_mount.yml", audit("create", "pods", pod=HOST_PATH),
          audit("CREATE", "Pods", pod=HOST_PATH), audit("create", "pods", pod=NO_HOST_PATH)),
    # a pod created in kube-system; in default it is an ordinary workload
    Audit("audit/kubernetes_audit_pod_in_system_namespace.yml", audit("create", "pods", namespace="kube-system"),
          audit("CREATE", "PODS", namespace="KUBE-SYSTEM"), audit("create", "pods", namespace="default")),
    # the rule wants responseStatus.code 'ALLOW' (an HTTP status number in real events, so this row's
    # code is composed to what the rule says) and a shell in the request; 200 with a shell is not it
    Audit("audit/kubernetes_audit_potential_enumeration_activity.yml",
          audit("create", "pods", sub="exec", code="ALLOW",
                uri="/api/v1/namespaces/default/pods/x/exec?command=%2fbin%2fsh&stdin=true"),
          audit("create", "pods", sub="exec", code="allow",
                uri="/api/v1/namespaces/default/pods/x/exec?command=%2FBIN%2FSH&stdin=true"),
          audit("create", "pods", sub="exec", code=200,
                uri="/api/v1/namespaces/default/pods/x/exec?command=%2fbin%2fsh&stdin=true")),
    # a container adding a capability; a pod that adds none is not privileged by it
    Audit("audit/kubernetes_audit_privileged_pod_creation.yml", audit("create", "pods", pod=CAPS),
          audit("CREATE", "PODS", pod=CAPS), audit("create", "pods", pod=NO_HOST_PATH)),
    # "what may I do here?" asked of the API (apiGroup is the object's group); an access review is another resource
    Audit("audit/kubernetes_audit_rbac_permisions_listing.yml",
          audit("create", "selfsubjectrulesreviews", group="authorization.k8s.io"),
          audit("CREATE", "SelfSubjectRulesReviews", group="AUTHORIZATION.K8S.IO"),
          audit("create", "selfsubjectaccessreviews", group="authorization.k8s.io")),
    # a cluster role binding created; reading bindings changes nothing
    Audit("audit/kubernetes_audit_rolebinding_modification.yml",
          audit("create", "clusterrolebindings", group="rbac.authorization.k8s.io"),
          audit("CREATE", "ClusterRoleBindings", group="RBAC.authorization.k8s.io"),
          audit("get", "clusterrolebindings", group="rbac.authorization.k8s.io")),
    # secrets listed; one secret read by name is not enumeration
    Audit("audit/kubernetes_audit_secrets_enumeration.yml", audit("list", "secrets"), audit("LIST", "SECRETS"),
          audit("get", "secrets")),
    # a secret deleted; watching secrets changes nothing
    Audit("audit/kubernetes_audit_secrets_modified_or_deleted.yml", audit("delete", "secrets"),
          audit("DELETE", "Secrets"), audit("watch", "secrets")),
    # a service account created; its token requested is another resource
    Audit("audit/kubernetes_audit_serviceaccount_creation.yml", audit("create", "serviceaccounts"),
          audit("CREATE", "ServiceAccounts"), audit("create", "tokenreviews", group="authentication.k8s.io")),
    # a deployment patched (a sidecar added); a patch of its scale subresource in autoscaling is not apps
    Audit("audit/kubernetes_audit_sidecar_injection.yml", audit("patch", "deployments", group="apps"),
          audit("PATCH", "DEPLOYMENTS", group="APPS"), audit("patch", "deployments", group="autoscaling")),
    # 403 Forbidden (a number in the rule and in the event); 404 is no refusal
    Audit("audit/kubernetes_audit_unauthorized_unauthenticated_actions.yml", audit("get", "secrets", code=403),
          audit("GET", "SECRETS", code=403), audit("get", "secrets", code=404)),
]


def test_every_kubernetes_rule_has_its_row(corpus: Path) -> None:
    names = [row.rule for row in AUDIT]
    assert len(set(names)) == len(names) == 16
    ruleset = load_rules([corpus / KUBERNETES])
    assert ruleset.errors == []
    active = {ruleset.files[str(r.id)].relative_to(corpus / KUBERNETES).as_posix()
              for r in ruleset.rules if rule_source_status(r)[0]}
    assert active == set(names)


def write_events(log: Path) -> dict[str, tuple[str, str]]:
    """audit.log; returns auditID -> (rule, kind)."""
    owners: dict[str, tuple[str, str]] = {}
    with log.open("w", encoding="utf-8") as out:
        for n, row in enumerate(AUDIT):
            for k, kind in enumerate(KINDS):
                audit_id = f"a-{n}-{kind}"
                stamp = (T0 + timedelta(seconds=3 * n + k)).isoformat().replace("+00:00", "Z")
                event = {**getattr(row, kind), "auditID": audit_id, "requestReceivedTimestamp": stamp,
                         "stageTimestamp": stamp}
                out.write(json.dumps(event) + "\n")
                owners[audit_id] = (row.rule, kind)
    return owners


@pytest.mark.es
@pytest.mark.parametrize("kind", ["sqlite", "elasticsearch"])
def test_kubernetes_rules_fire_on_their_events_only(kind: str, request: pytest.FixtureRequest, corpus: Path,
                                                    tmp_path: Path) -> None:
    store: Store = request.getfixturevalue("sqlite_store" if kind == "sqlite" else "elastic9_store")
    log = tmp_path / "audit.log"
    owners = write_events(log)
    summary = ingest_file(log, parser_id="kubernetes.audit", store=store, data_dir=tmp_path / "state")
    assert (summary.receipt.created, summary.parse_failures) == (3 * len(AUDIT), 0)
    ruleset = load_rules([corpus / KUBERNETES / row.rule for row in AUDIT])
    result = detect(store, ruleset)
    assert (result.rules, result.failed, result.no_source) == (len(AUDIT), [], {})
    audit_id = {e.id: e.get("kubernetes.audit.auditID") for e in store.search(Query())}
    fired: dict[str, set[str]] = {}
    for alert in store.alerts():
        rule = ruleset.files[alert.rule_id].relative_to(corpus / KUBERNETES).as_posix()
        fired.setdefault(rule, set()).update(owners[audit_id[e]][1] for e in alert.event_ids
                                             if owners[audit_id[e]][0] == rule)
    assert {row.rule: fired.get(row.rule, set()) for row in AUDIT} == {row.rule: {"hit", "case"} for row in AUDIT}
