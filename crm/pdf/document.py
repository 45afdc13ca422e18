"""The base of every document: A4, a header with the document's title, a footer with
"Page X of Y" and the generation time, PDF metadata, built in memory.

A document is a class: it takes the models to show, builds into a BytesIO and gives the
bytes with `render()`. Variants override one step (`title`, `story`, `draw_header`, ...);
views only choose the class and send the bytes.
"""
from __future__ import annotations

import functools
import io
from datetime import UTC, datetime

from flask import Response, send_file
from flask_babel import gettext as _
from reportlab import rl_config
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import CondPageBreak, Flowable, Paragraph, SimpleDocTemplate, Table

from crm.pdf.fonts import CJK, SANS, SANS_BOLD, register_fonts
from crm.formatting import format_datetime
from crm.reference import current_language
from crm.pdf.styles import INK, MARGIN, MUTED, RULE, TOP_MARGIN, styles
from crm.pdf.tables import HeadedTable, forget_widths
from crm.pdf.text import clean, markup, script_runs

# Streams (pages, font subsets) are written as compressed binary, not ASCII85 text:
# smaller files and no slow pure-Python encoding pass. ASCII85 is a default from the
# days of 7-bit mail; every PDF reader takes binary streams.
rl_config.useA85 = 0

CREATOR = "Co-production deal CRM"
HEADER_SIZE = 8.5
FOOTER_SIZE = 7.5


def send_pdf(document: PDFDocument) -> Response:
    """The document as a download: application/pdf, a safe attachment name (each
    document's filename() goes through crm.text.download_stem; werkzeug quotes and encodes
    the header), built for this caller (Cache-Control: no-store, like every page, from
    crm.security)."""
    response = send_file(io.BytesIO(document.render()), mimetype="application/pdf",
                         as_attachment=True, download_name=document.filename(),
                         etag=False, conditional=False, max_age=0)
    return response


def text_width(text: str, font: str, size: float) -> float:
    """The width of text drawn with `draw_text` (CJK runs in the CJK font)."""
    return sum(stringWidth(run.text, CJK if run.cjk else font, size)
               for run in script_runs(text))


def draw_text(canvas: Canvas, x: float, y: float, text: str, font: str, size: float,
              *, max_width: float | None = None, align: str = "left") -> None:
    """Draw one line straight on the canvas, switching CJK runs to the CJK font; if
    `max_width` is given, shorten the line with an ellipsis rather than overflow."""
    text = " ".join(clean(text).split())
    if max_width is not None and text_width(text, font, size) > max_width:
        while text and text_width(text + "…", font, size) > max_width:
            text = text[:-1]
        text = text.rstrip() + "…"
    if align == "right":
        x -= text_width(text, font, size)
    for run in script_runs(text):
        run_font = CJK if run.cjk else font
        canvas.setFont(run_font, size)
        canvas.drawString(x, y, run.text)
        x += stringWidth(run.text, run_font, size)


class _NumberedCanvas(Canvas):
    """Keeps every page until the end so the footer can say "Page X of Y"; the
    document then draws its header and footer on each page."""

    def __init__(self, *args, document: PDFDocument, **kwargs):
        super().__init__(*args, **kwargs)
        self._document = document
        self._pages: list[dict] = []

    def showPage(self):  # noqa: N802 (ReportLab's name)
        state = dict(self.__dict__)
        # The page's drawing operators (thousands of small strings on a page of a long
        # table) kept as the one string ReportLab would join them into with newlines when
        # writing the page: the same bytes, and far less memory while a long document is
        # built. The furniture drawn in save() starts with saveState(), so none of
        # ReportLab's peephole merges with the previous operator reaches into this string.
        if self._code:
            state["_code"] = ["\n".join(self._code)]
        self._pages.append(state)
        self._startPage()

    def save(self):
        total = len(self._pages)
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            self._document.draw_page_furniture(self, number, total)
            super().showPage()
        super().save()


