"""Turning user text into ReportLab paragraph markup safely, in every script.

ReportLab has no per-character font fallback: a paragraph draws every character in one
font unless the markup switches. DejaVu Sans draws Latin and Cyrillic (Kazakh included)
but no CJK, so runs of CJK characters are wrapped in `<font name="DroidSansFallbackFull">`.

Paragraph text is markup: a note containing `<font color="red">` would restyle the
document, and an unbalanced `<b>` would break the build. Every piece of user text is
therefore escaped first and only then given markup of our own.
"""
from __future__ import annotations

import re
from typing import NamedTuple
from xml.sax.saxutils import escape as _xml_escape

from crm.pdf.fonts import CJK, register_cjk_font

# Scripts DejaVu Sans does not draw, all of which go to the CJK font: Hangul Jamo, CJK
# radicals and ideographic description, CJK symbols and punctuation (、。「」 and the
# ideographic space), Hiragana, Katakana, Bopomofo, Hangul compatibility Jamo, Kanbun,
# CJK strokes, Katakana phonetic extensions, enclosed CJK letters, CJK compatibility,
# CJK unified ideographs (extension A and the main block), Hangul syllables, CJK
# compatibility ideographs, vertical and compatibility forms, halfwidth and fullwidth
# forms, and the supplementary ideographic planes.
_CJK_RANGES = (
    "\u1100-\u11ff"
    "\u2e80-\u2fff"
    "\u3000-\u303f"
    "\u3040-\u30ff"
    "\u3100-\u31ff"
    "\u3200-\u33ff"
    "\u3400-\u4dbf"
    "\u4e00-\u9fff"
    "\ua960-\ua97f"
    "\uac00-\ud7ff"
    "\uf900-\ufaff"
    "\ufe10-\ufe1f"
    "\ufe30-\ufe4f"
    "\uff00-\uffef"
    "\U00020000-\U0003ffff"
)
_CJK_RUN = re.compile(f"[{_CJK_RANGES}]+")
_CJK_CHAR = re.compile(f"[{_CJK_RANGES}]")
# C0/C1 control characters other than tab and newline: they have no glyph and some of
# them are not even allowed in the XML-like markup ReportLab parses.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_QUOTES = {'"': "&quot;", "'": "&#39;"}


class Run(NamedTuple):
    """A stretch of text drawn in one font."""

    text: str
    cjk: bool


def has_cjk(text: str | None) -> bool:
    """Whether the text needs the CJK font (which is then registered: every caller that
    finds CJK text goes on to draw it in that font)."""
    if text and _CJK_CHAR.search(text) is not None:
        register_cjk_font()
        return True
    return False


def script_runs(text: str | None) -> list[Run]:
    """Split text into alternating non-CJK and CJK runs, in order, losing nothing:
    "Kazakhfilm 東京ニューシネマ" -> [Run("Kazakhfilm ", False), Run("東京ニューシネマ", True)]."""
    if not text:
        return []
    runs: list[Run] = []
    position = 0
    for match in _CJK_RUN.finditer(text):
        register_cjk_font()  # the runs are drawn in it
        if match.start() > position:
            runs.append(Run(text[position:match.start()], False))
        runs.append(Run(match.group(), True))
        position = match.end()
    if position < len(text):
        runs.append(Run(text[position:], False))
    return runs


def clean(text: str | None) -> str:
    """User text without control characters, tabs as spaces, newlines as '\\n'."""
    if not text:
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return _CONTROL.sub("", text)


def escape(text: str | None) -> str:
    """Escape text so that ReportLab's paragraph parser shows it literally
    (& < > and both quotes)."""
    return _xml_escape(clean(text), _QUOTES)


def markup(text: str | None) -> str:
    """Paragraph markup for user text: escaped, CJK runs in the CJK font, line breaks
    kept. The result is safe to put inside markup of our own (`<b>` + markup(name))."""
    parts = []
    for run in script_runs(clean(text)):
        escaped = _xml_escape(run.text, _QUOTES)
        if run.cjk:
            parts.append(f'<font name="{CJK}">{escaped}</font>')
        else:
            parts.append(escaped)
    return "".join(parts).replace("\n", "<br/>")
