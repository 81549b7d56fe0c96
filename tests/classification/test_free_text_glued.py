"""Numbers glued to letters in free text (classification.free_text, classification.account_values,
classification.digit_runs; issue 15, F15m): an account's value holding a number is masked whole as
an account, and a mobile or bank card number glued to letters right after a label naming it is
masked, though the word it starts looks like a hexadecimal id."""

from __future__ import annotations

import pytest

from govsoc.classification.free_text import mask_free_text
from govsoc.classification.masking import MASK_RULES, mask, mask_account

MOBILE = "13812345678"  # an allocated mobile number (YD/T 2740: 138)
CARD = "6222021234567890128"  # issuer 622202 (UnionPay), Luhn check digit 8 right
RESIDENT_ID = "110101199003071233"  # GB 11643: region 110101, 1990-03-07, check character 3 right


@pytest.mark.parametrize(("text", "key", "parts"), [
    # the finding: sudo's USER= with a mobile glued to a pinyin name (showed zhangsan138****5678)
    ("USER=zhangsan13812345678 login", "USER=", (("account", "zhangsan"), ("mobile", MOBILE))),
    # a Chinese key, '=' and full-width '：'
    ("用户名=zhangsan13812345678", "用户名=", (("account", "zhangsan"), ("mobile", MOBILE))),
    ("用户名：zhangsan13812345678 登录成功", "用户名：", (("account", "zhangsan"), ("mobile", MOBILE))),
    # an ID number and a bank card number glued in: each a hit of its own before
    ("user=lisi110101199003071233 ok", "user=", (("account", "lisi"), ("id_card", RESIDENT_ID))),
    ("login=wangwu6222021234567890128 ok", "login=", (("account", "wangwu"), ("bank_card", CARD))),
    # a bracket after the value (sudo's and PAM's (uid=0)): the '=' inside it is no key of the account
    ("user=zhangsan13812345678(uid=0)", "user=", (("account", "zhangsan"), ("mobile", MOBILE))),
    ("user=lisi110101199003071233[pid=3]", "user=", (("account", "lisi"), ("id_card", RESIDENT_ID))),
    # the letters after the number are masked as much as those before it
    ("user=13812345678zhangsan ok", "user=", (("mobile", MOBILE), ("account", "zhangsan"))),
    # the same account in a JSON member, an XML element, a WeChat id after its label
    ('{"user":"zhangsan13812345678"}', '{"user":"', (("account", "zhangsan"), ("mobile", MOBILE))),
    ("<username>zhangsan13812345678</username>", "<username>", (("account", "zhangsan"), ("mobile", MOBILE))),
    ("微信：wangwu13812345678", "微信：", (("account", "wangwu"), ("mobile", MOBILE))),
])
def test_the_letters_beside_a_number_in_an_account_are_masked_as_the_account(
        text: str, key: str, parts: tuple[tuple[str, str], ...]) -> None:
    # each part by its own rule: the letters (a pinyin name, often) by the account's, the number by
    # its kind's (R15ac-1: not one account mask over both, which a deployment's account rule decides)
    out = mask_free_text(text)
    assert key + "".join(mask(rule, value) for rule, value in parts) in out, out
    letters = next(value for rule, value in parts if rule == "account")
    assert letters[:4] not in out, out


@pytest.mark.parametrize(("text", "number"), [
    ("USER=zhangsan13812345678 login", MOBILE),
    ("user=lisi110101199003071233 ok", RESIDENT_ID),
    ("login=wangwu6222021234567890128 ok", CARD),
    ('{"user":"张三，身份证110101199003071233"}', RESIDENT_ID),
])
def test_an_account_rule_that_shows_accounts_shows_no_glued_number(text: str, number: str,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    # R15ac-1: a deployment that shows accounts (staff numbers) still sees the number masked
    monkeypatch.setitem(MASK_RULES, "account", lambda value: value)
    out = mask_free_text(text)
    assert number not in out and number[-8:-4] not in out, out


@pytest.mark.parametrize(("text", "shown"), [
    # one hit masks the whole value: its own mask stays (an e-mail address keeps its domain)
    ("user=zhangsan@example.com ok", "user=" + mask("email", "zhangsan@example.com")),
    # a number alone is no account (uid=0) and stays the mobile it is, '+86' and all
    ("user=13812345678 ok", "user=" + mask("mobile", MOBILE)),
    ("user=+8613812345678 ok", "user=" + mask("mobile", MOBILE)),
    # the number after the account's value is no part of it
    ("账号=zhangsan,手机=13812345678", "账号=" + mask_account("zhangsan") + ",手机=" + mask("mobile", MOBILE)),
])
def test_a_value_one_hit_masks_keeps_that_mask(text: str, shown: str) -> None:
    assert shown in mask_free_text(text)


@pytest.mark.parametrize(("text", "label", "number", "rule"), [
    # R15aa-1: the word 13812345678abcde is 16 hex characters, skipped as a digest; its label says mobile
    ("手机：13812345678abcde", "手机：", MOBILE, "mobile"),
    ("手机号=13812345678abcdef 已绑定", "手机号=", MOBILE, "mobile"),
    ("mobile: 13812345678deadbeef", "mobile: ", MOBILE, "mobile"),
    # the country code without '+' (16 hex characters) and with it (masked with the number)
    ("tel=8613812345678abc", "tel=", "86" + MOBILE, "mobile"),
    ("tel=+8613812345678abc", "tel=", "+86" + MOBILE, "mobile"),
    # a bank card (issuer 622202, Luhn right) glued in a 22-character hex word; 'card' alone names one
    ("card=6222021234567890128abc", "card=", CARD, "bank_card"),
    ("卡号：6222021234567890128abc", "卡号：", CARD, "bank_card"),
    # full-width digits are digits
    ("手机：１３８１２３４５６７８abcde", "手机：", "１３８１２３４５６７８", "mobile"),
    # the same in a JSON member and an XML element (their names are keys as well)
    ('{"mobile":"13812345678abcde"}', '{"mobile":"', MOBILE, "mobile"),
    ("<手机>13812345678abcde</手机>", "<手机>", MOBILE, "mobile"),
    ('{"card":"6222021234567890128abc"}', '{"card":"', CARD, "bank_card"),
    # shaped like a credit code but its check characters are wrong: the label decides
    ("电话：13110108123A45670J", "电话：", "13110108123", "mobile"),
])
def test_a_number_glued_after_its_label_is_masked(text: str, label: str, number: str, rule: str) -> None:
    digits = "".join(str(int(c)) for c in number if c.isdigit())
    masked = mask(rule, digits[-11:] if rule == "mobile" else digits)
    out = mask_free_text(text)
    assert label + masked + text[text.index(number) + len(number):] == out


@pytest.mark.parametrize("text", [
    # a trace id after a key that names no number: a digest, as before
    "trace=5f3a13812345678abcd",
    "trace=13812345678abcde0",
    "sha=13812345678abcde0123456789abcdef",
    # the number is not right after the label
    "手机：abc13812345678abcde",
    # a real unified social credit code (GB 32100 and GB 11714 checks right) under a phone label
    "电话：13110108123A45670H",
    '{"trace":"13812345678abcde"}',
    # 'card' names a bank card only: no mobile after it
    "card=13812345678abcde",
])
def test_glued_words_that_are_no_labelled_number_stay(text: str) -> None:
    assert mask_free_text(text) == text
