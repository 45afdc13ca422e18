"""The base document (crm.pdf.document): what it keeps of each page while a long
document is built changes nothing in the file it writes."""
from __future__ import annotations

from datetime import UTC, datetime

from reportlab import rl_config
from reportlab.pdfgen.canvas import Canvas

from crm.pdf import Column, Line, PDFDocument, TextCell, data_table
from crm.pdf import document as pdf_document


class _LongDocument(PDFDocument):
    def title(self):
        return "Long table · 長い表"

    def filename(self):
        return "long.pdf"

    def story(self):
        width = self.frame_width
        rows = [[TextCell([Line(f"Project {n} 東京 {n}"), Line("Қазақфильм")]),
                 f"note {n} " * (n % 7 + 1), "—"] for n in range(400)]
        return [self.heading("Projects"),
                data_table([Column("Project", width * 0.4), Column("Note", width * 0.4),
                            Column("Due", width * 0.2)], rows, long=True)]


def test_pages_kept_as_one_string_write_the_same_file(app, monkeypatch):
    monkeypatch.setattr(rl_config, "invariant", 1)  # no time stamps or random file ids
    when = datetime(2024, 5, 17, 9, 30, tzinfo=UTC)
    with app.test_request_context():
        joined = _LongDocument(generated_at=when, prepared_for="Aru").render()

        def keep_every_operator(canvas):  # what the canvas kept before
            canvas._pages.append(dict(canvas.__dict__))
            Canvas._startPage(canvas)

        monkeypatch.setattr(pdf_document._NumberedCanvas, "showPage", keep_every_operator)
        separate = _LongDocument(generated_at=when, prepared_for="Aru").render()
    assert joined.count(b"/Type /Page\n") > 5  # several pages, each with its furniture
    assert joined == separate
