"""The day of the 政务云's control planes, in the files their collectors read: Alibaba Cloud
ActionTrail events (as delivered to OSS/SLS, one JSON a line; the 政务云 runs Apsara Stack),
Huawei Cloud CTS traces (the CTS v3 API's form) and the Kubernetes API server's audit log
(audit.k8s.io/v1 events, one a line). Attacks: a security group opened to 0.0.0.0/0, the audit
trail stopped, an AccessKey created by a stranger, a CTS tracker deleted and a console login
without MFA, exec into a pod, a Secret read and a privileged pod created.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from govsoc.demo.day import Day
from govsoc.demo.truth import Attack

__all__ = ["ACTIONTRAIL", "CTS", "K8S", "cloud_day"]

ACTIONTRAIL, CTS, K8S = "cloud/actiontrail.json", "cloud/huaweicloud_cts.json", "cloud/k8s_audit.log"
OPS = ("ops-wang", "ops-li", "ops-chen")
READS = ("DescribeInstances", "DescribeSecurityGroups", "DescribeDisks", "DescribeVpcs", "ListBuckets")


def _utc(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _trail(day: Day, when: datetime, name: str, user: str, ip: str, **parameters: str) -> None:
    read = name.startswith(("Describe", "List", "Get"))
    event = {"eventId": f"{day.rng.getrandbits(64):016X}", "eventVersion": 1, "eventTime": _utc(when),
             "eventSource": "ecs.aliyuncs.com", "eventName": name, "eventType": "ApiCall",
             "eventRW": "Read" if read else "Write", "eventCategory": "Management", "acsRegion": "cn-hangzhou",
             "serviceName": "Ecs", "sourceIpAddress": ip, "userAgent": "aliyun-cli/3.0.200",
             "userIdentity": {"type": "ram-user", "principalId": "2000000001", "accountId": "1000000001",
                              "accessKeyId": "LTAI4G0000000001", "userName": user},
             "requestId": f"{day.rng.getrandbits(64):016X}", "apiVersion": "2014-05-26",
             "requestParameters": parameters}
    day.add(ACTIONTRAIL, when, json.dumps(event, ensure_ascii=False))


def _cts(day: Day, when: datetime, trace: str, service: str, user: str, ip: str, trace_type: str = "ApiCall",
         code: int = 200, mfa: bool | None = None, **extra: Any) -> None:
    """One CTS trace; ``mfa``: whether the user's session passed MFA (the CTS v3 trace's
    user.session_context.attributes.mfa_authenticated, a "true"/"false" string)."""
    ms = int(when.timestamp() * 1000)
    who: dict[str, Any] = {"name": user, "id": f"u-{user}", "domain": {"name": "zwy-city", "id": "d0001"}}
    if mfa is not None:
        who["session_context"] = {"attributes": {"created_at": str(ms), "mfa_authenticated": str(mfa).lower()}}
    doc = {"time": ms, "user": who,
           "code": code, "service_type": service, "resource_type": "user" if service == "IAM" else "tracker",
           "resource_name": user, "source_ip": ip, "trace_name": trace, "trace_rating": "normal",
           "trace_type": trace_type, "record_time": ms + 20, "trace_id": f"{day.rng.getrandbits(64):016x}", **extra}
    day.add(CTS, when, json.dumps(doc, ensure_ascii=False))


def _k8s(day: Day, when: datetime, verb: str, user: str, ip: str, resource: str, name: str, namespace: str,
         subresource: str | None = None, request: dict[str, Any] | None = None) -> None:
    ref: dict[str, Any] = {"resource": resource, "namespace": namespace, "name": name, "apiVersion": "v1"}
    if subresource:
        ref["subresource"] = subresource
    uri = f"/api/v1/namespaces/{namespace}/{resource}" + (f"/{name}" if verb != "create" or subresource else "")
    event: dict[str, Any] = {
        "kind": "Event", "apiVersion": "audit.k8s.io/v1", "level": "Request" if request else "Metadata",
        "auditID": f"{day.rng.getrandbits(128):032x}", "stage": "ResponseComplete",
        "requestURI": uri + (f"/{subresource}" if subresource else ""), "verb": verb,
        "user": {"username": user, "groups": ["system:authenticated"]}, "sourceIPs": [ip],
        "userAgent": "kubectl/v1.28.2", "objectRef": ref, "responseStatus": {"metadata": {}, "code": 200},
        "requestReceivedTimestamp": when.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z"),
        "stageTimestamp": when.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z"),
        "annotations": {"authorization.k8s.io/decision": "allow", "authorization.k8s.io/reason": ""}}
    if request:
        event["requestObject"] = request
    day.add(K8S, when, json.dumps(event, ensure_ascii=False))


def cloud_day(day: Day) -> None:
    """Background reads and the cloud attacks."""
    city, rng = day.city, day.rng
    for _ in range(city.scale.busy * 20):
        when = day.any_time(8, 19)
        _trail(day, when, rng.choice(READS), rng.choice(OPS), city.bastion)
        _k8s(day, day.any_time(0, 24), rng.choice(("get", "list", "watch")), "system:serviceaccount:ywtb:deployer",
             "10.200.0.5", rng.choice(("pods", "configmaps", "services")), f"ywtb-{rng.randrange(9)}", "ywtb")
    for hour in range(8, 19):
        _cts(day, day.at(hour, rng.randrange(60)), "login", "IAM", rng.choice(OPS), city.bastion, "ConsoleAction",
             302, mfa=True)
    _alibaba_attacks(day)
    _huawei_attacks(day)
    _kubernetes_attacks(day)


def _alibaba_attacks(day: Day) -> None:
    cases = (
        ("cloud-sg-open", "安全组向0.0.0.0/0开放3389", "dev-zhang", day.at(11, 5, 0), "AuthorizeSecurityGroup",
         {"SecurityGroupId": "sg-zwy0001", "IpProtocol": "tcp", "PortRange": "3389/3389",
          "SourceCidrIp": "0.0.0.0/0"}, ("alibaba_security_group_open_to_world.yml",)),
        ("cloud-trail-stopped", "操作审计(ActionTrail)被停止", "tmp-ops", day.at(22, 48, 13), "StopLogging",
         {"Name": "zwy-audit-trail"}, ("alibaba_trail_stopped.yml",)),
        ("cloud-accesskey-created", "为RAM用户新建AccessKey", "ci-bot", day.at(22, 51, 40), "CreateAccessKey",
         {"UserName": "tmp-ops"}, ("alibaba_access_key_created.yml",)),
    )
    for ident, title, user, when, name, parameters, rules in cases:
        ip = day.public_ip()
        _trail(day, when, name, user, ip, **parameters)
        day.plant(Attack(id=ident, kind="cloud misconfiguration", title=f"阿里云{title}", source=ACTIONTRAIL,
                         channel="file", start=when, records=1, ips=frozenset({ip}), names=frozenset({user}),
                         rules=rules))


def _huawei_attacks(day: Day) -> None:
    ip, when = day.public_ip(), day.at(23, 30, 2)
    _cts(day, when, "login", "IAM", "hw-tmp", ip, "ConsoleAction", 302, mfa=False)
    _cts(day, when + timedelta(minutes=3), "deleteTracker", "CTS", "hw-tmp", ip, "ApiCall", 204)
    day.plant(Attack(id="cts-tracker-deleted", kind="cloud misconfiguration", title="华为云无MFA登录后删除CTS追踪器",
                     source=CTS, channel="file", start=when, records=2, ips=frozenset({ip}),
                     names=frozenset({"hw-tmp"}), rules=("huaweicloud_cts_tracker_deleted.yml",
                                                         "huaweicloud_console_login_without_mfa.yml")))


def _kubernetes_attacks(day: Day) -> None:
    ip, when = day.city.agencies[0].host(249), day.at(19, 12, 7)
    _k8s(day, when, "create", "dev-li", ip, "pods", "ywtb-api-7d9f", "ywtb", subresource="exec")
    _k8s(day, when + timedelta(seconds=50), "get", "dev-li", ip, "secrets", "ywtb-db-password", "ywtb")
    _k8s(day, when + timedelta(seconds=95), "create", "dev-li", ip, "pods", "debug-tools", "ywtb",
         request={"kind": "Pod", "spec": {"hostPID": True, "containers": [
             {"name": "debug", "image": "alpine:3.19", "securityContext": {"privileged": True}}]}})
    day.plant(Attack(id="k8s-exec-secret-privileged", kind="container",
                     title="进入容器执行命令、读取Secret并创建特权Pod",
                     source=K8S, channel="file", start=when, records=3, ips=frozenset({ip}),
                     names=frozenset({"dev-li"}),
                     rules=("kubernetes_exec_into_pod.yml", "kubernetes_secret_read_by_user.yml",
                            "kubernetes_privileged_pod.yml")))