class PDFDocument:
    """An A4 document with a running header and footer; subclasses give the content."""

    pagesize = A4
    margin = MARGIN

    def __init__(self, *, prepared_for: str | None = None,
                 generated_at: datetime | None = None) -> None:
        register_fonts()
        self.styles = styles()
        self.prepared_for = prepared_for
        self.generated_at = (generated_at or datetime.now(UTC)).astimezone(UTC)

    # --- the steps a document provides or overrides ------------------------------------

    def title(self) -> str:
        raise NotImplementedError

    def subject(self) -> str:
        return self.title()

    def filename(self) -> str:
        """The download name, safe in a header and on a disk, in the document's own
        script where it has one (crm.text.download_stem; werkzeug sends it as RFC 5987
        `filename*` with an ASCII fallback)."""
        raise NotImplementedError

    def story(self) -> list[Flowable]:
        raise NotImplementedError

    def author(self) -> str:
        return self.prepared_for or CREATOR

    # --- paragraphs (all text, ours and the user's, goes through markup()) -------------

    def paragraph(self, text: str | None, style=None) -> Paragraph:
        return Paragraph(markup(text), style or self.styles.body)

    def heading(self, text: str) -> Paragraph:
        return Paragraph(markup(text), self.styles.heading)

    def section(self, text: str, table: Table | None = None, *,
                space_needed: float = 30 * mm) -> list[Flowable]:
        """A section heading that never sits alone at the foot of a page: with a table,
        it goes wherever the table's first rows go; otherwise it starts a new page
        when fewer than `space_needed` points are left."""
        return self._headed(self.heading(text), table, space_needed)

    def subheading(self, text: str, table: Table | None = None, *,
                   space_needed: float = 18 * mm) -> list[Flowable]:
        return self._headed(Paragraph(markup(text), self.styles.subheading), table,
                            space_needed)

    @staticmethod
    def _headed(heading: Paragraph, table: Table | None, space_needed: float) -> list[Flowable]:
        if table is not None:
            return [HeadedTable(heading, table)]
        return [CondPageBreak(space_needed), heading]

    def nothing_recorded(self, text: str) -> Paragraph:
        """What an empty section says instead of showing an empty table."""
        return Paragraph(markup(text), self.styles.muted)

    # --- layout -------------------------------------------------------------------------

    @property
    def frame_width(self) -> float:
        return self.pagesize[0] - 2 * self.margin

    def draw_page_furniture(self, canvas: Canvas, page: int, total: int) -> None:
        canvas.saveState()
        self.draw_header(canvas)
        self.draw_footer(canvas, page, total)
        canvas.restoreState()

    def draw_header(self, canvas: Canvas) -> None:
        width, height = self.pagesize
        y = height - self.margin + 7 * mm
        canvas.setFillColor(MUTED)
        right = _("Co-production CRM")  # the app's name, as the pages' title says it
        right_width = stringWidth(right, SANS, HEADER_SIZE)
        draw_text(canvas, width - self.margin, y, right, SANS, HEADER_SIZE, align="right")
        canvas.setFillColor(INK)
        draw_text(canvas, self.margin, y, self.title(), SANS_BOLD, HEADER_SIZE,
                  max_width=self.frame_width - right_width - 8 * mm)
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.line(self.margin, y - 2.5 * mm, width - self.margin, y - 2.5 * mm)

    def draw_footer(self, canvas: Canvas, page: int, total: int) -> None:
        width, _height = self.pagesize
        y = self.margin - 10 * mm
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.line(self.margin, y + 3.5 * mm, width - self.margin, y + 3.5 * mm)
        canvas.setFillColor(MUTED)
        stamp = _("Generated %(when)s", when=format_datetime(self.generated_at))
        if self.prepared_for:
            stamp = _("Generated %(when)s for %(name)s",
                      when=format_datetime(self.generated_at), name=self.prepared_for)
        draw_text(canvas, self.margin, y, stamp, SANS, FOOTER_SIZE,
                  max_width=self.frame_width - 40 * mm)
        draw_text(canvas, width - self.margin, y,
                  _("Page %(page)d of %(total)d", page=page, total=total),
                  SANS, FOOTER_SIZE, align="right")

    # --- building -----------------------------------------------------------------------

    def doc_template(self, buffer: io.BytesIO) -> SimpleDocTemplate:
        return SimpleDocTemplate(
            buffer, pagesize=self.pagesize,
            leftMargin=self.margin, rightMargin=self.margin,
            topMargin=TOP_MARGIN, bottomMargin=self.margin,
            title=self.title(), author=self.author(), subject=self.subject(),
            creator=CREATOR, producer=CREATOR, lang=current_language(),
            # The canvas starts every page in this font; the default (Helvetica) would
            # appear in the file as a font that is not embedded.
            initialFontName=SANS, initialFontSize=9, initialLeading=11.5,
            displayDocTitle=1)

    def render(self) -> bytes:
        """The PDF file, built in memory."""
        buffer = io.BytesIO()
        try:
            self.doc_template(buffer).build(
                self.story(), canvasmaker=functools.partial(_NumberedCanvas, document=self))
        finally:
            forget_widths()
        return buffer.getvalue()
