"""A deployment's replacement of a masking rule (MASK_RULES[rule] = its own function) is what
every display uses: the recognizers' hits, free-text masking, the structured values of a log line
(JSON members, key=value accounts) and, in tests/reports/test_mask_rules.py, the reports. Before
F15k the account rule was called by name (masking.mask_account) in structured_values and three
reports, so a replaced rule was bypassed there (R15-19), and the joined scan's HitCache kept the
Matches masked by the rule in force when they were judged (R15-20)."""

from __future__ import annotations

import pytest

from govsoc.classification import Scanner
from govsoc.classification.free_text import FreeTextMasker
from govsoc.classification.masking import MASK_RULES, mask

#: rule -> a free text (a log line) whose masking asks that rule, or None where free text never
#: shows such a hit (IP and MAC addresses stay readable in a log; public codes are not personal)
FREE_TEXT = {
    "id_card": "身份证 11010519491231002X 办结",
    "mobile": "tel 13812345678 ok",
    "landline": "电话 0755-88881234 转",
    "bank_card": "card 6222021234567890128 paid",
    "name": "姓名=张三 已登记",
    "address": "地址：浙江省杭州市西湖区文三路1号 已核",
    "email": "mail zhangsan@example.com sent",
    "plate": "车牌号 粤B12345 出场",
    "document": "护照号=E12345678 已验",
    "date": "出生日期=1990-01-01 登记",
    "account": "login user=zhangsan from 10.1.2.3",
}
#: rule -> a value a scanner (every recognizer, no context) masks by that rule
VALUES = {
    "ipv4": "10.2.3.4",
    "ipv6": "2001:db8:1:2:3:4:5:6",
    "mac": "00:1a:2b:3c:4d:5e",
    "gps": "39.904211,116.407395",
    "public": "91350100M000100Y43",
    # values already masked (recognizers/masked.py), shown by no more than their raw kind's rule
    "masked_id_card": "110105********1234",
    "masked_mobile": "138****5678",
    "masked_bank_card": "6228 **** **** 0018",
}


def _marker(rule: str) -> str:
    return f"<{rule} rule>"


def test_every_rule_is_tried() -> None:
    # a rule added to MASK_RULES gets a row here (generic: the rule of unknown rule names)
    assert set(MASK_RULES) == {*FREE_TEXT, *VALUES, "generic"}


@pytest.mark.parametrize("rule", sorted(MASK_RULES))
def test_a_replaced_rule_is_the_one_used(rule: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(MASK_RULES, rule, lambda text: _marker(rule))
    assert mask(rule, "anything") == _marker(rule)
    if rule == "generic":
        assert mask("no such rule", "secret") == _marker(rule)
    elif rule in FREE_TEXT:
        shown = FreeTextMasker().mask(FREE_TEXT[rule])
        assert _marker(rule) in shown, shown
    else:
        hits = Scanner().scan(VALUES[rule])
        assert [h.masked for h in hits] == [_marker(rule)], hits


@pytest.mark.parametrize("text, rule", [
    ('{"account":"zhangsan","ok":true}', "account"),     # a JSON member naming an account
    ('{\\"userName\\":\\"lisi01\\"}', "account"),         # escaped inside a JSON string
    ("<登录名>wangwu</登录名>", "account"),                # an XML element
    ("sudo: pam_unix USER=root ; COMMAND=/bin/ls", "account"),  # key=value (free_text's own)
    ('{"name":"张三","id":1}', "name"),                    # a member naming a person
    ('{"name":"Zhang Wei"}', "name"),                      # in Latin letters (pinyin_names)
])
def test_structured_values_use_the_replaced_rule(text: str, rule: str, monkeypatch: pytest.MonkeyPatch) -> None:
    builtin = FreeTextMasker().mask(text)
    assert builtin != text  # something is masked by the built-in rule
    monkeypatch.setitem(MASK_RULES, rule, lambda value: _marker(rule))
    shown = FreeTextMasker().mask(text)
    assert _marker(rule) in shown, shown


@pytest.mark.parametrize("rule, recognizer, values", [
    ("mobile", "cn_mobile", [f"1391234{i:04d}" for i in range(100)]),   # R15-20's repro
    ("id_card", "cn_resident_id", ["11010519491231002X", "110105194912310029"] * 50),
    ("bank_card", "cn_bank_card", ["6222021234567890128"] * 100),
    ("email", "email", [f"user{i}@example.com" for i in range(100)]),
])
def test_scan_many_masks_by_the_rule_in_force_after_a_change(rule: str, recognizer: str, values: list[str],
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    scanner = Scanner([recognizer])
    before = dict(scanner.scan_many(values))  # judged and cached under the built-in rule
    assert before and all(h.masked != _marker(rule) for hits in before.values() for h in hits)
    monkeypatch.setitem(MASK_RULES, rule, lambda text: _marker(rule))
    after = dict(scanner.scan_many(values))
    assert after == {i: scanner.scan(v) for i, v in enumerate(values) if scanner.scan(v)}
    assert {h.masked for hits in after.values() for h in hits} == {_marker(rule)}
