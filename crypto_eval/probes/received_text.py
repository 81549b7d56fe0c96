"""What a server sent, as the text evidence quotes (stage: crypto_eval; GB 18030-2022, RFC 3629).

Banners, greetings, status lines and refusals of Chinese servers are UTF-8 or GBK (GB18030 is its
superset). Decoding them as Latin-1 turned each Chinese character into two or three Latin letters:
unreadable evidence, and personal data in it (a name, an address) that no recognizer finds, so a
report's masking let it through. Here the bytes are read as strict UTF-8, then strict GB18030 (the
order of collectors.syslog.charset: short GBK text is seldom valid UTF-8, the converse is common);
a multi-byte character cut by the probe's length limit is dropped, not read as garbage. Bytes that
neither codec reads stay recoverable as ``\\xNN`` escapes (backslashreplace): printable, plain
ASCII, never a lone surrogate that a JSON or HTML writer would refuse. The codecs are Python's own;
only the order and the cut end are decided here.
"""

from __future__ import annotations

import codecs
from typing import Final

__all__ = ["received_text"]

#: Tried in order, strictly.
_CODECS: Final = ("utf-8", "gb18030")


def received_text(data: bytes) -> str:
    """``data`` as text: UTF-8, else GB18030, else UTF-8 with unreadable bytes as ``\\xNN``. An
    incomplete character at the end (the probe cut the bytes there) is left out."""
    for codec in _CODECS:
        try:
            return codecs.getincrementaldecoder(codec)("strict").decode(data, final=False)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", "backslashreplace")
