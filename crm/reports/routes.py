"""Routes of the reports area: the PDF documents.

Each view loads what the document is about (404 for what the viewer may not see), picks
the document class and sends the bytes; the documents query through the ORM, so they
contain only what the viewer may see.
"""
from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_login import current_user, login_required

from crm import access
from crm.i18n import requested_language
from crm.models import Event, Memorandum
from crm.pipeline.services import PipelineFilters
from crm.reports import bp

# The documents (and ReportLab, about 10 MB in a worker) are imported by the views
# that build them: a worker that never sends a PDF never loads them.


@bp.get("/memoranda/<int:memorandum_id>/summary.pdf")
@login_required
def memorandum_summary(memorandum_id):
    from crm.memoranda.pdf import MemorandumSummaryPDF
    from crm.pdf import send_pdf
    memorandum = access.get_or_404(Memorandum, memorandum_id)
    with requested_language():
        return send_pdf(MemorandumSummaryPDF(memorandum, prepared_for=current_user.name))


@bp.get("/reports/pipeline.pdf")
@login_required
def pipeline():
    from crm.pdf import send_pdf
    from crm.reports.pdf import PipelineReportPDF, ReportTooLarge
    filters = PipelineFilters.from_args(request.args)
    with requested_language():
        try:
            document = PipelineReportPDF(filters, prepared_for=current_user.name)
        except ReportTooLarge as too_large:
            message = str(too_large.message)
        else:
            return send_pdf(document)
    flash(message, "warning")  # in the reader's own language, as the page it goes back to
    return redirect(url_for("projects.index", **filters.as_args()))


@bp.get("/events/<int:event_id>/meetings.pdf")
@login_required
def event_meetings(event_id):
    from crm.events.pdf import EventMeetingLogPDF
    from crm.pdf import send_pdf
    event = access.get_or_404(Event, event_id)
    with requested_language():
        return send_pdf(EventMeetingLogPDF(event, prepared_for=current_user.name))
