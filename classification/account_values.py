"""An account's value masked all through, numbers glued in it by their own rules (stage: classification; PIPL art. 51,
GB/T 35273-2020 §6.2 display masking; used by govsoc.classification.free_text).

An account (``user=zhangsan``, ``{"account":"lisi"}``, ``用户名：wangwu``, ``微信号 wangwu1990``) is
masked by the account rule (``z***``): its letters are often a person's name in pinyin. A value
that holds an identifier glued to those letters (``USER=zhangsan13812345678``,
``{"user":"lisi110101199003071233"}``) is first found by the scan for identifiers, which masks the
number and leaves the letters around it shown (``zhangsan138****5678``): the name the account
rule hides. So when the hits inside an account's value leave letters or digits of it in clear, each
part of the value they leave is masked as an account (``z***138****5678``): the hits inside keep
their own masks, so a deployment whose account rule shows accounts (MASK_RULES) shows no more of
the glued number than before (R15ac-1: a whole-value account hit in their place showed the ID
number in clear under such a rule). A value that one hit masks whole (``user=zhangsan@example.com``,
an e-mail address) keeps that hit's mask, and hits reaching out of the value are left as they are
(the value is not one thing then).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from govsoc.classification.masking import mask
from govsoc.classification.recognizer import Match

__all__ = ["whole_accounts"]


def whole_accounts(text: str, found: list[Match], accounts: Iterable[Match]) -> list[Match]:
    """``found`` (hits in ``text``, none overlapping), and for each of ``accounts`` (an account value's
    hit) whose value the hits inside it leave partly shown, the parts they leave as account hits; see the module
    docstring. Hits are returned sorted by their start; one pass over both (a long text holds
    thousands of hits: F15c)."""
    hits = sorted(found, key=lambda h: h.start)
    out: list[Match] = []
    i = 0
    for account in sorted({(a.start, a.end): a for a in accounts}.values(), key=lambda a: a.start):
        while i < len(hits) and hits[i].start < account.start:
            out.append(hits[i])
            i += 1
        j = i
        while j < len(hits) and hits[j].start < account.end:
            j += 1
        inside = hits[i:j]
        if not inside or inside[-1].end > account.end or (out and out[-1].end > account.start):
            continue  # nothing inside, or a hit reaching out of the value or into it
        shown = _shown(text, account, inside)
        if not shown:
            continue
        kinds = ", ".join(sorted({h.recognizer for h in inside}))
        parts = [dataclasses.replace(account, start=start, end=end, masked=mask("account", text[start:end]),
                                     reason=f"{account.reason}; the part beside the {kinds} glued in it")
                 for start, end in shown]
        out.extend(sorted((*inside, *parts), key=lambda h: h.start))
        i = j
    return out + hits[i:]


def _shown(text: str, account: Match, inside: list[Match]) -> list[tuple[int, int]]:
    """The parts of the account's value between the hits ``inside`` it that hold a letter or digit."""
    gaps = zip((account.start, *(h.end for h in inside)), (*(h.start for h in inside), account.end), strict=True)
    return [(start, end) for start, end in gaps if any(c.isalnum() for c in text[start:end])]
