"""Tables for documents: they split across pages repeating their header row, and wrap
long text instead of cutting it or running into the next column.

Speed matters for the pipeline report (1,000 rows): a Paragraph per cell parses markup
and costs about a millisecond, so a cell without CJK text becomes a plain string wrapped
here to the column's width, and a cell that needs the CJK font (or a second weight or
colour) becomes a `TextCell`, which draws its runs straight on the canvas.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib.colors import Color
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Table, TableStyle
from reportlab.platypus.tables import LINECOMMANDS, CellStyle

from crm.pdf.fonts import CJK, SANS, SANS_BOLD
from crm.pdf.styles import (BODY_LEADING, BODY_SIZE, FRAME_HEIGHT, HEADER_FILL, INK, MUTED, RULE,
                            STRIPE)
from crm.pdf.text import clean, has_cjk, script_runs

PADDING = 3
# CJK punctuation that must not begin a line (kinsoku): it stays with the character before.
_NO_LINE_START = set("、。，．・：；？！）］｝〕〉》」』】〙〗〟ー～…‥ゝゞヽヾぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮ"
                     "々〻‐゠〜")


@dataclass(frozen=True)
class Line:
    """One logical line of a TextCell (wrapped as needed), in one weight and colour."""

    text: str
    font: str = SANS
    color: Color = INK


class TextCell(Flowable):
    """Lines of text for a table cell, drawn straight on the canvas with CJK runs in the
    CJK font, wrapped at spaces (and between CJK characters) to the cell's width; words
    wider than the cell are broken rather than cut. Splits between lines when a row
    runs over a page."""

    def __init__(self, lines: Sequence[Line], size: float = BODY_SIZE,
                 leading: float = BODY_LEADING) -> None:
        super().__init__()
        self.lines = [line for line in lines if line.text]
        self.size, self.leading = size, leading
        # (colour, [(text, font, x)], width) per drawn line, for the width broken at.
        self._broken: list[tuple[Color, list[tuple[str, str, float]], float]] = []
        self._broken_for: float | None = None
        self._measured: tuple[list, float, float] | None = None

    @classmethod
    def _from_broken(cls, broken, width, size, leading) -> TextCell:
        piece = cls([], size, leading)
        piece._broken, piece._broken_for = broken, width
        return piece

    def wrap(self, availWidth, availHeight):  # noqa: N803 (ReportLab's names)
        if self._broken_for != availWidth and self.lines:
            self._broken = [(line.color, segments, width)
                            for line in self.lines
                            for segments, width in _break_line(clean(line.text), line.font,
                                                               self.size, availWidth)]
            self._broken_for = availWidth
        # A table asks each cell several times at the same width: measure the lines once.
        if self._measured is None or self._measured[0] is not self._broken:
            self._measured = (self._broken, max((w for _c, _s, w in self._broken), default=0),
                              len(self._broken) * self.leading)
        _broken, self.width, self.height = self._measured
        return self.width, self.height

    def split(self, availWidth, availHeight):  # noqa: N803
        self.wrap(availWidth, availHeight)
        fits = int(availHeight // self.leading)
        if fits < 1 or fits >= len(self._broken):
            return []
        return [self._from_broken(self._broken[:fits], self._broken_for, self.size, self.leading),
                self._from_broken(self._broken[fits:], self._broken_for, self.size, self.leading)]

    def draw(self):
        # One text object for the whole cell: far cheaper than a drawString per piece;
        # the lines of one colour together (alternating name and role lines would switch
        # the colour on every line).
        text_object = self.canv.beginText()
        top = self.height - self.size
        current_font = None
        for color in dict.fromkeys(color for color, _s, _w in self._broken):
            text_object.setFillColor(color)
            for index, (line_color, segments, _width) in enumerate(self._broken):
                if line_color != color:
                    continue
                text_object.setTextOrigin(0, top - index * self.leading)
                for text, font, _x in segments:
                    if font != current_font:
                        text_object.setFont(font, self.size)
                        current_font = font
                    text_object.textOut(text)
        self.canv.drawText(text_object)


_widths: dict[tuple[str, str, float], float] = {}


def _width(text: str, font: str, size: float) -> float:
    """stringWidth, remembered while one document is laid out (`forget_widths`): the same
    words and names recur in every row."""
    key = (text, font, size)
    width = _widths.get(key)
    if width is None:
        width = _widths[key] = stringWidth(text, font, size)
    return width


def forget_widths() -> None:
    """Drop the widths remembered for a document once it is built: kept across documents,
    they grew with every word ever laid out (up to 100,000, 20 MB, per worker)."""
    _widths.clear()


def _pieces(word: str, font: str) -> list[tuple[str, str]]:
    """A word as (text, font) pieces: its CJK runs in the CJK font."""
    return [(run.text, CJK if run.cjk else font) for run in script_runs(word)]


def _units(pieces: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """A word too wide for a line, as characters it may break between (no-line-start
    punctuation such as 。 or ー stays with the character before it)."""
    units: list[tuple[str, str]] = []
    for text, font in pieces:
        for char in text:
            if char in _NO_LINE_START and units and units[-1][1] == font:
                units[-1] = (units[-1][0] + char, font)
            else:
                units.append((char, font))
    return units


def _positioned(pieces: list[tuple[str, str, float]]) -> tuple[list[tuple[str, str, float]], float]:
    """Merge neighbouring pieces of one font and give each its x; and the line's width."""
    merged: list[tuple[str, str, float]] = []
    x = 0.0
    for text, font, width in pieces:
        if merged and merged[-1][1] == font:
            merged[-1] = (merged[-1][0] + text, font, merged[-1][2])
        else:
            merged.append((text, font, x))
        x += width
    return merged, x


