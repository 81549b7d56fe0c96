"""The device bodies rewritten for speed (issue 13's parser benchmark, P13e) read every line as
their code before did: the old functions are kept here, verbatim but for their names, and both
read the real samples and lines made by hypothesis from the formats' own pieces (the items, keys,
separators and values the old patterns tell apart), in zones with and without summer time.

A guard of a refactor, not a statement of meaning (that is test_hillstone.py, test_huawei.py,
...): the old code is the reference, errors included (same type and message).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govsoc.collectors.base import ParseContext
from govsoc.collectors.devices import hillstone, huawei, topsec
from govsoc.collectors.devices.infocenter import InfoCenterLine, read_infocenter
from govsoc.collectors.devices.network_fields import protocol_fields
from govsoc.collectors.syslog.line import SEVERITIES
from govsoc.core.errors import ParseError
from govsoc.core.event import format_timestamp, format_wall_time

DATA = Path(__file__).parents[2] / "data" / "collectors" / "devices"
ZONES = ("Asia/Shanghai", "America/New_York", "Europe/London", "UTC", "Australia/Lord_Howe")
CONTEXTS = [ParseContext(timezone=ZoneInfo(zone), reference=datetime(2026, 11, 30, tzinfo=UTC)) for zone in ZONES]


def _outcome(function: Any, *args: Any) -> Any:
    """What ``function(*args)`` returns, or its exception's type and message."""
    try:
        return function(*args)
    except Exception as error:  # noqa: BLE001 - the old code's errors are part of what is compared
        return type(error), str(error)


# --- the wall time --------------------------------------------------------------------------------


@given(st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)), st.sampled_from(ZONES),
       st.integers(0, 1))
def test_a_wall_time_formats_as_its_aware_time_did(wall: datetime, zone: str, fold: int) -> None:
    wall = wall.replace(fold=fold)
    tz = ZoneInfo(zone)
    assert _outcome(format_wall_time, wall, tz) == _outcome(lambda: format_timestamp(wall.replace(tzinfo=tz)))


# --- Hillstone: the old _flow (before P13e) --------------------------------------------------------

_UNSET_OLD = ("-", "UNKNOWN", "")


def _old_flow(body: str, context: ParseContext, fields: dict[str, Any]) -> None:
    fields.update({"event.category": ["network"], "event.type": ["connection"]})
    found = hillstone._TUPLE.search(body)
    if found:
        fields.update({"source.ip": found["src"], "source.port": found["sport"], "destination.ip": found["dst"],
                       "destination.port": found["dport"]})
        if found["in"]:  # "a:p(if)->b:p(if)": the parentheses hold the interfaces
            fields["observer.ingress.interface.name"] = found["in"]
            fields["observer.egress.interface.name"] = found["third"]
        else:
            fields.update(protocol_fields(found["third"]))
    for cue, pattern, names in hillstone.ITEMS:
        if cue not in body:
            continue
        match = pattern.search(body)
        if match is None:
            continue
        for name, value in zip(names, match.groups(), strict=True):
            value = value.strip()
            if value in _UNSET_OLD or name in fields:
                continue
            if name == "network.transport":
                fields.update(protocol_fields(value))
            elif name in ("event.start", "event.end"):
                fields[name] = format_timestamp(datetime.fromisoformat(value).replace(tzinfo=context.timezone))
            else:
                fields[name] = value
    kind = "NAT" if body.startswith("NAT:") else "session"
    if "policy deny" in body:
        fields.update({"event.type": ["connection", "denied"], "event.action": "policy-deny",
                       "event.outcome": "failure"})
    elif "session end" in body:
        fields.update({"event.type": ["connection", "end"], "event.action": "session-end"})
    elif "session start" in body:
        fields.update({"event.type": ["connection", "start"], "event.action": "session-start"})
    else:
        fields["event.action"] = kind.lower()


def _flows(body: str, context: ParseContext) -> None:
    def run(flow: Any) -> Any:
        fields: dict[str, Any] = {"message": body}
        flow(body, context, fields)
        return fields

    assert _outcome(run, hillstone._flow) == _outcome(run, _old_flow), body


