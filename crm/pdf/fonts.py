"""The TrueType fonts of every document, registered with ReportLab once per process.

ReportLab's built-in fonts draw neither Cyrillic nor CJK and are not embedded, so every
piece of text (including the canvas's initial font and chart labels) uses these.
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


def register_fonts() -> None:
    """Register the fonts and their families; cheap after the first call."""
    global _registered
    if _registered:
        return
    with _lock:
        if _registered:
            return
        for name, filename in _FILES.items():
            pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / filename)))
        # <b> inside a paragraph picks the family's bold face. The CJK font has no bold
        # face, so its "bold" is itself rather than a font ReportLab would not find.
        pdfmetrics.registerFontFamily(SANS, normal=SANS, bold=SANS_BOLD,
                                      italic=SANS, boldItalic=SANS_BOLD)
        pdfmetrics.registerFontFamily(CJK, normal=CJK, bold=CJK, italic=CJK, boldItalic=CJK)
        _registered = True