def _break_line(text: str, font: str, size: float, width: float):
    """Greedy line breaking of mixed-script text at spaces; a word wider than the line
    (a long CJK sentence has no spaces) is broken between characters. Returns
    [(pieces, line width)] with pieces as (text, font, x)."""
    lines = []
    for paragraph in text.split("\n"):
        current: list[tuple[str, str, float]] = []
        used = 0.0
        space = _width(" ", font, size)
        latin = not has_cjk(paragraph)  # most text: no script runs to find in each word
        for word in paragraph.split():
            pieces = ([(word, font, _width(word, font, size))] if latin else
                      [(t, f, _width(t, f, size)) for t, f in _pieces(word, font)])
            word_width = sum(w for _t, _f, w in pieces)
            gap = space if current else 0.0
            if used + gap + word_width <= width:
                if current:
                    current.append((" ", font, space))
                current.extend(pieces)
                used += gap + word_width
                continue
            if word_width <= width:  # the word fits on a line of its own
                lines.append(_positioned(current))
                current, used = list(pieces), word_width
                continue
            if current:  # too wide for any line: fill this one, then carry on
                current.append((" ", font, space))
                used += space
            for unit, unit_font in _units([(t, f) for t, f, _w in pieces]):
                unit_width = _width(unit, unit_font, size)
                if used + unit_width > width and current:
                    while current and current[-1][0] == " ":
                        used -= current.pop()[2]
                    lines.append(_positioned(current))
                    current, used = [], 0.0
                current.append((unit, unit_font, unit_width))
                used += unit_width
        lines.append(_positioned(current))
    return lines


@dataclass(frozen=True)
class Column:
    heading: str
    width: float
    align: str = "LEFT"


def wrap_plain(text: str, font: str, size: float, width: float) -> str:
    """Text broken into lines no wider than `width` (at spaces where possible, inside
    over-long words where not), joined with newlines for a plain table cell."""
    lines: list[str] = []
    space = _width(" ", font, size)
    for paragraph in clean(text).split("\n"):
        current: list[str] = []
        used = 0.0
        for word in paragraph.split():
            word_width = _width(word, font, size)
            if current and used + space + word_width > width:
                lines.append(" ".join(current))
                current, used = [], 0.0
            while word_width > width and len(word) > 1:  # a word wider than the cell
                cut = len(word) - 1
                while cut > 1 and stringWidth(word[:cut], font, size) > width:
                    cut -= 1
                lines.append(word[:cut])
                word = word[cut:]
                word_width = _width(word, font, size)
            used += (space if current else 0.0) + word_width
            current.append(word)
        lines.append(" ".join(current))
    return "\n".join(lines)


def cell(value, width: float):
    """One cell's content: flowables as given, text plain where it can be."""
    if value is None:
        return ""
    if isinstance(value, (Flowable, list)):
        return value
    text = str(value)
    if not has_cjk(text):
        return wrap_plain(text, SANS, BODY_SIZE, width - 2 * PADDING)
    return TextCell([Line(text)])


# Style commands that ReportLab applies to each cell's CellStyle (the others draw lines
# and backgrounds or span cells).
_NOT_CELL_STYLE = {"BACKGROUND", "ROWBACKGROUNDS", "COLBACKGROUNDS", "SPAN", "NOSPLIT",
                   "ROUNDEDCORNERS", *LINECOMMANDS}


