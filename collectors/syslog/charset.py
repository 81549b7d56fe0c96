"""The character set of one syslog message: collectors.charset (shared with log files), which
decides per message with the evidence of the sender's other messages (CharsetJudge)."""

from __future__ import annotations

from govsoc.collectors.charset import CHARSETS, CharsetJudge, Decoded, decode_message

__all__ = ["CHARSETS", "CharsetJudge", "Decoded", "decode_message"]
