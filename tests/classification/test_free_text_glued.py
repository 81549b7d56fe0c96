"""Numbers glued to letters in free text (classification.free_text, classification.account_values,
classification.digit_runs; issue 15, F15m): an account's value holding a number is masked whole as
an account, and a mobile or bank card number glued to letters right after a label naming it is
masked, though the word it starts looks like a hexadecimal id."""

from __future__ import annotations

import pytest

from govsoc.classification.free_text import mask_free_text
from govsoc.classification.masking import mask, mask_account

MOBILE = "13812345678"  # an allocated mobile number (YD/T 2740: 138)
CARD = "6222021234567890128"  # issuer 622202 (UnionPay), Luhn check digit 8 right
RESIDENT_ID = "110101199003071233"  # GB 11643: region 110101, 1990-03-07, check character 3 right


@pytest.mark.parametrize(("text", "key", "value"), [
    # the finding: sudo's USER= with a mobile glued to a pinyin name (showed zhangsan138****5678)
    ("USER=zhangsan13812345678 login", "USER=", "zhangsan" + MOBILE),
    # a Chinese key, '=' and full-width '：'
    ("用户名=zhangsan13812345678", "用户名=", "zhangsan" + MOBILE),
    ("用户名：zhangsan13812345678 登录成功", "用户名：", "zhangsan" + MOBILE),
    # an ID number and a bank card number glued in: each a hit of its own before
    ("user=lisi110101199003071233 ok", "user=", "lisi" + RESIDENT_ID),
    ("login=wangwu6222021234567890128 ok", "login=", "wangwu" + CARD),
    # the letters after the number are shown as much as before it
    ("user=13812345678zhangsan ok", "user=", MOBILE + "zhangsan"),
    # the same account in a JSON member, an XML element, a WeChat id after its label
    ('{"user":"zhangsan13812345678"}', '{"user":"', "zhangsan" + MOBILE),
    ("<username>zhangsan13812345678</username>", "<username>", "zhangsan" + MOBILE),
    ("微信：wangwu13812345678", "微信：", "wangwu" + MOBILE),
])
def test_an_account_holding_a_number_is_masked_whole(text: str, key: str, value: str) -> None:
    out = mask_free_text(text)
    assert key + mask_account(value) in out, out
    assert value[:4] not in out and "5678" not in out and "1233" not in out and "0128" not in out, out


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