class DocumentTable(Table):
    """A table that splits between rows, and inside a row only when the table holds a
    row taller than a whole page (a very long note), which then starts right after the
    rows before it. ReportLab's in-row splitting, always on, would also fill the foot
    of a page with a repeated header row and a sliver of the next row.

    ReportLab gives every cell a CellStyle of its own (about 200 bytes: 1 MB for the
    pipeline report's 5,000 cells, alive until the document is written). Our tables style
    whole columns of the header rows or of the other rows, so the cells of one column
    share one CellStyle for the header rows and one for the others; a command for part
    of a column would style the whole column, so `_addCommand` refuses it."""

    def __init__(self, data, *, long: bool = False, **kwargs) -> None:
        kwargs.setdefault("longTableOptimize", 1 if long else None)
        # Parts of a split table come with their CellStyles (ReportLab's split passes them).
        self._shared_styles = "cellStyles" not in kwargs and bool(data)
        if self._shared_styles:
            header_rows = kwargs.get("repeatRows", 0)
            header = [CellStyle(f"header {j}") for j in range(len(data[0]))]
            body = [CellStyle(f"column {j}") for j in range(len(data[0]))]
            kwargs["cellStyles"] = [header if i < header_rows else body
                                    for i in range(len(data))]
        super().__init__(data, **kwargs)

    def _addCommand(self, cmd):  # noqa: N802 (ReportLab's name)
        if self._shared_styles and cmd[0] not in _NOT_CELL_STYLE:
            (sc, sr), (ec, er) = cmd[1:3]
            if isinstance(sr, str) or isinstance(er, str):
                raise ValueError(f"{cmd!r}: DocumentTable styles whole columns only")
            _sc, _ec, sr, er = self.normCellRange(sc, ec, sr, er)
            last, header = self._nrows - 1, self.repeatRows
            # In-row splitting moves a MIDDLE cell's padding: it would move the column's.
            if (sr, er) not in ((0, last), (0, header - 1), (header, last)) or \
                    (cmd[0] == "VALIGN" and cmd[3] == "MIDDLE"):
                raise ValueError(f"{cmd!r}: DocumentTable styles whole columns of the header "
                                 "rows or of the other rows only")
        super()._addCommand(cmd)

    def split(self, availWidth, availHeight):  # noqa: N803 (ReportLab's names)
        self._calc(availWidth, availHeight)
        heights = self._rowHeights
        header = sum(h or 0 for h in heights[:self.repeatRows])
        tallest = max((h or 0 for h in heights[self.repeatRows:]), default=0)
        too_tall = header + tallest > FRAME_HEIGHT
        # Table.split tries in-row first when splitByRow is off, between rows otherwise.
        self.splitInRow, self.splitByRow = (1, 0) if too_tall else (0, 1)
        return super().split(availWidth, availHeight)


class HeadedTable(Flowable):
    """A heading kept with the start of its table: when the heading, the table's header
    row and its first row do not all fit at the foot of a page, the heading moves to
    the next page with them instead of being left alone."""

    def __init__(self, heading: Flowable, table: Table) -> None:
        super().__init__()
        self.heading, self.table = heading, table

    def _heading_height(self, availWidth, availHeight) -> float:  # noqa: N803
        _width, height = self.heading.wrap(availWidth, availHeight)
        return height + self.heading.getSpaceBefore() + self.heading.getSpaceAfter()

    def wrap(self, availWidth, availHeight):  # noqa: N803 (ReportLab's names)
        self._top = self._heading_height(availWidth, availHeight)
        _width, table_height = self.table.wrap(availWidth, availHeight - self._top)
        self.width, self.height = availWidth, self._top + table_height
        return self.width, self.height

    def split(self, availWidth, availHeight):  # noqa: N803
        top = self._heading_height(availWidth, availHeight)
        parts = self.table.split(availWidth, availHeight - top)
        return [self.heading, *parts] if parts else []

    def draw(self):
        heading_height = self._top - self.heading.getSpaceBefore() - self.heading.getSpaceAfter()
        self.heading.drawOn(self.canv, 0, self.height - self.heading.getSpaceBefore()
                            - heading_height)
        self.table.drawOn(self.canv, 0, 0)


def _base_style(header: bool) -> list:
    commands = [
        ("FONT", (0, 0), (-1, -1), SANS, BODY_SIZE, BODY_LEADING),
        ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), PADDING),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
    ]
    if header:
        commands += [
            ("FONT", (0, 0), (-1, 0), SANS_BOLD, BODY_SIZE, BODY_LEADING),
            ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
            ("LINEBELOW", (0, 0), (-1, 0), 0.8, MUTED),
            ("ROWBACKGROUNDS", (0, 1), (-1, -1), [None, STRIPE]),
        ]
    return commands


def data_table(columns: Sequence[Column], rows: Sequence[Sequence], *,
               long: bool = False) -> Table:
    """A table with a header row repeated on every page it runs onto; rows taller than
    a page split inside the row rather than failing the build."""
    header = [wrap_plain(c.heading, SANS_BOLD, BODY_SIZE, c.width - 2 * PADDING)
              for c in columns]
    data = [header] + [[cell(value, c.width) for value, c in zip(row, columns, strict=True)]
                       for row in rows]
    commands = _base_style(header=True)
    for index, column in enumerate(columns):
        if column.align != "LEFT":
            commands.append(("ALIGN", (index, 0), (index, -1), column.align))
    return DocumentTable(data, colWidths=[c.width for c in columns], repeatRows=1,
                         style=TableStyle(commands), hAlign="LEFT", long=long)


def facts_table(pairs: Sequence[tuple[str, object]], width: float,
                label_width: float) -> Table:
    """Label/value pairs, two columns, for the facts at the top of a document."""
    value_width = width - label_width
    data = [[wrap_plain(label, SANS, BODY_SIZE, label_width - 2 * PADDING),
             cell(value, value_width)] for label, value in pairs]
    commands = _base_style(header=False) + [("TEXTCOLOR", (0, 0), (0, -1), MUTED)]
    return DocumentTable(data, colWidths=[label_width, value_width],
                         style=TableStyle(commands), hAlign="LEFT")