def _hillstone_bodies() -> list[str]:
    """The session texts of the sample lines as the parser hands them to _flow (cleaned, stripped)."""
    parser = hillstone.HillstoneParser()
    bodies = []
    for line in (DATA / "hillstone.log").read_text(encoding="utf-8").splitlines():
        text = parser.clean(line.rstrip("\r\n\x00"))
        header = hillstone._HEADER.search(text)
        if header is not None and header[5] == "FLOW":  # the module
            bodies.append(text[header.end():].strip())
    return bodies


@pytest.mark.parametrize("body", _hillstone_bodies())
@pytest.mark.parametrize("context", CONTEXTS, ids=ZONES)
def test_hillstone_samples_read_as_before(body: str, context: ParseContext) -> None:
    _flows(body, context)


_CUES = [cue for cue, _, _ in hillstone.ITEMS] + ["vr ", "policy deny", "session start", "session end.",
                                                   "Protocol ", "user ", "host ", "mac "]
_VALUES = st.sampled_from(["-", "UNKNOWN", "", " ", "TCP", "udp", "6", "17", "icmp", "-@-", "a@b", "admin@",
                           "10.1.2.3", "10.1.2.3:80", "::1:443", "ethernet0/1", "trust-vr", "12", "0", "abc",
                           "2019-09-25 15:10:40", "2021-03-14 02:30:00", "2021-11-07 01:30:00", "2019-02-30 10:00:00",
                           "0001-01-01 00:00:00", "9999-12-31 23:59:59", "trust to untrust", "TCP RST", "Ageout",
                           "\\n\\u0000", "2.240.148.244:8000->172.23.19.2:50844(TCP)", "a:1(e1)->b:2(e2)"])
_SEPARATORS = st.sampled_from([", ", ",", " ", ". ", ".", "", "  "])
_PIECES = st.lists(st.tuples(st.sampled_from(_CUES), _VALUES, _SEPARATORS), max_size=14)


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(["SESSION: ", "NAT: ", ""]), _PIECES, st.sampled_from(CONTEXTS))
def test_hillstone_made_bodies_read_as_before(start: str, pieces: list[tuple[str, str, str]],
                                              context: ParseContext) -> None:
    _flows(start + "".join(cue + value + separator for cue, value, separator in pieces), context)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("aeinoprstvu dlcbky-@:,.()>0123456789")), max_size=200),
       st.sampled_from(CONTEXTS))
def test_hillstone_arbitrary_bodies_read_as_before(body: str, context: ParseContext) -> None:
    _flows(body, context)


def test_the_old_pattern_table_is_the_one_read() -> None:
    # the readings are derived from ITEMS: the same items, in the same order
    assert [(cue, search) for cue, search, _, _ in hillstone._READINGS] == [
        (cue, pattern.search) for cue, pattern, _ in hillstone.ITEMS]


# --- Topsec: the old body (before P13e) ------------------------------------------------------------

_OLD_TOPSEC_PAIR = re.compile(r'(?<![\w.-])([\w.-]++)=("[^"\\]*(?:\\.[^"\\]*)*"|\S*)')


def _old_topsec_body(text: str, start: re.Match[str], context: ParseContext) -> tuple[dict[str, Any], Any]:
    pairs = {key: value[1:-1] if value.startswith('"') and value.endswith('"') and len(value) > 1 else value
             for key, value in _OLD_TOPSEC_PAIR.findall(text, start.end() - 3)}
    stamp = pairs.get("time", "")
    try:
        when = datetime.fromisoformat(stamp).replace(tzinfo=context.timezone) if stamp else None
    except ValueError:
        raise ParseError(f"time={stamp!r} is not 'YYYY-MM-DD hh:mm:ss'") from None
    fields: dict[str, Any] = {"observer.vendor": "Topsec", "observer.product": pairs.get("id", "tos").upper(),
                              "observer.type": "firewall"}
    for key, value in pairs.items():
        if not value or value == "null" or key in ("time", "id"):
            continue
        target = topsec.KEYS.get(key)
        if key == "proto" or key == "protocol":
            fields.update(protocol_fields(value))
        elif target in ("source.mac", "destination.mac"):
            fields[target] = value.replace(":", "-").upper()
        elif target is not None:
            fields.setdefault(target, value)
        else:
            fields[f"topsec.{key}"] = value
    topsec._classify(pairs, text[start.end():], fields)
    return fields, when


