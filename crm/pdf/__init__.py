"""Shared building blocks of the PDF documents (memorandum summary, pipeline report,
event meeting log): fonts, styles, script-aware escaping, the A4 base document, tables.

The documents themselves live with their areas (crm/memoranda/pdf.py, ...)."""
from crm.pdf.document import PDFDocument, draw_text, send_pdf
from crm.pdf.fonts import CJK, SANS, SANS_BOLD, register_fonts
from crm.pdf.tables import Column, Line, TextCell, data_table, facts_table
from crm.pdf.text import Run, escape, has_cjk, markup, script_runs

__all__ = ["CJK", "Column", "Line", "PDFDocument", "Run", "SANS", "SANS_BOLD", "TextCell",
           "data_table",
           "draw_text", "escape", "facts_table", "has_cjk", "markup", "register_fonts",
           "script_runs", "send_pdf"]
