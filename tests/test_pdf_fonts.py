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
    fonts._compact(compacted, fonts.FONT_DIR / fonts._FILES[name])

    covered = sorted({ord(c) for c in SAMPLE if ord(c) in original.face.charToGlyph})
    assert len(covered) > 20
    assert compacted.face.makeSubset(covered) == original.face.makeSubset(covered)
    assert compacted.stringWidth(SAMPLE, 9) == original.stringWidth(SAMPLE, 9)
    glyphs = len(original.face.hmetrics)
    assert [tuple(map(int, compacted.face.hmetrics[g])) for g in range(glyphs)] == \
        [tuple(map(int, pair)) for pair in original.face.hmetrics]
    assert list(compacted.face.glyphPos) == list(original.face.glyphPos)


@pytest.mark.parametrize("name", [fonts.SANS, fonts.CJK])
def test_a_compacted_font_maps_and_measures_every_character_like_the_original(name):
    path = fonts.FONT_DIR / fonts._FILES[name]
    original = TTFont(f"original-{name}", str(path), shapable=False)
    compacted = TTFont(f"compacted-{name}", str(path), shapable=False)
    fonts._compact(compacted, path)
    before, after = original.face, compacted.face

    assert dict(after.charToGlyph) == before.charToGlyph
    assert len(after.charToGlyph) == len(before.charToGlyph)
    absent = [c for c in (0x1F600, 0x10FFFF, 0xE000, -1, 0) if c not in before.charToGlyph]
    assert absent and not any(c in after.charToGlyph for c in absent)
    with pytest.raises(KeyError):
        after.charToGlyph[absent[0]]
    # Every character's width, and the default for those the font lacks, as before (the
    # C stringWidth reads charWidths as a dict; getCharWidth as the PDF's Widths array).
    assert isinstance(after.charWidths, dict)
    for code in [*before.charToGlyph, *absent]:
        assert after.getCharWidth(code) == before.getCharWidth(code)
    text = "".join(chr(c) for c in sorted(before.charToGlyph) if c > 0x20)[::7]
    assert compacted.stringWidth(text, 9) == original.stringWidth(text, 9)

    # The file is read from disk when asked, as the bytes ReportLab parsed.
    data = path.read_bytes()
    assert len(after._ttf_data) == len(data)
    for start, stop in ((0, 12), (1000, 1004), (len(data) - 5, len(data)), (10, 10)):
        assert after._ttf_data[start:stop] == data[start:stop]
    assert after._ttf_data[3] == data[3] and after._ttf_data[-1] == data[-1]