def _topsec_bodies(text: str, context: ParseContext) -> None:
    start = topsec._START.search(text)
    if start is None:
        return
    parser = topsec.TopsecParser()
    assert _outcome(parser.body, text, start, context) == _outcome(_old_topsec_body, text, start, context), text


@pytest.mark.parametrize("path", sorted(DATA.glob("*.log")), ids=lambda path: path.name)
@pytest.mark.parametrize("context", CONTEXTS[:2], ids=ZONES[:2])
def test_topsec_samples_read_as_before(path: Path, context: ParseContext) -> None:
    for line in path.read_bytes().splitlines():
        _topsec_bodies(line.decode("utf-8", errors="replace"), context)


_TOPSEC_KEYS = st.sampled_from([*topsec.KEYS, "time", "id", "proto", "protocol", "type", "rule", "result", "op",
                                "recorder", "msg", "connid", "a.b", "x-y", "fw", "dev", "src"])
_TOPSEC_VALUES = st.sampled_from([
    '"2016-04-06 16:53:11"', "2016-04-06", '"2016-02-30 10:00:00"', "", "null", '"null"', '""', '"', '" "',
    # quotes: closed, open, escaped, a quoted run that does or does not end the value
    '"a b"', '"ab\\"', '"ab\\" c"', '"ab\\"c', '"a\\"b\\"', '"x"y', 'x"y"', '"x"y"', "\\",
    "tcp", "17", "unknow", "74:25:8a:eb:f6:0e", '"00:50:56:92:a3:c8"', "accept", "deny", "0", "-1", "mgmt", "ac",
    "僵尸网络", "config", "login", '"logout"', "10.1.2.3", "a=b", '"a=b"', "中文"])
_TOPSEC_SEPARATORS = st.sampled_from([" ", "  ", "\t", "", ",", "\u3000"])


@settings(max_examples=500, deadline=None)
@given(st.lists(st.tuples(_TOPSEC_KEYS, _TOPSEC_VALUES, _TOPSEC_SEPARATORS), max_size=12),
       st.sampled_from(["", "<190>Jul 10 16:27:10 172.18.33.171 ", "x "]), st.sampled_from(["tos", '"NGTOS"', ""]),
       st.sampled_from(["", " pid:6689 Login success", ' "Login success'] ), st.sampled_from(CONTEXTS[:2]))
def test_topsec_made_lines_read_as_before(pieces: list[tuple[str, str, str]], envelope: str, product: str,
                                          tail: str, context: ParseContext) -> None:
    text = f"{envelope}id={product} " + "".join(f"{key}={value}{separator}" for key, value, separator in pieces)
    _topsec_bodies(text + tail, context)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('id=tosmacprl "\\\t.-_:0123456789x中')), max_size=120))
def test_topsec_arbitrary_lines_read_as_before(text: str) -> None:
    _topsec_bodies("id=tos " + text, CONTEXTS[0])


# --- Huawei: the old body and _pairs (before P13e) ------------------------------------------------

_OLD_HUAWEI_PAIR = re.compile(r'(?<![\w-])[^\WA-Za-z]*+(?:-[^\WA-Za-z]*+)*+([A-Za-z][\w-]*+)='
                              r'("[^"\\]*(?:\\.[^"\\]*)*"|[^,;)]*)')


