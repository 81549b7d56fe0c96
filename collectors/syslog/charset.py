"""The character set of one syslog message, decided per message (shared/reference/log-formats.md
section 2; RFC 5424 section 6.4).

Chinese network devices send GBK (code page 936) bodies, newer firmware often UTF-8, and one
receiver hears both. Headers are ASCII either way. Per message:

| charset setting | tried in order                                                          |
|-----------------|-------------------------------------------------------------------------|
| ``auto``        | strict UTF-8, then strict GB18030 (a superset of GBK and GB2312)        |
| ``utf-8``       | strict UTF-8, then strict GB18030                                       |
| ``gbk``         | strict GB18030, then strict UTF-8 (short GBK bodies are often valid     |
|                 | UTF-8 too: a sender known to use GBK is read as GBK). A UTF-8 BOM in    |
|                 | the message (RFC 5424's marker of a UTF-8 MSG) still means UTF-8.       |

A UTF-8 byte order mark that opens the message (a line of a file made "UTF-8 with BOM", or the
second of two such files joined by ``cat``) is no text: U+FEFF at the start of a text stream is a
BOM (Unicode 15 section 23.8), so it is dropped and the rest decoded, UTF-8 first under every
setting (the BOM says UTF-8), else GB18030. Decoding the line whole, the BOM's last byte BF took
the next one into a GB18030 character (``锘緿ec 10 ...``). A U+FEFF further in is data and kept.

When neither decodes, the text is GB18030 with replacement characters (never Latin-1, which
turns GBK into mojibake); the pipeline then keeps the exact bytes in
``govsoc.original_base64``. The charset used goes to ``govsoc.charset``.
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["CHARSETS", "UTF8_BOM", "Decoded", "decode_message"]

#: The settings a receiver or sender accepts.
CHARSETS = ("auto", "utf-8", "gbk")
#: The UTF-8 byte order mark, U+FEFF encoded.
UTF8_BOM = b"\xef\xbb\xbf"


class Decoded(NamedTuple):
    """A message's text, the codec that gave it, and whether bytes had to be replaced."""

    text: str
    charset: str
    replaced: bool


def decode_message(data: bytes, charset: str = "auto") -> Decoded:
    """``data`` decoded as the module docstring says."""
    if data.startswith(UTF8_BOM):
        rest = data[len(UTF8_BOM):]
        # the BOM's reading when the rest decodes whole (the BOM says UTF-8, so UTF-8 first); else
        # the line's own, as a line without a BOM: GB18030 text may open with 锘 (EF BB) and a
        # character whose lead byte is BF, whose rest is cut mid-character (R11ak-1: 锘可 read 梢傻锹�)
        return _strict(rest, ("utf-8", "gb18030")) or _strict(data, _order(data, charset)) \
            or Decoded(rest.decode("gb18030", errors="replace"), "gb18030", True)
    return _strict(data, _order(data, charset)) or Decoded(data.decode("gb18030", errors="replace"), "gb18030", True)


def _order(data: bytes, charset: str) -> tuple[str, str]:
    """The codecs tried, in turn, on a message under the setting ``charset``."""
    return ("gb18030", "utf-8") if charset == "gbk" and UTF8_BOM not in data else ("utf-8", "gb18030")


def _strict(data: bytes, codecs: tuple[str, str]) -> Decoded | None:
    """``data`` decoded by the first of ``codecs`` that decodes it without replacement, or None."""
    for codec in codecs:
        try:
            return Decoded(data.decode(codec), codec, False)
        except UnicodeDecodeError:
            continue
    return None
