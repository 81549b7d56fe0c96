"""collectors.failures: whether a record's text keeps every byte (decodes_without_loss)."""

from __future__ import annotations

from typing import Any

import pytest

from govsoc.collectors.failures import decodes_without_loss


class _Counted(bytes):
    """A record's bytes that count their decodes."""

    decodes = 0

    def decode(self, *args: Any, **kwargs: Any) -> str:
        _Counted.decodes += 1
        return super().decode(*args, **kwargs)


def test_an_ascii_record_is_judged_lossless_without_decoding_it() -> None:
    # Every event of every line asks (Pipeline._finish): ASCII bytes are UTF-8 text whole, so
    # they are not decoded again after the parser's own decode (issue 11, F11ae: 0.3 us a line
    # of the ingest process on bench.ingest's sshd lines, all ASCII).
    _Counted.decodes = 0
    assert decodes_without_loss(_Counted(b"Jan  6 00:00:00 LabSZ sshd[7]: Accepted password for root from 10.0.0.9"))
    assert _Counted.decodes == 0


@pytest.mark.parametrize(("data", "lossless"), [
    (b"", True),                                       # nothing to lose
    (b"plain text\x00with a NUL\x7f", True),           # control bytes are ASCII, kept as they are
    ("名前 user".encode(), True),                      # UTF-8
    ("名前 user".encode("gb18030"), True),             # not UTF-8, GB18030 without a replacement
    (b"\xef\xbb\xbfplain", True),                      # a UTF-8 BOM opening ASCII: the rest judged
    (b"\xff\xfe\xff", False),                          # neither codec: replaced bytes
    (b"ascii then \x80\xff", False),                   # ASCII before, then bytes neither codec reads
])
def test_the_verdict_is_decoding_s_whatever_the_bytes(data: bytes, lossless: bool) -> None:
    assert decodes_without_loss(data) is lossless