def _old_huawei_body(line: InfoCenterLine) -> tuple[str, dict[str, Any]]:
    known = huawei.EVENTS.get((line.module.upper(), line.brief.upper())) or huawei.EVENTS.get(
        (line.module.upper(), "*"))
    product = known[0] if known else ("usg" if line.module.upper() in huawei._FIREWALL_MODULES else "vrp")
    description = line.description
    fields: dict[str, Any] = {
        "message": description, "event.code": f"{line.module}/{line.brief}", "huawei.module": line.module,
        "huawei.severity": line.severity, "huawei.brief": line.brief, "log.level": SEVERITIES[line.severity],
        "observer.vendor": "Huawei", "observer.product": product.upper(),
    }
    if product == "usg":
        fields["observer.type"] = "firewall"
    if line.host:
        fields["observer.name"] = line.host
    if line.flag:
        fields["huawei.flag"] = line.flag
    if line.sequence is not None:
        fields["huawei.sequence"] = line.sequence
    if "=" in description:
        _old_huawei_pairs(description, product, fields)
    else:
        huawei._colon_pairs(description, product, fields)
    if known:
        _, category, kinds, action, outcome, kind = known
        fields.update({"event.category": list(category), "event.type": list(kinds), "event.action": action,
                       "event.kind": kind})
        if outcome:
            fields["event.outcome"] = outcome
        huawei._own_result(fields, product)
        saved = huawei._FILE_CHANGES.get((str(fields.get("huawei.vrp.source_data")),
                                          str(fields.get("huawei.vrp.destination_data"))))
        if saved and action == "configuration-file-changed":
            fields["event.action"] = saved
        if kind == "alert":
            huawei._verdict(fields)
    else:
        fields["event.action"] = huawei._SNAKE.sub("-", line.brief.lower()).strip("-")
    return product, fields


def _old_huawei_pairs(description: str, product: str, fields: dict[str, Any]) -> None:
    body = description[huawei._LOCATION.match(description).end():]  # type: ignore[union-attr]
    pairs = _OLD_HUAWEI_PAIR.findall(body)
    last = len(pairs) - 1
    targets = huawei._TARGETS[product]
    for i, (key, value) in enumerate(pairs):
        value = value.strip()
        if value.startswith('"') and value.endswith('"') and len(value) > 1:
            value = value[1:-1]
        elif i == last and value.endswith(".") and body.rstrip().endswith((".", ".)")):
            value = value[:-1]
        if not value or value == huawei._UNKNOWN:
            continue
        target = targets.get(key) or huawei._target(key, product)
        if target[0] != "@":
            if target not in fields:
                fields[target] = value
        elif target == "@protocol":
            fields.update(protocol_fields(value))
        elif target in ("@begintime", "@endtime"):
            if value.isdigit():
                fields["event.start" if target == "@begintime" else "event.end"] = format_timestamp(
                    datetime.fromtimestamp(int(value), UTC))
        elif target == "@severity":
            fields[f"huawei.{product}.severity"] = value
            if value.lower() in huawei.SEVERITY_WORDS:
                fields["event.severity"] = huawei.SEVERITY_WORDS[value.lower()]


def _huawei_bodies(line: InfoCenterLine) -> None:
    new = _outcome(huawei.HuaweiParser().body, line)
    assert new == _outcome(_old_huawei_body, line), line


@pytest.mark.parametrize("path", sorted(DATA.glob("*.log")), ids=lambda path: path.name)
def test_huawei_samples_read_as_before(path: Path) -> None:
    for text in path.read_bytes().decode("utf-8", errors="replace").splitlines():
        try:
            line = read_infocenter(text, CONTEXTS[0], {})
        except ParseError:
            continue
        _huawei_bodies(line)


_HUAWEI_MODULES = sorted({module for module, _ in huawei.EVENTS} | {"FW-LOG", "NAT", "INFO", "shell"})
_HUAWEI_BRIEFS = sorted({brief for _, brief in huawei.EVENTS} | {"DETECT", "TROJAN", "X_Y", "login"})
_HUAWEI_KEYS = st.sampled_from([*huawei.KEYS, "Protocol", "BeginTime", "EndTime", "Severity", "Action", "Result",
                                "SrcData", "DestData", "source-ip", "rule-name", "Src_Ip", "9Key", "-key", "Key_2",
                                "UserName", "TerminalIp", "x"])
