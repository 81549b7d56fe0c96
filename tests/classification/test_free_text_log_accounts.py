"""Accounts a log line names without a key, and numbers glued after a label with nothing between
(classification.log_accounts, classification.labelled_numbers; issue 15, F15o: R15ac-4's forms
left, R15ac-5)."""

from __future__ import annotations

import pytest

from govsoc.classification.free_text import mask_free_text
from govsoc.classification.masking import mask, mask_account

MOBILE = "13812345678"  # an allocated mobile number (YD/T 2740: 138)
CARD = "6222021234567890128"  # issuer 622202 (UnionPay), Luhn check digit 8 right
RESIDENT_ID = "110101199003071233"  # GB 11643: region 110101, 1990-03-07, check character 3 right
SHA1 = MOBILE + "abcdef0123456789abcdef0123456"  # 40 hexadecimal characters, a SHA-1's length
MD5 = MOBILE + "abcdef0123456789abcde"  # 32, an MD5's


@pytest.mark.parametrize(("text", "before", "parts", "after"), [
    # the finding: an account word, a blank, a pinyin name with a mobile glued (showed zhangsan138****5678)
    ("user zhangsan13812345678 logged in", "user ", (("account", "zhangsan"), ("mobile", MOBILE)), " logged in"),
    # a Chinese account word, with and without the blank; an ID number glued after 'login'
    ("用户 lisi13912345678", "用户 ", (("account", "lisi"), ("mobile", "13912345678")), ""),
    ("用户lisi13912345678", "用户", (("account", "lisi"), ("mobile", "13912345678")), ""),
    ("login zhangsan110101199003071233", "login ", (("account", "zhangsan"), ("id_card", RESIDENT_ID)), ""),
    # sshd's cue of two words, and the account before a login verb with no cue before it
    ("Accepted password for zhangsan13812345678 from 10.0.0.1", "Accepted password for ",
     (("account", "zhangsan"), ("mobile", MOBILE)), " from 10.0.0.1"),
    ("zhangsan13812345678 logged in", "", (("account", "zhangsan"), ("mobile", MOBILE)), " logged in"),
    # R15ae-2: the account in quotes or brackets after its word (MySQL, PostgreSQL, nginx, a Chinese app)
    ("Access denied for user 'zhangsan13812345678'@'10.0.0.1'", "Access denied for user '",
     (("account", "zhangsan"), ("mobile", MOBILE)), "'@'10.0.0.1'"),
    ('failed for user "zhangsan13812345678"', 'failed for user "', (("account", "zhangsan"), ("mobile", MOBILE)),
     '"'),
    ("用户[zhangsan13812345678]登录成功", "用户[", (("account", "zhangsan"), ("mobile", MOBILE)), "]登录成功"),
    # sudo's invoking user and PAM's name(uid=N): accounts by their place in the line
    ("sudo: zhangsan13812345678 : TTY=pts/0", "sudo: ", (("account", "zhangsan"), ("mobile", MOBILE)),
     " : TTY=pts/0"),
    ("sudo[12]:  wangwu6222021234567890128 : TTY=pts/1", "sudo[12]:  ", (("account", "wangwu"), ("bank_card", CARD)),
     " : TTY=pts/1"),
    ("session opened for user root by zhangsan13812345678(uid=1000)", "session opened for user root by ",
     (("account", "zhangsan"), ("mobile", MOBILE)), "(uid=1000)"),
    # full-width digits are digits of the word (its mobile is shown folded, as a keyed one is)
    ("用户lisi１３８１２３４５６７８", "用户", (("account", "lisi"), ("mobile", MOBILE)), ""),
    ("by lisi１３８１２３４５６７８(uid=0)", "by ", (("account", "lisi"), ("mobile", MOBILE)), "(uid=0)"),
])
def test_an_account_a_log_names_without_a_key_is_masked_as_the_account(
        text: str, before: str, parts: tuple[tuple[str, str], ...], after: str) -> None:
    # as USER=zhangsan13812345678 is (b622dc8): the letters by the account rule, the number by its own
    assert mask_free_text(text) == before + "".join(mask(rule, value) for rule, value in parts) + after


@pytest.mark.parametrize(("text", "before", "name", "after"), [
    # PAM's name(uid=N) and sudo's invoking user say an account, as 'user' does: a pinyin name there is masked
    ("by zhangsan(uid=1000)", "by ", "zhangsan", "(uid=1000)"),
    ("session opened for user root(uid=0) by lisi(uid=1000)", "session opened for user root(uid=0) by ", "lisi",
     "(uid=1000)"),
    ("sudo: zhangsan : TTY=pts/0 ; PWD=/home ; COMMAND=/bin/ls", "sudo: ", "zhangsan",
     " : TTY=pts/0 ; PWD=/home ; COMMAND=/bin/ls"),
])
def test_a_pinyin_name_in_an_accounts_place_is_masked(text: str, before: str, name: str, after: str) -> None:
    assert mask_free_text(text) == before + mask("name", name) + after


