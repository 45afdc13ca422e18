"""/api/v1/reports: PDF documents."""
from __future__ import annotations

from flask_login import current_user

from crm.api import bp
from crm.api.errors import Problem
from crm.api.projects import pipeline_filters
from crm.api.resources import documents
from crm.api.schemas import PipelineQuery

TAGS = ["reports"]

PDF_RESPONSE = {"schema": {"type": "string", "format": "binary"},
                "content_type": "application/pdf", "description": "A PDF file."}


@bp.route("/reports/pipeline.pdf", endpoint="pipeline_report", tags=TAGS)
@bp.arguments(PipelineQuery, location="query")
@bp.response(200, **PDF_RESPONSE)
@documents(422)
def pipeline_report(args):
    """The pipeline report as PDF

    The projects the caller may see, grouped by stage with counts, parties, shares and
    next steps, and a chart; filtered like the projects list (every stage is shown)."""
    # Imported here: a worker that never sends a PDF never loads ReportLab (10 MB).
    from crm.pdf import send_pdf
    from crm.reports.pdf import PipelineReportPDF, ReportTooLarge
    try:
        document = PipelineReportPDF(pipeline_filters(args), prepared_for=current_user.name)
    except ReportTooLarge as too_large:
        raise Problem(422, too_large.message, errors={"query": [too_large.message]}) from None
    return send_pdf(document)
