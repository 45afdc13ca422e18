"""The TrueType fonts of every document, registered with ReportLab once per process.

ReportLab's built-in fonts draw neither Cyrillic nor CJK and are not embedded, so every
piece of text (including the canvas's initial font and chart labels) uses these.

The CJK font is registered only when a document first contains CJK text (crm.pdf.text
finds it): parsed, it takes about 50 ms.

ReportLab keeps a parsed font as the whole file in memory plus plain Python dicts and
lists per character and per glyph: about 15 MB in a worker for the CJK font's 28,600
characters and 49,000 glyphs, and 5 MB for the two DejaVu faces. `_compact` keeps what
ReportLab reads (pdfbase/ttfonts.py: widths when measuring text, the character map when
assigning subsets, metrics, glyph offsets and file bytes when embedding a subset) in
equivalent compact forms, and drops the glyph-to-character map, which only HarfBuzz
shaping reads (we register the fonts unshaped: Latin, Cyrillic and CJK text needs none).
tests/test_pdf_fonts.py checks that widths and embedded subsets stay byte for byte the
same.
"""
from __future__ import annotations

import mmap
import os
import threading
import weakref
from array import array
from bisect import bisect_left
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
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
    arrays of unsigned shorts instead of a list of tuples. Only embedding a subset reads it,
    by index, and it writes `int(aw), int(lsb)`: so the arrays hold those ints (ReportLab
    stores the advances of the glyphs after the last full metric scaled to 1000 units, a
    float, which `int` truncates; the test checks every pair)."""

    __slots__ = ("advances", "bearings")

    def __init__(self, pairs: list[tuple[float, int]]):
        self.advances = array("H", (int(aw) for aw, _lsb in pairs))
        self.bearings = array("H", (int(lsb) for _aw, lsb in pairs))

    def __getitem__(self, glyph: int) -> tuple[int, int]:
        return self.advances[glyph], self.bearings[glyph]

    def __len__(self) -> int:
        return len(self.advances)


class _CharMap(Mapping):
    """ReportLab's `charToGlyph` (character code → glyph index) as two sorted arrays
    instead of a dict of int objects. ReportLab asks it `code in …` once per new character
    of a document and `[code]` when embedding the subset: a binary search each."""

    __slots__ = ("codes", "glyphs")

    def __init__(self, char_to_glyph: dict[int, int]):
        codes = sorted(char_to_glyph)
        self.codes = array("I", codes)
        self.glyphs = array("H", (char_to_glyph[c] for c in codes))

    def _index(self, code: int) -> int:
        i = bisect_left(self.codes, code)
        return i if i < len(self.codes) and self.codes[i] == code else -1

    def __contains__(self, code: object) -> bool:
        return isinstance(code, int) and self._index(code) >= 0

    def __getitem__(self, code: int) -> int:
        i = self._index(code) if isinstance(code, int) else -1
        if i < 0:
            raise KeyError(code)
        return self.glyphs[i]

    def __iter__(self) -> Iterator[int]:
        return iter(self.codes)

    def __len__(self) -> int:
        return len(self.codes)


class _FontFile:
    """The font file's bytes for ReportLab's parser methods (`_ttf_data[a:b]`,
    `_ttf_data[i]`), instead of a copy of the whole file in every worker (4 MB for the CJK
    font). Once parsed, ReportLab reads the file only to embed a subset: `subset` maps it
    for that while (slices of a mapping cost what slices of bytes cost, and once it is
    unmapped its pages are the page cache's, not the worker's); any other read is a
    `pread`. The file stays open, so a font file replaced on disk while the process runs
    (a new inode) is still read as it was parsed."""

    __slots__ = ("_fd", "_size", "__weakref__")

    def __init__(self, path: Path):
        self._fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
        self._size = os.fstat(self._fd).st_size
        weakref.finalize(self, os.close, self._fd)

    def __len__(self) -> int:
        return self._size

    def __getitem__(self, key: int | slice) -> bytes | int:
        with self.mapped() as data:
            return data[key]

    @contextmanager
    def mapped(self) -> Iterator[mmap.mmap]:
        data = mmap.mmap(self._fd, self._size, access=mmap.ACCESS_READ)
        try:
            yield data
        finally:
            data.close()


def _subset_from_file(face, font_file: _FontFile):
    """`face.makeSubset` with the font file mapped while it runs."""
    make_subset = face.makeSubset

    def makeSubset(subset):  # noqa: N802 (ReportLab's name)
        with font_file.mapped() as data:
            face._ttf_data = data
            try:
                return make_subset(subset)
            finally:
                face._ttf_data = font_file
    return makeSubset


def _load(name: str) -> TTFont:
    font = TTFont(name, str(FONT_DIR / _FILES[name]), shapable=False)
    _compact(font, FONT_DIR / _FILES[name])
    return font


def _compact(font: TTFont, path: Path) -> None:
    face = font.face
    # Measuring reads `charWidths.get(code, defaultWidth)` (rl_accel's C code requires a
    # real dict), so a width equal to the default need not be stored: most CJK characters
    # are as wide as the missing-glyph box (28,500 of 28,600).
    default = face.defaultWidth
    codes, widths = array("I"), array("d")
    for code, width in face.charWidths.items():
        if width != default:
            codes.append(code)
            widths.append(width)
    face.glyphToChar = {}  # read only when shaping with HarfBuzz
    face.charToGlyph = _CharMap(face.charToGlyph)
    face.charWidths = {}
    face.hmetrics = _Metrics(face.hmetrics)
    face.glyphPos = array("I", face.glyphPos)  # glyph offsets in the file
    # The parse's 100,000 small objects are gone now; the widths' dict is made of new
    # ints and floats only now, because the parse's own, scattered among them, would each
    # keep one of the allocator's 1 MB arenas alive: 6 MB for the CJK font.
    face.charWidths = dict(zip(codes, widths))
    face._ttf_data = _FontFile(path)
    face.makeSubset = _subset_from_file(face, face._ttf_data)


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
