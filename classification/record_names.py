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

import logging
import re
from functools import cache
from typing import Final

from govsoc.classification.common_words import dictionary_list
from govsoc.classification.han import HAN

__all__ = ["AMBIGUOUS", "ORDER_WORDS", "RECORD_WORDS", "name_words", "record_word", "records"]

#: Whole words of a column name that say record numbers (orders, waybills, serials, tickets): Chinese (simplified
#: and traditional), English (tokens joined by '_') and pinyin initials (ddh 订单号, ddbh 订单编号, lsh 流水号, jylsh
#: 交易流水号, ywlsh 业务流水号, zflsh 支付流水号, djbh 单据编号). Not serial_number / serial_no (a telecom
#: system's SERIAL_NUMBER is the subscriber's mobile: RRR15bd-1), nor 编号 / bh (a 会员编号 is often the member's
#: mobile, RRR15aw-1) nor the initials read as phones too: dh (电话 or 单号: reference §7.3), ydh (运单号 or
#: 移动电话), kddh (快递单号 or 快递电话), wldh (物流单号 or 物流电话; RRR15az-1).
RECORD_WORDS: Final = frozenset({
    "单号", "订单号", "定单号", "运单号", "快递单号", "物流单号", "工单号", "保单号", "账单号", "帐单号", "发货单号",
    "退款单号", "提单号", "交易单号", "流水号", "交易流水号", "订单编号", "运单编号", "单据号", "单据编号", "受理号",
    "订单编码", "订单_id", "單號", "訂單號", "運單號", "流水號",
    "order_no", "orderno", "order_id", "orderid", "order_num", "order_number", "order_sn", "trade_no", "waybill",
    "waybill_no", "tracking_no", "bill_no", "ddh", "ddbh", "lsh", "jylsh",
    "ywlsh", "zflsh", "djbh",
})
#: Initials read as a phone or as a record number (dh 电话 or 单号: reference §7.3; ydh, kddh, wldh): a name that
#: is nothing but these is read with its comment (dh + 单号), every other name alone (RRR15az-1).
AMBIGUOUS: Final = frozenset({"dh", "ydh", "kddh", "wldh"})
#: The record words that say an order or bill (单, order, bill, waybill, trade): a phone word right before one
#: qualifies it (手机订单号, mobile_order_no: the order placed by mobile), where before a serial (lxdh_lsh,
#: mobile_serial_no) it stays the column's word (RRR15aw-1, RRR15az-3).
ORDER_WORDS: Final = frozenset(w for w in RECORD_WORDS
                               if re.search("单|單|order|bill|trade|^dd", w))
#: Chinese words a column name holds that a record word could be cut out of, known without the dictionary.
_KNOWN: Final = frozenset({"号码", "名单", "黑名单", "白名单", "手机号", "手机号码", "电话号码", "下单", "接单",
                           "派单", "订单"})
_CHINESE_RECORDS: Final = frozenset(w for w in RECORD_WORDS if not w.isascii())
#: Each record word as its words (order_no: order, no), longest first, sorted once (RRR15az-6).
_PARTS: Final = tuple(sorted((tuple(w.split("_")) for w in RECORD_WORDS), key=lambda p: (-len(p), p)))
_FIRSTS: Final = frozenset(p[0] for p in _PARTS)
#: A Chinese record word as stem + last character (订单 + 号): a word of the cut ending in the stem, then that
#: character alone, is the record word whatever the dictionary says (申请单 + 号 is 申请单号; RRR15az-2).
_STEMS: Final = tuple(sorted(((w[:-1], w[-1]) for w in _CHINESE_RECORDS if "_" not in w and w[-1] in "号號"),
                             key=lambda s: (-len(s[0]), s)))
_LONGEST: Final = 6
_RUNS: Final = re.compile(f"({HAN}+)")
_log = logging.getLogger(__name__)


def name_words(joined: str) -> tuple[str, ...]:
    """The words, in order, of a name as columns.name_tokens joins it (lower-case tokens joined by
    '_'): its Latin and pinyin tokens, its Chinese runs cut by the longest known word."""
    return tuple(word for word, _ in _placed(joined))


def record_word(joined: str) -> str | None:
    """The first record word (:data:`RECORD_WORDS`) that is a whole word of the name ``joined``
    (as columns.name_tokens joins it), or None."""
    found = records(joined)
    return found[0][0] if found else None


def records(joined: str) -> tuple[tuple[str, int, int], ...]:
    """Each record word of the name ``joined`` (as columns.name_tokens joins it) with where it starts and ends
    in ``joined``, in order: whole words, or a word ending in a Chinese record word's stem and then its last
    character alone (申请单 + 号: 单号)."""
    tokens = set(joined.split("_"))
    if not any(w.split("_")[0] in joined for w in _CHINESE_RECORDS) and not _FIRSTS & tokens:
        return ()  # neither a record word's characters nor its first token: nothing to cut, no dictionary read
    placed = _placed(joined)
    words = tuple(word for word, _ in placed)
    found: list[tuple[str, int, int]] = []
    for at, (word, start) in enumerate(placed):
        parts = next((p for p in _PARTS if words[at:at + len(p)] == p), None)
        if parts is not None:
            found.append(("_".join(parts), start, placed[at + len(parts) - 1][1] + len(parts[-1])))
        elif at and len(word) == 1:
            before, begun = placed[at - 1]
            stem = next((s for s, last in _STEMS if last == word and before.endswith(s)), None)
            if stem is not None:
                found.append((stem + word, begun + len(before) - len(stem), start + 1))
    return tuple(found)


def _placed(joined: str) -> list[tuple[str, int]]:
    """The words of ``joined`` (:func:`name_words`), each with where it starts in ``joined``."""
    placed: list[tuple[str, int]] = []
    at = 0
    for part in joined.split("_"):
        for i, piece in enumerate(_RUNS.split(part)):
            for word in (_cut(piece) if i % 2 else [piece]) if piece else []:
                placed.append((word, at))
                at += len(word)
        at += 1  # the '_' after the part
    return placed


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


#: dict.txt's words of 2 to 6 characters holding 号 or 单, read in the pass that reads the common words.
_listed: Final = dictionary_list(lambda word, _: 2 <= len(word) <= _LONGEST and ("号" in word or "单" in word),
                                 "words holding 号 or 单", "column names are cut by govsoc's own few words",
                                 "to cut them by jieba's", log=_log)


@cache
def _known() -> frozenset[str]:
    """The record words, :data:`_KNOWN` and dict.txt's words of 2 to 6 characters holding 号 or 单. No lock of
    its own: threads deciding columns at once may each join the sets, but common_words' lock has them read the
    dictionary once, and each join gives the same set."""
    return _CHINESE_RECORDS | _KNOWN | _listed()
