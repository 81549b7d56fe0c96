"""Fonts embedded in HTML and PDF reports: each report carries a subset of the fonts it needs.

Where the glyphs come from (in this order; the first that has a character draws it):

1. ``reports/fonts/NotoSansSC-GB2312.otf``, packaged: Noto Sans CJK SC (OFL 1.1) cut to GB 2312,
   ASCII and common punctuation. It is part of the wheel because a fresh ``pip install .`` machine
   often has no Chinese font at all, and a report that only *names* a font shows empty boxes
   there (reports/fonts/README.md).
2. Debian's fonts-noto-cjk, when installed: the full Noto Sans CJK SC, for what GB 2312 lacks
   (rare names, traditional forms, kana and hangul outside GB 2312).
3. Debian's fonts-hanazono (HanaMinB, then HanaMinA; Hanazono font licence / OFL), when
   installed: the CJK Extension B-F characters of rare personal names (生僻字, 𪚥 𠀀) that Noto
   Sans CJK lacks.
4. DejaVu Sans, when installed: Arabic, Hebrew, Armenian, Georgian and many symbols.
5. Debian's fonts-symbola (Symbola, free for any use), when installed: emoji and symbols, drawn
   as plain glyphs.

The system fonts are found by path, not through fontconfig, so what a report embeds does not
depend on the reader's fonts. A character none of them has is reported as ``missing``: the
renderers still show the character itself (the reader's own fonts draw it, the CSS family list
ending in ``sans-serif``), with its code point as a tooltip, never the code point in its place
(review r18d finding 9). Only characters that could hide or reorder text are shown as code points
(SHOWN_AS_CODE_POINT).
"""

from __future__ import annotations

import base64
import io
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

PACKAGED = Path(__file__).parent / "fonts" / "NotoSansSC-GB2312.otf"


@dataclass(frozen=True, slots=True)
class FontSource:
    """One font file (``face`` in a collection) the report may take glyphs from."""

    family: str  # the CSS family name the report gives it
    path: Path
    face: int = 0


#: Candidate fonts, in order of preference; missing files are skipped.
SOURCES: tuple[FontSource, ...] = (
    FontSource("govsoc-cjk", PACKAGED),
    FontSource("govsoc-cjk-ext", Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"), 2),
    FontSource("govsoc-cjk-ext", Path("/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc"), 2),
    FontSource("govsoc-cjk-ext", Path("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc"), 2),
    FontSource("govsoc-cjk-rare", Path("/usr/share/fonts/truetype/hanazono/HanaMinB.ttf")),
    FontSource("govsoc-cjk-rare-a", Path("/usr/share/fonts/truetype/hanazono/HanaMinA.ttf")),
    FontSource("govsoc-other", Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")),
    FontSource("govsoc-other", Path("/usr/share/fonts/dejavu/DejaVuSans.ttf")),
    FontSource("govsoc-other", Path("/usr/share/fonts/dejavu-sans-fonts/DejaVuSans.ttf")),
    FontSource("govsoc-symbols", Path("/usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf")),
)

#: Characters that are never drawn as themselves: controls, format characters (bidi overrides,
#: zero-width joiners), surrogates, private use, unassigned, line/paragraph separators. A report
#: shows their code point, so log text cannot reorder or hide what is around it.
SHOWN_AS_CODE_POINT = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
LAYOUT_WHITESPACE = frozenset("\t\n\r ")


@dataclass(frozen=True, slots=True)
class EmbeddedFont:
    """A subset of one source: its CSS family, its characters and the font file (WOFF2 bytes)."""

    family: str
    characters: frozenset[str]
    data: bytes

    def css(self, weights: tuple[int, ...] = (400,)) -> str:
        """@font-face rules with the font inline (a data: URL: nothing fetched, works offline)."""
        encoded = base64.b64encode(self.data).decode("ascii")
        return "\n".join(f'@font-face {{ font-family: "{self.family}"; font-style: normal; font-weight: {weight}; '
                         f'src: url(data:font/woff2;base64,{encoded}) format("woff2"); }}' for weight in weights)


@dataclass(frozen=True, slots=True)
class FontPlan:
    """The fonts a report embeds and the characters none of them draws."""

    fonts: tuple[EmbeddedFont, ...]
    missing: frozenset[str]

    @property
    def families(self) -> tuple[str, ...]:
        """CSS family names, in fallback order."""
        return tuple(f.family for f in self.fonts)

    def css(self, weights: tuple[int, ...] = (400,)) -> str:
        """Every @font-face rule. Browsers embolden a 400 face for bold text; WeasyPrint does not, and
        would take bold text from any system font instead, so the PDF also gives the face as 700."""
        return "\n".join(f.css(weights) for f in self.fonts)


def shown_as_code_point(char: str) -> bool:
    """Whether a character is printed as ``<U+XXXX>`` whatever the fonts: see SHOWN_AS_CODE_POINT.
    Emoji and rare CJK characters are shown as themselves (review r18d finding 9)."""
    if char in LAYOUT_WHITESPACE:
        return False
    return unicodedata.category(char) in SHOWN_AS_CODE_POINT


def plan_fonts(text: Iterable[str], *, system_fonts: bool = True) -> FontPlan:
    """Subsets of the available sources covering every character of ``text`` that any of them has.

    ``system_fonts=False`` uses the packaged font alone: what a machine without fonts-noto-cjk
    and DejaVu embeds (tests render both ways)."""
    wanted = {c for chunk in text for c in chunk if not shown_as_code_point(c)} - set(LAYOUT_WHITESPACE)
    wanted.add(" ")  # every report has spaces; without one in the fonts, WeasyPrint takes a system font
    fonts: list[EmbeddedFont] = []
    used_families: set[str] = set()
    for source in SOURCES if system_fonts else SOURCES[:1]:
        if not wanted:
            break
        if source.family in used_families or not source.path.is_file():
            continue
        mine = frozenset(chr(u) for u in _cmap(source.path, source.face) if chr(u) in wanted)
        if not mine:
            continue
        used_families.add(source.family)
        fonts.append(EmbeddedFont(source.family, mine, _subset(source.path, source.face, mine)))
        wanted -= mine
    return FontPlan(tuple(fonts), frozenset(wanted))


@lru_cache(maxsize=8)
def _cmap(path: Path, face: int) -> frozenset[int]:
    font = TTFont(path, fontNumber=face, lazy=True)
    try:
        return frozenset(font.getBestCmap())
    finally:
        font.close()


@lru_cache(maxsize=32)
def _subset(path: Path, face: int, characters: frozenset[str]) -> bytes:
    font = TTFont(path, fontNumber=face, lazy=True)
    options = subset.Options()
    options.hinting = False
    options.desubroutinize = True  # smaller once WOFF2's Brotli has compressed it
    options.drop_tables += ["FFTM"]  # FontForge's timestamps (DejaVu): not needed, and unknown to the subsetter
    options.flavor = "woff2"
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes={ord(c) for c in characters})
    subsetter.subset(font)
    out = io.BytesIO()
    font.flavor = "woff2"
    font.save(out)
    font.close()
    return out.getvalue()
