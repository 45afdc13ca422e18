"""Unit tests of the PDF text helpers: splitting text into script runs (CJK runs go to
the CJK font), escaping user text before it becomes ReportLab markup, and wrapping."""
from __future__ import annotations

import pytest
from reportlab.platypus import Paragraph

from crm.pdf import CJK, SANS, Line, Run, TextCell, escape, has_cjk, markup, script_runs
from crm.pdf.styles import styles
from crm.pdf.tables import wrap_plain

SAMPLES = [
    "Kazakhfilm 東京ニューシネマ Қазақ",
    "Ерлан Нұрмұхамбетов and 市山尚三 met 竹葉リサ at Cannes.",
    "作曲家 (The Composer), 「馬泥棒たち」、２０１８年。",
    "ә ғ қ ң ө ұ ү һ і Айка Казахфильм",
    "한국 영화 Korean",
    "",
]


def test_mixed_text_splits_into_runs_in_order():
    assert script_runs("Kazakhfilm 東京ニューシネマ Қазақ") == [
        Run("Kazakhfilm ", False), Run("東京ニューシネマ", True), Run(" Қазақ", False)]


@pytest.mark.parametrize("text", SAMPLES)
def test_runs_lose_nothing_and_alternate(text):
    runs = script_runs(text)
    assert "".join(run.text for run in runs) == text
    assert all(a.cjk != b.cjk for a, b in zip(runs, runs[1:]))


@pytest.mark.parametrize("text", ["東京", "ニューシネマ", "ひらがな", "作曲家", "市山尚三",
                                  "、。「」", "ＡＢＣ１２３", "한국어", "\u3000"])
def test_han_kana_hangul_cjk_punctuation_and_fullwidth_forms_are_cjk(text):
    assert script_runs(text) == [Run(text, True)]
    assert has_cjk(text)


@pytest.mark.parametrize("text", ["Kazakhfilm", "Қазақфильм", "әғқңөұүһі ӘҒҚҢӨҰҮҺІ",
                                  "Айка", "“The Horse Thieves” – 100 %", "Café à Cannes"])
def test_latin_and_cyrillic_stay_in_the_main_font(text):
    assert script_runs(text) == [Run(text, False)]
    assert not has_cjk(text)


def test_nothing_gives_no_runs():
    assert script_runs("") == []
    assert script_runs(None) == []


def test_escape_makes_markup_literal():
    assert escape('<font color="red">') == "&lt;font color=&quot;red&quot;&gt;"
    assert escape("<b>bold</b> & it's") == "&lt;b&gt;bold&lt;/b&gt; &amp; it&#39;s"
    assert escape("&amp;") == "&amp;amp;"
    assert escape(None) == ""


def test_escape_drops_control_characters():
    assert escape("a\x00b\x07c\x1bd") == "abcd"


def test_markup_switches_cjk_runs_to_the_cjk_font_after_escaping():
    assert markup("Tokyo New Cinema <東京ニューシネマ> & Қазақ") == (
        f'Tokyo New Cinema &lt;<font name="{CJK}">東京ニューシネマ</font>&gt; &amp; Қазақ')


def test_markup_escapes_inside_cjk_runs_too():
    # Fullwidth brackets are CJK; ASCII markup between CJK characters is still escaped.
    assert markup("東京<b>市山</b>") == (
        f'<font name="{CJK}">東京</font>&lt;b&gt;<font name="{CJK}">市山</font>&lt;/b&gt;')


def test_markup_keeps_line_breaks():
    assert markup("first\nsecond\r\nthird") == "first<br/>second<br/>third"


@pytest.mark.parametrize("text", [
    '<font color="red">red</font> and <b>bold</b>',
    "Tokyo New Cinema (東京ニューシネマ) & Қазақфильм's <i>",
    "<para>&nbsp;</para> <a href='x'>link</a> <img src='/etc/passwd'/>",
    "&lt; already escaped &gt; &#169;",
])
def test_reportlab_reads_markup_back_as_the_original_text(app, text):
    paragraph = Paragraph(markup(text), styles().body)
    assert paragraph.getPlainText() == text
    fonts = {frag.fontName for frag in paragraph.frags}
    assert fonts <= {SANS, CJK}
    assert (CJK in fonts) == has_cjk(text)


def test_plain_wrapping_breaks_long_words_instead_of_cutting_them():
    text = "A " + "x" * 200 + " end"
    wrapped = wrap_plain(text, SANS, 9, 100)
    assert wrapped.replace("\n", "").replace(" ", "") == text.replace(" ", "")
    assert len(wrapped.splitlines()) > 3


def test_text_cell_wraps_mixed_scripts_within_its_width_and_keeps_every_character():
    text = "Tokyo New Cinema (東京ニューシネマ) " + "東京ニューシネマとカザフフィルムは共同製作に合意した。" * 4
    cell = TextCell([Line(text)])
    width, height = cell.wrap(120, 1000)
    assert width <= 120
    drawn = [piece for _color, pieces, _w in cell._broken for piece in pieces]
    assert "".join(t for t, _font, _x in drawn).replace(" ", "") == text.replace(" ", "")
    assert {font for _t, font, _x in drawn} == {SANS, CJK}
    assert all(w <= 120 for _c, _p, w in cell._broken)
    # A name that fits on a line is not broken inside.
    assert any("(東京ニューシネマ)" in "".join(t for t, _f, _x in pieces)
               for _c, pieces, _w in cell._broken)
    assert height == len(cell._broken) * cell.leading
