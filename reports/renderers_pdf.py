"""The PDF renderer: the HTML report (embedded CJK font subset, inline SVG charts) laid out on A4
pages by WeasyPrint, which embeds the subset fonts in the PDF, so it shows its Chinese on a
machine without Chinese fonts. WeasyPrint needs Pango (Debian libpango-1.0-0; scripts/system-packages.sh).
"""

from __future__ import annotations

from govsoc.core.errors import ReportError
from govsoc.reports.renderers import HtmlRenderer, Report, as_document, renderers


@renderers.register("pdf")
class PdfRenderer:
    """An A4 PDF with page numbers; the same content as the HTML report."""

    suffix = ".pdf"

    def __init__(self, *, system_fonts: bool = True) -> None:
        self._html = HtmlRenderer(system_fonts=system_fonts, weights=(400, 700))

    def render(self, report: Report) -> bytes:
        document = as_document(report)
        try:
            # Imported here: WeasyPrint loads Pango at import, which the other formats do not need.
            from weasyprint import HTML
        except (ImportError, OSError) as e:
            raise ReportError(f"PDF reports need WeasyPrint and Pango: {e} (pip install weasyprint; "
                              "Debian: scripts/system-packages.sh installs libpango-1.0-0)") from e
        html = self._html.html(document)
        try:
            pdf = HTML(string=html, base_url=None).write_pdf()
        except Exception as e:  # WeasyPrint raises many kinds; name the stage
            raise ReportError(f"cannot lay out the PDF report: {e}") from e
        if pdf is None:
            raise ReportError("WeasyPrint wrote no PDF")
        return bytes(pdf)
