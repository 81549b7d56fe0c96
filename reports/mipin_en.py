"""English for the free text of a saved 密评 evaluation (``--lang en``).

crypto_eval writes its findings' reasons, notes and level notes in Chinese, composed of fixed
phrases around values (an address, a cipher suite, a number of bits): "最弱：TLSv10（TLS 1.0
（已废弃的密码技术，高风险），63 位安全强度）". :func:`english` replaces each fixed phrase of
:data:`PHRASES` (every Chinese literal of crypto_eval's checks, algorithms and assessment that
reaches a finding; longest first, so a phrase inside a longer one never cuts it) and the
full-width punctuation, and leaves the values as they are. What an operator wrote in the
inventory (a product's name, the evidence of a declaration, a mitigation) is data and stays in
its language.
"""

from __future__ import annotations

import re
from typing import Final

from govsoc.reports.mipin_en_certificates import CERTIFICATES
from govsoc.reports.mipin_en_channels import CHANNELS
from govsoc.reports.mipin_en_judgements import JUDGEMENTS
from govsoc.reports.mipin_en_reviews import REVIEWS

__all__ = ["EXACT", "PHRASES", "english"]

#: crypto_eval's fixed Chinese phrases -> English, one module a theme (a new phrase goes into its theme's).
PHRASES: Final[dict[str, str]] = {**JUDGEMENTS, **CHANNELS, **CERTIFICATES, **REVIEWS}
#: Whole values (an object's name, a judgement, a risk) too short to replace inside other text.
EXACT: Final[dict[str, str]] = {
    "网络": "network", "声明": "declaration", "符合": "compliant", "基本符合": "basically compliant",
    "不符合": "non-compliant", "部分符合": "partly compliant", "不适用": "not applicable", "高": "high",
    "中": "medium", "低": "low",
}
_PUNCTUATION: Final = {"：": ": ", "，": ", ", "；": "; ", "（": " (", "）": ")", "。": ". ", "、": ", ", "“": '"',
                       "”": '"', "《": '"', "》": '"'}
_PATTERN: Final = re.compile("|".join(re.escape(p) for p in sorted(PHRASES, key=len, reverse=True)))
_SPACES: Final = re.compile(r" {2,}|(?<=\() | (?=\))")


def english(text: str, keep: frozenset[str] = frozenset()) -> str:
    """``text`` with crypto_eval's phrases and full-width punctuation in English; the strings of
    ``keep`` (data the operator wrote: names, declared evidence) are left exactly as they are."""
    if not text or text.isascii():
        return text
    if text in EXACT:
        return EXACT[text]
    kept = [k for k in sorted(keep, key=len, reverse=True) if k and k in text]
    if kept:
        parts = re.split("(" + "|".join(re.escape(k) for k in kept) + ")", text)
        return "".join(part if i % 2 else english(part) for i, part in enumerate(parts))
    out = _PATTERN.sub(lambda m: PHRASES[m.group(0)], text)
    out = "".join(_PUNCTUATION.get(c, c) for c in out)
    return _SPACES.sub(lambda m: " " if m.group(0).startswith("  ") else "", out).strip()