_HUAWEI_VALUES = st.sampled_from([
    "", " ", "**", '"**"', '""', '"', '"a b"', '"a\\"b"', '"a,b"', ' "x" ', '"x" y', "allow_web.", "_public_.",
    "192.0.2.1", " 198.51.100.7 ", "2001:db8::1", "80", "65536", "udp", "6", "1599645876", "99999999999", "-1",
    "high", "Information", "block", "Alert", "Success", "Failed", "2", "4", "a=b", "中文", "x.", '"x."', "1.2.3.4."])
_HUAWEI_SEPARATORS = st.sampled_from([", ", ",", "; ", " ", "", ")", ".)", ") ", ".", ")."])


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.sampled_from([(module, "DETECT" if brief == "*" else brief) for module, brief in huawei.EVENTS]),
                 st.tuples(st.sampled_from(_HUAWEI_MODULES), st.sampled_from(_HUAWEI_BRIEFS))),
       st.sampled_from(["", "CID=0x8093043a;", "[ns=1]", "VS=Admin-VS;CID=0x1;"]),
       st.sampled_from(["", "Recorded command information. (", "An intrusion was detected. (", "x ("]),
       st.lists(st.tuples(_HUAWEI_KEYS, _HUAWEI_VALUES, _HUAWEI_SEPARATORS), min_size=1, max_size=10),
       st.sampled_from(["", " ", ".", ")", ").", " task:HTPR ip:1.2.3.4"]))
def test_huawei_made_descriptions_read_as_before(message: tuple[str, str], location: str, sentence: str,
                                                 pieces: list[tuple[str, str, str]], end: str) -> None:
    module, brief = message  # every message of EVENTS, and others
    description = location + sentence + "".join(f"{key}={value}{sep}" for key, value, sep in pieces) + end
    _huawei_bodies(InfoCenterLine(None, None, "FW", "01", None, module, 4, brief, "l", 7, description))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('Ka-_9=", ;).\\ *x中')), max_size=100),
       st.sampled_from(_HUAWEI_MODULES))
def test_huawei_arbitrary_descriptions_read_as_before(description: str, module: str) -> None:
    _huawei_bodies(InfoCenterLine(None, None, None, None, None, module, 6, "CMDRECORD", None, None, description))


@pytest.mark.parametrize(("module", "brief"), [(module, "DETECT" if brief == "*" else brief)
                                               for module, brief in huawei.EVENTS])
def test_every_huawei_message_reads_as_before(module: str, brief: str) -> None:
    # each message's own readings (a save told by SrcData/DestData, a Result, an IPS/AV Action)
    for description in ("", "x", "Recorded. (SrcData=2, DestData=4, TerUser=admin)", "(SrcData=1, DestData=4)",
                        '(Command="save", Result=Failed)', "(Result=Success.)", "(Action=block, Severity=high)",
                        '(Action="alert", Protocol=UDP, BeginTime=1599645876)', "task:HTPR ip:1.2.3.4 user:a"):
        _huawei_bodies(InfoCenterLine(None, None, "SW", "01", None, module, 5, brief, "s", 1, description))


# StoneOS's own session-end layout, read in one match (hillstone._SESSION), with each value drawn
# from what the layout takes and what it must not (spaces, commas, cues, unset spellings).
_LAYOUT_WORDS = ["-", "UNKNOWN", "TCP-ANY", "ethernet1/1", "trust-vr", "a@b", "x", "vr", "policy", "rule", "srcip",
                 "Protocol", "deny", "end", "中文", "\u00b2"]
# each drawn mostly from what the layout takes, so that most bodies are in it and some are not
_WORDS = st.sampled_from(_LAYOUT_WORDS * 8 + ["", "a b", "a,b"])
_NUMBERS = st.sampled_from(["0", "2", "74", "\u0663"] * 8 + ["-", "", "1 2"])
_TIMES = st.sampled_from(["2019-09-25 15:10:40", "2021-03-14 02:30:00", "2019-02-30 10:00:00"] * 4
                         + ["2019-09-25 15:10"])
_REASONS = st.sampled_from(["Ageout", "TCP RST", "-", "UNKNOWN", "policy deny", "session start", "session end",
                            "Protocol udp", "srcip abc", "rule 5", "dstport 7", "application x", "a b c", "a,b",
                            "TCP FIN ", "x\\n", "zone from a to b"])
