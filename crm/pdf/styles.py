"""The look shared by every document: one sans family, a few sizes, sober colours."""
from __future__ import annotations

import functools

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm

from crm.pdf.fonts import SANS, SANS_BOLD, register_fonts

INK = colors.HexColor("#1f2328")
MUTED_HEX = "#59636e"
MUTED = colors.HexColor(MUTED_HEX)
RULE = colors.HexColor("#d0d7de")
HEADER_FILL = colors.HexColor("#eef1f4")
ACCENT = colors.HexColor("#0b5394")
STRIPE = colors.HexColor("#f8f9fa")

BODY_SIZE = 9
BODY_LEADING = 11.5
SMALL_SIZE = 7.5
MARGIN = 18 * mm
TOP_MARGIN = MARGIN + 4 * mm  # room for the running header
FRAME_HEIGHT = A4[1] - TOP_MARGIN - MARGIN  # the text area of an A4 page


class Styles:
    """Paragraph styles by name: styles().body, styles().heading, ..."""

    def __init__(self) -> None:
        register_fonts()
        base = ParagraphStyle("body", fontName=SANS, fontSize=BODY_SIZE,
                              leading=BODY_LEADING, textColor=INK, spaceAfter=3)
        self.body = base
        self.muted = ParagraphStyle("muted", parent=base, textColor=MUTED)
        self.small = ParagraphStyle("small", parent=base, fontSize=SMALL_SIZE, leading=9.5,
                                    textColor=MUTED, spaceAfter=0)
        self.title = ParagraphStyle("title", parent=base, fontName=SANS_BOLD, fontSize=17,
                                    leading=21, spaceAfter=4)
        self.subtitle = ParagraphStyle("subtitle", parent=base, fontSize=11, leading=14,
                                       textColor=MUTED, spaceAfter=8)
        # No keepWithNext: it moves a heading and a whole table or clause to the next page,
        # leaving gaps. PDFDocument.section() puts a CondPageBreak before headings instead.
        self.heading = ParagraphStyle("heading", parent=base, fontName=SANS_BOLD, fontSize=12,
                                      leading=15, spaceBefore=10, spaceAfter=5, textColor=ACCENT)
        self.subheading = ParagraphStyle("subheading", parent=base, fontName=SANS_BOLD,
                                         fontSize=BODY_SIZE + 1, leading=13, spaceBefore=6,
                                         spaceAfter=3)
        self.cell = ParagraphStyle("cell", parent=base, spaceAfter=0)
        self.cell_bold = ParagraphStyle("cell_bold", parent=self.cell, fontName=SANS_BOLD)
        self.cell_small = ParagraphStyle("cell_small", parent=self.cell, fontSize=SMALL_SIZE,
                                         leading=9.5, textColor=MUTED)
        self.cell_right = ParagraphStyle("cell_right", parent=self.cell, alignment=TA_RIGHT)
        self.header_cell = ParagraphStyle("header_cell", parent=self.cell, fontName=SANS_BOLD)


@functools.cache
def styles() -> Styles:
    return Styles()
