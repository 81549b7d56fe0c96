"""Column names that say record numbers: 单号, 订单号, 流水号, order_no, ddh (stage: classification;
reference §7.3, where dh is 电话 or 单号; R15at-9: 11-digit order numbers have a mobile's form).

A name says so only in its whole words, never inside a longer word: 黑名单号码 (the numbers on a
blacklist) holds the characters 单号 but is the words 黑名单 + 号码; order_notify_mobile holds the
letters order_no but is the words order, notify, mobile (RRR15ay-2). The words of a name (:func:`name_words`):

* its Latin and pinyin tokens, split on ``_``, ``-``, ``.``, spaces, camelCase and digits
  (columns.name_tokens): a record word of several tokens (order_no) is those tokens in a row;
* its runs of Chinese characters cut by the longest known word from the left (forward maximum
  matching). The known words are the record words, the table :data:`_KNOWN` (号码, 名单, 黑名单 ...),
  and the words of jieba's dictionary (dict.txt, read once a process) that hold 号 or 单, the ones a
  record word could be cut out of (下单, 接单, 名单, 运单): 运单号 is one word, not 运单 + 号; other
  characters stand alone (about 1,600 words kept, not the list's 337,000 and ~44 MB). Without
  the dictionary (jieba missing) the table alone cuts: more names may then hold a record word, and a
  column of mobiles under one is suspected, never cleared.

Whether such a name tells against a kind, and what is done, is the column decision's (columns.py).
"""

from __future__ import annotations

import re
import threading
from functools import cache
from typing import Final

from govsoc.classification.common_words import dictionary_words
from govsoc.classification.han import HAN

__all__ = ["RECORD_WORDS", "name_words", "record_word"]

#: Whole words of a column name that say record numbers (orders, waybills, serials, tickets): Chinese,
#: English (tokens joined by '_') and pinyin initials (ddh 订单号, ddbh 订单编号, lsh 流水号, ydh 运单号, kddh
#: 快递单号, wldh 物流单号, jylsh 交易流水号). Not 编号 / bh (a 会员编号 is often the member's mobile, RRR15aw-1)
#: nor dh (电话 or 单号: reference §7.3).
RECORD_WORDS: Final = frozenset({
    "单号", "订单号", "定单号", "运单号", "快递单号", "物流单号", "工单号", "保单号", "账单号", "帐单号", "发货单号",
    "退款单号", "提单号", "交易单号", "流水号", "交易流水号", "订单编号", "运单编号",
    "order_no", "orderno", "order_id", "orderid", "order_num", "order_number", "trade_no", "waybill", "waybill_no",
    "tracking_no", "serial_no", "serialno", "ddh", "ddbh", "lsh", "ydh", "kddh", "wldh", "jylsh",
})
#: Chinese words a column name holds that a record word could be cut out of, known without the dictionary.
_KNOWN: Final = frozenset({"号码", "名单", "黑名单", "白名单", "手机号", "手机号码", "电话号码", "下单", "接单",
                           "派单"})
_CHINESE_RECORDS: Final = frozenset(w for w in RECORD_WORDS if not w.isascii())
_LONGEST: Final = 6
_RUNS: Final = re.compile(f"({HAN}+)")
_lock = threading.Lock()


def name_words(joined: str) -> tuple[str, ...]:
    """The words, in order, of a name as columns.name_tokens joins it (lower-case tokens joined by
    '_'): its Latin and pinyin tokens, its Chinese runs cut by the longest known word."""
    words: list[str] = []
    for part in joined.split("_"):
        for i, piece in enumerate(_RUNS.split(part)):
            if piece:
                words += _cut(piece) if i % 2 else [piece]
    return tuple(words)


def record_word(joined: str) -> str | None:
    """The first record word (:data:`RECORD_WORDS`) that is a whole word of the name ``joined``
    (as columns.name_tokens joins it), or None."""
    tokens = set(joined.split("_"))
    if not any(w in joined for w in _CHINESE_RECORDS) and not any(w.split("_")[0] in tokens for w in RECORD_WORDS):
        return None  # neither a record word's characters nor its first token: nothing to cut, no dictionary read
    words = name_words(joined)
    for at in range(len(words)):
        for record in sorted(RECORD_WORDS):
            parts = tuple(record.split("_"))
            if words[at:at + len(parts)] == parts:
                return record
    return None


def _cut(run: str) -> list[str]:
    """``run`` (Chinese characters) cut by forward maximum matching: at each place the longest known
    word, or one character where none is known."""
    known = _known()
    words: list[str] = []
    at = 0
    while at < len(run):
        size = next((k for k in range(min(_LONGEST, len(run) - at), 1, -1) if run[at:at + k] in known), 1)
        words.append(run[at:at + size])
        at += size
    return words


def _known() -> frozenset[str]:
    with _lock:  # threads deciding columns at once read the dictionary once
        return _read_known()


@cache
def _read_known() -> frozenset[str]:
    """The record words, :data:`_KNOWN` and dict.txt's words of 2 to 6 characters holding 号 or 单."""
    listed = dictionary_words(lambda word, _: 2 <= len(word) <= _LONGEST and ("号" in word or "单" in word),
                              "words holding 号 or 单", "column names are cut by govsoc's own few words",
                              "to cut them by jieba's")
    return _CHINESE_RECORDS | _KNOWN | listed