_TUPLES = st.sampled_from(["2.240.148.244:8000->172.23.19.2:50844(TCP)", "10.0.0.1:1->10.0.0.2:2(udp)",
                           "::1:443->::2:80(TCP)"] * 4 + ["1.2.3.4:5(e1)->5.6.7.8:9(e2)", "1.2.3.4:5->5.6.7.8:9(0)",
                                                          "1.2.3.4:5->5.6.7.8:9(policy 3)", "1.2.3.4:5->5.6.7.8:9()"])

@settings(max_examples=600, deadline=None)
@given(st.sampled_from(["SESSION: "] * 8 + ["NAT: ", "SESSION:  "]), _TUPLES, st.tuples(_WORDS, _WORDS, _WORDS),
       _NUMBERS, st.tuples(_WORDS, _WORDS, _WORDS), st.tuples(_NUMBERS, _NUMBERS, _NUMBERS, _NUMBERS), _TIMES, _TIMES,
       _REASONS, st.sampled_from(CONTEXTS))
def test_hillstone_session_layout_reads_as_before(start: str, pair: str, where: tuple[str, str, str], policy: str,
                                                  who: tuple[str, str, str], counts: tuple[str, str, str, str],
                                                  opened: str, closed: str, reason: str,
                                                  context: ParseContext) -> None:
    application, interface, vr = where
    user, domain, host = who
    body = (f"{start}{pair}, application {application}, interface {interface}, vr {vr}, policy {policy}, "
            f"user {user}@{domain}, host {host}, send packets {counts[0]},send bytes {counts[1]},"
            f"receive packets {counts[2]},receive bytes {counts[3]},start time {opened},close time {closed},"
            f"session end,{reason}").strip()
    _flows(body, context)


_LAID_OUT = ("SESSION: {}, application TCP-ANY, interface ethernet1/1, vr trust-vr, policy 2, user -@-, host -, "
             "send packets 0,send bytes 0,receive packets 0,receive bytes 0,start time 2019-09-25 15:10:40,"
             "close time 2019-09-25 15:11:42,session end,{}")


@pytest.mark.parametrize(("pair", "reason"), [
    ("1.2.3.4:5->5.6.7.8:9(0)", "Protocol udp"),  # protocol 0 names no transport: the reason's does
    ("1.2.3.4:5->5.6.7.8:9(0)", "protocol tcp"),
    ("1.2.3.4:5->5.6.7.8:9(TCP)", "protocol udp"),  # the tuple's transport is the first
    ("1.2.3.4:5(e1)->5.6.7.8:9(e2)", "Protocol udp"),  # interfaces, and no transport but the reason's
    ("1.2.3.4:5(e1)->5.6.7.8:9(e2)", "Ageout"),
    ("1.2.3.4:5->5.6.7.8:9(policy 3)", "Ageout"),  # a cue inside the tuple
    ("policy 7 1.2.3.4:5->5.6.7.8:9(TCP)", "Ageout"),  # a cue before it
    ("1.2.3.4:5->5.6.7.8:9(TCP)", "rule 5"),
    ("1.2.3.4:5->5.6.7.8:9(TCP)", "-"),
    ("1.2.3.4:5->5.6.7.8:9(TCP)", "policy deny"),
])
def test_hillstone_laid_out_edges_read_as_before(pair: str, reason: str) -> None:
    _flows(_LAID_OUT.format(pair, reason), CONTEXTS[0])


def test_the_session_layout_is_read_in_one_match_for_the_samples() -> None:
    # the first two sample bodies are in StoneOS's layout: the test above then reads the one-match path
    bodies = _hillstone_bodies()
    taken = []
    for body in bodies:
        fields: dict[str, Any] = {}
        found = hillstone._TUPLE.search(body)
        if found and not found["in"]:
            fields.update(protocol_fields(found["third"]))
        taken.append(hillstone._session_layout(body, found, fields) is not None)
    assert taken == [True, True, False, False]
