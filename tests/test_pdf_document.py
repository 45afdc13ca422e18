"""The base document (crm.pdf.document): what it keeps of each page while a long
document is built changes nothing in the file it writes."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from reportlab import rl_config
from reportlab.pdfgen.canvas import Canvas

from crm.pdf import Column, Line, PDFDocument, TextCell, data_table, facts_table
from crm.pdf import document as pdf_document
from crm.pdf import tables


class _LongDocument(PDFDocument):
    def title(self):
        return "Long table · 長い表"

    def filename(self):
        return "long.pdf"

    def story(self):
        width = self.frame_width
        rows = [[TextCell([Line(f"Project {n} 東京 {n}"), Line("Қазақфильм")]),
                 f"note {n} " * (n % 7 + 1), f"{n} %"] for n in range(400)]
        rows[200][1] = "A note longer than a page. " * 700  # split inside its row
        return [facts_table([("Reference", "MOU-1"), ("Parties", "東京ニューシネマ")],
                            width, 40),
                self.heading("Projects"),
                data_table([Column("Project", width * 0.4), Column("Note", width * 0.4),
                            Column("Share", width * 0.2, align="RIGHT")], rows, long=True)]


def _render(app) -> bytes:
    with app.test_request_context():
        return _LongDocument(generated_at=datetime(2024, 5, 17, 9, 30, tzinfo=UTC),
                             prepared_for="Aru").render()


def test_pages_kept_as_one_string_write_the_same_file(app, monkeypatch):
    monkeypatch.setattr(rl_config, "invariant", 1)  # no time stamps or random file ids
    joined = _render(app)

    def keep_every_operator(canvas):  # what the canvas kept before
        canvas._pages.append(dict(canvas.__dict__))
        Canvas._startPage(canvas)

    monkeypatch.setattr(pdf_document._NumberedCanvas, "showPage", keep_every_operator)
    assert joined.count(b"/Type /Page\n") > 5  # several pages, each with its furniture
    assert joined == _render(app)


def test_cells_sharing_their_columns_styles_write_the_same_file(app, monkeypatch):
    monkeypatch.setattr(rl_config, "invariant", 1)
    shared = _render(app)
    table_init = tables.DocumentTable.__init__

    def a_style_per_cell(self, data, **kwargs):  # ReportLab's own CellStyles
        table_init(self, data, cellStyles=kwargs.pop("cellStyles", None), **kwargs)

    monkeypatch.setattr(tables.DocumentTable, "__init__", a_style_per_cell)
    assert shared == _render(app)


@pytest.mark.parametrize("command", [
    ("TEXTCOLOR", (0, 3), (-1, 3), tables.MUTED),  # one row
    ("FONT", (1, 1), (1, 2), tables.SANS_BOLD),
    ("ALIGN", (0, "splitlast"), (-1, "splitlast"), "RIGHT"),
    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
])
def test_a_table_refuses_to_style_part_of_a_column(command):
    table = data_table([Column("A", 100), Column("B", 100)], [["a", "b"]] * 5)
    with pytest.raises(ValueError, match="whole columns"):
        table.setStyle([command])
    table.setStyle([("TEXTCOLOR", (1, 1), (1, -1), tables.MUTED),  # body rows of a column
                    ("LINEBELOW", (0, 2), (-1, 2), 1, tables.RULE)])  # lines: any cells


def test_widths_are_remembered_for_one_document_only(app):
    _render(app)
    assert tables._widths == {}  # not one entry per word ever laid out in the worker