@pytest.mark.parametrize(("text", "label", "number", "rule"), [
    # the finding: a Chinese label glued to the number, the number glued to letters (shown whole)
    ("手机13812345678abcde", "手机", MOBILE, "mobile"),
    ("联系电话13812345678abcdef", "联系电话", MOBILE, "mobile"),
    ("张三手机号13812345678abc", "张三手机号", MOBILE, "mobile"),
    ("卡号6222021234567890128abc", "卡号", CARD, "bank_card"),
    # R15ae-3: the other labels a phone or card number is written after, and 为/是 between
    ("联系方式13812345678abcde", "联系方式", MOBILE, "mobile"),
    ("电话号13812345678abcde", "电话号", MOBILE, "mobile"),
    ("手机号为13812345678abcde", "手机号为", MOBILE, "mobile"),
    ("借记卡6222021234567890128abc", "借记卡", CARD, "bank_card"),
    # '+86' glued after the label: masked with the number
    ("手机+8613812345678abc", "手机", MOBILE, "mobile"),
])
def test_a_number_glued_to_its_chinese_label_and_to_letters_is_masked(text: str, label: str, number: str,
                                                                      rule: str) -> None:
    out = mask_free_text(text)
    assert mask(rule, number) in out and number not in out and number[3:7] not in out, out
    assert out.endswith(mask(rule, number) + text[text.index(number) + len(number):]), out


@pytest.mark.parametrize("text", [
    # R15ac-5: a digest's hexadecimal word (one case, a digest's length) under a phone key: a hash
    "phone_hash=13812345678abcdef0123456789abcde",
    "phone_hash=13812345678ABCDEF0123456789ABCDE",
    '{"phone_hash":"13812345678abcdef0123456789abcde"}',
    # a value of a digest's length under a phone key: the phone number hashed
    "cellphone=" + SHA1,
    "phone=" + SHA1,
    "mobile=" + MD5,
    # … after a Chinese label glued to it as after a key (手机：<a SHA-1> is the phone number hashed)
    "手机" + SHA1,
    "手机：" + SHA1,
    # 'user' the English word: a word after it with no number glued in stays
    "user authentication failed",
    "user guest01 logged in from 10.0.0.1",
    # an account that is no pinyin name stays where no key names it (as test_lookalikes_in_log_lines_stay's)
    "session opened for user root(uid=0) by alice(uid=1000)",
    # … nor one in quotes, nor the English word before a quoted word
    "Access denied for user 'root'@'localhost'",
    'user "alice" logged in',
    'user agent "Mozilla/5.0"',
])
def test_digests_and_words_that_are_no_glued_number_stay(text: str) -> None:
    assert mask_free_text(text) == text


@pytest.mark.parametrize(("text", "shown"), [
    # a phone key whose value is no digest's length: still the number glued to letters (R15aa-1)
    ("cellphone=13812345678abcdef", "cellphone=" + mask("mobile", MOBILE) + "abcdef"),
    ("phone_number=13812345678abcde", "phone_number=" + mask("mobile", MOBILE) + "abcde"),
    # R15ae-1: a key's name alone does not make its value a digest: no digest's length, '+', mixed case,
    # full-width (these were shown whole by a rule trusting keys ending in hash, trace, id, sign)
    ("tel_trace=13812345678abcdef", "tel_trace=" + mask("mobile", MOBILE) + "abcdef"),
    ("tel_trace=13812345678ABCDE", "tel_trace=" + mask("mobile", MOBILE) + "ABCDE"),
    ("phone_hash=+8613812345678ABC", "phone_hash=" + mask("mobile", MOBILE) + "ABC"),
    ("手机号ID=13812345678ABCDE", "手机号ID=" + mask("mobile", MOBILE) + "ABCDE"),
    ("phone=13812345678AbCdEf0123456789aBcDe", "phone=" + mask("mobile", MOBILE) + "AbCdEf"),
    ("手机13812345678AbCdEf0123456789aBcDe0123", "手机" + mask("mobile", MOBILE) + "AbCdEf"),
    # the account word with an '=' stays the keyed account it was
    ("user=zhangsan13812345678 login", "user=" + mask_account("zhangsan") + mask("mobile", MOBILE) + " login"),
])
def test_a_phone_key_still_masks_its_glued_number(text: str, shown: str) -> None:
    assert mask_free_text(text).startswith(shown)


@pytest.mark.parametrize("text", ["银行账号6222021234567890128abc", "账号6222021234567890128abc"])
def test_a_card_glued_after_an_account_label_is_masked(text: str) -> None:
    # R15ae-3: 账号 names an account too, so the letters after the card may be masked as one (z***)
    out = mask_free_text(text)
    assert mask("bank_card", CARD) in out and CARD not in out and CARD[6:15] not in out, out
