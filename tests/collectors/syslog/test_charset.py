"""Per-message charset: UTF-8, else GB18030 (log-formats.md section 2), with a per-sender override."""

from __future__ import annotations

import pytest

from govsoc.collectors.syslog.charset import decode_message

# 远程命令执行漏洞 ("remote command execution vulnerability"), the H3C IPS attack name whose GBK
# bytes third-party repositories show as Latin-1 mojibake (log-formats.md section 2)
NAME = "远程命令执行漏洞"


@pytest.mark.parametrize(("data", "setting", "text", "charset", "replaced"), [
    # UTF-8 firmware
    (NAME.encode("utf-8"), "auto", NAME, "utf-8", False),
    # GBK firmware: not valid UTF-8, so GB18030 (a superset of GBK)
    (NAME.encode("gbk"), "auto", NAME, "gb18030", False),
    # the Latin-1 view of those bytes is exactly what must not come out
    (NAME.encode("gbk"), "auto", NAME, "gb18030", False),
    # "浣犲ソ" is what GBK makes of the UTF-8 bytes of 你好; a sender set to gbk is read as GBK,
    # since short bodies are valid in both
    ("你好".encode(), "gbk", "你好".encode().decode("gb18030"), "gb18030", False),
    # ... unless the message carries RFC 5424's UTF-8 BOM
    (b"<13>1 - - - - - - \xef\xbb\xbf" + "你好".encode(), "gbk", "<13>1 - - - - - - \ufeff你好", "utf-8", False),
    # neither: replacement characters, never Latin-1
    (b"abc\xff\xff\xffdef", "auto", None, "gb18030", True),
    # plain ASCII is UTF-8 whatever the setting says first (the codecs agree on it)
    (b"<13>Nov 30 03:20:38 h p: x", "gbk", "<13>Nov 30 03:20:38 h p: x", "gb18030", False),
])
def test_decode(data: bytes, setting: str, text: str | None, charset: str, replaced: bool) -> None:
    decoded = decode_message(data, setting)
    assert (decoded.charset, decoded.replaced) == (charset, replaced)
    if text is not None:
        assert decoded.text == text
    assert "Ô¶³Ì" not in decoded.text


BOM = b"\xef\xbb\xbf"
#: A line whose GBK bytes are no UTF-8 (张三 is D5C5 C8FD): after a BOM, decoded whole as GB18030, the BOM's
#: last byte BF took the D into one character, 緿 (R11ag's note: 锘緿ec 10 ...).
GBK_LINE = "Dec 10 06:55:02 LabSZ sshd[24202]: Failed password for invalid user 张三 from 10.0.0.2 port 22 ssh2"


@pytest.mark.parametrize("setting", ["auto", "utf-8", "gbk"])
@pytest.mark.parametrize(("data", "text", "charset"), [
    # a line of a "UTF-8 with BOM" file written on in GBK: the BOM dropped, the rest GB18030, the D kept
    (BOM + GBK_LINE.encode("gbk"), GBK_LINE, "gb18030"),
    # the BOM says UTF-8: a UTF-8 line after it is UTF-8 under every setting, without the BOM
    (BOM + "<188>Dec 10 2024 06:55:01 H3C 张三".encode(), "<188>Dec 10 2024 06:55:01 H3C 张三", "utf-8"),
    # a BOM alone opening an ASCII line: no text either
    (BOM + b"Dec 10 06:55:46 LabSZ sshd[1]: x", "Dec 10 06:55:46 LabSZ sshd[1]: x", "utf-8"),
    # only the opening one is a BOM: a second U+FEFF is data (a zero width no-break space), kept
    (BOM + BOM + b"x", "\ufeffx", "utf-8"),
    # a U+FEFF inside the line is data, kept (RFC 5424's BOM before MSG is the parser's to read)
    (b"<13>1 - - - - - - " + BOM + "你好".encode(), "<13>1 - - - - - - \ufeff你好", "utf-8"),
])
def test_an_opening_bom_is_no_text(data: bytes, setting: str, text: str, charset: str) -> None:
    decoded = decode_message(data, setting)
    assert decoded == (text, charset, False)


#: GB18030 text that opens with 锘 (EF BB) then a character whose lead byte is BF (可 is BFC9): its first
#: three bytes are those of a UTF-8 BOM. Dropped as a BOM, the rest is cut mid-character.
NOBELIUM = "锘可疑登录 Dec 10 06:55:46 用户张三"


@pytest.mark.parametrize("setting", ["auto", "utf-8", "gbk"])
def test_bom_bytes_that_open_whole_gb18030_text_are_no_bom(setting: str) -> None:
    # R11ak-1 (MEDIUM, of d4111a08): 282 of 282 such lines read as '梢傻锹�...' under gbk, 0 on 21297ae: the
    # BOM is dropped only when the rest decodes without loss; else the line, whole, is read as before
    assert decode_message(NOBELIUM.encode("gb18030"), setting) == (NOBELIUM, "gb18030", False)


def test_bom_bytes_before_hanzi_with_lead_byte_bf_in_every_setting() -> None:
    # every GB2312 hanzi whose GBK lead byte is BF, after 锘, then ASCII: read whole, as on 21297ae
    hanzi = [bytes([0xBF, low]).decode("gbk") for low in range(0xA1, 0xFF)]
    for setting in ("auto", "utf-8", "gbk"):
        wrong = [h for h in hanzi if decode_message(f"锘{h}登录 from 10.0.0.1".encode("gbk"), setting).text
                 != f"锘{h}登录 from 10.0.0.1"]
        assert wrong == [], setting
