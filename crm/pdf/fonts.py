"""The TrueType fonts of every document, registered with ReportLab once per process.

ReportLab's built-in fonts draw neither Cyrillic nor CJK and are not embedded, so every
piece of text (including the canvas's initial font and chart labels) uses these.

The CJK font is registered only when a document first contains CJK text (crm.pdf.text
finds it): parsed, it takes about 18 MB of every worker's memory and 50 ms.
"""
from __future__ import annotations

import threading
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


def register_fonts() -> None:
    """Register the Latin/Cyrillic fonts and their family; cheap after the first call."""
    global _registered
    if _registered:
        return
    with _lock:
        if _registered:
            return
        for name in (SANS, SANS_BOLD):
            pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / _FILES[name])))
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
        pdfmetrics.registerFont(TTFont(CJK, str(FONT_DIR / _FILES[CJK])))
        # The CJK font has no bold face, so its "bold" is itself rather than a font
        # ReportLab would not find.
        pdfmetrics.registerFontFamily(CJK, normal=CJK, bold=CJK, italic=CJK, boldItalic=CJK)
        _cjk_registered = True
