"""Look at the reports as a reader's machine shows them (issue 18, "Look at it").

The HTML is opened in headless Chromium and the PDF laid out by WeasyPrint under a fontconfig
that knows only DejaVu (no CJK font at all), so every Chinese character on the page comes from
the font the report carries. Chromium writes a PNG and the DOM after load (no script may have run);
poppler reads the PDF back: pdffonts (every font embedded, and only the report's own),
pdftotext (every section and figure there), pdftoppm (pages to PNG). Set GOVSOC_LOOK_DIR to keep
the pictures for a person to look at.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from govsoc.reports import HtmlRenderer
from govsoc.reports.document import Document, Figures, walk
from govsoc.reports.renderers import format_number
from tests.conftest import need
from tests.reports.conftest import every_block_document

HERE = Path(__file__).parent
DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--hide-scrollbars"]


@pytest.fixture
def no_cjk_fonts(tmp_path: Path) -> dict[str, str]:
    """An environment whose fontconfig lists DejaVu alone: what a machine without CJK fonts has."""
    need(DEJAVU.is_dir(), "DejaVu fonts are missing (scripts/system-packages.sh installs fonts-dejavu-core)")
    conf = tmp_path / "fonts.conf"
    conf.write_text(f"""<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig><dir>{DEJAVU}</dir><cachedir>{tmp_path / 'fc-cache'}</cachedir></fontconfig>
""", encoding="utf-8")
    env = {**os.environ, "FONTCONFIG_FILE": str(conf)}
    listed = subprocess.run(["fc-list", ":lang=zh"], env=env, capture_output=True, text=True, check=True).stdout
    assert listed.strip() == ""  # really no Chinese font
    return env


def keep(path: Path) -> None:
    """Copy a picture to GOVSOC_LOOK_DIR when set (for a person to look at)."""
    if folder := os.environ.get("GOVSOC_LOOK_DIR"):
        Path(folder).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(folder) / path.name)


def not_blank(png: Path) -> None:
    """The picture has ink: dark pixels (text) and more than two colours (charts)."""
    from PIL import Image

    with Image.open(png) as image:
        grey = image.convert("L")
        dark = sum(grey.histogram()[:100])
        colours = image.convert("RGB").getcolors(maxcolors=1 << 16)
    assert dark > 2000, f"{png.name} looks empty"
    assert colours is None or len(colours) > 16, f"{png.name} has no colour"


# Chinese with the packaged font alone (a fresh machine), English with the system fonts' extras.
@pytest.mark.parametrize(("lang", "system_fonts"), [("zh", False), ("en", True)])
def test_html_in_chromium_without_cjk_fonts(lang: str, system_fonts: bool, tmp_path: Path,
                                            no_cjk_fonts: dict[str, str]) -> None:
    document = every_block_document(lang)
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    need(chromium is not None, "chromium is missing (scripts/system-packages.sh installs it)")
    assert chromium
    name = f"{document.lang}-{'system' if system_fonts else 'packaged'}"
    page = tmp_path / f"{name}.html"
    page.write_bytes(HtmlRenderer(system_fonts=system_fonts).render(document))
    base = [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run([*base, "--dump-dom", page.as_uri()], env=no_cjk_fonts, capture_output=True, text=True,
                         timeout=120)
    assert dom.returncode == 0, dom.stderr[-2000:]
    # the scripts in the log text would set the title to PWNED: they never ran
    title = re.search(r"<title>(.*?)</title>", dom.stdout, re.S)
    assert title and title.group(1).startswith(document.title.split(" ")[0]) and "&lt;script&gt;" in title.group(1)
    assert "<script" not in dom.stdout
    png = tmp_path / f"{name}.png"
    shot = subprocess.run([*base, "--window-size=1000,5200", f"--screenshot={png}", page.as_uri()],
                          env=no_cjk_fonts, capture_output=True, text=True, timeout=120)
    assert shot.returncode == 0 and png.is_file(), shot.stderr[-2000:]
    not_blank(png)
    keep(png)


def test_pdf_without_cjk_fonts(document: Document, tmp_path: Path, no_cjk_fonts: dict[str, str]) -> None:
    for tool in ("pdffonts", "pdftotext", "pdftoppm"):
        need(shutil.which(tool) is not None, f"{tool} is missing (scripts/system-packages.sh: poppler-utils)")
    pdf = tmp_path / f"{document.lang}.pdf"
    # A separate process: fontconfig reads FONTCONFIG_FILE once, when WeasyPrint first loads it.
    script = ("import sys; sys.path.insert(0, sys.argv[1]); import conftest; from govsoc.reports import renderers; "
              "pdf = renderers.get('pdf')().render(conftest.every_block_document(sys.argv[2])); "
              "open(sys.argv[3], 'wb').write(pdf)")
    made = subprocess.run([sys.executable, "-c", script, str(HERE), document.lang, str(pdf)], env=no_cjk_fonts,
                          capture_output=True, text=True, timeout=300)
    assert made.returncode == 0, made.stderr[-3000:]
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert fonts
    for line in fonts:
        name, emb = line.split()[0], line.split()[-5]
        assert emb == "yes", line
        # the report's own fonts only (Symbola's style is Semi-Condensed)
        assert re.fullmatch(r"[A-Z]{6}\+govsoc-[a-z-]+?(-Bold)?(-Semi-Condensed)?", name), line
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    flat = re.sub(r"\s+", "", text).replace("\u200b", "")
    for section in walk(document.sections):
        assert re.sub(r"\s+", "", section.title)[:12] in flat, section.id
    for block in (b for s in walk(document.sections) for b in s.blocks if isinstance(b, Figures)):
        for figure in block.items:
            assert re.sub(r"\s+", "", f"{figure.label}") in flat
            assert re.sub(r"\s+", "", format_number(figure.value)) in flat
    assert ("显示前12条，共250条" if document.lang == "zh" else "First12of250rows") in flat
    pages = subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(tmp_path / f"{document.lang}-page")],
                           capture_output=True, text=True, timeout=120)
    assert pages.returncode == 0, pages.stderr
    pngs = sorted(tmp_path.glob(f"{document.lang}-page*.png"))
    assert len(pngs) >= 3
    for png in pngs:
        keep(png)
    not_blank(pngs[0])


def test_no_pdf_page_ends_with_a_caption(tmp_path: Path) -> None:
    # review r18c finding 18: "各网络区域事件" ended page 1 while its table began page 2. Tables of
    # one to seven rows one after another put a caption at every height of a page: none may end one.
    need(shutil.which("pdftotext") is not None, "pdftotext is missing (scripts/system-packages.sh: poppler-utils)")
    from govsoc.reports import renderers
    from govsoc.reports.document import Section, Table

    tables = tuple(Table(caption=f"表{i:02d}标题", columns=("名称", "数量"),
                         rows=tuple((f"行{i:02d}-{r}", r) for r in range(1 + i % 7))) for i in range(60))
    document = Document(kind="situation", title="版式", lang="zh", generated="2026-11-30 00:00:00",
                        timezone="Asia/Shanghai", masked=True, sections=(Section(id="s", title="表格", blocks=tables),))
    pdf = tmp_path / "captions.pdf"
    pdf.write_bytes(renderers.get("pdf")().render(document))
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    pages = [[line.strip() for line in page.splitlines() if line.strip()] for page in text.split("\f")]
    pages = [page for page in pages if page]
    assert len(pages) >= 3
    for number, page in enumerate(pages, 1):
        body = [line for line in page if not line.startswith("页 ")]  # the page number in the footer
        assert body and not re.fullmatch(r"表\d\d标题", body[-1]), (number, body[-3:])
