"""Cloud audit trails (collectors.cloud): AWS CloudTrail, Alibaba Cloud ActionTrail, Huawei Cloud CTS.

Samples, each marked at its row:
- [elastic] elastic/integrations packages/aws/data_stream/cloudtrail/_dev/test/pipeline/
  test-console-login-json.log (Elastic License 2.0), AWS's own documentation examples;
- [aliyun] the event example in Alibaba Cloud's ActionTrail API reference (LookupEvents), as
  quoted in its SDKs (Apache 2.0);
- [huawei] Huawei Cloud SMN's CTS example (its documentation) and opentelekomcloud
  python-otcextensions tests/unit/sdk/cts/v1/test_trace.py (Apache 2.0);
- [composed] edge cases written here.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govsoc.collectors import ingest_file
from govsoc.collectors.base import ParseContext, RawRecord, parsers
from govsoc.collectors.detect import detect_parser
from govsoc.core.errors import ParseError
from govsoc.store.base import Query
from govsoc.store.sqlite import SqliteStore

CONTEXT = ParseContext(timezone=ZoneInfo("Asia/Shanghai"), reference=datetime(2026, 11, 30, tzinfo=UTC))

# [elastic] a successful and a failed console login of IAM users, and a failed one of an assumed role
CONSOLE_OK = ('{"eventVersion":"1.05","userIdentity":{"type":"IAMUser","principalId":"AIDACKCEVSQ6C2EXAMPLE","arn":'
              '"arn:aws:iam::111122223333:user/JohnDoe","accountId":"111122223333","userName":"JohnDoe"},"eventTime":'
              '"2014-07-16T15:49:27Z","eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","awsRegion":'
              '"us-east-2","sourceIPAddress":"89.160.20.156","userAgent":"Mozilla/5.0 (Windows NT 6.1; WOW64; rv:24.0)'
              ' Gecko/20100101 Firefox/24.0","requestParameters":null,"responseElements":{"ConsoleLogin":"Success"},'
              '"additionalEventData":{"MobileVersion":"No","LoginTo":"https://console.aws.amazon.com/s3/","MFAUsed":'
              '"No"},"eventID":"3fcfb182-98f8-4744-bd45-10aEXAMPLE"}')
CONSOLE_ROLE_FAIL = ('{"eventVersion":"1.05","userIdentity":{"type":"AssumedRole","principalId":"AROAIDPPEZS35WEXAMPLE:'
                     'AssumedRoleSessionName","arn":"arn:aws:sts::123456789012:assumed-role/RoleToBeAssumed/MySession'
                     'Name","accountId":"123456789012","accessKeyId":"AKIAIOSFODNN7EXAMPLE","sessionContext":{"attrib'
                     'utes":{"mfaAuthenticated":"false","creationDate":"20131102T010628Z"},"sessionIssuer":{"type":'
                     '"Role","principalId":"AROAIDPPEZS35WEXAMPLE","arn":"arn:aws:iam::123456789012:role/RoleToBeAss'
                     'umed","accountId":"123456789012","userName":"RoleToBeAssumed"}}},"eventTime":"2014-07-08T17:35:'
                     '27Z","eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","awsRegion":"us-east-2",'
                     '"sourceIPAddress":"89.160.20.156","userAgent":"Mozilla/5.0","errorMessage":"Failed authentica'
                     'tion","requestParameters":null,"responseElements":{"ConsoleLogin":"Failure"},"additionalEvent'
                     'Data":{"MobileVersion":"No","LoginTo":"https://console.aws.amazon.com/sns","MFAUsed":"No"},'
                     '"eventID":"11ea990b-4678-4bcd-8fbe-625EXAMPLE"}')
# [aliyun] a RAM user's DescribeInstances call (the documentation masks parts of ids and the address)
ACTIONTRAIL = ('{"eventId":"239EB588-CD24-522E-B0B5-174A1A58****","eventVersion":1,"eventSource":"ecs.cn-hangzhou.'
               'aliyuncs.com","sourceIpAddress":"10.10.**.**","eventType":"ApiCall","userIdentity":{"accountId":'
               '"104758519118****","principalId":"24549429003625****","type":"ram-user","userName":"alice"},'
               '"serviceName":"Ecs","apiVersion":"2016-01-20","requestId":"239EB588-CD24-522E-B0B5-174A1A588BE0",'
               '"eventTime":"2021-08-05T09:21:32Z","isGlobal":false,"acsRegion":"cn-hangzhou","eventName":'
               '"DescribeInstances"}')
# [huawei] SMN's createTopic trace in the documentation's form (time as text with its offset)
CTS_DOC = ('{"time":"2017-02-15 14:21:50 GMT+08:00","user":"xxx","request":"xxx","response":"xxx","code":200,'
           '"service_type":"SMN","resource_type":"topic","resource_id":"topicUrn instance","source_ip":"127.0.0.1",'
           '"trace_name":"createTopic","trace_rating":"normal","trace_type":"ApiCall","api_version":"2.0",'
           '"project_id":"tenantId instance","record_time":"2017-02-15 14:21:50 GMT+08:00","trace_id":"xxx"}')
# [huawei] an IAM console login trace as the API returns it (epoch milliseconds, code 302)
CTS_API = ('{"time":1534748957969,"user":"{some crazy used struct}","code":302,"service_type":"IAM","resource_type":'
           '"user","resource_name":"username","resource_id":"some_Resource_id","source_ip":"8.8.8.8","trace_name":'
           '"login","trace_rating":"normal","trace_type":"ConsoleAction","record_time":1534748957990,"trace_id":'
           '"68d5745e-6af2-40e4-945d-fe449be00148"}')


def parse(parser_id: str, line: str) -> list[dict[str, Any]]:
    parser = parsers.get(parser_id)()
    events = parser.parse(RawRecord(data=line.encode(), origin="file:///trail.json", offset=0), CONTEXT)
    return [{"@timestamp": e.timestamp, "id": e.id, "event.dataset": e.dataset, **e.fields} for e in events]


@pytest.mark.parametrize(("parser_id", "line", "expected"), [
    # the IAM user's login: who, from where, and that it succeeded; the raw keys stay in CloudTrail's spelling
    ("aws.cloudtrail", CONSOLE_OK,
     {"@timestamp": datetime(2014, 7, 16, 15, 49, 27, tzinfo=UTC), "event.action": "ConsoleLogin",
      "event.provider": "signin.amazonaws.com", "user.name": "JohnDoe", "source.ip": "89.160.20.156",
      "event.outcome": "success", "event.category": ["authentication"], "cloud.region": "us-east-2",
      "aws.cloudtrail.additionalEventData.MFAUsed": "No", "aws.cloudtrail.userIdentity.type": "IAMUser"}),
    # a role session's failed login: the user is the role that issued the session
    ("aws.cloudtrail", CONSOLE_ROLE_FAIL,
     {"user.name": "RoleToBeAssumed", "event.outcome": "failure", "error.message": "Failed authentication",
      "aws.cloudtrail.responseElements.ConsoleLogin": "Failure"}),
    # a read call: api access; the masked address is not an IP, so it is only source.address
    ("alibaba.actiontrail", ACTIONTRAIL,
     {"@timestamp": datetime(2021, 8, 5, 9, 21, 32, tzinfo=UTC), "event.action": "DescribeInstances",
      "user.name": "alice", "cloud.region": "cn-hangzhou", "cloud.service.name": "Ecs", "event.type": ["access"],
      "source.address": "10.10.**.**", "source.ip": None, "event.outcome": "success",
      "alibaba.actiontrail.userIdentity.type": "ram-user"}),
    # the documented text time is +08:00, stored as UTC
    ("huaweicloud.cts", CTS_DOC,
     {"@timestamp": datetime(2017, 2, 15, 6, 21, 50, tzinfo=UTC), "event.action": "createTopic",
      "event.type": ["creation"], "event.severity": 1, "http.response.status_code": 200, "source.ip": "127.0.0.1"}),
    # epoch milliseconds; a console login is authentication
    ("huaweicloud.cts", CTS_API,
     {"@timestamp": datetime(2018, 8, 20, 7, 9, 17, 969000, tzinfo=UTC), "event.category": ["authentication"],
      "cloud.service.name": "IAM", "huaweicloud.cts.trace_type": "ConsoleAction", "source.ip": "8.8.8.8"}),
])
def test_trail_records(parser_id: str, line: str, expected: dict[str, Any]) -> None:
    (fields,) = parse(parser_id, line)
    for name, value in expected.items():
        assert fields.get(name) == value, name
    assert fields["event.original"] == line


def test_a_cloudtrail_file_is_one_line_of_records_each_its_own_event() -> None:
    line = '{"Records":[' + CONSOLE_OK + "," + CONSOLE_ROLE_FAIL + "]}"
    events = parse("aws.cloudtrail", line)
    assert [e["event.outcome"] for e in events] == ["success", "failure"]
    assert len({e["id"] for e in events}) == 2


def test_cloudtrail_objects_are_also_kept_as_elastic_keeps_them() -> None:
    # [composed] a task definition registered (a list of containers, a JSON true, a policy-like
    # string) and its response: the whole objects as text in Java's map form, which Elastic's
    # integration writes (its own docs dissect "documentName=%{document_name},"), their leaves
    # under lists by path, booleans as the text its flattened keywords hold
    record = json.loads(CONSOLE_OK) | {"eventName": "RegisterTaskDefinition", "eventSource": "ecs.amazonaws.com",
                                       "requestParameters": {"family": "web", "containerDefinitions": [
                                           {"name": "a", "essential": True, "command": ["sh", "-c", "id"]},
                                           {"name": "b", "command": ["true"], "note": '{"Effect": "Allow"}'}]},
                                       "responseElements": {"taskDefinition": {"revision": 3, "status": None}}}
    (fields,) = parse("aws.cloudtrail", json.dumps(record))
    assert fields["aws.cloudtrail.request_parameters"] == (
        '{family=web, containerDefinitions=[{name=a, essential=true, command=[sh, -c, id]}, '
        '{name=b, command=[true], note={"Effect": "Allow"}}]}')
    assert fields["aws.cloudtrail.response_elements"] == "{taskDefinition={revision=3, status=null}}"
    assert fields["aws.cloudtrail.requestParameters.containerDefinitions.command"] == ["sh", "-c", "id", "true"]
    assert fields["aws.cloudtrail.requestParameters.containerDefinitions.essential"] == ["true"]
    assert "aws.cloudtrail.requestParameters.containerDefinitions" not in fields
    assert fields["aws.cloudtrail.responseElements.taskDefinition.revision"] == 3
    assert fields["aws.cloudtrail.additionalEventData.MFAUsed"] == "No"


def test_actiontrail_in_sls_sits_under_event() -> None:
    (fields,) = parse("alibaba.actiontrail", json.dumps({"__topic__": "actiontrail_event",
                                                          "event": json.loads(ACTIONTRAIL)}))
    assert fields["event.action"] == "DescribeInstances"


@pytest.mark.parametrize(("parser_id", "line", "reason"), [
    ("aws.cloudtrail", '{"eventName": "x"}', "no eventVersion"),
    ("aws.cloudtrail", '{"eventVersion": "1.08", "eventTime": "noon"}', "without a usable time"),
    ("huaweicloud.cts", '{"trace_id": "t", "time": "yesterday"}', "without a usable time"),
    ("alibaba.actiontrail", '[{"eventId": "e"}, 3]', "item 1 of the batch"),
    ("aws.cloudtrail", "not json", "not JSON"),
])
def test_bad_records_say_why(parser_id: str, line: str, reason: str) -> None:
    with pytest.raises(ParseError, match=reason):
        parse(parser_id, line)


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(max_size=200), st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=8),
                                                     lambda c: st.lists(c, max_size=3)
                                                     | st.dictionaries(st.sampled_from(
                                                         ["eventVersion", "eventTime", "eventId", "trace_id", "time",
                                                          "userIdentity", "Records", "event", "code"]), c,
                                                         max_size=4)).map(json.dumps)))
def test_arbitrary_input_gives_events_or_parse_errors(line: str) -> None:
    hostile_trails(line)


TRAIL_VALUES = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=8),
                            lambda c: st.lists(c, max_size=3) | st.dictionaries(st.sampled_from(
                                ["userIdentity", "sessionContext", "sessionIssuer", "userName", "responseElements",
                                 "ConsoleLogin", "additionalEventData", "loginResult", "user", "name"]), c,
                                max_size=4))


@settings(max_examples=300, deadline=None)
@given(st.fixed_dictionaries({"eventVersion": TRAIL_VALUES, "eventId": TRAIL_VALUES, "trace_id": TRAIL_VALUES,
                              "eventTime": st.just("2026-01-01T00:00:00Z"), "time": st.integers(0, 2**40)},
                             optional={"userIdentity": TRAIL_VALUES, "responseElements": TRAIL_VALUES,
                                       "eventName": TRAIL_VALUES, "eventType": st.sampled_from(
                                           ["ConsoleSignin", "AwsConsoleSignIn", "ApiCall"]),
                                       "additionalEventData": TRAIL_VALUES, "errorCode": TRAIL_VALUES,
                                       "code": TRAIL_VALUES, "trace_rating": TRAIL_VALUES,
                                       "sourceIPAddress": TRAIL_VALUES, "source_ip": TRAIL_VALUES}).map(json.dumps))
def test_records_of_the_right_shape_with_hostile_values_give_events(line: str) -> None:
    hostile_trails(line)


def hostile_trails(line: str) -> None:
    for parser_id in ("aws.cloudtrail", "alibaba.actiontrail", "huaweicloud.cts"):
        try:
            parse(parser_id, line)
        except ParseError:
            pass


def test_ingest_finds_each_trail_by_its_keys(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "events.db")
    try:
        for name, content, parser_id in (("ct.json", '{"Records":[' + CONSOLE_OK + "]}", "aws.cloudtrail"),
                                         ("at.json", ACTIONTRAIL, "alibaba.actiontrail"),
                                         ("cts.json", CTS_DOC + "\n" + CTS_API, "huaweicloud.cts")):
            path = tmp_path / name
            path.write_text(content + "\n")
            assert detect_parser(path) == parser_id
            summary = ingest_file(path, parser_id=parser_id, store=store, data_dir=tmp_path / "state")
            assert summary.parse_failures == 0
        assert store.count(Query(terms={"event.dataset": ("huaweicloud.cts",)})) == 2
        assert store.count(Query(terms={"user.name": ("JohnDoe",)})) == 1
    finally:
        store.close()


@pytest.mark.parametrize(("params", "accepted"), [
    # the single-rule form; its Policy defaults to accept (ECS API 2014-05-26)
    ({"SourceCidrIp": "0.0.0.0/0", "PortRange": "22/22"}, ["0.0.0.0/0"]),
    # a dropped single rule accepts nothing
    ({"SourceCidrIp": "0.0.0.0/0", "Policy": "Drop"}, []),
    # the list form of any length: each Permissions.N by its own Policy (N = 12 is read too)
    ({"Permissions.1.SourceCidrIp": "0.0.0.0/0", "Permissions.1.Policy": "drop",
      "Permissions.12.Ipv6SourceCidrIp": "::/0", "Permissions.12.Policy": "accept",
      "Permissions.3.SourceCidrIp": "10.0.0.0/8"}, ["::/0", "10.0.0.0/8"]),
    # a Permissions array (a JSON body) is read the same way
    ({"Permissions": [{"SourceCidrIp": "0.0.0.0/0", "Policy": "drop"}, {"SourceCidrIp": "192.0.2.0/24"}]},
     ["192.0.2.0/24"]),
    # not a security group call's parameters
    ({"UserName": "ops2"}, []),
    ("not a mapping", []),
])
def test_actiontrail_security_group_accepted_sources(params: object, accepted: list[str]) -> None:
    from govsoc.collectors.cloud.actiontrail import accepted_sources

    assert sorted(accepted_sources(params)) == sorted(accepted)
