"""The fonts' compacted tables (crm.pdf.fonts) give ReportLab exactly what its own parse
gave: the same widths, and byte for byte the same font subset embedded in a document."""
from __future__ import annotations

import pytest
from reportlab.pdfbase.ttfonts import TTFont

from crm.pdf import fonts

SAMPLE = ("The Horse Thieves · Қазақфильм · Ұлы дала, әуен, өзен, үміт, ғашық, қала, "
          "іңір, һ · Москва, Ёлка · 東京ニューシネマ · 市山尚三 · 中国电影合拍 · 「」、。１２３")


@pytest.mark.parametrize("name", [fonts.SANS, fonts.SANS_BOLD, fonts.CJK])
def test_a_compacted_font_embeds_and_measures_exactly_like_the_original(name):
    path = str(fonts.FONT_DIR / fonts._FILES[name])
    original = TTFont(f"original-{name}", path, shapable=False)
    compacted = TTFont(f"compacted-{name}", path, shapable=False)
    fonts._compact(compacted)

    covered = sorted({ord(c) for c in SAMPLE if ord(c) in original.face.charToGlyph})
    assert len(covered) > 20
    assert compacted.face.makeSubset(covered) == original.face.makeSubset(covered)
    assert compacted.stringWidth(SAMPLE, 9) == original.stringWidth(SAMPLE, 9)
    glyphs = len(original.face.hmetrics)
    assert [tuple(map(int, compacted.face.hmetrics[g])) for g in range(glyphs)] == \
        [tuple(map(int, pair)) for pair in original.face.hmetrics]
    assert list(compacted.face.glyphPos) == list(original.face.glyphPos)

