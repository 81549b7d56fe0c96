"""Regenerate reports/fonts/NotoSansSC-GB2312.otf, the CJK font every HTML and PDF report embeds.

Source: Noto Sans CJK SC Regular (SIL Open Font License 1.1; Debian's fonts-noto-cjk,
/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc, face 2, or upstream
https://github.com/notofonts/noto-cjk). Kept: GB 2312's 7,445 characters (every hanzi of levels 1
and 2, its punctuation, Greek, Cyrillic, kana, box drawing), ASCII, Latin-1, general punctuation,
CJK symbols and full-width forms. Dropped: hinting and vertical metrics (reports are horizontal).

    python scripts/make-report-font.py [SOURCE.ttc]
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

SOURCE = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
FACE = 2  # Noto Sans CJK SC in the collection (0 JP, 1 KR, 2 SC, 3 TC, 4 HK)
TARGET = Path(__file__).resolve().parents[1] / "reports" / "fonts" / "NotoSansSC-GB2312.otf"
EXTRA = [*range(0x20, 0x7F), *range(0xA0, 0x100), *range(0x2010, 0x2028), *range(0x2030, 0x205F),
         *range(0x3000, 0x3040), *range(0xFF01, 0xFF5F),
         0x20AC, 0x2122, 0x2190, 0x2191, 0x2192, 0x2193, 0x2713, 0x2717, 0x25B2, 0x25BC, 0x25CF, 0x25CB]


def gb2312() -> set[int]:
    """Every character GB 2312 encodes (rows 0xA1-0xF7, cells 0xA1-0xFE)."""
    found = set()
    for row in range(0xA1, 0xF8):
        for cell in range(0xA1, 0xFF):
            try:
                found.add(ord(bytes((row, cell)).decode("gb2312")))
            except UnicodeDecodeError:
                continue
    return found


def main() -> None:
    font = TTFont(sys.argv[1] if len(sys.argv) > 1 else SOURCE, fontNumber=FACE)
    options = subset.Options()
    options.hinting = False
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.drop_tables += ["VORG", "vhea", "vmtx", "BASE"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=gb2312() | set(EXTRA))
    subsetter.subset(font)
    font.save(TARGET)
    print(f"{TARGET}: {len(font.getBestCmap())} characters, {TARGET.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
