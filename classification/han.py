"""Han characters as names are written in them (stage: classification; GB 18030-2022, 《通用规范汉字表》,
Unicode's CJK Unified Ideographs blocks): a name read only in [\\u4e00-\\u9fa5], the 20,902 characters
of Unicode 1.1's block, is no name when it holds a 生僻字 of the later blocks (R15n-11: 王䶮, 䶮
U+4DAE of Extension A; 马𬌗, 𬌗 U+2C317 of Extension E), and registers hold exactly those people
(公安部's 生僻字 work puts them in 户籍 and ID-card records; GB 18030-2022 requires Extensions A-F).
"""

from __future__ import annotations

import re
from typing import Final

__all__ = ["HAN", "HAN_CLASS", "GAP"]

#: The code points of Han characters, for a regular expression's character class: Extension A
#: (U+3400-U+4DBF), the Unified Ideographs block to its end (U+4E00-U+9FFF: U+9FA6-U+9FFF were added
#: in Unicode 4.1-14.0), and planes 2 and 3 (U+20000-U+3FFFF), which hold only CJK ideographs
#: (Extensions B-I and the compatibility supplement).
HAN_CLASS: Final = "\u3400-\u4dbf\u4e00-\u9fff\U00020000-\U0003ffff"
#: One Han character.
HAN: Final = f"[{HAN_CLASS}]"
#: What may stand inside a name written in a file or folder name and still be the name: a blank
#: aligning a two-character name to three (王　芳, 王 芳, as a 花名册 pads it: U+3000, U+0020, U+00A0),
#: or a character no reader sees (zero-width space U+200B, joiners U+200C-U+200D, word joiner U+2060,
#: BOM U+FEFF), pasted from a web form or a chat.
GAP: Final = re.compile("[ \u3000\u00a0\u200b-\u200d\u2060\ufeff]{1,2}")
