"""The TrueType fonts of every document, registered with ReportLab once per process.

ReportLab's built-in fonts draw neither Cyrillic nor CJK and are not embedded, so every
piece of text (including the canvas's initial font and chart labels) uses these.

The CJK font is registered only when a document first contains CJK text (crm.pdf.text
finds it): parsed, it takes about 50 ms.

ReportLab keeps a parsed font in plain Python lists and dicts: 18.5 MB for the CJK font's
49,000 glyphs. `_compact` puts the per-glyph tables in arrays and drops the glyph-to-
character map, which only HarfBuzz shaping reads (we register the fonts unshaped: Latin,
Cyrillic and CJK text needs none): 8.5 MB for the CJK font, about 12 MB less per worker
for the three fonts (measured with `make bench`; tests/test_pdf_fonts.py checks that
documents still embed and draw every script).
"""
from __future__ import annotations

import threading
from array import array
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_DIR = Path(__file__).resolve().parent / "fonts"

SANS = "DejaVuSans"
SANS_BOLD = "DejaVuSans-Bold"
CJK = "DroidSansFallbackFull"

_FILES = {
    SANS: "DejaVuSans.ttf",
    SANS_BOLD: "DejaVuSans-Bold.ttf",
    CJK: "DroidSansFallbackFull.ttf",
}
_lock = threading.Lock()
_registered = False
_cjk_registered = False


class _Metrics:
    """ReportLab's `hmetrics` (one (advance width, left side bearing) pair per glyph) in two
    arrays of doubles (the same values) instead of a list of tuples; read by index only."""

    __slots__ = ("advances", "bearings")

    def __init__(self, pairs: list[tuple[float, float]]):
        self.advances = array("d", (aw for aw, _lsb in pairs))
        self.bearings = array("d", (lsb for _aw, lsb in pairs))

    def __getitem__(self, glyph: int) -> tuple[float, float]:
        return self.advances[glyph], self.bearings[glyph]

    def __len__(self) -> int:
        return len(self.advances)


def _load(name: str) -> TTFont:
    font = TTFont(name, str(FONT_DIR / _FILES[name]), shapable=False)
    _compact(font)
    return font


def _compact(font: TTFont) -> None:
    face = font.face
    face.glyphToChar = {}  # read only when shaping with HarfBuzz
    face.hmetrics = _Metrics(face.hmetrics)
    face.glyphPos = array("L", face.glyphPos)  # glyph offsets in the file


def register_fonts() -> None:
    """Register the Latin/Cyrillic fonts and their family; cheap after the first call."""
    global _registered
    if _registered:
        return
    with _lock:
        if _registered:
            return
        for name in (SANS, SANS_BOLD):
            pdfmetrics.registerFont(_load(name))
        # <b> inside a paragraph picks the family's bold face.
        pdfmetrics.registerFontFamily(SANS, normal=SANS, bold=SANS_BOLD,
                                      italic=SANS, boldItalic=SANS_BOLD)
        _registered = True


def register_cjk_font() -> None:
    """Register the CJK font, before the first text that needs it is laid out."""
    global _cjk_registered
    if _cjk_registered:
        return
    with _lock:
        if _cjk_registered:
            return
        pdfmetrics.registerFont(_load(CJK))
        # The CJK font has no bold face, so its "bold" is itself rather than a font
        # ReportLab would not find.
        pdfmetrics.registerFontFamily(CJK, normal=CJK, bold=CJK, italic=CJK, boldItalic=CJK)
        _cjk_registered = True
